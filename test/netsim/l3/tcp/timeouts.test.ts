// When the peer goes away: retransmissions backing off to 120 s and the give-up after tcp_retries2
// (Linux 2.6.32's time-based rule), a paused Xen guest behind netback, and keepalive probes on an
// idle connection.
//
//   client 10.0.0.1 eth0 ──── cable ──── eth0 10.0.0.2 server        (black hole, keepalive)
//   dom0 10.0.0.1 vif1.0 ═══ netback/netfront rings ═══ eth0 10.0.0.2 guest   (pause)
import { describe, expect, it } from "vitest";
import { Netback, Netfront } from "../../../../netsim/l2/index.ts";
import { Ipv4Stack } from "../../../../netsim/l3/ipv4-stack.ts";
import { TcpLayer, type TcpConnection, type TcpErrno } from "../../../../netsim/l3/tcp/index.ts";
import type { PacketHooks } from "../../../../netsim/l3/hooks.ts";
import { flagText, ip, pattern, recordTrace, SECOND, sentSegments, Sim, tcpEvents, tcpPair } from "./helpers.ts";

const JIFFY = 4000;

/** A firewall that silently drops every TCP packet arriving (iptables -A INPUT -p tcp -j DROP). */
const DROP_TCP: PacketHooks = {
  run: (hook, packet) => (hook === "INPUT" && packet[9] === 6 ? { action: "drop", reason: "INPUT DROP" } : { action: "accept", packet }),
};

/** Connected client → server:22; returns both ends once established. */
function established(env: ReturnType<typeof tcpPair>) {
  const box: { client?: TcpConnection; server?: TcpConnection } = {};
  env.server.tcp.listen(22, (c) => (box.server = c));
  env.sim.at(SECOND, () => {
    const c = env.client.tcp.connect(ip("10.0.0.2"), 22);
    if (typeof c === "string") throw new Error(c);
    box.client = c;
  });
  env.sim.runUntil(2 * SECOND);
  return box as { client: TcpConnection; server: TcpConnection };
}

/**
 * Linux 2.6.32's schedule for an RTO of `rto0` jiffies: the timer expiries (relative to the
 * original send) up to the one at which retransmits_timed_out(tcp_retries2 = 15) holds — elapsed
 * since the first retransmission ≥ ((2^10 − 1) × 200 ms) + (15 − 9) × 120 s = 924.6 s.
 */
function linuxSchedule(rto0: number): number[] {
  const limit = (2 ** 10 - 1) * 50 + (15 - 9) * 30000;
  const expiries: number[] = [];
  let t = 0;
  let rto = rto0;
  for (;;) {
    t += rto;
    expiries.push(t);
    if (expiries.length > 1 && t - expiries[0]! >= limit) return expiries;
    rto = Math.min(rto * 2, 30000);
  }
}

/** dom0's vif1.0 (10.0.0.1) and a guest's netfront eth0 (10.0.0.2); dom0 is connected to the guest's port 22. */
function xenPair() {
  const sim = new Sim(1);
  const events = recordTrace(sim);
  const front = new Netfront(sim, "guest", "eth0", 0x00_16_3e_00_00_01);
  const back = new Netback(sim, "dom0", "vif1.0");
  const dom0 = new Ipv4Stack(sim, "dom0");
  const guest = new Ipv4Stack(sim, "guest");
  dom0.addDevice(back);
  guest.addDevice(front);
  back.setUp(true);
  front.setUp(true);
  back.connect(front);
  dom0.addAddress("vif1.0", { address: ip("10.0.0.1"), prefix: 24, broadcast: "auto" });
  guest.addAddress("eth0", { address: ip("10.0.0.2"), prefix: 24, broadcast: "auto" });
  const box: { sshd?: TcpConnection } = {};
  new TcpLayer(guest).listen(22, (c) => (box.sshd = c));
  const conn = new TcpLayer(dom0).connect(ip("10.0.0.2"), 22) as TcpConnection;
  sim.runUntil(SECOND);
  expect(box.sshd?.state).toBe("ESTABLISHED");
  return { sim, events, back, conn, sshd: box.sshd! };
}

