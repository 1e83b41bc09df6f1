// Kernel timer rounding the Linux bridge relies on (kernel/timer.c, 2.6.32). Virtual time here is
// in µs rather than jiffies, but a few bridge timers are rounded to whole seconds with
// round_jiffies() so that they fire together; reproducing that keeps hello BPDUs and FDB garbage
// collection on the same second boundaries as on a real host (CPU 0, so no per-CPU skew).
import { SECOND } from "../../engine/sim.ts";

/** One jiffy at HZ=250, Debian's 2.6.32 kernel configuration. */
export const JIFFY = 4_000;

/** round_jiffies(t): to the nearest whole second, rounding up past the first quarter; never ≤ now. */
export function roundJiffies(t: number, now: number): number {
  const rem = t % SECOND;
  const rounded = rem < SECOND / 4 ? t - rem : t - rem + SECOND;
  return rounded <= now ? t : rounded;
}
