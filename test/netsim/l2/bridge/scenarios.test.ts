// Scenario tests with golden traces (test/golden/bridge-*.trace; UPDATE_GOLDEN=1 rewrites them):
// two hosts on one bridge, and a triangle of bridges with STP (converges, one port blocking) and
// without (a storm, bounded and reported). Same seed, same trace, byte for byte.
import { describe, expect, it } from "vitest";
import { SECOND } from "../../../../netsim/engine/sim.ts";
import type { TraceEvent } from "../../../../netsim/engine/trace.ts";
import { bridgeIdToString, compareBridgeId } from "../../../../netsim/wire/stp.ts";
import { expectGolden } from "../../../golden.ts";
import { traceText } from "./helpers.ts";
import { H1, H2, triangle, twoHosts } from "./scenarios.ts";

type Ev<K extends TraceEvent["kind"]> = Extract<TraceEvent, { kind: K }>;
function only<K extends TraceEvent["kind"]>(events: TraceEvent[], kind: K): Ev<K>[] {
  return events.filter((e): e is Ev<K> => e.kind === kind);
}

describe("scenario: two hosts and a bridge", () => {
  it("learns, floods unknown unicast, forwards once learned, ages out, with the 2.6.32 learning phase", () => {
    const run = twoHosts({});
    const [br] = run.bridges;
    const [h1, h2] = run.hosts;
    // 1 s: learning phase, dropped. 16 s: unknown, flooded. 17 s and 18 s: forwarded. 319 s: aged, flooded.
    expect(h2!.inbox.ids()).toEqual([2, 4, 5]);
    expect(h1!.inbox.ids()).toEqual([3]);
    expect(only(run.events, "drop").map((e) => [e.time, e.dev, e.reason])).toEqual([[SECOND, "veth1", "port-learning"]]);
    expect(only(run.events, "port-state").map((e) => [e.time, e.port, e.state])).toEqual([
      [0, "veth1", "blocking"],
      [0, "veth1", "learning"],
      [0, "veth2", "blocking"],
      [0, "veth2", "learning"],
      [15 * SECOND, "veth1", "forwarding"],
      [15 * SECOND, "veth2", "forwarding"],
    ]);
    expect(only(run.events, "flood").map((e) => [e.time, e.why])).toEqual([
      [16 * SECOND, "unknown-unicast"],
      [319 * SECOND, "unknown-unicast"],
    ]);
    expect(only(run.events, "forward").map((e) => [e.time, e.inPort, e.outPort])).toEqual([
      [17 * SECOND, "veth2", "veth1"],
      [18 * SECOND, "veth1", "veth2"],
    ]);
    // h2 last seen at 17 s, h1 at 18 s: dead at 317 s and 318 s, collected by the gc at 318 s.
    expect(only(run.events, "age-out").map((e) => [e.time, e.mac])).toEqual([
      [318 * SECOND, H1],
      [318 * SECOND, H2],
    ]);
    expect(br!.showMacs().filter((r) => !r.isLocal).map((r) => r.mac)).toEqual([H1]);
    expectGolden("bridge-two-hosts.trace", traceText(run.events));
  });

  it("forwards at once with bridge_fd 0 and ages out after a short bridge_ageing", () => {
    const run = twoHosts({ forwardDelay: 0, ageingTime: 10 * SECOND });
    const [h1, h2] = run.hosts;
    expect(h2!.inbox.ids()).toEqual([1, 2, 4, 5]);
    expect(h1!.inbox.ids()).toEqual([3]);
    expect(only(run.events, "drop")).toEqual([]);
    // 1 s: the broadcast and the first unicast (unknown); 14 s: h2, last seen at 2 s, aged out at 12 s.
    // h1, last seen at 3 s, is dead at 13 s; the collector runs at round_jiffies(13.25 s) = 14 s.
    expect(only(run.events, "flood").map((e) => [e.time, e.why])).toEqual([
      [SECOND, "broadcast"],
      [SECOND, "unknown-unicast"],
      [14 * SECOND, "unknown-unicast"],
    ]);
    expect(only(run.events, "age-out").map((e) => [e.time, e.mac])).toEqual([
      [12 * SECOND, H2],
      [14 * SECOND, H1],
    ]);
    expectGolden("bridge-two-hosts-fd0.trace", traceText(run.events));
  });
});

