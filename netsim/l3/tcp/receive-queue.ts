// Data that arrived ahead of a hole (tcp_data_queue's out_of_order_queue) and the SACK blocks that
// describe it (RFC 2018; tcp_sack_new_ofo_skb, tcp_sack_remove). Blocks are kept disjoint and
// merged when they touch, each stamped with when it last grew: the SACK option lists the most
// recently changed block first, as Linux does, up to the room the header has left.
import { after, before, seqAdd, seqDiff } from "./seq.ts";

interface Block {
  start: number;
  end: number;
  data: Uint8Array;
  touched: number;
}

function toRange(b: Block): { start: number; end: number } {
  return { start: b.start, end: b.end };
}

/** A contiguous run of bytes handed back once the hole before it is filled. */
export interface InOrder {
  readonly data: Uint8Array;
  /** The peer's FIN came right after these bytes. */
  readonly fin: boolean;
}

/** The out-of-order queue of one connection. */
export class ReceiveQueue {
  private blocks: Block[] = [];
  private stamp = 0;
  /** Sequence number of a FIN that arrived out of order, if any. */
  private finSeq: number | null = null;

  /** True when nothing waits. */
  get empty(): boolean {
    return this.blocks.length === 0 && this.finSeq === null;
  }

  /** Disjoint runs waiting. */
  get blockCount(): number {
    return this.blocks.length;
  }

  /** Bytes waiting. */
  get bytes(): number {
    let n = 0;
    for (const b of this.blocks) n += seqDiff(b.end, b.start);
    return n;
  }

  /** Queues `data` at `seq` (after rcvNxt), with a FIN after it when `fin`. */
  insert(seq: number, data: Uint8Array, fin: boolean, rcvNxt: number): void {
    if (fin) this.finSeq = seqAdd(seq, data.length);
    if (data.length === 0) return;
    let start = seq;
    let end = seqAdd(seq, data.length);
    let bytes = data.slice();
    const keep: Block[] = [];
    for (const b of this.blocks) {
      if (before(end, b.start) || after(start, b.end)) {
        keep.push(b);
        continue;
      }
      // Overlapping or touching: the union, with the bytes already held winning.
      const nStart = before(b.start, start) ? b.start : start;
      const nEnd = after(b.end, end) ? b.end : end;
      const merged = new Uint8Array(seqDiff(nEnd, nStart));
      merged.set(bytes, seqDiff(start, nStart));
      merged.set(b.data, seqDiff(b.start, nStart));
      start = nStart;
      end = nEnd;
      bytes = merged;
    }
    // Blocks stay disjoint and ordered by sequence: put the new one in its place.
    let at = 0;
    while (at < keep.length && before(keep[at]!.start, start)) at++;
    keep.splice(at, 0, { start, end, data: bytes, touched: ++this.stamp });
    this.blocks = keep;
  }

  /** Takes what `rcvNxt` now reaches (data from rcvNxt on, and the FIN if it follows), or null. */
  pull(rcvNxt: number): InOrder | null {
    const first = this.blocks[0];
    if (first !== undefined && !after(first.start, rcvNxt)) {
      this.blocks.shift();
      const skip = seqDiff(rcvNxt, first.start);
      const data = skip < first.data.length ? first.data.subarray(skip) : new Uint8Array(0);
      const next = seqAdd(rcvNxt, data.length);
      const fin = this.finSeq !== null && this.finSeq === next && this.blocks.length === 0;
      if (fin) this.finSeq = null;
      return { data, fin };
    }
    if (this.finSeq !== null && this.finSeq === rcvNxt && this.blocks.length === 0) {
      this.finSeq = null;
      return { data: new Uint8Array(0), fin: true };
    }
    return null;
  }

  /** Forgets blocks the cumulative ACK has passed (tcp_sack_remove) and any stale FIN. */
  prune(rcvNxt: number): void {
    while (this.blocks.length > 0 && !after(this.blocks[0]!.end, rcvNxt)) this.blocks.shift();
    if (this.finSeq !== null && before(this.finSeq, rcvNxt)) this.finSeq = null;
  }

  /** Up to `max` SACK blocks, most recently changed first. */
  sackBlocks(max: number): { start: number; end: number }[] {
    const out: Block[] = [];
    for (const b of this.blocks) {
      let at = 0;
      while (at < out.length && out[at]!.touched > b.touched) at++;
      out.splice(at, 0, b);
    }
    return out.slice(0, max).map(toRange);
  }

  /** Drops everything. */
  clear(): void {
    this.blocks = [];
    this.finSeq = null;
  }
}
