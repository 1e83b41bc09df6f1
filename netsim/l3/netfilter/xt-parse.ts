// The argument parsers of libxtables 1.4.8 (xtables.c): xtables_strtoui (strtoul with base 0, so
// `0x10` and `010` are numbers too), dotted addresses with autocompletion (`10` is 10.0.0.0), masks
// as prefix lengths or dotted quads, comma-separated address lists, interface names with the `+`
// wildcard, protocols and ports by number or /etc name. Each returns the error text iptables prints.
import type { Ipv4 } from "../../wire/address.ts";
import { chainProtoByName, protocolByName, serviceByName } from "./names.ts";

/** A parsed value or the message iptables would print (after `iptables v1.4.8: `). */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** A success. */
export function okValue<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

/** A failure with iptables' message. */
export function failWith<T = never>(error: string): Parsed<T> {
  return { ok: false, error };
}

/** IFNAMSIZ − 1: the longest interface name the kernel accepts. */
export const IFNAMSIZ_MAX = 15;

/** strtoul(s, &end, 0) as glibc does it: the value (capped) and how many characters were used. */
export function strtoul(s: string): { value: number; end: number; overflow: boolean } {
  let i = 0;
  while (i < s.length && " \t\n\v\f\r".includes(s[i]!)) i++;
  let negative = false;
  if (s[i] === "+" || s[i] === "-") negative = s[i++] === "-";
  let base = 10;
  if (s[i] === "0" && (s[i + 1] === "x" || s[i + 1] === "X") && /[0-9a-fA-F]/.test(s[i + 2] ?? "")) {
    base = 16;
    i += 2;
  } else if (s[i] === "0") base = 8;
  const start = i;
  let value = 0;
  for (; i < s.length; i++) {
    const digit = parseInt(s[i]!, base);
    if (Number.isNaN(digit)) break;
    value = value * base + digit;
  }
  if (i === start) return { value: 0, end: 0, overflow: false };
  const overflow = value > 2 ** 64 - 1;
  // A negated nonzero value wraps to a huge unsigned long: above any maximum iptables checks.
  if (negative && value !== 0) value = 2 ** 64 - value;
  return { value, end: i, overflow };
}

/** xtables_strtoui without an end pointer: the whole string must be a number in [min, max]. */
export function strtoui(s: string, min: number, max: number): number | undefined {
  const r = strtoul(s);
  if (r.end === 0 || r.end !== s.length || r.overflow) return undefined;
  return r.value >= min && r.value <= max ? r.value : undefined;
}

/** atoi: leading decimal digits (after blanks and a sign), 0 when there are none. */
export function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(s);
  if (!m) return 0;
  const v = Number(m[2]);
  return m[1] === "-" ? -v : v;
}

