// Addresses and the routes they bring, device up/down, `ip route add` checks, gratuitous ARP,
// ARP answers for any local address (arp_ignore), and what netfilter may ask (StackView).
import { describe, expect, it } from "vitest";
import { Nic } from "../../../netsim/l2/index.ts";
import { Ipv4Stack } from "../../../netsim/l3/ipv4-stack.ts";
import { formatDestination } from "../../../netsim/l3/route-table.ts";
import { ipv4ToString } from "../../../netsim/wire/address.ts";
import { host, ip, mac, ofKind, recordTrace, Sim, SECOND, wire } from "./helpers.ts";

function single() {
  const sim = new Sim(1);
  const stack = new Ipv4Stack(sim, "h");
  const eth0 = new Nic(sim, "h", "eth0", mac(1));
  stack.addDevice(eth0);
  eth0.setUp(true);
  return { sim, stack, eth0 };
}

const show = (stack: Ipv4Stack) =>
  stack.routes().map((r) => `${formatDestination(r)}${r.gateway ? ` via ${ipv4ToString(r.gateway)}` : ""} dev ${r.dev} proto ${r.proto} scope ${r.scope}${r.src ? ` src ${ipv4ToString(r.src)}` : ""}`);

describe("addresses and connected routes", () => {
  it("loopback has 127.0.0.1/8, local but not in the main table", () => {
    const { stack } = single();
    expect(stack.addresses("lo")).toMatchObject([{ address: ip("127.0.0.1"), prefix: 8, scope: "host", label: "lo" }]);
    expect(stack.isLocalAddress(ip("127.0.0.1"))).toBe(true);
    expect(stack.isLocalAddress(ip("127.1.2.3"))).toBe(true);
    expect(show(stack)).toEqual([]);
  });

  it("ip addr add brings `proto kernel scope link src A`; ip addr del takes it away", () => {
    const { stack } = single();
    expect(stack.addAddress("eth0", { address: ip("192.0.2.10"), prefix: 24 })).toBeUndefined();
    expect(show(stack)).toEqual(["192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.10"]);
    expect(stack.addAddress("eth0", { address: ip("192.0.2.10"), prefix: 24 })).toBe("EEXIST");
    expect(stack.removeAddress("eth0", ip("192.0.2.10"))).toBeUndefined();
    expect(show(stack)).toEqual([]);
    expect(stack.isLocalAddress(ip("192.0.2.10"))).toBe(false);
  });

  it("a second address in the same subnet is secondary, after the primaries; deleting the primary deletes it", () => {
    const { stack } = single();
    stack.addAddress("eth0", { address: ip("192.0.2.10"), prefix: 24 });
    stack.addAddress("eth0", { address: ip("198.51.100.1"), prefix: 24 });
    stack.addAddress("eth0", { address: ip("192.0.2.11"), prefix: 24, label: "eth0:1" });
    expect(stack.addresses("eth0").map((a) => `${ipv4ToString(a.address)} ${a.secondary ? "secondary " : ""}${a.label}`)).toEqual([
      "192.0.2.10 eth0",
      "198.51.100.1 eth0",
      "192.0.2.11 secondary eth0:1",
    ]);
    expect(show(stack)).toHaveLength(2);
    stack.removeAddress("eth0", ip("192.0.2.10"));
    expect(stack.addresses("eth0").map((a) => ipv4ToString(a.address))).toEqual(["198.51.100.1"]);
    expect(show(stack)).toEqual(["198.51.100.0/24 dev eth0 proto kernel scope link src 198.51.100.1"]);
  });

  it("a /32 brings no subnet route; the same address may sit on several devices (routed Xen vifs)", () => {
    const { sim, stack } = single();
    const vif = new Nic(sim, "h", "vif1.0", mac(2));
    stack.addDevice(vif);
    vif.setUp(true);
    stack.addAddress("eth0", { address: ip("192.0.2.10"), prefix: 24 });
    expect(stack.addAddress("vif1.0", { address: ip("192.0.2.10"), prefix: 32 })).toBeUndefined();
    expect(show(stack)).toEqual(["192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.10"]);
    stack.removeAddress("vif1.0", ip("192.0.2.10"));
    expect(stack.isLocalAddress(ip("192.0.2.10"))).toBe(true);
  });

  it("device down: every route through it goes (static ones too), addresses stay; up: only connected routes return", () => {
    const { stack, eth0 } = single();
    stack.addAddress("eth0", { address: ip("192.0.2.10"), prefix: 24 });
    expect(stack.addRoute({ dst: 0, prefix: 0, gateway: ip("192.0.2.1") })).toBeUndefined();
    expect(show(stack)).toEqual(["192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.10", "default via 192.0.2.1 dev eth0 proto boot scope global"]);
    const down: string[] = [];
    stack.onDeviceDown((d) => down.push(d));
    eth0.setUp(false);
    expect(show(stack)).toEqual([]);
    expect(stack.isLocalAddress(ip("192.0.2.10"))).toBe(true);
    expect(down).toEqual(["eth0"]);
    eth0.setUp(true);
    expect(show(stack)).toEqual(["192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.10"]);
  });

  it("removing the last address of a device takes its static routes too (fib_disable_ip)", () => {
    const { stack } = single();
    stack.addAddress("eth0", { address: ip("192.0.2.10"), prefix: 24 });
    stack.addRoute({ dst: ip("10.0.0.0"), prefix: 8, dev: "eth0" });
    stack.removeAddress("eth0", ip("192.0.2.10"));
    expect(show(stack)).toEqual([]);
  });

  it("ip route add checks: gateway on a connected network, device up, no duplicate, source ours", () => {
    const { stack, eth0 } = single();
    stack.addAddress("eth0", { address: ip("192.0.2.10"), prefix: 24 });
    expect(stack.addRoute({ dst: 0, prefix: 0, gateway: ip("10.1.1.1") })).toBe("ENETUNREACH");
    expect(stack.addRoute({ dst: ip("10.0.0.0"), prefix: 8, dev: "nope" })).toBe("ENODEV");
    expect(stack.addRoute({ dst: ip("10.0.0.0"), prefix: 8, dev: "eth0", src: ip("10.0.0.1") })).toBe("EINVAL");
    expect(stack.addRoute({ dst: ip("10.0.0.0"), prefix: 8, dev: "eth0" })).toBeUndefined();
    expect(stack.addRoute({ dst: ip("10.0.0.0"), prefix: 8, dev: "eth0" })).toBe("EEXIST");
    expect(stack.deleteRoute({ dst: ip("10.9.0.0"), prefix: 16 })).toBe("ESRCH");
    eth0.setUp(false);
    expect(stack.addRoute({ dst: ip("10.0.0.0"), prefix: 8, dev: "eth0" })).toBe("ENETDOWN");
  });

  it("a route whose src disappears goes with it (fib_sync_down_addr)", () => {
    const { stack } = single();
    stack.addAddress("eth0", { address: ip("192.0.2.10"), prefix: 24 });
    stack.addAddress("eth0", { address: ip("198.51.100.1"), prefix: 24 });
    stack.addRoute({ dst: ip("10.0.0.0"), prefix: 8, dev: "eth0", src: ip("198.51.100.1") });
    stack.removeAddress("eth0", ip("198.51.100.1"));
    expect(show(stack)).toEqual(["192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.10"]);
  });
});

