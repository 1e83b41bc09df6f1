// Closing: FIN both ways with TIME_WAIT for 60 s, the three-segment close, simultaneous close, a
// retransmitted FIN in TIME_WAIT, half-close, data after close() and abort() drawing resets, and an
// orphaned FIN_WAIT_2 timing out.
//
//   client 10.0.0.1 eth0 ──── cable ──── eth0 10.0.0.2 server
import { describe, expect, it } from "vitest";
import type { TcpConnection, TcpErrno } from "../../../../netsim/l3/tcp/index.ts";
import { flagText, ip, pattern, SECOND, sentSegments, tcpEvents, tcpPair } from "./helpers.ts";

/** A connected pair on port 7: the client connection, and the server's once accepted. */
function connected(env: ReturnType<typeof tcpPair>) {
  const box: { client?: TcpConnection; server?: TcpConnection } = {};
  env.server.tcp.listen(7, (c) => (box.server = c));
  env.sim.at(SECOND, () => {
    const c = env.client.tcp.connect(ip("10.0.0.2"), 7);
    if (typeof c === "string") throw new Error(c);
    box.client = c;
  });
  env.sim.runUntil(2 * SECOND);
  return box as { client: TcpConnection; server: TcpConnection };
}

function statesOf(env: ReturnType<typeof tcpPair>, node: string): string[] {
  return tcpEvents(env.events, "state")
    .filter((e) => e.node === node)
    .map((e) => `${e.state}@${(e.time / SECOND).toFixed(3)}`);
}

