// The IPv4 header (RFC 791 §3.1) with its header checksum (RFC 1071). Options are carried as raw
// bytes and skipped by IHL, as Linux's ip_rcv does; fragments are recognised (flags and offset are
// exposed, `isFragment`) but not reassembled here. Length checks follow ip_rcv_core in Linux:
// version 4 and IHL ≥ 5, header present, total length ≥ header and ≤ the bytes received; bytes past
// the total length (Ethernet padding) are not part of the packet.

import { readIpv4, writeIpv4 } from "./address.ts";
import type { Ipv4 } from "./address.ts";
import { readU16, writeU16 } from "./bytes.ts";
import { internetChecksum } from "./checksum.ts";
import { fail, ok } from "./result.ts";
import type { Result } from "./result.ts";

/** IP protocol numbers (IANA) this simulator knows by name. */
export const IpProtocol = {
  Icmp: 1,
  Tcp: 6,
  Udp: 17,
} as const;

/** Length of an IPv4 header without options. */
export const IPV4_HEADER_LEN = 20;
const NO_OPTIONS = new Uint8Array(0);

/** An IPv4 header; `payloadLen` is total length minus header length, `fragmentOffset` is in bytes. */
export interface Ipv4Repr {
  readonly src: Ipv4;
  readonly dst: Ipv4;
  readonly protocol: number;
  readonly ttl: number;
  /** The whole TOS byte: DSCP in the upper six bits, ECN in the lower two. */
  readonly tos: number;
  readonly ident: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  /** Offset of this fragment's data in the original datagram, in bytes (a multiple of 8). */
  readonly fragmentOffset: number;
  readonly payloadLen: number;
  /** Raw option bytes (a multiple of 4, at most 40); absent (or empty) when IHL is 5, and parse leaves it absent. */
  readonly options?: Uint8Array;
}

/** A checked view over an IPv4 packet: header, options and `totalLength` bytes are known present. */
export class Ipv4Packet {
  private constructor(
    readonly bytes: Uint8Array,
    /** IHL × 4. */
    readonly headerLen: number,
    /** The total length field (≤ bytes.length unless the view is over a quoted header). */
    readonly totalLength: number,
  ) {}

  /**
   * Checks version, IHL and lengths; never throws. With `quoted`, the payload may be cut short, as in
   * the copy of an offending datagram inside an ICMP error.
   */
  static check(bytes: Uint8Array, quoted = false): Result<Ipv4Packet> {
    if (bytes.length < IPV4_HEADER_LEN) return fail("truncated", "ipv4", `packet of ${bytes.length} bytes < 20`);
    const version = bytes[0]! >>> 4;
    if (version !== 4) return fail("bad-version", "ipv4", `version ${version}`);
    const headerLen = (bytes[0]! & 0x0f) * 4;
    if (headerLen < IPV4_HEADER_LEN) return fail("bad-length", "ipv4", `header length ${headerLen} < 20`);
    if (bytes.length < headerLen) return fail("truncated", "ipv4", `header length ${headerLen} > ${bytes.length} bytes`);
    const totalLength = readU16(bytes, 2);
    if (totalLength < headerLen) return fail("bad-length", "ipv4", `total length ${totalLength} < header ${headerLen}`);
    if (!quoted && totalLength > bytes.length) {
      return fail("truncated", "ipv4", `total length ${totalLength} > ${bytes.length} bytes`);
    }
    return ok(new Ipv4Packet(bytes, headerLen, totalLength));
  }

  /** Type of service byte. */
  get tos(): number {
    return this.bytes[1]!;
  }
  /** Identification. */
  get ident(): number {
    return readU16(this.bytes, 4);
  }
  /** DF flag. */
  get dontFragment(): boolean {
    return (this.bytes[6]! & 0x40) !== 0;
  }
  /** MF flag. */
  get moreFragments(): boolean {
    return (this.bytes[6]! & 0x20) !== 0;
  }
  /** Fragment offset in bytes. */
  get fragmentOffset(): number {
    return (readU16(this.bytes, 6) & 0x1fff) * 8;
  }
  /** True for any fragment (MF set or a non-zero offset): its payload is not a whole upper-layer message. */
  get isFragment(): boolean {
    return (readU16(this.bytes, 6) & 0x3fff) !== 0;
  }
  /** Time to live. */
  get ttl(): number {
    return this.bytes[8]!;
  }
  /** Upper-layer protocol number. */
  get protocol(): number {
    return this.bytes[9]!;
  }
  /** Header checksum field. */
  get checksum(): number {
    return readU16(this.bytes, 10);
  }
  /** Source address. */
  get src(): Ipv4 {
    return readIpv4(this.bytes, 12);
  }
  /** Destination address. */
  get dst(): Ipv4 {
    return readIpv4(this.bytes, 16);
  }
  /** Raw options (view). */
  get options(): Uint8Array {
    return this.headerLen === IPV4_HEADER_LEN ? NO_OPTIONS : this.bytes.subarray(IPV4_HEADER_LEN, this.headerLen);
  }
  /** True when the header checksum verifies. */
  get checksumValid(): boolean {
    return internetChecksum(this.bytes, 0, this.headerLen) === 0;
  }
  /** The payload up to the total length (view; shorter for a quoted header). */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.headerLen, Math.min(this.totalLength, this.bytes.length));
  }
}

