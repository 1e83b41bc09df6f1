// Point-to-point devices: every implementation runs the NetDev contract, then the behaviour proper
// to each medium — cable timing and loss, veth carrier, Xen netfront/netback states, dummy, hub.
import { describe, expect, it } from "vitest";
import { Sim } from "../../../netsim/engine/sim.ts";
import { Cable, Dummy, Hub, Netback, Netfront, Nic, Veth, XEN_BACKEND_MAC, type CableOptions } from "../../../netsim/l2/index.ts";
import type { NetDev } from "../../../netsim/l2/net-dev.ts";
import { BROADCAST_MAC, macToString } from "../../../netsim/wire/address.ts";
import { Recorder, ethFrame, recordTrace, runNetDevContract, type DevPair } from "./netdev-contract.ts";

const MAC_A = 0x00_16_3e_00_00_0a;
const MAC_B = 0x00_16_3e_00_00_0b;

function nicPair(options: CableOptions = { latency: 2 }, seed = 1) {
  const sim = new Sim(seed);
  const a = new Nic(sim, "h1", "eth0", MAC_A);
  const b = new Nic(sim, "h2", "eth0", MAC_B);
  a.setUp(true);
  b.setUp(true);
  const cable = new Cable(a, b, options);
  const ra = new Recorder();
  const rb = new Recorder();
  a.attach(ra);
  b.attach(rb);
  return { sim, a, b, cable, ra, rb };
}

function vethPair(up = true) {
  const sim = new Sim();
  const [a, b] = Veth.pair(sim, { node: "dom0", name: "veth0", mac: MAC_A }, { node: "dom0", name: "vif0.0", mac: XEN_BACKEND_MAC });
  a.setUp(up);
  b.setUp(up);
  return { sim, a, b };
}

function xenPair(ringDelay?: number) {
  const sim = new Sim();
  const front = new Netfront(sim, "guest", "eth0", MAC_A);
  const back = new Netback(sim, "dom0", "vif1.0", ringDelay === undefined ? {} : { ringDelay });
  front.setUp(true);
  back.setUp(true);
  back.connect(front);
  const rf = new Recorder();
  const rb = new Recorder();
  front.attach(rf);
  back.attach(rb);
  return { sim, front, back, rf, rb };
}

runNetDevContract("nic + cable", (): DevPair => {
  const { sim, a, b, cable } = nicPair({ latency: 3, bitsPerSecond: 100_000_000 });
  return { sim, a, b, cut: () => cable.unplug() };
});

runNetDevContract("nic + hub + nic", (): DevPair => {
  const sim = new Sim();
  const hub = new Hub(sim, "lan");
  const a = new Nic(sim, "h1", "eth0", MAC_A);
  const b = new Nic(sim, "h2", "eth0", MAC_B);
  a.setUp(true);
  b.setUp(true);
  const cable = hub.connect(a, { latency: 1 });
  hub.connect(b, { latency: 1 });
  return { sim, a, b, cut: () => cable.unplug() };
});

runNetDevContract("veth pair", (): DevPair => {
  const { sim, a, b } = vethPair();
  return { sim, a, b, cut: () => b.setUp(false) };
});

runNetDevContract("netfront → netback", (): DevPair => {
  const { sim, front, back } = xenPair();
  return { sim, a: front, b: back, cut: () => back.disconnect() };
});

runNetDevContract("netback → netfront", (): DevPair => {
  const { sim, front, back } = xenPair();
  return { sim, a: back, b: front, cut: () => back.disconnect(), cutReason: "no-frontend" };
});

/** Sends frames from `from` to `to` and returns the time each one reached `to`'s upper layer. */
function arrivalTimes(sim: Sim, from: NetDev, to: NetDev, lengths: number[]): number[] {
  const times: number[] = [];
  to.attach({ receiveFrom: () => times.push(sim.now) });
  for (const len of lengths) from.transmit(ethFrame(to.mac, from.mac, len));
  sim.runUntilIdle();
  return times;
}

