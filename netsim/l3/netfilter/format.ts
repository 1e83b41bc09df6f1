// iptables 1.4.8's listings, column for column (iptables.c print_header/print_firewall/print_num,
// print_rule, list_rules; iptables-save.c do_output): `iptables -L [-n] [-v] [-x] [--line-numbers]`,
// `iptables -S [-v]`, the line `-v` prints for an added rule, and the iptables-save dump.
import { ipv4ToString } from "../../wire/address.ts";
import { printMatch, printTarget, saveMatch, saveTarget, maskSuffix, targetName } from "./format-rule.ts";
import { protocolName, protoToName } from "./names.ts";
import type { Rule } from "./rule.ts";
import type { Chain, RuleEntry, Table } from "./tables.ts";
import type { AddrMask } from "./xt-parse.ts";

/** The FMT_* flags list_entries derives from -n, -v, -x and --line-numbers. */
export interface ListFormat {
  readonly numeric: boolean;
  /** Counters and interface columns (-v). */
  readonly verbose: boolean;
  /** Interface columns without counters (FMT_VIA alone, as the `-v` echo of a rule has them). */
  readonly via?: boolean;
  /** Exact counters (-x) instead of K/M/G/T. */
  readonly exact: boolean;
  readonly lineNumbers: boolean;
  /** One line, no padding (FMT_NOTABLE: the `-v` echo of an added rule). */
  readonly noTable?: boolean;
  /** Reverse lookup for addresses when not numeric (gethostbyaddr); numeric when it returns nothing. */
  readonly hostName?: (ip: number) => string | undefined;
}

/** print_num. */
export function printNum(n: number, f: ListFormat): string {
  const table = !f.noTable;
  if (f.exact) return table ? `${n}`.padStart(8) + " " : `${n} `;
  if (n <= 99999) return table ? `${n}`.padStart(5) + " " : `${n} `;
  let v = n;
  for (const unit of ["K", "M", "G", "T"]) {
    v = Math.floor((v + 500) / 1000);
    if (v <= 9999 || unit === "T") return table ? `${`${v}`.padStart(4)}${unit} ` : `${v}${unit} `;
  }
  return `${v}`;
}

function pad(text: string, width: number, f: ListFormat): string {
  return f.noTable ? `${text} ` : `${text.padEnd(width)} `;
}

/** print_header. */
function header(table: Table, chain: Chain, f: ListFormat): string {
  let out = `Chain ${chain.name}`;
  if (chain.builtin) {
    const counts = f.verbose ? ` ${printNum(chain.policyPackets, { ...f, noTable: true })}packets, ${printNum(chain.policyBytes, { ...f, noTable: true })}bytes` : "";
    out += ` (policy ${chain.policy}${counts})\n`;
  } else out += ` (${table.references(chain.name)} references)\n`;
  if (f.lineNumbers) out += pad("num", 4, f);
  if (f.verbose) out += f.exact ? `${"pkts".padStart(8)} ${"bytes".padStart(10)} ` : `${"pkts".padStart(5)} ${"bytes".padStart(5)} `;
  out += `${"target".padEnd(9)}  prot opt`;
  if (f.verbose) out += ` ${"in".padEnd(6)} ${"out".padEnd(6)} `;
  return `${out} ${"source".padEnd(19)}  ${"destination".padEnd(19)} \n`;
}

function addressText(a: AddrMask, f: ListFormat): string {
  if (a.mask === 0 && !f.numeric) return "anywhere";
  const name = f.numeric ? undefined : f.hostName?.(a.addr);
  return `${name ?? ipv4ToString(a.addr)}${maskSuffix(a.mask)}`;
}

function ifaceText(name: string, invert: boolean, f: ListFormat): string {
  return (invert ? "!" : "") + (name !== "" ? name : f.numeric ? "*" : "any");
}

/** print_firewall: one rule line. */
export function ruleLine(entry: RuleEntry, num: number, f: ListFormat): string {
  const r = entry.rule;
  let out = f.lineNumbers ? (f.noTable ? `${num} ` : `${num}`.padEnd(4) + " ") : "";
  if (f.verbose) out += printNum(entry.packets, f) + printNum(entry.bytes, f);
  out += pad(targetName(r.target), 9, f);
  const proto = protoToName(r.proto, f.numeric) ?? `${r.proto}`;
  out += (r.protoInvert ? "!" : " ") + (f.noTable ? `${proto} ` : proto.padEnd(5));
  out += `${f.noTable ? "opt " : ""}${r.fragmentInvert ? "!" : "-"}${r.fragment ? "f" : "-"} `;
  if (f.via ?? f.verbose) {
    const inText = ifaceText(r.inIface, r.inInvert, f);
    const outText = ifaceText(r.outIface, r.outInvert, f);
    out += f.noTable ? `in ${inText} out ${outText} ` : ` ${inText.padEnd(6)} ${outText.padEnd(6)} `;
  }
  out += (r.srcInvert ? "!" : " ") + pad(addressText(r.src, f), 19, f);
  out += (r.dstInvert ? "!" : " ") + (f.noTable ? `-> ${addressText(r.dst, f)}` : pad(addressText(r.dst, f), 19, f));
  if (f.noTable) out += "  ";
  if (r.target.kind === "jump" && r.target.goto) out += "[goto] ";
  for (const m of r.matches) out += printMatch(m, f.numeric);
  return `${out}${printTarget(r.target, f.numeric)}\n`;
}