describe("TCP close", () => {
  it("client closes, server closes a second later: FIN, ACK, FIN, ACK; the closer waits 60 s in TIME_WAIT", () => {
    const env = tcpPair();
    const { client, server } = connected(env);
    const closes: string[] = [];
    client.onClose((e) => closes.push(`client ${e} @${(env.sim.now / SECOND).toFixed(3)}`));
    server.onClose((e) => closes.push(`server ${e} @${(env.sim.now / SECOND).toFixed(3)}`));
    server.onEnd(() => env.sim.schedule(SECOND, () => server.close()));
    env.sim.at(3 * SECOND, () => client.close());
    env.sim.runUntil(100 * SECOND);
    const tail = sentSegments(env.events).filter((s) => s.time >= 3 * SECOND);
    expect(tail.map((s) => `${s.node} ${flagText(s.tcp)}`)).toEqual(["client F.", "server .", "server F.", "client ."]);
    // The FIN puts the server in interactive mode: its ACK is delayed, by `ato` — still 0 on a
    // connection that never received data, so the ACK leaves on the next 4 ms tick.
    expect(statesOf(env, "client").slice(2)).toEqual(["FIN_WAIT_1@3.000", "FIN_WAIT_2@3.004", "TIME_WAIT@4.000", "CLOSED@64.000"]);
    expect(statesOf(env, "server").slice(2)).toEqual(["CLOSE_WAIT@3.000", "LAST_ACK@4.000", "CLOSED@4.000"]);
    // The application hears of an orderly close when TIME_WAIT (client) or CLOSED (server) is reached.
    expect(closes).toEqual(["client null @4.000", "server null @4.000"]);
  });

  it("a server that closes on end-of-file: its FIN carries the ACK (three segments)", () => {
    const env = tcpPair();
    const { client, server } = connected(env);
    server.onEnd(() => server.close());
    env.sim.at(3 * SECOND, () => client.close());
    env.sim.runUntil(10 * SECOND);
    const tail = sentSegments(env.events).filter((s) => s.time >= 3 * SECOND);
    expect(tail.map((s) => `${s.node} ${flagText(s.tcp)}`)).toEqual(["client F.", "server F.", "client ."]);
    expect(tail[1]!.tcp.ack).toBe((tail[0]!.tcp.seq + 1) >>> 0);
  });

  it("simultaneous close: both FINs cross, both sides go through CLOSING to TIME_WAIT", () => {
    const env = tcpPair();
    const { client, server } = connected(env);
    env.sim.at(3 * SECOND, () => {
      client.close();
      server.close();
    });
    env.sim.runUntil(100 * SECOND);
    for (const node of ["client", "server"]) {
      expect(statesOf(env, node).slice(2).map((s) => s.split("@")[0])).toEqual(["FIN_WAIT_1", "CLOSING", "TIME_WAIT", "CLOSED"]);
      const closedAt = tcpEvents(env.events, "state").find((e) => e.node === node && e.state === "CLOSED")!.time;
      const twAt = tcpEvents(env.events, "state").find((e) => e.node === node && e.state === "TIME_WAIT")!.time;
      expect(Math.round((closedAt - twAt) / SECOND)).toBe(60);
    }
    const tail = sentSegments(env.events).filter((s) => s.time >= 3 * SECOND);
    expect(tail.map((s) => `${s.node} ${flagText(s.tcp)}`).sort()).toEqual(["client .", "client F.", "server .", "server F."]);
  });

  it("TIME_WAIT answers a retransmitted FIN with an ACK and starts its 60 s again", () => {
    const env = tcpPair();
    const { client, server } = connected(env);
    // The server does not hear the client's last ACK once.
    let lost = false;
    env.server.stack.hooks = {
      run: (hook, packet) => {
        const hl = (packet[0]! & 0x0f) * 4;
        const lastAck = hook === "INPUT" && packet[9] === 6 && packet[hl + 13] === 0x10 && server.state === "LAST_ACK";
        if (lastAck && !lost) {
          lost = true;
          return { action: "drop", reason: "test" };
        }
        return { action: "accept", packet };
      },
    };
    server.onEnd(() => server.close());
    env.sim.at(3 * SECOND, () => client.close());
    env.sim.runUntil(100 * SECOND);
    const tail = sentSegments(env.events).filter((s) => s.time >= 3 * SECOND);
    expect(tail.map((s) => `${s.node} ${flagText(s.tcp)}`)).toEqual(["client F.", "server F.", "client .", "server F.", "client ."]);
    const refin = tail[3]!.time;
    const closedAt = tcpEvents(env.events, "state").find((e) => e.node === "client" && e.state === "CLOSED")!.time;
    expect(Math.round((closedAt - refin) / SECOND)).toBe(60);
    expect(server.state).toBe("CLOSED");
  });

  it("shutdown (half-close): the client's FIN goes out, the server keeps sending, the client keeps reading", () => {
    const env = tcpPair();
    const { client, server } = connected(env);
    const got: number[] = [];
    client.onData((b) => got.push(b.length));
    server.onEnd(() => {
      server.send(pattern(3000));
      server.close();
    });
    env.sim.at(3 * SECOND, () => client.shutdown());
    env.sim.runUntil(100 * SECOND);
    expect(got.reduce((a, b) => a + b, 0)).toBe(3000);
    expect(client.state).toBe("CLOSED");
    expect(statesOf(env, "client").slice(2).map((s) => s.split("@")[0])).toEqual(["FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED"]);
  });

  it("data arriving after close() is answered with a reset; the sender, in CLOSE_WAIT, sees EPIPE", () => {
    const env = tcpPair();
    const { client, server } = connected(env);
    const errors: (TcpErrno | null)[] = [];
    server.onClose((e) => errors.push(e));
    env.sim.at(3 * SECOND, () => client.close());
    env.sim.at(4 * SECOND, () => server.send(pattern(100)));
    env.sim.runUntil(10 * SECOND);
    const tail = sentSegments(env.events).filter((s) => s.time >= 4 * SECOND);
    expect(tail.map((s) => `${s.node} ${flagText(s.tcp)}`)).toEqual(["server P.", "client R"]);
    // tcp_reset: a reset in CLOSE_WAIT is reported as EPIPE, elsewhere as ECONNRESET.
    expect(errors).toEqual(["EPIPE"]);
    expect(client.state).toBe("CLOSED");
  });

  it("abort(): RST|ACK at once, the peer sees ECONNRESET", () => {
    const env = tcpPair();
    const { client, server } = connected(env);
    const errors: (TcpErrno | null)[] = [];
    server.onClose((e) => errors.push(e));
    env.sim.at(3 * SECOND, () => client.abort());
    env.sim.runUntil(4 * SECOND);
    const tail = sentSegments(env.events).filter((s) => s.time >= 3 * SECOND);
    expect(tail.map((s) => `${s.node} ${flagText(s.tcp)}`)).toEqual(["client R."]);
    expect(errors).toEqual(["ECONNRESET"]);
    expect(env.client.tcp.sockets()).toEqual([]);
  });

  it("an orphaned FIN_WAIT_2 (the peer never closes) is dropped after tcp_fin_timeout, 60 s", () => {
    const env = tcpPair();
    const { client } = connected(env);
    env.sim.at(3 * SECOND, () => client.close());
    env.sim.runUntil(200 * SECOND);
    expect(statesOf(env, "client").slice(2)).toEqual(["FIN_WAIT_1@3.000", "FIN_WAIT_2@3.004", "CLOSED@63.004"]);
    expect(sentSegments(env.events).filter((s) => s.time > 4 * SECOND)).toEqual([]);
  });
});
