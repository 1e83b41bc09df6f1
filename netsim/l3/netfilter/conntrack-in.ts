// nf_conntrack_in of Linux 2.6.32 (net/netfilter/nf_conntrack_core.c) with the per-protocol error,
// new and packet handlers: udp_error/udp_packet (30 s, 180 s and ASSURED once both directions have
// been seen), icmp_error/icmp_packet (errors quoting a tracked packet are RELATED; echo entries live
// 30 s and die when every request has been answered), tcp_error/tcp_new/tcp_packet (tcp-tracker.ts)
// and the generic tracker (600 s). Checksums are verified at PREROUTING only (nf_conntrack_checksum=1).
import { SECOND } from "../../engine/sim.ts";
import { internetChecksum } from "../../wire/checksum.ts";
import { IpProtocol } from "../../wire/ipv4.ts";
import { TcpSegment } from "../../wire/tcp.ts";
import { UdpDatagram } from "../../wire/udp.ts";
import { Conn, Status } from "./conn.ts";
import type { ConnTrack } from "./conntrack.ts";
import type { PacketInfo } from "./packet-info.ts";
import { tcpError, tcpNew, tcpPacket } from "./tcp-tracker.ts";
import type { Hit } from "./conntrack.ts";
import { icmpMayStart, invertTuple, packetTuple, tupleOf, type Tuple } from "./tuple.ts";

/** The ctinfo of a tracked packet (without the IS_REPLY part, which is `reply`). */
export type CtInfo = "new" | "established" | "related";

/** What connection tracking made of a packet. */
export type Tracking =
  | { readonly kind: "untracked"; readonly why: string }
  | { readonly kind: "tracked"; readonly conn: Conn; readonly info: CtInfo; readonly reply: boolean }
  | { readonly kind: "drop"; readonly why: string };

const UDP_TIMEOUT = 30 * SECOND;
const UDP_STREAM_TIMEOUT = 180 * SECOND;
const ICMP_TIMEOUT = 30 * SECOND;
const GENERIC_TIMEOUT = 600 * SECOND;
/** ICMP types an error tracker follows (icmp_error). */
const ICMP_ERROR_TYPES: ReadonlySet<number> = new Set([3, 4, 5, 11, 12]);

/** Tracks one packet at PREROUTING (`atPrerouting`, checksums verified) or OUTPUT. */
export function conntrackIn(ct: ConnTrack, pkt: PacketInfo, atPrerouting: boolean): Tracking {
  if (pkt.fragmentOffset !== 0) return untracked("fragment (not reassembled)");
  const error = protocolError(pkt, atPrerouting);
  if (error !== undefined) return untracked(error);
  if (pkt.protocol === IpProtocol.Icmp && ICMP_ERROR_TYPES.has(pkt.l4[0]!)) return icmpErrorMessage(ct, pkt);
  // A TCP reopen kills the old entry and looks again (-NF_REPEAT); it cannot loop twice.
  for (let attempt = 0; attempt < 2; attempt++) {
    const result = resolveAndTrack(ct, pkt);
    if (result !== "repeat") return result;
  }
  return untracked("nf_conntrack: repeated reopen");
}

function untracked(why: string): Tracking {
  return { kind: "untracked", why };
}

/** The l4proto->error checks; a message when the packet cannot be tracked. */
function protocolError(pkt: PacketInfo, atPrerouting: boolean): string | undefined {
  switch (pkt.protocol) {
    case IpProtocol.Tcp: {
      const seg = TcpSegment.check(pkt.l4);
      return tcpError(pkt, !atPrerouting || (seg.ok && seg.value.checksumValid(pkt.src, pkt.dst)));
    }
    case IpProtocol.Udp: {
      if (pkt.l4.length < 8) return "nf_ct_udp: short packet";
      const d = UdpDatagram.check(pkt.l4);
      if (!d.ok) return "nf_ct_udp: truncated/malformed packet";
      if (atPrerouting && !d.value.checksumValid(pkt.src, pkt.dst)) return "nf_ct_udp: bad UDP checksum";
      return undefined;
    }
    case IpProtocol.Icmp:
      if (pkt.l4.length < 8) return "nf_ct_icmp: short packet";
      if (atPrerouting && internetChecksum(pkt.l4) !== 0) return "nf_ct_icmp: bad HW ICMP checksum";
      if (pkt.l4[0]! > 18) return "nf_ct_icmp: invalid ICMP type";
      return undefined;
    default:
      return undefined;
  }
}

