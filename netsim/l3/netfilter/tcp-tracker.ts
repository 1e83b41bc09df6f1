// TCP connection tracking of Linux 2.6.32 (net/netfilter/nf_conntrack_proto_tcp.c): the
// tcp_conntracks state table (indexed by direction, flag class and current state), the timeout of
// each state, tcp_error's flag validity table, the reopen / ignore / invalid special cases of
// tcp_packet, and tcp_in_window's sequence tracking (td_end, td_maxend, td_maxwin, td_maxack,
// window scaling, SACK) with the retransmission counter and the unacknowledged-data flag that
// shorten timeouts. nf_conntrack_tcp_loose = 1 (mid-stream pick-up), be_liberal = 0, max_retrans = 3.
import { SECOND } from "../../engine/sim.ts";
import { readU16, readU32 } from "../../wire/bytes.ts";
import type { PacketInfo } from "./packet-info.ts";

/** Conntrack TCP states, numbered as the kernel's enum tcp_conntrack. */
export const TcpState = { None: 0, SynSent: 1, SynRecv: 2, Established: 3, FinWait: 4, CloseWait: 5, LastAck: 6, TimeWait: 7, Close: 8, SynSent2: 9 } as const;
const sNO = 0, sSS = 1, sSR = 2, sES = 3, sFW = 4, sCW = 5, sLA = 6, sTW = 7, sCL = 8, sS2 = 9, sIV = 10, sIG = 11;

