// The learning bridge frame by frame, against Linux 2.6.32's net/bridge: learning, flooding,
// forwarding, delivery up the bridge device, the learning phase of a new port, ageing, static and
// local entries, and what is never forwarded.
import { describe, expect, it } from "vitest";
import { Sim, SECOND } from "../../../../netsim/engine/sim.ts";
import type { TraceEvent } from "../../../../netsim/engine/trace.ts";
import { Bridge } from "../../../../netsim/l2/bridge/index.ts";
import { Veth } from "../../../../netsim/l2/veth.ts";
import { BROADCAST_MAC } from "../../../../netsim/wire/address.ts";
import { attachHost, Inbox, record, testFrame } from "./helpers.ts";

const H1 = 0x02_00_00_00_00_01;
const H2 = 0x02_00_00_00_00_02;
const H3 = 0x02_00_00_00_00_03;
const P1 = 0xfe_ff_ff_ff_ff_01;
const P2 = 0xfe_ff_ff_ff_ff_02;
const P3 = 0xfe_ff_ff_ff_ff_03;

/** A bridge `br0` with hosts h1..h3 on ports veth1..veth3, up, with `bridge_fd 0`. */
function lan(options: ConstructorParameters<typeof Bridge>[3] = { forwardDelay: 0 }) {
  const sim = new Sim(1);
  const br = new Bridge(sim, "dom0", "br0", options);
  const up = new Inbox();
  br.attach(up);
  const h1 = attachHost(sim, br, "h1", H1, "veth1", P1);
  const h2 = attachHost(sim, br, "h2", H2, "veth2", P2);
  const h3 = attachHost(sim, br, "h3", H3, "veth3", P3);
  br.setUp(true);
  sim.runFor(1);
  return { sim, br, up, h1, h2, h3 };
}

function kinds(events: TraceEvent[], kind: TraceEvent["kind"]): TraceEvent[] {
  return events.filter((e) => e.kind === kind);
}

describe("Bridge: addresses and ports", () => {
  it("takes the lowest port MAC, keeps a MAC set by hand, and falls to zero without ports", () => {
    const sim = new Sim(1);
    const br = new Bridge(sim, "dom0", "xenbr0");
    const [a] = Veth.pair(sim, { node: "dom0", name: "vif1.0", mac: 0xfe_ff_ff_ff_ff_ff }, { node: "g", name: "eth0", mac: H1 });
    const [b] = Veth.pair(sim, { node: "dom0", name: "peth0", mac: 0x00_16_3e_00_00_10 }, { node: "lan", name: "x", mac: H2 });
    br.addPort(a);
    expect(br.mac).toBe(0xfe_ff_ff_ff_ff_ff);
    br.addPort(b);
    expect(br.mac).toBe(0x00_16_3e_00_00_10);
    expect(br.stp.bridgeId).toEqual({ priority: 0x8000, mac: 0x00_16_3e_00_00_10 });
    br.removePort(b);
    expect(br.mac).toBe(0xfe_ff_ff_ff_ff_ff);
    br.removePort(a);
    expect(br.mac).toBe(0);
    br.setMac(0x02_00_00_00_00_aa);
    br.addPort(a);
    expect(br.mac).toBe(0x02_00_00_00_00_aa);
  });

  it("numbers ports from 1, reuses freed numbers, and refuses a device already in a bridge or a bridge", () => {
    const { sim, br, h1, h2 } = lan();
    expect(br.ports.map((p) => [p.name, p.portNo, p.portId])).toEqual([
      ["veth1", 1, 0x8001],
      ["veth2", 2, 0x8002],
      ["veth3", 3, 0x8003],
    ]);
    const other = new Bridge(sim, "dom0", "br1");
    expect(other.addPort(h1.port)).toMatchObject({ ok: false, errno: "EBUSY" });
    expect(br.addPort(other)).toMatchObject({ ok: false, errno: "ELOOP" });
    br.removePort(h2.port);
    const [again] = Veth.pair(sim, { node: "dom0", name: "veth9", mac: 0xfe_ff_ff_ff_ff_09 }, { node: "h9", name: "eth0", mac: 0x02_00_00_00_00_09 });
    const added = br.addPort(again);
    expect(added.ok && added.value.portNo).toBe(2);
    expect(br.ports.map((p) => p.name)).toEqual(["veth1", "veth3", "veth9"]);
  });

  it("enslaves a port promiscuous and gives its old upper layer back on removal", () => {
    const sim = new Sim(1);
    const br = new Bridge(sim, "dom0", "br0");
    const [eth0] = Veth.pair(sim, { node: "dom0", name: "eth0", mac: H1 }, { node: "lan", name: "x", mac: H2 });
    const stack = new Inbox();
    eth0.attach(stack);
    br.addPort(eth0);
    expect(eth0.promiscuous).toBe(true);
    expect(eth0.sink).not.toBe(stack);
    br.removePort(eth0);
    expect(eth0.promiscuous).toBe(false);
    expect(eth0.sink).toBe(stack);
  });

  it("inserts each port's MAC as a local entry, shown by showmacs as local with a zero timer", () => {
    const { br } = lan();
    expect(br.showMacs()).toEqual([
      { portNo: 1, port: "veth1", mac: P1, isLocal: true, ageingTimer: 0 },
      { portNo: 2, port: "veth2", mac: P2, isLocal: true, ageingTimer: 0 },
      { portNo: 3, port: "veth3", mac: P3, isLocal: true, ageingTimer: 0 },
    ]);
  });
});

