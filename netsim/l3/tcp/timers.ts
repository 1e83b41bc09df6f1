// The timers of a connection, after Linux 2.6.32's net/ipv4/tcp_timer.c: the retransmission timer
// (tcp_retransmit_timer: give up per tcp_write_timeout, else enter loss, resend the oldest
// segment, double the RTO up to 120 s), the zero-window probe timer (tcp_probe_timer), the end of
// an orphaned FIN_WAIT_2 (tcp_fin_timeout) and TIME_WAIT (60 s), and the end of a connection
// (tcp_done). Timers are armed in jiffies and fire on tick boundaries, as kernel timers do.
//
// Simplification: Linux reaps TIME_WAIT sockets from a "death row" in 7.5 s slots (so after 52.5
// to 60 s); here a TIME_WAIT connection ends exactly TCP_TIMEWAIT_LEN after it began.
import type { EventHandle } from "../../engine/sim.ts";
import { HZ, timerTime } from "../linux-params.ts";
import type { TcpConnection } from "./connection.ts";
import type { TcpErrno } from "./errors.ts";
import { retransmitsTimedOut, TCP_RTO_MAX, TCP_RTO_MIN, TCP_TIMEOUT_INIT, TCP_TIMEWAIT_LEN } from "./params.ts";
import { backedOff } from "./retransmit.ts";
import { hasUnsent, packetsOut, retransmitSegment, writeWakeup } from "./tcp-output.ts";

/** Schedules `fn` `delay` jiffies from now, on a tick. */
function armIn(c: TcpConnection, delay: number, fn: () => void): EventHandle {
  const layer = c.layer;
  return layer.sim.at(timerTime(layer.jiffies + delay, layer.sim.now), fn);
}

function armXmit(c: TcpConnection, kind: "retransmit" | "probe", delay: number): void {
  c.rtxTimer?.cancel();
  c.rtxKind = kind;
  c.rtxTimer = armIn(c, Math.min(delay, TCP_RTO_MAX), kind === "retransmit" ? () => onRetransmitTimer(c) : () => onProbeTimer(c));
}

/** inet_csk_reset_xmit_timer(ICSK_TIME_RETRANS, icsk_rto). */
export function armRetransmit(c: TcpConnection): void {
  armXmit(c, "retransmit", c.rto);
}

/** No segment outstanding: the retransmission timer stops. */
export function clearRetransmit(c: TcpConnection): void {
  c.rtxTimer?.cancel();
  c.rtxTimer = null;
  c.rtxKind = null;
}

/** tcp_check_probe_timer: data waits on a closed window with nothing in flight. */
export function armProbe(c: TcpConnection): void {
  if (c.rtxTimer === null) armXmit(c, "probe", c.rto);
}

/** tcp_orphan_retries with tcp_orphan_retries = 0: 8 tries for a closed socket still being answered. */
function orphanRetries(c: TcpConnection, alive: boolean): number {
  if (c.softError !== null && !alive) return 0;
  return alive ? 8 : 0;
}

/** tcp_write_timeout: true (and the connection is gone) when retransmitting must stop. */
function writeTimeout(c: TcpConnection): boolean {
  const layer = c.layer;
  const params = layer.params;
  const syn = c.state === "SYN_SENT" || c.state === "SYN_RECEIVED";
  let retryUntil: number;
  if (syn) retryUntil = params.synRetries;
  else retryUntil = c.appClosed ? orphanRetries(c, c.rto < TCP_RTO_MAX) : params.retries2;
  if (c.retransmits === 0) return false;
  const base = syn && params.synTimeoutFromInitialRto ? TCP_TIMEOUT_INIT : TCP_RTO_MIN;
  if (!retransmitsTimedOut(retryUntil, c.retransStamp ?? layer.jiffies, layer.jiffies, base)) return false;
  writeErr(c);
  return true;
}

/** tcp_write_err: the error is the last ICMP error heard, else ETIMEDOUT. */
export function writeErr(c: TcpConnection): void {
  const error: TcpErrno = c.softError ?? "ETIMEDOUT";
  c.layer.trace(c, "timeout", undefined, error);
  tcpDone(c, error);
}

