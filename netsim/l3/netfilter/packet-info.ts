// What netfilter reads from an IPv4 packet before matching: the header fields ip_packet_match
// uses (addresses, protocol, fragment offset, total length) and views of the transport header that
// the tcp/udp/icmp matches and connection tracking read with skb_header_pointer. Reads are bounds
// checked; a transport header cut short is reported as absent, never read past the end.
import type { Ipv4 } from "../../wire/address.ts";
import { readU16 } from "../../wire/bytes.ts";
import { Ipv4Packet } from "../../wire/ipv4.ts";

/** The fields of one IPv4 packet that rules and conntrack look at. */
export interface PacketInfo {
  readonly bytes: Uint8Array;
  readonly headerLen: number;
  /** The total length field: what iptables counts as the packet's bytes. */
  readonly totalLength: number;
  readonly src: Ipv4;
  readonly dst: Ipv4;
  readonly protocol: number;
  /** Fragment offset in bytes (0 for unfragmented packets and first fragments). */
  readonly fragmentOffset: number;
  /** The transport bytes present, up to the total length. */
  readonly l4: Uint8Array;
}

/** Reads the header of an IPv4 packet; undefined when it is not a well-formed IPv4 header. */
export function readPacketInfo(bytes: Uint8Array): PacketInfo | undefined {
  const checked = Ipv4Packet.check(bytes);
  if (!checked.ok) return undefined;
  const p = checked.value;
  return {
    bytes,
    headerLen: p.headerLen,
    totalLength: p.totalLength,
    src: p.src,
    dst: p.dst,
    protocol: p.protocol,
    fragmentOffset: p.fragmentOffset,
    l4: bytes.subarray(p.headerLen, p.totalLength),
  };
}

/** Source and destination port of a TCP/UDP packet (first fragment, 4 bytes present), else undefined. */
export function l4Ports(pkt: PacketInfo): { sport: number; dport: number } | undefined {
  if (pkt.fragmentOffset !== 0 || pkt.l4.length < 4) return undefined;
  return { sport: readU16(pkt.l4, 0), dport: readU16(pkt.l4, 2) };
}

/** The TCP flags byte when the whole 20-byte TCP header is present. */
export function tcpFlagsByte(pkt: PacketInfo): number | undefined {
  return pkt.fragmentOffset === 0 && pkt.l4.length >= 20 ? pkt.l4[13] : undefined;
}

/** ICMP type and code when the 8-byte ICMP header is present. */
export function icmpTypeCode(pkt: PacketInfo): { type: number; code: number } | undefined {
  if (pkt.fragmentOffset !== 0 || pkt.l4.length < 8) return undefined;
  return { type: pkt.l4[0]!, code: pkt.l4[1]! };
}
