// BOOTP/DHCP messages (RFC 951, RFC 2131 §2): the 236-byte fixed part, the magic cookie 99.130.83.99
// and the options (see dhcp-options.ts). Only Ethernet hardware addresses (htype 1, hlen 6) are
// modelled. Like dhclient and udhcpc, the encoder pads a message to the 300-byte BOOTP minimum
// (RFC 951's 64-byte vendor area); a parsed message may be longer. Option overload (52) is not
// followed: the option is kept raw and sname/file are read as names.

import { readIpv4, readMac, writeIpv4, writeMac } from "./address.ts";
import type { Ipv4, Mac } from "./address.ts";
import { latin1, readU16, readU32, writeU16, writeU32 } from "./bytes.ts";
import { encodeDhcpOptions, parseDhcpOptions } from "./dhcp-options.ts";
import type { DhcpOptions } from "./dhcp-options.ts";
import { fail, ok } from "./result.ts";
import type { Result } from "./result.ts";

export { DhcpOptionCode, encodeDhcpOptions, parseDhcpOptions } from "./dhcp-options.ts";
export type { DhcpOptions, DhcpRawOption } from "./dhcp-options.ts";

/** BOOTP op codes. */
export const BootpOp = { Request: 1, Reply: 2 } as const;

/** DHCP message types (option 53, RFC 2132 §9.6). */
export const DhcpMessageType = {
  Discover: 1,
  Offer: 2,
  Request: 3,
  Decline: 4,
  Ack: 5,
  Nak: 6,
  Release: 7,
  Inform: 8,
} as const;

/** UDP port of DHCP servers (bootps). */
export const DHCP_SERVER_PORT = 67;
/** UDP port of DHCP clients (bootpc). */
export const DHCP_CLIENT_PORT = 68;
/** Length of the fixed part before the magic cookie. */
export const BOOTP_FIXED_LEN = 236;
/** The smallest BOOTP message (RFC 951); encoders pad to it. */
export const BOOTP_MIN_LEN = 300;
/** The magic cookie 99.130.83.99 (RFC 2132 §2). */
export const DHCP_MAGIC_COOKIE = 0x63825363;
const OPTIONS_START = BOOTP_FIXED_LEN + 4;
const FLAG_BROADCAST = 0x8000;
const HTYPE_ETHERNET = 1;

/** A BOOTP/DHCP message: the fixed part plus the decoded options. */
export interface DhcpRepr extends DhcpOptions {
  /** 1 = BOOTREQUEST (client), 2 = BOOTREPLY (server). */
  readonly op: number;
  readonly hops: number;
  readonly xid: number;
  readonly secs: number;
  /** The BROADCAST bit of `flags`. */
  readonly broadcast: boolean;
  readonly ciaddr: Ipv4;
  readonly yiaddr: Ipv4;
  readonly siaddr: Ipv4;
  readonly giaddr: Ipv4;
  readonly chaddr: Mac;
  /** Server host name, at most 63 Latin-1 characters. */
  readonly sname: string;
  /** Boot file name, at most 127 Latin-1 characters. */
  readonly file: string;
}

/** What a caller must give to build a message; every fixed field left out is zero or empty. */
export type DhcpInit = Partial<DhcpRepr> & Pick<DhcpRepr, "op" | "xid" | "chaddr">;

/** A complete repr from the fields that matter, the rest zero. */
export function dhcpRepr(init: DhcpInit): DhcpRepr {
  return { hops: 0, secs: 0, broadcast: false, ciaddr: 0, yiaddr: 0, siaddr: 0, giaddr: 0, sname: "", file: "", ...init };
}

/** A checked view over a DHCP message: fixed part, Ethernet chaddr and magic cookie verified. */
export class DhcpMessage {
  private constructor(readonly bytes: Uint8Array) {}

  /** Checks the length, hardware type and cookie; never throws. */
  static check(bytes: Uint8Array): Result<DhcpMessage> {
    if (bytes.length < OPTIONS_START) return fail("truncated", "dhcp", `message of ${bytes.length} bytes < 240`);
    if (bytes[1] !== HTYPE_ETHERNET || bytes[2] !== 6) return fail("unsupported", "dhcp", `hardware type ${bytes[1]} length ${bytes[2]}`);
    if (readU32(bytes, BOOTP_FIXED_LEN) !== DHCP_MAGIC_COOKIE) return fail("unsupported", "dhcp", "no DHCP magic cookie (plain BOOTP)");
    return ok(new DhcpMessage(bytes));
  }

