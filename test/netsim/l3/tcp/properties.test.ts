// Property: whatever segments arrive — any flags, sequence and acknowledgment numbers near the
// connection's or anywhere, any window, options and payload, at any time — in any state, the TCP
// never throws and its variables stay consistent: snd_una ≤ snd_nxt ≤ write_seq (mod 2^32), the
// send buffer holds exactly the unacknowledged data, windows and timers stay in range, and a
// CLOSED connection is no longer in the table.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MILLISECOND } from "../../../../netsim/engine/sim.ts";
import type { TcpConnection, TcpLayer } from "../../../../netsim/l3/tcp/index.ts";
import { TCP_RTO_MAX } from "../../../../netsim/l3/tcp/index.ts";
import { buildIpv4Tcp } from "../../../../netsim/wire/build.ts";
import type { TcpOption } from "../../../../netsim/wire/tcp.ts";
import { ip, pattern, SECOND, tcpPair } from "./helpers.ts";

type Start = "SYN_SENT" | "SYN_RECEIVED" | "ESTABLISHED" | "FIN_WAIT_1" | "FIN_WAIT_2" | "CLOSE_WAIT" | "LAST_ACK" | "TIME_WAIT";
const STARTS: readonly Start[] = ["SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT"];

/** Drops TCP arriving at a node (its peer's segments vanish). */
const deaf = { run: (hook: string, packet: Uint8Array) => (hook === "INPUT" && packet[9] === 6 ? { action: "drop" as const, reason: "test" } : { action: "accept" as const, packet }) };

