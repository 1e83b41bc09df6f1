// Connection tracking with Linux 2.6.32's timeouts: UDP 30 s unreplied and 180 s once ASSURED,
// refreshes under a second ignored, the TCP state machine (SYN_SENT 120 s, SYN_RECV 60 s,
// ESTABLISHED 5 days, TIME_WAIT 120 s), RST-only replies, mid-stream pick-up, ICMP entries that die
// with their last reply, the generic 600 s, and the table limit with early drop.
import { describe, expect, it } from "vitest";
import { SECOND } from "../../../../netsim/engine/sim.ts";
import type { TraceEvent } from "../../../../netsim/engine/trace.ts";
import { Netfilter } from "../../../../netsim/l3/netfilter/index.ts";
import { buildIpv4 } from "../../../../netsim/wire/build.ts";
import { accepted, dom0, echo, FakeView, ip, iptables, tcp, traverse, udp } from "./helpers.ts";

const IN = { inDev: "eth0" };
const SYN = 0x02;
const SYNACK = 0x12;
const ACK = 0x10;
const FINACK = 0x11;
const RST = 0x04;

/** A dom0 that tracks connections (a state rule loads nf_conntrack_ipv4). */
function tracking() {
  const d = dom0();
  iptables(d.nf, "-A INPUT -m state --state INVALID -j DROP");
  return d;
}

function list(nf: Netfilter): string[] {
  return nf.conntrackCommand(["-L"]).stdout.split("\n").filter((l) => l !== "");
}

/** Sends a packet to dom0 (PREROUTING, INPUT) at the current time; returns the verdict's action. */
function receive(nf: Netfilter, packet: Uint8Array): string {
  return traverse(nf, "input", packet, IN).action;
}

describe("UDP timeouts", () => {
  it("drops an unreplied entry after 30 s and says so on the trace", () => {
    const { sim, nf } = tracking();
    const events: TraceEvent[] = [];
    sim.trace.subscribe((e) => events.push(e));
    receive(nf, udp("198.51.100.7", 5000, "192.0.2.10", 53));
    sim.runUntil(SECOND / 2);
    expect(list(nf)).toEqual(["udp      17 29 src=198.51.100.7 dst=192.0.2.10 sport=5000 dport=53 [UNREPLIED] src=192.0.2.10 dst=198.51.100.7 sport=53 dport=5000 mark=0 use=1"]);
    sim.runUntil(30 * SECOND - 1);
    expect(list(nf)).toHaveLength(1);
    sim.runUntil(30 * SECOND);
    expect(list(nf)).toHaveLength(0);
    expect(events.filter((e) => e.kind === "conntrack").map((e) => e.kind === "conntrack" && `${e.time} ${e.event} ${e.reason ?? ""}`)).toEqual(["0 new ", "30000000 destroy timeout"]);
  });

  it("keeps a replied flow 30 s, then 180 s and ASSURED from its third packet", () => {
    const { sim, nf } = tracking();
    receive(nf, udp("198.51.100.7", 5000, "192.0.2.10", 53));
    accepted(traverse(nf, "output", udp("192.0.2.10", 53, "198.51.100.7", 5000), { outDev: "eth0", nextHop: ip("198.51.100.7") }));
    expect(nf.connections()[0]).toMatchObject({ replied: true, assured: false, secondsLeft: 30 });
    sim.runUntil(10 * SECOND);
    receive(nf, udp("198.51.100.7", 5000, "192.0.2.10", 53));
    expect(nf.connections()[0]).toMatchObject({ assured: true, secondsLeft: 180 });
    expect(list(nf)[0]).toMatch(/^udp      17 180 src=198\.51\.100\.7 .* dport=5000 \[ASSURED\] mark=0 use=1$/);
    sim.runUntil(190 * SECOND - 1);
    expect(list(nf)).toHaveLength(1);
    sim.runUntil(190 * SECOND);
    expect(list(nf)).toHaveLength(0);
  });

  it("does not move a deadline by less than a second (nf_ct_refresh)", () => {
    const { sim, nf } = tracking();
    receive(nf, udp("198.51.100.7", 5000, "192.0.2.10", 53));
    sim.runUntil(SECOND / 2);
    receive(nf, udp("198.51.100.7", 5000, "192.0.2.10", 53));
    sim.runUntil(30 * SECOND);
    expect(list(nf)).toHaveLength(0);
  });
});

