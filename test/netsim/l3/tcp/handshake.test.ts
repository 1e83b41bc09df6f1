// The three-way handshake on the wire, as Linux 2.6.32 sends it, a reset from a closed port, and a
// SYN that nobody answers.
//
//   client 10.0.0.1 eth0 ──── cable ──── eth0 10.0.0.2 server
import { describe, expect, it } from "vitest";
import { JIFFY } from "../../../../netsim/l3/linux-params.ts";
import { TcpLayer, type TcpConnection, type TcpErrno } from "../../../../netsim/l3/tcp/index.ts";
import { flagText, ip, SECOND, sentSegments, tcpEvents, tcpPair } from "./helpers.ts";

const INITIAL_JIFFIES = 2 ** 32 - 300 * 250;

describe("TCP handshake", () => {
  it("SYN carries 2.6.32's options (mss, sackOK, TS, nop, wscale 7) and window 5840; SYN-ACK 5792; the ACK a scaled window", () => {
    const { sim, events, client, server } = tcpPair();
    const accepted: string[] = [];
    server.tcp.listen(22, (c) => accepted.push(c.state));
    let connected = false;
    sim.at(SECOND, () => {
      const c = client.tcp.connect(ip("10.0.0.2"), 22);
      if (typeof c === "string") throw new Error(c);
      c.onConnect(() => (connected = true));
    });
    sim.runUntil(2 * SECOND);
    const segs = sentSegments(events);
    expect(segs.map((s) => `${s.node} ${flagText(s.tcp)}`)).toEqual(["client S", "server S.", "client ."]);
    const [syn, synAck, ack] = segs as [(typeof segs)[0], (typeof segs)[0], (typeof segs)[0]];
    // SYN: window 4 × 1460, options in 2.6.32's order, TSval = jiffies (counting from INITIAL_JIFFIES), ecr 0.
    expect(syn.tcp.window).toBe(5840);
    expect(syn.tcp.srcPort).toBeGreaterThanOrEqual(32768);
    expect(syn.tcp.srcPort).toBeLessThanOrEqual(61000);
    expect(syn.tcp.options).toEqual([
      { kind: "mss", mss: 1460 },
      { kind: "sack-permitted" },
      { kind: "timestamps", tsVal: INITIAL_JIFFIES + SECOND / JIFFY, tsEcr: 0 },
      { kind: "nop" },
      { kind: "window-scale", shift: 7 },
    ]);
    expect(syn.ip).toMatchObject({ ttl: 64, tos: 0, dontFragment: true });
    // SYN-ACK: acknowledges the ISN, 4 × 1448 (MSS less the timestamp option), IP id 0 from the listener.
    expect(synAck.tcp.ack).toBe((syn.tcp.seq + 1) >>> 0);
    expect(synAck.tcp.window).toBe(5792);
    expect(synAck.ip.ident).toBe(0);
    expect(synAck.line).toMatch(/options \[mss 1460,sackOK,TS val \d+ ecr \d+,nop,wscale 7\], length 0$/);
    expect(synAck.tcp.options[2]).toMatchObject({ kind: "timestamps", tsEcr: INITIAL_JIFFIES + SECOND / JIFFY });
    // ACK: 5840 >> 7 rounded up = 46; timestamps on every segment from now on.
    expect(ack.tcp.ack).toBe((synAck.tcp.seq + 1) >>> 0);
    expect(ack.tcp.window).toBe(46);
    expect(ack.line).toMatch(/options \[nop,nop,TS val \d+ ecr \d+\], length 0$/);
    expect(connected).toBe(true);
    expect(accepted).toEqual(["ESTABLISHED"]);
    expect(tcpEvents(events, "state").map((e) => `${e.node} ${e.state}`)).toEqual([
      "client SYN_SENT",
      "server SYN_RECEIVED",
      "client ESTABLISHED",
      "server ESTABLISHED",
    ]);
  });

  it("offers only what the peer offered: without timestamps or window scaling on the server", () => {
    const { sim, events, client, server } = tcpPair();
    // Rebuild the server's TCP with other sysctls (tcp_timestamps=0, tcp_window_scaling=0).
    server.stack.registerProtocol(6, null);
    const plain = new TcpLayer(server.stack, { timestamps: false, windowScaling: false });
    let peer: TcpConnection | undefined;
    plain.listen(80, (c) => (peer = c));
    sim.at(SECOND, () => {
      const c = client.tcp.connect(ip("10.0.0.2"), 80);
      if (typeof c === "string") throw new Error(c);
      c.onConnect(() => c.send(new Uint8Array(2000)));
    });
    sim.runUntil(2 * SECOND);
    const segs = sentSegments(events);
    expect(segs[1]!.line).toMatch(/Flags \[S\.\], .* win 5840, options \[mss 1460,nop,nop,sackOK\], length 0$/);
    // The client's ACK: no scaling, so the window is 5840 itself; no timestamps; full 1460-byte segments.
    expect(segs[2]!.tcp.window).toBe(5840);
    expect(segs[2]!.tcp.options).toEqual([]);
    expect(segs.filter((s) => s.node === "client" && s.tcp.payload.length > 0).map((s) => s.tcp.payload.length)).toEqual([1460, 540]);
    expect(peer?.state).toBe("ESTABLISHED");
  });

  it("a SYN to a closed port gets RST|ACK acknowledging it; connect fails with ECONNREFUSED", () => {
    const { sim, events, client } = tcpPair();
    const errors: (TcpErrno | null)[] = [];
    sim.at(SECOND, () => {
      const c = client.tcp.connect(ip("10.0.0.2"), 23);
      if (typeof c === "string") throw new Error(c);
      c.onClose((e) => errors.push(e));
    });
    sim.runUntil(2 * SECOND);
    const [syn, rst] = sentSegments(events);
    expect(flagText(rst!.tcp)).toBe("R.");
    expect(rst!.tcp).toMatchObject({ seq: 0, ack: (syn!.tcp.seq + 1) >>> 0, window: 0, options: [] });
    expect(rst!.ip).toMatchObject({ ident: 0, dontFragment: true, ttl: 64 });
    expect(errors).toEqual(["ECONNREFUSED"]);
    expect(client.tcp.sockets()).toEqual([]);
  });

  it("an ACK to a closed port gets a bare RST at its acknowledgment number", () => {
    const { sim, events, client, server } = tcpPair();
    server.tcp.listen(22, () => {});
    let conn: TcpConnection | undefined;
    sim.at(SECOND, () => {
      const c = client.tcp.connect(ip("10.0.0.2"), 22);
      if (typeof c === "string") throw new Error(c);
      conn = c;
    });
    sim.runUntil(2 * SECOND);
    // The server forgets everything (a reboot); the client's next data draws a reset.
    server.stack.registerProtocol(6, null);
    new TcpLayer(server.stack);
    const errors: (TcpErrno | null)[] = [];
    conn!.onClose((e) => errors.push(e));
    sim.at(3 * SECOND, () => conn!.send(new Uint8Array([1, 2, 3])));
    sim.runUntil(4 * SECOND);
    const after = sentSegments(events).filter((s) => s.time >= 3 * SECOND);
    expect(after.map((s) => `${s.node} ${flagText(s.tcp)}`)).toEqual(["client P.", "server R"]);
    expect(after[1]!.tcp.seq).toBe(after[0]!.tcp.ack);
    expect(errors).toEqual(["ECONNRESET"]);
  });

  it("an unanswered SYN is resent after 3 s and 6 s more; 2.6.32 gives up 21 s after the first (ETIMEDOUT)", () => {
    const { sim, events, client } = tcpPair({ cable: { loss: 1 } });
    // A static ARP entry, so that only TCP is left unanswered (no ARP failure, no ICMP).
    client.stack.setNeighbour("eth0", ip("10.0.0.2"), 0x02_00_00_00_00_20, "permanent");
    const closed: { at: number; error: TcpErrno | null }[] = [];
    sim.at(SECOND, () => {
      const c = client.tcp.connect(ip("10.0.0.2"), 22);
      if (typeof c === "string") throw new Error(c);
      c.onClose((error) => closed.push({ at: sim.now, error }));
    });
    sim.runUntil(300 * SECOND);
    const syns = sentSegments(events, "client").map((s) => s.time - SECOND);
    expect(syns).toEqual([0, 3 * SECOND, 9 * SECOND]);
    expect(closed).toEqual([{ at: 22 * SECOND, error: "ETIMEDOUT" }]);
    expect(tcpEvents(events, "retransmit").map((e) => e.detail)).toEqual(["seq 0 len 1 rto 3000ms", "seq 0 len 1 rto 6000ms"]);
  });

  it("with the later syn_set rule (tcp_syn_retries counted from the 3 s RTO): SYNs at 0, 3, 9, 21, 45, 93 s, ETIMEDOUT at 189 s", () => {
    const { sim, events, client } = tcpPair({ cable: { loss: 1 }, params: { synTimeoutFromInitialRto: true } });
    client.stack.setNeighbour("eth0", ip("10.0.0.2"), 0x02_00_00_00_00_20, "permanent");
    const closed: { at: number; error: TcpErrno | null }[] = [];
    sim.at(SECOND, () => {
      const c = client.tcp.connect(ip("10.0.0.2"), 22);
      if (typeof c === "string") throw new Error(c);
      c.onClose((error) => closed.push({ at: sim.now, error }));
    });
    sim.runUntil(300 * SECOND);
    expect(sentSegments(events, "client").map((s) => (s.time - SECOND) / SECOND)).toEqual([0, 3, 9, 21, 45, 93]);
    expect(closed).toEqual([{ at: 190 * SECOND, error: "ETIMEDOUT" }]);
  });

  it("a SYN-ACK nobody acknowledges is resent at 3, 9, 21, 45 and 93 s; the half-open connection is dropped at 189 s", () => {
    const { sim, events, client, server } = tcpPair();
    server.tcp.listen(22, () => {});
    // The client goes deaf after its first SYN: a firewall drops every TCP packet but that one.
    let sent = 0;
    client.stack.hooks = {
      run: (hook, packet) => {
        const tcp = packet[9] === 6;
        if (tcp && hook === "INPUT") return { action: "drop", reason: "test" };
        if (tcp && hook === "OUTPUT" && sent++ > 0) return { action: "drop", reason: "test" };
        return { action: "accept", packet };
      },
    };
    sim.at(SECOND, () => client.tcp.connect(ip("10.0.0.2"), 22));
    sim.runUntil(400 * SECOND);
    const synAcks = sentSegments(events, "server").filter((s) => flagText(s.tcp) === "S.");
    const first = synAcks[0]!.time;
    expect(synAcks.map((s) => Math.round((s.time - first) / SECOND))).toEqual([0, 3, 9, 21, 45, 93]);
    expect(server.tcp.sockets().map((s) => s.state)).toEqual(["LISTEN"]);
    const gone = tcpEvents(events, "state").find((e) => e.node === "server" && e.state === "CLOSED");
    expect(Math.round((gone!.time - first) / SECOND)).toBe(189);
  });

  it("simultaneous open: crossing SYNs meet in SYN_RECEIVED and both reach ESTABLISHED", () => {
    const { sim, events, client, server } = tcpPair();
    const states: string[] = [];
    sim.at(SECOND, () => {
      const a = client.tcp.connect(ip("10.0.0.2"), 5000, { srcPort: 6000 });
      const b = server.tcp.connect(ip("10.0.0.1"), 6000, { srcPort: 5000 });
      if (typeof a === "string" || typeof b === "string") throw new Error("connect");
      a.onConnect(() => states.push("client connected"));
      b.onConnect(() => states.push("server connected"));
    });
    sim.runUntil(5 * SECOND);
    for (const node of ["client", "server"]) {
      expect(tcpEvents(events, "state").filter((e) => e.node === node).map((e) => e.state)).toEqual(["SYN_SENT", "SYN_RECEIVED", "ESTABLISHED"]);
    }
    // Each side: its SYN, then a SYN-ACK for the other's SYN, then an ACK for the other's SYN-ACK.
    for (const node of ["client", "server"]) expect(sentSegments(events, node).map((s) => flagText(s.tcp))).toEqual(["S", "S.", "."]);
    expect(states.sort()).toEqual(["client connected", "server connected"]);
  });
});
