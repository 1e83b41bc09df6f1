// Classic libpcap capture files (pcap-savefile(5); draft-ietf-opsawg-pcap): a 24-byte file header
// (magic, version 2.4, snaplen, link type) then one 16-byte record header per packet. The magic
// 0xa1b2c3d4 means microsecond timestamps, 0xa1b23c4d nanosecond ones. Written little-endian, as
// tcpdump writes on x86. Records are plain (time, bytes) pairs: the writer knows nothing of the
// simulator, so a tap anywhere can feed it.

import { ByteSink } from "./byte-sink.ts";

/** Link-layer header types (tcpdump.org linktypes) the writers use. */
export const LinkType = { Ethernet: 1 } as const;

/** File magic of microsecond files, as read in the file's own byte order. */
export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
/** File magic of nanosecond files. */
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
/** tcpdump's default snapshot length. */
export const DEFAULT_SNAPLEN = 262144;

/** One packet to write: when (µs of simulated time) and the frame bytes. */
export interface PcapRecord {
  readonly timeMicros: number;
  readonly data: Uint8Array;
  /** Length on the wire when `data` was already cut short (default: data length). */
  readonly originalLength?: number;
}

/** File-level choices. */
export interface PcapOptions {
  /** Timestamp resolution: "us" (default, tcpdump's) or "ns". */
  readonly resolution?: "us" | "ns";
  readonly snapLen?: number;
  readonly linkType?: number;
  /** Added to every timestamp, e.g. to date simulated time 0 (default 0 = 1970-01-01). */
  readonly epochMicros?: number;
}

/** Builds a classic pcap file packet by packet. */
export class PcapWriter {
  private readonly sink = new ByteSink();
  private readonly nanos: boolean;
  private readonly snapLen: number;
  private readonly epochMicros: number;
  private count = 0;

  constructor(options: PcapOptions = {}) {
    this.nanos = options.resolution === "ns";
    this.snapLen = options.snapLen ?? DEFAULT_SNAPLEN;
    this.epochMicros = options.epochMicros ?? 0;
    const s = this.sink;
    s.u32(this.nanos ? PCAP_MAGIC_NANOS : PCAP_MAGIC_MICROS);
    s.u16(2);
    s.u16(4);
    s.u32(0); // thiszone: timestamps are UTC
    s.u32(0); // sigfigs
    s.u32(this.snapLen);
    s.u32(options.linkType ?? LinkType.Ethernet);
  }

  /** Packets written so far. */
  get packetCount(): number {
    return this.count;
  }

  /** Appends one packet, cut to the snapshot length. Throws on a negative or fractional time. */
  add(timeMicros: number, data: Uint8Array, originalLength = data.length): void {
    const t = timeMicros + this.epochMicros;
    if (!Number.isSafeInteger(t) || t < 0) throw new Error(`pcap: timestamp ${timeMicros} µs is not a non-negative integer`);
    const seconds = Math.floor(t / 1_000_000);
    const micros = t - seconds * 1_000_000;
    const captured = data.length > this.snapLen ? data.subarray(0, this.snapLen) : data;
    const s = this.sink;
    s.u32(seconds);
    s.u32(this.nanos ? micros * 1000 : micros);
    s.u32(captured.length);
    s.u32(Math.max(originalLength, data.length));
    s.bytes(captured);
    this.count++;
  }

  /** The file so far. */
  toBytes(): Uint8Array {
    return this.sink.toBytes();
  }
}

/** A whole classic pcap file from records. */
export function writePcap(records: Iterable<PcapRecord>, options: PcapOptions = {}): Uint8Array {
  const writer = new PcapWriter(options);
  for (const r of records) writer.add(r.timeMicros, r.data, r.originalLength);
  return writer.toBytes();
}
