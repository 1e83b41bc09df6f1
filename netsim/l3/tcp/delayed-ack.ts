// When Linux 2.6.32 acknowledges (net/ipv4/tcp_input.c tcp_event_data_recv, tcp_measure_rcv_mss,
// __tcp_ack_snd_check, tcp_grow_window; tcp_output.c tcp_send_delayed_ack; tcp_timer.c
// tcp_delack_timer; tcp.c tcp_cleanup_rbuf):
// - at once in quick-ACK mode (the first segments of a connection, after an idle gap longer than
//   the RTO, while the receive window is still growing), for out-of-order data, and when more than
//   one full segment is unacknowledged;
// - at once when a reading application takes a pushed sub-MSS segment outside interactive
//   ("pingpong") mode, or when reading frees enough window to double the offer;
// - otherwise after the delayed-ACK timeout `ato`: 40 ms at first, adapted to the gaps between
//   segments, doubled each time the timer fires without piggybacking, capped by the RTT
//   (200 ms in interactive mode, 500 ms otherwise), on jiffy ticks.
// The application here always reads at once, so reading happens right after each segment.
import { HZ, timerTime } from "../linux-params.ts";
import type { TcpConnection } from "./connection.ts";
import { TCP_ATO_MIN, TCP_DELACK_MAX, TCP_DELACK_MIN, TCP_MAX_QUICKACKS, TCP_MIN_MSS, TCP_MIN_RCVMSS } from "./params.ts";
import { TcpFlags } from "../../wire/tcp.ts";
import { computeWindow, headerLen, receiveWindow, sendAck } from "./tcp-output.ts";
import { seqDiff } from "./seq.ts";

/** icsk_ack.pending bits. */
const SCHED = 1;
const TIMER = 2;
const PUSHED = 4;
const PUSHED2 = 8;
/** FIN, URG, SYN, PSH: a segment with one of these may be short (TCP_REMNANT). */
const REMNANT = TcpFlags.Fin | TcpFlags.Urg | TcpFlags.Syn | TcpFlags.Psh;

/** inet_csk_schedule_ack. */
export function scheduleAck(c: TcpConnection): void {
  c.ackPending |= SCHED;
}

/** tcp_event_ack_sent: an ACK left; quick-ACK credit spent, the delayed ACK no longer needed. */
export function ackSent(c: TcpConnection): void {
  if (c.ackQuick > 0) {
    if (c.ackQuick <= 1) {
      c.ackQuick = 0;
      c.ato = TCP_ATO_MIN;
    } else c.ackQuick -= 1;
  }
  c.ackPending = 0;
  c.delackTimer?.cancel();
  c.delackTimer = null;
}

/** tcp_in_quickack_mode. */
function inQuickack(c: TcpConnection): boolean {
  return c.ackQuick > 0 && !c.pingpong;
}

/** tcp_incr_quickack: enough credit to ACK half a window's worth of segments one by one. */
export function incrQuickack(c: TcpConnection): void {
  let quick = Math.floor(c.rcvWnd / (2 * c.rcvMss));
  if (quick === 0) quick = 2;
  if (quick > c.ackQuick) c.ackQuick = Math.min(quick, TCP_MAX_QUICKACKS);
}

/** tcp_enter_quickack_mode. */
export function enterQuickack(c: TcpConnection): void {
  incrQuickack(c);
  c.pingpong = false;
  c.ato = TCP_ATO_MIN;
}

/** tcp_measure_rcv_mss: learn the peer's segment size; note short pushed segments. */
function measureRcvMss(c: TcpConnection, len: number, hdrLen: number, flags: number): void {
  const lss = c.lastSegSize;
  c.lastSegSize = 0;
  if (len >= c.rcvMss) {
    c.rcvMss = len;
    return;
  }
  const whole = len + hdrLen;
  if (whole >= TCP_MIN_RCVMSS + 20 || (whole >= TCP_MIN_MSS + 20 && (flags & REMNANT) === 0)) {
    const size = whole - headerLen(c);
    c.lastSegSize = size;
    if (size === lss) {
      c.rcvMss = size;
      return;
    }
  }
  if (c.ackPending & PUSHED) c.ackPending |= PUSHED2;
  c.ackPending |= PUSHED;
}

