// The argument conventions of iproute2's `ip` (lib/utils.c of iproute 20100519): keywords may be
// abbreviated to any prefix (`matches`), NEXT_ARG fails with "Command line is not complete", and
// addresses and prefixes are read by get_addr/get_prefix — dotted quads whose parts strtoul reads
// in base 0 (so `010` is 8 and `0x0a` is 10) and whose missing parts are zero (`10.8` is 10.8.0.0),
// `default`/`all`/`any` for 0/0, a prefix length or a dotted netmask after the slash. The error
// texts and exit codes are iproute2's (invarg/duparg exit 255, a bad address exits 1).
import type { Ipv4 } from "../../netsim/wire/address.ts";
import type { HostNode } from "./host.ts";
import type { Io } from "./io.ts";

/** One `ip` invocation: the node, the output streams and the global options. */
export interface IpEnv {
  readonly host: HostNode;
  readonly io: Io;
  /** -s given this many times. */
  readonly stats: number;
  /** -o. */
  readonly oneline: boolean;
  /** -4, -6, -0 or -f FAMILY; "any" when none was given. */
  readonly family: "any" | "inet" | "inet6" | "link";
}

/** matches(): true when `word` is a prefix of `keyword` (the empty word matches everything). */
export function matches(word: string, keyword: string): boolean {
  return word.length <= keyword.length && keyword.startsWith(word);
}

/** An `ip` argument list walked the way iproute2 walks argc/argv. */
export class Args {
  private at = 0;

  constructor(
    private readonly io: Io,
    private readonly argv: readonly string[],
  ) {}

  /** Arguments left, counting the current one. */
  get left(): number {
    return this.argv.length - this.at;
  }

  /** The current argument (`*argv`). */
  get cur(): string {
    return this.argv[this.at] ?? "";
  }

  /** argc--, argv++. */
  shift(): void {
    this.at++;
  }

  /** NEXT_ARG(): the value after a keyword, or "Command line is not complete". */
  next(): string {
    this.at++;
    if (this.at >= this.argv.length) this.io.fail(`Command line is not complete. Try option "help"\n`);
    return this.argv[this.at]!;
  }

  /** The arguments from the current one on. */
  rest(): readonly string[] {
    return this.argv.slice(this.at);
  }
}

/** invarg(): `Error: argument "X" is wrong: MSG`, exit 255. */
export function invarg(io: Io, msg: string, arg: string): never {
  return io.fail(`Error: argument "${arg}" is wrong: ${msg}\n`);
}

/** duparg(). */
export function duparg(io: Io, key: string, arg: string): never {
  return io.fail(`Error: duplicate "${key}": "${arg}" is the second value.\n`);
}

/** duparg2(). */
export function duparg2(io: Io, key: string, arg: string): never {
  return io.fail(`Error: either "${key}" is duplicate, or "${arg}" is a garbage.\n`);
}

/** An address or prefix as get_prefix leaves it. */
export interface InetPrefix {
  /** "any" for default/all/any (family not fixed), "inet6" for anything with a colon. */
  readonly family: "inet" | "inet6" | "any";
  readonly addr: Ipv4;
  readonly bitlen: number;
  /** A `/len` was given (PREFIXLEN_SPECIFIED). */
  readonly lenGiven: boolean;
}

/** strtoul(s, &end, 0) for a non-negative number: [value, characters used]; used 0 when no digits. */
export function strtoul0(s: string): [number, number] {
  const m = /^[ \t\n]*\+?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (m === null) return [0, 0];
  const digits = m[1]!;
  const value = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : digits.length > 1 && digits[0] === "0" ? parseInt(digits, 8) : Number(digits);
  return [value, m[0].length];
}

/** get_unsigned(): the whole string as a number (base 0), or undefined. */
export function getUnsigned(s: string): number | undefined {
  const [value, used] = strtoul0(s);
  return used > 0 && used === s.length && value <= 0xffff_ffff ? value : undefined;
}

/** get_addr_ipv4: up to four parts, each 0–255. */
function parseDotted(s: string): Ipv4 | undefined {
  const bytes = [0, 0, 0, 0];
  let rest = s;
  for (let i = 0; i < 4; i++) {
    const [n, used] = strtoul0(rest);
    if (used === 0 || n > 255) return undefined;
    bytes[i] = n;
    rest = rest.slice(used);
    if (rest === "") break;
    if (i === 3 || rest[0] !== ".") return undefined;
    rest = rest.slice(1);
  }
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

/** get_addr_1 / get_prefix_1; undefined for a malformed argument. */
export function parsePrefix(arg: string, isPrefix: boolean): InetPrefix | undefined {
  if (arg === "default" || arg === "all" || arg === "any") return { family: "any", addr: 0, bitlen: isPrefix ? 0 : 32, lenGiven: false };
  const slash = isPrefix ? arg.indexOf("/") : -1;
  const host = slash < 0 ? arg : arg.slice(0, slash);
  if (host.includes(":")) return /^[0-9a-fA-F:.]+$/.test(host) ? { family: "inet6", addr: 0, bitlen: 128, lenGiven: slash >= 0 } : undefined;
  const addr = parseDotted(host);
  if (addr === undefined) return undefined;
  if (slash < 0) return { family: "inet", addr, bitlen: 32, lenGiven: false };
  const len = netmaskBits(arg.slice(slash + 1));
  return len === undefined || len > 32 ? undefined : { family: "inet", addr, bitlen: len, lenGiven: true };
}

/** get_netmask: a length, or a contiguous dotted netmask. */
function netmaskBits(s: string): number | undefined {
  const n = getUnsigned(s);
  if (n !== undefined) return n;
  const mask = parseDotted(s);
  if (mask === undefined) return undefined;
  const host = ~mask >>> 0;
  if ((host & (host + 1)) !== 0) return undefined;
  return 32 - Math.log2(host + 1);
}

/** get_prefix(): exits 1 with iproute2's message on a malformed prefix. */
export function getPrefix(io: Io, arg: string): InetPrefix {
  return parsePrefix(arg, true) ?? io.fail(`Error: an inet prefix is expected rather than "${arg}".\n`, 1);
}

/** get_addr(): exits 1 with iproute2's message on a malformed address. */
export function getAddr(io: Io, arg: string): InetPrefix {
  return parsePrefix(arg, false) ?? io.fail(`Error: an inet address is expected rather than "${arg}".\n`, 1);
}

/** True when `a` lies in `p` (inet_addr_match over p.bitlen bits). */
export function inPrefix(a: Ipv4, p: InetPrefix): boolean {
  if (p.bitlen <= 0) return true;
  const mask = p.bitlen >= 32 ? 0xffff_ffff : (0xffff_ffff << (32 - p.bitlen)) >>> 0;
  return ((a ^ p.addr) & mask) >>> 0 === 0;
}

/** ll_addr_a2n for Ethernet: `aa:bb:cc:dd:ee:ff` (1–2 hex digits a part); undefined when malformed. */
export function parseLladdr(s: string): number | undefined {
  const parts = s.split(":");
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) return undefined;
  return parts.reduce((mac, p) => mac * 256 + parseInt(p, 16), 0);
}

/** fnmatch(3) without flags: `*`, `?` and `[...]` (with `!` or `^` negation and ranges). */
export function fnmatch(pattern: string, text: string): boolean {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let body = pattern.slice(i + 1, end);
        if (body[0] === "!" || body[0] === "^") body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  try {
    return new RegExp(`${re}$`, "s").test(text);
  } catch {
    return false; // a bracket expression fnmatch would treat as matching nothing, such as [z-a]
  }
}
