// Opening and the end of closing, after Linux 2.6.32: tcp_v4_connect/tcp_connect (the SYN),
// tcp_rcv_synsent_state_process (SYN-ACK, RST, simultaneous open), tcp_v4_conn_request and
// tcp_check_req (a listener's half-open "request sockets"), the SYN_RECV → ESTABLISHED step of
// tcp_rcv_state_process with tcp_init_metrics / tcp_init_buffer_space, and
// tcp_timewait_state_process (a TIME_WAIT connection answering stray segments).
//
// Windows: tcp_select_initial_window offers four segments in a SYN (5840 = 4 × 1460; a SYN-ACK
// with timestamps, 4 × 1448 = 5792), announces the window scale the receive buffer's maximum
// needs, and clamps the window at the buffer's 64 KB less one segment (64075).
import { TcpFlags } from "../../wire/tcp.ts";
import type { TcpConnection } from "./connection.ts";
import type { InputResult } from "./tcp-input.ts";
import { armKeepalive } from "./keepalive.ts";
import { initialWindowScale, tcpTimeStamp, TCP_MSS_DEFAULT, TCP_MIN_MSS, TCP_MIN_RCVMSS, TCP_TIMEOUT_INIT, TS_OPTION_LEN, winFromSpace } from "./params.ts";
import { endSeq, has, type InSegment } from "./segment.ts";
import { after, before, seqAdd } from "./seq.ts";
import { processAck } from "./ack.ts";
import { hasUnsent, sendAck, transmit, writeXmit } from "./tcp-output.ts";
import { armRetransmit, restartTimeWait, tcpDone } from "./timers.ts";

const { Ack, Rst, Syn } = TcpFlags;

/** tcp_select_initial_window: the first window (≤ 4 segments of `mss`), the clamp and our scale. */
export function selectInitialWindow(c: TcpConnection, mss: number): void {
  const params = c.layer.params;
  let space = winFromSpace(params.rmem[1]);
  if (space > mss) space = Math.floor(space / mss) * mss;
  c.rcvWnd = space;
  c.rcvWscale = c.wsOk ? initialWindowScale(params) : 0;
  if (mss > 1 << c.rcvWscale) {
    const initCwnd = mss > 1460 * 3 ? 2 : mss > 1460 ? 3 : 4;
    if (c.rcvWnd > initCwnd * mss) c.rcvWnd = initCwnd * mss;
  }
  c.windowClamp = Math.min(65535 * 2 ** c.rcvWscale, 65535 * 2 ** 14);
  c.rcvSsthresh = c.rcvWnd;
}

/** What the peer's SYN or SYN-ACK settles: options both sides offered, its ISN, its MSS. */
function negotiate(c: TcpConnection, seg: InSegment): void {
  c.tsOk = c.tsOk && seg.sawTs;
  c.sackOk = c.sackOk && seg.sackPermitted;
  c.wsOk = c.wsOk && seg.wscale >= 0;
  c.sndWscale = c.wsOk ? seg.wscale : 0;
  if (!c.wsOk) {
    c.rcvWscale = 0;
    c.windowClamp = Math.min(c.windowClamp, 65535);
  }
  c.peerMss = seg.mss > 0 ? seg.mss : TCP_MSS_DEFAULT;
  if (c.tsOk) {
    c.tsRecent = seg.tsVal;
    c.tsRecentStamp = c.layer.seconds;
  }
  c.irs = seg.seq;
  c.rcvNxt = seqAdd(seg.seq, 1);
  c.rcvWup = c.rcvNxt;
  c.sndWl1 = seg.seq;
}

/** tcp_sync_mss: what fits in the path MTU and the peer's MSS, less our timestamp option. */
function syncMss(c: TcpConnection): void {
  const pmtu = c.layer.pathMtu(c.remoteAddr);
  c.mss = Math.max(48, Math.min(pmtu - 40, c.peerMss)) - (c.tsOk ? TS_OPTION_LEN : 0);
}

/** tcp_initialize_rcv_mss: a conservative first guess of the peer's segment size. */
function initRcvMss(c: TcpConnection): void {
  const hint = Math.min(c.advMss, c.mss, Math.floor(c.rcvWnd / 2), TCP_MIN_RCVMSS);
  c.rcvMss = Math.max(hint, TCP_MIN_MSS);
}

/** tcp_connect: the SYN of an active open. */
export function startConnect(c: TcpConnection, iss: number): void {
  const layer = c.layer;
  const params = layer.params;
  c.iss = c.sndUna = c.sndNxt = iss;
  c.writeSeq = c.bufSeq = seqAdd(iss, 1);
  c.tsOk = params.timestamps;
  c.sackOk = params.sack;
  c.wsOk = params.windowScaling;
  c.advMss = layer.advMss(c.remoteAddr);
  selectInitialWindow(c, c.advMss);
  c.mss = c.advMss;
  initRcvMss(c);
  c.ipId = (iss ^ tcpTimeStamp(layer.sim.now)) & 0xffff;
  layer.setState(c, "SYN_SENT");
  transmit(c, iss, 0, Syn);
  c.sndNxt = seqAdd(iss, 1);
  c.retransStamp = layer.jiffies;
  c.rttSeq = c.sndNxt;
  c.rttSentAt = layer.jiffies;
  armRetransmit(c);
}

