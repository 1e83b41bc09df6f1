// NAT as a 2.6.32 dom0 with Xen's network-nat rule does it: MASQUERADE keeps the guest's source
// port, remaps a clashing one within its class, de-NATs replies, translates ICMP errors quoting a
// NATed packet (inner header and checksums), forgets masqueraded entries when the uplink goes
// down, and DNAT rewrites destinations.
import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../../../netsim/engine/trace.ts";
import type { HookContext, PacketState } from "../../../../netsim/l3/hooks.ts";
import type { Netfilter } from "../../../../netsim/l3/netfilter/index.ts";
import { internetChecksum } from "../../../../netsim/wire/checksum.ts";
import { ipv4ToString } from "../../../../netsim/wire/address.ts";
import { parseIcmp, parseIcmpQuote } from "../../../../netsim/wire/icmp.ts";
import { Ipv4Packet, parseIpv4Packet } from "../../../../netsim/wire/ipv4.ts";
import { unwrap } from "../../../../netsim/wire/result.ts";
import { parseTcp } from "../../../../netsim/wire/tcp.ts";
import { parseUdp, UdpDatagram } from "../../../../netsim/wire/udp.ts";
import { accepted, dom0, echo, icmpError, ip, iptables, tcp, traverse, udp } from "./helpers.ts";

const OUT = { inDev: "vif1.0", outDev: "eth0", nextHop: ip("192.0.2.1") };
const OUT2 = { inDev: "vif2.0", outDev: "eth0", nextHop: ip("192.0.2.1") };
const BACK = { inDev: "eth0", outDev: "vif1.0", nextHop: ip("10.0.1.1") };

/** Source address and port of a UDP packet, checksums verified on the way. */
function udpEnds(packet: Uint8Array): string {
  const h = unwrap(parseIpv4Packet(packet));
  const u = unwrap(parseUdp(unwrap(Ipv4Packet.check(packet)).payload, h.src, h.dst));
  return `${ipv4ToString(h.src)}:${u.srcPort} > ${ipv4ToString(h.dst)}:${u.dstPort}`;
}

function masqueradingDom0() {
  const d = dom0();
  iptables(d.nf, "-t nat -A POSTROUTING -o eth0 -j MASQUERADE");
  return d;
}

