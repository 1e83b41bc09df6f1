// A min-heap of scheduled events ordered by (time, sequence). The sequence number is given at
// scheduling time, so events due at the same microsecond run in the order they were scheduled —
// the rule ns-3 follows and the one that makes a run reproducible.
//
// Cancellation is lazy: a cancelled event stays in the heap, flagged, and is skipped when it
// reaches the top. That keeps cancel O(1), which matters because protocol timers (ARP retries,
// DHCP retransmits, TCP retransmission) are cancelled far more often than they fire.

/** One scheduled callback. Owned by the queue; callers hold it only to cancel it. */
export class ScheduledEvent {
  cancelled = false;
  fired = false;
  constructor(
    readonly time: number,
    readonly seq: number,
    readonly run: () => void,
  ) {}
}

function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/** Binary min-heap of events; `pop` returns the earliest live event. */
export class EventQueue {
  private readonly heap: ScheduledEvent[] = [];
  private live = 0;

  /** Number of events scheduled and not cancelled. */
  get size(): number {
    return this.live;
  }

  push(event: ScheduledEvent): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!before(event, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
    this.live++;
  }

  /** Marks an event cancelled; it is discarded when it reaches the top. */
  cancel(event: ScheduledEvent): void {
    if (event.cancelled) return;
    event.cancelled = true;
    this.live--;
  }

  /** The earliest live event's time, or undefined when nothing is pending. */
  peekTime(): number | undefined {
    this.dropCancelledTop();
    return this.heap[0]?.time;
  }

  /** Removes and returns the earliest live event. */
  pop(): ScheduledEvent | undefined {
    this.dropCancelledTop();
    const top = this.removeTop();
    if (top) this.live--;
    return top;
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.removeTop();
  }

  private removeTop(): ScheduledEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
