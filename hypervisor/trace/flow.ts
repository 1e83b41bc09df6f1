// Which frames belong to one traced exchange: the request's 5-tuple as it is rewritten along the way
// (each netfilter `nat` event's before → after adds the translated form, as conntrack's tuple pair
// records it), its reverse for the reply, and ICMP errors quoting any form of the request (RFC 792:
// an error carries the offending IP header and its first 8 data bytes).
import type { DecodedFrame } from "../../netsim/wire/decode.ts";
import { ipv4ToString, readIpv4 } from "../../netsim/wire/address.ts";

/** The protocols a trace can send. */
export type TraceProto = "icmp" | "udp" | "tcp";

/** One direction of a flow: protocol, addresses and ports (the ICMP echo ident stands for both ports). */
export interface FlowKey {
  readonly proto: TraceProto;
  readonly src: string;
  readonly sport: number;
  readonly dst: string;
  readonly dport: number;
}

const text = (k: FlowKey) => `${k.proto} ${k.src}:${k.sport} > ${k.dst}:${k.dport}`;
const reverse = (k: FlowKey): FlowKey => ({ proto: k.proto, src: k.dst, sport: k.dport, dst: k.src, dport: k.sport });
const PROTO_OF: Readonly<Record<number, TraceProto>> = { 1: "icmp", 6: "tcp", 17: "udp" };

/** How a frame relates to the flow. */
export type Direction = "request" | "reply" | undefined;

/** The forms the request takes along its path, and the matching of frames against them. */
export class Flow {
  private readonly forms = new Map<string, FlowKey>();

  constructor(first: FlowKey) {
    this.forms.set(text(first), first);
  }

  /** Every form of the request seen so far, the original first. */
  requestForms(): readonly FlowKey[] {
    return [...this.forms.values()];
  }

  /** True when `src` → `dst` (dotted quads) is a form of the request's addresses. */
  requestAddresses(src: string, dst: string): boolean {
    return this.requestForms().some((k) => k.src === src && k.dst === dst);
  }

  /** True when `src` → `dst` is a form of the reply's addresses. */
  replyAddresses(src: string, dst: string): boolean {
    return this.requestForms().some((k) => k.dst === src && k.src === dst);
  }

  /** Adds the translated form a `nat` event reports, when its `before` is a form of the request. */
  translated(before: string, after: string): boolean {
    const b = parseTuple(before);
    const a = parseTuple(after);
    if (b === undefined || a === undefined || !this.forms.has(text(b))) return false;
    this.forms.set(text(a), a);
    return true;
  }

  /** Whether a decoded frame is the request, the reply (or an ICMP error about the request), or neither. */
  direction(frame: DecodedFrame): Direction {
    const key = keyOf(frame);
    if (key === undefined) return undefined;
    const icmp = frame.icmp;
    if (icmp?.kind !== "echo-reply" && this.forms.has(text(key))) return "request";
    if (icmp?.kind !== "echo-request" && this.forms.has(text(reverse(key)))) return "reply";
    if (icmp?.kind === "dst-unreachable" || icmp?.kind === "time-exceeded") {
      const quoted = quotedKey(icmp.quoted);
      if (quoted !== undefined && this.forms.has(text(quoted))) return "reply";
    }
    return undefined;
  }
}

/** The flow key of a decoded IPv4 frame; ICMP errors have their own (ident 0). */
function keyOf(frame: DecodedFrame): FlowKey | undefined {
  const ip = frame.ipv4;
  if (ip === undefined) return undefined;
  const proto = PROTO_OF[ip.protocol];
  if (proto === undefined) return undefined;
  const [src, dst] = [ipv4ToString(ip.src), ipv4ToString(ip.dst)];
  const ports = frame.udp ?? frame.tcp;
  if (ports) return { proto, src, sport: ports.srcPort, dst, dport: ports.dstPort };
  const icmp = frame.icmp;
  const ident = icmp && (icmp.kind === "echo-request" || icmp.kind === "echo-reply") ? icmp.ident : 0;
  return { proto, src, sport: ident, dst, dport: ident };
}

/** What a packet is, as one phrase: `ICMP echo request id 30834 seq 1`, `UDP 45000 → 33434`, `TCP [S.] 22 → 45000`. */
export function summary(frame: DecodedFrame): string {
  const { icmp, udp, tcp } = frame;
  if (udp) return `UDP ${udp.srcPort} → ${udp.dstPort}`;
  if (tcp) {
    const flags = [[0x02, "S"], [0x01, "F"], [0x04, "R"], [0x08, "P"], [0x10, "."]] as const;
    return `TCP [${flags.filter(([bit]) => (tcp.flags & bit) !== 0).map(([, c]) => c).join("")}] ${tcp.srcPort} → ${tcp.dstPort}`;
  }
  if (icmp === undefined) return "IPv4";
  if (icmp.kind === "echo-request" || icmp.kind === "echo-reply") return `ICMP ${icmp.kind.replace("-", " ")} id ${icmp.ident} seq ${icmp.seq}`;
  if (icmp.kind === "dst-unreachable" || icmp.kind === "time-exceeded") return `ICMP ${icmp.kind === "dst-unreachable" ? "destination unreachable" : "time exceeded"} code ${icmp.code}`;
  return `ICMP ${icmp.kind}`;
}

/** The key of the packet an ICMP error quotes: its IP header and first 8 bytes, read directly. */
function quotedKey(q: Uint8Array): FlowKey | undefined {
  if (q.length < 20) return undefined;
  const ihl = (q[0]! & 0x0f) * 4;
  const proto = PROTO_OF[q[9]!];
  if (proto === undefined || q.length < ihl + 8) return undefined;
  const word = (at: number) => (q[ihl + at]! << 8) | q[ihl + at + 1]!;
  const [src, dst] = [ipv4ToString(readIpv4(q, 12)), ipv4ToString(readIpv4(q, 16))];
  if (proto === "icmp") return { proto, src, sport: word(4), dst, dport: word(4) };
  return { proto, src, sport: word(0), dst, dport: word(2) };
}

/** Reads a conntrack tuple as netfilter's trace prints it: `udp A:P > B:Q`, `icmp A > B type 8 code 0 id N`. */
export function parseTuple(tuple: string): FlowKey | undefined {
  const m = /^(icmp|udp|tcp) ([\d.]+)(?::(\d+))? > ([\d.]+)(?::(\d+))?(?:.* id (\d+))?/.exec(tuple);
  if (m === null) return undefined;
  const proto = m[1] as TraceProto;
  const id = Number(m[6] ?? 0);
  if (proto === "icmp") return { proto, src: m[2]!, sport: id, dst: m[4]!, dport: id };
  return { proto, src: m[2]!, sport: Number(m[3] ?? 0), dst: m[4]!, dport: Number(m[5] ?? 0) };
}