/** Options for {@link parseIpv4Packet}. */
export interface Ipv4ParseOptions {
  /** Verify the header checksum (default true). */
  readonly verifyChecksum?: boolean;
  /** Accept a payload shorter than the total length (an ICMP error's quote). */
  readonly quoted?: boolean;
}

/** Parses an IPv4 header, verifying its checksum unless told not to. */
export function parseIpv4Packet(bytes: Uint8Array, options: Ipv4ParseOptions = {}): Result<Ipv4Repr> {
  const checked = Ipv4Packet.check(bytes, options.quoted ?? false);
  if (!checked.ok) return checked;
  const p = checked.value;
  if ((options.verifyChecksum ?? true) && !p.checksumValid) {
    return fail("bad-checksum", "ipv4", `header checksum 0x${p.checksum.toString(16).padStart(4, "0")} does not verify`);
  }
  const repr: Ipv4Repr = {
    src: p.src,
    dst: p.dst,
    protocol: p.protocol,
    ttl: p.ttl,
    tos: p.tos,
    ident: p.ident,
    dontFragment: p.dontFragment,
    moreFragments: p.moreFragments,
    fragmentOffset: p.fragmentOffset,
    payloadLen: p.totalLength - p.headerLen,
  };
  return ok(p.headerLen === IPV4_HEADER_LEN ? repr : { ...repr, options: p.options });
}

/** True when the repr describes a fragment (MF set or a non-zero offset). */
export function isFragment(repr: Ipv4Repr): boolean {
  return repr.moreFragments || repr.fragmentOffset !== 0;
}

/** Header length of a repr: 20 plus its options. */
export function ipv4HeaderLen(repr: Ipv4Repr): number {
  return IPV4_HEADER_LEN + (repr.options?.length ?? 0);
}

/** The payload of a parsed packet as a view: the bytes between the header and the total length. */
export function ipv4Payload(bytes: Uint8Array, repr: Ipv4Repr): Uint8Array {
  const start = ipv4HeaderLen(repr);
  return bytes.subarray(start, start + repr.payloadLen);
}

/** Writes the header (with options and checksum) at `offset`; returns the header length. Throws on an impossible repr. */
export function emitIpv4Header(repr: Ipv4Repr, buf: Uint8Array, offset = 0): number {
  const options = repr.options ?? NO_OPTIONS;
  const headerLen = IPV4_HEADER_LEN + options.length;
  if (options.length % 4 !== 0 || options.length > 40) throw new Error(`ipv4: options of ${options.length} bytes`);
  if (repr.fragmentOffset % 8 !== 0) throw new Error(`ipv4: fragment offset ${repr.fragmentOffset} not a multiple of 8`);
  buf[offset] = 0x40 | (headerLen >>> 2);
  buf[offset + 1] = repr.tos;
  writeU16(buf, offset + 2, headerLen + repr.payloadLen);
  writeU16(buf, offset + 4, repr.ident);
  const flags = (repr.dontFragment ? 0x4000 : 0) | (repr.moreFragments ? 0x2000 : 0);
  writeU16(buf, offset + 6, flags | (repr.fragmentOffset >>> 3));
  buf[offset + 8] = repr.ttl;
  buf[offset + 9] = repr.protocol;
  buf[offset + 10] = 0;
  buf[offset + 11] = 0;
  writeIpv4(buf, offset + 12, repr.src);
  writeIpv4(buf, offset + 16, repr.dst);
  if (options.length > 0) buf.set(options, offset + IPV4_HEADER_LEN);
  writeU16(buf, offset + 10, internetChecksum(buf, offset, offset + headerLen));
  return headerLen;
}
