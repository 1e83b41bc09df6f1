// Where a connection's numbers come from, after Linux 2.6.32's drivers/char/random.c:
// secure_tcp_sequence_number (RFC 1948/6528: a keyed hash of the 4-tuple plus a clock that ticks
// every 64 ns, so that successive connections between the same ends get increasing ISNs) and
// secure_ipv4_port_ephemeral (a keyed hash of the addresses and destination port, where the search
// for a free local port starts). The kernel hashes with MD4 keyed by a boot-time secret; any keyed
// hash gives the same behaviour, and the secret comes from the simulation's seeded random stream.
import type { Ipv4 } from "../../wire/address.ts";

/** A keyed 32-bit mix of three words (murmur3's finaliser, round by round). */
function keyedHash(a: number, b: number, c: number, key: number): number {
  let h = key ^ 0x9e3779b9;
  for (const w of [a, b, c]) {
    h = Math.imul(h ^ (w >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** secure_tcp_sequence_number at virtual time `nowUs`. */
export function secureSequenceNumber(secret: number, laddr: Ipv4, lport: number, raddr: Ipv4, rport: number, nowUs: number): number {
  const clock = Math.floor((nowUs * 1000) / 64);
  return (keyedHash(laddr, raddr, ((lport << 16) | rport) >>> 0, secret) + clock) >>> 0;
}

/** secure_ipv4_port_ephemeral: where the search for a local port toward `dst`:`dport` starts. */
export function portOffset(secret: number, src: Ipv4, dst: Ipv4, dport: number): number {
  return keyedHash(src, dst, dport, secret ^ 0x5bd1e995);
}
