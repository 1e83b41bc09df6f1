// The TCP test flow: an echo and a sink server, a client writing at a rate, and how flows end —
// orderly, refused, or timed out behind a black hole.
//
//   client 10.0.0.1 eth0 ──── cable ──── eth0 10.0.0.2 server
import { describe, expect, it } from "vitest";
import { MILLISECOND, SECOND } from "../../../netsim/engine/sim.ts";
import { TcpFlowClient, TcpFlowServer } from "../../../netsim/apps/tcp-flow.ts";
import { ip, tcpPair } from "../l3/tcp/helpers.ts";

describe("TCP flow", () => {
  it("echo: 50 kB in 1000-byte writes every 10 ms come back intact; both ends close in order", () => {
    const env = tcpPair();
    const server = new TcpFlowServer(env.server.tcp, { port: 7, mode: "echo" });
    const client = new TcpFlowClient(env.client.tcp, { dst: ip("10.0.0.2"), port: 7, bytes: 50_000, chunk: 1000, interval: 10 * MILLISECOND, start: SECOND });
    env.sim.runUntil(10 * SECOND);
    const r = client.report;
    expect(r).toMatchObject({ bytesWritten: 50_000, bytesAcked: 50_000, bytesEchoed: 50_000, echoErrors: 0, retransmissions: 0, end: "closed" });
    // 50 writes 10 ms apart, then the FIN exchange.
    expect(r.closedAt! - r.connectedAt!).toBeGreaterThan(490 * MILLISECOND);
    expect(r.closedAt! - r.connectedAt!).toBeLessThan(600 * MILLISECOND);
    expect(server.sessions).toHaveLength(1);
    expect(server.sessions[0]).toMatchObject({ remoteAddr: ip("10.0.0.1"), remotePort: r.localPort, bytesIn: 50_000, bytesOut: 50_000, end: "closed" });
  });

  it("sink on a lossy cable: every byte arrives, the report counts the retransmissions", () => {
    const env = tcpPair({ cable: { loss: 0.1 }, seed: 11 });
    const server = new TcpFlowServer(env.server.tcp, { port: 9, mode: "sink" });
    const client = new TcpFlowClient(env.client.tcp, { dst: ip("10.0.0.2"), port: 9, bytes: 100_000, chunk: 4000, start: SECOND });
    env.sim.runUntil(120 * SECOND);
    expect(client.report).toMatchObject({ bytesWritten: 100_000, bytesAcked: 100_000, bytesEchoed: 0, end: "closed" });
    expect(client.report.retransmissions).toBeGreaterThan(0);
    expect(server.sessions[0]).toMatchObject({ bytesIn: 100_000, bytesOut: 0, end: "closed" });
  });

  it("no server on the port: the flow ends with ECONNREFUSED", () => {
    const env = tcpPair();
    const client = new TcpFlowClient(env.client.tcp, { dst: ip("10.0.0.2"), port: 22, start: SECOND });
    env.sim.runUntil(3 * SECOND);
    expect(client.report).toMatchObject({ bytesWritten: 0, end: "ECONNREFUSED" });
    expect(client.report.connectedAt).toBeUndefined();
  });

  it("keepalive on an idle flow whose server vanished behind a firewall: ETIMEDOUT after idle + count × interval", () => {
    const env = tcpPair();
    const server = new TcpFlowServer(env.server.tcp, { port: 22, mode: "sink" });
    // One 100-byte write now, the next a day later: the connection sits idle in between.
    const client = new TcpFlowClient(env.client.tcp, { dst: ip("10.0.0.2"), port: 22, bytes: 200, chunk: 100, interval: 100_000 * SECOND, start: SECOND, keepAlive: { idle: 600, interval: 60, count: 5 } });
    env.sim.runUntil(2 * SECOND);
    env.server.stack.hooks = { run: (hook, packet) => (hook === "INPUT" && packet[9] === 6 ? { action: "drop", reason: "firewall" } : { action: "accept", packet }) };
    env.sim.runUntil(2000 * SECOND);
    const r = client.report;
    expect(r.end).toBe("ETIMEDOUT");
    expect(Math.round((r.closedAt! - r.connectedAt!) / SECOND)).toBe(600 + 5 * 60);
    expect(server.sessions[0]!.end).toBeNull();
  });
});