describe("Cable", () => {
  it("adds serialisation (frame + FCS, preamble, gap) and latency, queueing frames FIFO", () => {
    const { sim, a, b } = nicPair({ latency: 5 });
    // 1514 + 24 bytes = 12 304 ns at 1 Gbit/s → 13 µs, + 5; the next ends at 24 608 ns; a 60-byte one 672 ns later.
    expect(arrivalTimes(sim, a, b, [1514, 1514, 60])).toEqual([18, 30, 31]);
  });

  it("pads short frames to the 64-byte minimum on the wire", () => {
    const runt = nicPair({ bitsPerSecond: 10_000_000 });
    const min = nicPair({ bitsPerSecond: 10_000_000 });
    const big = nicPair({ bitsPerSecond: 10_000_000 });
    // (60 + 24) × 8 bits at 10 Mbit/s = 67.2 µs; (1514 + 24) × 8 = 1230.4 µs.
    expect(arrivalTimes(runt.sim, runt.a, runt.b, [42])).toEqual([68]);
    expect(arrivalTimes(min.sim, min.a, min.b, [60])).toEqual([68]);
    expect(arrivalTimes(big.sim, big.a, big.b, [1514])).toEqual([1231]);
  });

  it("is full duplex and does not carry an idle wire's past backlog", () => {
    const { sim, a, b } = nicPair({ latency: 0, bitsPerSecond: 100_000_000 });
    const atA: number[] = [];
    const atB: number[] = [];
    a.attach({ receiveFrom: () => atA.push(sim.now) });
    b.attach({ receiveFrom: () => atB.push(sim.now) });
    a.transmit(ethFrame(MAC_B, MAC_A, 1514));
    b.transmit(ethFrame(MAC_A, MAC_B, 1514));
    sim.runUntil(1000);
    a.transmit(ethFrame(MAC_B, MAC_A, 1514));
    sim.runUntilIdle();
    // 1538 bytes at 100 Mbit/s = 123.04 µs → 124, both directions at once; later from t = 1000.
    expect(atA).toEqual([124]);
    expect(atB).toEqual([124, 1124]);
  });

  it("loses frames from its seeded stream: same seed, same losses; counted as rx errors", () => {
    const lostIndexes = (seed: number) => {
      const { sim, a, b } = nicPair({ loss: 0.25 }, seed);
      const events = recordTrace(sim);
      for (let i = 0; i < 400; i++) a.transmit(ethFrame(MAC_B, MAC_A, 60, i));
      sim.runUntilIdle();
      const lost = events.flatMap((e) => (e.kind === "drop" && e.reason === "loss" ? [(e.frame![12]! << 8) | e.frame![13]!] : []));
      expect(b.counters.rxErrors).toBe(lost.length);
      expect(b.counters.rxPackets).toBe(400 - lost.length);
      expect(a.counters.txPackets).toBe(400);
      return lost;
    };
    const first = lostIndexes(7);
    expect(first.length).toBeGreaterThan(60);
    expect(first.length).toBeLessThan(140);
    expect(lostIndexes(7)).toEqual(first);
    expect(lostIndexes(8)).not.toEqual(first);
  });

  it("draws loss from its own stream, unaffected by other cables' traffic", () => {
    const run = (otherFrames: number) => {
      const sim = new Sim(3);
      const mk = (node: string, mac: number) => {
        const nic = new Nic(sim, node, "eth0", mac);
        nic.setUp(true);
        return nic;
      };
      const [a, b, c, d] = [mk("a", 1), mk("b", 2), mk("c", 3), mk("d", 4)];
      new Cable(a, b, { loss: 0.5 });
      new Cable(c, d, { loss: 0.5 });
      for (let i = 0; i < 100; i++) {
        if (i < otherFrames) c.transmit(ethFrame(4, 3));
        a.transmit(ethFrame(2, 1));
      }
      sim.runUntilIdle();
      return b.counters.rxErrors;
    };
    expect(run(0)).toBe(run(100));
  });

  it("loses frames in flight and queued when unplugged; carrier drops at both ends", () => {
    const { sim, a, b, cable, rb } = nicPair({ latency: 100 });
    const events = recordTrace(sim);
    a.transmit(ethFrame(MAC_B, MAC_A, 1514));
    a.transmit(ethFrame(MAC_B, MAC_A, 1514));
    sim.runUntil(50);
    cable.unplug();
    expect([a.hasCarrier, b.hasCarrier, cable.isPlugged, a.cable]).toEqual([false, false, false, null]);
    sim.runUntilIdle();
    expect(rb.frames).toHaveLength(0);
    const lost = events.filter((e) => e.kind === "drop");
    expect(lost).toHaveLength(2);
    expect(lost[0]).toMatchObject({ node: "h2", dev: "eth0", reason: "no-carrier", time: 113 });
    cable.plug();
    expect([a.hasCarrier, b.hasCarrier]).toEqual([true, true]);
    const t0 = sim.now;
    a.transmit(ethFrame(MAC_B, MAC_A, 1514));
    sim.runUntilIdle();
    expect(rb.frames).toHaveLength(1);
    expect(sim.now).toBe(t0 + 13 + 100);
  });

  it("drops the link at both ends when one NIC goes down, as its PHY powers off", () => {
    const { sim, a, b, rb } = nicPair();
    a.transmit(ethFrame(MAC_B, MAC_A));
    b.setUp(false);
    expect([a.hasCarrier, b.hasCarrier]).toEqual([false, false]);
    sim.runUntilIdle();
    expect(rb.frames).toHaveLength(0);
    b.setUp(true);
    expect([a.hasCarrier, b.hasCarrier]).toEqual([true, true]);
  });

  it("raises the carrier only after auto-negotiation", () => {
    const { sim, a, b } = nicPair({ negotiation: 2_000_000 });
    expect(a.hasCarrier).toBe(false);
    sim.runUntil(1_999_999);
    expect(a.hasCarrier).toBe(false);
    sim.runUntil(2_000_000);
    expect([a.hasCarrier, b.hasCarrier]).toEqual([true, true]);
  });

  it("takes one cable per NIC; an unplugged cable frees its NICs", () => {
    const { sim, a, b, cable } = nicPair();
    const c = new Nic(sim, "h3", "eth0", 0x00_16_3e_00_00_0c);
    expect(() => new Cable(a, c)).toThrow(/already has a cable/);
    cable.unplug();
    const other = new Cable(a, c);
    expect(a.cable).toBe(other);
    expect(() => cable.plug()).toThrow(/already has a cable/);
    expect(b.cable).toBeNull();
    expect(() => new Cable(a, a)).toThrow();
    expect(() => new Cable(b, new Nic(sim, "h4", "eth0", 4), { latency: 1.5 })).toThrow(/whole number/);
  });
});

