// Small, stable variations in a guest's boot timing (a few hundred µs here and there), so that two
// guests do not print in lockstep. They are not randomness: they are derived from the guest's name
// alone (FNV-1a, then xorshift32), so the same guest boots identically whatever the run's seed is —
// a transcript differs between seeds only where real randomness is (passwords, keys, xend's MACs).

/** A source of small integers in a range. */
export interface Wobble {
  int(from: number, to: number): number;
}

/** The variations for the guest called `name`. */
export function wobbleFor(name: string): Wobble {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let state = h >>> 0 || 1;
  return {
    int(from: number, to: number): number {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      return from + (state % (to - from + 1));
    },
  };
}
