// Packet rewriting for NAT as Linux 2.6.32 does it (net/ipv4/netfilter/nf_nat_core.c manip_pkt and
// nf_nat_proto_{tcp,udp,icmp,unknown}.c): the transport part first (port or ICMP echo id), then the
// address, each checksum adjusted incrementally (RFC 1624, csum_replace4/inet_proto_csum_replace4),
// so a packet that arrived with a bad checksum still has one. Works on the outer packet and on the
// IP header quoted inside an ICMP error alike (`iphOff`).
import { readIpv4, writeIpv4 } from "../../wire/address.ts";
import { readU16, writeU16 } from "../../wire/bytes.ts";
import { internetChecksum } from "../../wire/checksum.ts";
import { IpProtocol } from "../../wire/ipv4.ts";
import type { Tuple } from "./tuple.ts";

/** Which end of a tuple a NAT manipulation rewrites. */
export type Manip = "src" | "dst";

/**
 * csum_replace with 16-bit words: HC' = ~(~HC + ~m + m'). The leading 0xffff is the upper half of
 * Linux's 32-bit `~csum_unfold(sum)`; it only matters in the all-zero corner, where it keeps parity.
 */
export function csumReplace(check: number, from: readonly number[], to: readonly number[]): number {
  let sum = 0xffff + (~check & 0xffff);
  for (const f of from) sum += ~f & 0xffff;
  for (const t of to) sum += t & 0xffff;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** The two 16-bit halves of an address. */
function halves(ip: number): number[] {
  return [ip >>> 16, ip & 0xffff];
}

/** Adjusts the 16-bit checksum at `at` for a change of address and of one 16-bit word. */
function adjustChecksum(bytes: Uint8Array, at: number, oldIp: number, newIp: number, oldWord: number, newWord: number): number {
  const next = csumReplace(readU16(bytes, at), [...halves(oldIp), oldWord], [...halves(newIp), newWord]);
  writeU16(bytes, at, next);
  return next;
}

/** tcp_manip_pkt: the port always; the checksum only when the whole 20-byte header is present. */
function manipTcp(bytes: Uint8Array, hdr: number, oldIp: number, newIp: number, port: number, manip: Manip): boolean {
  if (bytes.length < hdr + 8) return false;
  const at = hdr + (manip === "src" ? 0 : 2);
  const oldPort = readU16(bytes, at);
  writeU16(bytes, at, port);
  if (bytes.length >= hdr + 20) adjustChecksum(bytes, hdr + 16, oldIp, newIp, oldPort, port);
  return true;
}

/** udp_manip_pkt: a zero checksum ("none") stays zero; a computed one never becomes zero. */
function manipUdp(bytes: Uint8Array, hdr: number, oldIp: number, newIp: number, port: number, manip: Manip): boolean {
  if (bytes.length < hdr + 8) return false;
  const at = hdr + (manip === "src" ? 0 : 2);
  const oldPort = readU16(bytes, at);
  if (readU16(bytes, hdr + 6) !== 0) {
    if (adjustChecksum(bytes, hdr + 6, oldIp, newIp, oldPort, port) === 0) writeU16(bytes, hdr + 6, 0xffff);
  }
  writeU16(bytes, at, port);
  return true;
}

/** icmp_manip_pkt: the echo id becomes the target's, whichever end is manipulated (no pseudo-header). */
function manipIcmp(bytes: Uint8Array, hdr: number, id: number): boolean {
  if (bytes.length < hdr + 8) return false;
  const oldId = readU16(bytes, hdr + 4);
  writeU16(bytes, hdr + 2, csumReplace(readU16(bytes, hdr + 2), [oldId], [id]));
  writeU16(bytes, hdr + 4, id);
  return true;
}

/**
 * manip_pkt: makes the IP header at `iphOff` (and its transport header, for `proto` TCP, UDP or ICMP;
 * pass 0 to leave the transport alone) look like `target` on the `manip` end. Mutates `bytes`;
 * false when the transport header is too short to rewrite (the kernel then drops the packet).
 */
export function manipPacket(bytes: Uint8Array, iphOff: number, target: Tuple, manip: Manip, proto: number): boolean {
  const hdr = iphOff + (bytes[iphOff]! & 0x0f) * 4;
  const addrAt = iphOff + (manip === "src" ? 12 : 16);
  const oldIp = readIpv4(bytes, addrAt);
  const newIp = manip === "src" ? target.src : target.dst;
  const port = manip === "src" ? target.sport : target.dport;
  let ok = true;
  if (proto === IpProtocol.Tcp) ok = manipTcp(bytes, hdr, oldIp, newIp, port, manip);
  else if (proto === IpProtocol.Udp) ok = manipUdp(bytes, hdr, oldIp, newIp, port, manip);
  else if (proto === IpProtocol.Icmp) ok = manipIcmp(bytes, hdr, target.sport);
  if (!ok) return false;
  writeU16(bytes, iphOff + 10, csumReplace(readU16(bytes, iphOff + 10), halves(oldIp), halves(newIp)));
  writeIpv4(bytes, addrAt, newIp);
  return true;
}

/** Recomputes the ICMP checksum over `bytes[start, end)` (the outer message after an inner rewrite). */
export function recomputeIcmpChecksum(bytes: Uint8Array, start: number, end: number): void {
  writeU16(bytes, start + 2, 0);
  writeU16(bytes, start + 2, internetChecksum(bytes, start, end));
}
