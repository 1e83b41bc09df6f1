// STP BPDU codec (IEEE 802.1D-1998 clause 9, Linux br_stp_bpdu.c): real fixtures captured from a
// Linux bridge, round trips, every refusal br_stp_rcv makes, tick conversion, random bytes, and
// Wireshark's opinion of what we encode.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bridgeIdToString,
  compareBridgeId,
  encodeBpduFrame,
  microsToTicks,
  parseBpdu,
  parseBpduFrame,
  STP_GROUP_MAC,
  ticksToMicros,
} from "../../../netsim/wire/stp.ts";
import type { BpduRepr, ConfigBpdu } from "../../../netsim/wire/stp.ts";
import { unwrap } from "../../../netsim/wire/result.ts";
import { hex } from "./hex.ts";

const SECOND = 1_000_000;

// Real: Linux 6.x bridge (stp_state 1, hello 1 s, forward_delay 2 s) during a topology change,
// captured with tcpdump on its port a0.
const CONFIG_FRAME = hex(
  "0180c2000000", // destination: bridge group address
  "0200000000a0", // source: the port's MAC
  "0026", // 802.3 length: 38 = LLC 3 + BPDU 35
  "42 42 03", // LLC: DSAP STP, SSAP STP, UI
  "0000", // protocol id
  "00", // version: 802.1D
  "00", // type: configuration
  "01", // flags: topology change
  "8000 0200000000a0", // root id
  "00000000", // root path cost
  "8000 0200000000a0", // bridge id
  "8001", // port id: priority 128 (8-bit field), port 1
  "0000", // message age 0
  "1400", // max age 20 s (5120/256)
  "0100", // hello time 1 s
  "0200", // forward delay 2 s
);

// A TCN as br_send_tcn_bpdu sends it, padded to 60 bytes by a NIC.
const TCN_FRAME = hex("0180c2000000", "020000000021", "0007", "424203", "0000", "00", "80", "00".repeat(39));

const CONFIG: ConfigBpdu = {
  type: "config",
  topologyChange: true,
  topologyChangeAck: false,
  root: { priority: 0x8000, mac: 0x02_00_00_00_00_a0 },
  rootPathCost: 0,
  bridge: { priority: 0x8000, mac: 0x02_00_00_00_00_a0 },
  portId: 0x8001,
  messageAge: 0,
  maxAge: 20 * SECOND,
  helloTime: SECOND,
  forwardDelay: 2 * SECOND,
};

function withByte(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = bytes.slice();
  copy[offset] = value;
  return copy;
}

describe("STP BPDUs", () => {
  it("parses a real configuration BPDU and re-encodes it byte for byte", () => {
    expect(unwrap(parseBpduFrame(CONFIG_FRAME))).toEqual({ dst: STP_GROUP_MAC, src: 0x02_00_00_00_00_a0, bpdu: CONFIG });
    expect(encodeBpduFrame(0x02_00_00_00_00_a0, CONFIG)).toEqual(CONFIG_FRAME);
  });

  it("parses a padded TCN and encodes the 21 bytes Linux sends", () => {
    expect(unwrap(parseBpduFrame(TCN_FRAME))).toEqual({ dst: STP_GROUP_MAC, src: 0x02_00_00_00_00_21, bpdu: { type: "tcn" } });
    expect(encodeBpduFrame(0x02_00_00_00_00_21, { type: "tcn" })).toEqual(TCN_FRAME.subarray(0, 21));
  });

  it("reads the topology change acknowledgement flag and ignores bytes after the 802.3 length", () => {
    const tca = withByte(CONFIG_FRAME, 21, 0x80);
    expect(unwrap(parseBpduFrame(tca)).bpdu).toMatchObject({ topologyChange: false, topologyChangeAck: true });
    const padded = new Uint8Array(60);
    padded.set(CONFIG_FRAME);
    padded.fill(0xff, CONFIG_FRAME.length);
    expect(unwrap(parseBpduFrame(padded))).toEqual(unwrap(parseBpduFrame(CONFIG_FRAME)));
  });

  it("refuses what br_stp_rcv and the LLC layer refuse, with a reason", () => {
    const reason = (bytes: Uint8Array) => {
      const r = parseBpduFrame(bytes);
      return r.ok ? "ok" : r.error.reason;
    };
    expect(reason(CONFIG_FRAME.subarray(0, 16))).toBe("truncated");
    expect(reason(withByte(CONFIG_FRAME, 12, 0x08))).toBe("unsupported"); // an EtherType, not a length
    expect(reason(withByte(CONFIG_FRAME, 13, 0x02))).toBe("bad-length"); // length 2 < LLC header
    expect(reason(withByte(CONFIG_FRAME, 13, 0x30))).toBe("truncated"); // length beyond the frame
    expect(reason(withByte(CONFIG_FRAME, 14, 0xaa))).toBe("unsupported"); // SNAP, not STP
    expect(reason(withByte(CONFIG_FRAME, 16, 0x13))).toBe("unsupported"); // not UI
    expect(reason(withByte(CONFIG_FRAME, 18, 0x01))).toBe("bad-version"); // protocol id
    expect(reason(withByte(CONFIG_FRAME, 19, 0x02))).toBe("bad-version"); // RSTP
    expect(reason(withByte(CONFIG_FRAME, 20, 0x02))).toBe("unsupported"); // RST BPDU type
    expect(reason(withByte(CONFIG_FRAME.subarray(0, 40), 13, 0x1a))).toBe("truncated"); // config of 23 bytes
    expect(unwrap(parseBpduFrame(withByte(CONFIG_FRAME, 20, 0x80))).bpdu).toEqual({ type: "tcn" });
  });

  it("converts times like br_set_ticks (down) and br_get_ticks (up), so every tick value round-trips", () => {
    expect(microsToTicks(20 * SECOND)).toBe(5120);
    expect(microsToTicks(2 * SECOND)).toBe(512);
    expect(microsToTicks(4_000)).toBe(1);
    expect(microsToTicks(3_905)).toBe(0);
    expect(ticksToMicros(1)).toBe(3_907);
    expect(ticksToMicros(3840)).toBe(15 * SECOND);
    const wrong = Array.from({ length: 0x10000 }, (_, ticks) => ticks).filter((t) => microsToTicks(ticksToMicros(t)) !== t);
    expect(wrong).toEqual([]);
  });

  it("orders bridge ids as memcmp over priority then MAC, and prints them as brctl does", () => {
    const a = { priority: 0x8000, mac: 0x00_16_3e_00_00_01 };
    const b = { priority: 0x8000, mac: 0xfe_ff_ff_ff_ff_ff };
    const c = { priority: 0x1000, mac: 0xfe_ff_ff_ff_ff_ff };
    expect([b, a, c].sort(compareBridgeId)).toEqual([c, a, b]);
    expect(bridgeIdToString(a)).toBe("8000.00163e000001");
  });

  it("never throws on random bytes, as a frame or as a BPDU", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        parseBpduFrame(bytes);
        parseBpdu(bytes);
      }),
      { numRuns: 5000 },
    );
    // Frames that get past the LLC header, to reach the BPDU checks.
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.integer({ min: 0, max: 80 }), (body, length) => {
        const frame = new Uint8Array(17 + body.length);
        frame.set([0x01, 0x80, 0xc2, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0, length, 0x42, 0x42, 0x03]);
        frame.set(body, 17);
        parseBpduFrame(frame);
      }),
      { numRuns: 5000 },
    );
  });

  it("round-trips any configuration BPDU whose times are whole ticks", () => {
    const id = fc.record({ priority: fc.integer({ min: 0, max: 0xffff }), mac: fc.integer({ min: 0, max: 2 ** 48 - 1 }) });
    const time = fc.integer({ min: 0, max: 0xffff }).map(ticksToMicros);
    const config = fc.record({
      type: fc.constant("config" as const),
      topologyChange: fc.boolean(),
      topologyChangeAck: fc.boolean(),
      root: id,
      rootPathCost: fc.integer({ min: 0, max: 0xffff_ffff }),
      bridge: id,
      portId: fc.integer({ min: 0, max: 0xffff }),
      messageAge: time,
      maxAge: time,
      helloTime: time,
      forwardDelay: time,
    });
    fc.assert(
      fc.property(config, fc.integer({ min: 0, max: 2 ** 48 - 1 }), (bpdu: BpduRepr, src) => {
        expect(unwrap(parseBpduFrame(encodeBpduFrame(src, bpdu)))).toEqual({ dst: STP_GROUP_MAC, src, bpdu });
      }),
    );
  });
});