describe("gratuitous ARP", () => {
  function watched() {
    const sim = new Sim(1);
    const a = host(sim, "a", { eth0: "" }, 0x10);
    const b = host(sim, "b", { eth0: "192.0.2.2/24" }, 0x20);
    wire(a, "eth0", b, "eth0");
    return { sim, a, b, events: recordTrace(sim) };
  }

  it("Linux 2.6.32 sends none on `ip addr add` (arp_notify is off by default)", () => {
    const { sim, a, events } = watched();
    a.stack.addAddress("eth0", { address: ip("192.0.2.1"), prefix: 24 });
    sim.runUntil(SECOND);
    expect(ofKind(events, "tx")).toEqual([]);
  });

  it("with arp_notify=1 the device coming up announces its first address", () => {
    const { sim, a, events } = watched();
    a.stack.addAddress("eth0", { address: ip("192.0.2.1"), prefix: 24 });
    expect(a.stack.writeSysctl("net/ipv4/conf/eth0/arp_notify", "1")).toBeUndefined();
    a.nics.get("eth0")!.setUp(false);
    a.nics.get("eth0")!.setUp(true);
    sim.runUntil(SECOND);
    expect(ofKind(events, "arp").map((e) => `${e.node} ${e.op} ${ipv4ToString(e.ip)}`)).toEqual(["a gratuitous 192.0.2.1"]);
  });

  it("an explicit announcement (arping -U, a resumed netfront) updates a neighbour that already knew us, creates nothing elsewhere", () => {
    const { sim, a, b } = watched();
    a.stack.addAddress("eth0", { address: ip("192.0.2.1"), prefix: 24 });
    b.stack.setNeighbour("eth0", ip("192.0.2.1"), mac(0x99), "stale");
    sim.runUntil(2 * SECOND);
    expect(a.stack.sendGratuitousArp("eth0")).toBeUndefined();
    sim.runUntil(3 * SECOND);
    expect(b.stack.neighbours()).toEqual([{ dev: "eth0", ip: ip("192.0.2.1"), mac: mac(0x10), state: "STALE" }]);
  });
});

