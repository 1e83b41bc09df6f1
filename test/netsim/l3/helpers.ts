// Shared wiring for the IPv4 stack scenario tests: hosts with NICs on cables, a ping built on a
// raw ICMP socket (what iputils ping does), and a trace recorder with filters by kind.
import { Sim, SECOND } from "../../../netsim/engine/sim.ts";
import type { TraceEvent } from "../../../netsim/engine/trace.ts";
import { Cable, Nic, type CableOptions } from "../../../netsim/l2/index.ts";
import { Ipv4Stack } from "../../../netsim/l3/ipv4-stack.ts";
import type { RawIcmpPacket } from "../../../netsim/l3/raw-sockets.ts";
import { encodeIcmp, parseIcmp } from "../../../netsim/wire/icmp.ts";
import { ipv4ToString, parseIpv4, type Ipv4 } from "../../../netsim/wire/address.ts";

/** Dotted quad to number; throws on a typo in a test. */
export function ip(text: string): Ipv4 {
  const v = parseIpv4(text);
  if (v === undefined) throw new Error(`bad address ${text}`);
  return v;
}

/** A locally administered MAC ending in `n`. */
export function mac(n: number): number {
  return 0x02_00_00_00_00_00 + n;
}

/** A node with a stack. */
export interface Host {
  readonly stack: Ipv4Stack;
  readonly nics: Map<string, Nic>;
}

/** A stack with one NIC per entry of `ifs` (`eth0: "10.0.0.1/24"`), all up. */
export function host(sim: Sim, name: string, ifs: Record<string, string>, macBase: number): Host {
  const stack = new Ipv4Stack(sim, name);
  const nics = new Map<string, Nic>();
  let i = 0;
  for (const [dev, cidr] of Object.entries(ifs)) {
    const nic = new Nic(sim, name, dev, mac(macBase + i++));
    stack.addDevice(nic);
    nic.setUp(true);
    if (cidr !== "") {
      const [a, p] = cidr.split("/");
      const err = stack.addAddress(dev, { address: ip(a!), prefix: Number(p), broadcast: "auto" });
      if (err !== undefined) throw new Error(`${name} ${dev}: ${err}`);
    }
    nics.set(dev, nic);
  }
  return { stack, nics };
}

/** Plugs a cable between two NICs. */
export function wire(a: Host, aDev: string, b: Host, bDev: string, options?: CableOptions): Cable {
  return new Cable(a.nics.get(aDev)!, b.nics.get(bDev)!, options);
}

/** Records every trace event. */
export function recordTrace(sim: Sim): TraceEvent[] {
  const events: TraceEvent[] = [];
  sim.trace.subscribe((e) => events.push(e));
  return events;
}

/** Events of one kind, typed. */
export function ofKind<K extends TraceEvent["kind"]>(events: readonly TraceEvent[], kind: K): Extract<TraceEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
}

/** What a ping saw for one sequence number. */
export interface PingResult {
  readonly seq: number;
  readonly sentAt: number;
  readonly repliedAt?: number;
  readonly ttl?: number;
  readonly error?: { readonly from: string; readonly type: number; readonly code: number };
}

/** A minimal iputils-like ping: echo requests with a 56-byte payload, replies and errors matched by id/seq. */
export function ping(stack: Ipv4Stack, dst: Ipv4, opts: { count: number; start: number; interval?: number; ident?: number; ttl?: number }): PingResult[] {
  const sock = stack.openRawIcmp();
  if (opts.ttl !== undefined) sock.ttl = opts.ttl;
  const ident = opts.ident ?? 0x1234;
  const results: PingResult[] = [];
  const byseq = new Map<number, number>();
  sock.onMessage((p: RawIcmpPacket) => {
    const m = parseIcmp(p.icmp);
    if (!m.ok) return;
    const v = m.value;
    if (v.kind === "echo-reply" && v.ident === ident && byseq.has(v.seq)) {
      const at = byseq.get(v.seq)!;
      results[at] = { ...results[at]!, repliedAt: stack.sim.now, ttl: p.ttl };
    } else if ((v.kind === "dst-unreachable" || v.kind === "time-exceeded") && v.quoted.length >= 28) {
      const q = v.quoted;
      const qIdent = (q[24]! << 8) | q[25]!;
      const qSeq = (q[26]! << 8) | q[27]!;
      if (qIdent !== ident || !byseq.has(qSeq)) return;
      const at = byseq.get(qSeq)!;
      const type = v.kind === "time-exceeded" ? 11 : 3;
      results[at] = { ...results[at]!, error: { from: ipv4ToString(p.src), type, code: v.code } };
    }
  });
  for (let seq = 1; seq <= opts.count; seq++) {
    stack.sim.at(opts.start + (seq - 1) * (opts.interval ?? SECOND), () => {
      byseq.set(seq, results.length);
      results.push({ seq, sentAt: stack.sim.now });
      const data = new Uint8Array(56).map((_, i) => i);
      const err = sock.send(dst, encodeIcmp({ kind: "echo-request", ident, seq, data }));
      if (err !== undefined) throw new Error(`ping send: ${err}`);
    });
  }
  return results;
}

export { Sim, SECOND };