/** A classic pcap (µs, Ethernet) of `frames`. */
function pcap(frames: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const header = new DataView(new ArrayBuffer(24));
  header.setUint32(0, 0xa1b2c3d4, true);
  header.setUint16(4, 2, true);
  header.setUint16(6, 4, true);
  header.setUint32(16, 65535, true);
  header.setUint32(20, 1, true);
  parts.push(new Uint8Array(header.buffer));
  frames.forEach((frame, i) => {
    const record = new DataView(new ArrayBuffer(16));
    record.setUint32(0, i, true);
    record.setUint32(8, frame.length, true);
    record.setUint32(12, frame.length, true);
    parts.push(new Uint8Array(record.buffer), frame);
  });
  return Buffer.concat(parts);
}

describe("STP BPDUs in Wireshark", () => {
  const tshark = spawnSync("tshark", ["--version"], { encoding: "utf8" });
  const available = tshark.status === 0;
  if (!available && process.env.CI) throw new Error("tshark is required in CI");
  it.skipIf(!available)("decode without warnings, with the fields we put in", () => {
    const dir = mkdtempSync(join(tmpdir(), "xennet-stp-"));
    try {
      const file = join(dir, "stp.pcap");
      const tcn = encodeBpduFrame(0x02_00_00_00_00_21, { type: "tcn" });
      const ack = encodeBpduFrame(0x02_00_00_00_00_a0, { ...CONFIG, topologyChange: false, topologyChangeAck: true, messageAge: 3_907, rootPathCost: 19 });
      writeFileSync(file, pcap([encodeBpduFrame(0x02_00_00_00_00_a0, CONFIG), tcn, ack]));
      const bad = spawnSync("tshark", ["-r", file, "-Y", "_ws.malformed || _ws.expert.severity >= warning"], { encoding: "utf8" });
      expect(bad.status).toBe(0);
      expect(bad.stdout).toBe("");
      const fields = ["stp.type", "stp.flags.tc", "stp.flags.tcack", "stp.root.hw", "stp.root.cost", "stp.port", "stp.msg_age", "stp.forward"];
      const out = spawnSync("tshark", ["-r", file, "-T", "fields", "-E", "separator=|", ...fields.flatMap((f) => ["-e", f])], { encoding: "utf8" });
      expect(out.stdout.trim().split("\n")).toEqual([
        "0x00|1|0|02:00:00:00:00:a0|0|0x8001|0|2",
        "0x80|||||||",
        "0x00|0|1|02:00:00:00:00:a0|19|0x8001|0.00390625|2",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
