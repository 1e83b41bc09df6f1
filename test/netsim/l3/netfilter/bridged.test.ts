// Bridge netfilter end to end, as on a Squeeze dom0 (2.6.32, br_netfilter built in,
// bridge-nf-call-iptables = 1): two guests on xenbr0 ping each other through dom0's bridge and
// dom0's iptables sees every bridged IPv4 packet — FORWARD (the classic `-P FORWARD DROP` that cuts
// bridged guests off, and `--physdev-is-bridged -j ACCEPT` that lets them through again), nat
// PREROUTING/POSTROUTING with the bridge as device, conntrack, -m physdev, counters, LOG.
//
//   guest1 10.0.0.2 eth0 ── vif1.0 ┐
//                                  [xenbr0 10.0.0.1] dom0 (Ipv4Stack + Netfilter)
//   guest2 10.0.0.3 eth0 ── vif2.0 ┘
import { describe, expect, it } from "vitest";
import { Bridge } from "../../../../netsim/l2/bridge/index.ts";
import { Cable, Nic } from "../../../../netsim/l2/index.ts";
import { Ipv4Stack } from "../../../../netsim/l3/ipv4-stack.ts";
import { bridgeNetfilter, Netfilter } from "../../../../netsim/l3/netfilter/index.ts";
import { host, ip, ofKind, ping, recordTrace, SECOND, Sim } from "../helpers.ts";

function lan() {
  const sim = new Sim(7);
  const stack = new Ipv4Stack(sim, "dom0");
  const nf = new Netfilter({ sim, view: stack });
  stack.hooks = nf;
  const br = new Bridge(sim, "dom0", "xenbr0", { forwardDelay: 0 });
  br.setNetfilterHook(bridgeNetfilter(stack, nf));
  stack.addDevice(br);
  br.setUp(true);
  stack.addAddress("xenbr0", { address: ip("10.0.0.1"), prefix: 24, broadcast: "auto" });
  const guests = [1, 2].map((n) => {
    const g = host(sim, `guest${n}`, { eth0: `10.0.0.${n + 1}/24` }, 0x10 * n);
    const vif = new Nic(sim, "dom0", `vif${n}.0`, 0xfe_ff_ff_ff_ff_f0 + n);
    br.addPort(vif);
    vif.setUp(true);
    new Cable(g.nics.get("eth0")!, vif);
    return g.stack;
  });
  sim.runFor(1);
  const run = (line: string) => {
    const r = nf.iptables(line.split(" "));
    if (r.exitCode !== 0) throw new Error(`iptables ${line}: ${r.stderr}`);
    return r.stdout;
  };
  return { sim, stack, nf, br, g1: guests[0]!, g2: guests[1]!, run };
}

/** guest1 pings `dst` `count` times from `start` s; how many replies came back. */
function pings(l: ReturnType<typeof lan>, dst: string, count = 3): number {
  const start = l.sim.now + SECOND;
  const results = ping(l.g1, ip(dst), { count, start });
  l.sim.runUntil(start + (count + 2) * SECOND);
  return results.filter((r) => r.repliedAt !== undefined).length;
}

/** The pkts column of each rule of `chain` (iptables -L -v -n -x). */
function packets(l: ReturnType<typeof lan>, chain: string, table = "filter"): number[] {
  return l.run(`-t ${table} -L ${chain} -v -n -x`).split("\n").slice(2).filter((s) => s !== "").map((s) => Number(s.trim().split(/\s+/)[0]));
}

