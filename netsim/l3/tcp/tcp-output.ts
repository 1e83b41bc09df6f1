// Sending, after Linux 2.6.32's net/ipv4/tcp_output.c: tcp_transmit_skb (options, the advertised
// window of tcp_select_window, the IP id of a connected socket), tcp_write_xmit (what may go now:
// congestion window, the peer's window, Nagle with Minshall's rule, the FIN riding on the last
// data), retransmission of one segment, window/keepalive probes (tcp_write_wakeup: an ACK with
// seq = snd_una − 1), ACKs and resets. Segments are cut from the send buffer at send time, at most
// one MSS each, which is what Linux's skb coalescing produces for data queued before it is sent.
// Also the reset for a segment no connection takes (tcp_v4_send_reset).
import { TcpFlags, type TcpRepr } from "../../wire/tcp.ts";
import { JIFFY } from "../linux-params.ts";
import type { TcpConnection } from "./connection.ts";
import { ackSent } from "./delayed-ack.ts";
import { tcpTimeStamp, TS_OPTION_LEN, winFromSpace } from "./params.ts";
import { endSeq, has, segmentOptions, sackOptionLen, synOptions, type InSegment } from "./segment.ts";
import type { TcpLayer } from "./tcp-layer.ts";
import { ipv4ToString } from "../../wire/address.ts";
import { after, before, seqAdd, seqDiff } from "./seq.ts";
import { armProbe, armRetransmit } from "./timers.ts";

const EMPTY = new Uint8Array(0);
const { Ack, Fin, Psh, Rst, Syn } = TcpFlags;

/** Segments needed for `bytes` of sequence space. */
function segs(c: TcpConnection, bytes: number): number {
  return bytes <= 0 ? 0 : Math.ceil(bytes / c.mss);
}

/** packets_out: segments sent and not yet acknowledged. */
export function packetsOut(c: TcpConnection): number {
  return segs(c, seqDiff(c.sndNxt, c.sndUna));
}

/** tcp_packets_in_flight: what the congestion window limits. */
export function inFlight(c: TcpConnection): number {
  if (c.caState === "loss") {
    const retransmitted = before(c.rtxNext, c.sndUna) ? 0 : seqDiff(c.rtxNext, c.sndUna);
    return segs(c, retransmitted) + segs(c, seqDiff(c.sndNxt, c.highSeq));
  }
  if (c.caState === "recovery") return Math.max(0, packetsOut(c) - c.dupAcks);
  return packetsOut(c);
}

/** End of the application's data (the FIN, once queued, comes after it). */
export function dataEnd(c: TcpConnection): number {
  return c.finQueued ? c.finSeq : c.writeSeq;
}

/** True while data or a FIN waits to be sent for the first time. */
export function hasUnsent(c: TcpConnection): boolean {
  return before(c.sndNxt, c.writeSeq);
}

/** tcp_current_mss: the MSS less the SACK blocks this segment will carry. */
export function currentMss(c: TcpConnection): number {
  const blocks = c.sackOk ? Math.min(c.ofo.blockCount, c.tsOk ? 3 : 4) : 0;
  return c.mss - sackOptionLen(blocks);
}

/** __tcp_select_window: the window we could offer now, before scaling. */
export function computeWindow(c: TcpConnection): number {
  const rmem = c.layer.params.rmem[1];
  const fullSpace = Math.min(c.windowClamp, winFromSpace(rmem));
  let free = winFromSpace(Math.max(0, rmem - c.ofo.bytes));
  const mss = Math.min(c.rcvMss, fullSpace);
  if (free < fullSpace >> 1) {
    c.ackQuick = 0;
    if (free < mss) return 0;
  }
  if (free > c.rcvSsthresh) free = c.rcvSsthresh;
  if (c.rcvWscale > 0) {
    const unit = 1 << c.rcvWscale;
    return Math.ceil(free / unit) * unit;
  }
  let window = c.rcvWnd;
  if (window <= free - mss || window > free) window = Math.floor(free / mss) * mss;
  else if (mss === fullSpace && free > window + (fullSpace >> 1)) window = free;
  return window;
}

/** tcp_receive_window: what is left of the window we last offered. */
export function receiveWindow(c: TcpConnection): number {
  return Math.max(0, seqDiff(seqAdd(c.rcvWup, c.rcvWnd), c.rcvNxt));
}

/** tcp_select_window: the window field of a segment; never shrinks what was offered. */
function selectWindow(c: TcpConnection): number {
  const current = receiveWindow(c);
  let window = computeWindow(c);
  const unit = 1 << c.rcvWscale;
  if (window < current) window = Math.ceil(current / unit) * unit;
  c.rcvWnd = window;
  c.rcvWup = c.rcvNxt;
  return Math.min(window, 65535 * unit) >>> c.rcvWscale;
}