describe("Bridge: learning and forwarding", () => {
  it("floods unknown unicast to every other port, then forwards to the learned port only", () => {
    const { sim, br, up, h1, h2, h3 } = lan();
    const events = record(sim);
    h1.send(H2, 1);
    sim.runFor(SECOND);
    expect([h2.inbox.ids(), h3.inbox.ids(), h1.inbox.ids()]).toEqual([[1], [1], []]);
    expect(kinds(events, "flood")).toMatchObject([{ why: "unknown-unicast", inPort: "veth1", outPorts: ["veth2", "veth3"] }]);
    expect(kinds(events, "learn")).toMatchObject([{ mac: H1, port: "veth1", moved: false }]);
    h2.send(H1, 2);
    sim.runFor(SECOND);
    expect([h1.inbox.ids(), h3.inbox.ids()]).toEqual([[2], [1]]);
    expect(kinds(events, "forward")).toMatchObject([{ inPort: "veth2", outPort: "veth1" }]);
    expect(up.frames).toHaveLength(0);
    expect(br.showMacs().filter((r) => !r.isLocal)).toEqual([
      { portNo: 1, port: "veth1", mac: H1, isLocal: false, ageingTimer: 2 * SECOND },
      { portNo: 2, port: "veth2", mac: H2, isLocal: false, ageingTimer: SECOND },
    ]);
  });

  it("floods broadcast and multicast to all other ports and delivers them up the bridge device", () => {
    const { sim, up, h1, h2, h3 } = lan();
    const events = record(sim);
    h1.send(BROADCAST_MAC, 1);
    h1.send(0x01_00_5e_00_00_01, 2);
    sim.runFor(SECOND);
    expect([h2.inbox.ids(), h3.inbox.ids(), h1.inbox.ids()]).toEqual([[1, 2], [1, 2], []]);
    expect(up.frames.map((f) => f[15])).toEqual([1, 2]);
    expect(kinds(events, "flood").map((e) => e.kind === "flood" && e.why)).toEqual(["broadcast", "multicast"]);
    expect(kinds(events, "local")).toHaveLength(2);
  });

  it("drops a frame whose destination is behind its ingress port (same-port)", () => {
    const { sim, br, h1, h2 } = lan();
    h1.send(BROADCAST_MAC, 1);
    sim.runFor(SECOND);
    const events = record(sim);
    // A second station behind veth1 would reach h1 directly; the bridge must not send it back.
    br.ports[0]!.dev.receive(testFrame(H1, 0x02_00_00_00_00_41, 2));
    sim.runFor(SECOND);
    expect(kinds(events, "drop")).toMatchObject([{ dev: "veth1", reason: "same-port" }]);
    expect(h2.inbox.ids()).toEqual([1]);
  });

  it("moves an entry when a station shows up behind another port", () => {
    const { sim, br, h1, h2 } = lan();
    h1.send(BROADCAST_MAC, 1);
    sim.runFor(SECOND);
    const events = record(sim);
    br.ports[1]!.dev.receive(testFrame(BROADCAST_MAC, H1, 2));
    sim.runFor(SECOND);
    expect(kinds(events, "learn")).toMatchObject([{ mac: H1, port: "veth2", moved: true }]);
    h2.send(H1, 3);
    sim.runFor(SECOND);
    expect(h1.inbox.ids()).toEqual([2]);
  });

  it("delivers frames for its own MAC and its ports' MACs up only (the stack drops the latter), and drops a bad source", () => {
    const { sim, br, up, h1, h2 } = lan();
    const events = record(sim);
    h1.send(br.mac, 1);
    h1.send(P3, 2);
    h1.eth0.transmit(testFrame(H2, 0x01_00_00_00_00_01, 3));
    h1.eth0.transmit(testFrame(H2, 0, 4));
    sim.runFor(SECOND);
    // Both go up br0 and nowhere else; the port's MAC is not br0's, so br0 filters it (PACKET_OTHERHOST).
    expect(kinds(events, "local").map((e) => e.kind === "local" && e.frame[15])).toEqual([1, 2]);
    expect(up.frames.map((f) => f[15])).toEqual([1]);
    expect(h2.inbox.ids()).toEqual([]);
    expect(kinds(events, "drop").map((e) => e.kind === "drop" && e.reason)).toEqual(["not-for-us", "invalid-source", "invalid-source"]);
  });

  it("sends what dom0's stack transmits: flooded when unknown, to one port when learned", () => {
    const { sim, br, h1, h2, h3 } = lan();
    br.transmit(testFrame(H2, br.mac, 1));
    sim.runFor(SECOND);
    expect([h1.inbox.ids(), h2.inbox.ids(), h3.inbox.ids()]).toEqual([[1], [1], [1]]);
    h2.send(br.mac, 2);
    sim.runFor(SECOND);
    br.transmit(testFrame(H2, br.mac, 3));
    br.transmit(testFrame(BROADCAST_MAC, br.mac, 4));
    sim.runFor(SECOND);
    expect([h1.inbox.ids(), h2.inbox.ids(), h3.inbox.ids()]).toEqual([
      [1, 4],
      [1, 3, 4],
      [1, 4],
    ]);
    expect(br.counters.txPackets).toBe(3);
    expect(br.counters.rxPackets).toBe(1);
  });

  it("passes a copy of forwarded frames up while the bridge device is promiscuous (tcpdump -i br0)", () => {
    const { sim, br, up, h1 } = lan();
    br.promiscuous = true;
    h1.send(H2, 1);
    sim.runFor(SECOND);
    expect(up.frames.map((f) => f[15])).toEqual([1]);
  });
});

