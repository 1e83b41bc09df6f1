// The discrete-event simulator: a virtual clock in integer microseconds, a queue of scheduled
// callbacks, named random streams and a trace bus. Nothing in the simulation reads the wall clock;
// all time comes from here, so a run with the same inputs and seed is the same run.
import { EventQueue, ScheduledEvent } from "./event-queue.ts";
import { RandomStream } from "./random.ts";
import { TraceBus } from "./trace.ts";

/** A handle on a scheduled callback. */
export interface EventHandle {
  readonly time: number;
  cancel(): void;
  readonly pending: boolean;
}

/** Microseconds in one second; time constants read better as `2 * SECOND`. */
export const SECOND = 1_000_000;
/** Microseconds in one millisecond. */
export const MILLISECOND = 1_000;

class Handle implements EventHandle {
  constructor(
    private readonly queue: EventQueue,
    private readonly event: ScheduledEvent,
  ) {}
  get time(): number {
    return this.event.time;
  }
  get pending(): boolean {
    return !this.event.fired && !this.event.cancelled;
  }
  cancel(): void {
    if (!this.event.fired) this.queue.cancel(this.event);
  }
}

/** The simulator. One per simulated world. */
export class Sim {
  private readonly queue = new EventQueue();
  private seq = 0;
  private clock = 0;
  private stopped = false;
  private readonly streams = new Map<string, RandomStream>();
  /** Callbacks run so far. */
  eventsRun = 0;
  readonly trace = new TraceBus();

  constructor(readonly seed = 1) {}

  /** The current virtual time in microseconds. */
  get now(): number {
    return this.clock;
  }

  /** Number of pending (not cancelled) events. */
  get pending(): number {
    return this.queue.size;
  }

  /** Runs `fn` after `delay` microseconds (0 = after everything already due now). */
  schedule(delay: number, fn: () => void): EventHandle {
    if (!(delay >= 0) || !Number.isFinite(delay)) throw new Error(`Sim.schedule: bad delay ${delay}`);
    return this.at(this.clock + Math.round(delay), fn);
  }

  /** Runs `fn` at absolute virtual time `time` (not in the past). */
  at(time: number, fn: () => void): EventHandle {
    if (time < this.clock) throw new Error(`Sim.at: ${time} is before now (${this.clock})`);
    const event = new ScheduledEvent(time, this.seq++, fn);
    this.queue.push(event);
    return new Handle(this.queue, event);
  }

  /**
   * Fire-and-forget scheduling for the hot path (frame delivery): no handle is allocated.
   * Use `schedule` when the callback may need cancelling.
   */
  post(delay: number, fn: () => void): void {
    this.queue.push(new ScheduledEvent(this.clock + delay, this.seq++, fn));
  }

  /** Runs events due at or before `time`, then sets the clock to `time`. */
  runUntil(time: number): void {
    this.stopped = false;
    for (;;) {
      const next = this.queue.peekTime();
      if (next === undefined || next > time || this.stopped) break;
      this.step();
    }
    if (!this.stopped && time > this.clock) this.clock = time;
  }

  /** Runs for `duration` microseconds of virtual time. */
  runFor(duration: number): void {
    this.runUntil(this.clock + duration);
  }

  /**
   * Runs until no event is pending, or `maxEvents` more have run (a guard against
   * self-perpetuating timers). Returns true when the queue drained.
   */
  runUntilIdle(maxEvents = 50_000_000): boolean {
    this.stopped = false;
    for (let n = 0; n < maxEvents && !this.stopped; n++) {
      if (!this.step()) return true;
    }
    return this.queue.size === 0;
  }

  /** Runs exactly one event; false when nothing was pending. */
  step(): boolean {
    const event = this.queue.pop();
    if (!event) return false;
    this.clock = event.time;
    this.eventsRun++;
    event.fired = true;
    event.run();
    return true;
  }

  /** Makes the current run* call return after the event in progress. */
  stop(): void {
    this.stopped = true;
  }

  /** The random stream named `name` (the same object on every call). */
  rng(name: string): RandomStream {
    let stream = this.streams.get(name);
    if (!stream) {
      stream = new RandomStream(this.seed, name);
      this.streams.set(name, stream);
    }
    return stream;
  }
}
