// The stable one-line text of trace events that golden files are made of.
import { describe, expect, it } from "vitest";
import { formatFrame, formatTime, formatTraceEvent } from "../../../netsim/engine/trace-format.ts";
import type { TraceEvent } from "../../../netsim/engine/trace.ts";
import { writeMac } from "../../../netsim/wire/address.ts";
import { encodeBpduFrame } from "../../../netsim/wire/stp.ts";

function frame(dst: number, src: number, type: number, length = 60): Uint8Array {
  const f = new Uint8Array(length);
  writeMac(f, 0, dst);
  writeMac(f, 6, src);
  f[12] = type >> 8;
  f[13] = type & 0xff;
  return f;
}

const ARP = frame(0xffff_ffff_ffff, 0x00_16_3e_00_00_01, 0x0806, 42);

describe("trace text", () => {
  it("prints virtual time as seconds with six decimals", () => {
    expect([0, 1, 1_500_000, 321_000_007].map(formatTime)).toEqual(["0.000000", "0.000001", "1.500000", "321.000007"]);
  });

  it("summarises frames by their Ethernet header, decoding BPDUs", () => {
    expect(formatFrame(ARP)).toBe("00:16:3e:00:00:01 > ff:ff:ff:ff:ff:ff arp len 42");
    expect(formatFrame(frame(1, 2, 0x88b5))).toBe("00:00:00:00:00:02 > 00:00:00:00:00:01 0x88b5 len 60");
    expect(formatFrame(frame(1, 2, 0x0026))).toBe("00:00:00:00:00:02 > 00:00:00:00:00:01 llc len 60");
    expect(formatFrame(new Uint8Array(9))).toBe("runt len 9");
    expect(formatFrame(encodeBpduFrame(0x02_00_00_00_00_21, { type: "tcn" }))).toBe("02:00:00:00:00:21 > 01:80:c2:00:00:00 stp tcn len 21");
  });

  it("gives every kind of event one line: time, node, device, kind, details", () => {
    const t = 2_000_000;
    const events: TraceEvent[] = [
      { kind: "tx", time: t, node: "h1", dev: "eth0", frame: ARP },
      { kind: "drop", time: t, node: "dom0", dev: "vif1.0", reason: "port-learning", frame: ARP },
      { kind: "drop", time: t, node: "dom0", dev: "xenbr0", reason: "storm", detail: "to peth0" },
      { kind: "learn", time: t, node: "dom0", bridge: "xenbr0", mac: 0x00_16_3e_00_00_01, port: "vif1.0", moved: true },
      { kind: "age-out", time: t, node: "dom0", bridge: "xenbr0", mac: 0x00_16_3e_00_00_01, port: "vif1.0" },
      { kind: "forward", time: t, node: "dom0", bridge: "xenbr0", inPort: "vif1.0", outPort: "peth0", frame: ARP },
      { kind: "flood", time: t, node: "dom0", bridge: "xenbr0", inPort: "xenbr0", outPorts: [], why: "broadcast", frame: ARP },
      { kind: "local", time: t, node: "dom0", bridge: "xenbr0", inPort: "peth0", frame: ARP },
      { kind: "port-state", time: t, node: "dom0", bridge: "xenbr0", port: "peth0", state: "forwarding", role: "root" },
      { kind: "stp", time: t, node: "dom0", bridge: "xenbr0", detail: "topology change detected, propagating" },
      { kind: "storm", time: t, node: "dom0", bridge: "xenbr0", frames: 100_001 },
      { kind: "link", time: t, node: "dom0", dev: "peth0", up: true, carrier: false },
      { kind: "note", time: t, node: "dom0", text: "ifup -a" },
    ];
    expect(events.map(formatTraceEvent)).toEqual([
      "2.000000 h1 eth0 tx 00:16:3e:00:00:01 > ff:ff:ff:ff:ff:ff arp len 42",
      "2.000000 dom0 vif1.0 drop port-learning 00:16:3e:00:00:01 > ff:ff:ff:ff:ff:ff arp len 42",
      "2.000000 dom0 xenbr0 drop storm (to peth0)",
      "2.000000 dom0 xenbr0 learn 00:16:3e:00:00:01 port vif1.0 moved",
      "2.000000 dom0 xenbr0 age-out 00:16:3e:00:00:01 port vif1.0",
      "2.000000 dom0 xenbr0 forward vif1.0 -> peth0 00:16:3e:00:00:01 > ff:ff:ff:ff:ff:ff arp len 42",
      "2.000000 dom0 xenbr0 flood broadcast xenbr0 -> none 00:16:3e:00:00:01 > ff:ff:ff:ff:ff:ff arp len 42",
      "2.000000 dom0 xenbr0 local peth0 00:16:3e:00:00:01 > ff:ff:ff:ff:ff:ff arp len 42",
      "2.000000 dom0 xenbr0 port-state peth0 forwarding role root",
      "2.000000 dom0 xenbr0 stp topology change detected, propagating",
      "2.000000 dom0 xenbr0 storm frames 100001",
      "2.000000 dom0 peth0 link up carrier off",
      "2.000000 dom0 - note ifup -a",
    ]);
  });

  it("prints kinds added after it as sorted key=value pairs", () => {
    const later = { kind: "lease", time: 5, node: "testxen", ip: "10.0.0.66", dev: "eth0" } as unknown as TraceEvent;
    expect(formatTraceEvent(later)).toBe("0.000005 testxen - lease dev=eth0 ip=10.0.0.66");
  });
});
