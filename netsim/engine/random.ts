// Seeded random streams. Every component draws from its own named stream, derived from the run's
// seed and the stream's name, so adding a component (or a draw in one) does not shift the numbers
// another component sees: a DHCP server's choice of address stays the same when a guest is added.
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

/** FNV-1a over the name's UTF-16 code units, mixed with the seed: a stable 32-bit stream id. */
function streamSeed(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** A deterministic random stream. */
export class RandomStream {
  private readonly gen: RandomGenerator;

  constructor(
    private readonly seed: number,
    readonly name: string,
  ) {
    this.gen = xoroshiro128plus(streamSeed(seed, name));
  }

  /** An integer uniformly drawn from [from, to], both included. */
  int(from: number, to: number): number {
    return uniformInt(this.gen, from, to);
  }

  /** A float in [0, 1) with 32 bits of randomness. */
  float(): number {
    return (this.gen.next() >>> 0) / 0x1_0000_0000;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }

  /** n random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(0, 255);
    return out;
  }

  /** An independent child stream, e.g. one per guest of a component. */
  fork(name: string): RandomStream {
    return new RandomStream(this.seed, `${this.name}/${name}`);
  }
}