/** list_entries: every chain (or one) with its header and rules; `rulenum` > 0 prints that rule alone. */
export function listTable(table: Table, chainName: string | undefined, rulenum: number, f: ListFormat): string | undefined {
  const chains = table.chains.filter((c) => chainName === undefined || c.name === chainName);
  if (chains.length === 0) return undefined;
  return chains
    .map((c) => {
      const head = rulenum === 0 ? header(table, c, f) : "";
      return head + c.rules.map((e, i) => (rulenum === 0 || i + 1 === rulenum ? ruleLine(e, i + 1, f) : "")).join("");
    })
    .join("\n");
}

/** print_ip of print_rule: nothing for 0/0, `/32` written out. */
function saveAddress(flag: string, a: AddrMask, invert: boolean): string {
  if (a.mask === 0 && a.addr === 0 && !invert) return "";
  const suffix = a.mask === 0xffff_ffff ? "/32" : maskSuffix(a.mask);
  return `${invert ? "! " : ""}${flag} ${ipv4ToString(a.addr)}${suffix} `;
}

/** print_iface: the name under the mask, `+` for a wildcard; nothing when the mask is empty. */
function saveIface(letter: string, name: string, invert: boolean): string {
  if (name === "" || name === "+") return "";
  return `${invert ? "! " : ""}-${letter} ${name} `;
}

/** print_rule: one `-A` line (with `[p:b] ` when `counters` > 0, `-c p b` when < 0). */
export function ruleSpec(chain: string, entry: RuleEntry, counters: number): string {
  const r: Rule = entry.rule;
  let out = counters > 0 ? `[${entry.packets}:${entry.bytes}] ` : "";
  out += `-A ${chain} ${saveAddress("-s", r.src, r.srcInvert)}${saveAddress("-d", r.dst, r.dstInvert)}`;
  out += saveIface("i", r.inIface, r.inInvert) + saveIface("o", r.outIface, r.outInvert);
  if (r.proto !== 0) out += `${r.protoInvert ? "! " : ""}-p ${protocolName(r.proto) ?? protoToName(r.proto, true) ?? r.proto} `;
  if (r.fragment) out += `${r.fragmentInvert ? "! " : ""}-f `;
  for (const m of r.matches) out += saveMatch(m);
  if (counters < 0) out += `-c ${entry.packets} ${entry.bytes} `;
  const name = targetName(r.target);
  if (name !== "") out += `-${r.target.kind === "jump" && r.target.goto ? "g" : "j"} ${name} `;
  return `${out}${saveTarget(r.target)}\n`;
}

/** list_rules (`iptables -S [chain [rulenum]]`): policies and -N lines, then the rules. */
export function listRules(table: Table, chainName: string | undefined, rulenum: number, counters: boolean): string | undefined {
  const chains = table.chains.filter((c) => chainName === undefined || c.name === chainName);
  if (chains.length === 0) return undefined;
  let out = "";
  if (rulenum === 0) {
    for (const c of chains) out += c.builtin ? `-P ${c.name} ${c.policy}${counters ? ` -c ${c.policyPackets} ${c.policyBytes}` : ""}\n` : `-N ${c.name}\n`;
  }
  for (const c of chains) c.rules.forEach((e, i) => (out += rulenum === 0 || i + 1 === rulenum ? ruleSpec(c.name, e, counters ? -1 : 0) : ""));
  return out;
}

/** iptables-save's block for one table; `when` is ctime() text without its newline. */
export function saveTable(table: Table, counters: boolean, when: string): string {
  let out = `# Generated by iptables-save v1.4.8 on ${when}\n*${table.name}\n`;
  for (const c of table.chains) out += c.builtin ? `:${c.name} ${c.policy} [${c.policyPackets}:${c.policyBytes}]\n` : `:${c.name} - [0:0]\n`;
  for (const c of table.chains) for (const e of c.rules) out += ruleSpec(c.name, e, counters ? 1 : 0);
  return `${out}COMMIT\n# Completed on ${when}\n`;
}