describe("Bridge: what is never bridged", () => {
  it("keeps 01:80:c2:00:00:01-0f on the link, but bridges 01:80:c2:00:00:00 like data while STP is off", () => {
    const { sim, h1, h2 } = lan();
    const events = record(sim);
    h1.send(0x01_80_c2_00_00_0e, 1); // LLDP
    h1.send(0x01_80_c2_00_00_00, 2); // bridge group address
    sim.runFor(SECOND);
    expect(h2.inbox.ids()).toEqual([2]);
    expect(kinds(events, "drop")).toMatchObject([{ dev: "veth1", reason: "link-local" }]);
  });

  it("does not learn at all with an ageing time of 0: every unicast is flooded", () => {
    const { sim, br, h1, h2, h3 } = lan({ forwardDelay: 0, ageingTime: 0 });
    h1.send(H2, 1);
    h2.send(H1, 2);
    sim.runFor(SECOND);
    h1.send(H2, 3);
    sim.runFor(SECOND);
    expect(h3.inbox.ids()).toEqual([1, 2, 3]);
    expect(br.showMacs().every((r) => r.isLocal)).toBe(true);
  });
});

describe("Bridge: port states", () => {
  it("spends one forward delay in learning with STP off (2.6.32): learns, drops, then forwards", () => {
    const { sim, br, up, h1, h2 } = lan({});
    const events = record(sim);
    expect(br.ports.map((p) => p.state)).toEqual(["learning", "learning", "learning"]);
    sim.runUntil(5 * SECOND);
    h1.send(BROADCAST_MAC, 1);
    h2.send(br.mac, 2);
    sim.runUntil(15 * SECOND - 1);
    expect(h2.inbox.ids()).toEqual([]);
    expect(up.frames).toHaveLength(0);
    expect(kinds(events, "drop").map((e) => e.kind === "drop" && e.reason)).toEqual(["port-learning", "port-learning"]);
    expect(br.showMacs().filter((r) => !r.isLocal).map((r) => r.mac)).toEqual([H1, H2]);
    sim.runUntil(15 * SECOND);
    expect(br.ports.map((p) => p.state)).toEqual(["forwarding", "forwarding", "forwarding"]);
    expect(kinds(events, "port-state")).toHaveLength(3);
    h2.send(H1, 3);
    sim.runFor(SECOND);
    expect(h1.inbox.ids()).toEqual([3]);
  });

  it("goes to forwarding without delay with bridge_fd 0", () => {
    const sim = new Sim(1);
    const br = new Bridge(sim, "dom0", "br0", { forwardDelay: 0 });
    const events = record(sim);
    const h1 = attachHost(sim, br, "h1", H1, "veth1", P1);
    br.setUp(true);
    expect(h1.port.isUp && br.ports[0]!.state).toBe("learning");
    sim.runFor(0);
    expect(br.ports[0]!.state).toBe("forwarding");
    expect(kinds(events, "port-state").map((e) => e.kind === "port-state" && [e.time, e.state])).toEqual([
      [0, "blocking"],
      [0, "learning"],
      [0, "forwarding"],
    ]);
  });

  it("disables a port whose link goes down, forgets what it learned there, and relearns after it is back", () => {
    const { sim, br, h1, h2 } = lan();
    h1.send(BROADCAST_MAC, 1);
    sim.runFor(SECOND);
    h1.eth0.setUp(false);
    expect(br.ports[0]!.state).toBe("disabled");
    expect(br.showMacs().some((r) => r.mac === H1)).toBe(false);
    expect(br.showMacs().some((r) => r.mac === P1)).toBe(true);
    h2.send(H1, 2);
    sim.runFor(SECOND);
    h1.eth0.setUp(true);
    sim.runFor(1);
    expect(br.ports[0]!.state).toBe("forwarding");
    h2.send(H1, 3);
    sim.runFor(SECOND);
    expect(h1.inbox.ids()).toEqual([3]);
  });

  it("disables every port while the bridge device is down", () => {
    const { sim, br, h1, h2 } = lan();
    const events = record(sim);
    br.setUp(false);
    h1.send(H2, 1);
    sim.runFor(SECOND);
    expect(br.ports.map((p) => p.state)).toEqual(["disabled", "disabled", "disabled"]);
    expect(h2.inbox.ids()).toEqual([]);
    expect(kinds(events, "drop")).toMatchObject([{ dev: "veth1", reason: "port-disabled" }]);
  });
});