/** tcp_enter_loss without SACK: everything outstanding is lost; slow start from one segment. */
export function enterLoss(c: TcpConnection): void {
  const fresh = c.caState === "open" || c.sndUna === c.highSeq || (c.caState === "loss" && c.retransmits === 0);
  if (fresh) c.ssthresh = Math.max(c.cwnd >> 1, 2);
  c.cwnd = 1;
  c.cwndCnt = 0;
  c.highSeq = c.sndNxt;
  c.caState = "loss";
  c.dupAcks = 0;
  c.rtxNext = c.sndUna;
  c.rttSeq = null;
}

/** tcp_retransmit_timer. */
function onRetransmitTimer(c: TcpConnection): void {
  c.rtxTimer = null;
  c.rtxKind = null;
  if (c.state === "CLOSED" || packetsOut(c) === 0) return;
  const layer = c.layer;
  const synchronised = c.state !== "SYN_SENT" && c.state !== "SYN_RECEIVED";
  if (c.sndWnd === 0 && !c.appClosed && synchronised) {
    // The receiver shrank its window onto data in flight: keep probing with the data itself.
    if (layer.jiffies - c.rcvTstamp > TCP_RTO_MAX) return writeErr(c);
    enterLoss(c);
    c.rtxNext = retransmitSegment(c, c.sndUna);
  } else {
    if (writeTimeout(c)) return;
    if (synchronised) enterLoss(c);
    const end = retransmitSegment(c, c.sndUna);
    if (synchronised) c.rtxNext = end;
    c.backoff++;
    c.retransmits++;
  }
  c.rto = Math.min(c.rto << 1, TCP_RTO_MAX);
  armRetransmit(c);
}

/** tcp_probe_timer: probe a zero window, backing off; give up like retransmissions do. */
function onProbeTimer(c: TcpConnection): void {
  c.rtxTimer = null;
  c.rtxKind = null;
  if (c.state === "CLOSED") return;
  if (packetsOut(c) > 0 || !hasUnsent(c)) {
    c.probesOut = 0;
    return;
  }
  const params = c.layer.params;
  const maxProbes = c.appClosed ? orphanRetries(c, backedOff(c.rto, c.backoff) < TCP_RTO_MAX) : params.retries2;
  if (c.probesOut > maxProbes) return writeErr(c);
  writeWakeup(c);
  c.layer.trace(c, "probe", undefined, `window ${c.sndWnd}`);
  if (packetsOut(c) > 0 || !hasUnsent(c)) {
    c.probesOut = 0;
    c.backoff = 0;
    return;
  }
  if (c.backoff < params.retries2) c.backoff++;
  c.probesOut++;
  armXmit(c, "probe", backedOff(c.rto, c.backoff));
}

/** Stops every timer of the connection. */
function stopTimers(c: TcpConnection): void {
  clearRetransmit(c);
  c.delackTimer?.cancel();
  c.delackTimer = null;
  c.kaTimer?.cancel();
  c.kaTimer = null;
  c.keepaliveTimer?.cancel();
  c.keepaliveTimer = null;
}

/** tcp_done: the connection is CLOSED and forgotten; the application hears `error` (null: orderly). */
export function tcpDone(c: TcpConnection, error: TcpErrno | null): void {
  if (c.state === "CLOSED") return;
  c.layer.setState(c, "CLOSED");
  stopTimers(c);
  c.sendBuf.clear();
  c.ofo.clear();
  c.layer.unhash(c);
  c.report(error);
}

/** tcp_time_wait(TCP_TIME_WAIT): keep answering the peer's retransmitted FIN for 60 s. */
export function enterTimeWait(c: TcpConnection): void {
  c.layer.setState(c, "TIME_WAIT");
  stopTimers(c);
  c.sendBuf.clear();
  restartTimeWait(c);
  c.report(null);
}

/** (Re)starts the TIME_WAIT timer (inet_twsk_schedule). */
export function restartTimeWait(c: TcpConnection): void {
  c.kaTimer?.cancel();
  c.kaTimer = armIn(c, TCP_TIMEWAIT_LEN, () => tcpDone(c, null));
}

/** An orphaned FIN_WAIT_2 lasts tcp_fin_timeout (at least 3.5 RTOs), then is dropped silently. */
export function armFinWait2(c: TcpConnection): void {
  const timeout = Math.max(c.layer.params.finTimeout * HZ, (c.rto << 2) - (c.rto >> 1));
  c.kaTimer?.cancel();
  c.kaTimer = armIn(c, timeout, () => tcpDone(c, null));
}