describe("MASQUERADE", () => {
  it("keeps the guest's source port and de-NATs the reply", () => {
    const { nf } = masqueradingDom0();
    const out = accepted(traverse(nf, "forward", udp("10.0.1.1", 5000, "198.51.100.7", 53), OUT));
    expect(udpEnds(out)).toBe("192.0.2.10:5000 > 198.51.100.7:53");
    const back = accepted(traverse(nf, "forward", udp("198.51.100.7", 53, "192.0.2.10", 5000), BACK));
    expect(udpEnds(back)).toBe("198.51.100.7:53 > 10.0.1.1:5000");
    const [entry] = nf.connections();
    expect(entry?.masqueradedVia).toBe("eth0");
    expect(entry?.replied).toBe(true);
  });

  it("remaps a second guest's clashing port to the first free port of the same class", () => {
    const { nf, sim } = masqueradingDom0();
    const nat: TraceEvent[] = [];
    sim.trace.subscribe((e) => e.kind === "nat" && nat.push(e));
    accepted(traverse(nf, "forward", udp("10.0.1.1", 5000, "198.51.100.7", 53), OUT));
    const second = accepted(traverse(nf, "forward", udp("10.0.2.1", 5000, "198.51.100.7", 53), OUT2));
    expect(udpEnds(second)).toBe("192.0.2.10:1024 > 198.51.100.7:53");
    expect(nat).toEqual([
      { kind: "nat", time: 0, node: "dom0", manip: "src", before: "udp 10.0.1.1:5000 > 198.51.100.7:53", after: "udp 192.0.2.10:5000 > 198.51.100.7:53" },
      { kind: "nat", time: 0, node: "dom0", manip: "src", before: "udp 10.0.2.1:5000 > 198.51.100.7:53", after: "udp 192.0.2.10:1024 > 198.51.100.7:53" },
    ]);
    const low = accepted(traverse(nf, "forward", udp("10.0.1.1", 700, "198.51.100.7", 53), OUT));
    const lowClash = accepted(traverse(nf, "forward", udp("10.0.2.1", 700, "198.51.100.7", 53), OUT2));
    expect(udpEnds(low)).toBe("192.0.2.10:700 > 198.51.100.7:53");
    expect(udpEnds(lowClash)).toBe("192.0.2.10:600 > 198.51.100.7:53");
    const back = accepted(traverse(nf, "forward", udp("198.51.100.7", 53, "192.0.2.10", 1024), { ...BACK, outDev: "vif2.0" }));
    expect(udpEnds(back)).toBe("198.51.100.7:53 > 10.0.2.1:5000");
  });

  it("reuses a source's existing mapping for its new destinations (find_appropriate_src)", () => {
    const { nf } = masqueradingDom0();
    accepted(traverse(nf, "forward", udp("10.0.1.1", 5000, "198.51.100.7", 53), OUT));
    accepted(traverse(nf, "forward", udp("10.0.2.1", 5000, "198.51.100.7", 53), OUT2));
    const elsewhere = accepted(traverse(nf, "forward", udp("10.0.2.1", 5000, "203.0.113.9", 123), OUT2));
    expect(udpEnds(elsewhere)).toBe("192.0.2.10:1024 > 203.0.113.9:123");
  });

  it("uses the ICMP echo identifier as the port", () => {
    const { nf } = masqueradingDom0();
    accepted(traverse(nf, "forward", echo("10.0.1.1", "198.51.100.7", 7, 1), OUT));
    const second = accepted(traverse(nf, "forward", echo("10.0.2.1", "198.51.100.7", 7, 1), OUT2));
    const m = unwrap(parseIcmp(unwrap(Ipv4Packet.check(second)).payload));
    expect(m.kind === "echo-request" && m.ident).toBe(0);
    const reply = accepted(traverse(nf, "forward", echo("198.51.100.7", "192.0.2.10", 0, 1, true), { ...BACK, outDev: "vif2.0" }));
    const r = unwrap(parseIcmp(unwrap(Ipv4Packet.check(reply)).payload));
    expect(r.kind === "echo-reply" && r.ident).toBe(7);
    expect(ipv4ToString(unwrap(parseIpv4Packet(reply)).dst)).toBe("10.0.2.1");
  });

  it("translates an ICMP time-exceeded quoting a NATed probe back to the guest, inner header and checksums included", () => {
    const { nf } = masqueradingDom0();
    accepted(traverse(nf, "forward", udp("10.0.1.1", 40000, "198.51.100.7", 33435), OUT));
    const probe = accepted(traverse(nf, "forward", udp("10.0.2.1", 40000, "198.51.100.7", 33435, { ttl: 1 }), OUT2));
    expect(udpEnds(probe)).toBe("192.0.2.10:1024 > 198.51.100.7:33435");
    const error = icmpError("192.0.2.1", "192.0.2.10", "time-exceeded", 0, probe);
    const back = accepted(traverse(nf, "forward", error, { ...BACK, outDev: "vif2.0" }));
    const outer = unwrap(parseIpv4Packet(back));
    expect([ipv4ToString(outer.src), ipv4ToString(outer.dst)]).toEqual(["192.0.2.1", "10.0.2.1"]);
    const message = unwrap(parseIcmp(unwrap(Ipv4Packet.check(back)).payload));
    if (message.kind !== "time-exceeded") throw new Error(message.kind);
    const quote = unwrap(parseIcmpQuote(message.quoted));
    expect([ipv4ToString(quote.ip.src), ipv4ToString(quote.ip.dst), quote.ip.ttl]).toEqual(["10.0.2.1", "198.51.100.7", 1]);
    expect(unwrap(Ipv4Packet.check(message.quoted, true)).checksumValid).toBe(true);
    const inner = unwrap(UdpDatagram.check(quote.transport));
    expect([inner.srcPort, inner.dstPort]).toEqual([40000, 33435]);
    expect(inner.checksumValid(quote.ip.src, quote.ip.dst)).toBe(true);
  });

  it("forgets masqueraded connections when the uplink goes down, so the next packet is NEW again", () => {
    const { nf, view } = masqueradingDom0();
    accepted(traverse(nf, "forward", udp("10.0.1.1", 5000, "198.51.100.7", 53), OUT));
    expect(nf.connections()).toHaveLength(1);
    view.down("eth0");
    expect(nf.connections()).toHaveLength(0);
    const v = traverse(nf, "forward", udp("10.0.1.1", 5000, "198.51.100.7", 53), OUT);
    expect(v).toMatchObject({ action: "drop", reason: "nat POSTROUTING: rule 1: MASQUERADE: eth0 ate my IP address" });
    expect(nf.kernelMessages()).toContain("MASQUERADE: eth0 ate my IP address");
  });

  it("rewrites TCP with a valid checksum and only walks the nat chain for the first packet", () => {
    const { nf } = masqueradingDom0();
    const syn = accepted(traverse(nf, "forward", tcp("10.0.1.1", 33000, "198.51.100.7", 80, { flags: 0x02, seq: 100 }), OUT));
    const h = unwrap(parseIpv4Packet(syn));
    expect(unwrap(parseTcp(unwrap(Ipv4Packet.check(syn)).payload, h.src, h.dst)).srcPort).toBe(33000);
    expect(ipv4ToString(h.src)).toBe("192.0.2.10");
    accepted(traverse(nf, "forward", tcp("198.51.100.7", 80, "192.0.2.10", 33000, { flags: 0x12, seq: 900, ack: 101 }), BACK));
    accepted(traverse(nf, "forward", tcp("10.0.1.1", 33000, "198.51.100.7", 80, { flags: 0x10, seq: 101, ack: 901 }), OUT));
    expect(nf.iptables(["-t", "nat", "-L", "POSTROUTING", "-v", "-n", "-x"]).stdout).toContain("       1       40 MASQUERADE");
  });
});