/** A pair with one connection brought to `start`; returns the connection to feed and its layer. */
function prepare(start: Start, seed: number): { env: ReturnType<typeof tcpPair>; target: TcpConnection; layer: TcpLayer } {
  const env = tcpPair({ seed });
  const box: { server?: TcpConnection; client?: TcpConnection } = {};
  env.server.tcp.listen(22, (c) => (box.server = c));
  if (start === "SYN_SENT") env.server.stack.hooks = deaf;
  if (start === "SYN_RECEIVED") env.client.stack.hooks = deaf;
  box.client = env.client.tcp.connect(ip("10.0.0.2"), 22) as TcpConnection;
  env.sim.runUntil(SECOND);
  const { client } = box;
  if (start === "SYN_RECEIVED") {
    const req = env.server.tcp.lookup(ip("10.0.0.2"), 22, ip("10.0.0.1"), client.localPort)!;
    return { env, target: req, layer: env.server.tcp };
  }
  const server = box.server;
  if (start === "FIN_WAIT_1") env.server.stack.hooks = deaf;
  if (start === "ESTABLISHED" || start === "SYN_SENT") client.send(pattern(3000));
  if (start !== "ESTABLISHED" && start !== "SYN_SENT") client.close();
  if (start === "LAST_ACK") {
    env.client.stack.hooks = deaf;
    env.sim.runFor(100 * MILLISECOND);
    server!.close();
  }
  if (start === "TIME_WAIT") server!.onEnd(() => server!.close());
  env.sim.runFor(100 * MILLISECOND);
  const serverSide = start === "CLOSE_WAIT" || start === "LAST_ACK";
  const target = serverSide ? server! : client;
  expect(target.state).toBe(start);
  return { env, target, layer: serverSide ? env.server.tcp : env.client.tcp };
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const option: fc.Arbitrary<TcpOption> = fc.oneof(
  fc.constant<TcpOption>({ kind: "nop" }),
  fc.integer({ min: 0, max: 0xffff }).map((mss): TcpOption => ({ kind: "mss", mss })),
  fc.integer({ min: 0, max: 255 }).map((shift): TcpOption => ({ kind: "window-scale", shift })),
  fc.constant<TcpOption>({ kind: "sack-permitted" }),
  fc.tuple(u32, u32).map(([tsVal, tsEcr]): TcpOption => ({ kind: "timestamps", tsVal, tsEcr })),
  fc.uint8Array({ maxLength: 24 }).map((data): TcpOption => ({ kind: "raw", code: 5, data })),
);
const step = fc.record({
  flags: fc.integer({ min: 0, max: 0x3f }),
  seqNear: fc.boolean(),
  seqDelta: fc.integer({ min: -5000, max: 80_000 }),
  seqRaw: u32,
  ackNear: fc.boolean(),
  ackDelta: fc.integer({ min: -200, max: 5000 }),
  ackRaw: u32,
  window: fc.integer({ min: 0, max: 0xffff }),
  payload: fc.integer({ min: 0, max: 1448 }),
  options: fc.array(option, { maxLength: 4 }),
  tsNow: fc.boolean(),
  waitMs: fc.integer({ min: 0, max: 3000 }),
  appAction: fc.constantFrom("none", "none", "none", "send", "close", "abort", "shutdown", "keepalive"),
});

/** The invariants of one connection. */
function checkConnection(c: TcpConnection, layer: TcpLayer): void {
  const d = (a: number, b: number) => (a - b) | 0;
  expect(d(c.sndNxt, c.sndUna)).toBeGreaterThanOrEqual(0);
  expect(d(c.writeSeq, c.sndNxt)).toBeGreaterThanOrEqual(0);
  if (c.state !== "CLOSED" && c.state !== "TIME_WAIT" && d(c.sndUna, c.iss) > 0) {
    expect(d(c.writeSeq, c.bufSeq) - (c.finQueued ? 1 : 0)).toBe(c.sendBuf.length);
  }
  expect(c.rcvWnd).toBeGreaterThanOrEqual(0);
  expect(c.sndWnd).toBeGreaterThanOrEqual(0);
  expect(c.cwnd).toBeGreaterThanOrEqual(1);
  expect(c.rto).toBeGreaterThan(0);
  expect(c.rto).toBeLessThanOrEqual(TCP_RTO_MAX);
  expect(c.rcvSsthresh).toBeLessThanOrEqual(Math.max(c.windowClamp, c.rcvWnd));
  const hashed = layer.lookup(c.localAddr, c.localPort, c.remoteAddr, c.remotePort) === c;
  expect(hashed).toBe(c.state !== "CLOSED");
}

describe("TCP properties", () => {
  it("random segments in any state never throw and keep the connection's variables consistent", () => {
    fc.assert(
      fc.property(fc.constantFrom(...STARTS), fc.integer({ min: 1, max: 1000 }), fc.array(step, { minLength: 1, maxLength: 25 }), (start, seed, steps) => {
        const { env, target: c, layer } = prepare(start, seed);
        for (const s of steps) {
          const ts = s.tsNow ? [{ kind: "nop" } as TcpOption, { kind: "nop" } as TcpOption, { kind: "timestamps", tsVal: c.tsRecent + 1, tsEcr: 0 } as TcpOption] : [];
          const repr = {
            srcPort: c.remotePort,
            dstPort: c.localPort,
            seq: s.seqNear ? (c.rcvNxt + s.seqDelta) >>> 0 : s.seqRaw,
            ack: s.ackNear ? (c.sndUna + s.ackDelta) >>> 0 : s.ackRaw,
            flags: s.flags,
            window: s.window,
            urgent: 0,
            options: [...ts, ...s.options].slice(0, 5),
            payload: pattern(s.payload),
          };
          let frame: Uint8Array;
          try {
            frame = buildIpv4Tcp({ src: 0x020000000020, dst: 0x020000000010 }, { src: c.remoteAddr, dst: c.localAddr }, repr);
          } catch {
            continue; // options longer than 40 bytes: not a segment
          }
          const packet = frame.subarray(14);
          layer.receive({ packet, headerLen: 20, src: c.remoteAddr, dst: c.localAddr, protocol: 6, ttl: 64, tos: 0, dev: "eth0", broadcast: false });
          if (s.appAction === "send") c.send(pattern(700));
          else if (s.appAction === "close") c.close();
          else if (s.appAction === "abort") c.abort();
          else if (s.appAction === "shutdown") c.shutdown();
          else if (s.appAction === "keepalive") c.setKeepAlive(true, 1, 1, 2);
          env.sim.runFor(s.waitMs * MILLISECOND);
          checkConnection(c, layer);
          for (const other of [env.client.tcp, env.server.tcp]) {
            for (const info of other.sockets()) {
              if (info.state === "LISTEN") continue;
              checkConnection(other.lookup(info.localAddr, info.localPort, info.remoteAddr, info.remotePort)!, other);
            }
          }
        }
        // Whatever happened, time heals: within a day every connection has ended or is established.
        env.sim.runFor(86_400 * SECOND);
        for (const other of [env.client.tcp, env.server.tcp]) {
          for (const info of other.sockets()) expect(["LISTEN", "ESTABLISHED", "CLOSE_WAIT", "FIN_WAIT_2"]).toContain(info.state);
        }
      }),
      { numRuns: 150, seed: 20240611 },
    );
  });
});
