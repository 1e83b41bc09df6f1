// The TCP header (RFC 9293 §3.1): ports, sequence and acknowledgment numbers, data offset, the eight
// flag bits, window, urgent pointer, options and the IPv4 pseudo-header checksum. Options are kept in
// order as they appear; MSS, window scale (RFC 7323), SACK-permitted (RFC 2018) and timestamps are
// decoded, any other option (or a known one with an unexpected length) is kept raw. The option list
// is padded with zero (End of Option List) bytes to a multiple of 4.

import type { Ipv4 } from "./address.ts";
import { readU16, readU32, writeU16, writeU32 } from "./bytes.ts";
import { foldChecksum, pseudoHeaderSum, sumWords } from "./checksum.ts";
import { IpProtocol } from "./ipv4.ts";
import { fail, ok } from "./result.ts";
import type { Result } from "./result.ts";

/** The flag bits of byte 13. */
export const TcpFlags = {
  Fin: 0x01,
  Syn: 0x02,
  Rst: 0x04,
  Psh: 0x08,
  Ack: 0x10,
  Urg: 0x20,
  Ece: 0x40,
  Cwr: 0x80,
} as const;

/** Length of a TCP header without options. */
export const TCP_HEADER_LEN = 20;

/** One TCP option, in wire order. */
export type TcpOption =
  | { readonly kind: "end" }
  | { readonly kind: "nop" }
  | { readonly kind: "mss"; readonly mss: number }
  | { readonly kind: "window-scale"; readonly shift: number }
  | { readonly kind: "sack-permitted" }
  | { readonly kind: "timestamps"; readonly tsVal: number; readonly tsEcr: number }
  | { readonly kind: "raw"; readonly code: number; readonly data: Uint8Array };

/** A TCP segment; `payload` is a view on parse. */
export interface TcpRepr {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  /** OR of {@link TcpFlags}. */
  readonly flags: number;
  readonly window: number;
  readonly urgent: number;
  readonly options: readonly TcpOption[];
  readonly payload: Uint8Array;
}

/** A checked view over a TCP segment: the header and its options are known present. */
export class TcpSegment {
  private constructor(
    readonly bytes: Uint8Array,
    /** Data offset × 4. */
    readonly headerLen: number,
  ) {}

  /** Checks the header and the data offset; never throws. */
  static check(bytes: Uint8Array): Result<TcpSegment> {
    if (bytes.length < TCP_HEADER_LEN) return fail("truncated", "tcp", `segment of ${bytes.length} bytes < 20`);
    const headerLen = (bytes[12]! >>> 4) * 4;
    if (headerLen < TCP_HEADER_LEN) return fail("bad-length", "tcp", `data offset ${headerLen} < 20`);
    if (headerLen > bytes.length) return fail("truncated", "tcp", `data offset ${headerLen} > ${bytes.length} bytes`);
    return ok(new TcpSegment(bytes, headerLen));
  }

  /** Source port. */
  get srcPort(): number {
    return readU16(this.bytes, 0);
  }
  /** Destination port. */
  get dstPort(): number {
    return readU16(this.bytes, 2);
  }
  /** Sequence number. */
  get seq(): number {
    return readU32(this.bytes, 4);
  }
  /** Acknowledgment number. */
  get ack(): number {
    return readU32(this.bytes, 8);
  }
  /** Flag bits. */
  get flags(): number {
    return this.bytes[13]!;
  }
  /** Window. */
  get window(): number {
    return readU16(this.bytes, 14);
  }
  /** Checksum field. */
  get checksum(): number {
    return readU16(this.bytes, 16);
  }
  /** Urgent pointer. */
  get urgent(): number {
    return readU16(this.bytes, 18);
  }
  /** Raw option bytes (view). */
  get optionBytes(): Uint8Array {
    return this.bytes.subarray(TCP_HEADER_LEN, this.headerLen);
  }
  /** The data after the header (view). */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.headerLen);
  }
  /** True when the checksum verifies against the pseudo-header (the segment is the whole IP payload). */
  checksumValid(src: Ipv4, dst: Ipv4): boolean {
    const length = this.bytes.length;
    return foldChecksum(sumWords(this.bytes, 0, length, pseudoHeaderSum(src, dst, IpProtocol.Tcp, length))) === 0;
  }
}

/** Parses the option bytes of a header into a list; `malformed` when a length is impossible. */
export function parseTcpOptions(bytes: Uint8Array): Result<TcpOption[]> {
  const options: TcpOption[] = [];
  let i = 0;
  while (i < bytes.length) {
    const code = bytes[i]!;
    if (code === 0) {
      options.push({ kind: "end" });
      break;
    }
    if (code === 1) {
      options.push({ kind: "nop" });
      i += 1;
      continue;
    }
    const len = bytes[i + 1];
    if (len === undefined || len < 2 || i + len > bytes.length) return fail("malformed", "tcp", `option ${code} has length ${len ?? "missing"}`);
    options.push(decodeOption(code, bytes.subarray(i + 2, i + len)));
    i += len;
  }
  return ok(options);
}

