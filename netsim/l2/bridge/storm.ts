// The broadcast-storm bound. A bridge loop without STP makes every flooded frame circulate for ever
// (a real host saturates its CPUs and links); a simulator would run without end. Each bridge gets a
// budget of frames it may forward or flood per second of virtual time (100 000 by default, about a
// gigabit of 1250-byte frames, far above what a simulated host normally bridges). Past the budget the
// bridge reports one `storm` event for that second and drops every further frame with reason `storm`,
// which starves the loop: every circulating copy dies at the next bridge it reaches. The window is one
// virtual second starting at the first frame after the previous window ended, so frames at a single
// instant (zero-latency links) are bounded too.
import { SECOND } from "../../engine/sim.ts";
import type { Sim } from "../../engine/sim.ts";

/** Default budget: frames forwarded or flooded per virtual second by one bridge. */
export const DEFAULT_STORM_BUDGET = 100_000;

/** What the guard reports under. */
export interface StormOwner {
  readonly sim: Sim;
  readonly node: string;
  readonly name: string;
}

/** A per-bridge frames-per-virtual-second budget. */
export class StormGuard {
  private windowEnd = -1;
  private count = 0;
  private reported = false;
  /** Windows in which the budget ran out, since the bridge was made. */
  storms = 0;

  constructor(
    private readonly owner: StormOwner,
    /** Frames the bridge may forward or flood per virtual second. */
    public budget: number = DEFAULT_STORM_BUDGET,
  ) {}

  /** Counts one frame about to be forwarded or flooded; false when the budget is spent. */
  admit(): boolean {
    const now = this.owner.sim.now;
    if (now >= this.windowEnd) {
      this.windowEnd = now + SECOND;
      this.count = 0;
      this.reported = false;
    }
    if (++this.count <= this.budget) return true;
    if (!this.reported) {
      this.reported = true;
      this.storms++;
      const sim = this.owner.sim;
      if (sim.trace.on) sim.trace.emit({ kind: "storm", time: now, node: this.owner.node, bridge: this.owner.name, frames: this.count });
    }
    return false;
  }
}
