// Hex helpers for codec fixtures: each fixture is written as one string per field, with a comment
// naming the field, and joined here.

/** Bytes from hex strings (spaces ignored); `"00".repeat(n)`-style runs are fine. */
export function hex(...parts: string[]): Uint8Array {
  const digits = parts.join("").replace(/\s+/g, "");
  if (digits.length % 2 !== 0 || /[^0-9a-f]/i.test(digits)) throw new Error(`bad hex fixture: ${digits}`);
  return Uint8Array.from({ length: digits.length / 2 }, (_, i) => parseInt(digits.slice(2 * i, 2 * i + 2), 16));
}

/** Lower-case hex of bytes, for readable failure messages. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** `n` zero bytes as hex. */
export function zeros(n: number): string {
  return "00".repeat(n);
}
