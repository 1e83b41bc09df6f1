// The subset of pcap-filter(7) (libpcap 1.1.1) that captures on a Xen host use, compiled to a
// predicate over Ethernet frames: protocols (ether, ip, ip6, arp, rarp, tcp, udp, icmp, stp), `host`,
// `net` (`/len`, or a dotted prefix of one to three parts), `port` and `portrange` with
// `src`/`dst`/`src or dst`/`src and dst`, `ether host|src|dst`, `broadcast`, `multicast`, `less`,
// `greater`, combined with and/or/not (`&&`, `||`, `!`) and parentheses. As in libpcap, `host X`
// matches IPv4 and ARP/RARP addresses, `port N` only first fragments of TCP and UDP, and a bare
// value after and/or reuses the previous qualifiers (`port 67 or 68`). Errors are libpcap's words.
import { parseIpv4 } from "../../netsim/wire/address.ts";
import { parseLladdr } from "./ip-args.ts";
import { portName } from "./tcpdump-names.ts";

/** A compiled filter. */
export type FramePredicate = (frame: Uint8Array) => boolean;

type Dir = "src" | "dst" | "either" | "both";
type Proto = "ether" | "ip" | "ip6" | "arp" | "rarp" | "tcp" | "udp" | "icmp" | "stp";
interface Quals {
  proto?: Proto;
  dir?: Dir;
  type?: "host" | "net" | "port" | "portrange";
}

const PROTOS: readonly string[] = ["ether", "ip", "ip6", "arp", "rarp", "tcp", "udp", "icmp", "stp"];
const u16 = (f: Uint8Array, at: number) => ((f[at]! << 8) | f[at + 1]!) >>> 0;
const u32 = (f: Uint8Array, at: number) => ((f[at]! << 24) | (f[at + 1]! << 16) | (f[at + 2]! << 8) | f[at + 3]!) >>> 0;

function protoTest(p: Proto): FramePredicate {
  const ether = (t: number) => (f: Uint8Array) => f.length >= 14 && u16(f, 12) === t;
  const ipProto = (n: number) => (f: Uint8Array) => f.length >= 34 && u16(f, 12) === 0x0800 && f[23] === n;
  switch (p) {
    case "ether":
      return () => true;
    case "ip":
      return ether(0x0800);
    case "ip6":
      return ether(0x86dd);
    case "arp":
      return ether(0x0806);
    case "rarp":
      return ether(0x8035);
    case "tcp":
      return ipProto(6);
    case "udp":
      return ipProto(17);
    case "icmp":
      return ipProto(1);
    case "stp":
      return (f) => f.length >= 15 && u16(f, 12) <= 1500 && f[14] === 0x42;
  }
}

/** Address pairs a frame carries for `host`/`net`: IPv4 header, or ARP/RARP sender and target. */
function addrPair(f: Uint8Array, proto: Proto | undefined): [number, number] | undefined {
  const type = f.length >= 14 ? u16(f, 12) : -1;
  if (type === 0x0800 && f.length >= 34 && (proto === undefined || proto === "ip" || proto === "tcp" || proto === "udp" || proto === "icmp")) {
    if (proto === "tcp" && f[23] !== 6) return undefined;
    if (proto === "udp" && f[23] !== 17) return undefined;
    if (proto === "icmp" && f[23] !== 1) return undefined;
    return [u32(f, 26), u32(f, 30)];
  }
  if ((type === 0x0806 || type === 0x8035) && f.length >= 42 && (proto === undefined || proto === (type === 0x0806 ? "arp" : "rarp"))) return [u32(f, 28), u32(f, 38)];
  return undefined;
}

function byDir(dir: Dir, test: (which: 0 | 1) => boolean): boolean {
  if (dir === "src") return test(0);
  if (dir === "dst") return test(1);
  return dir === "both" ? test(0) && test(1) : test(0) || test(1);
}

function ports(f: Uint8Array, proto: Proto | undefined): [number, number] | undefined {
  if (f.length < 34 || u16(f, 12) !== 0x0800 || (u16(f, 20) & 0x1fff) !== 0) return undefined;
  const p = f[23];
  if (!(p === 6 || p === 17) || (proto === "tcp" && p !== 6) || (proto === "udp" && p !== 17)) return undefined;
  const at = 14 + (f[14]! & 0x0f) * 4;
  return f.length >= at + 4 ? [u16(f, at), u16(f, at + 2)] : undefined;
}

/** Compiles `tcpdump`'s expression words; an error string is libpcap's message. */
export function compileFilter(words: readonly string[]): FramePredicate | { readonly error: string } {
  const tokens = words.join(" ").replace(/([()!])/g, " $1 ").replace(/&&/g, " and ").replace(/\|\|/g, " or ").split(/\s+/).filter((t) => t !== "");
  if (tokens.length === 0) return () => true;
  const p = new FilterParser(tokens);
  try {
    const pred = p.expr();
    if (!p.atEnd()) throw new FilterError("syntax error");
    return pred;
  } catch (e) {
    if (e instanceof FilterError) return { error: e.message };
    throw e;
  }
}

class FilterError extends Error {}

class FilterParser {
  private at = 0;
  private last: Quals = {};

  constructor(private readonly t: readonly string[]) {}

  atEnd(): boolean {
    return this.at >= this.t.length;
  }

