// The guest kernel's sense of time. A paravirtual guest's monotonic clock (jiffies, the printk
// timestamps, its timers) only advances while its vCPUs run: when the domain is paused, or
// suspended into a save file, nothing in it fires and, once it runs again, it has simply lost that
// stretch of time (domains.md §4: it "only notices a time jump" — through its wall clock, which Xen
// keeps in step). Every timer of the guest OS model goes through this clock so a frozen guest is
// truly frozen.

import type { EventHandle, Sim } from "../../netsim/engine/index.ts";

/** A pending guest timer. */
export interface GuestTimer {
  cancel(): void;
  readonly pending: boolean;
}

interface Entry {
  readonly due: number;
  readonly fn: () => void;
  handle: EventHandle | null;
  done: boolean;
}

/** A clock that stops while the guest is frozen (see the file header). */
export class GuestClock {
  /** Virtual µs the guest has spent frozen, before the current freeze. */
  private lost = 0;
  private frozenAt: number | null;
  private readonly entries = new Set<Entry>();
  private readonly bootAt: number;

  /** A clock that starts at 0 now; `frozen` starts it stopped (a domain is built paused). */
  constructor(
    private readonly sim: Sim,
    frozen = false,
  ) {
    this.bootAt = sim.now;
    this.frozenAt = frozen ? sim.now : null;
  }

  /** Guest monotonic time in µs since boot (what printk timestamps show). */
  get now(): number {
    const end = this.frozenAt ?? this.sim.now;
    return end - this.bootAt - this.lost;
  }

  /** True while the guest's vCPUs are stopped. */
  get frozen(): boolean {
    return this.frozenAt !== null;
  }

  /** Total virtual µs the guest missed while frozen (including a freeze in progress). */
  get missed(): number {
    return this.lost + (this.frozenAt === null ? 0 : this.sim.now - this.frozenAt);
  }

  /** Runs `fn` once `delay` µs of guest time have passed. */
  after(delay: number, fn: () => void): GuestTimer {
    const entry: Entry = { due: this.now + Math.max(0, Math.round(delay)), fn, handle: null, done: false };
    this.entries.add(entry);
    if (this.frozenAt === null) this.arm(entry);
    return {
      cancel: () => {
        entry.done = true;
        entry.handle?.cancel();
        this.entries.delete(entry);
      },
      get pending() {
        return !entry.done;
      },
    };
  }

  /** Stops the clock: no guest timer fires until `thaw`. Returns false if it was already frozen. */
  freeze(): boolean {
    if (this.frozenAt !== null) return false;
    this.frozenAt = this.sim.now;
    for (const e of this.entries) {
      e.handle?.cancel();
      e.handle = null;
    }
    return true;
  }

  /** Starts the clock again; returns how long (virtual µs) it was stopped. */
  thaw(): number {
    if (this.frozenAt === null) return 0;
    const gap = this.sim.now - this.frozenAt;
    this.lost += gap;
    this.frozenAt = null;
    for (const e of [...this.entries].sort((a, b) => a.due - b.due)) this.arm(e);
    return gap;
  }

  /** Cancels every pending timer (the guest is gone). */
  cancelAll(): void {
    for (const e of this.entries) {
      e.done = true;
      e.handle?.cancel();
    }
    this.entries.clear();
  }

  private arm(e: Entry): void {
    e.handle = this.sim.schedule(Math.max(0, e.due - this.now), () => {
      e.done = true;
      this.entries.delete(e);
      e.fn();
    });
  }
}