/** tcp_transmit_skb: one segment of `len` data bytes from `seq`; false when the stack refused it. */
export function transmit(c: TcpConnection, seq: number, len: number, flags: number): boolean {
  const layer = c.layer;
  const ts = tcpTimeStamp(layer.sim.now);
  const syn = (flags & Syn) !== 0;
  const tsPair: readonly [number, number] | null = c.tsOk ? [ts, c.tsRecent] : null;
  const options = syn
    ? synOptions({ mss: c.advMss, sack: c.sackOk, ts: tsPair, wscale: c.wsOk ? c.rcvWscale : -1 })
    : segmentOptions(tsPair, c.sackOk && !c.ofo.empty ? c.ofo.sackBlocks(c.tsOk ? 3 : 4) : []);
  const window = syn ? Math.min(c.rcvWnd, 65535) : selectWindow(c);
  const payload = len > 0 ? c.sendBuf.view(seqDiff(seq, c.bufSeq), len) : EMPTY;
  const repr: TcpRepr = { srcPort: c.localPort, dstPort: c.remotePort, seq, ack: flags & Ack ? c.rcvNxt : 0, flags, window, urgent: 0, options, payload };
  // A request socket's SYN-ACK leaves with IP id 0 (the listener has no peer); a connection counts.
  let ident = 0;
  if (!(c.passive && c.state === "SYN_RECEIVED")) {
    ident = c.ipId;
    c.ipId = (c.ipId + 1) & 0xffff;
  }
  const err = layer.sendSegment(repr, c.localAddr, c.remoteAddr, ident, 0);
  c.stats.segmentsOut++;
  if (flags & Ack) ackSent(c);
  return err === undefined;
}

/** tcp_acceptable_seq: snd_nxt, unless the peer shrank its window below it. */
function acceptableSeq(c: TcpConnection): number {
  const wndEnd = seqAdd(c.sndUna, c.sndWnd);
  return before(wndEnd, c.sndNxt) ? wndEnd : c.sndNxt;
}

/** tcp_send_ack. */
export function sendAck(c: TcpConnection): void {
  if (c.state === "CLOSED") return;
  transmit(c, acceptableSeq(c), 0, Ack);
}

/** tcp_send_active_reset: RST|ACK at an acceptable sequence number. */
export function sendActiveReset(c: TcpConnection): void {
  c.layer.trace(c, "reset", undefined, "sent");
  transmit(c, acceptableSeq(c), 0, Rst | Ack);
}

/** tcp_event_data_sent + the send bookkeeping of tcp_event_new_data_sent. */
function sendNew(c: TcpConnection, len: number, fin: boolean): void {
  const layer = c.layer;
  const now = layer.jiffies;
  const seq = c.sndNxt;
  const end = seqAdd(seq, len + (fin ? 1 : 0));
  const prior = packetsOut(c);
  if (len > 0) {
    if (layer.params.slowStartAfterIdle && prior === 0 && now - c.lsndtime > c.rto) cwndRestart(c, now - c.lsndtime);
    c.lsndtime = now;
    if (now - c.lrcvtime < c.ato) c.pingpong = true;
  }
  const push = len > 0 && seqAdd(seq, len) === dataEnd(c);
  transmit(c, seq, len, Ack | (push ? Psh : 0) | (fin ? Fin : 0));
  c.sndNxt = end;
  if (len < c.mss) c.sndSml = end;
  if (!c.tsOk && c.rttSeq === null) {
    c.rttSeq = end;
    c.rttSentAt = now;
  }
  if (prior === 0) armRetransmit(c);
}

/** tcp_cwnd_restart: after an idle period longer than the RTO, halve cwnd per RTO idle, down to the initial window. */
function cwndRestart(c: TcpConnection, idle: number): void {
  const restart = Math.min(c.layer.initialCwnd(c.mss), c.cwnd);
  c.ssthresh = Math.max(c.ssthresh, (c.cwnd >> 1) + (c.cwnd >> 2));
  let cwnd = c.cwnd;
  for (let delta = idle - c.rto; delta > 0 && cwnd > restart; delta -= c.rto) cwnd >>= 1;
  c.cwnd = Math.max(cwnd, restart);
}

/** Minshall's Nagle test: hold a small segment while an earlier small one is unacknowledged. */
function nagleHolds(c: TcpConnection): boolean {
  return !c.noDelay && packetsOut(c) > 0 && after(c.sndSml, c.sndUna) && !after(c.sndSml, c.sndNxt);
}

/** States in which data or a FIN may be sent. */
function canSend(c: TcpConnection): boolean {
  const s = c.state;
  return s === "ESTABLISHED" || s === "CLOSE_WAIT" || s === "FIN_WAIT_1" || s === "LAST_ACK" || s === "CLOSING";
}