/** State names as conntrack-tools' libnetfilter_conntrack prints them (index 9 is the kernel's LISTEN). */
export const TCP_STATE_NAMES: readonly string[] = ["NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "LISTEN"];

/** tcp_timeouts (µs), per state. */
const TIMEOUTS: readonly number[] = [0, 120, 60, 432_000, 120, 60, 30, 120, 10, 120].map((s) => s * SECOND);
/** nf_ct_tcp_timeout_max_retrans and _unacknowledged: 5 minutes. */
const TIMEOUT_MAX_RETRANS = 300 * SECOND;
const TIMEOUT_UNACKNOWLEDGED = 300 * SECOND;
const MAX_RETRANS = 3;

/** Flag classes (enum tcp_bit_set). */
const SYN_SET = 0, SYNACK_SET = 1, FIN_SET = 2, ACK_SET = 3, RST_SET = 4, NONE_SET = 5;

/** tcp_conntracks[dir][flag class][state] for states sNO..sS2. */
const TABLE: readonly (readonly (readonly number[])[])[] = [
  [
    [sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2],
    [sIV, sIV, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR],
    [sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV],
    [sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV],
    [sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL],
    [sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV],
  ],
  [
    [sIV, sS2, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sS2],
    [sIV, sSR, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sSR],
    [sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV],
    [sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG],
    [sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL],
    [sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV],
  ],
];

const F = { Fin: 0x01, Syn: 0x02, Rst: 0x04, Psh: 0x08, Ack: 0x10, Urg: 0x20, Ece: 0x40, Cwr: 0x80 } as const;
/** ip_ct_tcp_state flags. */
const WINDOW_SCALE = 0x01, SACK_PERM = 0x02, CLOSE_INIT = 0x04, BE_LIBERAL = 0x08, DATA_UNACKNOWLEDGED = 0x10, MAXACK_SET = 0x20;

/** tcp_valid_flags: combinations of FIN/SYN/RST/ACK/URG (PSH, ECE, CWR ignored) a segment may carry. */
const VALID_FLAGS: ReadonlySet<number> = new Set([F.Syn, F.Syn | F.Urg, F.Syn | F.Ack, F.Rst, F.Rst | F.Ack, F.Fin | F.Ack, F.Fin | F.Ack | F.Urg, F.Ack, F.Ack | F.Urg]);

/** One direction's window tracking (struct ip_ct_tcp_state). */
interface Seen {
  end: number;
  maxend: number;
  maxwin: number;
  maxack: number;
  scale: number;
  flags: number;
}

/** Per-connection TCP tracking state (struct ip_ct_tcp). */
export interface TcpTrack {
  state: number;
  readonly seen: [Seen, Seen];
  lastDir: number;
  lastIndex: number;
  lastSeq: number;
  lastAck: number;
  lastEnd: number;
  lastWin: number;
  retrans: number;
}

/** What tcp_packet decided. */
export type TcpOutcome =
  | { readonly kind: "accept"; readonly timeout: number; readonly assure: boolean; readonly kill: boolean }
  | { readonly kind: "ignore" }
  | { readonly kind: "invalid"; readonly why: string }
  | { readonly kind: "reopen" }
  | { readonly kind: "out-of-sync" };

/** The fields of a TCP segment tracking reads. */
interface Segment {
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly win: number;
  readonly end: number;
  readonly options: Uint8Array;
}

const before = (a: number, b: number): boolean => ((a - b) | 0) < 0;
const after = (a: number, b: number): boolean => before(b, a);
const u32 = (x: number): number => x >>> 0;

/** tcp_error: why a segment cannot be tracked (truncated, bad checksum at PREROUTING, bad flags), or undefined. */
export function tcpError(pkt: PacketInfo, checksumOk: boolean): string | undefined {
  const l4 = pkt.l4;
  if (l4.length < 20) return "nf_ct_tcp: short packet";
  const doff = (l4[12]! >>> 4) * 4;
  if (doff < 20 || l4.length < doff) return "nf_ct_tcp: truncated/malformed packet";
  if (!checksumOk) return "nf_ct_tcp: bad TCP checksum";
  if (!VALID_FLAGS.has(l4[13]! & ~(F.Ece | F.Cwr | F.Psh) & 0xff)) return "nf_ct_tcp: invalid TCP flag combination";
  return undefined;
}

/** Reads a segment (tcp_error has checked the header). `end` is segment_seq_plus_len. */
function segmentOf(pkt: PacketInfo): Segment {
  const l4 = pkt.l4;
  const doff = (l4[12]! >>> 4) * 4;
  const flags = l4[13]!;
  const seq = readU32(l4, 4);
  const len = l4.length - doff;
  return { seq, ack: readU32(l4, 8), flags, win: readU16(l4, 14), end: u32(seq + len + (flags & F.Syn ? 1 : 0) + (flags & F.Fin ? 1 : 0)), options: l4.subarray(20, doff) };
}

function flagIndex(flags: number): number {
  if (flags & F.Rst) return RST_SET;
  if (flags & F.Syn) return flags & F.Ack ? SYNACK_SET : SYN_SET;
  if (flags & F.Fin) return FIN_SET;
  return flags & F.Ack ? ACK_SET : NONE_SET;
}

/** Walks TCP options, calling `visit(kind, data)` for each option with a length byte. */
function eachOption(options: Uint8Array, visit: (kind: number, data: Uint8Array) => boolean): void {
  let i = 0;
  while (i < options.length) {
    const kind = options[i]!;
    if (kind === 0) return;
    if (kind === 1) {
      i++;
      continue;
    }
    const size = options[i + 1];
    if (size === undefined || size < 2 || i + size > options.length) return;
    if (visit(kind, options.subarray(i + 2, i + size))) return;
    i += size;
  }
}

/** tcp_options: window scale and SACK-permitted of a SYN (resets the direction's flags first). */
function readSynOptions(seg: Segment, seen: Seen): void {
  seen.scale = 0;
  seen.flags = 0;
  eachOption(seg.options, (kind, data) => {
    if (kind === 4 && data.length === 0) seen.flags |= SACK_PERM;
    else if (kind === 3 && data.length === 1) {
      seen.scale = Math.min(data[0]!, 14);
      seen.flags |= WINDOW_SCALE;
    }
    return false;
  });
}

/** tcp_sack: the highest right edge of the SACK blocks, or `sack` unchanged. */
function highestSack(seg: Segment, sack: number): number {
  let best = sack;
  eachOption(seg.options, (kind, data) => {
    if (kind !== 5 || data.length < 8 || data.length % 8 !== 0) return false;
    for (let i = 0; i < data.length; i += 8) {
      const edge = readU32(data, i + 4);
      if (after(edge, best)) best = edge;
    }
    return true;
  });
  return best;
}

function emptySeen(): Seen {
  return { end: 0, maxend: 0, maxwin: 0, maxack: 0, scale: 0, flags: 0 };
}

/** tcp_new: the tracking state for a connection's first segment, or undefined when it may not start one. */
export function tcpNew(pkt: PacketInfo): TcpTrack | undefined {
  const seg = segmentOf(pkt);
  const next = TABLE[0]![flagIndex(seg.flags)]![sNO]!;
  if (next >= sIV) return undefined;
  const first = emptySeen();
  first.end = seg.end;
  first.maxwin = seg.win === 0 ? 1 : seg.win;
  if (next === sSS) {
    first.maxend = seg.end;
    readSynOptions(seg, first);
  } else {
    // Picked up mid-stream (nf_conntrack_tcp_loose): its history is lost, be liberal.
    first.maxend = u32(seg.end + first.maxwin);
    first.flags = SACK_PERM | BE_LIBERAL;
  }
  const second = emptySeen();
  if (next !== sSS) second.flags = SACK_PERM | BE_LIBERAL;
  return { state: sNO, seen: [first, second], lastDir: 0, lastIndex: NONE_SET, lastSeq: 0, lastAck: 0, lastEnd: 0, lastWin: 0, retrans: 0 };
}

/** tcp_in_window: checks the segment against the tracked windows and updates them. Long because the kernel's is: one algorithm. */
function inWindow(t: TcpTrack, dir: number, index: number, seg: Segment): boolean {
  const sender = t.seen[dir as 0 | 1];
  const receiver = t.seen[(1 - dir) as 0 | 1];
  let seq = seg.seq;
  let end = seg.end;
  let ack = seg.ack;
  let sack = receiver.flags & SACK_PERM ? highestSack(seg, seg.ack) : seg.ack;
  let win = seg.win;
  if (sender.maxwin === 0) {
    if (seg.flags & F.Syn) {
      sender.end = sender.maxend = end;
      sender.maxwin = win === 0 ? 1 : win;
      readSynOptions(seg, sender);
      if (!(sender.flags & WINDOW_SCALE && receiver.flags & WINDOW_SCALE)) sender.scale = receiver.scale = 0;
      if (!(seg.flags & F.Ack)) return true;
    } else {
      sender.end = end;
      sender.maxwin = win === 0 ? 1 : win;
      sender.maxend = u32(end + sender.maxwin);
    }
  } else if (((t.state === sSS && dir === 0) || (t.state === sSR && dir === 1)) && after(end, sender.end)) {
    sender.end = sender.maxend = end;
    sender.maxwin = win === 0 ? 1 : win;
    readSynOptions(seg, sender);
  }
  if (!(seg.flags & F.Ack)) ack = sack = receiver.end;
  else if ((seg.flags & (F.Ack | F.Rst)) === (F.Ack | F.Rst) && ack === 0) ack = sack = receiver.end;
  if (seq === end && (!(seg.flags & F.Rst) || (seq === 0 && t.state === sSS))) seq = end = sender.end;
  const maxAckWindow = sender.maxwin > 66000 ? sender.maxwin : 66000;
  const ok =
    before(seq, u32(sender.maxend + 1)) &&
    after(end, u32(sender.end - receiver.maxwin - 1)) &&
    before(sack, u32(receiver.end + 1)) &&
    after(sack, u32(receiver.end - maxAckWindow - 1));
  if (!ok) return (sender.flags & BE_LIBERAL) !== 0;
  if (!(seg.flags & F.Syn)) win = u32(win * 2 ** sender.scale);
  const swin = u32(win + (sack - ack));
  if (sender.maxwin < swin) sender.maxwin = swin;
  if (after(end, sender.end)) {
    sender.end = end;
    sender.flags |= DATA_UNACKNOWLEDGED;
  }
  if (seg.flags & F.Ack) {
    if (!(sender.flags & MAXACK_SET)) {
      sender.maxack = ack;
      sender.flags |= MAXACK_SET;
    } else if (after(ack, sender.maxack)) sender.maxack = ack;
  }
  if (after(end, sender.maxend)) receiver.maxwin = u32(receiver.maxwin + (end - sender.maxend));
  if (after(u32(sack + win), u32(receiver.maxend - 1))) receiver.maxend = u32(sack + win + (win === 0 ? 1 : 0));
  if (ack === receiver.end) receiver.flags &= ~DATA_UNACKNOWLEDGED;
  if (index === ACK_SET) noteRetransmission(t, dir, seq, ack, end, win);
  return true;
}

function noteRetransmission(t: TcpTrack, dir: number, seq: number, ack: number, end: number, win: number): void {
  if (t.lastDir === dir && t.lastSeq === seq && t.lastAck === ack && t.lastEnd === end && t.lastWin === win) {
    t.retrans++;
    return;
  }
  t.lastDir = dir;
  t.lastSeq = seq;
  t.lastAck = ack;
  t.lastEnd = end;
  t.lastWin = win;
  t.retrans = 0;
}

/** The conntrack status bits tcp_packet consults. */
export interface TcpConnStatus {
  readonly seenReply: boolean;
  readonly assured: boolean;
}

/** tcp_packet: one segment in direction `dir` (0 original, 1 reply). Mutates `t`. */
export function tcpPacket(t: TcpTrack, dir: number, pkt: PacketInfo, status: TcpConnStatus): TcpOutcome {
  const seg = segmentOf(pkt);
  const old = t.state;
  const index = flagIndex(seg.flags);
  const next = TABLE[dir]![index]![old]!;
  let skipWindow = false;
  if (next === sSS && old >= sTW) {
    const closing = (t.seen[0].flags | t.seen[1].flags) & CLOSE_INIT;
    if (closing || (t.lastDir === dir && t.lastIndex === RST_SET)) return { kind: "reopen" };
  }
  if (next === sIG || (next === sSS && old >= sTW)) {
    if (index === SYNACK_SET && t.lastIndex === SYN_SET && t.lastDir !== dir && seg.ack === t.lastEnd) return { kind: "out-of-sync" };
    t.lastIndex = index;
    t.lastDir = dir;
    t.lastSeq = seg.seq;
    t.lastEnd = seg.end;
    return { kind: "ignore" };
  }
  if (next === sIV) return { kind: "invalid", why: "nf_ct_tcp: invalid state" };
  if (next === sCL && index === RST_SET) {
    const other = t.seen[(1 - dir) as 0 | 1];
    if (other.flags & MAXACK_SET && before(seg.seq, other.maxack)) return { kind: "invalid", why: "nf_ct_tcp: invalid RST" };
    const answersIgnored = (status.seenReply && t.lastIndex === SYN_SET) || (!status.assured && t.lastIndex === ACK_SET);
    skipWindow = answersIgnored && seg.ack === t.lastEnd;
  }
  if (!skipWindow && !inWindow(t, dir, index, seg)) return { kind: "invalid", why: "nf_ct_tcp: out of window" };
  t.lastIndex = index;
  t.lastDir = dir;
  t.state = next;
  if (old !== next && next === sFW) t.seen[dir as 0 | 1].flags |= CLOSE_INIT;
  return { kind: "accept", timeout: stateTimeout(t, next), kill: !status.seenReply && (seg.flags & F.Rst) !== 0, assure: status.seenReply && !status.assured && (old === sSR || old === sES) && next === sES };
}

/** The timeout of a state, shortened after repeated retransmissions or while data is unacknowledged. */
function stateTimeout(t: TcpTrack, state: number): number {
  const normal = TIMEOUTS[state]!;
  if (t.retrans >= MAX_RETRANS && normal > TIMEOUT_MAX_RETRANS) return TIMEOUT_MAX_RETRANS;
  if ((t.seen[0].flags | t.seen[1].flags) & DATA_UNACKNOWLEDGED && normal > TIMEOUT_UNACKNOWLEDGED) return TIMEOUT_UNACKNOWLEDGED;
  return normal;
}
