// The send queue of one connection: bytes the application wrote that the peer has not yet
// acknowledged, in one contiguous growable buffer so that a segment's payload is a view (no copy
// until it is written into the frame). Offsets count from the oldest unacknowledged byte; the
// connection maps them to sequence numbers.

const INITIAL_CAPACITY = 4096;

/** Unacknowledged and unsent bytes, oldest first. */
export class SendBuffer {
  private data = new Uint8Array(INITIAL_CAPACITY);
  private start = 0;
  private end = 0;

  /** Bytes held. */
  get length(): number {
    return this.end - this.start;
  }

  /** Appends bytes the application wrote. */
  push(bytes: Uint8Array): void {
    if (this.end + bytes.length > this.data.length) this.makeRoom(bytes.length);
    this.data.set(bytes, this.end);
    this.end += bytes.length;
  }

  /** A view of `len` bytes from `offset` (the caller keeps within `length`). */
  view(offset: number, len: number): Uint8Array {
    if (offset < 0 || len < 0 || offset + len > this.length) throw new Error(`SendBuffer.view(${offset}, ${len}) of ${this.length}`);
    return this.data.subarray(this.start + offset, this.start + offset + len);
  }

  /** Forgets the first `n` bytes (they were acknowledged). */
  consume(n: number): void {
    if (n < 0 || n > this.length) throw new Error(`SendBuffer.consume(${n}) of ${this.length}`);
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
  }

  /** Drops everything (the connection died). */
  clear(): void {
    this.start = this.end = 0;
  }

  private makeRoom(extra: number): void {
    const live = this.length;
    let capacity = this.data.length;
    while (live + extra > capacity) capacity *= 2;
    if (capacity === this.data.length) {
      this.data.copyWithin(0, this.start, this.end);
    } else {
      const next = new Uint8Array(capacity);
      next.set(this.data.subarray(this.start, this.end), 0);
      this.data = next;
    }
    this.start = 0;
    this.end = live;
  }
}
