// Playback of the served host in virtual time, over a real server: the cursor starts before the
// first event while the boot already ran in simulation; advancing, stepping and playing pass the
// boot's events to the event stream (the DHCP exchange that gives xenbr0 its address among them,
// with their per-hop notes and edges); back returns the cursor; history and frame detail follow
// the cursor; 200 concurrent stream clients are held and each gets the events, with no warning.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../web/server/index.ts";
import type { ClockState, FrameDetail, SimEvent } from "../../../web/api-types.ts";
import { call, serve, SseClient } from "./helpers.ts";

let server: RunningServer;
beforeAll(async () => {
  server = await serve();
});
afterAll(() => server.close());

const clock = async (command: object) => (await call<ClockState>(server, "POST", "/api/clock", command)).body;
const isDhcp = (e: SimEvent) => e.kind === "frame" && e.proto === "dhcp";

describe("the playback clock", () => {
  it("starts at the beginning with the boot already simulated ahead of it", async () => {
    const { body } = await call<ClockState>(server, "GET", "/api/clock");
    expect(body).toMatchObject({ now: 0, playing: false, speed: 1, cursor: 0, oldest: 1 });
    expect(body.latest).toBeGreaterThan(20);
    expect((await call(server, "GET", "/api/events?after=0")).body).toEqual({ events: [] });
  });

  it("steps one event at a time and steps back", async () => {
    const first = await clock({ action: "step" });
    const second = await clock({ action: "step" });
    expect([first.cursor, second.cursor]).toEqual([1, 2]);
    expect(second.now).toBeGreaterThanOrEqual(first.now);
    const back = await clock({ action: "back" });
    expect(back).toMatchObject({ cursor: 1, now: first.now });
    expect((await call(server, "GET", "/api/events?after=0")).body.events.map((e: SimEvent) => e.seq)).toEqual([1]);
  });

  it("refuses malformed commands with 400", async () => {
    expect((await call(server, "POST", "/api/clock", { action: "warp" })).status).toBe(400);
    expect((await call(server, "POST", "/api/clock", { action: "play", speed: -1 })).status).toBe(400);
    expect((await call(server, "POST", "/api/clock", { action: "advance", seconds: "10" })).status).toBe(400);
    expect((await call(server, "GET", "/api/events?after=x")).status).toBe(400);
  });

  it("streams the boot's DHCP exchange as the cursor advances over it, with notes and edges", async () => {
    const stream = new SseClient(`${server.url}/api/events/stream`);
    await stream.until((m) => m.some((x) => x.event === "clock"));
    const before = (await call<ClockState>(server, "GET", "/api/clock")).body;
    const after = await clock({ action: "advance", seconds: 60 });
    expect(after.now).toBe(before.now + 60_000_000);
    expect(after.cursor).toBeGreaterThan(before.cursor);
    await stream.until(() => stream.events().filter(isDhcp).length >= 4);
    const dhcp = stream.events().filter(isDhcp);
    expect(dhcp.map((e) => e.summary).join("\n")).toMatch(/BOOTP\/DHCP, Request from .*\n(.*\n)*.*BOOTP\/DHCP, Reply/);
    const sent = dhcp.find((e) => e.node === "dom0" && e.dev === "eth0" && e.direction === "tx");
    expect(sent).toMatchObject({ edge: "link:dom0:eth0" });
    expect(dhcp.some((e) => e.node === "dom0" && e.dev === "eth0" && e.direction === "rx" && e.edge === "port:dom0:eth0" && /xenbr0: /.test(e.note ?? ""))).toBe(true);
    expect(stream.events().some((e) => e.kind === "lease" && e.node === "dom0" && e.dev === "xenbr0")).toBe(true);
    expect(stream.clocks().at(-1)).toMatchObject({ cursor: after.cursor });
    stream.close();
  });

  it("keeps the history up to the cursor and details each frame", async () => {
    const { events } = (await call<{ events: SimEvent[] }>(server, "GET", "/api/events?after=0")).body;
    const cursor = (await call<ClockState>(server, "GET", "/api/clock")).body.cursor;
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: cursor }, (_, i) => i + 1));
    const frame = events.find(isDhcp)!;
    const detail = (await call<FrameDetail>(server, "GET", `/api/frames/${frame.seq}`)).body;
    expect(detail.layers.map((l) => l.name)).toEqual(["Ethernet", "IPv4", "UDP", "DHCP"]);
    expect(detail.layers[3]!.fields).toContainEqual(["Message type", expect.stringMatching(/DISCOVER|REQUEST|OFFER|ACK/)]);
    expect(detail.actions[0]).toMatch(/^(sent by|received on) /);
    expect(detail.hex.length).toBeGreaterThan(2 * 300);
    expect((await call(server, "GET", "/api/frames/999999")).status).toBe(404);
    const notFrame = events.find((e) => e.kind !== "frame")!;
    expect((await call(server, "GET", `/api/frames/${notFrame.seq}`)).status).toBe(404);
  });

  it("plays in real time at the chosen speed, then pauses", async () => {
    const stream = new SseClient(`${server.url}/api/events/stream`);
    await stream.until((m) => m.some((x) => x.event === "clock"));
    const before = (await call<ClockState>(server, "GET", "/api/clock")).body;
    await clock({ action: "play", speed: 200 });
    await stream.until(() => stream.clocks().some((c) => c.now >= before.now + 20_000_000));
    const paused = await clock({ action: "pause" });
    expect(paused.playing).toBe(false);
    expect(paused.now).toBeGreaterThan(before.now);
    stream.close();
  });

  it("holds 200 concurrent stream clients, each receiving the next event, without a warning", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    const clients = Array.from({ length: 200 }, () => new SseClient(`${server.url}/api/events/stream`));
    try {
      await Promise.all(clients.map((c) => c.until((m) => m.some((x) => x.event === "clock"), 20_000)));
      const stepped = await clock({ action: "step" });
      await Promise.all(clients.map((c) => c.until(() => c.events().some((e) => e.seq === stepped.cursor), 20_000)));
      expect(clients.every((c) => c.error === undefined && c.response?.statusCode === 200)).toBe(true);
      expect(warnings).toEqual([]);
    } finally {
      for (const c of clients) c.close();
      process.off("warning", onWarning);
    }
  });
});