describe("TCP timeouts", () => {
  it("a black hole: 15 retransmissions backing off to 120 s, then ETIMEDOUT 928.7 s after the data was sent", () => {
    const env = tcpPair();
    const { client } = established(env);
    env.server.stack.hooks = DROP_TCP;
    const closed: { at: number; error: TcpErrno | null }[] = [];
    client.onClose((error) => closed.push({ at: env.sim.now, error }));
    const t0 = 3 * SECOND;
    env.sim.at(t0, () => client.send(pattern(100)));
    env.sim.runUntil(2000 * SECOND);
    const sends = sentSegments(env.events, "client").filter((s) => s.tcp.payload.length > 0);
    expect(sends).toHaveLength(16);
    // RTO = 1 jiffy of srtt + 200 ms on this LAN. (A resent segment may then wait a few ms for ARP.)
    const expiries = linuxSchedule(51);
    const timers = tcpEvents(env.events, "retransmit").map((e) => (e.time - t0) / JIFFY);
    expect(timers).toEqual(expiries.slice(0, -1));
    expect(closed).toEqual([{ at: t0 + expiries.at(-1)! * JIFFY, error: "ETIMEDOUT" }]);
    expect(closed[0]!.at - t0).toBe(928_692_000);
    // The last intervals are the 120 s cap.
    expect(timers[14]! - timers[13]!).toBe(120 * 250);
    expect(tcpEvents(env.events, "timeout").map((e) => e.detail)).toEqual(["ETIMEDOUT"]);
    // No reset is sent when giving up.
    expect(sentSegments(env.events, "client").filter((s) => flagText(s.tcp).includes("R"))).toEqual([]);
  });

  it("a paused guest: dom0's retransmissions are dropped by netback; ARP then fails, so the error is EHOSTUNREACH, at the same time", () => {
    const { sim, events, back, conn, sshd } = xenPair();
    const closed: { at: number; error: TcpErrno | null }[] = [];
    conn.onClose((error) => closed.push({ at: sim.now, error }));
    // xm pause; dom0 writes; the guest sleeps for an hour.
    sim.at(2 * SECOND, () => back.pause());
    sim.at(3 * SECOND, () => conn.send(pattern(100)));
    sim.runUntil(3600 * SECOND);
    const drops = events.filter((e) => e.kind === "drop" && e.reason === "guest-paused");
    expect(drops.length).toBeGreaterThan(15);
    // The neighbour entry of the silent guest fails: dom0 reports "host unreachable" to itself, which
    // TCP keeps as the soft error reported when retransmissions run out (tcp_write_err).
    expect(closed).toHaveLength(1);
    expect(closed[0]!.error).toBe("EHOSTUNREACH");
    expect(closed[0]!.at - 3 * SECOND).toBe(928_692_000);
    // xm unpause: the guest's sshd writes; dom0 has forgotten the connection and resets it.
    const guestErrors: (TcpErrno | null)[] = [];
    sshd.onClose((e) => guestErrors.push(e));
    back.unpause();
    sim.at(3601 * SECOND, () => sshd.send(pattern(10)));
    sim.runUntil(3700 * SECOND);
    expect(guestErrors).toEqual(["ECONNRESET"]);
  });

  it("a guest paused for a minute: dom0 keeps retransmitting, and after unpause the data gets through", () => {
    const { sim, back, conn, sshd } = xenPair();
    let got = 0;
    sshd.onData((b) => (got += b.length));
    sim.at(2 * SECOND, () => back.pause());
    sim.at(3 * SECOND, () => conn.send(pattern(100)));
    sim.at(63 * SECOND, () => back.unpause());
    sim.runUntil(200 * SECOND);
    expect(got).toBe(100);
    expect(conn.state).toBe("ESTABLISHED");
    expect(conn.bufferedAmount).toBe(0);
    // RTO 0.2 s doubling: the ninth retransmission, 104.2 s after the write, is the first after the unpause.
    expect(conn.stats.retransmissions).toBe(9);
  });

  it("keepalive (defaults): after 7200 s idle a probe every 75 s; 9 unanswered probes → RST and ETIMEDOUT at 7875 s", () => {
    const env = tcpPair();
    const { client } = established(env);
    client.setKeepAlive(true);
    const idleFrom = env.sim.now;
    env.server.stack.hooks = DROP_TCP;
    const closed: { at: number; error: TcpErrno | null }[] = [];
    client.onClose((error) => closed.push({ at: env.sim.now, error }));
    env.sim.runUntil(20000 * SECOND);
    const probes = sentSegments(env.events, "client").filter((s) => s.time > idleFrom && flagText(s.tcp) === ".");
    expect(probes).toHaveLength(9);
    // A probe is an ACK for snd_una − 1 with no data.
    expect(probes.every((p) => p.tcp.seq === ((client.sndUna - 1) >>> 0) && p.tcp.payload.length === 0)).toBe(true);
    const at = probes.map((p) => Math.round((p.time - idleFrom) / SECOND));
    expect(at).toEqual([7200, 7275, 7350, 7425, 7500, 7575, 7650, 7725, 7800]);
    expect(closed.map((c) => ({ at: Math.round((c.at - idleFrom) / SECOND), error: c.error }))).toEqual([{ at: 7875, error: "ETIMEDOUT" }]);
    const rst = sentSegments(env.events, "client").filter((s) => flagText(s.tcp) === "R.");
    expect(rst.map((s) => Math.round((s.time - idleFrom) / SECOND))).toEqual([7875]);
  });

  it("keepalive with TCP_KEEPIDLE 60, KEEPINTVL 10, KEEPCNT 3: a live peer answers each probe and the connection stays", () => {
    const env = tcpPair();
    const { client, server } = established(env);
    client.setKeepAlive(true, 60, 10, 3);
    const idleFrom = env.sim.now;
    env.sim.runUntil(idleFrom + 200 * SECOND);
    const probes = sentSegments(env.events, "client").filter((s) => s.time > idleFrom);
    const answers = sentSegments(env.events, "server").filter((s) => s.time > idleFrom);
    // TCP_KEEPIDLE counts from the last ACK received (the handshake's, a second before idleFrom);
    // each probe draws a duplicate ACK that starts the idle clock again: one probe per 60 s.
    expect(probes.map((p) => Math.round((p.time - idleFrom) / SECOND))).toEqual([59, 119, 179]);
    expect(answers).toHaveLength(3);
    expect(answers.every((a) => a.tcp.ack === client.sndNxt)).toBe(true);
    expect(client.state).toBe("ESTABLISHED");
    expect(server.state).toBe("ESTABLISHED");
    expect(tcpEvents(env.events, "keepalive").map((e) => e.detail)).toEqual(["probe 1", "probe 1", "probe 1"]);
  });
});