  /** Op code. */
  get op(): number {
    return this.bytes[0]!;
  }
  /** Transaction id. */
  get xid(): number {
    return readU32(this.bytes, 4);
  }
  /** Flags field. */
  get flags(): number {
    return readU16(this.bytes, 10);
  }
  /** Client hardware address. */
  get chaddr(): Mac {
    return readMac(this.bytes, 28);
  }
  /** The options area after the cookie (view). */
  get optionBytes(): Uint8Array {
    return this.bytes.subarray(OPTIONS_START);
  }
  /** A NUL-terminated Latin-1 field. */
  text(offset: number, size: number): string {
    const field = this.bytes.subarray(offset, offset + size);
    const end = field.indexOf(0);
    return latin1(end < 0 ? field : field.subarray(0, end));
  }
}

/** Parses a DHCP message (the UDP payload). */
export function parseDhcp(bytes: Uint8Array): Result<DhcpRepr> {
  const checked = DhcpMessage.check(bytes);
  if (!checked.ok) return checked;
  const m = checked.value;
  const options = parseDhcpOptions(m.optionBytes);
  if (!options.ok) return options;
  return ok({
    op: m.op,
    hops: bytes[3]!,
    xid: m.xid,
    secs: readU16(bytes, 8),
    broadcast: (m.flags & FLAG_BROADCAST) !== 0,
    ciaddr: readIpv4(bytes, 12),
    yiaddr: readIpv4(bytes, 16),
    siaddr: readIpv4(bytes, 20),
    giaddr: readIpv4(bytes, 24),
    chaddr: m.chaddr,
    sname: m.text(44, 64),
    file: m.text(108, 128),
    ...options.value,
  });
}

/** Encodes a message into a new array, padded to 300 bytes. Throws when sname/file are too long. */
export function encodeDhcp(repr: DhcpRepr): Uint8Array {
  const options = encodeDhcpOptions(repr);
  const buf = new Uint8Array(dhcpBufferLen(repr, options));
  emitDhcp(repr, buf, 0, options);
  return buf;
}

/** Length of the encoded message, given its encoded options area if already at hand. */
export function dhcpBufferLen(repr: DhcpRepr, options: Uint8Array = encodeDhcpOptions(repr)): number {
  return Math.max(BOOTP_MIN_LEN, OPTIONS_START + options.length);
}

/**
 * Writes the message at `offset` (room for {@link dhcpBufferLen} needed); returns its length.
 * `options` is the encoded options area when the caller has it already.
 */
export function emitDhcp(repr: DhcpRepr, buf: Uint8Array, offset = 0, options: Uint8Array = encodeDhcpOptions(repr)): number {
  emitFixed(repr, buf, offset);
  buf.set(options, offset + OPTIONS_START);
  const end = OPTIONS_START + options.length;
  buf.fill(0, offset + end, offset + Math.max(BOOTP_MIN_LEN, end));
  return Math.max(BOOTP_MIN_LEN, end);
}

/** The fixed part and the cookie. */
function emitFixed(repr: DhcpRepr, buf: Uint8Array, offset: number): void {
  buf[offset] = repr.op;
  buf[offset + 1] = HTYPE_ETHERNET;
  buf[offset + 2] = 6;
  buf[offset + 3] = repr.hops;
  writeU32(buf, offset + 4, repr.xid);
  writeU16(buf, offset + 8, repr.secs);
  writeU16(buf, offset + 10, repr.broadcast ? FLAG_BROADCAST : 0);
  writeIpv4(buf, offset + 12, repr.ciaddr);
  writeIpv4(buf, offset + 16, repr.yiaddr);
  writeIpv4(buf, offset + 20, repr.siaddr);
  writeIpv4(buf, offset + 24, repr.giaddr);
  buf.fill(0, offset + 28, offset + BOOTP_FIXED_LEN);
  writeMac(buf, offset + 28, repr.chaddr);
  writeText(buf, offset + 44, 64, repr.sname, "sname");
  writeText(buf, offset + 108, 128, repr.file, "file");
  writeU32(buf, offset + BOOTP_FIXED_LEN, DHCP_MAGIC_COOKIE);
}

/** Writes a NUL-terminated Latin-1 field; throws when it does not fit with its NUL. */
function writeText(buf: Uint8Array, offset: number, size: number, text: string, name: string): void {
  if (text.length >= size) throw new Error(`dhcp: ${name} of ${text.length} characters does not fit in ${size} bytes`);
  for (let k = 0; k < text.length; k++) buf[offset + k] = text.charCodeAt(k) & 0xff;
}

/** True when option 53 is present: a DHCP message rather than plain BOOTP with the cookie. */
export function isDhcp(repr: DhcpRepr): boolean {
  return repr.messageType !== undefined;
}
