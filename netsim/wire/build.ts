// Builders for whole Ethernet frames, the way a host's stack emits them: one Uint8Array per frame
// (carved from a shared slab, see frame-alloc.ts), every header written in place and every checksum
// computed. They fill in the dull defaults (TTL 64, TOS 0, IP id 0, DF clear, broadcast Ethernet
// destination for ARP requests); policy such as Linux's choice of IP id or DF belongs to the caller
// (netsim/l3).

import { BROADCAST_MAC } from "./address.ts";
import type { Ipv4, Mac } from "./address.ts";
import { ArpOp, ARP_LEN, emitArp } from "./arp.ts";
import type { ArpRepr } from "./arp.ts";
import { BootpOp, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, dhcpBufferLen, emitDhcp, encodeDhcpOptions } from "./dhcp.ts";
import type { DhcpRepr } from "./dhcp.ts";
import { emitEthernet, ETHERNET_HEADER_LEN, EtherType, VLAN_TAG_LEN } from "./ethernet.ts";
import { allocFrame } from "./frame-alloc.ts";
import type { EthernetRepr, VlanTag } from "./ethernet.ts";
import { emitIcmp, icmpBufferLen } from "./icmp.ts";
import type { IcmpRepr } from "./icmp.ts";
import { emitIpv4Header, IPV4_HEADER_LEN, IpProtocol } from "./ipv4.ts";
import type { Ipv4Repr } from "./ipv4.ts";
import { emitTcp, tcpBufferLen } from "./tcp.ts";
import type { TcpRepr } from "./tcp.ts";
import { emitUdp, emitUdpHeader, UDP_HEADER_LEN } from "./udp.ts";
import type { UdpRepr } from "./udp.ts";

/** The Ethernet addressing of a built frame. */
export interface LinkAddrs {
  readonly src: Mac;
  readonly dst: Mac;
  readonly vlan?: VlanTag;
}

/** The IPv4 header fields a builder takes; left out: TTL 64, TOS 0, id 0, DF clear, no options. */
export interface IpFields {
  readonly src: Ipv4;
  readonly dst: Ipv4;
  readonly ttl?: number;
  readonly tos?: number;
  readonly ident?: number;
  readonly dontFragment?: boolean;
  readonly options?: Uint8Array;
}

/** How much of an offending datagram an ICMP error quotes: RFC 792's header + 8 bytes, or Linux's fill-to-576. */
export type QuotePolicy = "rfc792" | "linux";

const NO_DATA = new Uint8Array(0);

/** The largest quote Linux's icmp_send puts in an error: 576 − 20 (IP) − 8 (ICMP). */
export const LINUX_ICMP_QUOTE_MAX = 548;

function linkHeaderLen(link: LinkAddrs): number {
  return link.vlan ? ETHERNET_HEADER_LEN + VLAN_TAG_LEN : ETHERNET_HEADER_LEN;
}

function writeLink(link: LinkAddrs, etherType: number, buf: Uint8Array): number {
  return emitEthernet({ src: link.src, dst: link.dst, etherType, vlan: link.vlan }, buf, 0);
}

/** A frame with the given header and payload (one copy of the payload). */
export function buildEthernet(eth: EthernetRepr, payload: Uint8Array): Uint8Array {
  const headerLen = eth.vlan ? ETHERNET_HEADER_LEN + VLAN_TAG_LEN : ETHERNET_HEADER_LEN;
  const frame = allocFrame(headerLen + payload.length);
  emitEthernet(eth, frame, 0);
  frame.set(payload, headerLen);
  return frame;
}

/**
 * An ARP frame (42 bytes, 46 tagged, unpadded). Ethernet source defaults to the sender MAC and the
 * destination to broadcast for requests, to the target MAC for replies.
 */
export function buildArp(arp: ArpRepr, link: Partial<LinkAddrs> = {}): Uint8Array {
  const isRequest = arp.op === ArpOp.Request || arp.op === ArpOp.ReverseRequest;
  const addrs: LinkAddrs = { src: link.src ?? arp.senderMac, dst: link.dst ?? (isRequest ? BROADCAST_MAC : arp.targetMac), vlan: link.vlan };
  const frame = allocFrame(linkHeaderLen(addrs) + ARP_LEN);
  emitArp(arp, frame, writeLink(addrs, EtherType.Arp, frame));
  return frame;
}

/** Allocates a frame for an IPv4 packet with `payloadLen` payload bytes and writes both headers; returns it and the payload offset. */
function startIpv4(link: LinkAddrs, ip: IpFields, protocol: number, payloadLen: number): { frame: Uint8Array; at: number } {
  const headerLen = IPV4_HEADER_LEN + (ip.options?.length ?? 0);
  const frame = allocFrame(linkHeaderLen(link) + headerLen + payloadLen);
  const ipAt = writeLink(link, EtherType.Ipv4, frame);
  const repr: Ipv4Repr = {
    src: ip.src,
    dst: ip.dst,
    protocol,
    ttl: ip.ttl ?? 64,
    tos: ip.tos ?? 0,
    ident: ip.ident ?? 0,
    dontFragment: ip.dontFragment ?? false,
    moreFragments: false,
    fragmentOffset: 0,
    payloadLen,
    options: ip.options,
  };
  return { frame, at: ipAt + emitIpv4Header(repr, frame, ipAt) };
}