  private peek(k = 0): string | undefined {
    return this.t[this.at + k];
  }

  private take(): string {
    const tok = this.t[this.at++];
    if (tok === undefined) throw new FilterError("syntax error");
    return tok;
  }

  expr(): FramePredicate {
    let left = this.and();
    while (this.peek() === "or") {
      this.at++;
      const [a, b] = [left, this.and()];
      left = (f) => a(f) || b(f);
    }
    return left;
  }

  private and(): FramePredicate {
    let left = this.unary();
    while (this.peek() === "and") {
      this.at++;
      const [a, b] = [left, this.unary()];
      left = (f) => a(f) && b(f);
    }
    return left;
  }

  private unary(): FramePredicate {
    const tok = this.peek();
    if (tok === "not" || tok === "!") {
      this.at++;
      const inner = this.unary();
      return (f) => !inner(f);
    }
    if (tok === "(") {
      this.at++;
      const inner = this.expr();
      if (this.take() !== ")") throw new FilterError("syntax error");
      return inner;
    }
    return this.primitive();
  }

  private primitive(): FramePredicate {
    const q: Quals = {};
    const tok = this.take();
    if (tok === "broadcast") return (f) => f.length >= 6 && f.subarray(0, 6).every((b) => b === 0xff);
    if (tok === "multicast") return (f) => f.length >= 6 && (f[0]! & 1) === 1;
    if (tok === "less" || tok === "greater") {
      const n = Number(this.take());
      if (!Number.isInteger(n)) throw new FilterError("syntax error");
      return tok === "less" ? (f) => f.length <= n : (f) => f.length >= n;
    }
    let word: string | undefined = tok;
    if (PROTOS.includes(word)) [q.proto, word] = [word as Proto, this.qualifierFollows() ? this.take() : undefined];
    if (word === undefined) return protoTest(q.proto!);
    if (q.proto === "ether" && (word === "broadcast" || word === "multicast")) return this.primitiveFrom(word);
    if (word === "src" || word === "dst") {
      q.dir = word;
      if ((this.peek() === "or" || this.peek() === "and") && this.peek(1) === (word === "src" ? "dst" : "src")) {
        q.dir = this.take() === "or" ? "either" : "both";
        this.at++;
      }
      word = this.take();
    }
    if (word === "host" || word === "net" || word === "port" || word === "portrange") [q.type, word] = [word, this.take()];
    const quals = q.proto === undefined && q.dir === undefined && q.type === undefined ? this.last : q;
    this.last = quals;
    return this.valueTest(quals, word);
  }

  private primitiveFrom(word: string): FramePredicate {
    return word === "broadcast" ? (f) => f.length >= 6 && f.subarray(0, 6).every((b) => b === 0xff) : (f) => f.length >= 6 && (f[0]! & 1) === 1;
  }

  /** After a protocol name, does a qualifier or value follow (rather than and/or/`)`/the end)? */
  private qualifierFollows(): boolean {
    const next = this.peek();
    return next !== undefined && next !== "and" && next !== "or" && next !== ")";
  }

  private valueTest(q: Quals, value: string): FramePredicate {
    const dir = q.dir ?? "either";
    const type = q.type ?? "host";
    if (q.proto === "ether") {
      const mac = parseLladdr(value);
      if (mac === undefined) throw new FilterError(`unknown ether host '${value}'`);
      const at = (f: Uint8Array, which: 0 | 1) => f.length >= 12 && f.subarray(which === 0 ? 6 : 0, which === 0 ? 12 : 6).every((b, i) => b === Math.floor(mac / 256 ** (5 - i)) % 256);
      return (f) => byDir(dir, (w) => at(f, w));
    }
    if (type === "port" || type === "portrange") {
      const [lo, hi] = type === "port" ? [portNumber(value), portNumber(value)] : value.split("-").map(portNumber);
      if (lo === undefined || hi === undefined) throw new FilterError(`illegal port number ${value}`);
      return (f) => {
        const pp = ports(f, q.proto);
        return pp !== undefined && byDir(dir, (w) => pp[w] >= lo && pp[w] <= hi);
      };
    }
    const [net, mask] = type === "net" ? netOf(value) : [parseIpv4(value), 0xffff_ffff];
    if (net === undefined) throw new FilterError(type === "net" ? `invalid net '${value}'` : `unknown host '${value}'`);
    return (f) => {
      const pair = addrPair(f, q.proto);
      return pair !== undefined && byDir(dir, (w) => ((pair[w] & mask) >>> 0) === net);
    };
  }
}

function portNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text)) return Number(text) <= 65535 ? Number(text) : undefined;
  for (let p = 0; p < 65536; p++) if (portName(p, "tcp") === text || portName(p, "udp") === text || (text === "http" && p === 80)) return p;
  return undefined;
}

/** A network: `a.b.c.d/len`, or one to three dotted parts (a /8, /16 or /24). */
function netOf(text: string): [number | undefined, number] {
  const [addr = "", len] = text.split("/");
  const parts = addr.split(".");
  const bits = len !== undefined ? Number(len) : parts.length * 8;
  const full = parseIpv4([...parts, "0", "0", "0"].slice(0, 4).join("."));
  if (full === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return [undefined, 0];
  const mask = bits === 0 ? 0 : (0xffff_ffff << (32 - bits)) >>> 0;
  return [(full & mask) >>> 0, mask];
}