describe("DNAT and SNAT", () => {
  it("forwards a port to a guest and answers from the public address", () => {
    const { nf } = dom0();
    iptables(nf, "-t nat -A PREROUTING -i eth0 -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.1:80");
    const inbound = accepted(traverse(nf, "forward", tcp("203.0.113.5", 40000, "192.0.2.10", 8080, { flags: 0x02, seq: 1 }), { inDev: "eth0", outDev: "vif1.0" }));
    const h = unwrap(parseIpv4Packet(inbound));
    const seg = unwrap(parseTcp(unwrap(Ipv4Packet.check(inbound)).payload, h.src, h.dst));
    expect([ipv4ToString(h.dst), seg.dstPort]).toEqual(["10.0.1.1", 80]);
    const answer = accepted(traverse(nf, "forward", tcp("10.0.1.1", 80, "203.0.113.5", 40000, { flags: 0x12, seq: 50, ack: 2 }), { inDev: "vif1.0", outDev: "eth0" }));
    const a = unwrap(parseIpv4Packet(answer));
    const aseg = unwrap(parseTcp(unwrap(Ipv4Packet.check(answer)).payload, a.src, a.dst));
    expect([ipv4ToString(a.src), aseg.srcPort]).toEqual(["192.0.2.10", 8080]);
  });

  it("maps a source to a fixed address with SNAT, keeping the entry when the device goes down", () => {
    const { nf, view } = dom0();
    iptables(nf, "-t nat -A POSTROUTING -s 10.0.0.0/16 -o eth0 -j SNAT --to-source 192.0.2.99");
    const out = accepted(traverse(nf, "forward", udp("10.0.1.1", 5000, "198.51.100.7", 53), OUT));
    expect(udpEnds(out)).toBe("192.0.2.99:5000 > 198.51.100.7:53");
    view.down("eth0");
    expect(nf.connections()).toHaveLength(1);
  });
});

