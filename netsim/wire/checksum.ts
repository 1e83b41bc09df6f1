// The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of the
// data taken as big-endian 16-bit words, an odd last byte padded with zero. UDP and TCP add the
// IPv4 pseudo-header (RFC 768, RFC 793 §3.1). Sums are kept unfolded in a JS number (exact up to
// 2^53, i.e. far beyond any frame) and folded once at the end.

import type { Ipv4 } from "./address.ts";

/** Adds the 16-bit words of `bytes[start, end)` to `acc` (unfolded). */
export function sumWords(bytes: Uint8Array, start: number, end: number, acc = 0): number {
  let sum = acc;
  let i = start;
  const last = end - 1;
  for (; i < last; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i === last) sum += bytes[i]! << 8;
  return sum;
}

/** Folds the carries of an unfolded sum and complements it: the value to put in a checksum field. */
export function foldChecksum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** The checksum of `bytes[start, end)` plus an optional unfolded `acc` (e.g. a pseudo-header). */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length, acc = 0): number {
  return foldChecksum(sumWords(bytes, start, end, acc));
}

/** Unfolded sum of the IPv4 pseudo-header: source, destination, zero + protocol, upper-layer length. */
export function pseudoHeaderSum(src: Ipv4, dst: Ipv4, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}
