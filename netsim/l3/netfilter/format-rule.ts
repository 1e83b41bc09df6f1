// How iptables 1.4.8's extensions print themselves: the `print` functions used by `iptables -L`
// (libxt_tcp tcp_print, libxt_udp, libipt_icmp, libxt_state, libxt_conntrack conntrack_dump,
// libxt_physdev, libipt_REJECT, libipt_MASQUERADE, libipt_SNAT/DNAT, libipt_LOG) and the `save`
// functions used by `iptables -S` and iptables-save. Every piece ends with a space, as in C.
import { ipv4ToString, prefixToMask } from "../../wire/address.ts";
import type { NatRange } from "./nat.ts";
import { ICMP_TYPE_NAMES, LOG_LEVEL_NAMES, serviceName } from "./names.ts";
import { CtOpt, CtState, PhysOpt, type ConntrackMatch, type Match, type PortRange, type Target } from "./rule.ts";
import type { AddrMask } from "./xt-parse.ts";

const TCP_FLAGS: readonly (readonly [string, number])[] = [["FIN", 0x01], ["SYN", 0x02], ["RST", 0x04], ["PSH", 0x08], ["ACK", 0x10], ["URG", 0x20]];

/** print_tcpf: flag names joined by commas, NONE for none. */
function tcpFlagNames(flags: number): string {
  const names = TCP_FLAGS.filter(([, bit]) => flags & bit).map(([n]) => n);
  return names.length > 0 ? names.join(",") : "NONE";
}

/** xtables_ipmask_to_numeric: "" for /32, "/n" for a prefix, "/a.b.c.d" for a mask with holes. */
export function maskSuffix(mask: number): string {
  if (mask === 0xffff_ffff) return "";
  for (let bits = 0; bits <= 32; bits++) if (prefixToMask(bits) === mask) return `/${bits}`;
  return `/${ipv4ToString(mask)}`;
}

function printPorts(name: string, r: PortRange, numeric: boolean, proto: "tcp" | "udp"): string {
  if (r.min === 0 && r.max === 0xffff && !r.invert) return "";
  const show = (p: number): string => (numeric ? `${p}` : (serviceName(p, proto) ?? `${p}`));
  const inv = r.invert ? "!" : "";
  return r.min === r.max ? `${name}:${inv}${show(r.min)} ` : `${name}s:${inv}${show(r.min)}:${show(r.max)} `;
}

function savePorts(option: string, r: PortRange): string {
  if (r.min === 0 && r.max === 0xffff) return "";
  return `${r.invert ? "! " : ""}--${option} ${r.min === r.max ? r.min : `${r.min}:${r.max}`} `;
}

const STATE_ORDER: readonly (readonly [string, number])[] = [["INVALID", CtState.Invalid], ["NEW", CtState.New], ["RELATED", CtState.Related], ["ESTABLISHED", CtState.Established], ["UNTRACKED", CtState.Untracked], ["SNAT", CtState.Snat], ["DNAT", CtState.Dnat]];

function stateNames(mask: number): string {
  return `${STATE_ORDER.filter(([, b]) => mask & b).map(([n]) => n).join(",")} `;
}

function statusNames(mask: number): string {
  const names = (["EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED"] as const).filter((_, i) => mask & (1 << i));
  return `${names.length > 0 ? names.join(",") : "NONE"} `;
}

function icmpText(m: Extract<Match, { kind: "icmp" }>, numeric: boolean): string {
  if (!numeric) {
    const named = ICMP_TYPE_NAMES.find((t) => t.type === m.icmpType && t.codeMin === m.codeMin && t.codeMax === m.codeMax);
    if (named !== undefined) return `${m.invert ? "!" : ""}${named.name} `;
  }
  const codes = m.codeMin === 0 && m.codeMax === 0xff ? " " : m.codeMin === m.codeMax ? ` code ${m.codeMin} ` : ` codes ${m.codeMin}-${m.codeMax} `;
  return `${m.invert ? "!" : ""}type ${m.icmpType}${codes}`;
}

