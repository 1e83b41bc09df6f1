import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readCapture, writePcap, writePcapng } from "../../captures/index.ts";
import type { Capture } from "../../captures/index.ts";
import { summarizeFrame, unwrap } from "../../netsim/wire/index.ts";
import { SAMPLE_FRAMES } from "../netsim/wire/sample-frames.ts";

const FIXTURES = join(import.meta.dirname, "fixtures");
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));
const tcpdumpLines = (name: string): string[] => readFileSync(join(FIXTURES, `${name}.tcpdump.txt`), "utf8").trim().split("\n");

/** Our summaries of a capture's IPv4/ARP packets (IPv6 is not decoded here). */
function summaries(capture: Capture): string[] {
  return capture.packets.map((p) => summarizeFrame(p.data)).filter((s) => !s.startsWith("IP6"));
}

describe("readCapture on real captures", () => {
  it("reads tcpdump's µs pcap from lo (through pcap-parser)", () => {
    const capture = unwrap(readCapture(fixture("lo-us.pcap")));
    expect(capture).toMatchObject({ format: "pcap", linkType: 1 });
    expect(capture.packets).toHaveLength(10);
    const [first, second] = capture.packets;
    expect(first!.timeNanos).toBe(BigInt(first!.timeMicros) * 1000n);
    expect(second!.timeMicros - first!.timeMicros).toBe(17); // 02:46:28.801379 → .801396
    expect(summaries(capture)).toEqual(tcpdumpLines("lo-us.pcap"));
  });

  it("reads tcpdump's nanosecond pcap", () => {
    const capture = unwrap(readCapture(fixture("lo-ns.pcap")));
    expect(capture).toMatchObject({ format: "pcap-ns", linkType: 1 });
    const [first] = capture.packets;
    expect(first!.timeMicros).toBe(Number(first!.timeNanos / 1000n));
    expect(first!.timeNanos % 1000n).not.toBe(0n); // real nanosecond digits
    expect(summaries(capture)).toEqual(tcpdumpLines("lo-ns.pcap"));
  });

  it("reads dumpcap's pcapng with its interface name and nanosecond resolution", () => {
    const capture = unwrap(readCapture(fixture("lo-dumpcap.pcapng")));
    expect(capture.format).toBe("pcapng");
    expect(capture.interfaces).toEqual([{ name: "lo", description: "Loopback", linkType: 1, snapLen: 262144 }]);
    expect(capture.packets.every((p) => p.ifIndex === 0)).toBe(true);
    expect(capture.packets[0]!.timeNanos % 1000n).not.toBe(0n); // if_tsresol 9
    expect(summaries(capture)).toEqual(tcpdumpLines("lo-dumpcap.pcapng"));
    const us = unwrap(readCapture(fixture("lo-us.pcap")));
    expect(Math.abs(capture.packets[0]!.timeMicros - us.packets[0]!.timeMicros)).toBeLessThan(1000);
  });

  it("reads the DHCP exchange captured on a veth", () => {
    const capture = unwrap(readCapture(fixture("veth-dhcp.pcap")));
    expect(summaries(capture)).toEqual(tcpdumpLines("veth-dhcp.pcap").filter((l) => !l.startsWith("IP6")));
  });
});

describe("readCapture reads back what the writers wrote", () => {
  const records = SAMPLE_FRAMES.map((f, i) => ({ timeMicros: 1_700_000_000_123_456 + i * 7, data: f.bytes }));

  it.each(["us", "ns"] as const)("classic pcap (%s)", (resolution) => {
    const capture = unwrap(readCapture(writePcap(records, { resolution })));
    expect(capture.format).toBe(resolution === "us" ? "pcap" : "pcap-ns");
    expect(capture.packets.map((p) => [p.timeMicros, p.data, p.originalLength, p.ifIndex])).toEqual(records.map((r) => [r.timeMicros, r.data, r.data.length, 0]));
  });

  it("pcapng, with interfaces and comments", () => {
    const interfaces = [{ name: "vif1.0" }, { name: "xenbr0", description: "the bridge" }];
    const packets = records.map((r, i) => ({ ...r, ifIndex: i % 2, ...(i % 3 === 0 ? {} : { comment: `xenbr0: forwarded to peth0 (learned) #${i}` }) }));
    const capture = unwrap(readCapture(writePcapng({ interfaces, packets })));
    expect(capture.interfaces).toEqual([
      { name: "vif1.0", linkType: 1, snapLen: 262144 },
      { name: "xenbr0", description: "the bridge", linkType: 1, snapLen: 262144 },
    ]);
    expect(capture.packets.map(({ timeMicros, ifIndex, data, comment }) => ({ timeMicros, ifIndex, data, comment }))).toEqual(
      packets.map(({ timeMicros, ifIndex, data, comment }) => ({ timeMicros, ifIndex, data, comment })),
    );
  });

  it("big-endian files of each format", () => {
    const be = new Uint8Array(24 + 16 + 4);
    const dv = new DataView(be.buffer);
    [0xa1b2c3d4, 0x00020004, 0, 0, 65535, 1, 7, 8, 4, 60].forEach((v, i) => dv.setUint32(i * 4, v, false));
    be.set([1, 2, 3, 4], 40);
    expect(unwrap(readCapture(be)).packets).toEqual([{ timeMicros: 7_000_008, timeNanos: 7_000_008_000n, ifIndex: 0, data: Uint8Array.of(1, 2, 3, 4), originalLength: 60 }]);
    dv.setUint32(0, 0xa1b23c4d, false);
    expect(unwrap(readCapture(be)).packets[0]).toMatchObject({ timeNanos: 7_000_000_008n, timeMicros: 7_000_000 });
    expect(unwrap(readCapture(bigEndianPcapng())).packets).toEqual([
      { timeMicros: 5_000_000, timeNanos: 5_000_000_000n, ifIndex: 0, data: Uint8Array.of(9, 9), originalLength: 2, comment: "be" },
    ]);
  });
});

