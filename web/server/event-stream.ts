// GET /api/events/stream: the simulation's events as server-sent events (the WHATWG EventSource
// protocol), one `id: SEQ` + `data: <SimEvent JSON>` message per event as the playback cursor
// passes it, and `event: clock` with the ClockState after every clock change. A client that
// reconnects with Last-Event-ID first gets the events it missed, up to the cursor. Each message is
// serialised once for all clients; a client that stops reading (over MAX_BUFFERED bytes queued) is
// dropped, and a comment line every HEARTBEAT_MS keeps idle connections open through proxies.
import type { Request, Response } from "express";
import type { ClockState } from "../api-types.ts";
import { viewOf, type HistoryEntry, type HostSession } from "../session/index.ts";

/** Bytes queued for one client before it is dropped as not reading. */
const MAX_BUFFERED = 8 * 1024 * 1024;
/** Real milliseconds between keep-alive comments. */
const HEARTBEAT_MS = 15_000;

/** The set of connected stream clients. */
export class EventStreamHub {
  private readonly clients = new Set<Response>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(private readonly session: HostSession) {
    this.unsubscribe = session.clock.onChange((passed, clock) => this.broadcast(passed, clock));
    this.heartbeat = setInterval(() => this.send(": keep-alive\n\n"), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Connected clients. */
  get size(): number {
    return this.clients.size;
  }

  /** Takes over a request as a stream client. */
  attach(req: Request, res: Response): void {
    res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache, no-transform", Connection: "keep-alive", "X-Accel-Buffering": "no" });
    req.socket.setNoDelay(true);
    req.socket.setTimeout(0);
    this.clients.add(res);
    res.on("close", () => this.clients.delete(res));
    const lastId = Number(req.get("Last-Event-ID"));
    const missed = Number.isInteger(lastId) && lastId >= 0 ? this.session.events(lastId).map((e) => eventMessage(e.seq, JSON.stringify(e))).join("") : "";
    res.write(`retry: 2000\n\n${missed}${clockMessage(this.session.clock.state())}`);
  }

  /** Ends every stream and stops the heartbeat (the server is closing). */
  close(): void {
    this.unsubscribe();
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private broadcast(passed: readonly HistoryEntry[], clock: ClockState): void {
    if (this.clients.size === 0) return;
    const events = passed.map((entry) => {
      const view = viewOf(entry);
      return eventMessage(view.seq, JSON.stringify(view));
    });
    this.send(events.join("") + clockMessage(clock));
  }

  private send(text: string): void {
    for (const res of this.clients) {
      if (res.writableLength > MAX_BUFFERED) {
        this.clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(text);
    }
  }
}

function eventMessage(seq: number, json: string): string {
  return `id: ${seq}\ndata: ${json}\n\n`;
}

function clockMessage(clock: ClockState): string {
  return `event: clock\ndata: ${JSON.stringify(clock)}\n\n`;
}
