// The DHCP options field (RFC 2132; long options split and joined per RFC 3396): the TLV list after
// the magic cookie, ended by option 255, with option 0 as one-byte padding. The options a DHCP client
// and server in this simulator act on are decoded into named fields; every other option is kept as
// raw bytes in the order it came, and the order of all options is recorded so that a parsed message
// re-encodes to the same bytes.

import { readIpv4, writeIpv4 } from "./address.ts";
import type { Ipv4 } from "./address.ts";
import { latin1, readU16, readU32, writeU16, writeU32 } from "./bytes.ts";
import { fail, ok } from "./result.ts";
import type { Result } from "./result.ts";

/** Option codes (RFC 2132) this codec decodes, plus pad and end. */
export const DhcpOptionCode = {
  Pad: 0,
  SubnetMask: 1,
  Router: 3,
  DomainNameServer: 6,
  HostName: 12,
  DomainName: 15,
  BroadcastAddress: 28,
  RequestedIp: 50,
  LeaseTime: 51,
  MessageType: 53,
  ServerId: 54,
  ParameterRequestList: 55,
  Message: 56,
  MaxMessageSize: 57,
  RenewalTime: 58,
  RebindingTime: 59,
  ClientId: 61,
  End: 255,
} as const;

/** An option this codec does not decode, kept as it came. */
export interface DhcpRawOption {
  readonly code: number;
  readonly data: Uint8Array;
}

/** The decoded options of a DHCP message; absent fields were not sent. Text is Latin-1, byte for byte. */
export interface DhcpOptions {
  readonly messageType?: number;
  readonly subnetMask?: Ipv4;
  readonly routers?: readonly Ipv4[];
  readonly dnsServers?: readonly Ipv4[];
  readonly hostName?: string;
  readonly domainName?: string;
  readonly broadcastAddress?: Ipv4;
  readonly requestedIp?: Ipv4;
  /** Seconds; 0xffffffff is infinite. */
  readonly leaseTime?: number;
  readonly serverId?: Ipv4;
  readonly parameterRequestList?: readonly number[];
  /** Option 56, the text a server puts in a NAK. */
  readonly message?: string;
  readonly maxMessageSize?: number;
  readonly renewalTime?: number;
  readonly rebindingTime?: number;
  /** Type byte (1 = Ethernet) followed by the identifier. */
  readonly clientId?: Uint8Array;
  /** Options not decoded above, in wire order. */
  readonly extraOptions?: readonly DhcpRawOption[];
  /** Codes of all options in wire order, as parsed; emit follows it when present. */
  readonly optionOrder?: readonly number[];
}

type Field = Exclude<keyof DhcpOptions, "extraOptions" | "optionOrder">;
type Kind = "ip" | "ips" | "u8" | "u16" | "u32" | "text" | "codes" | "bytes";

/** Each decoded option: its field, its value kind and its minimum length. Order is the emit order when none was recorded. */
const KNOWN: readonly (readonly [code: number, field: Field, kind: Kind, minLen: number])[] = [
  [53, "messageType", "u8", 1],
  [54, "serverId", "ip", 4],
  [50, "requestedIp", "ip", 4],
  [51, "leaseTime", "u32", 4],
  [58, "renewalTime", "u32", 4],
  [59, "rebindingTime", "u32", 4],
  [56, "message", "text", 1],
  [57, "maxMessageSize", "u16", 2],
  [61, "clientId", "bytes", 2],
  [1, "subnetMask", "ip", 4],
  [28, "broadcastAddress", "ip", 4],
  [3, "routers", "ips", 4],
  [6, "dnsServers", "ips", 4],
  [12, "hostName", "text", 1],
  [15, "domainName", "text", 1],
  [55, "parameterRequestList", "codes", 1],
];
const BY_CODE = new Map(KNOWN.map((entry) => [entry[0], entry] as const));
const FIXED_LEN: Partial<Record<Kind, number>> = { ip: 4, u8: 1, u16: 2, u32: 4 };

