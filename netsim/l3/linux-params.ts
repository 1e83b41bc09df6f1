// The numbers Linux 2.6.32's IPv4 stack runs on, in one place: the kernel tick (Debian's HZ=250),
// the ARP neighbour table parameters (net/ipv4/arp.c `arp_tbl`), the per-interface `conf/*` sysctls
// with their defaults (include/linux/inetdevice.h, Documentation/networking/ip-sysctl.txt), and the
// rate limits of ICMP errors and redirects (net/ipv4/icmp.c, net/ipv4/route.c).
//
// Neighbour and redirect timers in the kernel are counted in jiffies, so they fire on tick
// boundaries: `atJiffies` turns a jiffy count back into µs of virtual time.
import { SECOND } from "../engine/sim.ts";

/** Debian's 2.6.32 kernels are built with CONFIG_HZ=250. */
export const HZ = 250;
/** One jiffy in µs. */
export const JIFFY = SECOND / HZ;

/** The jiffy counter at virtual time `us` (jiffies start at 0 with the simulation). */
export function jiffiesAt(us: number): number {
  return Math.floor(us / JIFFY);
}

/**
 * When a kernel timer set to expire at jiffy `expires` runs, seen from time `now`: at that tick, but
 * never before the next tick (a timer due now runs in the next timer softirq).
 */
export function timerTime(expires: number, now: number): number {
  const next = jiffiesAt(now) + 1;
  return (expires > next ? expires : next) * JIFFY;
}

/** Per-device ARP parameters (`/proc/sys/net/ipv4/neigh/<dev>/…`), times in jiffies. */
export interface NeighParms {
  baseReachableTime: number;
  /** This device's current reachable time: random in [base/2, 3·base/2), redrawn every 300 s. */
  reachableTime: number;
  retransTime: number;
  gcStaleTime: number;
  delayProbeTime: number;
  /** unres_qlen: packets kept per unresolved neighbour. */
  queueLen: number;
  ucastProbes: number;
  mcastProbes: number;
  appProbes: number;
  /** Upper bound (exclusive) of the random delay before a proxy ARP reply. */
  proxyDelay: number;
  proxyQlen: number;
  locktime: number;
}

/** arp_tbl's defaults (net/ipv4/arp.c). `reachableTime` is drawn per device. */
export const ARP_DEFAULTS: Readonly<NeighParms> = {
  baseReachableTime: 30 * HZ,
  reachableTime: 30 * HZ,
  retransTime: 1 * HZ,
  gcStaleTime: 60 * HZ,
  delayProbeTime: 5 * HZ,
  queueLen: 3,
  ucastProbes: 3,
  mcastProbes: 3,
  appProbes: 0,
  proxyDelay: (8 * HZ) / 10,
  proxyQlen: 64,
  locktime: 1 * HZ,
};

/** neigh_periodic_work runs every base_reachable_time/2 and re-randomises reachable times every 300 s. */
export const NEIGH_GC_INTERVAL = ARP_DEFAULTS.baseReachableTime / 2;
/** How often (jiffies) reachable times are redrawn. */
export const NEIGH_RERANDOMISE = 300 * HZ;

/** One interface's `/proc/sys/net/ipv4/conf/<dev>/` settings that the stack acts on. */
export interface DevConf {
  forwarding: boolean;
  proxyArp: boolean;
  /** 0 off, 1 strict, 2 loose (RFC 3704). */
  rpFilter: number;
  /** 0–8, see ip-sysctl.txt. */
  arpIgnore: number;
  /** 0–2. */
  arpAnnounce: number;
  arpFilter: boolean;
  arpAccept: boolean;
  /** Gratuitous ARP when the device comes up (2.6.32 default off). */
  arpNotify: boolean;
  sendRedirects: boolean;
  acceptRedirects: boolean;
  sharedMedia: boolean;
  acceptLocal: boolean;
  promoteSecondaries: boolean;
  /** medium_id: 0 none, -1 disables proxy ARP on this interface. */
  mediumId: number;
}

/** The kernel's compiled-in defaults (`conf/default` at boot). */
export const DEFAULT_DEV_CONF: Readonly<DevConf> = {
  forwarding: false,
  proxyArp: false,
  rpFilter: 0,
  arpIgnore: 0,
  arpAnnounce: 0,
  arpFilter: false,
  arpAccept: false,
  arpNotify: false,
  sendRedirects: true,
  acceptRedirects: true,
  sharedMedia: true,
  acceptLocal: false,
  promoteSecondaries: false,
  mediumId: 0,
};

/** The `conf/*` keys as they are spelt under /proc/sys, mapped to `DevConf` fields. */
export const DEV_CONF_KEYS: Readonly<Record<string, keyof DevConf>> = {
  forwarding: "forwarding",
  proxy_arp: "proxyArp",
  rp_filter: "rpFilter",
  arp_ignore: "arpIgnore",
  arp_announce: "arpAnnounce",
  arp_filter: "arpFilter",
  arp_accept: "arpAccept",
  arp_notify: "arpNotify",
  send_redirects: "sendRedirects",
  accept_redirects: "acceptRedirects",
  shared_media: "sharedMedia",
  accept_local: "acceptLocal",
  promote_secondaries: "promoteSecondaries",
  medium_id: "mediumId",
};

/** The host-wide ICMP and IP settings (`/proc/sys/net/ipv4/*`). */
export interface NetConf {
  ipDefaultTtl: number;
  /** icmp_ratelimit, in jiffies. */
  icmpRatelimit: number;
  /** Bit n set: ICMP type n is rate limited (default 0x1818: unreachable, quench, time exceeded, parameter problem). */
  icmpRatemask: number;
  icmpEchoIgnoreAll: boolean;
  icmpEchoIgnoreBroadcasts: boolean;
  icmpErrorsUseInboundIfaddr: boolean;
  /** ip_local_port_range. */
  localPortLow: number;
  localPortHigh: number;
}

/** 2.6.32's defaults. */
export const DEFAULT_NET_CONF: Readonly<NetConf> = {
  ipDefaultTtl: 64,
  icmpRatelimit: 1 * HZ,
  icmpRatemask: 0x1818,
  icmpEchoIgnoreAll: false,
  icmpEchoIgnoreBroadcasts: true,
  icmpErrorsUseInboundIfaddr: false,
  localPortLow: 32768,
  localPortHigh: 61000,
};

/** xrlim_allow's burst: six times the rate limit. */
export const XRLIM_BURST_FACTOR = 6;
/** ip_error (no route while forwarding): one error per second per destination (route.c)… */
export const IP_RT_ERROR_COST = 1 * HZ;
/** …with a burst of five. */
export const IP_RT_ERROR_BURST = 5 * HZ;
/** ip_rt_send_redirect: at most 9 redirects per destination… */
export const IP_RT_REDIRECT_NUMBER = 9;
/** …the n-th waiting load << n jiffies (20 ms doubling)… */
export const IP_RT_REDIRECT_LOAD = HZ / 50;
/** …counted again from zero after this much silence (20.48 s). */
export const IP_RT_REDIRECT_SILENCE = (HZ / 50) << (9 + 1);
/** The loopback device's MTU in 2.6.32. */
export const LOOPBACK_MTU = 16436;