/** tcp_event_data_recv: `len` bytes arrived in order (TCP header `hdrLen` bytes, `flags`). */
export function eventDataRecv(c: TcpConnection, len: number, hdrLen: number, flags: number): void {
  const now = c.layer.jiffies;
  scheduleAck(c);
  measureRcvMss(c, len, hdrLen, flags);
  if (c.ato === 0) {
    incrQuickack(c);
    c.ato = TCP_ATO_MIN;
  } else {
    const m = now - c.lrcvtime;
    if (m <= TCP_ATO_MIN / 2) c.ato = (c.ato >> 1) + TCP_ATO_MIN / 2;
    else if (m < c.ato) c.ato = Math.min((c.ato >> 1) + m, c.rto);
    else if (m > c.rto) incrQuickack(c);
  }
  c.lrcvtime = now;
  if (len >= 128) growWindow(c);
}

/**
 * tcp_grow_window: open the offered window by two segments per segment received, up to the clamp.
 * (The kernel's truesize test passes for ordinary segments; this takes its usual outcome.)
 */
function growWindow(c: TcpConnection): void {
  if (c.rcvSsthresh >= c.windowClamp) return;
  c.rcvSsthresh = Math.min(c.rcvSsthresh + 2 * c.rcvMss, c.windowClamp);
  c.ackQuick |= 1;
}

/** tcp_ack_snd_check after a segment was processed. */
export function ackSndCheck(c: TcpConnection): void {
  if ((c.ackPending & SCHED) === 0) return;
  const moreThanOne = seqDiff(c.rcvNxt, c.rcvWup) > c.rcvMss && computeWindow(c) >= c.rcvWnd;
  if (moreThanOne || inQuickack(c) || !c.ofo.empty) sendAck(c);
  else sendDelayedAck(c);
}

/** tcp_send_delayed_ack. */
export function sendDelayedAck(c: TcpConnection): void {
  const layer = c.layer;
  const now = layer.jiffies;
  let ato = c.ato;
  if (ato > TCP_DELACK_MIN) {
    let maxAto = c.pingpong || c.ackPending & PUSHED ? TCP_DELACK_MAX : HZ / 2;
    const srtt = c.rtt.smoothed;
    if (srtt !== 0) maxAto = Math.min(maxAto, Math.max(srtt, TCP_DELACK_MIN));
    ato = Math.min(ato, maxAto);
  }
  let timeout = now + ato;
  if (c.ackPending & TIMER) {
    if (c.ackTimeout <= now + (ato >> 2)) return sendAck(c);
    if (timeout >= c.ackTimeout) timeout = c.ackTimeout;
  }
  c.ackPending |= SCHED | TIMER;
  c.ackTimeout = timeout;
  c.delackTimer?.cancel();
  c.delackTimer = layer.sim.at(timerTime(timeout, layer.sim.now), () => onDelackTimer(c));
}

/** tcp_delack_timer: the ACK was not piggybacked in time. */
function onDelackTimer(c: TcpConnection): void {
  c.delackTimer = null;
  if (c.state === "CLOSED" || (c.ackPending & TIMER) === 0) return;
  c.ackPending &= ~TIMER;
  if ((c.ackPending & SCHED) === 0) return;
  if (!c.pingpong) c.ato = Math.min(c.ato << 1, c.rto);
  else {
    c.pingpong = false;
    c.ato = TCP_ATO_MIN;
  }
  sendAck(c);
}

/** tcp_cleanup_rbuf after the application read `copied` bytes. */
export function cleanupRbuf(c: TcpConnection, copied: number): void {
  let timeToAck = false;
  if (c.ackPending & SCHED) {
    const pushed = (c.ackPending & PUSHED2) !== 0 || ((c.ackPending & PUSHED) !== 0 && !c.pingpong);
    timeToAck = seqDiff(c.rcvNxt, c.rcvWup) > c.rcvMss || (copied > 0 && pushed);
  }
  if (!timeToAck && !c.finReceived) {
    const now = receiveWindow(c);
    if (2 * now <= c.windowClamp) {
      const offer = computeWindow(c);
      timeToAck = offer !== 0 && offer >= 2 * now;
    }
  }
  if (timeToAck) sendAck(c);
}