/** conntrack_dump with `prefix` "" (print) or "--" (save). */
function conntrackText(m: ConntrackMatch, prefix: string, numeric: boolean): string {
  const inv = (bit: number): string => (m.invert & bit ? "! " : "");
  const addr = (a: AddrMask): string => (!numeric && a.addr === 0 ? "anywhere " : `${ipv4ToString(a.addr)}${maskSuffix(a.mask)} `);
  let out = "";
  if (m.flags & CtOpt.State) out += `${inv(CtOpt.State)}${prefix}ctstate ${stateNames(m.stateMask)}`;
  if (m.flags & CtOpt.Proto) out += `${inv(CtOpt.Proto)}${prefix}ctproto ${m.l4proto} `;
  const addrs: readonly [number, string, AddrMask][] = [[CtOpt.OrigSrc, "ctorigsrc", m.origSrc], [CtOpt.OrigDst, "ctorigdst", m.origDst], [CtOpt.ReplSrc, "ctreplsrc", m.replSrc], [CtOpt.ReplDst, "ctrepldst", m.replDst]];
  for (const [bit, name, a] of addrs) if (m.flags & bit) out += `${inv(bit)}${prefix}${name} ${addr(a)}`;
  const ports: readonly [number, string, number][] = [[CtOpt.OrigSrcPort, "ctorigsrcport", m.origSrcPort], [CtOpt.OrigDstPort, "ctorigdstport", m.origDstPort], [CtOpt.ReplSrcPort, "ctreplsrcport", m.replSrcPort], [CtOpt.ReplDstPort, "ctrepldstport", m.replDstPort]];
  for (const [bit, name, p] of ports) if (m.flags & bit) out += `${inv(bit)}${prefix}${name} ${p} `;
  if (m.flags & CtOpt.Status) out += `${inv(CtOpt.Status)}${prefix}ctstatus ${statusNames(m.statusMask)}`;
  if (m.flags & CtOpt.Expires) out += `${inv(CtOpt.Expires)}${prefix}ctexpire ${m.expiresMin === m.expiresMax ? m.expiresMin : `${m.expiresMin}:${m.expiresMax}`} `;
  if (m.flags & CtOpt.Direction) out += `${prefix}ctdir ${m.invert & CtOpt.Direction ? "REPLY" : "ORIGINAL"}`;
  return out;
}

function physdevText(m: Extract<Match, { kind: "physdev" }>, save: boolean): string {
  const parts: [number, string, string | undefined][] = [[PhysOpt.IsIn, "physdev-is-in", undefined], [PhysOpt.In, "physdev-in", m.physIn], [PhysOpt.IsOut, "physdev-is-out", undefined], [PhysOpt.Out, "physdev-out", m.physOut], [PhysOpt.Bridged, "physdev-is-bridged", undefined]];
  let out = save ? "" : "PHYSDEV match";
  for (const [bit, name, value] of parts) {
    if (!(m.bitmask & bit)) continue;
    const inv = m.invert & bit;
    const arg = value === undefined ? "" : ` ${value}`;
    out += save ? `${inv ? "! " : ""}--${name}${arg} ` : `${inv ? " !" : ""} --${name}${arg}`;
  }
  return save ? out : `${out} `;
}

/** A match as `iptables -L` prints it. */
export function printMatch(m: Match, numeric: boolean): string {
  switch (m.kind) {
    case "tcp": {
      let out = `tcp ${printPorts("spt", m.sport, numeric, "tcp")}${printPorts("dpt", m.dport, numeric, "tcp")}`;
      if (m.option !== 0 || m.optionInvert) out += `option=${m.optionInvert ? "!" : ""}${m.option} `;
      if (m.flagMask !== 0 || m.flagsInvert) {
        const flags = numeric ? `0x${hex2(m.flagMask)}/0x${hex2(m.flagCmp)}` : `${tcpFlagNames(m.flagMask)}/${tcpFlagNames(m.flagCmp)}`;
        out += `flags:${m.flagsInvert ? "!" : ""}${flags} `;
      }
      return out;
    }
    case "udp":
      return `udp ${printPorts("spt", m.sport, numeric, "udp")}${printPorts("dpt", m.dport, numeric, "udp")}`;
    case "icmp":
      return `icmp ${icmpText(m, numeric)}`;
    case "state":
      return `state ${stateNames(m.mask)}`;
    case "conntrack":
      return conntrackText(m, "", numeric);
    case "physdev":
      return physdevText(m, false);
    case "comment":
      return `/* ${m.comment} */ `;
  }
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, "0");
}