describe("Bridge: ageing", () => {
  it("ages a learned entry out after ageing_time and floods again", () => {
    const { sim, br, h1, h2, h3 } = lan({ forwardDelay: 0, ageingTime: 10 * SECOND });
    const events = record(sim);
    h1.send(BROADCAST_MAC, 1);
    sim.runFor(SECOND);
    h2.send(H1, 2);
    sim.runFor(9 * SECOND - 2);
    h2.send(H1, 3);
    sim.runFor(2 * SECOND);
    h2.send(H1, 4);
    sim.runFor(SECOND);
    expect(h3.inbox.ids()).toEqual([1, 4]);
    expect(kinds(events, "age-out")[0]).toMatchObject({ mac: H1, port: "veth1" });
    expect(br.showMacs().some((r) => r.mac === H1)).toBe(false);
  });

  it("collects dead entries on its own (br_fdb_cleanup) at whole seconds, and stops when none is left", () => {
    const { sim, h1 } = lan({ forwardDelay: 0, ageingTime: 2 * SECOND });
    const events = record(sim);
    sim.runUntil(SECOND / 2);
    h1.send(BROADCAST_MAC, 1);
    sim.runUntil(10 * SECOND);
    // Learned at 0.5 s, dead at 2.5 s, collected at round_jiffies(2.75 s) = 3 s.
    expect(kinds(events, "age-out").map((e) => e.time)).toEqual([3 * SECOND]);
    expect(sim.pending).toBe(0);
  });

  it("keeps a static entry for ever and does not move it", () => {
    const { sim, br, h1, h2, h3 } = lan({ forwardDelay: 0, ageingTime: SECOND });
    br.fdb.addStatic(br.ports[0]!, H1);
    sim.runFor(100 * SECOND);
    br.ports[2]!.dev.receive(testFrame(BROADCAST_MAC, H1, 1));
    h2.send(H1, 2);
    sim.runFor(SECOND);
    expect(h1.inbox.ids()).toEqual([1, 2]);
    expect(h3.inbox.ids()).toEqual([]);
  });

  it("ages entries after the forward delay during a topology change", () => {
    const { sim, br } = lan({ forwardDelay: 0 });
    expect(br.fdb.holdTime).toBe(300 * SECOND);
    br.setStp(true);
    br.stp.topologyChangeDetection();
    expect(br.stp.topologyChange).toBe(true);
    br.setForwardDelay(4 * SECOND);
    expect(br.fdb.holdTime).toBe(4 * SECOND);
    sim.runFor(40 * SECOND);
    expect(br.stp.topologyChange).toBe(false);
    expect(br.fdb.holdTime).toBe(300 * SECOND);
  });
});

describe("Bridge: settings", () => {
  it("refuses a hello time under a second and a port priority over 63, like brctl", () => {
    const { br, h1 } = lan();
    expect(br.setHelloTime(SECOND / 2)).toMatchObject({ ok: false, errno: "EINVAL" });
    expect(br.setPortPriority(h1.port, 64)).toMatchObject({ ok: false, errno: "ERANGE" });
    expect(br.setPortPriority(h1.port, 1)).toEqual({ ok: true, value: undefined });
    expect(br.ports[0]!.portId).toBe(0x0401);
    expect(br.setPathCost(h1.port, 7)).toEqual({ ok: true, value: undefined });
    expect(br.ports[0]!.pathCost).toBe(7);
  });

  it("sets the bridge MTU to its smallest port's", () => {
    const { br, h1 } = lan();
    expect(br.mtu).toBe(1500);
    br.removePort(h1.port);
    h1.port.mtu = 1400;
    br.addPort(h1.port);
    expect(br.mtu).toBe(1400);
  });
});
