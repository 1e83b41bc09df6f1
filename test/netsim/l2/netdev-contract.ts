// The NetDev contract: what every device implementation must do, whatever its medium. Each
// implementation's test calls `runNetDevContract` with a factory for a connected pair. The rules
// follow Linux's net_device as `ip link` / `ip -s link` show it (see netsim/l2/net-dev.ts).
import { describe, expect, it } from "vitest";
import type { Sim } from "../../../netsim/engine/sim.ts";
import type { DropReason, TraceEvent } from "../../../netsim/engine/trace.ts";
import type { FrameSink, NetDev } from "../../../netsim/l2/net-dev.ts";
import { BROADCAST_MAC, writeMac, type Mac } from "../../../netsim/wire/address.ts";

/** Two devices joined by their medium, both up with carrier once the sim has run idle. */
export interface DevPair {
  readonly sim: Sim;
  /** Frames `a` transmits reach `b`, and the other way round. */
  readonly a: NetDev;
  readonly b: NetDev;
  /** Takes the medium away from `a` (unplug, peer down, guest gone): `a` loses its carrier. */
  cut(): void;
  /** The reason `a` gives for a transmit after `cut` (default "no-carrier"). */
  readonly cutReason?: DropReason;
}

/** An IPv4 multicast MAC (01:00:5e:00:00:01, all-hosts). */
export const MCAST_MAC: Mac = 0x01_00_5e_00_00_01;

/** An Ethernet II frame of `length` bytes (header included) with a recognisable payload. */
export function ethFrame(dst: Mac, src: Mac, length = 60, etherType = 0x0800): Uint8Array {
  const frame = new Uint8Array(length);
  writeMac(frame, 0, dst);
  writeMac(frame, 6, src);
  frame[12] = etherType >> 8;
  frame[13] = etherType & 0xff;
  for (let i = 14; i < length; i++) frame[i] = i & 0xff;
  return frame;
}

/** An upper layer that records what it is given. */
export class Recorder implements FrameSink {
  readonly frames: Uint8Array[] = [];
  readonly devs: NetDev[] = [];
  receiveFrom(dev: NetDev, frame: Uint8Array): void {
    this.devs.push(dev);
    this.frames.push(frame);
  }
}

/** Subscribes to the trace bus and keeps every event. */
export function recordTrace(sim: Sim): TraceEvent[] {
  const events: TraceEvent[] = [];
  sim.trace.subscribe((e) => events.push(e));
  return events;
}

/** Builds a pair, lets it settle, and attaches recorders to both ends. */
function settle(makePair: () => DevPair): DevPair & { ra: Recorder; rb: Recorder } {
  const pair = makePair();
  pair.sim.runUntilIdle();
  const ra = new Recorder();
  const rb = new Recorder();
  pair.a.attach(ra);
  pair.b.attach(rb);
  return { ...pair, ra, rb };
}

function drops(events: TraceEvent[]): Extract<TraceEvent, { kind: "drop" }>[] {
  return events.filter((e): e is Extract<TraceEvent, { kind: "drop" }> => e.kind === "drop");
}

