// Data transfer: acknowledgments (every second full segment, delayed ACKs after 40 ms), loss and
// retransmission with RTO backoff, out-of-order data with SACK blocks and fast retransmit, Nagle,
// and sequence numbers wrapping past 2^32.
//
//   client 10.0.0.1 eth0 ──── cable ──── eth0 10.0.0.2 server
import { describe, expect, it } from "vitest";
import type { PacketHooks, Verdict } from "../../../../netsim/l3/hooks.ts";
import type { TcpConnection } from "../../../../netsim/l3/tcp/index.ts";
import { MILLISECOND } from "../../../../netsim/engine/sim.ts";
import { flagText, ip, pattern, sameBytes, SECOND, sentSegments, tcpEvents, tcpPair } from "./helpers.ts";

/** Connects client → server:9 once the simulation reaches `at`; the server keeps what it receives. */
function sink(env: ReturnType<typeof tcpPair>, at = SECOND, options: { srcPort?: number } = {}) {
  const received: Uint8Array[] = [];
  let server: TcpConnection | undefined;
  env.server.tcp.listen(9, (c) => {
    server = c;
    c.onData((b) => received.push(b));
    c.onEnd(() => c.close());
  });
  const box: { client?: TcpConnection } = {};
  env.sim.at(at, () => {
    const c = env.client.tcp.connect(ip("10.0.0.2"), 9, options);
    if (typeof c === "string") throw new Error(c);
    box.client = c;
  });
  const bytes = () => {
    const all = new Uint8Array(received.reduce((n, b) => n + b.length, 0));
    let at2 = 0;
    for (const b of received) {
      all.set(b, at2);
      at2 += b.length;
    }
    return all;
  };
  return { box, bytes, server: () => server };
}

/** Drops TCP packets arriving at INPUT for which `drop(seqOffsetFromIsn, payloadLen)` says so. */
function dropIncoming(drop: (seq: number, len: number, flags: number) => boolean): PacketHooks {
  return {
    run: (hook, packet): Verdict => {
      if (hook === "INPUT" && packet[9] === 6) {
        const hl = (packet[0]! & 0x0f) * 4;
        const total = (packet[2]! << 8) | packet[3]!;
        const seq = ((packet[hl + 4]! << 24) | (packet[hl + 5]! << 16) | (packet[hl + 6]! << 8) | packet[hl + 7]!) >>> 0;
        const len = total - hl - (packet[hl + 12]! >> 4) * 4;
        if (drop(seq, len, packet[hl + 13]!)) return { action: "drop", reason: "test" };
      }
      return { action: "accept", packet };
    },
  };
}