/** Decodes one option with a length byte; unexpected lengths stay raw. */
function decodeOption(code: number, data: Uint8Array): TcpOption {
  if (code === 2 && data.length === 2) return { kind: "mss", mss: readU16(data, 0) };
  if (code === 3 && data.length === 1) return { kind: "window-scale", shift: data[0]! };
  if (code === 4 && data.length === 0) return { kind: "sack-permitted" };
  if (code === 8 && data.length === 8) return { kind: "timestamps", tsVal: readU32(data, 0), tsEcr: readU32(data, 4) };
  return { kind: "raw", code, data };
}

/** Parses a TCP segment (the whole IP payload) carried from `src` to `dst`, verifying its checksum unless told not to. */
export function parseTcp(bytes: Uint8Array, src: Ipv4, dst: Ipv4, verifyChecksum = true): Result<TcpRepr> {
  const checked = TcpSegment.check(bytes);
  if (!checked.ok) return checked;
  const s = checked.value;
  if (verifyChecksum && !s.checksumValid(src, dst)) return fail("bad-checksum", "tcp", `checksum 0x${s.checksum.toString(16).padStart(4, "0")} does not verify`);
  const options = parseTcpOptions(s.optionBytes);
  if (!options.ok) return options;
  return ok({
    srcPort: s.srcPort,
    dstPort: s.dstPort,
    seq: s.seq,
    ack: s.ack,
    flags: s.flags,
    window: s.window,
    urgent: s.urgent,
    options: options.value,
    payload: s.payload,
  });
}

/** Encoded length of one option. */
function optionLen(option: TcpOption): number {
  switch (option.kind) {
    case "end":
    case "nop":
      return 1;
    case "mss":
      return 4;
    case "window-scale":
      return 3;
    case "sack-permitted":
      return 2;
    case "timestamps":
      return 10;
    case "raw":
      return 2 + option.data.length;
  }
}

/** Header length of a repr: 20 plus its options padded to a multiple of 4. */
export function tcpHeaderLen(repr: TcpRepr): number {
  let len = 0;
  for (const option of repr.options) len += optionLen(option);
  return TCP_HEADER_LEN + ((len + 3) & ~3);
}

/** Length of the encoded segment. */
export function tcpBufferLen(repr: TcpRepr): number {
  return tcpHeaderLen(repr) + repr.payload.length;
}

/** Writes one option at `at`; returns the offset after it. */
function emitOption(option: TcpOption, buf: Uint8Array, at: number): number {
  switch (option.kind) {
    case "end":
    case "nop":
      buf[at] = option.kind === "end" ? 0 : 1;
      return at + 1;
    case "mss":
      buf.set([2, 4], at);
      writeU16(buf, at + 2, option.mss);
      return at + 4;
    case "window-scale":
      buf.set([3, 3, option.shift], at);
      return at + 3;
    case "sack-permitted":
      buf.set([4, 2], at);
      return at + 2;
    case "timestamps":
      buf.set([8, 10], at);
      writeU32(buf, at + 2, option.tsVal);
      writeU32(buf, at + 6, option.tsEcr);
      return at + 10;
    case "raw":
      buf[at] = option.code;
      buf[at + 1] = 2 + option.data.length;
      buf.set(option.data, at + 2);
      return at + 2 + option.data.length;
  }
}

/** Writes the segment (header, options, payload, checksum) at `offset`; returns its length. Throws when options exceed 40 bytes. */
export function emitTcp(repr: TcpRepr, buf: Uint8Array, offset: number, src: Ipv4, dst: Ipv4): number {
  const headerLen = tcpHeaderLen(repr);
  if (headerLen > 60) throw new Error(`tcp: header of ${headerLen} bytes`);
  const length = headerLen + repr.payload.length;
  writeU16(buf, offset, repr.srcPort);
  writeU16(buf, offset + 2, repr.dstPort);
  writeU32(buf, offset + 4, repr.seq);
  writeU32(buf, offset + 8, repr.ack);
  buf[offset + 12] = (headerLen >>> 2) << 4;
  buf[offset + 13] = repr.flags;
  writeU16(buf, offset + 14, repr.window);
  writeU16(buf, offset + 16, 0);
  writeU16(buf, offset + 18, repr.urgent);
  let at = offset + TCP_HEADER_LEN;
  for (const option of repr.options) at = emitOption(option, buf, at);
  buf.fill(0, at, offset + headerLen);
  buf.set(repr.payload, offset + headerLen);
  const sum = foldChecksum(sumWords(buf, offset, offset + length, pseudoHeaderSum(src, dst, IpProtocol.Tcp, length)));
  writeU16(buf, offset + 16, sum);
  return length;
}

/** Encodes a segment into a new array. */
export function encodeTcp(repr: TcpRepr, src: Ipv4, dst: Ipv4): Uint8Array {
  const buf = new Uint8Array(tcpBufferLen(repr));
  emitTcp(repr, buf, 0, src, dst);
  return buf;
}

/** The MSS option's value, if the segment carries one. */
export function tcpMss(repr: TcpRepr): number | undefined {
  for (const option of repr.options) if (option.kind === "mss") return option.mss;
  return undefined;
}
