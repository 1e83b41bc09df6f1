// A growable little-endian byte buffer for the capture writers. Captures are written in little-endian
// order whatever the host, as tcpdump and dumpcap do on x86, so the same run gives the same bytes
// everywhere.

const encoder = new TextEncoder();

/** Appends integers, bytes and UTF-8 text to an array that doubles as it fills. */
export class ByteSink {
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;

  constructor(initialCapacity = 64 * 1024) {
    this.buf = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.len;
  }

  private reserve(n: number): number {
    const at = this.len;
    if (at + n > this.buf.length) {
      let capacity = this.buf.length * 2;
      while (capacity < at + n) capacity *= 2;
      const bigger = new Uint8Array(capacity);
      bigger.set(this.buf.subarray(0, at));
      this.buf = bigger;
      this.view = new DataView(bigger.buffer);
    }
    this.len = at + n;
    return at;
  }

  /** Appends an unsigned 16-bit value. */
  u16(value: number): void {
    const at = this.reserve(2); // before touching this.view: reserving may replace it
    this.view.setUint16(at, value, true);
  }

  /** Appends an unsigned 32-bit value. */
  u32(value: number): void {
    const at = this.reserve(4);
    this.view.setUint32(at, value >>> 0, true);
  }

  /** Overwrites an unsigned 32-bit value at `offset` (a block length written after its body). */
  patchU32(offset: number, value: number): void {
    this.view.setUint32(offset, value >>> 0, true);
  }

  /** Appends bytes, then zeros up to a multiple of `align`. */
  bytes(data: Uint8Array, align = 1): void {
    const padded = Math.ceil(data.length / align) * align;
    const at = this.reserve(padded);
    this.buf.set(data, at);
    this.buf.fill(0, at + data.length, at + padded);
  }

  /** A copy of the bytes written, exactly as long as what was written. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