/** __numeric_to_ipaddr: `a.b.c.d`, or fewer parts completed with zeros (`10.1` → 10.1.0.0) unless a mask. */
function numericToAddr(dotted: string, isMask: boolean): Ipv4 | undefined {
  const parts = dotted.slice(0, 19).split(".");
  const bytes: number[] = [];
  for (let i = 0; i < 4; i++) {
    const part = parts[i];
    if (part === undefined) {
      if (isMask) return undefined;
      while (bytes.length < 4) bytes.push(0);
      break;
    }
    const v = strtoui(i === 3 ? parts.slice(3).join(".") : part, 0, 255);
    if (v === undefined) return undefined;
    bytes.push(v);
  }
  return (((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0) as Ipv4;
}

/** xtables_numeric_to_ipaddr. */
export function numericToIpaddr(s: string): Ipv4 | undefined {
  return numericToAddr(s, false);
}

/** parse_ipmask: none → /32; a dotted mask; or a prefix length 0–32. */
export function parseIpmask(mask: string | undefined): Parsed<Ipv4> {
  if (mask === undefined) return okValue(0xffff_ffff);
  const dotted = numericToAddr(mask, true);
  if (dotted !== undefined) return okValue(dotted);
  const bits = strtoui(mask, 0, 32);
  if (bits === undefined) return failWith(`invalid mask \`${mask}' specified`);
  return okValue(bits === 0 ? 0 : ((0xffff_ffff << (32 - bits)) >>> 0) as Ipv4);
}

/** A host name resolver (gethostbyname); the simulated host knows `localhost` from /etc/hosts. */
export type HostResolver = (name: string) => readonly Ipv4[];

/** The resolver a Debian host uses when nothing else is configured: /etc/hosts with localhost only. */
export const etcHostsResolver: HostResolver = (name) => (name === "localhost" ? [0x7f00_0001] : []);

/** An address with its mask, the address already masked (as iptables stores it). */
export interface AddrMask {
  readonly addr: Ipv4;
  readonly mask: Ipv4;
}

/** xtables_ipparse_multiple: `a[/m][,b[/m]...]`, each item a number or a host name. */
export function ipparseMultiple(spec: string, resolve: HostResolver = etcHostsResolver): Parsed<AddrMask[]> {
  const out: AddrMask[] = [];
  for (const item of spec.split(",")) {
    if (item === "") break;
    const slash = item.lastIndexOf("/");
    const mask = parseIpmask(slash >= 0 ? item.slice(slash + 1) : undefined);
    if (!mask.ok) return mask;
    const name = mask.value === 0 ? "0.0.0.0" : slash >= 0 ? item.slice(0, slash) : item;
    const numeric = numericToIpaddr(name);
    const addrs = numeric !== undefined ? [numeric] : resolve(name);
    if (addrs.length === 0) return failWith(`host/network \`${name}' not found`);
    for (const a of addrs) out.push({ addr: (a & mask.value) >>> 0, mask: mask.value });
  }
  return okValue(out);
}

/** xtables_ipparse_any for one address (conntrack --ctorigsrc etc.): like the list form, one item. */
export function ipparseOne(spec: string, resolve: HostResolver = etcHostsResolver): Parsed<AddrMask> {
  const list = ipparseMultiple(spec, resolve);
  if (!list.ok) return list;
  if (list.value.length > 1) return failWith("multiple IP addresses not allowed");
  return okValue(list.value[0] ?? { addr: 0, mask: 0 });
}

/** What xtables_parse_interface stored and whether it warned about a weird character. */
export interface ParsedInterface {
  readonly name: string;
  readonly warning?: string;
}

/** xtables_parse_interface: at most 15 characters; a trailing `+` makes a prefix wildcard. */
export function parseInterface(arg: string): Parsed<ParsedInterface> {
  if (arg.length > IFNAMSIZ_MAX) return failWith(`interface name \`${arg}' must be shorter than IFNAMSIZ (${IFNAMSIZ_MAX})`);
  if (arg !== "" && !arg.endsWith("+") && /[/ ]/.test(arg)) {
    return okValue({ name: arg, warning: `Warning: weird character in interface \`${arg}' ('/' and ' ' are not allowed by the kernel).\n` });
  }
  return okValue({ name: arg });
}

/** True when device `dev` matches an interface spec as the kernel compares names under the mask. */
export function interfaceMatches(dev: string | undefined, spec: string): boolean {
  if (spec === "") return true;
  const name = dev ?? "";
  return spec.endsWith("+") ? name.startsWith(spec.slice(0, -1)) : name === spec;
}

/** xtables_parse_protocol: a number 0–255, `all`, an /etc/protocols name or a built-in name. */
export function parseProtocol(s: string): Parsed<number> {
  const num = strtoui(s, 0, 255);
  if (num !== undefined) return okValue(num);
  if (s === "all") return okValue(0);
  const byName = protocolByName(s) ?? chainProtoByName(s);
  return byName !== undefined ? okValue(byName) : failWith(`unknown protocol \`${s}' specified`);
}

/** xtables_parse_port: a number 0–65535 or an /etc/services name for `proto`. */
export function parsePort(s: string, proto: "tcp" | "udp"): Parsed<number> {
  const num = strtoui(s, 0, 65535);
  if (num !== undefined) return okValue(num);
  const byName = serviceByName(s, proto);
  return byName !== undefined ? okValue(byName) : failWith(`invalid port/service \`${s}' specified`);
}

/** A port range as the tcp/udp matches parse it: `p`, `a:b`, `:b`, `a:`. */
export function parsePortRange(s: string, proto: "tcp" | "udp"): Parsed<{ min: number; max: number }> {
  const colon = s.indexOf(":");
  if (colon < 0) {
    const p = parsePort(s, proto);
    return p.ok ? okValue({ min: p.value, max: p.value }) : p;
  }
  const lo = s.slice(0, colon);
  const hi = s.slice(colon + 1);
  const min = lo === "" ? okValue(0) : parsePort(lo, proto);
  if (!min.ok) return min;
  const max = hi === "" ? okValue(0xffff) : parsePort(hi, proto);
  if (!max.ok) return max;
  if (min.value > max.value) return failWith("invalid portrange (min > max)");
  return okValue({ min: min.value, max: max.value });
}
