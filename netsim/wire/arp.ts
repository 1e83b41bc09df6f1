// ARP over Ethernet for IPv4 (RFC 826): hardware type 1, protocol type 0x0800, address lengths 6
// and 4, so the packet is 28 bytes; on the wire it is usually followed by padding up to the 60-byte
// Ethernet minimum, which is ignored. Other hardware/protocol types are refused as `unsupported`.

import { readIpv4, readMac, writeIpv4, writeMac } from "./address.ts";
import type { Ipv4, Mac } from "./address.ts";
import { readU16, writeU16 } from "./bytes.ts";
import { EtherType } from "./ethernet.ts";
import { fail, ok } from "./result.ts";
import type { Result } from "./result.ts";

/** ARP operation codes (RFC 826, RFC 903 for the reverse ones). */
export const ArpOp = {
  Request: 1,
  Reply: 2,
  ReverseRequest: 3,
  ReverseReply: 4,
} as const;

/** Length of an Ethernet/IPv4 ARP packet. */
export const ARP_LEN = 28;
const HTYPE_ETHERNET = 1;

/** An Ethernet/IPv4 ARP packet. */
export interface ArpRepr {
  readonly op: number;
  readonly senderMac: Mac;
  readonly senderIp: Ipv4;
  readonly targetMac: Mac;
  readonly targetIp: Ipv4;
}

/** A checked view over an Ethernet/IPv4 ARP packet (28 bytes known present, types checked). */
export class ArpPacket {
  private constructor(readonly bytes: Uint8Array) {}

  /** Checks length and the hardware/protocol types; never throws. */
  static check(bytes: Uint8Array): Result<ArpPacket> {
    if (bytes.length < 8) return fail("truncated", "arp", `packet of ${bytes.length} bytes < 8`);
    const htype = readU16(bytes, 0);
    const ptype = readU16(bytes, 2);
    if (htype !== HTYPE_ETHERNET || ptype !== EtherType.Ipv4 || bytes[4] !== 6 || bytes[5] !== 4) {
      return fail("unsupported", "arp", `hardware ${htype}/${bytes[4]} protocol 0x${ptype.toString(16)}/${bytes[5]}`);
    }
    if (bytes.length < ARP_LEN) return fail("truncated", "arp", `packet of ${bytes.length} bytes < 28`);
    return ok(new ArpPacket(bytes));
  }

  /** Operation (1 request, 2 reply). */
  get op(): number {
    return readU16(this.bytes, 6);
  }
  /** Sender hardware address. */
  get senderMac(): Mac {
    return readMac(this.bytes, 8);
  }
  /** Sender protocol address. */
  get senderIp(): Ipv4 {
    return readIpv4(this.bytes, 14);
  }
  /** Target hardware address (zero in a request). */
  get targetMac(): Mac {
    return readMac(this.bytes, 18);
  }
  /** Target protocol address. */
  get targetIp(): Ipv4 {
    return readIpv4(this.bytes, 24);
  }
}

/** Parses an Ethernet/IPv4 ARP packet (trailing padding ignored). */
export function parseArp(bytes: Uint8Array): Result<ArpRepr> {
  const checked = ArpPacket.check(bytes);
  if (!checked.ok) return checked;
  const p = checked.value;
  return ok({ op: p.op, senderMac: p.senderMac, senderIp: p.senderIp, targetMac: p.targetMac, targetIp: p.targetIp });
}

/** Writes the 28-byte packet at `offset`. */
export function emitArp(repr: ArpRepr, buf: Uint8Array, offset = 0): void {
  writeU16(buf, offset, HTYPE_ETHERNET);
  writeU16(buf, offset + 2, EtherType.Ipv4);
  buf[offset + 4] = 6;
  buf[offset + 5] = 4;
  writeU16(buf, offset + 6, repr.op);
  writeMac(buf, offset + 8, repr.senderMac);
  writeIpv4(buf, offset + 14, repr.senderIp);
  writeMac(buf, offset + 18, repr.targetMac);
  writeIpv4(buf, offset + 24, repr.targetIp);
}
