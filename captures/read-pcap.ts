// Readers for classic pcap files (pcap-savefile(5)). Microsecond files — what tcpdump writes — go
// through the `pcap-parser` npm package, as the design asks; it is stream based, so it is fed the
// whole file as one chunk from a stand-in stream and its events are collected synchronously. It knows
// neither nanosecond files nor truncation, so nanosecond files are read here by hand, and truncation
// is found by accounting for every byte.

import { EventEmitter } from "node:events";
import { createRequire } from "node:module";
import { fail, ok } from "../netsim/wire/result.ts";
import type { Result } from "../netsim/wire/result.ts";
import type { Capture, CapturedPacket } from "./capture.ts";

const FILE_HEADER_LEN = 24;
const RECORD_HEADER_LEN = 16;
/** The low 28 bits of the link-type field are the type; the rest carry FCS information. */
const LINKTYPE_MASK = 0x0fffffff;

interface PcapParserPacket {
  readonly header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number };
  readonly data: Uint8Array;
}
interface PcapParserModule {
  parse(input: EventEmitter): EventEmitter;
}
const pcapParser = createRequire(import.meta.url)("pcap-parser") as PcapParserModule;

/** Reads a microsecond pcap of either byte order through pcap-parser. */
export function readMicrosPcap(bytes: Uint8Array): Result<Capture> {
  const version = checkFileHeader(bytes);
  if (!version.ok) return version;
  const stream = Object.assign(new EventEmitter(), { pause(): void {}, resume(): void {} });
  const parser = pcapParser.parse(stream);
  const packets: CapturedPacket[] = [];
  let linkType = 0;
  let error: string | undefined;
  let consumed = FILE_HEADER_LEN;
  parser.on("globalHeader", (header: { linkLayerType: number }) => (linkType = header.linkLayerType & LINKTYPE_MASK));
  parser.on("error", (e: Error) => (error = e.message));
  parser.on("packet", ({ header, data }: PcapParserPacket) => {
    consumed += RECORD_HEADER_LEN + header.capturedLength;
    const micros = header.timestampSeconds * 1_000_000 + header.timestampMicroseconds;
    const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    packets.push(packet(micros, BigInt(micros) * 1000n, view, header.originalLength));
  });
  stream.emit("data", Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  stream.emit("end");
  if (error !== undefined) return fail("malformed", "pcap", error);
  if (consumed !== bytes.length) return fail("truncated", "pcap", `file ends inside the record at byte ${consumed} (${bytes.length} bytes)`);
  return ok({ format: "pcap", linkType, packets });
}

/** Reads a nanosecond pcap (magic 0xa1b23c4d) of either byte order. */
export function readNanosPcap(bytes: Uint8Array): Result<Capture> {
  const version = checkFileHeader(bytes);
  if (!version.ok) return version;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = bytes[0] === 0x4d;
  const packets: CapturedPacket[] = [];
  let at = FILE_HEADER_LEN;
  while (at < bytes.length) {
    if (at + RECORD_HEADER_LEN > bytes.length) return fail("truncated", "pcap", `record header at byte ${at} cut short`);
    const seconds = view.getUint32(at, le);
    const nanos = view.getUint32(at + 4, le);
    const capLen = view.getUint32(at + 8, le);
    const origLen = view.getUint32(at + 12, le);
    if (nanos >= 1_000_000_000) return fail("malformed", "pcap", `record at byte ${at} has ${nanos} ns`);
    const start = at + RECORD_HEADER_LEN;
    if (start + capLen > bytes.length) return fail("truncated", "pcap", `record at byte ${at} needs ${capLen} bytes, ${bytes.length - start} left`);
    const exact = BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
    packets.push(packet(seconds * 1_000_000 + Math.floor(nanos / 1000), exact, bytes.subarray(start, start + capLen), origLen));
    at = start + capLen;
  }
  return ok({ format: "pcap-ns", linkType: view.getUint32(20, le) & LINKTYPE_MASK, packets });
}

/** The file header must be complete and say version 2.x. */
function checkFileHeader(bytes: Uint8Array): Result<true> {
  if (bytes.length < FILE_HEADER_LEN) return fail("truncated", "pcap", `file header of ${bytes.length} bytes < 24`);
  const le = bytes[0] !== 0xa1;
  const major = le ? bytes[4]! | (bytes[5]! << 8) : (bytes[4]! << 8) | bytes[5]!;
  if (major !== 2) return fail("bad-version", "pcap", `version ${major}.x, only 2.x is read`);
  return ok(true);
}

function packet(timeMicros: number, timeNanos: bigint, data: Uint8Array, originalLength: number): CapturedPacket {
  return { timeMicros, timeNanos, ifIndex: 0, data, originalLength };
}
