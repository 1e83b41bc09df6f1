// The event history of a served host: every SimEvent the simulation produced, numbered from 1, in
// a bounded window (at least the newest MAX_HISTORY are kept; older ones are dropped and counted), so the
// playback cursor can step back over what it has shown. A frame event keeps the TraceRecorder's
// record of its frame, whose comments (what each device did with it) fill in as the simulation
// goes on: the event's `note` is read from it when the event is shown, not when it is recorded.
import type { TappedFrame } from "../../captures/tap.ts";
import type { SimEvent } from "../api-types.ts";

/** How many events the history keeps. */
export const MAX_HISTORY = 100_000;

/** A SimEvent without its sequence number, as the feed builds it. */
export type NewEvent = SimEvent extends infer E ? (E extends SimEvent ? Omit<E, "seq"> : never) : never;

/** One recorded event; `tapped` is the recorder's record of a frame event's frame. */
export interface HistoryEntry {
  readonly event: SimEvent;
  readonly tapped?: TappedFrame;
}

/** The bounded, numbered event history. */
export class EventHistory {
  private readonly entries: HistoryEntry[] = [];
  /** Seq of entries[0]. */
  private firstSeq = 1;
  private nextSeq = 1;

  constructor(private readonly limit = MAX_HISTORY) {}

  /** Appends an event; returns its seq. */
  add(event: NewEvent, tapped?: TappedFrame): number {
    const seq = this.nextSeq++;
    const full = { seq, ...event } as SimEvent;
    this.entries.push(tapped === undefined ? { event: full } : { event: full, tapped });
    // Trimming in blocks (a tenth of the limit at a time) keeps the array shift rare.
    if (this.entries.length > this.limit + Math.ceil(this.limit / 10)) {
      this.entries.splice(0, this.entries.length - this.limit);
      this.firstSeq = this.entries[0]!.event.seq;
    }
    return seq;
  }

  /** Seq of the newest event (0 when none). */
  get latest(): number {
    return this.nextSeq - 1;
  }

  /** Seq of the oldest event still kept (latest + 1 when empty). */
  get oldest(): number {
    return this.entries.length === 0 ? this.nextSeq : this.firstSeq;
  }

  /** Events dropped from the front so far. */
  get dropped(): number {
    return this.oldest - 1;
  }

  /** The entry with `seq`, when it is still kept. */
  get(seq: number): HistoryEntry | undefined {
    if (!Number.isInteger(seq) || seq < this.firstSeq) return undefined;
    return this.entries[seq - this.firstSeq];
  }

  /** Entries with after < seq ≤ upTo, at most `max` of them, oldest first. */
  range(after: number, upTo: number, max = Infinity): HistoryEntry[] {
    const from = Math.max(after + 1, this.firstSeq) - this.firstSeq;
    const to = Math.min(upTo, this.latest) - this.firstSeq + 1;
    if (to <= from) return [];
    return this.entries.slice(from, Math.min(to, from + max));
  }

  /** The seq of the last event at or before `time` (µs), at or after `from`; `from - 1` when none. */
  lastAtOrBefore(time: number, from: number): number {
    let seq = Math.max(from, this.firstSeq) - 1;
    while (seq < this.latest) {
      const next = this.get(seq + 1);
      if (next === undefined || next.event.time > time) break;
      seq++;
    }
    return seq;
  }
}

/** The event as the page sees it: a frame event's note is what the devices did with it so far. */
export function viewOf(entry: HistoryEntry): SimEvent {
  const { event, tapped } = entry;
  if (event.kind !== "frame" || tapped === undefined || tapped.comments.length === 0) return event;
  return { ...event, note: tapped.comments.join("; ") };
}
