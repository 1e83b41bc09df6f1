// The iptables rule model of Linux 2.6.32 / iptables 1.4.8: the fixed ipt_ip part matched by
// ip_packet_match (source and destination with masks and `!`, -i/-o with the `+` wildcard,
// protocol, -f), extension matches (xt_tcpudp, ipt_icmp, xt_state, xt_conntrack rev 2, xt_physdev,
// xt_comment) and the target (standard verdicts, jumps and gotos to user chains, REJECT,
// MASQUERADE, SNAT, DNAT, LOG). Rules are plain data; matching reads a packet and its conntrack state.
import type { RejectWith } from "../hooks.ts";
import { Status, type Conn } from "./conn.ts";
import type { Tracking } from "./conntrack-in.ts";
import type { NatRange } from "./nat.ts";
import { icmpTypeCode, l4Ports, tcpFlagsByte, type PacketInfo } from "./packet-info.ts";
import { interfaceMatches, type AddrMask } from "./xt-parse.ts";

/** A built-in verdict (-j ACCEPT etc.). */
export type StandardVerdict = "ACCEPT" | "DROP" | "QUEUE" | "RETURN";

/** A tcp/udp port range; the default 0–65535 matches every port. */
export interface PortRange {
  readonly min: number;
  readonly max: number;
  readonly invert: boolean;
}

/** Every port. */
export const ANY_PORTS: PortRange = { min: 0, max: 0xffff, invert: false };

/** Conntrack states (xt_state/xt_conntrack bits, unified): INVALID, ESTABLISHED, RELATED, NEW, UNTRACKED, SNAT, DNAT. */
export const CtState = { Invalid: 1, Established: 2, Related: 4, New: 8, Untracked: 16, Snat: 32, Dnat: 64 } as const;

/** Which conntrack-match options were given (XT_CONNTRACK_*). */
export const CtOpt = {
  State: 1 << 0, Proto: 1 << 1, OrigSrc: 1 << 2, OrigDst: 1 << 3, ReplSrc: 1 << 4, ReplDst: 1 << 5, Status: 1 << 6, Expires: 1 << 7,
  OrigSrcPort: 1 << 8, OrigDstPort: 1 << 9, ReplSrcPort: 1 << 10, ReplDstPort: 1 << 11, Direction: 1 << 12,
} as const;

/** xt_physdev option bits (XT_PHYSDEV_OP_*). */
export const PhysOpt = { In: 0x01, Out: 0x02, Bridged: 0x04, IsIn: 0x08, IsOut: 0x10 } as const;

/** The conntrack match (revision 2). Unused fields keep their zero values. */
export interface ConntrackMatch {
  readonly kind: "conntrack";
  readonly flags: number;
  readonly invert: number;
  readonly stateMask: number;
  readonly statusMask: number;
  readonly l4proto: number;
  readonly origSrc: AddrMask;
  readonly origDst: AddrMask;
  readonly replSrc: AddrMask;
  readonly replDst: AddrMask;
  readonly origSrcPort: number;
  readonly origDstPort: number;
  readonly replSrcPort: number;
  readonly replDstPort: number;
  readonly expiresMin: number;
  readonly expiresMax: number;
}

/** An extension match. */
export type Match =
  | { readonly kind: "tcp"; readonly sport: PortRange; readonly dport: PortRange; readonly flagMask: number; readonly flagCmp: number; readonly flagsInvert: boolean; readonly option: number; readonly optionInvert: boolean }
  | { readonly kind: "udp"; readonly sport: PortRange; readonly dport: PortRange }
  | { readonly kind: "icmp"; readonly icmpType: number; readonly codeMin: number; readonly codeMax: number; readonly invert: boolean }
  | { readonly kind: "state"; readonly mask: number }
  | ConntrackMatch
  | { readonly kind: "physdev"; readonly bitmask: number; readonly invert: number; readonly physIn: string; readonly physOut: string }
  | { readonly kind: "comment"; readonly comment: string };

/** What a rule does when it matches. */
export type Target =
  | { readonly kind: "standard"; readonly verdict: StandardVerdict }
  | { readonly kind: "jump"; readonly chain: string; readonly goto: boolean }
  | { readonly kind: "none" }
  | { readonly kind: "REJECT"; readonly with: RejectWith }
  | { readonly kind: "MASQUERADE"; readonly range: NatRange }
  | { readonly kind: "SNAT" | "DNAT"; readonly range: NatRange }
  | { readonly kind: "LOG"; readonly level: number; readonly prefix: string; readonly logFlags: number };

