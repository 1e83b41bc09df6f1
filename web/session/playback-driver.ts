// The one real timer of a served host: while the clock plays, every TICK_MS of real time it
// advances the playback cursor by speed × the real time that passed. The timer only decides how
// far to run in virtual time; nothing real enters the simulation.
import { performance } from "node:perf_hooks";
import { SECOND } from "../../netsim/engine/sim.ts";
import type { PlaybackClock } from "./clock.ts";

/** Real milliseconds between playback ticks. */
export const TICK_MS = 100;

/** Plays a clock in real time; `stop` ends the timer. */
export class PlaybackDriver {
  private readonly timer: NodeJS.Timeout;
  private last = performance.now();

  constructor(private readonly clock: PlaybackClock) {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    // A playing clock does not by itself keep the process alive: the HTTP server does.
    this.timer.unref();
  }

  /** Stops the timer. */
  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const now = performance.now();
    // A long stall (a slow command) is not made up all at once: at most one second of it counts.
    const elapsed = Math.min(now - this.last, 1000);
    this.last = now;
    if (!this.clock.isPlaying) return;
    this.clock.advance(Math.round((elapsed / 1000) * this.clock.rate * SECOND));
  }
}
