import { describe, expect, it } from "vitest";
import { PcapngWriter, PcapWriter, writePcap, writePcapng } from "../../captures/index.ts";
import { hex, zeros } from "../netsim/wire/hex.ts";

const FRAME = hex("ffffffffffff 00163e000002 0806", zeros(28));

describe("classic pcap writer", () => {
  it("writes tcpdump's file header and one record per packet, little-endian", () => {
    const file = writePcap([{ timeMicros: 1_500_000, data: FRAME }]);
    expect(file).toEqual(
      hex(
        "d4c3b2a1", // magic 0xa1b2c3d4: microseconds
        "0200 0400", // version 2.4
        "00000000", // thiszone
        "00000000", // sigfigs
        "00000400", // snaplen 262144
        "01000000", // link type 1: Ethernet
        "01000000", // ts_sec 1
        "20a10700", // ts_usec 500000
        "2a000000", // incl_len 42
        "2a000000", // orig_len 42
        "ffffffffffff00163e0000020806", zeros(28), // the frame
      ),
    );
  });

  it("writes nanosecond files with the 0xa1b23c4d magic", () => {
    const file = writePcap([{ timeMicros: 2_000_001, data: FRAME }], { resolution: "ns" });
    expect(file.subarray(0, 4)).toEqual(hex("4d3cb2a1"));
    expect(file.subarray(24, 32)).toEqual(hex("02000000", "e8030000")); // 2 s + 1000 ns
  });

  it("cuts packets to the snapshot length and keeps the original length", () => {
    const writer = new PcapWriter({ snapLen: 20, epochMicros: 1_700_000_000_000_000 });
    writer.add(5, FRAME);
    const file = writer.toBytes();
    expect(writer.packetCount).toBe(1);
    expect(file.length).toBe(24 + 16 + 20);
    expect(file.subarray(24, 40)).toEqual(hex("00f15365", "05000000", "14000000", "2a000000"));
  });

  it("throws on a negative or fractional time (a caller's bug)", () => {
    const writer = new PcapWriter();
    expect(() => writer.add(-1, FRAME)).toThrow(/timestamp/);
    expect(() => writer.add(0.5, FRAME)).toThrow(/timestamp/);
  });
});

describe("pcapng writer", () => {
  it("writes a section header, an interface per name and enhanced packet blocks with comments", () => {
    const file = writePcapng({ interfaces: [{ name: "vif1.0" }], packets: [{ timeMicros: 1_000_000, ifIndex: 0, data: FRAME.subarray(0, 14), comment: "ok" }] });
    expect(file).toEqual(
      hex(
        // Section Header Block
        "0a0d0d0a", // block type
        "2c000000", // block length 44
        "4d3c2b1a", // byte-order magic
        "0100 0000", // version 1.0
        "ffffffff ffffffff", // section length: unknown
        "0400 0600 78656e6e6574 0000", // shb_userappl "xennet" padded
        "0000 0000", // opt_endofopt
        "2c000000", // block length
        // Interface Description Block
        "01000000", // block type
        "2c000000", // block length 44
        "0100 0000", // link type Ethernet, reserved
        "00000400", // snaplen 262144
        "0200 0600 766966312e30 0000", // if_name "vif1.0" padded
        "0900 0100 06 000000", // if_tsresol 6: microseconds
        "0000 0000", // opt_endofopt
        "2c000000", // block length
        // Enhanced Packet Block
        "06000000", // block type
        "3c000000", // block length 60
        "00000000", // interface 0
        "00000000", // timestamp high
        "40420f00", // timestamp low: 1000000 µs
        "0e000000", // captured length 14
        "0e000000", // original length 14
        "ffffffffffff00163e0000020806 0000", // frame padded to 32 bits
        "0100 0200 6f6b 0000", // opt_comment "ok" padded
        "0000 0000", // opt_endofopt
        "3c000000", // block length
      ),
    );
  });

  it("numbers interfaces in the order added and refuses unknown ones", () => {
    const writer = new PcapngWriter();
    expect(writer.addInterface({ name: "xenbr0" })).toBe(0);
    expect(writer.addInterface({ name: "peth0" })).toBe(1);
    expect(() => writer.add({ timeMicros: 0, ifIndex: 2, data: FRAME })).toThrow(/interface 2/);
  });
});

describe("writers grow past their first buffer", () => {
  it("keeps every packet of a capture far larger than 64 KiB", () => {
    const frames = Array.from({ length: 3000 }, (_, i) => ({ timeMicros: i, ifIndex: 0, data: FRAME.map((b, k) => (k === 41 ? i & 0xff : b)) }));
    const pcap = writePcap(frames);
    expect(pcap.length).toBe(24 + 3000 * (16 + 42));
    expect(pcap.subarray(pcap.length - 58)).toEqual(hex("00000000", "b70b0000", "2a000000", "2a000000", "ffffffffffff00163e0000020806", zeros(27), "b7"));
    const ng = writePcapng({ interfaces: [{ name: "xenbr0" }], packets: frames });
    expect(ng.length).toBe(44 + 44 + 3000 * (32 + 44));
  });
});