describe("bridge netfilter: FORWARD on a bridge", () => {
  it("bridges untouched while no table is loaded", () => {
    const l = lan();
    expect(pings(l, "10.0.0.3")).toBe(3);
  });

  it("-P FORWARD DROP cuts the guests off each other; --physdev-is-bridged -j ACCEPT restores them", () => {
    const l = lan();
    l.run("-P FORWARD DROP");
    const events = recordTrace(l.sim);
    expect(pings(l, "10.0.0.3")).toBe(0);
    const drops = ofKind(events, "drop").filter((e) => e.reason === "filtered");
    expect(drops.length).toBe(3);
    expect(drops[0]).toMatchObject({ node: "dom0", dev: "vif1.0", detail: "FORWARD: filter FORWARD: policy DROP (to vif2.0)" });
    l.run("-A FORWARD -m physdev --physdev-is-bridged -j ACCEPT");
    expect(pings(l, "10.0.0.3")).toBe(3);
    // Three requests and three replies matched the rule; ARP never meets iptables.
    expect(packets(l, "FORWARD")).toEqual([6]);
    expect(l.run("-L FORWARD -v -n")).toMatch(/^Chain FORWARD \(policy DROP 3 packets, 252 bytes\)\n/);
  });

  it("bridge-nf-call-iptables = 0 bypasses iptables; 1 brings it back", () => {
    const l = lan();
    l.run("-P FORWARD DROP");
    expect(l.stack.readSysctl("net.bridge.bridge-nf-call-iptables")).toBe("1");
    expect(l.stack.writeSysctl("/proc/sys/net/bridge/bridge-nf-call-iptables", "0")).toBeUndefined();
    expect(pings(l, "10.0.0.3")).toBe(3);
    expect(l.run("-L FORWARD -v -n")).toMatch(/policy DROP 0 packets/);
    l.stack.writeSysctl("net.bridge.bridge-nf-call-iptables", "1");
    expect(pings(l, "10.0.0.3")).toBe(0);
  });

  it("frames to the bridge's own address meet INPUT, not FORWARD", () => {
    const l = lan();
    l.run("-P FORWARD DROP");
    l.run("-A INPUT -i xenbr0 -p icmp");
    expect(pings(l, "10.0.0.1", 2)).toBe(2);
    expect(packets(l, "INPUT")).toEqual([2]);
    expect(l.run("-L FORWARD -v -n")).toMatch(/policy DROP 0 packets/);
  });

  it("--physdev-in/--physdev-out match the ports the frame came in and goes out by", () => {
    const l = lan();
    l.run("-P FORWARD DROP");
    l.run("-A FORWARD -m physdev --physdev-in vif1.0 --physdev-out vif2.0 -j ACCEPT");
    l.run("-A FORWARD -m physdev --physdev-in vif2.0 ! --physdev-out vif2.0 -j ACCEPT");
    l.run("-A FORWARD -m physdev --physdev-in vif2.0 -j ACCEPT");
    l.run("-A FORWARD -i vif1.0 -j ACCEPT");
    expect(pings(l, "10.0.0.3")).toBe(3);
    expect(packets(l, "FORWARD")).toEqual([3, 3, 0, 0]);
  });

  it("a guest's rules from vif-common (physdev-in with -s, RELATED,ESTABLISHED physdev-out) pass only its own address", () => {
    const l = lan();
    l.run("-P FORWARD DROP");
    l.run("-A FORWARD -m physdev --physdev-in vif2.0 -s 10.0.0.3 -j ACCEPT");
    l.run("-A FORWARD -m state --state RELATED,ESTABLISHED -m physdev --physdev-out vif2.0 -j ACCEPT");
    expect(pings(l, "10.0.0.3")).toBe(0);
    l.run("-A FORWARD -m physdev --physdev-in vif1.0 -s 10.0.0.2 -j ACCEPT");
    l.run("-A FORWARD -m state --state RELATED,ESTABLISHED -m physdev --physdev-out vif1.0 -j ACCEPT");
    expect(pings(l, "10.0.0.3", 2)).toBe(2);
    expect(packets(l, "FORWARD")).toEqual([2, 0, 2, 0]);
  });

  it("LOG shows PHYSIN= and PHYSOUT= for a bridged packet", () => {
    const l = lan();
    l.run("-A FORWARD -p icmp -j LOG --log-prefix bridged:");
    const events = recordTrace(l.sim);
    pings(l, "10.0.0.3", 1);
    expect(ofKind(events, "note").map((e) => e.text)).toEqual([
      "bridged:IN=xenbr0 OUT=xenbr0 PHYSIN=vif1.0 PHYSOUT=vif2.0 SRC=10.0.0.2 DST=10.0.0.3 LEN=84 PROTO=ICMP",
      "bridged:IN=xenbr0 OUT=xenbr0 PHYSIN=vif2.0 PHYSOUT=vif1.0 SRC=10.0.0.3 DST=10.0.0.2 LEN=84 PROTO=ICMP",
    ]);
  });
});

