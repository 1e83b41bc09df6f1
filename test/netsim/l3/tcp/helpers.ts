// Wiring for the TCP tests: two hosts with a TcpLayer each on one cable (or a custom topology),
// the TCP segments a node sent as decoded records and tcpdump-style lines, and `tcp` trace events.
import type { TraceEvent } from "../../../../netsim/engine/trace.ts";
import { formatTime } from "../../../../netsim/engine/trace-format.ts";
import type { CableOptions } from "../../../../netsim/l2/index.ts";
import { TcpLayer, type TcpParams } from "../../../../netsim/l3/tcp/index.ts";
import { decodeFrame } from "../../../../netsim/wire/decode.ts";
import { summarizeFrame } from "../../../../netsim/wire/summary.ts";
import type { Ipv4Repr } from "../../../../netsim/wire/ipv4.ts";
import type { TcpRepr } from "../../../../netsim/wire/tcp.ts";
import { host, ip, recordTrace, Sim, SECOND, wire, type Host } from "../helpers.ts";

export { host, ip, recordTrace, Sim, SECOND, wire };
export type { Host };

/** A host with TCP. */
export interface TcpHost extends Host {
  readonly tcp: TcpLayer;
}

/** Adds a TcpLayer to a host. */
export function withTcp(h: Host, params: Partial<TcpParams> = {}): TcpHost {
  return { ...h, tcp: new TcpLayer(h.stack, params) };
}

/** Client 10.0.0.1 and server 10.0.0.2 on one cable. */
export function tcpPair(options: { seed?: number; cable?: CableOptions; params?: Partial<TcpParams> } = {}) {
  const sim = new Sim(options.seed ?? 1);
  const events = recordTrace(sim);
  const client = withTcp(host(sim, "client", { eth0: "10.0.0.1/24" }, 0x10), options.params);
  const server = withTcp(host(sim, "server", { eth0: "10.0.0.2/24" }, 0x20), options.params);
  const cable = wire(client, "eth0", server, "eth0", options.cable);
  return { sim, events, client, server, cable };
}

/** A TCP segment seen leaving a node. */
export interface SentSegment {
  readonly time: number;
  readonly node: string;
  readonly ip: Ipv4Repr;
  readonly tcp: TcpRepr;
  /** tcpdump -nn -S style summary. */
  readonly line: string;
}

/** Every TCP segment transmitted (tx events), optionally by one node. */
export function sentSegments(events: readonly TraceEvent[], node?: string): SentSegment[] {
  const out: SentSegment[] = [];
  for (const e of events) {
    if (e.kind !== "tx" || (node !== undefined && e.node !== node)) continue;
    const d = decodeFrame(e.frame);
    if (!d.ok || d.value.tcp === undefined || d.value.ipv4 === undefined) continue;
    out.push({ time: e.time, node: e.node, ip: d.value.ipv4, tcp: d.value.tcp, line: summarizeFrame(e.frame) });
  }
  return out;
}

/** Flags as tcpdump prints them, e.g. "S.", "P.", "F.", "R". */
export function flagText(tcp: TcpRepr): string {
  const chars: [number, string][] = [
    [0x01, "F"],
    [0x02, "S"],
    [0x04, "R"],
    [0x08, "P"],
    [0x10, "."],
  ];
  return chars.filter(([bit]) => (tcp.flags & bit) !== 0).map(([, c]) => c).join("");
}

/** `tcp` trace events, optionally of one kind of event. */
export function tcpEvents(events: readonly TraceEvent[], event?: string): Extract<TraceEvent, { kind: "tcp" }>[] {
  return events.filter((e): e is Extract<TraceEvent, { kind: "tcp" }> => e.kind === "tcp" && (event === undefined || e.event === event));
}

/** `time node line` for printing a run while debugging. */
export function dump(segments: readonly SentSegment[]): string {
  return segments.map((s) => `${formatTime(s.time)} ${s.node} ${s.line}`).join("\n");
}

/** Bytes 0, 1, 2, … of length n. */
export function pattern(n: number, start = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);
}

/** True when two byte arrays are equal (vitest's deep equality is slow on large arrays). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
