// TCP keepalive as Linux 2.6.32 runs it (net/ipv4/tcp_timer.c tcp_keepalive_timer, tcp.c
// setsockopt SO_KEEPALIVE / TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT; RFC 1122 §4.2.3.6):
// after `tcp_keepalive_time` (7200 s) without an ACK from the peer, and with nothing in flight, a
// probe goes out — an ACK for snd_una − 1 with no data, which any live peer answers — then one
// every `tcp_keepalive_intvl` (75 s). Any ACK from the peer resets the count. When
// `tcp_keepalive_probes` (9) probes went unanswered the connection sends a reset and reports
// ETIMEDOUT (or the ICMP error heard meanwhile): 7200 + 9 × 75 = 7875 s after the peer fell silent.
import { HZ, timerTime } from "../linux-params.ts";
import type { TcpConnection } from "./connection.ts";
import { hasUnsent, packetsOut, sendActiveReset, writeWakeup } from "./tcp-output.ts";
import { writeErr } from "./timers.ts";

function idleTime(c: TcpConnection): number {
  return (c.keepIdle ?? c.layer.params.keepaliveTime) * HZ;
}

function interval(c: TcpConnection): number {
  return (c.keepIntvl ?? c.layer.params.keepaliveIntvl) * HZ;
}

function probes(c: TcpConnection): number {
  return c.keepCnt ?? c.layer.params.keepaliveProbes;
}

/** States in which the keepalive timer runs (an orphaned FIN_WAIT_2 has its own timeout). */
function running(c: TcpConnection): boolean {
  const s = c.state;
  if (s === "CLOSED" || s === "TIME_WAIT" || s === "SYN_SENT" || s === "SYN_RECEIVED") return false;
  return !(s === "FIN_WAIT_2" && c.appClosed);
}

function schedule(c: TcpConnection, delay: number): void {
  const layer = c.layer;
  c.keepaliveTimer?.cancel();
  c.keepaliveTimer = layer.sim.at(timerTime(layer.jiffies + delay, layer.sim.now), () => onKeepaliveTimer(c));
}

/**
 * Arms or stops the timer after a setsockopt or when the connection is established. A new idle
 * time counts from the last ACK received (TCP_KEEPIDLE); switching keepalive on counts from now.
 */
export function armKeepalive(c: TcpConnection, fromLastAck: boolean): void {
  if (!c.keepalive || !running(c)) {
    c.keepaliveTimer?.cancel();
    c.keepaliveTimer = null;
    return;
  }
  const elapsed = c.layer.jiffies - c.rcvTstamp;
  schedule(c, fromLastAck ? Math.max(0, idleTime(c) - elapsed) : idleTime(c));
}

/** tcp_keepalive_timer for a connection. */
function onKeepaliveTimer(c: TcpConnection): void {
  c.keepaliveTimer = null;
  if (!c.keepalive || !running(c)) return;
  const idle = idleTime(c);
  if (packetsOut(c) > 0 || hasUnsent(c)) return schedule(c, idle);
  const elapsed = c.layer.jiffies - c.rcvTstamp;
  if (elapsed < idle) return schedule(c, idle - elapsed);
  if (c.probesOut >= probes(c)) {
    sendActiveReset(c);
    return writeErr(c);
  }
  writeWakeup(c);
  c.probesOut++;
  c.layer.trace(c, "keepalive", undefined, `probe ${c.probesOut}`);
  schedule(c, interval(c));
}
