// The playback clock and the bounded history on their own, over a fake simulation that produces a
// phase event every two virtual seconds: advancing passes exactly the events up to the new time
// (running the simulation ahead in one-second slices), step runs it to the next event, back returns
// to the previous one but not past what the bounded history dropped, and a busy stretch is passed
// at most MAX_PASS events at a time.
import { describe, expect, it } from "vitest";
import { EventHistory, MAX_PASS, PlaybackClock, SLICE_US, type ClockHost } from "../../../web/session/index.ts";

const S = 1_000_000;

/** A simulation whose only events are a phase every `every` µs (from `every` on), `burst` at a time. */
function fakeHost(history: EventHistory, every = 2 * S, burst = 1): ClockHost & { runs: number[] } {
  let now = 0;
  const runs: number[] = [];
  return {
    history,
    runs,
    simNow: () => now,
    runTo(time: number) {
      runs.push(time);
      for (let t = (Math.floor(now / every) + 1) * every; t <= time; t += every) for (let i = 0; i < burst; i++) history.add({ time: t, kind: "phase", phase: `p${t / S}` });
      now = time;
    },
  };
}

describe("PlaybackClock", () => {
  it("advances in virtual time, running the simulation ahead to the next slice", () => {
    const history = new EventHistory();
    const host = fakeHost(history);
    const clock = new PlaybackClock(host);
    const seen: number[] = [];
    clock.onChange((passed) => seen.push(...passed.map((e) => e.event.seq)));
    expect(clock.advance(5.5 * S)).toMatchObject({ now: 5.5 * S, cursor: 2, latest: 3 });
    expect(host.runs).toEqual([6 * S]);
    expect(seen).toEqual([1, 2]);
    expect(SLICE_US).toBe(S);
  });

  it("steps to the next event, running the simulation until there is one, and steps back", () => {
    const history = new EventHistory();
    const clock = new PlaybackClock(fakeHost(history, 10 * S));
    expect(clock.command({ action: "step" })).toMatchObject({ cursor: 1, now: 10 * S });
    expect(clock.command({ action: "step" })).toMatchObject({ cursor: 2, now: 20 * S });
    expect(clock.command({ action: "back" })).toMatchObject({ cursor: 1, now: 10 * S });
    expect(clock.command({ action: "back" })).toMatchObject({ cursor: 0, now: 0 });
    expect(clock.command({ action: "back" })).toMatchObject({ cursor: 0, now: 0 });
  });

  it("does not step back past the events the bounded history dropped", () => {
    const history = new EventHistory(10);
    const clock = new PlaybackClock(fakeHost(history));
    clock.advance(60 * S);
    const state = clock.state();
    expect(state.cursor).toBe(30);
    expect(state.oldest).toBeGreaterThan(1);
    expect(history.get(1)).toBeUndefined();
    let back = state;
    for (let i = 0; i < 40; i++) back = clock.command({ action: "back" });
    expect(back.cursor).toBe(state.oldest);
    expect(back.now).toBe(history.get(back.cursor)!.event.time);
  });

  it("passes at most MAX_PASS events per advance, falling behind in time instead", () => {
    const history = new EventHistory();
    const clock = new PlaybackClock(fakeHost(history, S, 1500));
    const first = clock.advance(3 * S);
    expect(first.cursor).toBe(MAX_PASS);
    expect(first.now).toBe(2 * S);
    // The rest of t = 2 s comes with the next advance, however small; t = 3 s with one that reaches it.
    expect(clock.advance(0)).toMatchObject({ cursor: 3000, now: 2 * S });
    expect(clock.advance(S)).toMatchObject({ cursor: 4500, now: 3 * S });
  });

  it("refuses bad speeds and unknown actions", () => {
    const clock = new PlaybackClock(fakeHost(new EventHistory()));
    expect(() => clock.command({ action: "play", speed: 0 })).toThrow(/speed/);
    expect(() => clock.command({ action: "speed", speed: Number.NaN })).toThrow(/speed/);
    expect(() => clock.command({ action: "rewind" } as never)).toThrow(/unknown clock action/);
    expect(clock.command({ action: "play", speed: 10 })).toMatchObject({ playing: true, speed: 10 });
  });
});

describe("EventHistory", () => {
  it("numbers events from 1 and keeps at least the newest `limit`, trimming in blocks", () => {
    const history = new EventHistory(10);
    for (let i = 0; i < 25; i++) history.add({ time: i, kind: "phase", phase: "x" });
    expect(history.latest).toBe(25);
    expect(history.oldest).toBeGreaterThan(1);
    expect(history.latest - history.oldest + 1).toBeGreaterThanOrEqual(10);
    expect(history.range(0, 25).map((e) => e.event.seq)).toEqual(Array.from({ length: 26 - history.oldest }, (_, i) => history.oldest + i));
    expect(history.range(20, 22).map((e) => e.event.seq)).toEqual([21, 22]);
    expect(history.range(0, 25, 3)).toHaveLength(3);
  });
});