/** tcp_v4_conn_request: a listener answers a SYN with a SYN-ACK from a request socket. */
export function startRequest(c: TcpConnection, seg: InSegment, iss: number): void {
  const layer = c.layer;
  const params = layer.params;
  c.tsOk = params.timestamps;
  c.sackOk = params.sack;
  c.wsOk = params.windowScaling;
  negotiate(c, seg);
  c.iss = c.sndUna = iss;
  c.sndNxt = c.writeSeq = c.bufSeq = seqAdd(iss, 1);
  c.sndWnd = seg.window;
  c.advMss = layer.advMss(c.remoteAddr);
  c.mss = c.advMss;
  selectInitialWindow(c, c.advMss - (c.tsOk ? TS_OPTION_LEN : 0));
  layer.setState(c, "SYN_RECEIVED");
  transmit(c, iss, 0, Syn | Ack);
  c.reqExpires = layer.jiffies + TCP_TIMEOUT_INIT;
}

/** tcp_rcv_synsent_state_process. */
export function synSent(c: TcpConnection, seg: InSegment): InputResult {
  if (has(seg, Ack)) {
    if (!after(seg.ack, c.iss) || after(seg.ack, c.sndNxt)) return has(seg, Rst) ? undefined : "reset";
    if (has(seg, Rst)) {
      c.layer.trace(c, "reset", undefined, "received");
      tcpDone(c, "ECONNREFUSED");
      return undefined;
    }
    if (!has(seg, Syn)) return undefined;
    negotiate(c, seg);
    processAck(c, seg);
    finishHandshake(c, seg);
    if (hasUnsent(c)) writeXmit(c);
    else sendAck(c);
    c.connected();
    return undefined;
  }
  if (has(seg, Rst) || !has(seg, Syn)) return undefined;
  // Simultaneous open: our SYN crossed theirs.
  negotiate(c, seg);
  c.sndWnd = seg.window;
  c.layer.setState(c, "SYN_RECEIVED");
  transmit(c, c.iss, 0, Syn | Ack);
  return undefined;
}

/** tcp_in_window. */
function inWindow(seq: number, end: number, start: number, stop: number): boolean {
  if (seq === start) return true;
  if (after(end, start) && before(seq, stop)) return true;
  return seq === stop && seq === end;
}

/** tcp_check_req for a request socket; "go-on" when the segment completes the handshake. */
export function synRecvPassive(c: TcpConnection, seg: InSegment): InputResult | "go-on" {
  if (seg.seq === c.irs && (seg.flags & (Rst | Syn | Ack)) === Syn) {
    c.layer.resendSynAck(c);
    return undefined;
  }
  if (has(seg, Ack) && seg.ack !== seqAdd(c.iss, 1)) return "reset";
  if (!inWindow(seg.seq, endSeq(seg), c.rcvNxt, seqAdd(c.rcvNxt, c.rcvWnd))) {
    if (!has(seg, Rst)) sendAck(c);
    return undefined;
  }
  const syn = has(seg, Syn) && seg.seq !== c.irs;
  if (has(seg, Rst) || syn) {
    tcpDone(c, null);
    return has(seg, Rst) ? undefined : "reset";
  }
  return has(seg, Ack) ? "go-on" : undefined;
}

/** SYN_RECEIVED or SYN_SENT → ESTABLISHED: metrics, MSS, buffers, timers; a listener's accept. */
export function finishHandshake(c: TcpConnection, seg: InSegment): void {
  const layer = c.layer;
  if (!seg.sawTs && c.rtt.srtt !== 0) {
    c.rtt.forget();
    c.rto = TCP_TIMEOUT_INIT;
  }
  syncMss(c);
  c.cwnd = layer.initialCwnd(c.mss);
  initRcvMss(c);
  const maxWin = winFromSpace(layer.params.rmem[1]);
  c.windowClamp = Math.min(c.windowClamp, maxWin);
  if (c.windowClamp > 2 * c.advMss && c.windowClamp + c.advMss > maxWin) c.windowClamp = Math.max(2 * c.advMss, maxWin - c.advMss);
  c.rcvSsthresh = Math.min(c.rcvSsthresh, c.windowClamp);
  c.lsndtime = c.rcvTstamp = layer.jiffies;
  if (c.passive) c.ipId = (c.writeSeq ^ tcpTimeStamp(layer.sim.now)) & 0xffff;
  layer.setState(c, "ESTABLISHED");
  if (c.passive) layer.accepted(c);
  if (c.state !== "ESTABLISHED") return;
  if (c.keepalive) armKeepalive(c, false);
  if (c.finQueued) layer.setState(c, "FIN_WAIT_1");
  else if (c.shutWr) c.queueFin();
}

/** tcp_timewait_state_process; "syn" when a new SYN may reopen the connection. */
export function timeWait(c: TcpConnection, seg: InSegment): InputResult {
  const rst = has(seg, Rst);
  if (seg.seq === c.rcvNxt && (endSeq(seg) === seg.seq || rst)) {
    if (rst) tcpDone(c, null);
    else restartTimeWait(c);
    return undefined;
  }
  const newer = after(seg.seq, c.rcvNxt) || (c.tsOk && seg.sawTs && ((c.tsRecent - seg.tsVal) | 0) < 0);
  if ((seg.flags & (Syn | Rst | Ack)) === Syn && newer) return "syn";
  if (!rst) {
    if (has(seg, Ack)) restartTimeWait(c);
    sendAck(c);
  }
  return undefined;
}