/** The shared contract, as a vitest `describe` block named after the implementation. */
export function runNetDevContract(name: string, makePair: () => DevPair): void {
  describe(`NetDev contract: ${name}`, () => {
    it("comes up with carrier on both ends and carries the same frame object both ways", () => {
      const { sim, a, b, ra, rb } = settle(makePair);
      expect([a.isUp, a.hasCarrier, b.isUp, b.hasCarrier]).toEqual([true, true, true, true]);
      const ab = ethFrame(b.mac, a.mac, 100);
      const ba = ethFrame(a.mac, b.mac, 64);
      expect(a.transmit(ab)).toBe(true);
      expect(b.transmit(ba)).toBe(true);
      sim.runUntilIdle();
      expect(rb.frames).toHaveLength(1);
      expect(rb.frames[0]).toBe(ab);
      expect(rb.devs[0]).toBe(b);
      expect(ra.frames[0]).toBe(ba);
    });

    it("keeps the order of frames and never alters their bytes", () => {
      const { sim, a, b, rb } = settle(makePair);
      const frames = [60, 1514, 60, 300, 60].map((len, i) => ethFrame(b.mac, a.mac, len, 0x0800 + i));
      const copies = frames.map((f) => f.slice());
      for (const f of frames) a.transmit(f);
      sim.runUntilIdle();
      expect(rb.frames).toEqual(copies);
      rb.frames.forEach((f, i) => expect(f).toBe(frames[i]));
    });

    it("drops a transmit while administratively down, with link-down, as tx dropped", () => {
      const { sim, a, b, rb } = settle(makePair);
      const events = recordTrace(sim);
      a.setUp(false);
      events.length = 0;
      expect(a.transmit(ethFrame(b.mac, a.mac))).toBe(false);
      sim.runUntilIdle();
      expect(rb.frames).toHaveLength(0);
      expect(a.counters.txDropped).toBe(1);
      expect(a.counters.txPackets).toBe(0);
      expect(events.map((e) => e.kind)).toEqual(["drop"]);
      expect(drops(events)[0]).toMatchObject({ node: a.node, dev: a.name, reason: "link-down" });
    });

    it("does not pass up what it receives while down", () => {
      const { sim, b, rb } = settle(makePair);
      const events = recordTrace(sim);
      b.setUp(false);
      b.receive(ethFrame(b.mac, 0x02_00_00_00_00_99));
      expect(rb.frames).toHaveLength(0);
      expect(drops(events)[0]).toMatchObject({ node: b.node, dev: b.name, reason: "link-down" });
    });

    it("loses carrier with its medium and then drops transmits without sending them", () => {
      const pair = settle(makePair);
      const { sim, a, b, rb } = pair;
      const events = recordTrace(sim);
      pair.cut();
      sim.runUntilIdle();
      expect(a.isUp).toBe(true);
      expect(a.hasCarrier).toBe(false);
      expect(events).toContainEqual(expect.objectContaining({ kind: "link", node: a.node, dev: a.name, up: true, carrier: false }));
      events.length = 0;
      expect(a.transmit(ethFrame(b.mac, a.mac))).toBe(false);
      sim.runUntilIdle();
      expect(rb.frames).toHaveLength(0);
      expect(a.counters.txDropped).toBe(1);
      expect(a.counters.txPackets).toBe(0);
      expect(drops(events)[0]).toMatchObject({ dev: a.name, reason: pair.cutReason ?? "no-carrier" });
    });

    it("counts like ip -s link: packets and bytes both ways, mcast without broadcast", () => {
      const { sim, a, b } = settle(makePair);
      const sent = [ethFrame(b.mac, a.mac, 100), ethFrame(BROADCAST_MAC, a.mac, 60), ethFrame(MCAST_MAC, a.mac, 80)];
      for (const f of sent) a.transmit(f);
      sim.runUntilIdle();
      expect(a.counters).toMatchObject({ txPackets: 3, txBytes: 240, txDropped: 0, txErrors: 0 });
      expect(b.counters).toMatchObject({ rxPackets: 3, rxBytes: 240, rxMulticast: 1, rxDropped: 0, rxErrors: 0 });
      expect(b.counters.txPackets).toBe(0);
      expect(a.counters.rxPackets).toBe(0);
    });

    it("filters unicast for another MAC as not-for-us unless promiscuous", () => {
      const { sim, a, b, rb } = settle(makePair);
      const events = recordTrace(sim);
      const other = ethFrame(0x02_00_00_00_00_77, a.mac);
      a.transmit(other);
      sim.runUntilIdle();
      expect(rb.frames).toHaveLength(0);
      expect(drops(events)).toEqual([expect.objectContaining({ node: b.node, dev: b.name, reason: "not-for-us", frame: other })]);
      expect(b.counters.rxDropped).toBe(0);
      b.promiscuous = true;
      a.transmit(other);
      sim.runUntilIdle();
      expect(rb.frames).toEqual([other]);
    });

    it("accepts broadcast and multicast without being promiscuous", () => {
      const { sim, a, b, rb } = settle(makePair);
      a.transmit(ethFrame(BROADCAST_MAC, a.mac));
      a.transmit(ethFrame(MCAST_MAC, a.mac));
      sim.runUntilIdle();
      expect(rb.frames).toHaveLength(2);
    });

    it("counts a runt shorter than an Ethernet header as an rx error", () => {
      const { sim, b, rb } = settle(makePair);
      const events = recordTrace(sim);
      b.receive(new Uint8Array(10));
      expect(rb.frames).toHaveLength(0);
      expect(b.counters.rxErrors).toBe(1);
      expect(drops(events)[0]).toMatchObject({ dev: b.name, reason: "malformed" });
    });

    it("emits tx and rx traces with the right node, device and frame", () => {
      const { sim, a, b } = settle(makePair);
      const events = recordTrace(sim);
      const frame = ethFrame(b.mac, a.mac);
      const sentAt = sim.now;
      a.transmit(frame);
      sim.runUntilIdle();
      // Only a's and b's events: a medium may have devices of its own between them (a hub's ports).
      const tx = events.filter((e) => e.kind === "tx" && e.node === a.node && e.dev === a.name);
      const rx = events.filter((e) => e.kind === "rx" && e.node === b.node && e.dev === b.name);
      expect(tx).toEqual([{ kind: "tx", time: sentAt, node: a.node, dev: a.name, frame }]);
      expect(rx).toEqual([{ kind: "rx", time: sim.now, node: b.node, dev: b.name, frame }]);
    });

    it("keeps the device, its counters and its upper layer across a rename", () => {
      const { sim, a, b, rb } = settle(makePair);
      const events = recordTrace(sim);
      a.transmit(ethFrame(b.mac, a.mac));
      b.rename("renamed0");
      a.transmit(ethFrame(b.mac, a.mac));
      sim.runUntilIdle();
      expect(b.name).toBe("renamed0");
      expect(b.counters.rxPackets).toBe(2);
      expect(rb.frames).toHaveLength(2);
      expect(rb.devs[1]).toBe(b);
      const rxDevs = events.flatMap((e) => (e.kind === "rx" && e.node === b.node ? [e.dev] : []));
      expect(rxDevs).toEqual(["renamed0", "renamed0"]);
    });

    it("calls link-change listeners on admin and carrier changes until unsubscribed", () => {
      const pair = settle(makePair);
      const { sim, a } = pair;
      const seen: [boolean, boolean][] = [];
      const off = a.onLinkChange((dev) => {
        expect(dev).toBe(a);
        seen.push([dev.isUp, dev.hasCarrier]);
      });
      a.setUp(false);
      sim.runUntilIdle();
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.at(-1)![0]).toBe(false);
      seen.length = 0;
      a.setUp(true);
      sim.runUntilIdle();
      expect(seen.at(-1)).toEqual([true, true]);
      seen.length = 0;
      pair.cut();
      sim.runUntilIdle();
      expect(seen.at(-1)).toEqual([true, false]);
      off();
      a.setUp(false);
      expect(seen).toHaveLength(1);
    });

    it("drops frames longer than MTU + header (+ a VLAN tag) as too-big at the sender", () => {
      const { sim, a, b, rb } = settle(makePair);
      const events = recordTrace(sim);
      expect(a.transmit(ethFrame(b.mac, a.mac, 1514))).toBe(true);
      expect(a.transmit(ethFrame(b.mac, a.mac, 1515))).toBe(false);
      expect(a.transmit(ethFrame(b.mac, a.mac, 1518, 0x8100))).toBe(true);
      expect(a.transmit(ethFrame(b.mac, a.mac, 1519, 0x8100))).toBe(false);
      a.mtu = 9000;
      b.mtu = 9000;
      expect(a.transmit(ethFrame(b.mac, a.mac, 9014))).toBe(true);
      sim.runUntilIdle();
      expect(rb.frames.map((f) => f.length)).toEqual([1514, 1518, 9014]);
      expect(a.counters).toMatchObject({ txPackets: 3, txDropped: 2 });
      expect(drops(events).map((e) => [e.dev, e.reason])).toEqual([
        [a.name, "too-big"],
        [a.name, "too-big"],
      ]);
    });

    it("delivers nothing upward once detached", () => {
      const { sim, a, b, rb } = settle(makePair);
      b.attach(null);
      expect(b.sink).toBeNull();
      a.transmit(ethFrame(b.mac, a.mac));
      sim.runUntilIdle();
      expect(rb.frames).toHaveLength(0);
      expect(b.counters.rxPackets).toBe(1);
    });
  });
}
