// pcapng capture files (draft-ietf-opsawg-pcapng, Wireshark's default format): one Section Header
// Block, one Interface Description Block per interface (with its real name in if_name, e.g. `vif1.0`
// or `xenbr0`, and if_tsresol = 6 for microseconds), and one Enhanced Packet Block per packet with an
// opt_comment saying what the simulator did with it. Little-endian; every block and option padded to
// 32 bits. Plain records in, bytes out: the writer knows nothing of the simulator.

import { ByteSink, utf8 } from "./byte-sink.ts";
import { DEFAULT_SNAPLEN, LinkType } from "./pcap-writer.ts";

/** Block types (pcapng §4). */
export const PcapngBlock = {
  SectionHeader: 0x0a0d0d0a,
  InterfaceDescription: 0x00000001,
  Packet: 0x00000002,
  SimplePacket: 0x00000003,
  EnhancedPacket: 0x00000006,
} as const;

/** The byte-order magic of a Section Header Block. */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_END = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;

/** An interface of the capture. */
export interface PcapngInterface {
  /** The interface's real name, e.g. `vif1.0`, `xenbr0`, `peth0`. */
  readonly name: string;
  readonly description?: string;
  readonly linkType?: number;
  readonly snapLen?: number;
}

/** One packet: when (µs), on which interface (index in the order added), the bytes and a comment. */
export interface PcapngPacket {
  readonly timeMicros: number;
  readonly ifIndex: number;
  readonly data: Uint8Array;
  readonly comment?: string;
  readonly originalLength?: number;
}

/** File-level choices. */
export interface PcapngOptions {
  /** shb_userappl (default "xennet"). */
  readonly application?: string;
  /** Added to every timestamp (default 0 = 1970-01-01). */
  readonly epochMicros?: number;
}

/** Builds a pcapng file block by block; interfaces may be added between packets. */
export class PcapngWriter {
  private readonly sink = new ByteSink();
  private readonly snapLens: number[] = [];
  private readonly epochMicros: number;

  constructor(options: PcapngOptions = {}) {
    this.epochMicros = options.epochMicros ?? 0;
    this.block(PcapngBlock.SectionHeader, () => {
      this.sink.u32(PCAPNG_BYTE_ORDER_MAGIC);
      this.sink.u16(1);
      this.sink.u16(0);
      this.sink.u32(0xffffffff); // section length -1: not given
      this.sink.u32(0xffffffff);
      this.options([[SHB_USERAPPL, utf8(options.application ?? "xennet")]]);
    });
  }

  /** Writes an Interface Description Block; returns the interface's index for {@link add}. */
  addInterface(iface: PcapngInterface): number {
    const snapLen = iface.snapLen ?? DEFAULT_SNAPLEN;
    this.block(PcapngBlock.InterfaceDescription, () => {
      this.sink.u16(iface.linkType ?? LinkType.Ethernet);
      this.sink.u16(0);
      this.sink.u32(snapLen);
      const options: [number, Uint8Array][] = [[IF_NAME, utf8(iface.name)]];
      if (iface.description !== undefined) options.push([IF_DESCRIPTION, utf8(iface.description)]);
      options.push([IF_TSRESOL, Uint8Array.of(6)]);
      this.options(options);
    });
    this.snapLens.push(snapLen);
    return this.snapLens.length - 1;
  }

  /** Writes an Enhanced Packet Block. Throws for an unknown interface or a bad timestamp. */
  add(packet: PcapngPacket): void {
    const snapLen = this.snapLens[packet.ifIndex];
    if (snapLen === undefined) throw new Error(`pcapng: no interface ${packet.ifIndex}`);
    const t = packet.timeMicros + this.epochMicros;
    if (!Number.isSafeInteger(t) || t < 0) throw new Error(`pcapng: timestamp ${packet.timeMicros} µs is not a non-negative integer`);
    const data = packet.data.length > snapLen ? packet.data.subarray(0, snapLen) : packet.data;
    this.block(PcapngBlock.EnhancedPacket, () => {
      const s = this.sink;
      s.u32(packet.ifIndex);
      s.u32(Math.floor(t / 0x1_0000_0000));
      s.u32(t % 0x1_0000_0000);
      s.u32(data.length);
      s.u32(Math.max(packet.originalLength ?? 0, packet.data.length));
      s.bytes(data, 4);
      if (packet.comment !== undefined) this.options([[OPT_COMMENT, utf8(packet.comment)]]);
    });
  }

  /** The file so far. */
  toBytes(): Uint8Array {
    return this.sink.toBytes();
  }

  /** Type, length placeholder, body, trailing length; then the leading length is patched. */
  private block(type: number, body: () => void): void {
    const s = this.sink;
    const start = s.length;
    s.u32(type);
    s.u32(0);
    body();
    const total = s.length - start + 4;
    s.u32(total);
    s.patchU32(start + 4, total);
  }

  /** Options, each padded to 32 bits, then opt_endofopt. */
  private options(options: readonly (readonly [number, Uint8Array])[]): void {
    for (const [code, value] of options) {
      if (value.length > 0xffff) throw new Error(`pcapng: option ${code} of ${value.length} bytes`);
      this.sink.u16(code);
      this.sink.u16(value.length);
      this.sink.bytes(value, 4);
    }
    this.sink.u16(OPT_END);
    this.sink.u16(0);
  }
}

/** A whole pcapng file from interfaces and packets. */
export function writePcapng(
  capture: { readonly interfaces: readonly PcapngInterface[]; readonly packets: Iterable<PcapngPacket> },
  options: PcapngOptions = {},
): Uint8Array {
  const writer = new PcapngWriter(options);
  for (const iface of capture.interfaces) writer.addInterface(iface);
  for (const packet of capture.packets) writer.add(packet);
  return writer.toBytes();
}
