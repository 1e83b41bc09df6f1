// A reader for pcapng files (draft-ietf-opsawg-pcapng), written by hand since pcap-parser does not
// know the format. Every section may have its own byte order (found from the Section Header Block's
// byte-order magic); interfaces are numbered per section and renumbered here across sections.
// Enhanced, Simple and obsolete Packet Blocks give packets; other blocks (name resolution,
// statistics, secrets, custom) are skipped. Timestamps honour if_tsresol and if_tsoffset.

import { fail, ok } from "../netsim/wire/result.ts";
import type { Result } from "../netsim/wire/result.ts";
import type { Capture, CapturedPacket, CaptureInterface } from "./capture.ts";
import { PCAPNG_BYTE_ORDER_MAGIC, PcapngBlock } from "./pcapng-writer.ts";

const decoder = new TextDecoder();

/** An interface as read, with what is needed to turn its timestamps into nanoseconds. */
interface Iface extends CaptureInterface {
  /** Timestamp units per second as a power: 10^-exp (base 10) or 2^-exp (base 2). */
  readonly base: 10 | 2;
  readonly exp: number;
  readonly offsetSeconds: bigint;
}

/** State while walking one file. */
interface Walk {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  le: boolean;
  /** Index in `interfaces` of this section's interface 0. */
  sectionBase: number;
  readonly interfaces: Iface[];
  readonly packets: CapturedPacket[];
}

/** Reads a pcapng file. */
export function readPcapng(bytes: Uint8Array): Result<Capture> {
  const walk: Walk = {
    bytes,
    view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    le: true,
    sectionBase: 0,
    interfaces: [],
    packets: [],
  };
  let at = 0;
  while (at < bytes.length) {
    const next = readBlock(walk, at);
    if (!next.ok) return next;
    at = next.value;
  }
  const interfaces = walk.interfaces.map(({ name, description, linkType, snapLen }) => ({
    ...(name !== undefined ? { name } : {}),
    ...(description !== undefined ? { description } : {}),
    linkType,
    snapLen,
  }));
  return ok({ format: "pcapng", linkType: interfaces[0]?.linkType ?? 0, interfaces, packets: walk.packets });
}

/** Checks one block's framing, dispatches on its type; returns the offset of the next block. */
function readBlock(walk: Walk, at: number): Result<number> {
  const { bytes, view } = walk;
  if (at + 12 > bytes.length) return fail("truncated", "pcapng", `block at byte ${at} cut short`);
  const type = view.getUint32(at, walk.le);
  if (type === PcapngBlock.SectionHeader) {
    const magic = view.getUint32(at + 8, true);
    if (magic !== PCAPNG_BYTE_ORDER_MAGIC && magic !== 0x4d3c2b1a) return fail("malformed", "pcapng", `bad byte-order magic at byte ${at}`);
    walk.le = magic === PCAPNG_BYTE_ORDER_MAGIC;
    walk.sectionBase = walk.interfaces.length;
  } else if (at === 0) {
    return fail("malformed", "pcapng", "file does not start with a section header block");
  }
  const total = view.getUint32(at + 4, walk.le);
  if (total < 12 || total % 4 !== 0) return fail("bad-length", "pcapng", `block at byte ${at} has length ${total}`);
  if (at + total > bytes.length) return fail("truncated", "pcapng", `block at byte ${at} needs ${total} bytes, ${bytes.length - at} left`);
  if (view.getUint32(at + total - 4, walk.le) !== total) return fail("malformed", "pcapng", `block at byte ${at}: trailing length differs`);
  const body = bytes.subarray(at + 8, at + total - 4);
  const done = readBody(walk, type, body, at);
  return done.ok ? ok(at + total) : done;
}

function readBody(walk: Walk, type: number, body: Uint8Array, at: number): Result<true> {
  switch (type) {
    case PcapngBlock.SectionHeader:
      if (body.length < 16) return fail("bad-length", "pcapng", `section header at byte ${at} too short`);
      if (u16(walk, body, 4) !== 1) return fail("bad-version", "pcapng", `section version ${u16(walk, body, 4)}.${u16(walk, body, 6)}`);
      return ok(true);
    case PcapngBlock.InterfaceDescription:
      return readInterface(walk, body, at);
    case PcapngBlock.EnhancedPacket:
    case PcapngBlock.Packet:
      return readPacket(walk, type, body, at);
    case PcapngBlock.SimplePacket:
      return readSimplePacket(walk, body, at);
    default:
      return ok(true);
  }
}

function u16(walk: Walk, body: Uint8Array, offset: number): number {
  return new DataView(body.buffer, body.byteOffset, body.byteLength).getUint16(offset, walk.le);
}