/** The tuple of the packet an ICMP error quotes, or why there is none. */
function quotedTuple(pkt: PacketInfo): Tuple | string {
  const inner = pkt.l4.subarray(8);
  if (inner.length < 20) return "icmp_error_message: failed to get tuple";
  if (((inner[6]! << 8) | inner[7]!) & 0x1fff) return "icmp_error_message: quoted fragment";
  const ihl = (inner[0]! & 0x0f) * 4;
  const src = ((inner[12]! << 24) | (inner[13]! << 16) | (inner[14]! << 8) | inner[15]!) >>> 0;
  const dst = ((inner[16]! << 24) | (inner[17]! << 16) | (inner[18]! << 8) | inner[19]!) >>> 0;
  return tupleOf(inner[9]!, src, dst, inner.subarray(ihl)) ?? "icmp_error_message: failed to get tuple";
}

/** icmp_error_message: an error quoting a packet of a tracked connection is RELATED to it. */
function icmpErrorMessage(ct: ConnTrack, pkt: PacketInfo): Tracking {
  const quoted = quotedTuple(pkt);
  if (typeof quoted === "string") return untracked(quoted);
  const expected = invertTuple(quoted);
  if (expected === undefined) return untracked("icmp_error_message: no match");
  const hit = ct.find(expected);
  if (hit === undefined) return untracked("icmp_error_message: no match");
  return { kind: "tracked", conn: hit.conn, info: "related", reply: hit.dir === 1 };
}

/** A hash lookup that also accepts a tuple NAT already turned into the inverse of the other direction's. */
function findEitherWay(ct: ConnTrack, t: Tuple): Hit | undefined {
  const direct = ct.find(t);
  if (direct !== undefined) return direct;
  const inverse = invertTuple(t);
  const flipped = inverse === undefined ? undefined : ct.find(inverse);
  return flipped === undefined ? undefined : { conn: flipped.conn, dir: flipped.dir === 1 ? 0 : 1 };
}

/**
 * Finds the tracking of a packet again from its headers alone, without counting it (for a later
 * hook of a packet whose skb->nfct was lost): RELATED for an ICMP error quoting a tracked packet,
 * else the entry of its tuple, confirmed or still unconfirmed, before or after NAT.
 */
export function lookupTracking(ct: ConnTrack, pkt: PacketInfo): Tracking {
  if (pkt.protocol === IpProtocol.Icmp && pkt.l4.length >= 8 && ICMP_ERROR_TYPES.has(pkt.l4[0]!)) {
    const quoted = quotedTuple(pkt);
    const hit = typeof quoted === "string" ? undefined : findEitherWay(ct, quoted);
    // The quote is the inverse of the error's own direction: a quote of an ORIGINAL packet makes a REPLY error.
    return hit === undefined ? untracked("icmp_error_message: no match") : { kind: "tracked", conn: hit.conn, info: "related", reply: hit.dir === 0 };
  }
  const tuple = packetTuple(pkt);
  const hit = tuple === undefined ? undefined : findEitherWay(ct, tuple);
  if (hit !== undefined) {
    const info = hit.dir === 1 || hit.conn.has(Status.SeenReply) ? "established" : "new";
    return { kind: "tracked", conn: hit.conn, info, reply: hit.dir === 1 };
  }
  const fresh = tuple === undefined ? undefined : ct.findUnconfirmed(tuple);
  return fresh !== undefined ? { kind: "tracked", conn: fresh, info: "new", reply: false } : untracked("lost track of packet");
}

