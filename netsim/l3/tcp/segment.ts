// A received TCP segment as the state machine reads it (the fields of tcp_v4_rcv's TCP_SKB_CB and
// tcp_parse_options' rx_opt), and the option lists Linux 2.6.32 writes (tcp_options_write):
//   SYN / SYN-ACK   MSS, then SACK_PERM + TS packed together (`mss,sackOK,TS,nop,wscale`), or
//                   NOP NOP TS, or NOP NOP SACK_PERM, then NOP WS — each only if agreed/enabled;
//   other segments  NOP NOP TS when timestamps were agreed, then NOP NOP SACK with up to 4 blocks
//                   (3 beside a timestamp) while out-of-order data waits.
// A malformed option list is read as no options (tcp_parse_options stops at a bad length).
import { readU32, writeU32 } from "../../wire/bytes.ts";
import { parseTcpOptions, TcpFlags, TcpSegment, type TcpOption } from "../../wire/tcp.ts";
import type { Ipv4 } from "../../wire/address.ts";
import { seqAdd } from "./seq.ts";

/** One received segment, decoded. */
export interface InSegment {
  readonly src: Ipv4;
  readonly dst: Ipv4;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  /** The raw window field. */
  readonly window: number;
  readonly payload: Uint8Array;
  readonly tos: number;
  /** MSS option, 0 when absent. */
  readonly mss: number;
  /** Window-scale shift, −1 when absent. */
  readonly wscale: number;
  readonly sackPermitted: boolean;
  readonly sawTs: boolean;
  readonly tsVal: number;
  readonly tsEcr: number;
  /** SACK blocks as [start, end) pairs. */
  readonly sacks: readonly number[];
}

/** True when `flag` (a TcpFlags bit) is set. */
export function has(seg: InSegment, flag: number): boolean {
  return (seg.flags & flag) !== 0;
}

/** Sequence number after the segment: data, SYN and FIN each count. */
export function endSeq(seg: InSegment): number {
  return seqAdd(seg.seq, seg.payload.length + (seg.flags & TcpFlags.Syn ? 1 : 0) + (seg.flags & TcpFlags.Fin ? 1 : 0));
}

/** Decodes a checked segment; the caller has verified the checksum. */
export function readSegment(s: TcpSegment, src: Ipv4, dst: Ipv4, tos: number): InSegment {
  let mss = 0;
  let wscale = -1;
  let sackPermitted = false;
  let sawTs = false;
  let tsVal = 0;
  let tsEcr = 0;
  const sacks: number[] = [];
  const parsed = parseTcpOptions(s.optionBytes);
  for (const o of parsed.ok ? parsed.value : []) {
    if (o.kind === "mss") mss = o.mss;
    else if (o.kind === "window-scale") wscale = Math.min(o.shift, 14);
    else if (o.kind === "sack-permitted") sackPermitted = true;
    else if (o.kind === "timestamps") [sawTs, tsVal, tsEcr] = [true, o.tsVal, o.tsEcr];
    else if (o.kind === "raw" && o.code === 5 && o.data.length % 8 === 0) {
      for (let i = 0; i < o.data.length; i += 4) sacks.push(readU32(o.data, i));
    }
  }
  return { src, dst, srcPort: s.srcPort, dstPort: s.dstPort, seq: s.seq, ack: s.ack, flags: s.flags, window: s.window, payload: s.payload, tos, mss, wscale, sackPermitted, sawTs, tsVal, tsEcr, sacks };
}

/** What a SYN or SYN-ACK offers. */
export interface SynOptions {
  readonly mss: number;
  readonly sack: boolean;
  /** [TSval, TSecr], or null without timestamps. */
  readonly ts: readonly [number, number] | null;
  /** Window-scale shift, or −1 without window scaling. */
  readonly wscale: number;
}

const NOP: TcpOption = { kind: "nop" };

/** The option list of a SYN or SYN-ACK, in 2.6.32's order. */
export function synOptions(o: SynOptions): TcpOption[] {
  const out: TcpOption[] = [{ kind: "mss", mss: o.mss }];
  if (o.ts !== null) {
    if (o.sack) out.push({ kind: "sack-permitted" });
    else out.push(NOP, NOP);
    out.push({ kind: "timestamps", tsVal: o.ts[0], tsEcr: o.ts[1] });
  } else if (o.sack) {
    out.push(NOP, NOP, { kind: "sack-permitted" });
  }
  if (o.wscale >= 0) out.push(NOP, { kind: "window-scale", shift: o.wscale });
  return out;
}

/** The option list of any other segment: timestamps, then SACK blocks ([start, end) pairs). */
export function segmentOptions(ts: readonly [number, number] | null, sacks: readonly { start: number; end: number }[]): TcpOption[] {
  const out: TcpOption[] = [];
  if (ts !== null) out.push(NOP, NOP, { kind: "timestamps", tsVal: ts[0], tsEcr: ts[1] });
  if (sacks.length > 0) {
    const data = new Uint8Array(sacks.length * 8);
    for (let i = 0; i < sacks.length; i++) {
      writeU32(data, i * 8, sacks[i]!.start);
      writeU32(data, i * 8 + 4, sacks[i]!.end);
    }
    out.push(NOP, NOP, { kind: "raw", code: 5, data });
  }
  return out;
}

/** Option bytes `segmentOptions` takes for `blocks` SACK blocks (for the MSS of a data segment). */
export function sackOptionLen(blocks: number): number {
  return blocks === 0 ? 0 : 4 + 8 * blocks;
}