/** One rule. */
export interface Rule {
  readonly src: AddrMask;
  readonly srcInvert: boolean;
  readonly dst: AddrMask;
  readonly dstInvert: boolean;
  readonly inIface: string;
  readonly inInvert: boolean;
  readonly outIface: string;
  readonly outInvert: boolean;
  readonly proto: number;
  readonly protoInvert: boolean;
  readonly fragment: boolean;
  readonly fragmentInvert: boolean;
  readonly matches: readonly Match[];
  readonly target: Target;
}

/** What a rule is matched against. */
export interface MatchEnv {
  readonly pkt: PacketInfo;
  readonly inDev?: string | undefined;
  readonly outDev?: string | undefined;
  /** Bridge netfilter: the bridge ports the packet came in on / will leave by, when it is bridged. */
  readonly physIn?: string | undefined;
  readonly physOut?: string | undefined;
  readonly bridged?: boolean | undefined;
  readonly tracking: Tracking;
  /** Seconds left on an entry (conntrack --ctexpire). */
  readonly secondsLeft: (conn: Conn) => number;
}

/** A match outcome; "hotdrop" drops the packet at once (a header too short to examine). */
export type MatchResult = "match" | "nomatch" | "hotdrop";

/** ip_packet_match plus every extension match, in order. */
export function ruleMatches(rule: Rule, env: MatchEnv): MatchResult {
  const p = env.pkt;
  if ((((p.src & rule.src.mask) >>> 0) !== rule.src.addr) !== rule.srcInvert) return "nomatch";
  if ((((p.dst & rule.dst.mask) >>> 0) !== rule.dst.addr) !== rule.dstInvert) return "nomatch";
  if (interfaceMatches(env.inDev, rule.inIface) === rule.inInvert) return "nomatch";
  if (interfaceMatches(env.outDev, rule.outIface) === rule.outInvert) return "nomatch";
  if (rule.proto !== 0 && (p.protocol !== rule.proto) !== rule.protoInvert) return "nomatch";
  if ((rule.fragment && p.fragmentOffset === 0) !== rule.fragmentInvert) return "nomatch";
  for (const m of rule.matches) {
    const r = matchOne(m, env);
    if (r !== "match") return r;
  }
  return "match";
}

function portIn(range: PortRange, port: number): boolean {
  return (port >= range.min && port <= range.max) !== range.invert;
}

function verdict(ok: boolean): MatchResult {
  return ok ? "match" : "nomatch";
}

function matchOne(m: Match, env: MatchEnv): MatchResult {
  const p = env.pkt;
  switch (m.kind) {
    case "tcp": {
      if (p.fragmentOffset !== 0) return p.fragmentOffset === 8 ? "hotdrop" : "nomatch";
      const flags = tcpFlagsByte(p);
      const ports = l4Ports(p);
      if (flags === undefined || ports === undefined) return "hotdrop";
      if (!portIn(m.sport, ports.sport) || !portIn(m.dport, ports.dport)) return "nomatch";
      if (((flags & m.flagMask) === m.flagCmp) === m.flagsInvert) return "nomatch";
      return verdict(m.option === 0 || hasTcpOption(p, m.option) !== m.optionInvert);
    }
    case "udp": {
      if (p.fragmentOffset !== 0) return "nomatch";
      const ports = p.l4.length >= 8 ? l4Ports(p) : undefined;
      if (ports === undefined) return "hotdrop";
      return verdict(portIn(m.sport, ports.sport) && portIn(m.dport, ports.dport));
    }
    case "icmp": {
      if (p.fragmentOffset !== 0) return "nomatch";
      const tc = icmpTypeCode(p);
      if (tc === undefined) return "hotdrop";
      const hit = m.icmpType === 0xff || (tc.type === m.icmpType && tc.code >= m.codeMin && tc.code <= m.codeMax);
      return verdict(hit !== m.invert);
    }
    case "state":
      return verdict((stateBits(env.tracking, false) & m.mask) !== 0);
    case "conntrack":
      return verdict(conntrackMatches(m, env));
    case "physdev":
      return verdict(physdevMatches(m, env));
    case "comment":
      return "match";
  }
}

/** tcp_find_option: whether the TCP header carries option `kind`. */
function hasTcpOption(p: PacketInfo, kind: number): boolean {
  const doff = (p.l4[12]! >>> 4) * 4;
  const opts = p.l4.subarray(20, Math.min(doff, p.l4.length));
  for (let i = 0; i < opts.length; ) {
    if (opts[i] === kind) return true;
    if (opts[i]! < 2) i++;
    else i += Math.max(opts[i + 1] ?? 1, 1);
  }
  return false;
}

