// The routes over the simulation's time and traffic (web/api-types.ts): the playback clock, the
// event history and its live stream, one frame's detail, and the captures — a classic pcap of one
// interface (as `tcpdump -i DEV -w` on that node would write it) and the whole host as pcapng with
// a comment per packet (captures/tap.ts).
import type { Express, Response } from "express";
import type { ClockCommand } from "../api-types.ts";
import { RequestError, type HostSession } from "../session/index.ts";
import type { EventStreamHub } from "./event-stream.ts";
import { body, queryString } from "./host-routes.ts";

/** Adds the playback and capture routes. */
export function playbackRoutes(app: Express, session: HostSession, hub: EventStreamHub): void {
  app.get("/api/clock", (_req, res) => {
    res.json(session.clock.state());
  });
  app.post("/api/clock", (req, res) => {
    const command = body(req);
    if (typeof command.action !== "string") throw new RequestError(400, "action: a string is required");
    res.json(session.clock.command(command as unknown as ClockCommand));
  });
  app.get("/api/events", (req, res) => {
    res.json({ events: session.events(wholeNumber(queryString(req, "after") ?? "0", "after")) });
  });
  app.get("/api/events/stream", (req, res) => {
    hub.attach(req, res);
  });
  app.get("/api/frames/:seq", (req, res) => {
    res.json(session.frame(wholeNumber(String(req.params.seq), "seq")));
  });
  app.get("/api/pcap/:node/:dev", (req, res) => {
    const node = String(req.params.node);
    const dev = String(req.params.dev);
    download(res, session.pcap(node, dev), "application/vnd.tcpdump.pcap", `${node}_${dev}.pcap`);
  });
  app.get("/api/pcapng", (_req, res) => {
    download(res, session.pcapng(), "application/x-pcapng", "host.pcapng");
  });
}

function wholeNumber(text: string, name: string): number {
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n)) throw new RequestError(400, `${name} must be a whole number, not "${text}"`);
  return n;
}

function download(res: Response, bytes: Uint8Array, type: string, filename: string): void {
  const safe = filename.replace(/[^A-Za-z0-9._-]/g, "_");
  res.set({ "Content-Type": type, "Content-Disposition": `attachment; filename="${safe}"` });
  res.send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
