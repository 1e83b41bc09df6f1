// The simulation's events as the page receives them: the history up to the playback cursor
// (GET /api/events?after=SEQ), then the live stream (GET /api/events/stream, server-sent events:
// `data:` one SimEvent, `event: clock` a ClockState). Events are passed on once each, in seq order.

import type { ClockState, SimEvent } from "../api-types.ts";
import { api } from "./api.ts";

/** Where the feed delivers. */
export interface FeedSink {
  event(e: SimEvent, live: boolean): void;
  clock(c: ClockState): void;
  /** The cursor went back: events after `cursor` are no longer shown. */
  rewound(cursor: number): void;
}

/** History, then the live stream; reconnects by itself (EventSource does). */
export class EventFeed {
  private last = 0;
  private source: EventSource | undefined;

  constructor(private readonly sink: FeedSink) {}

  /** Loads the history and opens the stream. */
  async start(): Promise<void> {
    this.open();
    const { events } = await api.events(0);
    for (const e of events) this.deliver(e, false);
  }

  /** Closes the stream. */
  stop(): void {
    this.source?.close();
  }

  private open(): void {
    const source = new EventSource("/api/events/stream");
    this.source = source;
    source.onmessage = (m: MessageEvent<string>) => this.deliver(JSON.parse(m.data) as SimEvent, true);
    source.addEventListener("clock", (m) => {
      const c = JSON.parse((m as MessageEvent<string>).data) as ClockState;
      if (c.cursor < this.last) {
        this.last = c.cursor;
        this.sink.rewound(c.cursor);
      }
      this.sink.clock(c);
    });
  }

  private deliver(e: SimEvent, live: boolean): void {
    if (e.seq <= this.last) return;
    this.last = e.seq;
    this.sink.event(e, live);
  }
}
