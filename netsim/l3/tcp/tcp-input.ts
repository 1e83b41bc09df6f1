// A segment arriving on a connection, after Linux 2.6.32's tcp_rcv_state_process and the slow path
// of tcp_rcv_established (net/ipv4/tcp_input.c; RFC 793 §3.9 "SEGMENT ARRIVES"):
//   1. PAWS (RFC 1323): a timestamp older than the last one seen → duplicate ACK, drop;
//   2. sequence check: nothing of it inside the window → duplicate ACK, drop;
//   3. RST inside the window → the connection dies (no RFC 5961 challenge ACK in 2.6.32);
//   4. SYN inside the window → the connection dies (ECONNRESET, nothing sent);
//   5. the ACK (ack.ts) and what it completes: SYN_RECEIVED → ESTABLISHED, FIN_WAIT_1 →
//      FIN_WAIT_2, CLOSING → TIME_WAIT, LAST_ACK → CLOSED;
//   6. data and FIN (tcp_data_queue, tcp_fin), then sending what the ACK allowed and deciding when
//      to acknowledge; the application reads last.
// Data arriving after close() is answered with a reset (RFC 1122 4.2.2.13). Without an ACK flag, a
// segment is dropped, except in ESTABLISHED where 2.6.32 still takes its data.
import { TcpFlags } from "../../wire/tcp.ts";
import { processAck } from "./ack.ts";
import type { TcpConnection, TcpState } from "./connection.ts";
import type { TcpErrno } from "./errors.ts";
import { ackSndCheck, cleanupRbuf, enterQuickack, eventDataRecv, scheduleAck } from "./delayed-ack.ts";
import { finishHandshake, synRecvPassive, synSent, timeWait } from "./handshake.ts";
import { endSeq, has, type InSegment } from "./segment.ts";
import { after, before, seqAdd, seqDiff } from "./seq.ts";
import { receiveWindow, sendAck, writeXmit } from "./tcp-output.ts";
import { armFinWait2, enterTimeWait, tcpDone } from "./timers.ts";

const { Ack, Fin, Rst, Syn } = TcpFlags;
/** TCP_PAWS_24DAYS, in seconds. */
const PAWS_24DAYS = 60 * 60 * 24 * 24;

/** What the caller must do after a segment: answer it with a reset, or hand a SYN to a listener. */
export type InputResult = "reset" | "syn" | undefined;

/** Processes one segment for connection `c`; `hdrLen` is its TCP header length. */
export function processSegment(c: TcpConnection, seg: InSegment, hdrLen: number): InputResult {
  c.stats.segmentsIn++;
  switch (c.state) {
    case "CLOSED":
      return undefined;
    case "SYN_SENT":
      return synSent(c, seg);
    case "TIME_WAIT":
      return timeWait(c, seg);
    case "SYN_RECEIVED":
      if (c.passive) {
        const verdict = synRecvPassive(c, seg);
        if (verdict !== "go-on") return verdict;
      }
  }
  const result = synchronised(c, seg, hdrLen);
  finishSegment(c);
  return result;
}

function synchronised(c: TcpConnection, seg: InSegment, hdrLen: number): InputResult {
  const rst = has(seg, Rst);
  if (pawsReject(c, seg) || !acceptable(c, seg)) {
    if (!rst) sendDupAck(c, seg);
    return undefined;
  }
  if (rst) return void reset(c);
  replaceTsRecent(c, seg);
  if (has(seg, Syn) && !before(seg.seq, c.rcvNxt)) return void reset(c);
  if (has(seg, Ack)) {
    const ok = processAck(c, seg);
    if (c.state === "SYN_RECEIVED") {
      if (!ok) return "reset";
      finishHandshake(c, seg);
      if (!c.passive) c.connected();
    }
    const next = afterAck(c, seg);
    if (next !== "continue") return next;
  } else if (c.state !== "ESTABLISHED") return undefined;
  return dataStep(c, seg, hdrLen);
}

/** tcp_paws_discard: the segment's timestamp is older than the last one kept. */
function pawsReject(c: TcpConnection, seg: InSegment): boolean {
  if (!c.tsOk || !seg.sawTs || has(seg, Rst)) return false;
  const fresh = c.layer.seconds < c.tsRecentStamp + PAWS_24DAYS;
  return ((c.tsRecent - seg.tsVal) | 0) > 1 && fresh;
}

/** tcp_sequence: some of the segment falls inside the receive window. */
function acceptable(c: TcpConnection, seg: InSegment): boolean {
  return !before(endSeq(seg), c.rcvWup) && !after(seg.seq, seqAdd(c.rcvNxt, receiveWindow(c)));
}

/** tcp_replace_ts_recent. */
function replaceTsRecent(c: TcpConnection, seg: InSegment): void {
  if (!c.tsOk || !seg.sawTs || after(seg.seq, c.rcvWup)) return;
  if (((seg.tsVal - c.tsRecent) | 0) >= 0 || c.layer.seconds >= c.tsRecentStamp + PAWS_24DAYS) {
    c.tsRecent = seg.tsVal;
    c.tsRecentStamp = c.layer.seconds;
  }
}

/** tcp_send_dupack: an old duplicate means our ACK was lost: ACK at once, in quick-ACK mode. */
function sendDupAck(c: TcpConnection, seg: InSegment): void {
  if (endSeq(seg) !== seg.seq && before(seg.seq, c.rcvNxt)) enterQuickack(c);
  sendAck(c);
}