/** A big-endian pcapng by hand: SHB, IDB (if_tsresol 9 = ns), EPB with a comment. */
function bigEndianPcapng(): Uint8Array {
  const words = [
    [0x0a0d0d0a, 28, 0x1a2b3c4d, 0x00010000, 0xffffffff, 0xffffffff, 28],
    [1, 32, 0x00010000, 0, 0x00090001, 0x09000000, 0, 32],
    [6, 48, 0, 0x00000001, 0x2a05f200, 2, 2, 0x09090000, 0x00010002, 0x62650000, 0, 48],
  ].flat();
  const out = new Uint8Array(words.length * 4);
  const dv = new DataView(out.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w, false));
  return out;
}

describe("readCapture refuses bad files clearly", () => {
  const good = writePcap([{ timeMicros: 0, data: SAMPLE_FRAMES[0]!.bytes }]);
  const goodNs = writePcap([{ timeMicros: 0, data: SAMPLE_FRAMES[0]!.bytes }], { resolution: "ns" });
  const goodNg = writePcapng({ interfaces: [{ name: "eth0" }], packets: [{ timeMicros: 0, ifIndex: 0, data: SAMPLE_FRAMES[0]!.bytes }] });

  it("unknown magic numbers", () => {
    expect(readCapture(new TextEncoder().encode("hello world, not a capture"))).toMatchObject({ ok: false, error: { reason: "unsupported", layer: "capture" } });
    expect(readCapture(new Uint8Array(2))).toMatchObject({ ok: false, error: { reason: "truncated" } });
  });

  it("files cut anywhere", () => {
    for (const file of [good, goodNs, goodNg]) {
      for (const cut of [5, 23, 30, file.length - 1]) {
        const result = readCapture(file.subarray(0, cut));
        expect(result.ok, `cut at ${cut}`).toBe(false);
        if (!result.ok) expect(["truncated", "bad-length"]).toContain(result.error.reason);
      }
    }
  });

  it("unsupported versions", () => {
    const v3 = good.slice();
    v3[4] = 3;
    expect(readCapture(v3)).toMatchObject({ ok: false, error: { reason: "bad-version", layer: "pcap" } });
    const ng2 = goodNg.slice();
    ng2[12] = 2;
    expect(readCapture(ng2)).toMatchObject({ ok: false, error: { reason: "bad-version", layer: "pcapng" } });
  });

  it("never throws on random or damaged bytes", () => {
    const files = fc.constantFrom(good, goodNs, goodNg, fixture("lo-dumpcap.pcapng"));
    fc.assert(
      fc.property(files, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(), (file, edits, cut) => {
        const b = file.slice(0, cut % 2 === 0 ? file.length : cut % (file.length + 1));
        for (const [at, value] of edits) if (b.length > 0) b[at % b.length] = value;
        expect(typeof readCapture(b).ok).toBe("boolean");
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom("d4c3b2a1", "a1b2c3d4", "4d3cb2a1", "a1b23c4d", "0a0d0d0a"), (tail, magic) => {
        const b = new Uint8Array(4 + tail.length);
        b.set(Uint8Array.from(magic.match(/../g)!, (h) => parseInt(h, 16)));
        b.set(tail, 4);
        expect(typeof readCapture(b).ok).toBe("boolean");
      }),
      { numRuns: 1000 },
    );
  });
});