describe("ARP answers for local addresses", () => {
  function twoLegs(arpIgnore: string) {
    const sim = new Sim(1);
    const r = host(sim, "r", { eth0: "10.0.0.1/24", eth1: "192.168.1.1/24" }, 0x30);
    const h = host(sim, "h", { eth0: "10.0.0.2/24" }, 0x20);
    wire(r, "eth0", h, "eth0");
    r.stack.writeSysctl("net/ipv4/conf/all/arp_ignore", arpIgnore);
    h.stack.addRoute({ dst: ip("192.168.1.0"), prefix: 24, dev: "eth0" });
    return { sim, r, h, events: recordTrace(sim) };
  }

  it("arp_ignore=0: any local address is answered on any interface", () => {
    const { sim, h, events } = twoLegs("0");
    h.stack.openUdp().send(new Uint8Array(1), { dst: ip("192.168.1.1"), port: 9 });
    sim.runUntil(SECOND);
    expect(ofKind(events, "arp").filter((e) => e.node === "r").map((e) => e.op)).toEqual(["reply"]);
  });

  it("arp_ignore=1: only addresses configured on the receiving interface", () => {
    const { sim, h, events } = twoLegs("1");
    h.stack.openUdp().send(new Uint8Array(1), { dst: ip("192.168.1.1"), port: 9 });
    sim.runUntil(SECOND);
    expect(ofKind(events, "arp").filter((e) => e.node === "r")).toEqual([]);
  });
});

describe("StackView", () => {
  it("selects the device's primary address for MASQUERADE and reports address loss as device down", () => {
    const { stack } = single();
    stack.addAddress("eth0", { address: ip("192.0.2.10"), prefix: 24 });
    stack.addAddress("eth0", { address: ip("198.51.100.1"), prefix: 24 });
    expect(stack.selectSourceAddress("eth0", ip("198.51.100.7"))).toBe(ip("198.51.100.1"));
    expect(stack.selectSourceAddress("eth0", ip("203.0.113.9"))).toBe(ip("192.0.2.10"));
    expect(stack.selectSourceAddress("lo", ip("203.0.113.9"))).toBeUndefined();
    const down: string[] = [];
    stack.onDeviceDown((d) => down.push(d));
    stack.removeAddress("eth0", ip("198.51.100.1"));
    expect(down).toEqual(["eth0"]);
  });

  it("sysctl reads and writes, with /proc paths and dotted names", () => {
    const { stack } = single();
    expect(stack.readSysctl("/proc/sys/net/ipv4/ip_forward")).toBe("0");
    expect(stack.writeSysctl("net.ipv4.ip_forward", "1")).toBeUndefined();
    expect(stack.readSysctl("net/ipv4/conf/eth0/forwarding")).toBe("1");
    expect(stack.ipForward).toBe(true);
    expect(stack.readSysctl("net/ipv4/neigh/eth0/proxy_delay")).toBe("80");
    expect(stack.readSysctl("net/ipv4/conf/eth0/send_redirects")).toBe("1");
    expect(stack.writeSysctl("net/ipv4/conf/eth9/proxy_arp", "1")).toBe("ENOENT");
    expect(stack.writeSysctl("net/ipv4/conf/eth0/proxy_arp", "yes")).toBe("EINVAL");
  });
});
