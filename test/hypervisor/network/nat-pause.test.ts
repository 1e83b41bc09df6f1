// `xm pause` long enough that a TCP connection through dom0's NAT dies (dhcp-nat.md §6.5). The
// guest (10.0.1.1, NAT model) holds a connection to www:80. While it is paused, www sends data:
// dom0 still de-NATs it, but netback drops it (guest-paused) and the guest's ARP entry on vif1.0
// fails, so www retransmits, backs off to 120 s and gives up after tcp_retries2; dom0's conntrack
// entry, kept at 300 s while data is unacknowledged, then expires. When the guest runs again and
// writes, its segment is tracked anew (nf_conntrack_tcp_loose) and masqueraded to the same port,
// www has no socket for it and answers with a reset, and the guest's connection dies with
// ECONNRESET. A short pause, by contrast, is survived: the retransmission gets through.
import { describe, expect, it } from "vitest";
import { formatTraceEvent, type TraceEvent } from "../../../netsim/engine/index.ts";
import { TcpLayer, type TcpConnection } from "../../../netsim/l3/tcp/index.ts";
import { runXm } from "../../../hypervisor/index.ts";
import { createGuest, machine, Recorder, STATIC_ETH0, xendConfig } from "./helpers.ts";

const SECOND = 1_000_000;

function connected() {
  const m = machine({ "/etc/network/interfaces": STATIC_ETH0, "/etc/xen/xend-config.sxp": xendConfig("network-nat", "vif-nat") });
  m.boot();
  createGuest(m, ["--ip=10.0.1.1", "--netmask=255.255.0.0", "--gateway=10.0.1.128"]);
  m.sim.runFor(30 * SECOND);
  let server: TcpConnection | null = null;
  new TcpLayer(m.stackOf("www")!).listen(80, (c) => (server = c));
  const client = m.guests.of("testxen")!.tcp.connect(m.resolve("www")!, 80);
  if (typeof client === "string") throw new Error(client);
  let received = "";
  let closed: string | null = "open";
  client.onData((b) => (received += new TextDecoder().decode(b)));
  client.onClose((e) => (closed = e));
  m.sim.runFor(2 * SECOND);
  expect(client.state).toBe("ESTABLISHED");
  const rec = new Recorder(m, (e) => e.kind === "tcp" || e.kind === "conntrack" || e.kind === "nat" || (e.kind === "drop" && e.reason === "guest-paused"));
  return { m, client, server: server! as TcpConnection, rec, received: () => received, closed: () => closed };
}

const first = (events: readonly TraceEvent[], p: (e: TraceEvent) => boolean): TraceEvent => {
  const e = events.find(p);
  if (e === undefined) throw new Error("no such event");
  return e;
};

describe("pausing a guest behind NAT", () => {
  it("kills its TCP connection when the pause outlasts the peer's retransmissions", () => {
    const { m, client, server, rec, received, closed } = connected();
    const tuple = `tcp 10.0.1.1:${client.localPort} > 203.0.113.80:80`;
    expect(runXm(m.toolstack, ["pause", "testxen"]).status).toBe(0);
    const pausedAt = m.sim.now;
    server.send(new TextEncoder().encode("hello while you sleep\n"));
    m.sim.runFor(30 * 60 * SECOND);
    expect(runXm(m.toolstack, ["unpause", "testxen"]).status).toBe(0);
    const unpausedAt = m.sim.now;
    m.sim.runFor(SECOND);
    expect(client.send(new TextEncoder().encode("are you still there?\n"))).toBeUndefined();
    m.sim.runFor(5 * SECOND);

    const ev = rec.events;
    const wwwConn = (e: TraceEvent) => e.kind === "tcp" && e.node === "www";
    expect(ev.filter((e) => wwwConn(e) && e.kind === "tcp" && e.event === "retransmit").length).toBe(15);
    expect(ev.some((e) => e.kind === "drop" && e.node === "dom0" && e.dev === "vif1.0" && e.reason === "guest-paused")).toBe(true);
    const gaveUp = first(ev, (e) => wwwConn(e) && e.kind === "tcp" && e.event === "timeout");
    const expired = first(ev, (e) => e.kind === "conntrack" && e.node === "dom0" && e.event === "destroy" && e.reason === "timeout");
    const renat = first(ev, (e) => e.kind === "nat" && e.node === "dom0");
    const reset = first(ev, (e) => e.kind === "tcp" && e.node === "www" && e.event === "reset");
    const killed = first(ev, (e) => e.kind === "tcp" && e.node === "testxen" && e.event === "reset");
    expect(pausedAt < gaveUp.time && gaveUp.time < expired.time && expired.time < unpausedAt && unpausedAt < renat.time).toBe(true);
    expect(renat.time < reset.time && reset.time < killed.time).toBe(true);
    // The story, as `xennet trace` prints it.
    expect(formatTraceEvent(expired)).toContain(`conntrack event=destroy reason=timeout tuple=${tuple} / tcp 203.0.113.80:80 > 192.168.1.10:${client.localPort}`);
    expect(formatTraceEvent(renat)).toContain(`nat after=tcp 192.168.1.10:${client.localPort} > 203.0.113.80:80 before=${tuple} manip=src`);
    expect(formatTraceEvent(reset)).toContain("detail=sent for a segment no socket takes event=reset");
    expect(formatTraceEvent(killed)).toContain(`testxen - tcp conn=10.0.1.1:${client.localPort}>203.0.113.80:80 detail=received event=reset`);
    expect(received()).toBe("");
    expect(closed()).toBe("ECONNRESET");
    expect(m.dom0!.netfilter.connections().filter((c) => c.original.sport === client.localPort)).toEqual([]);
  });

  it("keeps it when the pause is short: www's retransmission is delivered after unpause", () => {
    const { m, server, rec, received, closed } = connected();
    runXm(m.toolstack, ["pause", "testxen"]);
    server.send(new TextEncoder().encode("hello while you sleep\n"));
    m.sim.runFor(20 * SECOND);
    runXm(m.toolstack, ["unpause", "testxen"]);
    m.sim.runFor(30 * SECOND);
    expect(received()).toBe("hello while you sleep\n");
    expect(closed()).toBe("open");
    expect(rec.events.some((e) => e.kind === "drop" && e.reason === "guest-paused")).toBe(true);
    expect(rec.events.some((e) => e.kind === "conntrack" && e.node === "dom0" && e.event === "destroy")).toBe(false);
  });
});
