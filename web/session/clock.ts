// Playback of a served host in virtual time. The simulation runs ahead of what the page has seen:
// the history holds every event produced, the cursor is the seq of the last one shown and `now`
// the virtual time it stands at. Advancing moves `now` forward, running the Sim further (in
// SLICE_US slices) when it catches up with it, and passes the events up to the new time; step
// moves to the next event, running the Sim until there is one (up to STEP_LIMIT_US); back returns
// to the previous one. A served host starts live — the cursor at the end of the boot, where the
// graph is — and a command (xm, shell, trace) brings it back to live, since the page shows the
// host as the command left it; stepping back replays the history, like a debugger's reverse step.
// Nothing here reads a real clock: the playback driver says how much virtual time a tick is worth.
import { SECOND } from "../../netsim/engine/sim.ts";
import type { ClockCommand, ClockState } from "../api-types.ts";
import type { EventHistory, HistoryEntry } from "./history.ts";
import { RequestError } from "./request-error.ts";

/** The Sim runs ahead of the cursor in slices of this much virtual time, µs. */
export const SLICE_US = SECOND;
/** How far `step` runs the Sim looking for the next event before giving up, µs. */
export const STEP_LIMIT_US = 3600 * SECOND;
/** The most events one advance passes; a busier stretch plays slower rather than flood the page. */
export const MAX_PASS = 2000;
/** The fastest playback, simulated seconds per real second. */
export const MAX_SPEED = 100_000;

/** What the clock drives: the history and the Sim's own time. */
export interface ClockHost {
  readonly history: EventHistory;
  /** The Sim's virtual time, µs. */
  simNow(): number;
  /** Runs the Sim until virtual time `time` (µs). */
  runTo(time: number): void;
}

/** Told of the events a clock change passed (in order) and of the clock after it. */
export type ClockListener = (passed: readonly HistoryEntry[], clock: ClockState) => void;

/** The playback cursor (see the file header). */
export class PlaybackClock {
  private now = 0;
  private cursor = 0;
  private playing = false;
  private speed = 1;
  private listeners: ClockListener[] = [];

  constructor(private readonly host: ClockHost) {}

  /** The clock as GET /api/clock shows it. */
  state(): ClockState {
    const h = this.host.history;
    return { now: this.now, playing: this.playing, speed: this.speed, cursor: this.cursor, latest: h.latest, oldest: h.oldest };
  }

  /** True while playing. */
  get isPlaying(): boolean {
    return this.playing;
  }

  /** The speed, simulated seconds per real second. */
  get rate(): number {
    return this.speed;
  }

  /** Subscribes; returns the unsubscribe function. */
  onChange(listener: ClockListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => void (this.listeners = this.listeners.filter((l) => l !== listener));
  }

  /** Carries out a command from the page; 400 for a malformed one. */
  command(c: ClockCommand): ClockState {
    switch (c.action) {
      case "play":
        if (c.speed !== undefined) this.speed = checkSpeed(c.speed);
        this.playing = true;
        return this.changed([]);
      case "pause":
        this.playing = false;
        return this.changed([]);
      case "speed":
        this.speed = checkSpeed(c.speed);
        return this.changed([]);
      case "step":
        return this.step();
      case "back":
        return this.back();
      case "live":
        return this.goLive();
      case "advance":
        if (typeof c.seconds !== "number" || !Number.isFinite(c.seconds) || c.seconds < 0 || c.seconds > 7 * 86400) throw new RequestError(400, "advance: seconds must be 0 to 604800");
        return this.advance(Math.round(c.seconds * SECOND));
      default:
        throw new RequestError(400, `unknown clock action "${(c as { action?: unknown }).action}"`);
    }
  }

  /** Moves `now` forward by `micros` of virtual time, passing the events on the way. */
  advance(micros: number): ClockState {
    const target = this.now + micros;
    if (this.host.simNow() < target) this.host.runTo(Math.ceil(target / SLICE_US) * SLICE_US);
    const h = this.host.history;
    const last = Math.min(h.lastAtOrBefore(target, this.cursor + 1), this.cursor + MAX_PASS);
    const passed = h.range(this.cursor, last);
    const behind = last < h.latest && passed.length === MAX_PASS;
    this.cursor = Math.max(this.cursor, last);
    this.now = behind ? Math.max(this.now, passed.at(-1)!.event.time) : target;
    return this.changed(passed);
  }

  /** Moves the cursor to the last event and `now` to the Sim's time (start-up, after a command), passing what lay between. */
  goLive(): ClockState {
    const h = this.host.history;
    const passed = h.range(Math.max(this.cursor, h.oldest - 1), h.latest).slice(-MAX_PASS);
    this.cursor = h.latest;
    this.now = Math.max(this.now, this.host.simNow());
    return this.changed(passed);
  }

  private step(): ClockState {
    const h = this.host.history;
    const limit = this.host.simNow() + STEP_LIMIT_US;
    while (h.latest <= this.cursor && this.host.simNow() < limit) this.host.runTo(this.host.simNow() + SLICE_US);
    const next = h.get(Math.max(this.cursor + 1, h.oldest));
    if (next === undefined) return this.changed([]);
    this.cursor = next.event.seq;
    this.now = Math.max(this.now, next.event.time);
    return this.changed([next]);
  }

  private back(): ClockState {
    const h = this.host.history;
    const previous = this.cursor - 1;
    // The event before the oldest kept one was dropped: its time is no longer known.
    if (previous < 0 || (previous > 0 && previous < h.oldest)) return this.changed([]);
    this.cursor = previous;
    this.now = h.get(this.cursor)?.event.time ?? 0;
    return this.changed([]);
  }

  private changed(passed: readonly HistoryEntry[]): ClockState {
    const state = this.state();
    for (const l of this.listeners) l(passed, state);
    return state;
  }
}

function checkSpeed(speed: unknown): number {
  if (typeof speed !== "number" || !Number.isFinite(speed) || speed <= 0 || speed > MAX_SPEED) throw new RequestError(400, `speed must be a number above 0, at most ${MAX_SPEED}`);
  return speed;
}
