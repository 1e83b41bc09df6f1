// The numbers Linux 2.6.32's TCP runs on (include/net/tcp.h, net/ipv4/tcp_timer.c,
// Documentation/networking/ip-sysctl.txt). Timers count jiffies (HZ=250, one jiffy = 4 ms), as the
// kernel's do, so retransmissions and delayed ACKs fall on tick boundaries.
//
// Two 2.6.32 facts worth knowing before reading the timers:
// - The initial RTO is 3 s (TCP_TIMEOUT_INIT; RFC 6298's 1 s arrived in 3.1).
// - Give-up decisions are made on elapsed time, not on a retry count (retransmits_timed_out,
//   since 2.6.32): tcp_retries2 = 15 means "as long as 15 backoffs from TCP_RTO_MIN would take",
//   924.6 s after the first retransmission. 2.6.32 uses TCP_RTO_MIN as the base for SYNs too (the
//   `syn_set` fix came in 2.6.35 and is not in 2.6.32.y), so with tcp_syn_retries = 5 a connect()
//   gives up after (2^6 - 1) × 200 ms = 12.6 s of retrying: SYNs at 0, 3 and 9 s, ETIMEDOUT at 21 s.
import { HZ, JIFFY } from "../linux-params.ts";

/** TCP_TIMEOUT_INIT: the RTO before any RTT sample (RFC 1122's 3 s). */
export const TCP_TIMEOUT_INIT = 3 * HZ;
/** TCP_RTO_MIN: 200 ms. */
export const TCP_RTO_MIN = HZ / 5;
/** TCP_RTO_MAX: 120 s. */
export const TCP_RTO_MAX = 120 * HZ;
/** TCP_DELACK_MIN: 40 ms. */
export const TCP_DELACK_MIN = HZ / 25;
/** TCP_DELACK_MAX: 200 ms. */
export const TCP_DELACK_MAX = HZ / 5;
/** TCP_ATO_MIN: the delayed-ACK timeout a connection starts with (40 ms). */
export const TCP_ATO_MIN = HZ / 25;
/** TCP_TIMEWAIT_LEN: 60 s in TIME_WAIT. */
export const TCP_TIMEWAIT_LEN = 60 * HZ;
/** TCP_SYNQ_INTERVAL: a listener looks at its half-open connections every 200 ms. */
export const TCP_SYNQ_INTERVAL = HZ / 5;
/** TCP_MAX_QUICKACKS: at most 16 segments acknowledged at once in quick-ACK mode. */
export const TCP_MAX_QUICKACKS = 16;
/** TCP_RESOURCE_PROBE_INTERVAL: retry after a local send failure (500 ms). */
export const TCP_RESOURCE_PROBE_INTERVAL = HZ / 2;
/** TCP_MSS_DEFAULT: the MSS assumed when the peer's SYN carries none (RFC 1122). */
export const TCP_MSS_DEFAULT = 536;
/** TCP_MIN_RCVMSS: the receive-MSS estimate a connection starts with. */
export const TCP_MIN_RCVMSS = 536;
/** TCP_MIN_MSS. */
export const TCP_MIN_MSS = 88;
/** ip_rt_min_advmss. */
export const MIN_ADVMSS = 256;
/** INITIAL_JIFFIES: the jiffy counter starts 5 minutes before wrapping, so TSvals wrap early. */
export const INITIAL_JIFFIES = 0x1_0000_0000 - 300 * HZ;
/** TCPOLEN_TSTAMP_ALIGNED: NOP, NOP, timestamps. */
export const TS_OPTION_LEN = 12;

/** The /proc/sys/net/ipv4/tcp_* settings (and net.core.rmem_max) the model acts on; times in seconds. */
export interface TcpParams {
  synRetries: number;
  synackRetries: number;
  retries1: number;
  retries2: number;
  keepaliveTime: number;
  keepaliveIntvl: number;
  keepaliveProbes: number;
  finTimeout: number;
  timestamps: boolean;
  sack: boolean;
  windowScaling: boolean;
  /** tcp_rmem: min, default, max (bytes). The max sets the window scale a SYN offers. */
  rmem: readonly [number, number, number];
  /** net.core.rmem_max. */
  rmemMax: number;
  /** tcp_slow_start_after_idle. */
  slowStartAfterIdle: boolean;
  /**
   * Count SYN retries from the 3 s initial RTO (the `syn_set` fix of 2.6.35; RHEL's 2.6.32 has it):
   * connect() then gives up after 189 s. Off by default, as in vanilla 2.6.32 (21 s).
   */
  synTimeoutFromInitialRto: boolean;
}

/**
 * 2.6.32's defaults. tcp_rmem[2] is sized from memory at boot (4 MB on a host with ≥ 2 GB; less on
 * a small guest, which then offers a smaller window scale); 4 MB gives the familiar `wscale 7`.
 */
export const DEFAULT_TCP_PARAMS: Readonly<TcpParams> = {
  synRetries: 5,
  synackRetries: 5,
  retries1: 3,
  retries2: 15,
  keepaliveTime: 7200,
  keepaliveIntvl: 75,
  keepaliveProbes: 9,
  finTimeout: 60,
  timestamps: true,
  sack: true,
  windowScaling: true,
  rmem: [4096, 87380, 4194304],
  rmemMax: 131071,
  slowStartAfterIdle: true,
  synTimeoutFromInitialRto: false,
};

/** The jiffy counter at virtual time `us`, as a machine booted at time 0 sees it (wraps after 5 min). */
export function tcpTimeStamp(us: number): number {
  return (Math.floor(us / JIFFY) + INITIAL_JIFFIES) >>> 0;
}

/** tcp_win_from_space with tcp_adv_win_scale = 2: three quarters of a buffer is window. */
export function winFromSpace(space: number): number {
  return space - (space >> 2);
}

/** The window scale tcp_select_initial_window offers for these buffer settings. */
export function initialWindowScale(params: Readonly<TcpParams>): number {
  if (!params.windowScaling) return 0;
  let space = Math.max(params.rmem[2], params.rmemMax);
  let wscale = 0;
  while (space > 65535 && wscale < 14) {
    space >>>= 1;
    wscale++;
  }
  return wscale;
}

/**
 * retransmits_timed_out: true once `boundary` exponential backoffs from `base` (TCP_RTO_MIN) would
 * have run out — ((2^(b+1) − 1) × base, then linear at RTO_MAX) — counted from `start` (jiffies).
 */
export function retransmitsTimedOut(boundary: number, start: number, now: number, base = TCP_RTO_MIN): boolean {
  const linearThresh = Math.floor(Math.log2(TCP_RTO_MAX / base));
  const timeout =
    boundary <= linearThresh
      ? (2 ** (boundary + 1) - 1) * base
      : (2 ** (linearThresh + 1) - 1) * base + (boundary - linearThresh) * TCP_RTO_MAX;
  return now - start >= timeout;
}
