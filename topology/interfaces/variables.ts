// A stanza's variables as ifupdown 0.8.41 holds them (config.c set_variable(), main.c and the
// conversion functions of archcommon.c): repeated options joined with a newline (hooks kept
// apart), then at ifup/ifquery time the method's defaults, `-o` overrides and conversions. This is
// what `ifquery IFACE` prints, in this order, one `name: value` line per variable.

import { inetNtop4, inetPton4, scanInt, scanQuad, strtokAll, truncateBytes } from "./clib.ts";
import { isHook, storedName, type Conversion, type MethodSpec } from "./methods.ts";

/** One stored variable; hooks may appear several times. */
export interface Variable {
  name: string;
  value: string;
}

/** set_variable(): a trailing `?` means "only if absent"; non-hooks are replaced in place. */
export function setVariable(vars: Variable[], name: string, value: string): Variable | undefined {
  const keep = name.endsWith("?");
  const base = keep ? name.slice(0, -1) : name;
  if (!isHook(name)) {
    const existing = vars.find((v) => v.name === base);
    if (existing !== undefined) {
      if (keep) return undefined;
      existing.value = value;
      return existing;
    }
  }
  const added = { name: base, value };
  vars.push(added);
  return added;
}

/** The variables read_interfaces_defn() builds from option lines: a repeated non-hook option is joined with `\n`. */
export function foldOptions(options: readonly { readonly name: string; readonly value: string }[]): Variable[] {
  const vars: Variable[] = [];
  for (const opt of options) {
    const name = storedName(opt.name);
    let value = opt.value;
    if (!isHook(name)) {
      for (const v of vars) {
        if (v.name === name) {
          v.value = `${v.value}\n${value}`;
          value = v.value;
        }
      }
    }
    setVariable(vars, name, value);
  }
  return vars;
}

/** The first non-empty value of a variable, as get_var() returns it. */
function getVar(vars: readonly Variable[], name: string): string | undefined {
  const v = vars.find((x) => x.name === name);
  return v === undefined || v.value === "" ? undefined : v.value;
}

/**
 * compute_v4_mask(): the netmask from `A/N`, `A/MASK` or the address class; unchanged when the
 * address is not IPv4. The conversion works on a copy of `address`, so for a non-IPv4 address
 * the netmask becomes the whole address text (corpus 016 and 034: `netmask x.x.x.x/24 # PVE's
 * actual IP`). That is surely not what ifupdown meant; we print what it prints.
 */
export function computeV4Mask(value: string): string {
  const tokens = strtokAll(truncateBytes(value, 33), "/");
  const addrText = tokens[0];
  const addr = addrText === undefined ? undefined : inetPton4(addrText);
  if (addr === undefined) return value;
  const maskText = tokens[1];
  if (maskText === undefined) {
    const first = addr >>> 24;
    return inetNtop4(prefixMask(first <= 127 ? 8 : first <= 191 ? 16 : first <= 223 ? 24 : 32));
  }
  const dotted = inetPton4(maskText);
  if (dotted !== undefined) return inetNtop4(dotted);
  const width = scanInt(maskText);
  // A width of -1 is ifupdown's "unset" marker: it then prints an uninitialised stack value. We
  // cannot reproduce garbage, so the value is left as written (as for any unusable mask).
  if (width === undefined || width === -1) return value;
  return inetNtop4(prefixMask(width));
}

/**
 * `htonl(~((1L << (32 - width)) - 1))` on amd64: the shift count is taken modulo 64 (and 32 - width
 * wraps as a 32-bit int), which is why /33 and /64 give 0.0.0.0 and /65 gives 128.0.0.0.
 */
export function prefixMask(width: number): number {
  const shift = ((32 - width) | 0) & 63;
  return shift >= 32 ? 0 : (0x100000000 - 2 ** shift) >>> 0;
}

/** compute_v4_addr(): the part before the first `/` (of the first 33 bytes). */
export function computeV4Addr(value: string): string {
  return strtokAll(truncateBytes(value, 33), "/")[0] ?? value;
}

/**
 * compute_v4_broadcast(): `+` → address | ~mask, `-` → address & mask (a /31 gets 255.255.255.255
 * / 0.0.0.0). It only understands a dotted netmask, so `netmask 24` leaves `broadcast +` (corpus
 * 017, 076) although ifupdown itself accepts 24 as a prefix length elsewhere.
 */