/** The state bit of a packet; with `nat`, also SNAT/DNAT of its entry (conntrack match). */
export function stateBits(t: Tracking, nat: boolean): number {
  if (t.kind !== "tracked") return CtState.Invalid;
  let bits = t.info === "new" ? CtState.New : t.info === "related" ? CtState.Related : CtState.Established;
  if (nat && t.conn.has(Status.SrcNat)) bits |= CtState.Snat;
  if (nat && t.conn.has(Status.DstNat)) bits |= CtState.Dnat;
  return bits;
}

/** conntrack_mt (revision 2). */
function conntrackMatches(m: ConntrackMatch, env: MatchEnv): boolean {
  const inv = (bit: number): boolean => (m.invert & bit) !== 0;
  const t = env.tracking;
  if (m.flags & CtOpt.State && ((stateBits(t, true) & m.stateMask) !== 0) === inv(CtOpt.State)) return false;
  if (t.kind !== "tracked") return (m.flags & CtOpt.State) !== 0;
  const c = t.conn;
  // 2.6.32 tests the direction the wrong way round (--ctdir ORIGINAL matches replies); fixed in 2.6.36.
  if (m.flags & CtOpt.Direction && !t.reply !== inv(CtOpt.Direction)) return false;
  const addr = (bit: number, ip: number, spec: AddrMask): boolean => !(m.flags & bit) || (((ip & spec.mask) >>> 0) === spec.addr) !== inv(bit);
  if (!addr(CtOpt.OrigSrc, c.original.src, m.origSrc) || !addr(CtOpt.OrigDst, c.original.dst, m.origDst)) return false;
  if (!addr(CtOpt.ReplSrc, c.reply.src, m.replSrc) || !addr(CtOpt.ReplDst, c.reply.dst, m.replDst)) return false;
  if (m.flags & CtOpt.Proto && (c.original.proto === m.l4proto) === inv(CtOpt.Proto)) return false;
  const port = (bit: number, actual: number, want: number): boolean => !(m.flags & bit) || (actual === want) !== inv(bit);
  if (!port(CtOpt.OrigSrcPort, c.original.sport, m.origSrcPort) || !port(CtOpt.OrigDstPort, c.original.dport, m.origDstPort)) return false;
  if (!port(CtOpt.ReplSrcPort, c.reply.sport, m.replSrcPort) || !port(CtOpt.ReplDstPort, c.reply.dport, m.replDstPort)) return false;
  if (m.flags & CtOpt.Status && ((c.status & m.statusMask) !== 0) === inv(CtOpt.Status)) return false;
  if (m.flags & CtOpt.Expires) {
    const left = c.confirmed ? env.secondsLeft(c) : 0;
    if ((left >= m.expiresMin && left <= m.expiresMax) === inv(CtOpt.Expires)) return false;
  }
  return true;
}

/** physdev_mt: without bridge information only inverted options can hold. */
function physdevMatches(m: Extract<Match, { kind: "physdev" }>, env: MatchEnv): boolean {
  const given = (bit: number): boolean => (m.bitmask & bit) !== 0;
  const inv = (bit: number): boolean => (m.invert & bit) !== 0;
  if (!env.bridged) {
    return [PhysOpt.Bridged, PhysOpt.IsIn, PhysOpt.IsOut, PhysOpt.In, PhysOpt.Out].every((bit) => !given(bit) || inv(bit));
  }
  if (given(PhysOpt.Bridged) && (env.physOut !== undefined) === inv(PhysOpt.Bridged)) return false;
  if (given(PhysOpt.IsIn) && (env.physIn !== undefined) === inv(PhysOpt.IsIn)) return false;
  if (given(PhysOpt.IsOut) && (env.physOut !== undefined) === inv(PhysOpt.IsOut)) return false;
  if (given(PhysOpt.In) && interfaceMatches(env.physIn, m.physIn) === inv(PhysOpt.In)) return false;
  return !given(PhysOpt.Out) || interfaceMatches(env.physOut, m.physOut) !== inv(PhysOpt.Out);
}

/** Structural equality of plain rule data (what `iptables -D chain rule-spec` compares). */
export function sameRule(a: Rule, b: Rule): boolean {
  return deepEqual(a, b);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
