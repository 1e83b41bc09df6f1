// ICMP for IPv4 (RFC 792): echo request/reply, destination unreachable (with the next-hop MTU of
// RFC 1191 for "fragmentation needed"), redirect and time exceeded; any other type is kept as raw
// type/code/rest-of-header/data so nothing is lost. Error messages carry a quote of the offending
// datagram: RFC 792 asks for its IP header plus the first 8 data bytes; Linux (icmp_send) quotes as
// much as fits in a 576-byte reply. The codec carries whatever quote it is given.

import { readIpv4, writeIpv4 } from "./address.ts";
import type { Ipv4 } from "./address.ts";
import { readU16, readU32, writeU16, writeU32 } from "./bytes.ts";
import { internetChecksum } from "./checksum.ts";
import { ipv4HeaderLen, parseIpv4Packet } from "./ipv4.ts";
import type { Ipv4Repr } from "./ipv4.ts";
import { fail, ok } from "./result.ts";
import type { Result } from "./result.ts";

/** ICMP message types (IANA) this simulator knows by name. */
export const IcmpType = {
  EchoReply: 0,
  DstUnreachable: 3,
  Redirect: 5,
  EchoRequest: 8,
  TimeExceeded: 11,
} as const;

/** Destination-unreachable codes (RFC 792, RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1). */
export const DstUnreachableCode = {
  Net: 0,
  Host: 1,
  Protocol: 2,
  Port: 3,
  FragNeeded: 4,
  SourceRouteFailed: 5,
  NetUnknown: 6,
  HostUnknown: 7,
  SourceHostIsolated: 8,
  NetProhibited: 9,
  HostProhibited: 10,
  NetTos: 11,
  HostTos: 12,
  AdminProhibited: 13,
  HostPrecedence: 14,
  PrecedenceCutoff: 15,
} as const;

/** Time-exceeded codes. */
export const TimeExceededCode = {
  TtlExceeded: 0,
  FragReassembly: 1,
} as const;

/** Length of the ICMP header (type, code, checksum, 4 bytes of rest-of-header). */
export const ICMP_HEADER_LEN = 8;

/** An ICMP message; `data`/`quoted` are views on parse. */
export type IcmpRepr =
  | { readonly kind: "echo-request" | "echo-reply"; readonly ident: number; readonly seq: number; readonly data: Uint8Array }
  | { readonly kind: "dst-unreachable"; readonly code: number; readonly nextHopMtu?: number; readonly quoted: Uint8Array }
  | { readonly kind: "time-exceeded"; readonly code: number; readonly quoted: Uint8Array }
  | { readonly kind: "redirect"; readonly code: number; readonly gateway: Ipv4; readonly quoted: Uint8Array }
  | { readonly kind: "other"; readonly type: number; readonly code: number; readonly rest: number; readonly data: Uint8Array };

/** A checked view over an ICMP message (8-byte header known present). */
export class IcmpMessage {
  private constructor(readonly bytes: Uint8Array) {}

  /** Checks the header length; never throws. */
  static check(bytes: Uint8Array): Result<IcmpMessage> {
    if (bytes.length < ICMP_HEADER_LEN) return fail("truncated", "icmp", `message of ${bytes.length} bytes < 8`);
    return ok(new IcmpMessage(bytes));
  }

  /** Message type. */
  get type(): number {
    return this.bytes[0]!;
  }
  /** Message code. */
  get code(): number {
    return this.bytes[1]!;
  }
  /** Checksum field. */
  get checksum(): number {
    return readU16(this.bytes, 2);
  }
  /** The 4 bytes after the checksum as one number (ident/seq, gateway, MTU, …). */
  get rest(): number {
    return readU32(this.bytes, 4);
  }
  /** True when the checksum over the whole message verifies. */
  get checksumValid(): boolean {
    return internetChecksum(this.bytes) === 0;
  }
  /** Everything after the 8-byte header (view). */
  get data(): Uint8Array {
    return this.bytes.subarray(ICMP_HEADER_LEN);
  }
}