/** resolve_normal_ct, then the protocol's packet handler. */
function resolveAndTrack(ct: ConnTrack, pkt: PacketInfo): Tracking | "repeat" {
  const tuple = packetTuple(pkt);
  if (tuple === undefined) return untracked("resolve_normal_ct: can't get tuple");
  const hit = ct.find(tuple);
  let conn: Conn;
  let dir: 0 | 1 = 0;
  if (hit !== undefined) {
    conn = hit.conn;
    dir = hit.dir;
  } else {
    if (tuple.proto === IpProtocol.Icmp && !icmpMayStart(tuple)) return untracked("icmp: can't create new conn");
    const tcp = tuple.proto === IpProtocol.Tcp ? tcpNew(pkt) : undefined;
    if (tuple.proto === IpProtocol.Tcp && tcp === undefined) return untracked("nf_ct_tcp: invalid new");
    const created = ct.create(tuple);
    if (created === "full") return { kind: "drop", why: "nf_conntrack: table full, dropping packet." };
    conn = created;
    conn.tcp = tcp;
  }
  const info = dir === 1 ? "established" : conn.has(Status.SeenReply) ? "established" : conn.has(Status.Expected) ? "related" : "new";
  const verdict = protocolPacket(ct, conn, dir, pkt);
  if (verdict === "repeat") return "repeat";
  if (verdict !== "accept") {
    if (!conn.confirmed) ct.destroy(conn, "unconfirmed");
    return verdict;
  }
  if (dir === 1) conn.status |= Status.SeenReply;
  return { kind: "tracked", conn, info, reply: dir === 1 };
}

/** The l4proto->packet step: refreshes timers and advances protocol state. */
function protocolPacket(ct: ConnTrack, conn: Conn, dir: 0 | 1, pkt: PacketInfo): "accept" | "repeat" | Tracking {
  switch (pkt.protocol) {
    case IpProtocol.Udp:
      if (conn.has(Status.SeenReply)) {
        ct.refresh(conn, UDP_STREAM_TIMEOUT);
        conn.status |= Status.Assured;
      } else ct.refresh(conn, UDP_TIMEOUT);
      return "accept";
    case IpProtocol.Icmp:
      if (dir === 1) {
        conn.icmpOutstanding--;
        if (conn.icmpOutstanding === 0) ct.destroy(conn, "icmp-replied");
      } else {
        conn.icmpOutstanding++;
        ct.refresh(conn, ICMP_TIMEOUT);
      }
      return "accept";
    case IpProtocol.Tcp:
      return tcpStep(ct, conn, dir, pkt);
    default:
      ct.refresh(conn, GENERIC_TIMEOUT);
      return "accept";
  }
}

/** Applies tcp_packet's outcome to the entry. */
function tcpStep(ct: ConnTrack, conn: Conn, dir: 0 | 1, pkt: PacketInfo): "accept" | "repeat" | Tracking {
  if (conn.tcp === undefined) throw new Error("conntrack: TCP entry without TCP state");
  const outcome = tcpPacket(conn.tcp, dir, pkt, { seenReply: conn.has(Status.SeenReply), assured: conn.has(Status.Assured) });
  switch (outcome.kind) {
    case "accept":
      ct.refresh(conn, outcome.timeout);
      if (outcome.assure) conn.status |= Status.Assured;
      if (outcome.kill) ct.destroy(conn, "tcp-reset");
      return "accept";
    case "ignore":
      return "accept";
    case "invalid":
      return untracked(outcome.why);
    case "reopen":
      ct.destroy(conn, "tcp-reopen");
      return "repeat";
    case "out-of-sync":
      ct.destroy(conn, "out-of-sync");
      return { kind: "drop", why: "nf_ct_tcp: killing out of sync session" };
  }
}
