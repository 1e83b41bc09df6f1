// A TCP connection through dom0's MASQUERADE (dhcp-nat.md §6.5): conntrack keeps an established
// entry for 5 days of silence; once it has expired, the peer's next segment reaches dom0 itself,
// whose TCP answers with a reset — the connection is dead although both ends are alive.
//
//   guest 10.0.1.2 eth0 ── eth1 10.0.1.1  dom0  eth0 192.0.2.10 ── eth0 192.0.2.20 host
//                                (ip_forward, -t nat -A POSTROUTING -o eth0 -j MASQUERADE)
import { describe, expect, it } from "vitest";
import { Netfilter } from "../../../../netsim/l3/netfilter/index.ts";
import type { TcpConnection, TcpErrno } from "../../../../netsim/l3/tcp/index.ts";
import { flagText, host, ip, pattern, recordTrace, SECOND, sentSegments, Sim, tcpEvents, wire, withTcp } from "./helpers.ts";

function natWorld() {
  const sim = new Sim(3);
  const events = recordTrace(sim);
  const guest = withTcp(host(sim, "guest", { eth0: "10.0.1.2/24" }, 0x10));
  const dom0 = withTcp(host(sim, "dom0", { eth1: "10.0.1.1/24", eth0: "192.0.2.10/24" }, 0x20));
  const peer = withTcp(host(sim, "host", { eth0: "192.0.2.20/24" }, 0x30));
  wire(guest, "eth0", dom0, "eth1");
  wire(dom0, "eth0", peer, "eth0");
  guest.stack.addRoute({ dst: 0, prefix: 0, gateway: ip("10.0.1.1") });
  dom0.stack.ipForward = true;
  const nf = new Netfilter({ sim, view: dom0.stack });
  dom0.stack.hooks = nf;
  const r = nf.iptables(["-t", "nat", "-A", "POSTROUTING", "-o", "eth0", "-j", "MASQUERADE"]);
  if (r.exitCode !== 0) throw new Error(r.stderr);
  return { sim, events, guest, dom0, peer, nf };
}

describe("TCP through NAT", () => {
  it("after 5 idle days the conntrack entry is gone; the host's next segment draws dom0's reset (ECONNRESET)", () => {
    const { sim, events, guest, peer, nf } = natWorld();
    let server: TcpConnection | undefined;
    peer.tcp.listen(22, (c) => (server = c));
    const client = guest.tcp.connect(ip("192.0.2.20"), 22) as TcpConnection;
    sim.runUntil(2 * SECOND);
    expect(server?.state).toBe("ESTABLISHED");
    // The host sees dom0's address and, as no other connection uses it, the guest's own port.
    expect(server!.remoteAddr).toBe(ip("192.0.2.10"));
    expect(server!.remotePort).toBe(client.localPort);
    const [entry] = nf.connections();
    expect(entry!.assured).toBe(true);
    expect(entry!.secondsLeft).toBeGreaterThan(431_990);
    // Five days and a minute of silence.
    sim.runUntil(432_062 * SECOND);
    expect(nf.connections()).toEqual([]);
    const errors: { who: string; error: TcpErrno | null }[] = [];
    server!.onClose((error) => errors.push({ who: "host", error }));
    client.onClose((error) => errors.push({ who: "guest", error }));
    sim.at(432_063 * SECOND, () => server!.send(pattern(20)));
    sim.runUntil(432_064 * SECOND);
    const late = sentSegments(events).filter((s) => s.time >= 432_063 * SECOND);
    expect(late.map((s) => `${s.node} ${flagText(s.tcp)}`)).toEqual(["host P.", "dom0 R"]);
    expect(errors).toEqual([{ who: "host", error: "ECONNRESET" }]);
    // The guest still believes in its connection; its next segment is answered with a reset too.
    sim.at(432_070 * SECOND, () => client.send(pattern(5)));
    sim.runUntil(432_080 * SECOND);
    expect(errors.at(-1)).toEqual({ who: "guest", error: "ECONNRESET" });
    expect(tcpEvents(events, "reset").filter((e) => e.node === "guest").map((e) => e.detail)).toEqual(["received"]);
  });
});