describe("scenario: a triangle of bridges", () => {
  it("with STP on converges like Linux: root = lowest bridge id, one port blocking, 2 × forward delay", () => {
    const run = triangle({ stp: true }, 40 * SECOND, 35 * SECOND);
    const [sw1, sw2, sw3] = run.bridges;
    const [h2, h3] = run.hosts;
    const lowest = run.bridges.map((b) => b.stp.bridgeId).sort(compareBridgeId)[0]!;
    expect(bridgeIdToString(lowest)).toBe(bridgeIdToString(sw1!.stp.bridgeId));
    for (const b of run.bridges) expect(b.stp.designatedRoot).toEqual(lowest);
    expect(sw1!.stp.isRootBridge()).toBe(true);
    expect([sw2!.stp.rootPort?.name, sw3!.stp.rootPort?.name]).toEqual(["eth1", "eth1"]);
    const states = run.bridges.flatMap((b) => b.ports.map((p) => `${b.node}/${p.name}:${p.state}`));
    expect(states.filter((s) => !s.endsWith(":forwarding"))).toEqual(["sw3/eth2:blocking"]);
    // Every port that forwards went listening at 0, learning at fd, forwarding at 2 × fd.
    const moves = only(run.events, "port-state").filter((e) => `${e.node}/${e.port}` !== "sw3/eth2");
    for (const e of moves) {
      const expected = { blocking: 0, listening: 0, learning: 15 * SECOND, forwarding: 30 * SECOND }[e.state as string];
      expect([e.node, e.port, e.state, e.time]).toEqual([e.node, e.port, e.state, expected]);
    }
    expect(moves.filter((e) => e.state === "forwarding")).toHaveLength(7);
    // The blocked port stopped listening when the first BPDUs had been exchanged.
    const blocked = only(run.events, "port-state").filter((e) => `${e.node}/${e.port}` === "sw3/eth2");
    expect(blocked.map((e) => e.state)).toEqual(["blocking", "listening", "blocking"]);
    expect(blocked[2]!.time).toBeLessThanOrEqual(3 * SECOND);
    // A broadcast after convergence reaches h3 exactly once and never comes back to h2.
    expect(h3!.inbox.ids()).toEqual([1]);
    expect(h2!.inbox.ids()).toEqual([]);
    expect(only(run.events, "storm")).toEqual([]);
    // The ports reaching forwarding are a topology change: TCNs reach the root.
    expect(only(run.events, "stp").some((e) => e.node === "sw1" && e.detail === "received tcn bpdu on port 1(eth2)")).toBe(true);
    expectGolden("bridge-triangle-stp.trace", traceText(run.events));
    // The root flags the change in its BPDUs for fd + max age; meanwhile every bridge ages its FDB
    // after one forward delay instead of 300 s.
    expect(run.bridges.map((b) => [b.stp.topologyChange, b.fdb.holdTime])).toEqual([
      [true, 15 * SECOND],
      [true, 15 * SECOND],
      [true, 15 * SECOND],
    ]);
    run.sim.runUntil(70 * SECOND);
    expect(run.bridges.map((b) => [b.stp.topologyChange, b.fdb.holdTime])).toEqual([
      [false, 300 * SECOND],
      [false, 300 * SECOND],
      [false, 300 * SECOND],
    ]);
  });

  it("with STP on re-converges when the root goes silent: max age, then a new root, then 2 × fd", () => {
    const run = triangle({ stp: true }, 40 * SECOND, 200 * SECOND);
    const [sw1, sw2, sw3] = run.bridges;
    sw1!.setUp(false);
    run.sim.runUntil(59 * SECOND);
    expect(sw3!.ports.find((p) => p.name === "eth2")!.state).toBe("blocking");
    run.sim.runUntil(63 * SECOND);
    // The last BPDUs left sw1 at 40 s with message age 0: sw2 and sw3 give the root up at 40 s +
    // max age. sw3 first lets go of sw2's relayed copy, one hop (MESSAGE_AGE_INCR) older.
    const lost = only(run.events, "stp").filter((e) => e.detail.startsWith("neighbor"));
    expect(lost.map((e) => [e.node, e.detail])).toEqual([
      ["sw3", "neighbor 8000.02:00:00:00:00:21 lost on port 1(eth2)"],
      ["sw2", "neighbor 8000.02:00:00:00:00:12 lost on port 1(eth1)"],
      ["sw3", "neighbor 8000.02:00:00:00:00:12 lost on port 2(eth1)"],
    ]);
    expect(lost[0]!.time).toBeGreaterThan(59.99 * SECOND);
    expect(lost.slice(1).map((e) => e.time)).toEqual([60 * SECOND, 60 * SECOND]);
    expect(sw2!.stp.isRootBridge()).toBe(true);
    expect(sw3!.stp.rootPort?.name).toBe("eth2");
    const eth2 = sw3!.ports.find((p) => p.name === "eth2")!;
    expect(eth2.state).toBe("listening");
    run.sim.runUntil(100 * SECOND);
    expect(eth2.state).toBe("forwarding");
    run.sim.runUntil(201 * SECOND);
    expect(run.hosts[1]!.inbox.ids()).toEqual([1]);
  });

  it("follows bridge_bridgeprio and bridge_pathcost: another root, another blocked port", () => {
    const byPriority = triangle({ stp: true }, 0, 100 * SECOND);
    byPriority.bridges[2]!.setBridgePriority(0x1000);
    byPriority.sim.runUntil(40 * SECOND);
    const blocked = (run: typeof byPriority) =>
      run.bridges.flatMap((b) => b.ports.filter((p) => p.state !== "forwarding").map((p) => `${b.node}/${p.name}:${p.state}`));
    expect(byPriority.bridges.map((b) => b.stp.isRootBridge())).toEqual([false, false, true]);
    // sw1 and sw2 are both one hop from sw3: on their segment the lower id, sw1, is designated.
    expect(blocked(byPriority)).toEqual(["sw2/eth1:blocking"]);

    const byCost = triangle({ stp: true }, 0, 100 * SECOND);
    const sw3 = byCost.bridges[2]!;
    sw3.setPathCost(sw3.ports.find((p) => p.name === "eth1")!.dev, 100);
    byCost.sim.runUntil(40 * SECOND);
    expect(sw3.stp.rootPort?.name).toBe("eth2");
    expect(sw3.stp.rootPathCost).toBe(4);
    expect(blocked(byCost)).toEqual(["sw3/eth1:blocking"]);
  });

  it("with STP off becomes a broadcast storm that the simulator bounds and reports, and the run returns", () => {
    const run = triangle({ forwardDelay: 0, stormBudget: 6 }, 5 * SECOND, SECOND);
    const [h2, h3] = run.hosts;
    const storms = only(run.events, "storm");
    expect(storms.length).toBeGreaterThanOrEqual(1);
    expect(storms.every((e) => e.time === SECOND && e.frames === 7)).toBe(true);
    expect(only(run.events, "drop").filter((e) => e.reason === "storm").length).toBeGreaterThan(0);
    // The loop showed: copies came back to the sender and reached h3 several times.
    expect(h2!.inbox.ids().length).toBeGreaterThan(1);
    expect(h3!.inbox.ids().length).toBeGreaterThan(1);
    expect(run.sim.now).toBe(5 * SECOND);
    expectGolden("bridge-triangle-storm.trace", traceText(run.events));
  });

  it("bounds a storm with the default budget too: 100 000 frames per bridge per virtual second", () => {
    const run = triangle({ forwardDelay: 0 }, 3 * SECOND, SECOND);
    const storms = only(run.events, "storm");
    expect(storms.map((e) => [e.node, e.frames])).toEqual([
      ["sw2", 100_001],
      ["sw1", 100_001],
    ]);
    expect(run.sim.pending).toBeLessThanOrEqual(3);
    expect(run.bridges.map((b) => b.storm.storms)).toEqual([1, 1, 0]);
  });
});

describe("determinism", () => {
  it("gives the same trace text for the same scenario run twice, and for another seed", () => {
    const a = traceText(triangle({ stp: true }, 40 * SECOND, 35 * SECOND, 7).events);
    const b = traceText(triangle({ stp: true }, 40 * SECOND, 35 * SECOND, 7).events);
    expect(b).toBe(a);
    const storm1 = traceText(triangle({ forwardDelay: 0, stormBudget: 500 }, 3 * SECOND, SECOND, 7).events);
    const storm2 = traceText(triangle({ forwardDelay: 0, stormBudget: 500 }, 3 * SECOND, SECOND, 7).events);
    expect(storm2).toBe(storm1);
    // Nothing a bridge does is random once it has ports: the only draw (its first MAC) is replaced.
    const other = triangle({ stp: true }, 40 * SECOND, 35 * SECOND, 8);
    expect(traceText(other.events)).toBe(a);
  });
});
