// The configuration of the dnsmasq-like DHCP server and the parts of a reply that follow from it:
// the lease time (calc_time in src/rfc2131.c), T1/T2 with dnsmasq's fuzz, and the options a
// reply carries, in the order dnsmasq 2.90 puts them (53, 54, 51, 58, 59, 1, 28, 3, 6, 15, 12 —
// checked against a capture of dnsmasq 2.90 answering busybox udhcpc). Defaults are dnsmasq's:
// lease 1 h (at least 2 min), router and DNS server = dnsmasq's own address on the interface
// (sent when the client asks for them), netmask and broadcast of the interface's subnet.
import type { RandomStream } from "../engine/random.ts";
import type { Ipv4, Mac } from "../wire/address.ts";
import type { DhcpOptions } from "../wire/dhcp.ts";

/** `dhcp-range=START,END[,NETMASK][,LEASE]`. */
export interface DhcpRangeConfig {
  readonly start: Ipv4;
  readonly end: Ipv4;
  /** Default: the netmask of the server's address on the interface. */
  readonly netmask?: Ipv4;
  /** Seconds (default 3600, at least 120), or "infinite". */
  readonly leaseTime?: number | "infinite";
}

/** `dhcp-host=MAC[,IP][,NAME][,LEASE]`: a static reservation. */
export interface DhcpHostConfig {
  readonly mac: Mac;
  readonly ip?: Ipv4;
  readonly hostname?: string;
  readonly leaseTime?: number | "infinite";
}

/** One `interface=` the server answers on, optionally with ranges of its own. */
export interface DhcpInterfaceConfig {
  readonly dev: string;
  /** The ranges served on it whatever its subnet (default: those of `ranges` its subnet holds). */
  readonly ranges?: readonly DhcpRangeConfig[];
}

/**
 * What a DnsmasqServer is configured with (a dnsmasq.conf reduced to what DHCP needs). Where it
 * answers: `dev` (one device, served from every range), or `interfaces` (several; a name alone
 * takes the ranges its subnet holds), or neither (every interface, ranges by subnet).
 */
export interface DhcpServerOptions {
  /** The one device it serves, with all of `ranges` (the single-interface form). */
  readonly dev?: string;
  /** Several `interface=` lines. */
  readonly interfaces?: readonly (string | DhcpInterfaceConfig)[];
  /** The `dhcp-range=` lines. */
  readonly ranges?: readonly DhcpRangeConfig[];
  readonly hosts?: readonly DhcpHostConfig[];
  /** `dhcp-option=3,…` (default: the server's own address; null: none). */
  readonly router?: Ipv4 | null;
  /** `dhcp-option=6,…` (default: the server itself, when it also serves DNS; null: none). */
  readonly dnsServers?: readonly Ipv4[] | null;
  /** dnsmasq also answers DNS (default true; `--port=0` turns DNS off, and with it option 6). */
  readonly dns?: boolean;
  /** `domain=`. */
  readonly domain?: string;
  /** `dhcp-option=28,…` (default: the subnet's broadcast). */
  readonly broadcast?: Ipv4;
  /** `--no-ping`. */
  readonly noPing?: boolean;
  /** `dhcp-authoritative`. */
  readonly authoritative?: boolean;
  /** `dhcp-lease-max` (default 1000). */
  readonly leaseMax?: number;
  /**
   * Whose T1/T2 fuzz: "2.55" (Squeeze: every ACK gets T1 = lease/2 − fuzz, fuzz ≤ lease/16) or
   * "2.90" (only renewals are fuzzed, fuzz ≤ T1/8). Default "2.55".
   */
  readonly version?: "2.55" | "2.90";
  /** Wall-clock seconds at virtual time 0, for the lease file's expiry column (default 0). */
  readonly epochSeconds?: number;
}

/** A lease length in seconds; 0xffffffff is infinite. */
export const INFINITE = 0xffffffff;
const MIN_LEASE = 120;

/** A configured lease length in seconds (1 h by default, at least 2 min). */
export function configuredLease(value: number | "infinite" | undefined): number {
  if (value === "infinite") return INFINITE;
  return Math.max(MIN_LEASE, Math.floor(value ?? 3600));
}

/** calc_time: the configured time, or what the client asked for (option 51) when shorter, never under 2 min. */
export function calcLeaseTime(configured: number, requested: number | undefined): number {
  if (requested === undefined) return configured;
  const req = Math.max(MIN_LEASE, requested);
  return configured === INFINITE || (req !== INFINITE && req < configured) ? req : configured;
}

/** T1 and T2 for a lease (none for an infinite one); `renewal` marks a RENEWING/REBINDING request. */
export function renewalTimes(time: number, version: "2.55" | "2.90", kind: "offer" | "ack", renewal: boolean, rng: RandomStream): { t1: number; t2: number } | undefined {
  if (time === INFINITE) return undefined;
  if (version === "2.55") {
    if (kind === "offer") return { t1: Math.floor(time / 2), t2: Math.floor((time * 7) / 8) };
    let fuzz = rng.int(0, 0xffff);
    while (fuzz > Math.floor(time / 16)) fuzz = Math.floor(fuzz / 2);
    return { t1: Math.floor(time / 2) - fuzz, t2: Math.floor((time * 7) / 8) - fuzz };
  }
  let t1 = Math.floor(time / 2);
  const t2 = Math.floor((time * 7) / 8);
  if (t2 <= t1) t1 = t2 - 1;
  let fuzz = renewal ? rng.int(0, 0xffff) : 0;
  while (fuzz > Math.floor(t1 / 8)) fuzz = Math.floor(fuzz / 2);
  return { t1: t1 - fuzz, t2: t2 - fuzz };
}

/** What the subnet gives a reply: the server's address, netmask, broadcast. */
export interface ServedNet {
  readonly local: Ipv4;
  readonly netmask: Ipv4;
  readonly broadcast: Ipv4;
}

/** The options of an OFFER or ACK, in dnsmasq's order. */
export function replyOptions(
  o: DhcpServerOptions,
  net: ServedNet,
  type: number,
  time: number | undefined,
  times: { t1: number; t2: number } | undefined,
  requested: readonly number[],
  hostname: string | undefined,
): DhcpOptions {
  const asked = (code: number): boolean => requested.includes(code);
  const router = o.router === undefined ? net.local : o.router;
  const dns = o.dnsServers === undefined ? ((o.dns ?? true) ? [net.local] : null) : o.dnsServers;
  const order: number[] = [53, 54];
  const out: Record<string, unknown> = { messageType: type, serverId: net.local };
  if (time !== undefined) [out.leaseTime, order[order.length]] = [time, 51];
  if (times !== undefined) {
    out.renewalTime = times.t1;
    out.rebindingTime = times.t2;
    order.push(58, 59);
  }
  out.subnetMask = net.netmask;
  out.broadcastAddress = o.broadcast ?? net.broadcast;
  order.push(1, 28);
  if (router !== null && asked(3)) [out.routers, order[order.length]] = [[router], 3];
  if (dns !== null && dns.length > 0 && asked(6)) [out.dnsServers, order[order.length]] = [dns, 6];
  if (o.domain !== undefined && asked(15)) [out.domainName, order[order.length]] = [o.domain, 15];
  if (hostname !== undefined && type === 5 && asked(12)) [out.hostName, order[order.length]] = [hostname, 12];
  return { ...(out as DhcpOptions), optionOrder: order };
}
