// The match extensions of iptables 1.4.8 this simulator models, with their options, parsing and
// error messages: libxt_tcp.c, libxt_udp.c, libipt_icmp.c, libxt_state.c, libxt_conntrack.c
// (revision 2), libxt_physdev.c and libxt_comment.c.
import { IpProtocol } from "../../wire/ipv4.ts";
import { checkInverse, prefixOf, type MatchExtension, type ParseContext } from "./extension.ts";
import { ICMP_TYPE_NAMES } from "./names.ts";
import { ANY_PORTS, CtOpt, CtState, PhysOpt, type ConntrackMatch, type Match, type PortRange } from "./rule.ts";
import { ipparseOne, parseInterface, parsePortRange, parseProtocol, strtoul, strtoui, type AddrMask } from "./xt-parse.ts";

const TCP_FLAG_NAMES: readonly (readonly [string, number])[] = [["FIN", 0x01], ["SYN", 0x02], ["RST", 0x04], ["PSH", 0x08], ["ACK", 0x10], ["URG", 0x20], ["ALL", 0x3f], ["NONE", 0]];

/** The `--sport`/`--dport` options shared by tcp and udp. */
function portOption(proto: "tcp" | "udp", arg: string | undefined, ctx: ParseContext): PortRange | string {
  const inv = checkInverse(arg, ctx);
  if (!inv.ok) return inv.error;
  const range = parsePortRange(inv.arg, proto);
  return range.ok ? { ...range.value, invert: inv.invert } : range.error;
}

function parseTcpFlags(list: string): number | string {
  let bits = 0;
  for (const name of list.split(",").filter((s) => s !== "")) {
    const hit = TCP_FLAG_NAMES.find(([n]) => n.toLowerCase() === name.toLowerCase());
    if (hit === undefined) return `Unknown TCP flag \`${name}'`;
    bits |= hit[1];
  }
  return bits;
}

/** libxt_tcp. */
function tcpMatch(): MatchExtension {
  let sport: PortRange | undefined;
  let dport: PortRange | undefined;
  let flags: { mask: number; cmp: number; invert: boolean } | undefined;
  let option: { value: number; invert: boolean } | undefined;
  return {
    name: "tcp",
    options: [{ name: "source-port", hasArg: 1 }, { name: "sport", hasArg: 1 }, { name: "destination-port", hasArg: 1 }, { name: "dport", hasArg: 1 }, { name: "syn", hasArg: 0 }, { name: "tcp-flags", hasArg: 1 }, { name: "tcp-option", hasArg: 1 }],
    parse(opt, arg, ctx) {
      if (opt === "source-port" || opt === "sport") {
        if (sport) return "Only one `--source-port' allowed";
        const r = portOption("tcp", arg, ctx);
        if (typeof r === "string") return r;
        sport = r;
      } else if (opt === "destination-port" || opt === "dport") {
        if (dport) return "Only one `--destination-port' allowed";
        const r = portOption("tcp", arg, ctx);
        if (typeof r === "string") return r;
        dport = r;
      } else if (opt === "syn" || opt === "tcp-flags") {
        if (flags) return "Only one of `--syn' or `--tcp-flags'  allowed";
        if (opt === "syn") {
          flags = { mask: 0x17, cmp: 0x02, invert: ctx.invert };
          return undefined;
        }
        const inv = checkInverse(arg, ctx);
        if (!inv.ok) return inv.error;
        const next = ctx.peekArg();
        if (next === undefined || next.startsWith("-") || next.startsWith("!")) return "--tcp-flags requires two args.";
        ctx.takeArg();
        const mask = parseTcpFlags(inv.arg);
        if (typeof mask === "string") return mask;
        const cmp = parseTcpFlags(next);
        if (typeof cmp === "string") return cmp;
        flags = { mask, cmp, invert: inv.invert };
      } else {
        if (option) return "Only one `--tcp-option' allowed";
        const inv = checkInverse(arg, ctx);
        if (!inv.ok) return inv.error;
        const value = strtoui(inv.arg, 1, 255);
        if (value === undefined) return `Bad TCP option "${inv.arg}"`;
        option = { value, invert: inv.invert };
      }
      return undefined;
    },
    finalCheck: () => undefined,
    build: (): Match => ({
      kind: "tcp",
      sport: sport ?? ANY_PORTS,
      dport: dport ?? ANY_PORTS,
      flagMask: flags?.mask ?? 0,
      flagCmp: flags?.cmp ?? 0,
      flagsInvert: flags?.invert ?? false,
      option: option?.value ?? 0,
      optionInvert: option?.invert ?? false,
    }),
  };
}

