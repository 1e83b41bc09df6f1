// Processing the acknowledgment field, after Linux 2.6.32's tcp_ack (net/ipv4/tcp_input.c): the
// peer's window (tcp_ack_update_window), acknowledged data leaving the send queue, an RTT sample
// (from the echoed timestamp, else Karn's rule), the retransmission timer re-armed, forward progress
// confirming the neighbour (dst_confirm), and congestion control.
//
// Congestion control is Reno with NewReno recovery (RFC 5681/6582): slow start by one segment per
// ACK (tcp_abc = 0), additive increase above ssthresh, fast retransmit on the third duplicate ACK,
// go-back-N after a timeout. Linux 2.6.32 defaults to CUBIC and uses SACK/FACK scoreboards and rate
// halving in recovery; those shape long bulk transfers but not the handshake, timer and give-up
// behaviour this model is for. SACK blocks from the peer are read but not used to pick what to resend.
import { TcpFlags } from "../../wire/tcp.ts";
import type { TcpConnection } from "./connection.ts";
import { tcpTimeStamp } from "./params.ts";
import { has, type InSegment } from "./segment.ts";
import { after, before, seqAdd, seqDiff } from "./seq.ts";
import { dataEnd, hasUnsent, inFlight, packetsOut, retransmitSegment } from "./tcp-output.ts";
import { armRetransmit, clearRetransmit } from "./timers.ts";

/** tcp_may_update_window. */
function mayUpdateWindow(c: TcpConnection, ack: number, seq: number, nwin: number): boolean {
  return after(ack, c.sndUna) || after(seq, c.sndWl1) || (seq === c.sndWl1 && nwin > c.sndWnd);
}

/**
 * tcp_ack: true when the ACK is acceptable (acknowledges nothing older than snd_una and nothing
 * not yet sent). An unacceptable ACK changes nothing; the segment's data is still processed.
 */
export function processAck(c: TcpConnection, seg: InSegment): boolean {
  const ack = seg.ack;
  if (before(ack, c.sndUna) || after(ack, c.sndNxt)) return false;
  const priorInFlight = inFlight(c);
  const priorPackets = packetsOut(c);
  const nwin = seg.window << (has(seg, TcpFlags.Syn) ? 0 : c.sndWscale);
  const winUpdate = mayUpdateWindow(c, ack, seg.seq, nwin);
  if (winUpdate) {
    c.sndWnd = nwin;
    c.sndWl1 = seg.seq;
  }
  c.softError = null;
  c.probesOut = 0;
  c.rcvTstamp = c.layer.jiffies;
  if (priorPackets === 0) {
    // tcp_ack_probe: the window the probe timer waits for may have opened.
    if (c.rtxKind === "probe" && hasUnsent(c) && !after(seqAdd(c.sndNxt, 1), seqAdd(c.sndUna, c.sndWnd))) {
      c.backoff = 0;
      clearRetransmit(c);
    }
    return true;
  }
  const acked = seqDiff(ack, c.sndUna);
  if (acked > 0) takeAcked(c, seg);
  const dup = acked === 0 && !winUpdate && seg.payload.length === 0 && (seg.flags & (TcpFlags.Syn | TcpFlags.Fin)) === 0;
  congestion(c, acked, dup, priorInFlight);
  if (acked > 0) {
    if (packetsOut(c) === 0) clearRetransmit(c);
    else armRetransmit(c);
  }
  return true;
}

/** tcp_clean_rtx_queue + tcp_ack_update_rtt for an ACK that moved snd_una. */
function takeAcked(c: TcpConnection, seg: InSegment): void {
  const layer = c.layer;
  const ack = seg.ack;
  const end = dataEnd(c);
  const upTo = before(ack, end) ? ack : end;
  const n = seqDiff(upTo, c.bufSeq);
  if (n > 0) {
    c.sendBuf.consume(n);
    c.bufSeq = upTo;
    c.stats.bytesAcked += n;
  }
  c.sndUna = ack;
  let sample: number | null = null;
  if (c.tsOk && seg.sawTs && seg.tsEcr !== 0) sample = (tcpTimeStamp(layer.sim.now) - seg.tsEcr) >>> 0;
  else if (c.rttSeq !== null && !before(ack, c.rttSeq)) sample = layer.jiffies - c.rttSentAt;
  if (c.rttSeq !== null && !before(ack, c.rttSeq)) c.rttSeq = null;
  if (sample !== null && sample < 0x7fffffff) {
    c.rtt.sample(sample, c.sndUna, c.sndNxt);
    c.rto = c.rtt.rto;
    c.backoff = 0;
  }
  if (c.retransStamp !== null && !before(ack, c.retransHigh)) c.retransStamp = null;
  layer.stack.confirmNeighbour(c.remoteAddr);
}

/** The congestion state machine (tcp_fastretrans_alert, reduced to Reno/NewReno). */
function congestion(c: TcpConnection, acked: number, dup: boolean, priorInFlight: number): void {
  switch (c.caState) {
    case "loss":
      if (acked > 0) {
        c.retransmits = 0;
        congAvoid(c, priorInFlight);
      }
      if (!before(c.sndUna, c.highSeq)) c.caState = "open";
      return;
    case "recovery":
      if (!before(c.sndUna, c.highSeq)) {
        c.cwnd = Math.min(c.cwnd, c.ssthresh);
        c.caState = "open";
        c.dupAcks = 0;
      } else if (acked > 0) {
        // A partial ACK: the next hole is lost too (NewReno).
        c.dupAcks = Math.max(0, c.dupAcks - Math.ceil(acked / c.mss) + 1);
        c.rtxNext = retransmitSegment(c, c.sndUna);
      } else if (dup) c.dupAcks++;
      return;
    case "open":
      if (dup && packetsOut(c) > 0) {
        if (++c.dupAcks >= 3) enterRecovery(c);
        return;
      }
      if (acked > 0) {
        c.dupAcks = 0;
        congAvoid(c, priorInFlight);
      }
  }
}

/** Fast retransmit: halve, resend the first unacknowledged segment. */
function enterRecovery(c: TcpConnection): void {
  c.ssthresh = Math.max(c.cwnd >> 1, 2);
  c.cwnd = c.ssthresh;
  c.cwndCnt = 0;
  c.highSeq = c.sndNxt;
  c.caState = "recovery";
  c.rtxNext = retransmitSegment(c, c.sndUna);
}

/** tcp_reno_cong_avoid, when the window was the limit (tcp_is_cwnd_limited with a burst of 3). */
function congAvoid(c: TcpConnection, priorInFlight: number): void {
  if (priorInFlight < c.cwnd && c.cwnd - priorInFlight > 3) return;
  if (c.cwnd <= c.ssthresh) c.cwnd++;
  else if (c.cwndCnt >= c.cwnd) {
    c.cwnd++;
    c.cwndCnt = 0;
  } else c.cwndCnt++;
}
