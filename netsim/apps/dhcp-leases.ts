// dnsmasq's lease database and address choice (src/lease.c, src/dhcp.c `address_allocate`,
// `do_icmp_ping`). A lease belongs to a client identity — its client identifier (option 61) when
// it sends one, else its MAC — and is pruned lazily once expired, as lease_prune does. The lease
// file lines are dnsmasq's (`/var/lib/misc/dnsmasq.leases`): `EXPIRY MAC IP HOSTNAME CLIENTID`,
// EXPIRY in seconds since the epoch (0 for an infinite lease), `*` for an unknown name or id.
//
// A new client's address: the SDBM hash of its MAC (h = byte + (h << 6) + (h << 16) − h, 32-bit
// unsigned, 0 replaced by 1), plus the range's epoch, modulo the range size, is the starting point;
// then upward, wrapping, to the first address that is not the server's own, not leased, not
// reserved by a dhcp-host line and not a .0/.255 in class C space (Windows' KB281579). Each
// candidate is ping-checked; an answer bumps the epoch ("perturb address selection") and the
// search moves on.
import { macToString, writeMac, type Ipv4, type Mac } from "../wire/address.ts";

/** One lease, as the lease file holds it. */
export interface DhcpLease {
  readonly mac: Mac;
  readonly ip: Ipv4;
  /** Option 61 as sent (type byte first), if any. */
  readonly clientId?: Uint8Array;
  readonly hostname?: string;
  /** Virtual µs when it expires; null for an infinite lease. */
  readonly expires: number | null;
  /** The interface the server last served it on (dnsmasq's last_interface). */
  readonly dev?: string;
}

/** The key a client's lease is filed under: its client id when it sends one, else its MAC. */
export function clientKey(mac: Mac, clientId: Uint8Array | undefined): string {
  return clientId !== undefined && clientId.length > 0 ? `id:${hex(clientId, ":")}` : `mac:${mac}`;
}

function hex(bytes: Uint8Array, sep: string): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(sep);
}

/** The leases a server holds, in the order they were made. */
export class LeaseTable {
  private readonly byKey = new Map<string, DhcpLease>();
  /** How many leases at most (dnsmasq's dhcp-lease-max, 1000 since 2.52). */
  constructor(readonly max = 1000) {}

  /** Drops every lease that has expired by `now` (lease_prune); returns the pruned ones. */
  prune(now: number): DhcpLease[] {
    const gone: DhcpLease[] = [];
    for (const [key, lease] of this.byKey) {
      if (lease.expires !== null && lease.expires <= now) {
        this.byKey.delete(key);
        gone.push(lease);
      }
    }
    return gone;
  }

  /** The lease of a client. */
  byClient(mac: Mac, clientId: Uint8Array | undefined): DhcpLease | undefined {
    return this.byKey.get(clientKey(mac, clientId));
  }

  /** The lease holding `ip`. */
  byAddress(ip: Ipv4): DhcpLease | undefined {
    for (const lease of this.byKey.values()) if (lease.ip === ip) return lease;
    return undefined;
  }

  /** Records or replaces a client's lease; false when the table is full (dhcp-lease-max). */
  set(lease: DhcpLease): boolean {
    const key = clientKey(lease.mac, lease.clientId);
    if (!this.byKey.has(key) && this.byKey.size >= this.max) return false;
    this.byKey.set(key, lease);
    return true;
  }

  /** Removes a client's lease. */
  remove(mac: Mac, clientId: Uint8Array | undefined): void {
    this.byKey.delete(clientKey(mac, clientId));
  }

  /** Every lease, oldest first. */
  all(): readonly DhcpLease[] {
    return [...this.byKey.values()];
  }

  /**
   * The lease file, one line per lease, newest first as dnsmasq writes it (lease_update_file walks
   * its list, to which new leases are prepended). `epochSeconds` is the wall-clock second of
   * virtual time 0.
   */
  fileLines(epochSeconds = 0): string[] {
    return this.all()
      .map((l) => {
        const expiry = l.expires === null ? 0 : epochSeconds + Math.floor(l.expires / 1_000_000);
        const id = l.clientId !== undefined && l.clientId.length > 0 ? hex(l.clientId, ":") : "*";
        return `${expiry} ${macToString(l.mac)} ${ipText(l.ip)} ${l.hostname ?? "*"} ${id}`;
      })
      .reverse();
  }
}

function ipText(ip: Ipv4): string {
  return `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`;
}

/** dnsmasq's SDBM hash of a hardware address, as address_allocate computes it (0 becomes 1). */
export function sdbmHash(mac: Mac): number {
  const bytes = new Uint8Array(6);
  writeMac(bytes, 0, mac);
  let h = 0;
  for (const b of bytes) h = (b + (h << 6) + (h << 16) - h) >>> 0;
  return h === 0 ? 1 : h;
}

/** The address address_allocate starts from: start + (hash + epoch) mod (range size), in 32-bit arithmetic. */
export function hashStart(start: Ipv4, end: Ipv4, hash: number, epoch: number): Ipv4 {
  const size = end - start + 1;
  return start + (((hash + epoch) >>> 0) % size);
}

/** True for the .0 and .255 of class C space, which dnsmasq never hands out. */
export function isClassCEdge(ip: Ipv4): boolean {
  const classC = ip >>> 29 === 0b110;
  const last = ip & 0xff;
  return classC && (last === 0 || last === 255);
}

/** One ping-check result kept for 30 s (struct ping_result). */
interface PingResult {
  readonly ip: Ipv4;
  readonly time: number;
}

/** PING_WAIT: how long dnsmasq waits for an echo reply (µs). */
export const PING_WAIT = 3_000_000;
/** PING_CACHE_TIME: how long a free address needs no new ping check (µs). */
export const PING_CACHE_TIME = 30_000_000;

/**
 * The ping-result cache: an address found free is not pinged again for 30 s, and once 60% of the
 * checks possible in 30 s (0.6 × 30 / 3 = 6) have been made, dnsmasq is "in high-load mode" and
 * stops checking altogether until the cache ages.
 */
export class PingCache {
  private results: PingResult[] = [];

  /** "cached": known free; "skip": no check (overloaded); "check": ping it. */
  lookup(ip: Ipv4, now: number): "cached" | "skip" | "check" {
    this.results = this.results.filter((r) => now - r.time <= PING_CACHE_TIME);
    if (this.results.some((r) => r.ip === ip)) return "cached";
    const max = Math.floor((0.6 * PING_CACHE_TIME) / PING_WAIT);
    return this.results.length >= max ? "skip" : "check";
  }

  /** Records that `ip` did not answer. */
  recordFree(ip: Ipv4, now: number): void {
    this.results.push({ ip, time: now });
  }
}
