// How xend 4.0 finds memory for a new or growing domain (tools/python/xen/xend/balloon.py free(),
// domains.md §3): if Xen's free pool is short, dom0 is ballooned down by the shortfall only — its
// new target is its current allocation minus (need − free), rounded down to a MiB — and never below
// dom0-min-mem. With ballooning disabled, or when the floor would be crossed, the request fails with
// xend's own words. Memory freed later goes back to the pool, not to dom0 (nothing grows it back).
// All amounts are KiB, as balloon.py counts.

/** What balloon.free() looks at. */
export interface BalloonState {
  /** KiB the request needs. */
  readonly needKiB: number;
  /** Xen's free pool, KiB. */
  readonly freeKiB: number;
  /** dom0's current allocation, KiB. */
  readonly dom0AllocKiB: number;
  /** xend `dom0-min-mem`, KiB. */
  readonly dom0MinKiB: number;
  /** xend `enable-dom0-ballooning`. */
  readonly ballooning: boolean;
}

/** The outcome: nothing to do, a new dom0 target, or xend's error message (without `Error: `). */
export type BalloonPlan =
  | { readonly ok: true; readonly dom0TargetMiB?: number }
  | { readonly ok: false; readonly message: string };

/** Decides what balloon.free() would do for `s`. */
export function planBalloon(s: BalloonState): BalloonPlan {
  if (s.freeKiB >= s.needKiB) return { ok: true };
  if (!s.ballooning) {
    return {
      ok: false,
      message:
        "Not enough free memory and enable-dom0-ballooning is False, so I cannot release any more.  " +
        `I need ${s.needKiB} KiB but only have ${s.freeKiB}.`,
    };
  }
  const newAlloc = s.dom0AllocKiB - (s.needKiB - s.freeKiB);
  if (newAlloc < s.dom0MinKiB) {
    const left = s.freeKiB + s.dom0AllocKiB - s.dom0MinKiB;
    return {
      ok: false,
      message: `I need ${s.needKiB} KiB, but dom0_min_mem is ${s.dom0MinKiB} and shrinking to ${s.dom0MinKiB} KiB would leave only ${left} KiB free.`,
    };
  }
  return { ok: true, dom0TargetMiB: Math.floor(newAlloc / 1024) };
}
