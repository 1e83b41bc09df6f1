// NAT bindings of Linux 2.6.32 (net/ipv4/netfilter/nf_nat_core.c, nf_nat_proto_common.c,
// nf_nat_proto_icmp.c, ipt_MASQUERADE.c): nf_nat_setup_info picks a unique tuple — first the mapping
// the same inside source already has (find_appropriate_src), else the original source port if the
// resulting tuple is unused, else the first free port of the same class (1–511, 600–1023,
// 1024–65535) from a per-protocol rover; the ICMP echo id plays the port. nf_nat_packet rewrites
// later packets from the entry, and ICMP errors RELATED to a NATed connection are translated back
// together with the packet they quote (nf_nat_icmp_reply_translation).
import type { Sim } from "../../engine/sim.ts";
import type { RandomStream } from "../../engine/random.ts";
import type { Ipv4 } from "../../wire/address.ts";
import { internetChecksum } from "../../wire/checksum.ts";
import { IpProtocol } from "../../wire/ipv4.ts";
import { NAT_DONE_MASK, NAT_MASK, Status, type Conn } from "./conn.ts";
import type { ConnTrack } from "./conntrack.ts";
import { manipPacket, recomputeIcmpChecksum, type Manip } from "./mangle.ts";
import { formatTuple, hasPorts, invertKnown, tupleEqual, type Tuple } from "./tuple.ts";

/** struct nf_nat_range: addresses to map to (if `mapIps`) and ports (if `protoSpecified`). */
export interface NatRange {
  readonly mapIps: boolean;
  readonly minIp: Ipv4;
  readonly maxIp: Ipv4;
  readonly protoSpecified: boolean;
  readonly minPort: number;
  readonly maxPort: number;
  readonly random: boolean;
  readonly persistent: boolean;
}

/** A range mapping to exactly one address, ports untouched unless they clash. */
export function addressRange(ip: Ipv4): NatRange {
  return { mapIps: true, minIp: ip, maxIp: ip, protoSpecified: false, minPort: 0, maxPort: 0, random: false, persistent: false };
}

/** The status bit a manip sets (IPS_SRC_NAT / IPS_DST_NAT). */
function natBit(manip: Manip): number {
  return manip === "src" ? Status.SrcNat : Status.DstNat;
}

/** The bit that says packets of direction `reply` need `manip` (nf_nat_packet's statusbit). */
function neededBit(manip: Manip, reply: boolean): number {
  return reply ? natBit(manip) ^ NAT_MASK : natBit(manip);
}

/** Bob Jenkins' lookup2 mix as Linux 2.6.32's jhash_3words does it. */
function jhash3(a0: number, b0: number, c0: number): number {
  let a = (a0 + 0x9e3779b9) | 0;
  let b = (b0 + 0x9e3779b9) | 0;
  let c = c0 | 0;
  a = (a - b - c) ^ (c >>> 13); b = (b - c - a) ^ (a << 8); c = (c - a - b) ^ (b >>> 13);
  a = (a - b - c) ^ (c >>> 12); b = (b - c - a) ^ (a << 16); c = (c - a - b) ^ (b >>> 5);
  a = (a - b - c) ^ (c >>> 3); b = (b - c - a) ^ (a << 10); c = (c - a - b) ^ (b >>> 15);
  return c >>> 0;
}

/** An address as an x86 kernel reads a __be32 into a u32: byte-swapped. */
function asLittleEndian(ip: Ipv4): number {
  return (((ip & 0xff) << 24) | ((ip & 0xff00) << 8) | ((ip >>> 8) & 0xff00) | (ip >>> 24)) >>> 0;
}

/** The NAT engine of one node. */
export class Nat {
  /** nat_bysource: entries by original (proto, source, source port), newest last. */
  private readonly bySource = new Map<string, Conn[]>();
  private readonly rovers = { tcp: 0, udp: 0, icmp: 0 };

  constructor(
    private readonly ct: ConnTrack,
    private readonly sim: Sim,
    private readonly node: string,
    private readonly rng: RandomStream,
  ) {
    ct.onDestroy((conn) => this.unhash(conn));
  }

  private static sourceKey(t: Tuple): string {
    return `${t.proto}/${t.src}/${t.sport}`;
  }

