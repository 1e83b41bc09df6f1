// Connection-tracking tuples as Linux 2.6.32 defines them (include/net/netfilter/nf_conntrack_tuple.h):
// layer-3 source and destination, the protocol, and a per-protocol part — ports for TCP and UDP
// (nf_conntrack_proto_tcp.c/udp.c), the echo identifier plus type and code for ICMP
// (nf_conntrack_proto_icmp.c), nothing for other protocols (nf_conntrack_proto_generic.c).
import type { Ipv4 } from "../../wire/address.ts";
import { ipv4ToString } from "../../wire/address.ts";
import { readU16 } from "../../wire/bytes.ts";
import { IpProtocol } from "../../wire/ipv4.ts";
import type { PacketInfo } from "./packet-info.ts";

/**
 * One direction of a connection. For TCP and UDP `sport`/`dport` are the ports; for ICMP `sport`
 * is the echo identifier (the part NAT may change) and `dport` is `type << 8 | code`; for other
 * protocols both are 0.
 */
export interface Tuple {
  readonly proto: number;
  readonly src: Ipv4;
  readonly dst: Ipv4;
  readonly sport: number;
  readonly dport: number;
}

/** True for protocols whose tuple carries ports (the ones NAT can remap). */
export function hasPorts(proto: number): boolean {
  return proto === IpProtocol.Tcp || proto === IpProtocol.Udp;
}

/** A string key for hash lookups. */
export function tupleKey(t: Tuple): string {
  return `${t.proto}/${t.src}/${t.dst}/${t.sport}/${t.dport}`;
}

/** Field-by-field equality. */
export function tupleEqual(a: Tuple, b: Tuple): boolean {
  return a.proto === b.proto && a.src === b.src && a.dst === b.dst && a.sport === b.sport && a.dport === b.dport;
}

/** icmp_invert_tuple's invmap: request ↔ reply for echo, timestamp, info and address mask. */
const ICMP_INVERSE: Readonly<Record<number, number>> = { 8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 17: 18, 18: 17 };

/** ICMP types that may start a connection (icmp_new's valid_new). */
const ICMP_VALID_NEW: ReadonlySet<number> = new Set([8, 13, 15, 17]);

/** The ICMP type of an ICMP tuple. */
export function icmpTupleType(t: Tuple): number {
  return t.dport >>> 8;
}

/** True when an ICMP tuple's type may open a new conntrack entry. */
export function icmpMayStart(t: Tuple): boolean {
  return ICMP_VALID_NEW.has(icmpTupleType(t));
}

/** nf_ct_invert_tuple: the tuple replies carry; undefined for ICMP types with no reply type. */
export function invertTuple(t: Tuple): Tuple | undefined {
  if (t.proto === IpProtocol.Icmp) {
    const inverse = ICMP_INVERSE[icmpTupleType(t)];
    if (inverse === undefined) return undefined;
    return { proto: t.proto, src: t.dst, dst: t.src, sport: t.sport, dport: (inverse << 8) | (t.dport & 0xff) };
  }
  if (hasPorts(t.proto)) return { proto: t.proto, src: t.dst, dst: t.src, sport: t.dport, dport: t.sport };
  return { proto: t.proto, src: t.dst, dst: t.src, sport: 0, dport: 0 };
}

/**
 * nf_ct_invert_tuplepr for a tuple NAT made itself: like invertTuple but never refusing (NAT only
 * inverts tuples of tracked connections, whose ICMP types are invertible by construction).
 */
export function invertKnown(t: Tuple): Tuple {
  const inverted = invertTuple(t);
  if (inverted === undefined) throw new Error(`conntrack: tuple of ICMP type ${icmpTupleType(t)} has no inverse`);
  return inverted;
}

/**
 * nf_ct_get_tuple on the transport bytes `l4` of a packet from `src` to `dst`: undefined when the
 * header the protocol needs (8 bytes for TCP, UDP and ICMP) is not all there.
 */
export function tupleOf(proto: number, src: Ipv4, dst: Ipv4, l4: Uint8Array): Tuple | undefined {
  if (hasPorts(proto)) {
    if (l4.length < 8) return undefined;
    return { proto, src, dst, sport: readU16(l4, 0), dport: readU16(l4, 2) };
  }
  if (proto === IpProtocol.Icmp) {
    if (l4.length < 8) return undefined;
    return { proto, src, dst, sport: readU16(l4, 4), dport: (l4[0]! << 8) | l4[1]! };
  }
  return { proto, src, dst, sport: 0, dport: 0 };
}

/** The tuple of a packet as conntrack sees it (non-first fragments have none: they are not reassembled here). */
export function packetTuple(pkt: PacketInfo): Tuple | undefined {
  if (pkt.fragmentOffset !== 0) return undefined;
  return tupleOf(pkt.protocol, pkt.src, pkt.dst, pkt.l4);
}

/** tcpdump-like text for traces: `udp 10.0.0.2:5000 > 192.0.2.1:53`, `icmp 10.0.0.2 > 192.0.2.1 id 7`. */
export function formatTuple(t: Tuple): string {
  const name = t.proto === IpProtocol.Tcp ? "tcp" : t.proto === IpProtocol.Udp ? "udp" : t.proto === IpProtocol.Icmp ? "icmp" : `proto ${t.proto}`;
  if (hasPorts(t.proto)) return `${name} ${ipv4ToString(t.src)}:${t.sport} > ${ipv4ToString(t.dst)}:${t.dport}`;
  if (t.proto === IpProtocol.Icmp) {
    return `icmp ${ipv4ToString(t.src)} > ${ipv4ToString(t.dst)} type ${icmpTupleType(t)} code ${t.dport & 0xff} id ${t.sport}`;
  }
  return `${name} ${ipv4ToString(t.src)} > ${ipv4ToString(t.dst)}`;
}