/** Splits the options area into (code, data) pairs in order; joins repeated known codes (RFC 3396). */
function scanOptions(bytes: Uint8Array): Result<{ order: number[]; known: Map<number, Uint8Array>; extra: DhcpRawOption[] }> {
  const order: number[] = [];
  const known = new Map<number, Uint8Array>();
  const extra: DhcpRawOption[] = [];
  let i = 0;
  while (i < bytes.length) {
    const code = bytes[i]!;
    if (code === DhcpOptionCode.End) break;
    if (code === DhcpOptionCode.Pad) {
      i += 1;
      continue;
    }
    const len = bytes[i + 1];
    if (len === undefined || i + 2 + len > bytes.length) return fail("malformed", "dhcp", `option ${code} runs past the end of the message`);
    const data = bytes.subarray(i + 2, i + 2 + len);
    i += 2 + len;
    if (!BY_CODE.has(code)) {
      order.push(code);
      extra.push({ code, data });
      continue;
    }
    const before = known.get(code);
    if (before === undefined) order.push(code);
    known.set(code, before === undefined ? data : concat(before, data));
  }
  return ok({ order, known, extra });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Decodes one known option's data; undefined when its length is wrong for its kind. */
function decodeValue(kind: Kind, data: Uint8Array, minLen: number): unknown {
  const fixed = FIXED_LEN[kind];
  if (fixed !== undefined ? data.length !== fixed : data.length < minLen) return undefined;
  switch (kind) {
    case "ip":
      return readIpv4(data, 0);
    case "u8":
      return data[0];
    case "u16":
      return readU16(data, 0);
    case "u32":
      return readU32(data, 0);
    case "ips":
      if (data.length % 4 !== 0) return undefined;
      return Array.from({ length: data.length / 4 }, (_, k) => readIpv4(data, k * 4));
    case "text":
      return latin1(data);
    case "codes":
      return Array.from(data);
    case "bytes":
      return data;
  }
}

/** Parses the options area (after the magic cookie); `malformed` on an overrun or a known option of impossible length. */
export function parseDhcpOptions(bytes: Uint8Array): Result<DhcpOptions> {
  const scanned = scanOptions(bytes);
  if (!scanned.ok) return scanned;
  const { order, known, extra } = scanned.value;
  const options: Record<string, unknown> = {};
  for (const [code, data] of known) {
    const [, field, kind, minLen] = BY_CODE.get(code)!;
    const value = decodeValue(kind, data, minLen);
    if (value === undefined) return fail("malformed", "dhcp", `option ${code} (${field}) has length ${data.length}`);
    options[field] = value;
  }
  if (extra.length > 0) options.extraOptions = extra;
  options.optionOrder = order;
  return ok(options as DhcpOptions);
}

/** One option ready to write. */
interface Planned {
  readonly code: number;
  readonly data: Uint8Array;
}

/** Encodes one decoded value into its option data. */
function encodeValue(kind: Kind, value: unknown): Uint8Array {
  switch (kind) {
    case "ip":
    case "u32": {
      const out = new Uint8Array(4);
      if (kind === "ip") writeIpv4(out, 0, value as Ipv4);
      else writeU32(out, 0, value as number);
      return out;
    }
    case "u8":
      return Uint8Array.of(value as number);
    case "u16": {
      const out = new Uint8Array(2);
      writeU16(out, 0, value as number);
      return out;
    }
    case "ips": {
      const ips = value as readonly Ipv4[];
      const out = new Uint8Array(ips.length * 4);
      ips.forEach((ip, k) => writeIpv4(out, k * 4, ip));
      return out;
    }
    case "text":
      return Uint8Array.from(value as string, (ch) => ch.charCodeAt(0) & 0xff);
    case "codes":
      return Uint8Array.from(value as readonly number[]);
    case "bytes":
      return value as Uint8Array;
  }
}

/** The options to write, in the recorded order when there is one, else in the canonical order then extras. */
function planOptions(options: DhcpOptions): Planned[] {
  const values = options as Record<string, unknown>;
  const planned: Planned[] = [];
  const done = new Set<number>();
  const extras = options.extraOptions ?? [];
  const extraUsed = new Array<boolean>(extras.length).fill(false);
  const addKnown = (code: number): void => {
    const [, field, kind] = BY_CODE.get(code)!;
    if (done.has(code) || values[field] === undefined) return;
    done.add(code);
    planned.push({ code, data: encodeValue(kind, values[field]) });
  };
  for (const code of options.optionOrder ?? []) {
    if (BY_CODE.has(code)) addKnown(code);
    else {
      const k = extras.findIndex((extra, j) => !extraUsed[j] && extra.code === code);
      if (k >= 0) {
        extraUsed[k] = true;
        planned.push(extras[k]!);
      }
    }
  }
  for (const [code] of KNOWN) addKnown(code);
  for (let k = 0; k < extras.length; k++) if (!extraUsed[k]) planned.push(extras[k]!);
  return planned;
}

/** Bytes one planned option takes, split into 255-byte pieces (RFC 3396). */
function plannedLen(option: Planned): number {
  return option.data.length + 2 * Math.max(1, Math.ceil(option.data.length / 255));
}

/** Encodes the options area (without the magic cookie), ending with option 255. */
export function encodeDhcpOptions(options: DhcpOptions): Uint8Array {
  const planned = planOptions(options);
  let len = 1;
  for (const option of planned) len += plannedLen(option);
  const out = new Uint8Array(len);
  let at = 0;
  for (const { code, data } of planned) {
    let from = 0;
    do {
      const piece = Math.min(255, data.length - from);
      out[at] = code;
      out[at + 1] = piece;
      out.set(data.subarray(from, from + piece), at + 2);
      at += 2 + piece;
      from += piece;
    } while (from < data.length);
  }
  out[at] = DhcpOptionCode.End;
  return out;
}