  private unhash(conn: Conn): void {
    const key = Nat.sourceKey(conn.original);
    const list = this.bySource.get(key);
    if (list === undefined) return;
    const rest = list.filter((c) => c !== conn);
    if (rest.length === 0) this.bySource.delete(key);
    else this.bySource.set(key, rest);
  }

  /** nf_nat_initialized: the manip of this kind has been set up. */
  initialized(conn: Conn, manip: Manip): boolean {
    return conn.has(manip === "src" ? Status.SrcNatDone : Status.DstNatDone);
  }

  /** nf_nat_setup_info: binds the entry's `manip` end into `range` and alters its reply tuple. */
  setup(conn: Conn, range: NatRange, manip: Manip): void {
    if (this.initialized(conn, manip)) throw new Error("nat: manip already set up");
    const hashIt = (conn.status & NAT_DONE_MASK) === 0;
    const current = invertKnown(conn.reply);
    const chosen = this.uniqueTuple(current, range, conn, manip);
    if (!tupleEqual(chosen, current)) {
      conn.reply = invertKnown(chosen);
      conn.status |= natBit(manip);
      if (this.sim.trace.on) this.sim.trace.emit({ kind: "nat", time: this.sim.now, node: this.node, manip, before: formatTuple(current), after: formatTuple(chosen) });
    }
    if (hashIt) {
      const key = Nat.sourceKey(conn.original);
      this.bySource.set(key, [...(this.bySource.get(key) ?? []), conn]);
    }
    conn.status |= manip === "src" ? Status.SrcNatDone : Status.DstNatDone;
  }

  /** alloc_null_binding: an identity binding (which still moves a clashing source port). */
  nullBinding(conn: Conn, manip: Manip): void {
    this.setup(conn, addressRange(manip === "src" ? conn.reply.dst : conn.reply.src), manip);
  }

  /** nf_nat_used_tuple: some other entry would receive replies addressed to `t`. */
  private used(t: Tuple, conn: Conn): boolean {
    return this.ct.taken(invertKnown(t), conn);
  }

  /** get_unique_tuple. */
  private uniqueTuple(current: Tuple, range: NatRange, conn: Conn, manip: Manip): Tuple {
    if (manip === "src" && !range.random) {
      const existing = this.appropriateSource(current, range);
      if (existing !== undefined && !this.used(existing, conn)) return existing;
    }
    const tuple = this.bestIp(current, range, manip);
    if (range.random) return this.portSearch(tuple, range, conn, manip);
    if ((!range.protoSpecified || this.protoInRange(tuple, manip, range)) && !this.used(tuple, conn)) return tuple;
    return this.portSearch(tuple, range, conn, manip);
  }