describe("TCP state machine", () => {
  /** A connection from 198.51.100.7:40000 to dom0's port 22: handshake, one data segment, its ACK. */
  function handshake(nf: Netfilter): void {
    const out = { outDev: "eth0", nextHop: ip("198.51.100.7") };
    receive(nf, tcp("198.51.100.7", 40000, "192.0.2.10", 22, { flags: SYN, seq: 1000 }));
    expect(list(nf)[0]).toContain("tcp      6 120 SYN_SENT src=198.51.100.7");
    accepted(traverse(nf, "output", tcp("192.0.2.10", 22, "198.51.100.7", 40000, { flags: SYNACK, seq: 5000, ack: 1001 }), out));
    expect(list(nf)[0]).toContain("tcp      6 60 SYN_RECV ");
    receive(nf, tcp("198.51.100.7", 40000, "192.0.2.10", 22, { flags: ACK, seq: 1001, ack: 5001 }));
    receive(nf, tcp("198.51.100.7", 40000, "192.0.2.10", 22, { flags: ACK | 0x08, seq: 1001, ack: 5001, payload: new Uint8Array(10) }));
    accepted(traverse(nf, "output", tcp("192.0.2.10", 22, "198.51.100.7", 40000, { flags: ACK, seq: 5001, ack: 1011 }), out));
  }

  it("holds an established, assured connection for 5 days", () => {
    const { sim, nf } = tracking();
    handshake(nf);
    expect(list(nf)).toEqual([
      "tcp      6 432000 ESTABLISHED src=198.51.100.7 dst=192.0.2.10 sport=40000 dport=22 src=192.0.2.10 dst=198.51.100.7 sport=22 dport=40000 [ASSURED] mark=0 use=1",
    ]);
    sim.runUntil(432_000 * SECOND - 1);
    expect(list(nf)).toHaveLength(1);
    sim.runUntil(432_000 * SECOND);
    expect(list(nf)).toHaveLength(0);
  });

  it("goes through FIN_WAIT and LAST_ACK to TIME_WAIT (120 s) on close", () => {
    const { sim, nf } = tracking();
    const out = { outDev: "eth0", nextHop: ip("198.51.100.7") };
    handshake(nf);
    receive(nf, tcp("198.51.100.7", 40000, "192.0.2.10", 22, { flags: FINACK, seq: 1011, ack: 5001 }));
    expect(list(nf)[0]).toContain(" 120 FIN_WAIT ");
    accepted(traverse(nf, "output", tcp("192.0.2.10", 22, "198.51.100.7", 40000, { flags: FINACK, seq: 5001, ack: 1012 }), out));
    expect(list(nf)[0]).toContain(" 30 LAST_ACK ");
    receive(nf, tcp("198.51.100.7", 40000, "192.0.2.10", 22, { flags: ACK, seq: 1012, ack: 5002 }));
    expect(list(nf)[0]).toContain(" 120 TIME_WAIT ");
    sim.runUntil(120 * SECOND);
    expect(list(nf)).toHaveLength(0);
  });

  it("deletes an entry whose only reply is a RST", () => {
    const { nf } = tracking();
    receive(nf, tcp("198.51.100.7", 40000, "192.0.2.10", 23, { flags: SYN, seq: 1000 }));
    accepted(traverse(nf, "output", tcp("192.0.2.10", 23, "198.51.100.7", 40000, { flags: RST | ACK, seq: 0, ack: 1001 }), { outDev: "eth0", nextHop: ip("198.51.100.7") }));
    expect(list(nf)).toHaveLength(0);
  });

  it("picks up a connection mid-stream (nf_conntrack_tcp_loose = 1) and marks a lone SYN/ACK INVALID", () => {
    const { nf } = tracking();
    expect(receive(nf, tcp("198.51.100.7", 40001, "192.0.2.10", 22, { flags: ACK, seq: 7, ack: 9 }))).toBe("accept");
    expect(list(nf)[0]).toContain("tcp      6 432000 ESTABLISHED ");
    expect(receive(nf, tcp("198.51.100.7", 40002, "192.0.2.10", 22, { flags: SYNACK, seq: 7, ack: 9 }))).toBe("drop");
    expect(list(nf)).toHaveLength(1);
  });
});

describe("ICMP and other protocols", () => {
  it("deletes an echo entry once every request is answered, else after 30 s", () => {
    const { sim, nf } = tracking();
    receive(nf, echo("198.51.100.7", "192.0.2.10", 99, 1));
    expect(list(nf)).toEqual(["icmp     1 30 src=198.51.100.7 dst=192.0.2.10 type=8 code=0 id=99 [UNREPLIED] src=192.0.2.10 dst=198.51.100.7 type=0 code=0 id=99 mark=0 use=1"]);
    accepted(traverse(nf, "output", echo("192.0.2.10", "198.51.100.7", 99, 1, true), { outDev: "eth0", nextHop: ip("198.51.100.7") }));
    expect(list(nf)).toHaveLength(0);
    receive(nf, echo("198.51.100.7", "192.0.2.10", 100, 1));
    sim.runUntil(30 * SECOND);
    expect(list(nf)).toHaveLength(0);
  });

  it("tracks GRE with the generic 600 s timeout", () => {
    const { sim, nf } = tracking();
    const gre = buildIpv4({ src: 1, dst: 2 }, { src: ip("198.51.100.7"), dst: ip("192.0.2.10") }, 47, new Uint8Array(8)).subarray(14);
    receive(nf, gre);
    expect(list(nf)).toEqual(["gre      47 600 src=198.51.100.7 dst=192.0.2.10 [UNREPLIED] src=192.0.2.10 dst=198.51.100.7 mark=0 use=1"]);
    sim.runUntil(600 * SECOND);
    expect(list(nf)).toHaveLength(0);
  });
});

describe("table limit", () => {
  it("evicts the oldest unassured entry, and drops new flows when every entry is assured", () => {
    const view = new FakeView();
    const { sim } = dom0();
    const nf = new Netfilter({ sim, view, conntrackMax: 2 });
    iptables(nf, "-A INPUT -m state --state INVALID -j DROP");
    receive(nf, udp("198.51.100.7", 1, "192.0.2.10", 53));
    receive(nf, udp("198.51.100.7", 2, "192.0.2.10", 53));
    receive(nf, udp("198.51.100.7", 3, "192.0.2.10", 53));
    expect(nf.connections().map((c) => c.original.sport)).toEqual([2, 3]);
    for (const port of [2, 3]) {
      accepted(traverse(nf, "output", udp("192.0.2.10", 53, "198.51.100.7", port), { outDev: "eth0", nextHop: ip("198.51.100.7") }));
      receive(nf, udp("198.51.100.7", port, "192.0.2.10", 53));
    }
    expect(traverse(nf, "input", udp("198.51.100.7", 4, "192.0.2.10", 53), IN)).toMatchObject({ action: "drop", reason: "nf_conntrack: table full, dropping packet." });
  });
});