/** libxt_udp. */
function udpMatch(): MatchExtension {
  let sport: PortRange | undefined;
  let dport: PortRange | undefined;
  return {
    name: "udp",
    options: [{ name: "source-port", hasArg: 1 }, { name: "sport", hasArg: 1 }, { name: "destination-port", hasArg: 1 }, { name: "dport", hasArg: 1 }],
    parse(opt, arg, ctx) {
      const source = opt === "source-port" || opt === "sport";
      if (source ? sport : dport) return source ? "Only one `--source-port' allowed" : "Only one `--destination-port' allowed";
      const r = portOption("udp", arg, ctx);
      if (typeof r === "string") return r;
      if (source) sport = r;
      else dport = r;
      return undefined;
    },
    finalCheck: () => undefined,
    build: (): Match => ({ kind: "udp", sport: sport ?? ANY_PORTS, dport: dport ?? ANY_PORTS }),
  };
}

/** parse_icmp: a name (unambiguous prefix) or `type[/code]`. */
function parseIcmpType(given: string): { type: number; min: number; max: number } | string {
  const hits = ICMP_TYPE_NAMES.filter((t) => prefixOf(given, t.name));
  if (hits.length > 1) return `Ambiguous ICMP type \`${given}': \`${hits[0]!.name}' or \`${hits[1]!.name}'?`;
  if (hits.length === 1) return { type: hits[0]!.type, min: hits[0]!.codeMin, max: hits[0]!.codeMax };
  const [typeText, codeText] = given.split("/", 2) as [string, string | undefined];
  const type = strtoui(typeText, 0, 255);
  if (type === undefined) return `Invalid ICMP type \`${typeText}'\n`;
  if (codeText === undefined) return { type, min: 0, max: 0xff };
  const code = strtoui(codeText, 0, 255);
  return code === undefined ? `Invalid ICMP code \`${codeText}'\n` : { type, min: code, max: code };
}

/** libipt_icmp (without --icmp-type it matches type 0, codes 0–255, as the real default does). */
function icmpMatch(): MatchExtension {
  let spec: { type: number; min: number; max: number; invert: boolean } | undefined;
  return {
    name: "icmp",
    options: [{ name: "icmp-type", hasArg: 1 }],
    parse(_opt, arg, ctx) {
      if (spec) return "icmp match: only use --icmp-type once!";
      const inv = checkInverse(arg, ctx);
      if (!inv.ok) return inv.error;
      const r = parseIcmpType(inv.arg);
      if (typeof r === "string") return r;
      spec = { ...r, invert: inv.invert };
      return undefined;
    },
    finalCheck: () => undefined,
    build: (): Match => ({ kind: "icmp", icmpType: spec?.type ?? 0, codeMin: spec?.min ?? 0, codeMax: spec?.max ?? 0xff, invert: spec?.invert ?? false }),
  };
}

const STATE_NAMES: readonly (readonly [string, number])[] = [["INVALID", CtState.Invalid], ["NEW", CtState.New], ["ESTABLISHED", CtState.Established], ["RELATED", CtState.Related], ["UNTRACKED", CtState.Untracked]];
const CTSTATE_NAMES = [...STATE_NAMES, ["SNAT", CtState.Snat], ["DNAT", CtState.Dnat]] as const;
const CTSTATUS_NAMES: readonly (readonly [string, number])[] = [["NONE", 0], ["EXPECTED", 1], ["SEEN_REPLY", 2], ["ASSURED", 4], ["CONFIRMED", 8]];

/**
 * state_parse_states / conntrack_ps_states: a comma list of prefixes of `names`. The error quotes the
 * list from the bad item on; `emptyTail` is --state's complaint about a trailing comma.
 */
function parseNameList(text: string, names: readonly (readonly [string, number])[], bad: (rest: string) => string, emptyTail?: string): number | string {
  const lookup = (item: string): number | undefined => (item === "" ? undefined : names.find(([n]) => prefixOf(item, n))?.[1]);
  let bits = 0;
  let rest = text;
  for (let comma = rest.indexOf(","); comma >= 0; comma = rest.indexOf(",")) {
    const bit = lookup(rest.slice(0, comma));
    if (bit === undefined) return bad(rest);
    bits |= bit;
    rest = rest.slice(comma + 1);
  }
  if (rest === "" && emptyTail !== undefined) return emptyTail;
  const last = lookup(rest);
  return last === undefined ? bad(rest) : bits | last;
}