  /** find_appropriate_src: the source mapping another entry from the same inside source already has. */
  private appropriateSource(t: Tuple, range: NatRange): Tuple | undefined {
    const list = this.bySource.get(Nat.sourceKey(t)) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const mapped = invertKnown(list[i]!.reply);
      const result: Tuple = { ...t, src: mapped.src, sport: mapped.sport };
      if (this.inRange(result, range)) return result;
    }
    return undefined;
  }

  /** in_range (for a source manip): the address and, when specified, the port are inside the range. */
  private inRange(t: Tuple, range: NatRange): boolean {
    if (range.mapIps && (t.src < range.minIp || t.src > range.maxIp)) return false;
    return !range.protoSpecified || this.protoInRange(t, "src", range);
  }

  private protoInRange(t: Tuple, manip: Manip, range: NatRange): boolean {
    if (!hasPorts(t.proto) && t.proto !== IpProtocol.Icmp) return true;
    const port = t.proto === IpProtocol.Icmp || manip === "src" ? t.sport : t.dport;
    return port >= range.minPort && port <= range.maxPort;
  }

  /** find_best_ips_proto: the one address, or a hash of source (and destination) into the range. */
  private bestIp(t: Tuple, range: NatRange, manip: Manip): Tuple {
    if (!range.mapIps) return t;
    let ip = range.minIp;
    if (range.minIp !== range.maxIp) {
      const j = jhash3(asLittleEndian(t.src), range.persistent ? 0 : asLittleEndian(t.dst), 0);
      ip = (range.minIp + Math.floor((j * (range.maxIp - range.minIp + 1)) / 2 ** 32)) >>> 0;
    }
    return manip === "src" ? { ...t, src: ip } : { ...t, dst: ip };
  }

  /** The protocol's unique_tuple: search the port (or echo id) space for a free tuple. */
  private portSearch(t: Tuple, range: NatRange, conn: Conn, manip: Manip): Tuple {
    if (t.proto === IpProtocol.Icmp) return this.icmpSearch(t, range, conn);
    if (!hasPorts(t.proto)) return t;
    const key = t.proto === IpProtocol.Tcp ? "tcp" : "udp";
    const current = manip === "src" ? t.sport : t.dport;
    if (!range.protoSpecified && manip === "dst") return t;
    const [min, size] = range.protoSpecified ? [range.minPort, range.maxPort - range.minPort + 1] : portClass(current);
    let off = range.random ? this.rng.int(0, 0xffff) : this.rovers[key];
    for (let i = 1; ; off = (off + 1) & 0xffff, i++) {
      const port = min + (off % size);
      const candidate = manip === "src" ? { ...t, sport: port } : { ...t, dport: port };
      if (i !== size && this.used(candidate, conn)) continue;
      if (!range.random) this.rovers[key] = off;
      return candidate;
    }
  }

  /** icmp_unique_tuple: the echo id from a static counter over the range (default 0–65534). */
  private icmpSearch(t: Tuple, range: NatRange, conn: Conn): Tuple {
    const size = range.protoSpecified ? range.maxPort - range.minPort + 1 : 0xffff;
    const min = range.protoSpecified ? range.minPort : 0;
    for (let i = 1; ; this.rovers.icmp = (this.rovers.icmp + 1) & 0xffff, i++) {
      const candidate = { ...t, sport: (min + (this.rovers.icmp % size)) & 0xffff };
      if (i === size || !this.used(candidate, conn)) return candidate;
    }
  }

  /** nf_nat_packet: rewrites `bytes` (a private copy) if this direction needs `manip`; false = drop. */
  packet(conn: Conn, reply: boolean, manip: Manip, bytes: Uint8Array): boolean {
    if (!(conn.status & neededBit(manip, reply))) return true;
    const target = invertKnown(reply ? conn.original : conn.reply);
    return manipPacket(bytes, 0, target, manip, target.proto);
  }

  /** True when nf_nat_packet / the ICMP translation would change a packet of this direction. */
  needsRewrite(conn: Conn, reply: boolean, manip: Manip): boolean {
    return (conn.status & neededBit(manip, reply)) !== 0;
  }

  /**
   * nf_nat_icmp_reply_translation: an ICMP error RELATED to `conn` gets its quoted packet put back
   * the way the other side sent it (the opposite manip), its ICMP checksum recomputed, and its outer
   * header rewritten like a reply. Mutates `bytes`; false = drop.
   */
  icmpReply(conn: Conn, reply: boolean, manip: Manip, bytes: Uint8Array): boolean {
    const hl = (bytes[0]! & 0x0f) * 4;
    const end = Math.min(bytes.length, (bytes[2]! << 8) | bytes[3]!);
    if (end < hl + 8 + 20) return false;
    if (internetChecksum(bytes, hl, end) !== 0) return false;
    if (bytes[hl] === 5 && ((conn.status & NAT_DONE_MASK) !== NAT_DONE_MASK || (conn.status & NAT_MASK) !== 0)) return false;
    if (!(conn.status & neededBit(manip, reply))) return true;
    const other = reply ? conn.original : conn.reply;
    const quoted = bytes.subarray(0, end);
    if (!manipPacket(quoted, hl + 8, other, manip === "src" ? "dst" : "src", bytes[hl + 8 + 9]!)) return false;
    recomputeIcmpChecksum(quoted, hl, end);
    return manipPacket(quoted, 0, invertKnown(other), manip, 0);
  }

  /** masq_device_event: forgets every entry masqueraded through `dev`. */
  flushMasqueraded(dev: string): number {
    return this.ct.destroyWhere((conn) => conn.masqDev === dev, "masquerade-down");
  }
}

/** The port class a source port is remapped within: 1–511, 600–1023 or 1024–65535. */
function portClass(port: number): [number, number] {
  if (port < 512) return [1, 511];
  if (port < 1024) return [600, 424];
  return [1024, 64512];
}