/** An IPv4 frame carrying `payload` as protocol `protocol` (no transport checksum is touched). */
export function buildIpv4(link: LinkAddrs, ip: IpFields, protocol: number, payload: Uint8Array): Uint8Array {
  const { frame, at } = startIpv4(link, ip, protocol, payload.length);
  frame.set(payload, at);
  return frame;
}

/** An IPv4/UDP frame; `computeChecksum` false sends a zero ("not computed") UDP checksum. */
export function buildIpv4Udp(link: LinkAddrs, ip: IpFields, udp: UdpRepr, computeChecksum = true): Uint8Array {
  const { frame, at } = startIpv4(link, ip, IpProtocol.Udp, UDP_HEADER_LEN + udp.payload.length);
  emitUdp(udp, frame, at, ip.src, ip.dst, computeChecksum);
  return frame;
}

/** An IPv4/TCP frame. */
export function buildIpv4Tcp(link: LinkAddrs, ip: IpFields, tcp: TcpRepr): Uint8Array {
  const { frame, at } = startIpv4(link, ip, IpProtocol.Tcp, tcpBufferLen(tcp));
  emitTcp(tcp, frame, at, ip.src, ip.dst);
  return frame;
}

/** An IPv4/ICMP frame with any ICMP message. */
export function buildIpv4Icmp(link: LinkAddrs, ip: IpFields, icmp: IcmpRepr): Uint8Array {
  const { frame, at } = startIpv4(link, ip, IpProtocol.Icmp, icmpBufferLen(icmp));
  emitIcmp(icmp, frame, at);
  return frame;
}

/** What an echo request or reply carries. */
export interface EchoFields {
  readonly reply?: boolean;
  readonly ident: number;
  readonly seq: number;
  readonly data?: Uint8Array;
}

/** An ICMP echo request (or reply) frame. */
export function buildIcmpEcho(link: LinkAddrs, ip: IpFields, echo: EchoFields): Uint8Array {
  const kind = echo.reply ? "echo-reply" : "echo-request";
  return buildIpv4Icmp(link, ip, { kind, ident: echo.ident, seq: echo.seq, data: echo.data ?? NO_DATA });
}

/** What an ICMP error reports: its kind and code, and the offending IP packet (from its IP header on). */
export interface IcmpErrorFields {
  readonly kind: "dst-unreachable" | "time-exceeded";
  readonly code: number;
  readonly original: Uint8Array;
  /** For "fragmentation needed" (code 4). */
  readonly nextHopMtu?: number;
  /** How much to quote (default "rfc792"). */
  readonly quote?: QuotePolicy;
}

/** How many bytes of `original` an error quotes under `policy`. */
export function icmpQuoteLength(original: Uint8Array, policy: QuotePolicy): number {
  if (policy === "linux") return Math.min(original.length, LINUX_ICMP_QUOTE_MAX);
  const headerLen = original.length > 0 ? (original[0]! & 0x0f) * 4 : 0;
  return Math.min(original.length, headerLen + 8);
}

/** An ICMP destination-unreachable or time-exceeded frame quoting `original`. */
export function buildIcmpError(link: LinkAddrs, ip: IpFields, error: IcmpErrorFields): Uint8Array {
  const quoted = error.original.subarray(0, icmpQuoteLength(error.original, error.quote ?? "rfc792"));
  const icmp: IcmpRepr =
    error.kind === "time-exceeded"
      ? { kind: "time-exceeded", code: error.code, quoted }
      : { kind: "dst-unreachable", code: error.code, quoted, nextHopMtu: error.nextHopMtu };
  return buildIpv4Icmp(link, ip, icmp);
}

/**
 * A DHCP frame: UDP 68 → 67 for a BOOTREQUEST, 67 → 68 for a BOOTREPLY unless `ports` says otherwise
 * (a relay), the message padded to 300 bytes, written straight into the frame.
 */
export function buildDhcpFrame(link: LinkAddrs, ip: IpFields, dhcp: DhcpRepr, ports?: { readonly src: number; readonly dst: number }): Uint8Array {
  const options = encodeDhcpOptions(dhcp);
  const length = dhcpBufferLen(dhcp, options);
  const { frame, at } = startIpv4(link, ip, IpProtocol.Udp, UDP_HEADER_LEN + length);
  emitDhcp(dhcp, frame, at + UDP_HEADER_LEN, options);
  const request = dhcp.op === BootpOp.Request;
  const srcPort = ports?.src ?? (request ? DHCP_CLIENT_PORT : DHCP_SERVER_PORT);
  const dstPort = ports?.dst ?? (request ? DHCP_SERVER_PORT : DHCP_CLIENT_PORT);
  emitUdpHeader(srcPort, dstPort, length, frame, at, ip.src, ip.dst);
  return frame;
}
