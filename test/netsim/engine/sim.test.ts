// The discrete-event engine: (time, sequence) ordering, cancellation, the run* calls and stop(),
// seeded random streams, and a property test of the event heap.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Sim, SECOND, MILLISECOND } from "../../../netsim/engine/sim.ts";
import { EventQueue, ScheduledEvent } from "../../../netsim/engine/event-queue.ts";
import { RandomStream } from "../../../netsim/engine/random.ts";

describe("Sim ordering", () => {
  it("runs events by time, and equal times in the order they were scheduled", () => {
    const sim = new Sim();
    const log: string[] = [];
    sim.schedule(10, () => log.push("b@10"));
    sim.schedule(5, () => log.push("a@5"));
    sim.schedule(10, () => log.push("c@10"));
    sim.at(10, () => log.push("d@10"));
    sim.post(10, () => log.push("e@10"));
    sim.schedule(0, () => log.push("z@0"));
    sim.runUntilIdle();
    expect(log).toEqual(["z@0", "a@5", "b@10", "c@10", "d@10", "e@10"]);
  });

  it("runs an event scheduled at +0 from inside an event after everything already due now", () => {
    const sim = new Sim();
    const log: string[] = [];
    sim.schedule(1, () => {
      log.push("first");
      sim.schedule(0, () => log.push("nested"));
    });
    sim.schedule(1, () => log.push("second"));
    sim.runUntilIdle();
    expect(log).toEqual(["first", "second", "nested"]);
    expect(sim.now).toBe(1);
  });

  it("rounds delays to whole microseconds and refuses bad ones", () => {
    const sim = new Sim();
    expect(sim.schedule(2.4, () => {}).time).toBe(2);
    expect(sim.schedule(2.6, () => {}).time).toBe(3);
    expect(() => sim.schedule(-1, () => {})).toThrow();
    expect(() => sim.schedule(Number.NaN, () => {})).toThrow();
    expect(() => sim.schedule(Infinity, () => {})).toThrow();
    sim.runUntil(100);
    expect(() => sim.at(99, () => {})).toThrow(/before now/);
    expect(SECOND).toBe(1000 * MILLISECOND);
  });
});

describe("Sim cancellation", () => {
  it("never runs a cancelled event, and keeps `pending` right", () => {
    const sim = new Sim();
    const log: number[] = [];
    const h1 = sim.schedule(1, () => log.push(1));
    const h2 = sim.schedule(2, () => log.push(2));
    sim.schedule(3, () => log.push(3));
    expect(sim.pending).toBe(3);
    h2.cancel();
    h2.cancel();
    expect([sim.pending, h2.pending, h1.pending]).toEqual([2, false, true]);
    sim.runUntilIdle();
    expect(log).toEqual([1, 3]);
    expect([h1.pending, sim.pending, sim.eventsRun]).toEqual([false, 0, 2]);
    h1.cancel();
    expect(sim.pending).toBe(0);
  });

  it("lets an event cancel a later one due at the same time", () => {
    const sim = new Sim();
    const log: string[] = [];
    sim.schedule(5, () => later.cancel());
    const later = sim.schedule(5, () => log.push("later"));
    sim.runUntilIdle();
    expect(log).toEqual([]);
  });
});

describe("Sim run calls", () => {
  it("runUntil runs events due at or before the time, then sets the clock to it", () => {
    const sim = new Sim();
    const log: number[] = [];
    for (const t of [1, 5, 10, 11]) sim.schedule(t, () => log.push(t));
    sim.schedule(3, () => sim.schedule(7, () => log.push(10.5)));
    sim.runUntil(10);
    expect(log).toEqual([1, 5, 10, 10.5]);
    expect(sim.now).toBe(10);
    sim.runUntil(10);
    expect(log).toEqual([1, 5, 10, 10.5]);
    sim.runFor(500);
    expect(log).toEqual([1, 5, 10, 10.5, 11]);
    expect(sim.now).toBe(510);
  });

  it("runFor advances the clock even when nothing is pending", () => {
    const sim = new Sim();
    sim.runFor(2 * SECOND);
    expect(sim.now).toBe(2_000_000);
  });

  it("runUntilIdle drains the queue, or stops after maxEvents of a self-perpetuating timer", () => {
    const sim = new Sim();
    sim.schedule(7, () => {});
    expect(sim.runUntilIdle()).toBe(true);
    expect(sim.now).toBe(7);
    let ticks = 0;
    const tick = (): void => {
      ticks++;
      sim.schedule(1000, tick);
    };
    tick();
    expect(sim.runUntilIdle(50)).toBe(false);
    expect(ticks).toBe(51);
    expect(sim.pending).toBe(1);
  });

  it("step runs exactly one event", () => {
    const sim = new Sim();
    const log: number[] = [];
    sim.schedule(3, () => log.push(3));
    sim.schedule(4, () => log.push(4));
    expect(sim.step()).toBe(true);
    expect([log, sim.now]).toEqual([[3], 3]);
    sim.step();
    expect(sim.step()).toBe(false);
  });

  it("stop() ends the current run after the event in progress, without moving the clock on", () => {
    const sim = new Sim();
    const log: number[] = [];
    sim.schedule(1, () => log.push(1));
    sim.schedule(2, () => {
      log.push(2);
      sim.stop();
    });
    sim.schedule(2, () => log.push(2.5));
    sim.schedule(3, () => log.push(3));
    sim.runUntil(100);
    expect(log).toEqual([1, 2]);
    expect(sim.now).toBe(2);
    sim.runUntil(100);
    expect(log).toEqual([1, 2, 2.5, 3]);
    expect(sim.now).toBe(100);
    sim.schedule(1, () => sim.stop());
    sim.schedule(2, () => log.push(4));
    expect(sim.runUntilIdle()).toBe(false);
    expect(log).toHaveLength(4);
  });
});