function u32(walk: Walk, body: Uint8Array, offset: number): number {
  return new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(offset, walk.le);
}

/** Options as (code, value) pairs until opt_endofopt or the end; `malformed` on an overrun. */
function readOptions(walk: Walk, area: Uint8Array, at: number): Result<[number, Uint8Array][]> {
  const options: [number, Uint8Array][] = [];
  let i = 0;
  while (i + 4 <= area.length) {
    const code = u16(walk, area, i);
    const len = u16(walk, area, i + 2);
    if (code === 0) break;
    if (i + 4 + len > area.length) return fail("malformed", "pcapng", `option ${code} of block at byte ${at} overruns it`);
    options.push([code, area.subarray(i + 4, i + 4 + len)]);
    i += 4 + Math.ceil(len / 4) * 4;
  }
  return ok(options);
}

function readInterface(walk: Walk, body: Uint8Array, at: number): Result<true> {
  if (body.length < 8) return fail("bad-length", "pcapng", `interface block at byte ${at} too short`);
  const options = readOptions(walk, body.subarray(8), at);
  if (!options.ok) return options;
  let iface: Iface = { linkType: u16(walk, body, 0), snapLen: u32(walk, body, 4), base: 10, exp: 6, offsetSeconds: 0n };
  for (const [code, value] of options.value) {
    if (code === 2) iface = { ...iface, name: decoder.decode(value) };
    if (code === 3) iface = { ...iface, description: decoder.decode(value) };
    if (code === 9 && value.length >= 1) iface = { ...iface, base: value[0]! & 0x80 ? 2 : 10, exp: value[0]! & 0x7f };
    if (code === 14 && value.length >= 8) {
      const dv = new DataView(value.buffer, value.byteOffset, 8);
      iface = { ...iface, offsetSeconds: dv.getBigInt64(0, walk.le) };
    }
  }
  walk.interfaces.push(iface);
  return ok(true);
}

/** Nanoseconds since 1970 of a raw timestamp in an interface's units. */
function toNanos(iface: Iface, ts: bigint): bigint {
  const offset = iface.offsetSeconds * 1_000_000_000n;
  if (iface.base === 2) return offset + ((ts * 1_000_000_000n) >> BigInt(iface.exp));
  if (iface.exp <= 9) return offset + ts * 10n ** BigInt(9 - iface.exp);
  return offset + ts / 10n ** BigInt(iface.exp - 9);
}

/** Enhanced Packet Block (type 6) or the obsolete Packet Block (type 2, 16-bit interface id). */
function readPacket(walk: Walk, type: number, body: Uint8Array, at: number): Result<true> {
  if (body.length < 20) return fail("bad-length", "pcapng", `packet block at byte ${at} too short`);
  const localIf = type === PcapngBlock.Packet ? u16(walk, body, 0) : u32(walk, body, 0);
  const ifIndex = walk.sectionBase + localIf;
  const iface = walk.interfaces[ifIndex];
  if (iface === undefined) return fail("malformed", "pcapng", `packet block at byte ${at} names interface ${localIf}, not described`);
  const ts = (BigInt(u32(walk, body, 4)) << 32n) | BigInt(u32(walk, body, 8));
  const capLen = u32(walk, body, 12);
  const origLen = u32(walk, body, 16);
  if (20 + capLen > body.length) return fail("bad-length", "pcapng", `packet block at byte ${at}: ${capLen} captured bytes do not fit`);
  const options = readOptions(walk, body.subarray(20 + Math.ceil(capLen / 4) * 4), at);
  if (!options.ok) return options;
  const comments = options.value.filter(([code]) => code === 1).map(([, value]) => decoder.decode(value));
  const timeNanos = toNanos(iface, ts);
  walk.packets.push({
    timeMicros: Number(timeNanos / 1000n),
    timeNanos,
    ifIndex,
    data: body.subarray(20, 20 + capLen),
    originalLength: origLen,
    ...(comments.length > 0 ? { comment: comments.join("\n") } : {}),
  });
  return ok(true);
}

/** Simple Packet Block: interface 0 of the section, no timestamp, captured length from the block size. */
function readSimplePacket(walk: Walk, body: Uint8Array, at: number): Result<true> {
  const iface = walk.interfaces[walk.sectionBase];
  if (iface === undefined || body.length < 4) return fail("malformed", "pcapng", `simple packet block at byte ${at} without interface or length`);
  const origLen = u32(walk, body, 0);
  const capLen = Math.min(origLen, body.length - 4, iface.snapLen || Infinity);
  walk.packets.push({ timeMicros: 0, timeNanos: 0n, ifIndex: walk.sectionBase, data: body.subarray(4, 4 + capLen), originalLength: origLen });
  return ok(true);
}