describe("TCP data", () => {
  it("delivers 100 KB in order; the receiver acknowledges at least every second full segment", () => {
    const env = tcpPair();
    const { box, bytes } = sink(env);
    const data = pattern(100_000);
    env.sim.at(2 * SECOND, () => box.client!.send(data));
    env.sim.at(3 * SECOND, () => box.client!.close());
    env.sim.runUntil(10 * SECOND);
    expect(sameBytes(bytes(), data)).toBe(true);
    const c = box.client!;
    expect(c.stats.bytesAcked).toBe(100_000);
    expect(c.stats.retransmissions).toBe(0);
    const dataSegs = sentSegments(env.events, "client").filter((s) => s.tcp.payload.length > 0);
    expect(dataSegs.every((s) => s.tcp.payload.length <= 1448)).toBe(true);
    const acks = sentSegments(env.events, "server").filter((s) => s.tcp.payload.length === 0 && flagText(s.tcp) === ".");
    expect(acks.length).toBeGreaterThanOrEqual(Math.floor(dataSegs.length / 2));
    expect(acks.length).toBeLessThanOrEqual(dataSegs.length);
    // The offered window grows from 46 (×128) by two segments per segment to the clamp 64075 → 501.
    expect(acks[0]!.tcp.window).toBeGreaterThan(46);
    expect(Math.max(...acks.map((a) => a.tcp.window))).toBe(501);
  });

  it("a lone full segment is acknowledged after the 40 ms delayed-ACK timer; a second one at once", () => {
    const env = tcpPair();
    const { box } = sink(env);
    // 40 segments 50 ms apart: the first ~21 open the window (each acknowledged at once), then delayed ACKs.
    for (let i = 0; i < 40; i++) env.sim.at(2 * SECOND + i * 50 * MILLISECOND, () => box.client!.send(pattern(box.client!.mss)));
    env.sim.at(5 * SECOND, () => box.client!.send(pattern(2 * box.client!.mss)));
    env.sim.runUntil(6 * SECOND);
    const data = sentSegments(env.events, "client").filter((s) => s.tcp.payload.length > 0);
    const acks = sentSegments(env.events, "server").filter((s) => flagText(s.tcp) === ".");
    const ackDelay = (d: (typeof data)[0]) => acks.find((a) => a.tcp.ack === ((d.tcp.seq + d.tcp.payload.length) >>> 0))!.time - d.time;
    const delays = data.slice(0, 40).map(ackDelay);
    expect(delays.slice(0, 15).every((d) => d < MILLISECOND)).toBe(true);
    for (const d of delays.slice(25)) {
      expect(d).toBeGreaterThan(36 * MILLISECOND);
      expect(d).toBeLessThanOrEqual(40 * MILLISECOND + 100);
    }
    // Two segments back to back: "more than one full segment" is acknowledged on the second.
    expect(ackDelay(data[41]!)).toBeLessThan(MILLISECOND);
  });

  it("a lost segment is resent after the RTO (srtt + 200 ms), again after twice that, and so on", () => {
    const env = tcpPair();
    const { box, bytes } = sink(env);
    let isn = 0;
    let dropped = 0;
    env.server.stack.hooks = dropIncoming((seq, len) => {
      if (isn === 0 && box.client !== undefined) isn = box.client.iss;
      if (len > 0 && seq === ((isn + 1) >>> 0) && dropped < 3) {
        dropped++;
        return true;
      }
      return false;
    });
    env.sim.at(2 * SECOND, () => box.client!.send(pattern(500)));
    env.sim.runUntil(10 * SECOND);
    expect(sameBytes(bytes(), pattern(500))).toBe(true);
    const sends = sentSegments(env.events, "client").filter((s) => s.tcp.payload.length > 0);
    expect(sends).toHaveLength(4);
    const gaps = sends.slice(1).map((s, i) => (s.time - sends[i]!.time) / MILLISECOND);
    // RTO = 1 jiffy (LAN srtt) + 200 ms = 204 ms, doubling; each timer fires on a 4 ms tick.
    expect(gaps[0]).toBeGreaterThan(200);
    expect(gaps[0]).toBeLessThanOrEqual(204);
    expect(gaps[1]).toBeCloseTo(2 * 204, -1);
    expect(gaps[2]).toBeCloseTo(4 * 204, -1);
    expect(tcpEvents(env.events, "retransmit").map((e) => e.detail)).toEqual(["seq 1 len 500 rto 204ms", "seq 1 len 500 rto 408ms", "seq 1 len 500 rto 816ms"]);
  });

  it("a lossy cable (15% each way): everything arrives, retransmissions back off, the connection closes cleanly", () => {
    const env = tcpPair({ cable: { loss: 0.15 }, seed: 7 });
    const { box, bytes } = sink(env);
    const closed: (string | null)[] = [];
    env.sim.at(SECOND + 1, () => box.client?.onClose((e) => closed.push(e)));
    env.sim.at(2 * SECOND, () => {
      box.client!.send(pattern(200_000));
      box.client!.close();
    });
    env.sim.runUntil(300 * SECOND);
    expect(sameBytes(bytes(), pattern(200_000))).toBe(true);
    expect(closed).toEqual([null]);
    expect(box.client!.stats.retransmissions).toBeGreaterThan(5);
    // Consecutive timeouts on the same segment double the RTO.
    const rtx = tcpEvents(env.events, "retransmit").filter((e) => e.node === "client");
    for (let i = 1; i < rtx.length; i++) {
      const [prev, cur] = [rtx[i - 1]!.detail!, rtx[i]!.detail!];
      if (prev.split(" rto")[0] === cur.split(" rto")[0]) expect(parseInt(cur.split("rto ")[1]!)).toBe(2 * parseInt(prev.split("rto ")[1]!));
    }
  });

  it("a hole: the receiver sends duplicate ACKs with SACK blocks; the third triggers a fast retransmit", () => {
    const env = tcpPair();
    const { box, bytes } = sink(env);
    let once = false;
    env.server.stack.hooks = dropIncoming((seq, len) => {
      const c = box.client;
      if (!once && c !== undefined && len > 0 && seq === ((c.iss + 1 + 1448 * 20) >>> 0)) return (once = true);
      return false;
    });
    env.sim.at(2 * SECOND, () => box.client!.send(pattern(60 * 1448)));
    env.sim.runUntil(5 * SECOND);
    expect(sameBytes(bytes(), pattern(60 * 1448))).toBe(true);
    const c = box.client!;
    const holeStart = (c.iss + 1 + 1448 * 20) >>> 0;
    const dupAcks = sentSegments(env.events, "server").filter((s) => s.tcp.ack === holeStart && s.tcp.payload.length === 0);
    expect(dupAcks.length).toBeGreaterThanOrEqual(3);
    // The first duplicate ACK reports the segment after the hole: unknown-5 is the SACK option (kind 5).
    const sackHex = (n: number) => n.toString(16).padStart(8, "0");
    expect(dupAcks[1]!.line).toContain(`unknown-5 0x${sackHex((holeStart + 1448) >>> 0)}${sackHex((holeStart + 2896) >>> 0)}`);
    // Resent after the third duplicate ACK, long before an RTO.
    const resend = sentSegments(env.events, "client").filter((s) => s.tcp.seq === holeStart && s.tcp.payload.length > 0);
    expect(resend).toHaveLength(2);
    expect(resend[1]!.time - resend[0]!.time).toBeLessThan(10 * MILLISECOND);
    expect(tcpEvents(env.events, "retransmit")).toHaveLength(1);
  });

  it("Nagle: small writes wait while a small segment is unacknowledged, then go as one segment", () => {
    const env = tcpPair({ cable: { latency: 10 * MILLISECOND } });
    const { box, bytes } = sink(env);
    env.sim.at(2 * SECOND, () => {
      for (let i = 0; i < 5; i++) box.client!.send(pattern(10, i * 10));
    });
    env.sim.runUntil(3 * SECOND);
    expect(sameBytes(bytes(), pattern(50))).toBe(true);
    expect(sentSegments(env.events, "client").filter((s) => s.tcp.payload.length > 0).map((s) => s.tcp.payload.length)).toEqual([10, 40]);
  });

  it("sequence numbers wrap past 2^32 in the middle of a transfer", () => {
    const env = tcpPair();
    // The client's ISN for port 40000 at time t is H + t·1000/64 (mod 2^32): pick t so it lands 5000 below 2^32.
    const h = env.client.tcp.isn(ip("10.0.0.1"), 40000, ip("10.0.0.2"), 9);
    const t = Math.ceil((((2 ** 32 - 5000 - h) >>> 0) * 64) / 1000);
    const { box, bytes } = sink(env, t, { srcPort: 40000 });
    env.sim.at(t + SECOND, () => box.client!.send(pattern(20_000)));
    env.sim.at(t + 2 * SECOND, () => box.client!.close());
    env.sim.runUntil(t + 10 * SECOND);
    const c = box.client!;
    expect(c.iss).toBeGreaterThan(2 ** 32 - 5100);
    expect(sameBytes(bytes(), pattern(20_000))).toBe(true);
    const segs = sentSegments(env.events, "client").filter((s) => s.tcp.payload.length > 0);
    expect(segs.some((s) => s.tcp.seq < 10_000)).toBe(true);
    expect(c.sndUna).toBe((c.iss + 20_002) >>> 0);
    expect(c.state).toBe("TIME_WAIT");
  });
});