describe("Veth", () => {
  it("starts down; each end has carrier only while both are up", () => {
    const { a, b } = vethPair(false);
    expect([a.isUp, a.hasCarrier, b.isUp, b.hasCarrier]).toEqual([false, false, false, false]);
    a.setUp(true);
    expect([a.hasCarrier, b.hasCarrier]).toEqual([false, false]);
    b.setUp(true);
    expect([a.hasCarrier, b.hasCarrier]).toEqual([true, true]);
    a.setUp(false);
    expect([a.hasCarrier, b.hasCarrier]).toEqual([false, false]);
    expect(a.peer).toBe(b);
    expect(b.peer).toBe(a);
  });

  it("delivers at +0 µs but never inside transmit", () => {
    const { sim, a, b } = vethPair();
    const rb = new Recorder();
    b.attach(rb);
    a.transmit(ethFrame(XEN_BACKEND_MAC, MAC_A));
    expect(rb.frames).toHaveLength(0);
    sim.runUntilIdle();
    expect(rb.frames).toHaveLength(1);
    expect(sim.now).toBe(0);
  });

  it("plays ping-pong 200 000 times without recursing", () => {
    const { sim, a, b } = vethPair();
    let bounces = 0;
    const echo = { receiveFrom: (dev: NetDev, frame: Uint8Array) => void (++bounces < 200_000 && dev.transmit(frame)) };
    a.attach(echo);
    b.attach(echo);
    a.transmit(ethFrame(BROADCAST_MAC, MAC_A));
    expect(sim.runUntilIdle()).toBe(true);
    expect(bounces).toBe(200_000);
    expect(a.counters.txPackets + b.counters.txPackets).toBe(200_000);
  });

  it("refuses a frame larger than the receiving end's MTU, counted as its rx dropped", () => {
    const { sim, a, b } = vethPair();
    a.mtu = 9000;
    const events = recordTrace(sim);
    expect(a.transmit(ethFrame(XEN_BACKEND_MAC, MAC_A, 2000))).toBe(false);
    sim.runUntilIdle();
    expect(a.counters).toMatchObject({ txPackets: 0, txDropped: 0 });
    expect(b.counters).toMatchObject({ rxPackets: 0, rxDropped: 1 });
    expect(events.filter((e) => e.kind === "drop")).toEqual([expect.objectContaining({ node: "dom0", dev: "vif0.0", reason: "too-big" })]);
  });
});

