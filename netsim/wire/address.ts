// Link- and network-layer addresses as plain numbers. A MAC (48 bits) and an IPv4 address (32 bits)
// both fit exactly in a JS number, so the hot path (FDB lookups, routing) compares and hashes numbers
// instead of strings or byte arrays. Conversions to and from text and bytes live here, once.

/** A 48-bit Ethernet address as an integer in [0, 2^48). */
export type Mac = number;
/** An IPv4 address as an unsigned integer in [0, 2^32). */
export type Ipv4 = number;

/** ff:ff:ff:ff:ff:ff */
export const BROADCAST_MAC: Mac = 0xffff_ffff_ffff;
const TWO_32 = 0x1_0000_0000;

/** True for group addresses (the I/G bit, least significant bit of the first octet). */
export function isMulticastMac(mac: Mac): boolean {
  return Math.floor(mac / 0x100_0000_0000) % 2 === 1;
}

/** True when the U/L bit (second-least significant bit of the first octet) is set. */
export function isLocallyAdministered(mac: Mac): boolean {
  return (Math.floor(mac / 0x100_0000_0000) & 0x02) !== 0;
}

/** Reads six bytes at `offset` as a MAC. */
export function readMac(bytes: Uint8Array, offset: number): Mac {
  const hi = (bytes[offset]! << 8) | bytes[offset + 1]!;
  const lo = ((bytes[offset + 2]! << 24) | (bytes[offset + 3]! << 16) | (bytes[offset + 4]! << 8) | bytes[offset + 5]!) >>> 0;
  return hi * TWO_32 + lo;
}

/** Writes a MAC as six bytes at `offset`. */
export function writeMac(bytes: Uint8Array, offset: number, mac: Mac): void {
  const hi = Math.floor(mac / TWO_32);
  const lo = mac % TWO_32;
  bytes[offset] = hi >>> 8;
  bytes[offset + 1] = hi & 0xff;
  bytes[offset + 2] = lo >>> 24;
  bytes[offset + 3] = (lo >>> 16) & 0xff;
  bytes[offset + 4] = (lo >>> 8) & 0xff;
  bytes[offset + 5] = lo & 0xff;
}

/** `00:16:3e:0a:0b:0c`, lower case as iproute2 and brctl print it. */
export function macToString(mac: Mac): string {
  const b = new Uint8Array(6);
  writeMac(b, 0, mac);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(":");
}

/** Parses `aa:bb:cc:dd:ee:ff` (also `-` separated, any case); undefined when malformed. */
export function parseMac(text: string): Mac | undefined {
  const parts = text.trim().split(/[:-]/);
  if (parts.length !== 6) return undefined;
  let mac = 0;
  for (const part of parts) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(part)) return undefined;
    mac = mac * 256 + parseInt(part, 16);
  }
  return mac;
}

/** Reads four bytes at `offset` as an IPv4 address. */
export function readIpv4(bytes: Uint8Array, offset: number): Ipv4 {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

/** Writes an IPv4 address as four bytes at `offset`. */
export function writeIpv4(bytes: Uint8Array, offset: number, ip: Ipv4): void {
  bytes[offset] = ip >>> 24;
  bytes[offset + 1] = (ip >>> 16) & 0xff;
  bytes[offset + 2] = (ip >>> 8) & 0xff;
  bytes[offset + 3] = ip & 0xff;
}

/** Dotted quad. */
export function ipv4ToString(ip: Ipv4): string {
  return `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`;
}

/** Parses a strict dotted quad (no leading zeros beyond "0", each octet 0-255); undefined when malformed. */
export function parseIpv4(text: string): Ipv4 | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  let ip = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    ip = ip * 256 + octet;
  }
  return ip;
}

/** The netmask of a prefix length, e.g. 24 → 255.255.255.0. */
export function prefixToMask(prefix: number): Ipv4 {
  return prefix === 0 ? 0 : (0xffff_ffff << (32 - prefix)) >>> 0;
}

/** The prefix length of a contiguous netmask; undefined when the mask has holes. */
export function maskToPrefix(mask: Ipv4): number | undefined {
  const inverted = ~mask >>> 0;
  if ((inverted & (inverted + 1)) !== 0) return undefined;
  return 32 - Math.log2(inverted + 1);
}
