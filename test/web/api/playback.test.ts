// Playback of the served host in virtual time, over a real server: the cursor starts live, at the
// end of the boot, with the boot's events in the history; back and step move through the history;
// a command's events (a DHCP exchange, with per-hop notes and edges) reach the event stream;
// advancing and playing run the simulation further; history and frame detail follow
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
  it("starts live, at the end of the boot the graph shows, with the boot's events in the history", async () => {
    const { body } = await call<ClockState>(server, "GET", "/api/clock");
    expect(body).toMatchObject({ playing: false, speed: 1, oldest: 1 });
    expect(body.latest).toBeGreaterThan(20);
    expect(body.cursor).toBe(body.latest);
    expect(body.now).toBeGreaterThan(30_000_000);
    const { events } = (await call<{ events: SimEvent[] }>(server, "GET", "/api/events?after=0")).body;
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: body.cursor }, (_, i) => i + 1));
    expect(events.filter(isDhcp).length).toBeGreaterThanOrEqual(4);
  });

  it("steps back through the history and forward again to the same event", async () => {
    const live = (await call<ClockState>(server, "GET", "/api/clock")).body;
    const back1 = await clock({ action: "back" });
    const back2 = await clock({ action: "back" });
    expect([back1.cursor, back2.cursor]).toEqual([live.cursor - 1, live.cursor - 2]);
    expect(back2.now).toBeLessThanOrEqual(back1.now);
    expect((await call<{ events: SimEvent[] }>(server, "GET", `/api/events?after=${live.cursor - 3}`)).body.events.map((e) => e.seq)).toEqual([live.cursor - 2]);
    const forward = await clock({ action: "step" });
    expect(forward).toMatchObject({ cursor: back1.cursor, now: back1.now, latest: live.latest });
    expect(await clock({ action: "live" })).toMatchObject({ cursor: live.latest, now: live.now });
  });

  it("refuses malformed commands with 400", async () => {
    expect((await call(server, "POST", "/api/clock", { action: "warp" })).status).toBe(400);
    expect((await call(server, "POST", "/api/clock", { action: "play", speed: -1 })).status).toBe(400);
    expect((await call(server, "POST", "/api/clock", { action: "advance", seconds: "10" })).status).toBe(400);
    expect((await call(server, "GET", "/api/events?after=x")).status).toBe(400);
  });

  it("streams a DHCP exchange a command causes, with notes and edges, and advances by virtual seconds", async () => {
    const stream = new SseClient(`${server.url}/api/events/stream`);
    await stream.until((m) => m.some((x) => x.event === "clock"));
    // dhclient on xenbr0 again: ifdown releases the lease, ifup asks for it anew.
    expect((await call(server, "POST", "/api/shell", { line: "ifdown xenbr0" })).status).toBe(200);
    const up = await call<{ status: number }>(server, "POST", "/api/shell", { line: "ifup xenbr0" });
    expect(up.body.status).toBe(0);
    await stream.until(() => stream.events().some((e) => e.kind === "lease"));
    const dhcp = stream.events().filter(isDhcp);
    expect(dhcp.map((e) => e.summary).join("\n")).toMatch(/BOOTP\/DHCP, Request from .*\n(.*\n)*.*BOOTP\/DHCP, Reply/);
    const sent = dhcp.find((e) => e.node === "dom0" && e.dev === "eth0" && e.direction === "tx");
    expect(sent).toMatchObject({ edge: "link:dom0:eth0" });
    expect(dhcp.some((e) => e.node === "dom0" && e.dev === "eth0" && e.direction === "rx" && e.edge === "port:dom0:eth0" && /xenbr0: /.test(e.note ?? ""))).toBe(true);
    expect(stream.events().some((e) => e.kind === "lease" && e.node === "dom0" && e.dev === "xenbr0")).toBe(true);
    const before = (await call<ClockState>(server, "GET", "/api/clock")).body;
    const after = await clock({ action: "advance", seconds: 60 });
    expect(after.now).toBe(before.now + 60_000_000);
    await stream.until(() => stream.clocks().at(-1)?.now === after.now);
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