describe("Xen netfront / netback", () => {
  it("gives the backend fe:ff:ff:ff:ff:ff and crosses the ring in ringDelay µs each way", () => {
    const { sim, front, back } = xenPair(3);
    expect(macToString(back.mac)).toBe("fe:ff:ff:ff:ff:ff");
    expect([back.kind, front.kind, back.state]).toEqual(["netback", "netfront", "connected"]);
    expect(arrivalTimes(sim, front, back, [60, 60])).toEqual([3, 3]);
    expect(arrivalTimes(sim, back, front, [60])).toEqual([6]);
    const fresh = xenPair();
    expect(arrivalTimes(fresh.sim, fresh.front, fresh.back, [60])).toEqual([5]);
  });

  it("has no carrier before the frontend connects and drops with no-frontend", () => {
    const sim = new Sim();
    const front = new Netfront(sim, "guest", "eth0", MAC_A);
    const back = new Netback(sim, "dom0", "vif1.0");
    front.setUp(true);
    back.setUp(true);
    const events = recordTrace(sim);
    expect([front.hasCarrier, back.hasCarrier, back.state, front.backend]).toEqual([false, false, "disconnected", null]);
    expect(back.transmit(ethFrame(MAC_A, XEN_BACKEND_MAC))).toBe(false);
    expect(events).toEqual([expect.objectContaining({ kind: "drop", dev: "vif1.0", reason: "no-frontend" })]);
  });

  it("drops frames toward a paused guest at netback as tx dropped, and resumes on unpause", () => {
    const { sim, front, back, rf, rb } = xenPair();
    const events = recordTrace(sim);
    back.pause();
    expect([back.state, back.hasCarrier, front.hasCarrier]).toEqual(["paused", true, true]);
    const frame = ethFrame(MAC_A, XEN_BACKEND_MAC);
    expect(back.transmit(frame)).toBe(false);
    front.transmit(ethFrame(XEN_BACKEND_MAC, MAC_A));
    sim.runUntilIdle();
    expect(rf.frames).toHaveLength(0);
    expect(rb.frames).toHaveLength(1);
    expect(back.counters).toMatchObject({ txPackets: 0, txDropped: 1 });
    // tcpdump on vif1.0 would see the frame: it is traced as sent, then dropped by the driver.
    expect(events.filter((e) => "dev" in e && e.dev === "vif1.0" && e.kind !== "rx").map((e) => e.kind)).toEqual(["tx", "drop"]);
    expect(events).toContainEqual(expect.objectContaining({ kind: "drop", node: "dom0", dev: "vif1.0", reason: "guest-paused", frame }));
    back.unpause();
    expect(back.transmit(frame)).toBe(true);
    sim.runUntilIdle();
    expect(rf.frames).toEqual([frame]);
    expect(back.counters).toMatchObject({ txPackets: 1, txDropped: 1 });
  });

  it("holds a frame already in the ring at pause time until the guest runs again", () => {
    const { sim, back, rf } = xenPair();
    back.transmit(ethFrame(MAC_A, XEN_BACKEND_MAC));
    sim.runUntil(2);
    back.pause();
    sim.runUntil(1000);
    expect(rf.frames).toHaveLength(0);
    back.unpause();
    sim.runUntilIdle();
    expect(rf.frames).toHaveLength(1);
    expect(sim.now).toBe(1000);
  });

  it("on save/destroy drops both carriers, loses what is in the rings, and drops with no-frontend", () => {
    const { sim, front, back, rf, rb } = xenPair();
    const events = recordTrace(sim);
    back.transmit(ethFrame(MAC_A, XEN_BACKEND_MAC));
    front.transmit(ethFrame(XEN_BACKEND_MAC, MAC_A));
    back.disconnect();
    expect([back.state, back.hasCarrier, front.hasCarrier, back.frontend, front.backend]).toEqual(["disconnected", false, false, null, null]);
    expect(back.transmit(ethFrame(MAC_A, XEN_BACKEND_MAC))).toBe(false);
    expect(front.transmit(ethFrame(XEN_BACKEND_MAC, MAC_A))).toBe(false);
    sim.runUntilIdle();
    expect(rf.frames.length + rb.frames.length).toBe(0);
    const reasons = events.flatMap((e) => (e.kind === "drop" ? [`${e.dev}:${e.reason}`] : []));
    expect(reasons).toEqual(["vif1.0:no-frontend", "eth0:no-carrier", "vif1.0:no-frontend", "vif1.0:no-frontend"]);
    expect(back.counters.txDropped).toBe(1);
    expect(() => back.pause()).toThrow(/disconnected/);
  });

  it("reconnects a restored guest's netfront to a new backend", () => {
    const { sim, front, back } = xenPair();
    back.disconnect();
    const back2 = new Netback(sim, "dom0", "vif2.0");
    back2.setUp(true);
    back2.connect(front);
    expect([front.hasCarrier, front.backend, back.state]).toEqual([true, back2, "disconnected"]);
    const rf = new Recorder();
    front.attach(rf);
    back2.transmit(ethFrame(MAC_A, XEN_BACKEND_MAC));
    sim.runUntilIdle();
    expect(rf.frames).toHaveLength(1);
    expect(() => back2.connect(front)).toThrow(/already connected/);
    expect(() => new Netback(sim, "dom0", "vif3.0").connect(front)).toThrow(/already connected/);
    expect(() => back2.unpause()).toThrow();
  });
});