/** tcp_reset: a valid RST; the errno depends on the state. */
export function reset(c: TcpConnection): void {
  const error: TcpErrno | null = c.state === "SYN_SENT" ? "ECONNREFUSED" : c.state === "CLOSE_WAIT" ? "EPIPE" : c.state === "CLOSED" ? null : "ECONNRESET";
  if (error === null) return;
  c.layer.trace(c, "reset", undefined, "received");
  tcpDone(c, error);
}

/** Step 5's state changes once our FIN is acknowledged. */
function afterAck(c: TcpConnection, seg: InSegment): InputResult | "continue" {
  const finAcked = c.finQueued && c.sndUna === c.writeSeq;
  if (!finAcked) return "continue";
  switch (c.state) {
    case "FIN_WAIT_1":
      c.layer.setState(c, "FIN_WAIT_2");
      if (!c.appClosed) return "continue";
      if (newDataBeyond(c, seg)) {
        tcpDone(c, "ECONNRESET");
        return "reset";
      }
      armFinWait2(c);
      return "continue";
    case "CLOSING":
      enterTimeWait(c);
      return undefined;
    case "LAST_ACK":
      tcpDone(c, null);
      return undefined;
    default:
      return "continue";
  }
}

/** The segment carries data past what we have received. */
function newDataBeyond(c: TcpConnection, seg: InSegment): boolean {
  const end = seqAdd(seg.seq, seg.payload.length);
  return seg.payload.length > 0 && after(end, c.rcvNxt);
}

/** Step 7: which states take data, and the reset for data after close(). */
function dataStep(c: TcpConnection, seg: InSegment, hdrLen: number): InputResult {
  const s = c.state;
  if ((s === "CLOSE_WAIT" || s === "CLOSING" || s === "LAST_ACK") && !before(seg.seq, c.rcvNxt)) return undefined;
  if (s === "FIN_WAIT_1" || s === "FIN_WAIT_2" || s === "CLOSE_WAIT" || s === "CLOSING" || s === "LAST_ACK") {
    if ((c.appClosed || c.finReceived) && newDataBeyond(c, seg)) {
      reset(c);
      return "reset";
    }
  }
  dataQueue(c, seg, hdrLen);
  return undefined;
}

/** tcp_data_queue. */
function dataQueue(c: TcpConnection, seg: InSegment, hdrLen: number): void {
  const fin = has(seg, Fin);
  const len = seg.payload.length;
  const end = endSeq(seg);
  if (end === seg.seq) return;
  // A duplicate (a SYN-ACK whose ACK was lost included): acknowledge at once.
  if (!after(end, c.rcvNxt)) return outOfWindow(c);
  const start = has(seg, Syn) ? seqAdd(seg.seq, 1) : seg.seq;
  const window = receiveWindow(c);
  if (!after(start, c.rcvNxt)) {
    if (window === 0) return outOfWindow(c);
    const skip = seqDiff(c.rcvNxt, start);
    inOrder(c, skip > 0 ? seg.payload.subarray(Math.min(skip, len)) : seg.payload, fin, hdrLen, seg.flags);
    return;
  }
  if (!before(start, seqAdd(c.rcvNxt, window))) return outOfWindow(c);
  c.ofo.insert(start, seg.payload, fin, c.rcvNxt);
  scheduleAck(c);
}

/** A retransmission or data beyond the window: ACK at once. */
function outOfWindow(c: TcpConnection): void {
  enterQuickack(c);
  scheduleAck(c);
}

/** Data at rcv_nxt: take it, then whatever it joins up with in the out-of-order queue. */
function inOrder(c: TcpConnection, data: Uint8Array, fin: boolean, hdrLen: number, flags: number): void {
  c.rcvNxt = seqAdd(c.rcvNxt, data.length);
  if (data.length > 0) {
    eventDataRecv(c, data.length, hdrLen, flags);
    c.queueForApp(data.slice());
  }
  if (fin) tcpFin(c);
  if (c.ofo.empty) return;
  for (let next = c.ofo.pull(c.rcvNxt); next !== null; next = c.ofo.pull(c.rcvNxt)) {
    c.rcvNxt = seqAdd(c.rcvNxt, next.data.length);
    if (next.data.length > 0) c.queueForApp(next.data.slice());
    if (next.fin) tcpFin(c);
  }
  c.ofo.prune(c.rcvNxt);
  if (c.ofo.empty) c.pingpong = false;
}

/** tcp_fin: the peer has finished sending. */
function tcpFin(c: TcpConnection): void {
  c.rcvNxt = seqAdd(c.rcvNxt, 1);
  scheduleAck(c);
  c.finReceived = true;
  c.ofo.clear();
  c.queueEof();
  switch (c.state) {
    case "SYN_RECEIVED":
    case "ESTABLISHED":
      c.layer.setState(c, "CLOSE_WAIT");
      c.pingpong = true;
      break;
    case "FIN_WAIT_1":
      sendAck(c);
      c.layer.setState(c, "CLOSING");
      break;
    case "FIN_WAIT_2":
      sendAck(c);
      enterTimeWait(c);
      break;
  }
}

/** After the segment: send what the ACK allowed, acknowledge as due, let the application read. */
function finishSegment(c: TcpConnection): void {
  if (c.state === "CLOSED") return;
  writeXmit(c);
  if (c.state !== "TIME_WAIT") ackSndCheck(c);
  const copied = c.flushToApp();
  // The application may have closed or aborted the connection while reading.
  const now = c.state as TcpState;
  if (copied > 0 && now !== "CLOSED" && now !== "TIME_WAIT") cleanupRbuf(c, copied);
}
