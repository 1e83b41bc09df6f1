// Sequence-number arithmetic modulo 2^32 (RFC 793 §3.3, RFC 1982): the kernel's before(), after()
// and between() from include/net/tcp.h. Sequence numbers are kept as unsigned 32-bit numbers.

/** a + n, wrapped to 32 bits. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** a − b as a signed 32-bit distance. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** before(a, b): a comes strictly before b. */
export function before(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** after(a, b): a comes strictly after b. */
export function after(a: number, b: number): boolean {
  return ((b - a) | 0) < 0;
}

/** between(x, lo, hi): lo ≤ x ≤ hi, going forward from lo. */
export function between(x: number, lo: number, hi: number): boolean {
  return ((hi - lo) >>> 0) >= ((x - lo) >>> 0);
}
