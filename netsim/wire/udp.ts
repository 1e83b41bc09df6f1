// UDP (RFC 768) with the IPv4 pseudo-header checksum. A zero checksum field means "not computed"
// and is accepted without verification; a computed checksum of zero is sent as 0xffff. Length
// checks follow Linux's udp_rcv: the length field must be at least 8 and at most the bytes present;
// bytes beyond the length field are trimmed.

import type { Ipv4 } from "./address.ts";
import { readU16, writeU16 } from "./bytes.ts";
import { foldChecksum, pseudoHeaderSum, sumWords } from "./checksum.ts";
import { IpProtocol } from "./ipv4.ts";
import { fail, ok } from "./result.ts";
import type { Result } from "./result.ts";

/** Length of the UDP header. */
export const UDP_HEADER_LEN = 8;

/** A UDP datagram; `payload` is a view on parse. */
export interface UdpRepr {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
}

/** A checked view over a UDP datagram: the header and `length` bytes are known present. */
export class UdpDatagram {
  private constructor(readonly bytes: Uint8Array) {}

  /** Checks the header and the length field; never throws. */
  static check(bytes: Uint8Array): Result<UdpDatagram> {
    if (bytes.length < UDP_HEADER_LEN) return fail("truncated", "udp", `datagram of ${bytes.length} bytes < 8`);
    const length = readU16(bytes, 4);
    if (length < UDP_HEADER_LEN) return fail("bad-length", "udp", `length field ${length} < 8`);
    if (length > bytes.length) return fail("truncated", "udp", `length field ${length} > ${bytes.length} bytes`);
    return ok(new UdpDatagram(bytes));
  }

  /** Source port. */
  get srcPort(): number {
    return readU16(this.bytes, 0);
  }
  /** Destination port. */
  get dstPort(): number {
    return readU16(this.bytes, 2);
  }
  /** Length field (header + payload). */
  get length(): number {
    return readU16(this.bytes, 4);
  }
  /** Checksum field (0 = not computed). */
  get checksum(): number {
    return readU16(this.bytes, 6);
  }
  /** The payload up to the length field (view). */
  get payload(): Uint8Array {
    return this.bytes.subarray(UDP_HEADER_LEN, this.length);
  }
  /** True when the checksum is absent (0) or verifies against the pseudo-header. */
  checksumValid(src: Ipv4, dst: Ipv4): boolean {
    if (this.checksum === 0) return true;
    const length = this.length;
    return foldChecksum(sumWords(this.bytes, 0, length, pseudoHeaderSum(src, dst, IpProtocol.Udp, length))) === 0;
  }
}

/** Parses a UDP datagram carried from `src` to `dst`, verifying a non-zero checksum unless told not to. */
export function parseUdp(bytes: Uint8Array, src: Ipv4, dst: Ipv4, verifyChecksum = true): Result<UdpRepr> {
  const checked = UdpDatagram.check(bytes);
  if (!checked.ok) return checked;
  const d = checked.value;
  if (verifyChecksum && !d.checksumValid(src, dst)) {
    return fail("bad-checksum", "udp", `checksum 0x${d.checksum.toString(16).padStart(4, "0")} does not verify`);
  }
  return ok({ srcPort: d.srcPort, dstPort: d.dstPort, payload: d.payload });
}

/** Length of the encoded datagram. */
export function udpBufferLen(repr: UdpRepr): number {
  return UDP_HEADER_LEN + repr.payload.length;
}

/**
 * Writes the datagram at `offset` with its pseudo-header checksum, or a zero checksum when
 * `computeChecksum` is false; returns its length.
 */
export function emitUdp(repr: UdpRepr, buf: Uint8Array, offset: number, src: Ipv4, dst: Ipv4, computeChecksum = true): number {
  buf.set(repr.payload, offset + UDP_HEADER_LEN);
  return emitUdpHeader(repr.srcPort, repr.dstPort, repr.payload.length, buf, offset, src, dst, computeChecksum);
}

/**
 * Writes a UDP header at `offset` for a payload of `payloadLen` bytes already in place after it, and
 * its checksum: lets a builder write the payload straight into the frame. Returns the datagram length.
 */
export function emitUdpHeader(
  srcPort: number,
  dstPort: number,
  payloadLen: number,
  buf: Uint8Array,
  offset: number,
  src: Ipv4,
  dst: Ipv4,
  computeChecksum = true,
): number {
  const length = UDP_HEADER_LEN + payloadLen;
  if (length > 0xffff) throw new Error(`udp: datagram of ${length} bytes`);
  writeU16(buf, offset, srcPort);
  writeU16(buf, offset + 2, dstPort);
  writeU16(buf, offset + 4, length);
  writeU16(buf, offset + 6, 0);
  if (computeChecksum) {
    const sum = foldChecksum(sumWords(buf, offset, offset + length, pseudoHeaderSum(src, dst, IpProtocol.Udp, length)));
    writeU16(buf, offset + 6, sum === 0 ? 0xffff : sum);
  }
  return length;
}

/** Encodes a datagram into a new array. */
export function encodeUdp(repr: UdpRepr, src: Ipv4, dst: Ipv4, computeChecksum = true): Uint8Array {
  const buf = new Uint8Array(udpBufferLen(repr));
  emitUdp(repr, buf, 0, src, dst, computeChecksum);
  return buf;
}