function computeV4Broadcast(value: string, vars: readonly Variable[]): string {
  if (value !== "+" && value !== "-") return value;
  const addrText = getVar(vars, "address");
  const maskText = getVar(vars, "netmask");
  const addr = addrText === undefined ? undefined : inetPton4(addrText);
  const mask = maskText === undefined ? undefined : inetPton4(maskText);
  if (addr === undefined || mask === undefined) return value;
  if (mask === 0xfffffffe) return value === "+" ? "255.255.255.255" : "0.0.0.0";
  return inetNtop4(value === "+" ? (addr | ~mask) >>> 0 : (addr & mask) >>> 0);
}

/** cleanup_hwaddress(): drops a hardware class word; `random` becomes a locally administered MAC. */
function cleanupHwaddress(value: string, phys: string): string {
  // ifupdown reads /dev/urandom here; a simulator must be deterministic, so the MAC is derived
  // from the interface name instead (still unicast and locally administered, as ifupdown makes it).
  if (value === "random") return nameMac(phys);
  const space = value.indexOf(" ");
  if (space < 0) return value;
  const cls = value.slice(0, space).toLowerCase();
  return ["ether", "ax25", "arcnet", "netrom"].includes(cls) ? value.slice(space + 1) : value;
}

function nameMac(name: string): string {
  let h = 0x811c9dc5;
  const bytes: number[] = [];
  for (let round = 0; bytes.length < 6; round++) {
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ round, 0x01000193) >>> 0;
    bytes.push(h & 255, (h >>> 8) & 255);
  }
  bytes[0] = ((bytes[0] ?? 0) | 2) & 0xfe;
  return bytes.slice(0, 6).map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** _iface_has(): at least two non-empty `:`-separated parts (`eth0:1` yes, `eth0:` no). */
function isAlias(phys: string): boolean {
  return strtokAll(truncateBytes(phys, 79), ":").length >= 2;
}

function convert(c: Conversion, value: string, vars: readonly Variable[], phys: string): string {
  switch (c.kind) {
    case "cleanup-hwaddress":
      return cleanupHwaddress(value, phys);
    case "v4-mask":
      return computeV4Mask(value);
    case "v4-addr":
      return computeV4Addr(value);
    case "v4-broadcast":
      return computeV4Broadcast(value, vars);
    case "preferred-lft":
      return isAlias(phys) ? "0" : value;
    case "token":
      return strtokAll(value, c.delims)[c.index] ?? c.fallback;
    case "set":
      return c.value;
    case "hex-address": {
      const q = scanQuad(value);
      const hex = (b: number): string => b.toString(16).padStart(2, "0");
      return q === undefined ? value : `${hex(q[0])}${hex(q[1])}:${hex(q[2])}${hex(q[3])}`;
    }
  }
}

/** convert_variables(): each conversion over every variable it names; a target gets a copy first. */
function applyConversions(spec: MethodSpec, vars: Variable[], phys: string): void {
  for (const c of spec.conversions) {
    for (let j = 0; j < vars.length; j++) {
      const v = vars[j];
      if (v === undefined || v.name !== c.option) continue;
      const target = "target" in c && c.target !== undefined ? setVariable(vars, c.target, v.value) : v;
      if (target !== undefined) target.value = convert(c, target.value, vars, phys);
    }
  }
}

/**
 * What main.c does to a stanza's variables before ifup or ifquery handles physical interface
 * `phys`: add the method's missing defaults, apply `-o` overrides, then the conversions. It
 * changes `vars` in place, as ifupdown does (querying the same stanza twice sees the first pass).
 */
export function applyMethod(vars: Variable[], spec: MethodSpec, phys: string, overrides: readonly Variable[] = []): void {
  for (const [name, value] of spec.defaults) {
    if (!vars.some((v) => v.name === name)) setVariable(vars, name, value);
  }
  for (const o of overrides) {
    if (o.value !== "") setVariable(vars, o.name, o.value);
    // An empty override deletes the variable, but main.c decrements the count instead of removing
    // the match, so it is the stanza's last variable that disappears.
    else if (!isHook(o.name) && vars.some((v) => v.name === o.name)) vars.pop();
  }
  applyConversions(spec, vars, phys);
}

/** The variables `ifquery IFACE` prints for a stanza read into `stanzaVars` (which are not changed). */
export function resolveVariables(
  stanzaVars: readonly Variable[],
  spec: MethodSpec,
  phys: string,
  overrides: readonly Variable[] = [],
): Variable[] {
  const vars = stanzaVars.map((v) => ({ ...v }));
  applyMethod(vars, spec, phys, overrides);
  return vars;
}