/** A match as `iptables -S` / iptables-save print it (`-m name` and its options). */
export function saveMatch(m: Match): string {
  const head = `-m ${m.kind} `;
  switch (m.kind) {
    case "tcp": {
      let out = savePorts("sport", m.sport) + savePorts("dport", m.dport);
      if (m.option !== 0 || m.optionInvert) out += `${m.optionInvert ? "! " : ""}--tcp-option ${m.option} `;
      if (m.flagMask !== 0 || m.flagsInvert) out += `${m.flagsInvert ? "! " : ""}--tcp-flags ${m.flagMask !== 0xff ? tcpFlagNames(m.flagMask) : ""} ${tcpFlagNames(m.flagCmp)} `;
      return head + out;
    }
    case "udp":
      return head + savePorts("sport", m.sport) + savePorts("dport", m.dport);
    case "icmp": {
      const type = m.icmpType === 0xff ? "any" : `${m.icmpType}${m.codeMin !== 0 || m.codeMax !== 0xff ? `/${m.codeMin}` : ""}`;
      return `${head}${m.invert ? "! " : ""}--icmp-type ${type} `;
    }
    case "state":
      return `${head}--state ${stateNames(m.mask)}`;
    case "conntrack":
      return head + conntrackText(m, "--", true);
    case "physdev":
      return head + physdevText(m, true);
    case "comment":
      return `${head}--comment ${saveString(m.comment)}`;
  }
}

/** print_range of SNAT/DNAT: `a[-b][:p[-q]]`. */
function natRangeText(r: NatRange): string {
  let out = "";
  if (r.mapIps) out += r.maxIp !== r.minIp ? `${ipv4ToString(r.minIp)}-${ipv4ToString(r.maxIp)}` : ipv4ToString(r.minIp);
  if (r.protoSpecified) out += `:${r.minPort}${r.maxPort !== r.minPort ? `-${r.maxPort}` : ""}`;
  return out;
}

/** xtables_save_string (1.4.8, including its inverted test: a value made only of unsafe characters is left unquoted). */
function saveString(value: string): string {
  const safe = /[_\-0-9a-zA-Z]/;
  let lead = 0;
  while (lead < value.length && !safe.test(value[lead]!)) lead++;
  if (lead > 0 && lead === value.length) return `${value} `;
  return `"${value.replace(/["\\']/g, (c) => `\\${c}`)}" `;
}

/** The name a rule's target shows under "target" and after -j ("" for none). */
export function targetName(t: Target): string {
  if (t.kind === "standard") return t.verdict;
  if (t.kind === "jump") return t.chain;
  return t.kind === "none" ? "" : t.kind;
}

/** A target's options as `iptables -L` prints them. */
export function printTarget(t: Target, numeric: boolean): string {
  switch (t.kind) {
    case "REJECT":
      return `reject-with ${t.with} `;
    case "MASQUERADE":
      return (t.range.protoSpecified ? `masq ports: ${t.range.minPort}${t.range.maxPort !== t.range.minPort ? `-${t.range.maxPort}` : ""} ` : "") + (t.range.random ? "random " : "");
    case "SNAT":
    case "DNAT":
      return `to:${natRangeText(t.range)} ${t.range.random ? "random " : ""}${t.range.persistent ? "persistent " : ""}`;
    case "LOG": {
      let out = "LOG ";
      if (numeric) out += `flags ${t.logFlags} level ${t.level} `;
      else {
        const name = LOG_LEVEL_NAMES.find(([, l]) => l === t.level)?.[0];
        out += name !== undefined ? `level ${name} ` : `UNKNOWN level ${t.level} `;
        out += ["tcp-sequence ", "tcp-options ", "ip-options ", "uid "].filter((_, i) => t.logFlags & (1 << i)).join("");
      }
      return t.prefix !== "" ? `${out}prefix \`${t.prefix}' ` : out;
    }
    default:
      return "";
  }
}

/** A target's options as `iptables -S` / iptables-save print them. */
export function saveTarget(t: Target): string {
  switch (t.kind) {
    case "REJECT":
      return `--reject-with ${t.with} `;
    case "MASQUERADE":
      return (t.range.protoSpecified ? `--to-ports ${t.range.minPort}${t.range.maxPort !== t.range.minPort ? `-${t.range.maxPort}` : ""} ` : "") + (t.range.random ? "--random " : "");
    case "SNAT":
    case "DNAT":
      return `--${t.kind === "SNAT" ? "to-source" : "to-destination"} ${natRangeText(t.range)} ${t.range.random ? "--random " : ""}${t.range.persistent ? "--persistent " : ""}`;
    case "LOG": {
      let out = t.prefix !== "" ? `--log-prefix ${saveString(t.prefix)}` : "";
      if (t.level !== 4) out += `--log-level ${t.level} `;
      return out + ["--log-tcp-sequence ", "--log-tcp-options ", "--log-ip-options ", "--log-uid "].filter((_, i) => t.logFlags & (1 << i)).join("");
    }
    default:
      return "";
  }
}