/** libxt_state. */
function stateMatch(): MatchExtension {
  let mask: number | undefined;
  return {
    name: "state",
    options: [{ name: "state", hasArg: 1 }],
    parse(_opt, arg, ctx) {
      const inv = checkInverse(arg, ctx);
      if (!inv.ok) return inv.error;
      const noSpaces = '"--state" requires a list of states with no spaces, e.g. ESTABLISHED,RELATED';
      const bits = parseNameList(inv.arg, STATE_NAMES, (rest) => `Bad state "${rest}"`, noSpaces);
      if (typeof bits === "string") return bits;
      mask = inv.invert ? ~bits & 0x1f : bits;
      return undefined;
    },
    finalCheck: () => (mask === undefined ? 'You must specify "--state"' : undefined),
    build: (): Match => ({ kind: "state", mask: mask ?? 0 }),
  };
}

const ANY_ADDR: AddrMask = { addr: 0, mask: 0 };

/** libxt_conntrack (revision 2). */
function conntrackMatch(): MatchExtension {
  const m: { -readonly [K in keyof ConntrackMatch]: ConntrackMatch[K] } = {
    kind: "conntrack", flags: 0, invert: 0, stateMask: 0, statusMask: 0, l4proto: 0, origSrc: ANY_ADDR, origDst: ANY_ADDR, replSrc: ANY_ADDR, replDst: ANY_ADDR,
    origSrcPort: 0, origDstPort: 0, replSrcPort: 0, replDstPort: 0, expiresMin: 0, expiresMax: 0,
  };
  const addrOpts: Record<string, [number, "origSrc" | "origDst" | "replSrc" | "replDst"]> = { ctorigsrc: [CtOpt.OrigSrc, "origSrc"], ctorigdst: [CtOpt.OrigDst, "origDst"], ctreplsrc: [CtOpt.ReplSrc, "replSrc"], ctrepldst: [CtOpt.ReplDst, "replDst"] };
  const portOpts: Record<string, [number, "origSrcPort" | "origDstPort" | "replSrcPort" | "replDstPort"]> = {
    ctorigsrcport: [CtOpt.OrigSrcPort, "origSrcPort"], ctorigdstport: [CtOpt.OrigDstPort, "origDstPort"], ctreplsrcport: [CtOpt.ReplSrcPort, "replSrcPort"], ctrepldstport: [CtOpt.ReplDstPort, "replDstPort"],
  };
  const set = (bit: number, invert: boolean): void => {
    m.flags |= bit;
    if (invert) m.invert |= bit;
  };
  const names = ["ctstate", "ctproto", "ctorigsrc", "ctorigdst", "ctreplsrc", "ctrepldst", "ctstatus", "ctexpire", "ctorigsrcport", "ctorigdstport", "ctreplsrcport", "ctrepldstport", "ctdir"];
  return {
    name: "conntrack",
    options: names.map((name) => ({ name, hasArg: 1 })),
    parse(opt, given, ctx) {
      const arg = given ?? "";
      if (opt === "ctstate" || opt === "ctstatus") {
        const list = opt === "ctstate" ? CTSTATE_NAMES : CTSTATUS_NAMES;
        const bits = parseNameList(arg, list, (rest) => `Bad ${opt} "${rest}"`);
        if (typeof bits === "string") return bits;
        if (opt === "ctstate") m.stateMask |= bits;
        else m.statusMask |= bits;
        set(opt === "ctstate" ? CtOpt.State : CtOpt.Status, ctx.invert);
      } else if (opt === "ctproto") {
        const p = parseProtocol(arg.toLowerCase());
        if (!p.ok) return p.error;
        m.l4proto = p.value;
        set(CtOpt.Proto, ctx.invert);
      } else if (opt in addrOpts) {
        const [bit, field] = addrOpts[opt]!;
        const a = ipparseOne(arg);
        if (!a.ok) return a.error;
        m[field] = a.value;
        set(bit, ctx.invert);
      } else if (opt in portOpts) {
        const [bit, field] = portOpts[opt]!;
        const port = strtoui(arg, 0, 65535);
        if (port === undefined) return `conntrack: Bad value for "--${opt}" option: "${arg}"`;
        m[field] = port;
        set(bit, ctx.invert);
      } else if (opt === "ctexpire") {
        const r = parseExpires(arg);
        if (typeof r === "string") return r;
        [m.expiresMin, m.expiresMax] = r;
        set(CtOpt.Expires, ctx.invert);
      } else {
        if (ctx.invert) return 'conntrack: "--ctdir" option cannot be inverted.';
        if (!/^(original|reply)$/i.test(arg)) return `conntrack: Bad value for "--ctdir" option: "${arg}"`;
        set(CtOpt.Direction, /^reply$/i.test(arg));
      }
      return undefined;
    },
    finalCheck: () => (m.flags === 0 ? "conntrack: At least one option is required" : undefined),
    build: (): Match => ({ ...m }),
  };
}