/** Parses an ICMP message (the whole IP payload), verifying its checksum unless told not to. */
export function parseIcmp(bytes: Uint8Array, verifyChecksum = true): Result<IcmpRepr> {
  const checked = IcmpMessage.check(bytes);
  if (!checked.ok) return checked;
  const m = checked.value;
  if (verifyChecksum && !m.checksumValid) return fail("bad-checksum", "icmp", `checksum 0x${m.checksum.toString(16).padStart(4, "0")} does not verify`);
  const { code, data } = m;
  switch (m.type) {
    case IcmpType.EchoRequest:
    case IcmpType.EchoReply: {
      const kind = m.type === IcmpType.EchoRequest ? "echo-request" : "echo-reply";
      return ok({ kind, ident: readU16(bytes, 4), seq: readU16(bytes, 6), data });
    }
    case IcmpType.DstUnreachable:
      if (code === DstUnreachableCode.FragNeeded) return ok({ kind: "dst-unreachable", code, nextHopMtu: readU16(bytes, 6), quoted: data });
      return ok({ kind: "dst-unreachable", code, quoted: data });
    case IcmpType.TimeExceeded:
      return ok({ kind: "time-exceeded", code, quoted: data });
    case IcmpType.Redirect:
      return ok({ kind: "redirect", code, gateway: readIpv4(bytes, 4), quoted: data });
    default:
      return ok({ kind: "other", type: m.type, code, rest: m.rest, data });
  }
}

/** The bytes after the 8-byte header of a repr (echo data, quote or raw data). */
function icmpBody(repr: IcmpRepr): Uint8Array {
  return "quoted" in repr ? repr.quoted : repr.data;
}

/** Length of the encoded message. */
export function icmpBufferLen(repr: IcmpRepr): number {
  return ICMP_HEADER_LEN + icmpBody(repr).length;
}

/** Writes the message (header, body, checksum) at `offset`; returns its length. */
export function emitIcmp(repr: IcmpRepr, buf: Uint8Array, offset = 0): number {
  writeIcmpHeader(repr, buf, offset);
  const body = icmpBody(repr);
  buf.set(body, offset + ICMP_HEADER_LEN);
  const end = offset + ICMP_HEADER_LEN + body.length;
  writeU16(buf, offset + 2, internetChecksum(buf, offset, end));
  return end - offset;
}

/** Type, code, zero checksum and rest-of-header of a repr. */
function writeIcmpHeader(repr: IcmpRepr, buf: Uint8Array, offset: number): void {
  buf[offset + 2] = 0;
  buf[offset + 3] = 0;
  switch (repr.kind) {
    case "echo-request":
    case "echo-reply":
      buf[offset] = repr.kind === "echo-request" ? IcmpType.EchoRequest : IcmpType.EchoReply;
      buf[offset + 1] = 0;
      writeU16(buf, offset + 4, repr.ident);
      writeU16(buf, offset + 6, repr.seq);
      return;
    case "dst-unreachable":
      buf[offset] = IcmpType.DstUnreachable;
      buf[offset + 1] = repr.code;
      writeU16(buf, offset + 4, 0);
      writeU16(buf, offset + 6, repr.nextHopMtu ?? 0);
      return;
    case "time-exceeded":
      buf[offset] = IcmpType.TimeExceeded;
      buf[offset + 1] = repr.code;
      writeU32(buf, offset + 4, 0);
      return;
    case "redirect":
      buf[offset] = IcmpType.Redirect;
      buf[offset + 1] = repr.code;
      writeIpv4(buf, offset + 4, repr.gateway);
      return;
    case "other":
      buf[offset] = repr.type;
      buf[offset + 1] = repr.code;
      writeU32(buf, offset + 4, repr.rest);
  }
}

/** Encodes a message into a new array. */
export function encodeIcmp(repr: IcmpRepr): Uint8Array {
  const buf = new Uint8Array(icmpBufferLen(repr));
  emitIcmp(repr, buf, 0);
  return buf;
}

/** The quoted datagram of an ICMP error: its IP header and the (possibly cut) transport bytes. */
export interface IcmpQuote {
  readonly ip: Ipv4Repr;
  /** Bytes after the quoted IP header: at least the first 8 (ports, TCP sequence) when the sender obeyed RFC 792. */
  readonly transport: Uint8Array;
}

/** Parses the quote inside an ICMP error (its IP header checksum is not checked: NAT rewrites it). */
export function parseIcmpQuote(quoted: Uint8Array): Result<IcmpQuote> {
  const ip = parseIpv4Packet(quoted, { quoted: true, verifyChecksum: false });
  if (!ip.ok) return ip;
  const start = ipv4HeaderLen(ip.value);
  return ok({ ip: ip.value, transport: quoted.subarray(start, start + ip.value.payloadLen) });
}