describe("a stack that hands each hook a fresh view of the packet and carries its skb state", () => {
  /** Forwards as netsim/l3 does: a new view per hook, a new frame after a rewrite, TTL decremented before FORWARD, one PacketState throughout. */
  function forwardFramed(nf: Netfilter, packet: Uint8Array, ctx: HookContext): string {
    const skb: PacketState = {};
    let frame = new Uint8Array(14 + packet.length);
    frame.set(packet, 14);
    for (const hook of ["PREROUTING", "FORWARD", "POSTROUTING"] as const) {
      if (hook === "FORWARD") {
        frame[14 + 8]!--;
        frame[14 + 10] = frame[14 + 11] = 0;
        const sum = internetChecksum(frame, 14, 34);
        [frame[14 + 10], frame[14 + 11]] = [sum >>> 8, sum & 0xff];
      }
      const view = frame.subarray(14);
      const v = nf.run(hook, view, hook === "PREROUTING" ? { inDev: ctx.inDev!, skb } : { ...ctx, skb });
      if (v.action !== "accept") return v.action;
      if (v.packet !== view) {
        frame = new Uint8Array(14 + v.packet.length);
        frame.set(v.packet, 14);
      }
    }
    return udpEnds(frame.subarray(14));
  }

  it("follows each packet to its later hooks, even after its echo entry died at PREROUTING", () => {
    const { nf } = masqueradingDom0();
    iptables(nf, "-P FORWARD DROP");
    iptables(nf, "-A FORWARD -i vif+ -j ACCEPT");
    iptables(nf, "-A FORWARD -m state --state RELATED,ESTABLISHED -j ACCEPT");
    expect(forwardFramed(nf, udp("10.0.1.1", 5000, "198.51.100.7", 53), OUT)).toBe("192.0.2.10:5000 > 198.51.100.7:53");
    expect(forwardFramed(nf, udp("198.51.100.7", 53, "192.0.2.10", 5000), BACK)).toBe("198.51.100.7:53 > 10.0.1.1:5000");
    expect(traverse(nf, "forward", echo("10.0.1.1", "198.51.100.7", 7, 1), OUT).action).toBe("accept");
    let frame = new Uint8Array(14);
    frame = Uint8Array.from([...frame, ...echo("198.51.100.7", "192.0.2.10", 7, 1, true)]);
    const skb: PacketState = {};
    const pre = accepted(nf.run("PREROUTING", frame.subarray(14), { inDev: "eth0", skb }));
    expect(nf.connections().filter((c) => c.original.proto === 1)).toHaveLength(0);
    const rebuilt = new Uint8Array(14 + pre.length);
    rebuilt.set(pre, 14);
    // The entry is gone from the table, but the packet still carries it: ESTABLISHED, not INVALID.
    expect(nf.run("FORWARD", rebuilt.subarray(14), { ...BACK, skb }).action).toBe("accept");
    expect(nf.run("POSTROUTING", rebuilt.subarray(14), { ...BACK, skb }).action).toBe("accept");
  });

  it("finds the connection from the headers when nothing of the packet is recognisable", () => {
    const { nf } = masqueradingDom0();
    accepted(traverse(nf, "forward", udp("10.0.1.1", 5000, "198.51.100.7", 53), OUT));
    const reply = accepted(nf.run("PREROUTING", udp("198.51.100.7", 53, "192.0.2.10", 5000), { inDev: "eth0" }));
    iptables(nf, "-A FORWARD -m state ! --state ESTABLISHED -j DROP");
    const changed = reply.slice();
    changed[changed.length - 1]! ^= 0xff;
    expect(nf.run("FORWARD", changed, BACK).action).toBe("accept");
  });
});