describe("Dummy", () => {
  it("swallows what it transmits, counting it, with its carrier always on", () => {
    const sim = new Sim();
    const dummy = new Dummy(sim, "dom0", "dummy0", MAC_A);
    expect([dummy.kind, dummy.hasCarrier, dummy.isUp]).toEqual(["dummy", true, false]);
    const events = recordTrace(sim);
    expect(dummy.transmit(ethFrame(BROADCAST_MAC, MAC_A))).toBe(false);
    dummy.setUp(true);
    expect(dummy.transmit(ethFrame(BROADCAST_MAC, MAC_A, 100))).toBe(true);
    expect(sim.runUntilIdle()).toBe(true);
    expect(sim.eventsRun).toBe(0);
    expect(dummy.counters).toMatchObject({ txPackets: 1, txBytes: 100, txDropped: 1, rxPackets: 0 });
    expect(events.map((e) => e.kind)).toEqual(["drop", "link", "tx"]);
  });
});

describe("Hub", () => {
  it("repeats every frame out of every other linked port, in port order", () => {
    const sim = new Sim();
    const hub = new Hub(sim, "lan");
    const hosts = [1, 2, 3].map((i) => {
      const nic = new Nic(sim, `h${i}`, "eth0", 0x00_16_3e_00_00_00 + i);
      nic.setUp(true);
      hub.connect(nic);
      return nic;
    });
    hub.addPort();
    const seen: string[] = [];
    for (const h of hosts) h.attach({ receiveFrom: (dev) => seen.push(dev.node) });
    hosts[0]!.transmit(ethFrame(BROADCAST_MAC, hosts[0]!.mac));
    hosts[2]!.transmit(ethFrame(hosts[1]!.mac, hosts[2]!.mac));
    sim.runUntilIdle();
    expect(seen).toEqual(["h2", "h3", "h2"]);
    expect(hosts[0]!.counters.rxPackets).toBe(1);
    expect(hub.ports.map((p) => `${p.name}:${p.counters.txPackets}`)).toEqual(["port1:1", "port2:2", "port3:1", "port4:0"]);
    expect(hub.ports[3]!.counters.txDropped).toBe(0);
  });
});