/** tcp_write_xmit (and tcp_xmit_retransmit_queue while recovering from a timeout). */
export function writeXmit(c: TcpConnection): void {
  if (!canSend(c)) return;
  if (c.caState === "loss") retransmitLost(c);
  let sent = false;
  while (hasUnsent(c) && inFlight(c) < c.cwnd) {
    const mss = currentMss(c);
    const unsent = Math.max(0, seqDiff(dataEnd(c), c.sndNxt));
    const len = Math.min(mss, unsent);
    const fin = c.finQueued && len === unsent;
    if (after(seqAdd(c.sndNxt, len + (fin ? 1 : 0)), seqAdd(c.sndUna, c.sndWnd))) break;
    if (len < mss && !fin && nagleHolds(c)) break;
    sendNew(c, len, fin);
    sent = true;
  }
  if (!sent && hasUnsent(c) && packetsOut(c) === 0) armProbe(c);
}

/** Retransmits what a timeout marked lost, as the congestion window allows (go-back-N without SACK). */
function retransmitLost(c: TcpConnection): void {
  if (before(c.rtxNext, c.sndUna)) c.rtxNext = c.sndUna;
  while (before(c.rtxNext, c.highSeq) && inFlight(c) < c.cwnd) c.rtxNext = retransmitSegment(c, c.rtxNext);
}

/** tcp_retransmit_skb for the segment at `seq`; returns the sequence number after it. */
export function retransmitSegment(c: TcpConnection, seq: number): number {
  const layer = c.layer;
  let end: number;
  if (seq === c.iss && (c.state === "SYN_SENT" || c.state === "SYN_RECEIVED")) {
    transmit(c, seq, 0, c.state === "SYN_SENT" ? Syn : Syn | Ack);
    end = seqAdd(seq, 1);
  } else {
    const sentData = before(c.sndNxt, dataEnd(c)) ? c.sndNxt : dataEnd(c);
    const len = Math.max(0, Math.min(currentMss(c), seqDiff(sentData, seq)));
    const finSent = c.finQueued && after(c.sndNxt, c.finSeq);
    const fin = finSent && seqAdd(seq, len) === c.finSeq;
    const push = len > 0 && seqAdd(seq, len) === dataEnd(c);
    transmit(c, seq, len, Ack | (push ? Psh : 0) | (fin ? Fin : 0));
    end = seqAdd(seq, len + (fin ? 1 : 0));
  }
  c.stats.retransmissions++;
  if (c.retransStamp === null) c.retransStamp = layer.jiffies;
  if (after(end, c.retransHigh)) c.retransHigh = end;
  c.rttSeq = null;
  if (layer.sim.trace.on) layer.trace(c, "retransmit", undefined, `seq ${seqDiff(seq, c.iss)} len ${seqDiff(end, seq)} rto ${(c.rto * JIFFY) / 1000}ms`);
  return end;
}

/** tcp_write_wakeup: new data if the window allows any, else an ACK with seq = snd_una − 1. */
export function writeWakeup(c: TcpConnection): void {
  const wndEnd = seqAdd(c.sndUna, c.sndWnd);
  if (hasUnsent(c) && before(c.sndNxt, wndEnd)) {
    const unsent = Math.max(0, seqDiff(dataEnd(c), c.sndNxt));
    const len = Math.min(currentMss(c), unsent, seqDiff(wndEnd, c.sndNxt));
    sendNew(c, len, c.finQueued && len === unsent);
    return;
  }
  transmit(c, seqAdd(c.sndUna, -1), 0, Ack);
}

/** tcp_v4_send_reset: a RST answering `seg` — at its ACK number, or RST|ACK acknowledging it. */
export function sendResetFor(layer: TcpLayer, seg: InSegment): void {
  if (has(seg, Rst)) return;
  const ackIt = !has(seg, Ack);
  const repr: TcpRepr = {
    srcPort: seg.dstPort,
    dstPort: seg.srcPort,
    seq: ackIt ? 0 : seg.ack,
    ack: ackIt ? endSeq(seg) : 0,
    flags: Rst | (ackIt ? Ack : 0),
    window: 0,
    urgent: 0,
    options: [],
    payload: EMPTY,
  };
  const sim = layer.sim;
  if (sim.trace.on) {
    const conn = `${ipv4ToString(seg.dst)}:${seg.dstPort}>${ipv4ToString(seg.src)}:${seg.srcPort}`;
    sim.trace.emit({ kind: "tcp", time: sim.now, node: layer.stack.node, conn, event: "reset", detail: "sent for a segment no socket takes" });
  }
  layer.sendSegment(repr, seg.dst, seg.src, 0, seg.tos);
}

/** Bytes of TCP header our segments carry beside the data (tcp_header_len). */
export function headerLen(c: TcpConnection): number {
  return 20 + (c.tsOk ? TS_OPTION_LEN : 0);
}
