// planOf reads a booted simulated host as the plan of the same host built for real: nodes, veth
// links with the simulator's names and MACs on both ends, bridges with their brctl settings,
// static addresses and routes (not DHCP-learnt ones), sysctls, iptables-save text, dnsmasq command
// lines and udhcpc clients. Pure and fast: nothing is built here.
import { beforeAll, describe, expect, it } from "vitest";
import type { Machine } from "../../../hypervisor/index.ts";
import { macToString } from "../../../netsim/wire/address.ts";
import { planOf, type RealPlan } from "../../../fidelity/realize/index.ts";
import { bootExample, handbookWithGuest } from "./hosts.ts";

const linkOf = (plan: RealPlan, key: string) =>
  plan.links.find((l) => `${l.a.node}:${l.a.dev}` === key || (l.b !== null && `${l.b.node}:${l.b.dev}` === key));
const other = (plan: RealPlan, key: string) => {
  const l = linkOf(plan, key);
  if (l === undefined || l.b === null) return undefined;
  return `${l.a.node}:${l.a.dev}` === key ? l.b : l.a;
};
const sysctl = (plan: RealPlan, node: string, path: string) => plan.sysctls.find((s) => s.node === node && s.path === path)?.value;
const guestMac = (m: Machine, guest: string) => macToString(m.guests.of(guest)!.stack.device("eth0")!.mac);

describe("planOf: the handbook host with testxen (bridged, dom0 by DHCP on xenbr0)", () => {
  let m: Machine;
  let plan: RealPlan;
  beforeAll(() => {
    m = handbookWithGuest();
    plan = planOf(m);
  });

  it("has one node per stack and per world segment", () => {
    expect(plan.nodes).toEqual(["dom0", "testxen", "router", "www", "lan", "internet"]);
    expect(plan.hosts).toEqual(["dom0", "testxen", "router", "www"]);
  });

  it("joins vif1.0 in dom0 to eth0 in the guest, with netback's MAC and the guest's", () => {
    const l = linkOf(plan, "dom0:vif1.0")!;
    expect(l.what).toBe("xen");
    expect(other(plan, "dom0:vif1.0")).toEqual({ node: "testxen", dev: "eth0", mac: guestMac(m, "testxen"), up: true });
    expect([l.a, l.b].find((e) => e?.dev === "vif1.0")?.mac).toBe("fe:ff:ff:ff:ff:ff");
  });

  it("cables dom0's eth0 and the router's eth0 to ports of the LAN switch, the router's eth1 and www to the internet's", () => {
    expect(other(plan, "dom0:eth0")?.node).toBe("lan");
    expect(other(plan, "router:eth0")?.node).toBe("lan");
    expect(other(plan, "router:eth1")?.node).toBe("internet");
    expect(other(plan, "www:eth0")?.node).toBe("internet");
    expect(other(plan, "dom0:eth0")?.mac).toMatch(/^02:00:00:00:f0:0\d$/);
  });

  it("builds xenbr0 with eth0 and vif1.0 as ports and bridge-utils' defaults (STP off, forward delay 15 s)", () => {
    const br = plan.bridges.find((b) => b.node === "dom0" && b.dev === "xenbr0")!;
    expect(br.ports.map((p) => p.dev)).toEqual(["eth0", "vif1.0"]);
    expect(br).toMatchObject({ stp: false, forwardDelay: 15_000_000, helloTime: 2_000_000, maxAge: 20_000_000, ageing: 300_000_000, hub: false });
    expect(br.ports.every((p) => p.state === "forwarding" && p.forwardingAfter === undefined)).toBe(true);
    expect(plan.bridges.find((b) => b.node === "lan")).toMatchObject({ dev: "switch", stp: false, forwardDelay: 0 });
  });

  it("leaves DHCP-learnt addresses and routes to udhcpc, and serves the LAN with the router's dnsmasq", () => {
    expect(plan.dhcpClients).toEqual([{ node: "dom0", dev: "xenbr0", bound: true }, { node: "testxen", dev: "eth0", bound: true }]);
    expect(plan.addresses.filter((a) => a.node === "dom0" || a.node === "testxen")).toEqual([]);
    expect(plan.routes.filter((r) => r.node === "dom0" || r.node === "testxen")).toEqual([]);
    const lan = plan.dhcpServers.find((s) => s.node === "router")!;
    expect(lan.args).toContain("--interface=eth0");
    expect(lan.args).toContain("--dhcp-range=192.168.1.100,192.168.1.200,3600");
    expect(lan.args).toEqual(expect.arrayContaining(["--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--port=0"]));
  });

  it("captures every interface that is up, by the simulator's names", () => {
    expect(plan.captures).toEqual(expect.arrayContaining(["dom0:eth0", "dom0:vif1.0", "dom0:xenbr0", "testxen:eth0", "router:eth0", "router:eth1", "www:eth0"]));
    expect(plan.names).toMatchObject({ router: "192.168.1.1", www: "203.0.113.80" });
  });
});