/** conntrack_ps_expires: `n` or `min:max` seconds. */
function parseExpires(s: string): [number, number] | string {
  const bad = `conntrack: Bad value for "--expires" option: "${s}"`;
  const first = strtoul(s);
  if (first.end === 0 || first.value > 0xffff_ffff) return bad;
  let max = first.value;
  let rest = s.slice(first.end);
  if (rest.startsWith(":")) {
    const second = strtoul(rest.slice(1));
    if (second.end === 0 || second.value > 0xffff_ffff) return bad;
    max = second.value;
    rest = rest.slice(1 + second.end);
  }
  if (rest !== "") return bad;
  if (first.value > max) return `expire min. range value "${first.value}" greater than max. range value "${max}"`;
  return [first.value, max];
}

/** libxt_physdev. */
function physdevMatch(): MatchExtension {
  let bitmask = 0;
  let invert = 0;
  let physIn = "";
  let physOut = "";
  const bits: Record<string, number> = { "physdev-in": PhysOpt.In, "physdev-out": PhysOpt.Out, "physdev-is-in": PhysOpt.IsIn, "physdev-is-out": PhysOpt.IsOut, "physdev-is-bridged": PhysOpt.Bridged };
  return {
    name: "physdev",
    options: Object.keys(bits).map((name) => ({ name, hasArg: name === "physdev-in" || name === "physdev-out" ? 1 : 0 })),
    parse(opt, arg, ctx) {
      const bit = bits[opt]!;
      if (bitmask & bit) return "multiple use of the same physdev option is not allowed";
      const inv = checkInverse(arg, ctx);
      if (!inv.ok) return inv.error;
      if (bit === PhysOpt.In || bit === PhysOpt.Out) {
        const dev = parseInterface(inv.arg);
        if (!dev.ok) return dev.error;
        if (dev.value.warning !== undefined) ctx.warn(dev.value.warning);
        if (bit === PhysOpt.In) physIn = dev.value.name;
        else physOut = dev.value.name;
      }
      bitmask |= bit;
      if (inv.invert) invert |= bit;
      return undefined;
    },
    finalCheck: () => (bitmask === 0 ? "PHYSDEV: no physdev option specified" : undefined),
    build: (): Match => ({ kind: "physdev", bitmask, invert, physIn, physOut }),
  };
}

/** libxt_comment: a note kept with the rule, matching every packet. */
function commentMatch(): MatchExtension {
  let comment: string | undefined;
  return {
    name: "comment",
    options: [{ name: "comment", hasArg: 1 }],
    parse(_opt, arg, ctx) {
      const inv = checkInverse(arg, ctx);
      if (!inv.ok) return inv.error;
      if (inv.invert) return "Sorry, you can't have an inverted comment";
      if (inv.arg.length >= 256) return "COMMENT must be shorter than 256 characters";
      comment = inv.arg;
      return undefined;
    },
    finalCheck: () => (comment === undefined ? "COMMENT match: You must specify `--comment'" : undefined),
    build: (): Match => ({ kind: "comment", comment: comment ?? "" }),
  };
}

/** A fresh instance of the named match extension, or undefined when it is not modelled. */
export function createMatch(name: string): MatchExtension | undefined {
  switch (name) {
    case "tcp":
      return tcpMatch();
    case "udp":
      return udpMatch();
    case "icmp":
      return icmpMatch();
    case "state":
      return stateMatch();
    case "conntrack":
      return conntrackMatch();
    case "physdev":
      return physdevMatch();
    case "comment":
      return commentMatch();
    default:
      return undefined;
  }
}

/** The implicit match a protocol loads (`-p tcp` then `--dport`), if any. */
export function protocolMatchName(proto: number): string | undefined {
  return proto === IpProtocol.Tcp ? "tcp" : proto === IpProtocol.Udp ? "udp" : proto === IpProtocol.Icmp ? "icmp" : undefined;
}