describe("bridge netfilter: conntrack and nat", () => {
  it("conntrack lists a bridged ICMP flow while it waits for its reply (2.6.32 kills an answered ping's entry)", () => {
    const l = lan();
    l.run("-A FORWARD -m state --state NEW,ESTABLISHED -j ACCEPT");
    const events = recordTrace(l.sim);
    expect(pings(l, "10.0.0.3", 1)).toBe(1);
    expect(ofKind(events, "conntrack").map((e) => e.event)).toEqual(["new", "destroy"]);
    l.g2.writeSysctl("net.ipv4.icmp_echo_ignore_all", "1");
    expect(pings(l, "10.0.0.3", 1)).toBe(0);
    const listed = l.nf.conntrackCommand(["-L"]);
    expect(listed.stdout).toMatch(/^icmp {5}1 2\d src=10\.0\.0\.2 dst=10\.0\.0\.3 type=8 code=0 id=4660 \[UNREPLIED\] src=10\.0\.0\.3 dst=10\.0\.0\.2 type=0 code=0 id=4660 mark=0 use=1\n$/);
    expect(listed.stderr).toBe("conntrack v0.9.14 (conntrack-tools): 1 flow entries have been shown.\n");
  });

  it("the nat chains see each new bridged connection's first packet, with the bridge as device; -o eth0 does not match", () => {
    const l = lan();
    l.run("-t nat -A PREROUTING -i xenbr0 -m physdev --physdev-in vif1.0");
    l.run("-t nat -A POSTROUTING -o eth0 -j MASQUERADE");
    l.run("-t nat -A POSTROUTING -o xenbr0 -m physdev --physdev-out vif2.0 --physdev-is-bridged");
    expect(pings(l, "10.0.0.3", 3)).toBe(3);
    // Each answered echo ends its connection, so each request is a new one.
    expect(packets(l, "PREROUTING", "nat")).toEqual([3]);
    expect(packets(l, "POSTROUTING", "nat")).toEqual([0, 3]);
  });

  it("SNAT on a bridged packet rewrites it; the reply comes back through dom0 and is un-NATed", () => {
    const l = lan();
    l.stack.ipForward = true;
    l.run("-t nat -A POSTROUTING -s 10.0.0.2 -m physdev --physdev-out vif2.0 -j SNAT --to-source 10.0.0.1");
    const events = recordTrace(l.sim);
    expect(pings(l, "10.0.0.3", 2)).toBe(2);
    const seenByGuest2 = ofKind(events, "rx").filter((e) => e.node === "guest2" && e.frame[23] === 1 && e.frame[34] === 8);
    expect(seenByGuest2.map((e) => e.frame.subarray(26, 30).join("."))).toEqual(["10.0.0.1", "10.0.0.1"]);
    // The replies went to dom0's address, met the stack's PREROUTING (un-SNAT) and were routed back out xenbr0.
    const repliesToGuest1 = ofKind(events, "rx").filter((e) => e.node === "guest1" && e.frame[23] === 1 && e.frame[34] === 0);
    expect(repliesToGuest1.map((e) => `${e.frame.subarray(26, 30).join(".")} > ${e.frame.subarray(30, 34).join(".")} ttl ${e.frame[22]}`)).toEqual(["10.0.0.3 > 10.0.0.2 ttl 63", "10.0.0.3 > 10.0.0.2 ttl 63"]);
  });
});

describe("bridge netfilter: header check and sysctls", () => {
  it("drops a bridged IPv4 frame with a bad header checksum (br_nf_pre_routing), even with no rule", () => {
    const l = lan();
    const events = recordTrace(l.sim);
    const frame = new Uint8Array(60);
    frame.set([0x02, 0, 0, 0, 0, 0x20, 0x02, 0, 0, 0, 0, 0x10, 0x08, 0x00, 0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0xde, 0xad]);
    l.sim.at(l.sim.now + 1, () => l.br.portOf(l.br.ports[0]!.dev)!.receiveFrom(l.br.ports[0]!.dev, frame));
    l.sim.runFor(SECOND);
    expect(ofKind(events, "drop").map((e) => [e.dev, e.reason, e.detail])).toContainEqual(["vif1.0", "malformed", "br_netfilter: bad IPv4 header"]);
  });

  it("has the five /proc/sys/net/bridge files with 2.6.32's defaults; a stack without a bridge module has none", () => {
    const l = lan();
    const files = ["arptables", "iptables", "ip6tables"].map((t) => `net.bridge.bridge-nf-call-${t}`);
    expect(files.map((f) => l.stack.readSysctl(f))).toEqual(["1", "1", "1"]);
    expect(l.stack.readSysctl("/proc/sys/net/bridge/bridge-nf-filter-vlan-tagged")).toBe("0");
    expect(l.stack.readSysctl("net/bridge/bridge-nf-filter-pppoe-tagged")).toBe("0");
    expect(l.stack.writeSysctl("net.bridge.bridge-nf-filter-vlan-tagged", "7")).toBeUndefined();
    expect(l.stack.readSysctl("net.bridge.bridge-nf-filter-vlan-tagged")).toBe("1");
    expect(l.stack.writeSysctl("net.bridge.bridge-nf-call-iptables", "yes")).toBe("EINVAL");
    expect(l.stack.writeSysctl("net.bridge.bridge-nf-call-iptable", "0")).toBe("ENOENT");
    const bare = new Ipv4Stack(new Sim(1), "guest");
    expect(bare.readSysctl("net.bridge.bridge-nf-call-iptables")).toBeUndefined();
    expect(bare.writeSysctl("net.bridge.bridge-nf-call-iptables", "0")).toBe("ENOENT");
  });
});
