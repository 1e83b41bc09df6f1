// The simulator as a guest's network stack and programs see it: the same clock, trace bus and
// random streams, but every timer they arm is held while the domain is paused or saved. A
// paravirtual Linux guest reads Xen's system time, which keeps running while its vCPUs are stopped,
// so once it runs again every timer that came due in the gap fires at once, in the order it was
// due, and `now` has jumped (the ARP cache, TCP and dhclient see the whole gap, as in a real
// guest after `xm unpause`). This differs on purpose from the GuestClock of the boot log, whose
// printk time stops. Timers not yet due are simply re-armed for their original time.
//
// Disposing the view (the guest halted) cancels everything and swallows later timers, so a dead
// guest's stack can never act again.

import { Sim, type EventHandle } from "../../netsim/engine/index.ts";
import type { RandomStream, TraceBus } from "../../netsim/engine/index.ts";

interface Timer {
  readonly time: number;
  readonly seq: number;
  readonly fn: () => void;
  handle: EventHandle | null;
  done: boolean;
}

/** A view of `real` whose timers freeze with the guest (see the file header). */
export class GuestSim extends Sim {
  override readonly trace: TraceBus;
  private readonly live = new Set<Timer>();
  private frozenSince: number | null = null;
  private disposed = false;
  private nextSeq = 0;

  constructor(private readonly real: Sim) {
    super(real.seed);
    this.trace = real.trace;
  }

  override get now(): number {
    return this.real.now;
  }

  /** True while the guest is paused or saved. */
  get frozen(): boolean {
    return this.frozenSince !== null;
  }

  override schedule(delay: number, fn: () => void): EventHandle {
    if (!(delay >= 0) || !Number.isFinite(delay)) throw new Error(`GuestSim.schedule: bad delay ${delay}`);
    return this.at(this.real.now + Math.round(delay), fn);
  }

  override at(time: number, fn: () => void): EventHandle {
    if (time < this.real.now) throw new Error(`GuestSim.at: ${time} is before now (${this.real.now})`);
    const t: Timer = { time, seq: this.nextSeq++, fn, handle: null, done: this.disposed };
    if (!t.done) {
      this.live.add(t);
      if (this.frozenSince === null) this.arm(t);
    }
    return {
      time,
      get pending() {
        return !t.done;
      },
      cancel: () => {
        t.done = true;
        t.handle?.cancel();
        this.live.delete(t);
      },
    };
  }

  override post(delay: number, fn: () => void): void {
    this.at(this.real.now + delay, fn);
  }

  override rng(name: string): RandomStream {
    return this.real.rng(name);
  }

  override runUntil(): void {
    throw new Error("GuestSim: a guest cannot run the simulation");
  }

  override runUntilIdle(): boolean {
    throw new Error("GuestSim: a guest cannot run the simulation");
  }

  override step(): boolean {
    throw new Error("GuestSim: a guest cannot run the simulation");
  }

  /** The vCPUs stop: no timer fires until `thaw`. */
  freeze(): void {
    if (this.frozenSince !== null) return;
    this.frozenSince = this.real.now;
    for (const t of this.live) {
      t.handle?.cancel();
      t.handle = null;
    }
  }

  /** The vCPUs run again: overdue timers fire now, in due order; returns how long it was frozen. */
  thaw(): number {
    if (this.frozenSince === null || this.disposed) return 0;
    const gap = this.real.now - this.frozenSince;
    this.frozenSince = null;
    const ordered = [...this.live].sort((a, b) => a.time - b.time || a.seq - b.seq);
    for (const t of ordered) this.arm(t);
    return gap;
  }

  /** The guest is gone: every timer is cancelled and later ones never fire. */
  dispose(): void {
    this.disposed = true;
    for (const t of this.live) {
      t.done = true;
      t.handle?.cancel();
    }
    this.live.clear();
  }

  private arm(t: Timer): void {
    t.handle = this.real.at(Math.max(t.time, this.real.now), () => {
      t.done = true;
      this.live.delete(t);
      t.fn();
    });
  }
}