describe("planOf: the routed host (network-route + vif-route)", () => {
  let plan: RealPlan;
  beforeAll(() => void (plan = planOf(bootExample("routed"))));

  it("forwards and answers ARP for the guest on eth0 and vif1.0", () => {
    expect(sysctl(plan, "dom0", "net/ipv4/ip_forward")).toBe("1");
    expect(sysctl(plan, "dom0", "net/ipv4/conf/eth0/proxy_arp")).toBe("1");
    expect(sysctl(plan, "dom0", "net/ipv4/conf/vif1.0/proxy_arp")).toBe("1");
    expect(sysctl(plan, "dom0", "net/ipv4/neigh/vif1.0/proxy_delay")).toBe("80");
    expect(sysctl(plan, "web", "net/ipv4/ip_forward")).toBe("0");
    // Squeeze's br_netfilter default, written where the machine's kernel has the files.
    expect(sysctl(plan, "dom0", "net/bridge/bridge-nf-call-iptables")).toBe("1");
  });

  it("gives vif1.0 dom0's address as a /32 and routes the guest's address to it", () => {
    expect(plan.addresses).toContainEqual({ node: "dom0", dev: "vif1.0", address: "192.168.1.10", prefix: 32, broadcast: undefined });
    expect(plan.routes).toContainEqual(expect.objectContaining({ node: "dom0", dst: "192.168.1.50", prefix: 32, dev: "vif1.0", gateway: undefined }));
    expect(plan.routes.some((r) => r.proto === "kernel")).toBe(false);
    expect(plan.addresses).toContainEqual(expect.objectContaining({ node: "web", dev: "eth0", address: "192.168.1.50", prefix: 24 }));
  });

  it("restores vif-route's FORWARD rules in dom0 from the simulator's iptables-save", () => {
    const save = plan.iptables.find((t) => t.node === "dom0")!.save;
    expect(save).toContain("*filter");
    expect(save).toContain("-A FORWARD -s 192.168.1.50/32 -m physdev --physdev-in vif1.0 -j ACCEPT");
    expect(plan.iptables.map((t) => t.node)).toEqual(["dom0", "router"]);
  });
});

describe("planOf: the NAT host (network-nat + vif-nat, dhcpd in dom0)", () => {
  let m: Machine;
  let plan: RealPlan;
  beforeAll(() => {
    m = bootExample("nat");
    plan = planOf(m);
  });

  it("has two guests, each behind its own vif with the guest's MAC", () => {
    expect(plan.hosts).toEqual(["dom0", "db", "web", "router", "www"]);
    expect(other(plan, "dom0:vif1.0")).toMatchObject({ node: "db", dev: "eth0", mac: guestMac(m, "db") });
    expect(other(plan, "dom0:vif2.0")).toMatchObject({ node: "web", dev: "eth0", mac: guestMac(m, "web") });
  });

  it("masquerades out of eth0 in dom0 and out of eth1 on the router", () => {
    expect(plan.iptables.find((t) => t.node === "dom0")!.save).toContain("-A POSTROUTING -o eth0 -j MASQUERADE");
    expect(plan.iptables.find((t) => t.node === "router")!.save).toContain("-A POSTROUTING -o eth1 -j MASQUERADE");
  });

  it("serves the guests' fixed addresses with dnsmasq on the vifs, as vif-nat's dhcpd does", () => {
    const s = plan.dhcpServers.find((d) => d.node === "dom0")!;
    expect(s.what).toBe("vif-nat's dhcpd");
    expect(s.args).toEqual(expect.arrayContaining(["--interface=vif1.0", "--interface=vif2.0", `--dhcp-host=${guestMac(m, "db")},10.0.1.1,db`, "--no-ping"]));
    expect(plan.dhcpClients).toEqual([{ node: "dom0", dev: "eth0", bound: true }, { node: "db", dev: "eth0", bound: true }, { node: "web", dev: "eth0", bound: false }]);
  });

  it("keeps each vif's /32 and host route", () => {
    expect(plan.addresses).toContainEqual({ node: "dom0", dev: "vif1.0", address: "10.0.1.128", prefix: 32, broadcast: undefined });
    expect(plan.routes).toContainEqual(expect.objectContaining({ node: "dom0", dst: "10.0.2.1", prefix: 32, dev: "vif2.0", src: "10.0.2.128" }));
  });
});

describe("planOf: the other examples", () => {
  it("xen3-network-bridge: peth0 and the netloop pair veth0 (dom0's eth0) ↔ vif0.0 in dom0", () => {
    const plan = planOf(bootExample("xen3-network-bridge"));
    expect(other(plan, "dom0:eth0")).toMatchObject({ node: "dom0", dev: "vif0.0" });
    expect(other(plan, "dom0:peth0")?.node).toBe("lan");
    expect(plan.bridges.find((b) => b.dev === "xenbr0")?.ports.map((p) => p.dev)).toEqual(["vif0.0", "peth0", "vif1.0"]);
    expect(linkOf(plan, "dom0:veth3")).toMatchObject({ what: "veth", a: { up: false } });
  });

  it("broken-reboot: xenbr0 with STP on and a 15 s forward delay", () => {
    const plan = planOf(bootExample("broken-reboot"));
    expect(plan.bridges.find((b) => b.dev === "xenbr0")).toMatchObject({ stp: true, forwardDelay: 15_000_000 });
  });

  it("nat-dnsmasq: dom0's own dnsmasq serving br0's range", () => {
    const plan = planOf(bootExample("nat-dnsmasq"));
    const s = plan.dhcpServers.find((d) => d.node === "dom0")!;
    expect(s.what).toBe("dnsmasq");
    expect(s.args.some((a) => a.startsWith("--dhcp-range=10.0.0.100,10.0.0.200"))).toBe(true);
  });
});