describe("Sim random streams", () => {
  const draw = (s: RandomStream, n = 8) => Array.from({ length: n }, () => s.int(0, 1_000_000));

  it("gives the same numbers for the same seed and name, and the same stream object", () => {
    expect(draw(new Sim(42).rng("dhcp"))).toEqual(draw(new Sim(42).rng("dhcp")));
    const sim = new Sim(42);
    expect(sim.rng("dhcp")).toBe(sim.rng("dhcp"));
    expect(draw(new Sim(42).rng("dhcp"))).not.toEqual(draw(new Sim(43).rng("dhcp")));
    expect(draw(new Sim(42).rng("dhcp"))).not.toEqual(draw(new Sim(42).rng("arp")));
  });

  it("keeps streams independent: drawing from one does not shift another", () => {
    const quiet = new Sim(5);
    const busy = new Sim(5);
    draw(busy.rng("noisy"), 1000);
    expect(draw(busy.rng("steady"))).toEqual(draw(quiet.rng("steady")));
  });

  it("forks deterministic children that differ from the parent and from each other", () => {
    const parent = new Sim(9).rng("xm");
    const child = parent.fork("testxen");
    expect(child.name).toBe("xm/testxen");
    expect(draw(child)).toEqual(draw(new Sim(9).rng("xm").fork("testxen")));
    expect(draw(new Sim(9).rng("xm").fork("testxen"))).not.toEqual(draw(new Sim(9).rng("xm")));
    expect(draw(new Sim(9).rng("xm").fork("a"))).not.toEqual(draw(new Sim(9).rng("xm").fork("b")));
  });

  it("draws within range: int inclusive, float in [0, 1), chance at the edges, bytes", () => {
    const s = new Sim(1).rng("range");
    const ints = Array.from({ length: 2000 }, () => s.int(3, 5));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
    for (let i = 0; i < 2000; i++) {
      const f = s.float();
      expect(f >= 0 && f < 1).toBe(true);
    }
    expect(Array.from({ length: 100 }, () => s.chance(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 100 }, () => s.chance(1)).every(Boolean)).toBe(true);
    const bytes = s.bytes(64);
    expect(bytes).toHaveLength(64);
    expect(bytes.every((b) => b >= 0 && b <= 255)).toBe(true);
  });
});

type Op = { readonly push: number } | { readonly cancel: number } | { readonly pop: true };

describe("EventQueue", () => {
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ push: fc.integer({ min: 0, max: 50 }) }),
    fc.record({ cancel: fc.nat() }),
    fc.constant({ pop: true as const }),
  );

  it("pops live events in nondecreasing (time, seq) order under random push/cancel/pop", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const queue = new EventQueue();
        const all: ScheduledEvent[] = [];
        const popped: ScheduledEvent[] = [];
        let seq = 0;
        let floor = 0; // pushes never go before the last popped time, as in the Sim
        for (const o of ops) {
          if ("push" in o) {
            const ev = new ScheduledEvent(floor + o.push, seq++, () => {});
            all.push(ev);
            queue.push(ev);
          } else if ("cancel" in o) {
            const ev = all[o.cancel % Math.max(all.length, 1)];
            if (ev && !popped.includes(ev)) queue.cancel(ev);
          } else {
            const ev = queue.pop();
            if (ev) {
              popped.push(ev);
              floor = ev.time;
            }
          }
        }
        for (let ev = queue.pop(); ev; ev = queue.pop()) popped.push(ev);
        for (let i = 1; i < popped.length; i++) {
          const [p, c] = [popped[i - 1]!, popped[i]!];
          expect(p.time < c.time || (p.time === c.time && p.seq < c.seq)).toBe(true);
        }
        expect(popped.every((ev) => !ev.cancelled)).toBe(true);
        const live = all.filter((ev) => !ev.cancelled);
        expect(new Set(popped)).toEqual(new Set(live));
        expect(queue.size).toBe(0);
        expect(queue.peekTime()).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
