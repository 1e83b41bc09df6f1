// ping and traceroute on a chain of routers, compared with the text Debian's tools print:
//
//   h1 10.0.1.10 ── eth0 10.0.1.1 [r1] eth1 10.0.2.1 ── eth0 10.0.2.2 [r2] eth1 10.0.3.1 ── 10.0.3.30 h2
//
// Cables have 100 µs of propagation delay each way, so every hop adds a visible 0.2 ms.
import { describe, expect, it } from "vitest";
import { Ping } from "../../../netsim/apps/ping.ts";
import { Traceroute } from "../../../netsim/apps/traceroute.ts";
import { UdpEchoClient, UdpEchoServer } from "../../../netsim/apps/udp-echo.ts";
import { Netfilter } from "../../../netsim/l3/netfilter/index.ts";
import { ip, routerChain, Sim, SECOND } from "./helpers.ts";

const chain = () => routerChain(100);

/** Runs a ping to completion and returns its output. */
function runPing(sim: Sim, p: Ping, at = SECOND): string {
  sim.at(at, () => p.start());
  sim.runUntil(at + 60 * SECOND);
  return p.text();
}

describe("ping (iputils s20101006)", () => {
  it("three replies and the statistics block (the first waits for three ARP resolutions)", () => {
    const { sim, h1 } = chain();
    const p = new Ping(h1.stack, { dst: ip("10.0.3.30"), count: 3 });
    expect(runPing(sim, p)).toBe(
      [
        "PING 10.0.3.30 (10.0.3.30) 56(84) bytes of data.",
        "64 bytes from 10.0.3.30: icmp_req=1 ttl=62 time=12.6 ms",
        "64 bytes from 10.0.3.30: icmp_req=2 ttl=62 time=0.606 ms",
        "64 bytes from 10.0.3.30: icmp_req=3 ttl=62 time=0.606 ms",
        "",
        "--- 10.0.3.30 ping statistics ---",
        "3 packets transmitted, 3 received, 0% packet loss, time 2000ms",
        "rtt min/avg/max/mdev = 0.606/4.606/12.606/5.656 ms",
        "",
      ].join("\n"),
    );
    expect(p.exitCode).toBe(0);
  });

  it("`icmp_seq` instead of Squeeze's `icmp_req`, and -I shows the source", () => {
    const { sim, h1 } = chain();
    const p = new Ping(h1.stack, { dst: ip("10.0.1.1"), count: 1, seqLabel: "icmp_seq", dev: "eth0" });
    const out = runPing(sim, p).split("\n");
    expect(out[0]).toBe("PING 10.0.1.1 (10.0.1.1) from 10.0.1.10 eth0: 56(84) bytes of data.");
    expect(out[1]).toMatch(/^64 bytes from 10\.0\.1\.1: icmp_seq=1 ttl=64 time=\d\.\d+ ms$/);
  });

  it("a silent neighbour: Destination Host Unreachable from ourselves, errors and pipe in the statistics", () => {
    const { sim, h1 } = chain();
    const p = new Ping(h1.stack, { dst: ip("10.0.1.99"), count: 4 });
    const out = runPing(sim, p);
    expect(out).toMatch(/^PING 10\.0\.1\.99 \(10\.0\.1\.99\) 56\(84\) bytes of data\.\n/);
    const lines = out.split("\n");
    const errors = lines.filter((l) => l.startsWith("From "));
    expect(errors.length).toBeGreaterThanOrEqual(3);
    for (const l of errors) expect(l).toMatch(/^From 10\.0\.1\.10 icmp_seq=\d Destination Host Unreachable$/);
    const stats = lines[lines.indexOf("--- 10.0.1.99 ping statistics ---") + 1]!;
    // `time` runs to the last request sent (iputils' cur_time), not to the last error 3 s later;
    // without an rtt line, `pipe` stands alone (finish()'s `comma` is still "").
    expect(stats).toBe(`4 packets transmitted, 0 received, +${errors.length} errors, 100% packet loss, time 3000ms`);
    expect(lines.at(-2)).toMatch(/^pipe \d$/);
    expect(p.exitCode).toBe(1);
  });

  it("no route at a router: Destination Net Unreachable from it", () => {
    const { sim, h1 } = chain();
    const p = new Ping(h1.stack, { dst: ip("192.0.2.1"), count: 1 });
    const lines = runPing(sim, p).split("\n");
    expect(lines[1]).toBe("From 10.0.1.1 icmp_seq=1 Destination Net Unreachable");
    expect(lines[4]).toMatch(/^1 packets transmitted, 0 received, \+1 errors, 100% packet loss, time \d+ms$/);
    expect(lines[5]).toBe(""); // the empty line after the summary: no rtt, no pipe
  });

  it("no route at all: `connect: Network is unreachable`, exit status 2", () => {
    const { sim, h2 } = chain();
    h2.stack.deleteRoute({ dst: 0, prefix: 0 });
    const p = new Ping(h2.stack, { dst: ip("192.0.2.1"), count: 1 });
    expect(runPing(sim, p)).toBe("connect: Network is unreachable\n");
    expect(p.exitCode).toBe(2);
  });
});

/** Warms the ARP caches along the path (traceroute's 16 probes at once would overflow unres_qlen 3). */
function warm(sim: Sim, h1: ReturnType<typeof chain>["h1"]): void {
  const p = new Ping(h1.stack, { dst: ip("10.0.3.30"), count: 1 });
  sim.at(SECOND, () => p.start());
  sim.runUntil(3 * SECOND);
}

describe("traceroute 2.0", () => {
  it("UDP probes: two routers, then the destination's port unreachable", () => {
    const { sim, h1 } = chain();
    warm(sim, h1);
    const t = new Traceroute(h1.stack, { dst: ip("10.0.3.30") });
    sim.at(4 * SECOND, () => t.start());
    sim.runUntil(30 * SECOND);
    expect(t.text()).toBe(
      [
        "traceroute to 10.0.3.30 (10.0.3.30), 30 hops max, 60 byte packets",
        " 1  10.0.1.1 (10.0.1.1)  0.203 ms  0.204 ms  0.205 ms",
        " 2  10.0.2.2 (10.0.2.2)  0.409 ms  0.410 ms  0.411 ms",
        " 3  10.0.3.30 (10.0.3.30)  0.615 ms  0.616 ms  0.617 ms",
        "",
      ].join("\n"),
    );
  });

  it("-I -n: ICMP echo probes, addresses only", () => {
    const { sim, h1 } = chain();
    warm(sim, h1);
    const t = new Traceroute(h1.stack, { dst: ip("10.0.3.30"), icmp: true, numeric: true });
    sim.at(4 * SECOND, () => t.start());
    sim.runUntil(30 * SECOND);
    const lines = t.text().split("\n");
    expect(lines[1]).toMatch(/^ 1  10\.0\.1\.1  [\d.]+ ms  [\d.]+ ms  [\d.]+ ms$/);
    expect(lines[3]).toMatch(/^ 3  10\.0\.3\.30  [\d.]+ ms  [\d.]+ ms  [\d.]+ ms$/);
    expect(lines.length).toBe(5);
  });

  it("a router that sends no ICMP prints `* * *` after 5 s per probe; the trace goes on", () => {
    const { sim, h1, r2 } = chain();
    const nf = new Netfilter({ sim, view: r2.stack });
    r2.stack.hooks = nf;
    expect(nf.iptables(["-A", "OUTPUT", "-p", "icmp", "-j", "DROP"]).exitCode).toBe(0);
    warm(sim, h1);
    const t = new Traceroute(h1.stack, { dst: ip("10.0.3.30") });
    let doneAt = 0;
    sim.at(4 * SECOND, () => t.start(() => (doneAt = sim.now)));
    sim.runUntil(30 * SECOND);
    const lines = t.text().split("\n");
    expect(lines[2]).toBe(" 2  * * *");
    expect(lines[3]).toMatch(/^ 3  10\.0\.3\.30 \(10\.0\.3\.30\)  [\d.]+ ms/);
    expect(doneAt - 4 * SECOND).toBe(5 * SECOND);
  });

  it("a destination net nobody routes: !N from the first router", () => {
    const { sim, h1 } = chain();
    warm(sim, h1);
    const t = new Traceroute(h1.stack, { dst: ip("192.0.2.1"), numeric: true });
    sim.at(4 * SECOND, () => t.start());
    sim.runUntil(30 * SECOND);
    expect(t.text().split("\n")[1]).toMatch(/^ 1  10\.0\.1\.1  [\d.]+ ms !N  [\d.]+ ms !N  [\d.]+ ms !N$/);
  });
});

describe("UDP echo", () => {
  it("echoes through two routers; the server sees the client's address and port", () => {
    const { sim, h1, h2 } = chain();
    const server = new UdpEchoServer(h2.stack);
    const client = new UdpEchoClient(h1.stack, ip("10.0.3.30"), 7, { srcPort: 5000 });
    client.send(3, SECOND, SECOND);
    sim.runUntil(10 * SECOND);
    expect(client.results.map((r) => r.repliedAt !== undefined)).toEqual([true, true, true]);
    expect(server.seen.map((s) => [s.src, s.srcPort])).toEqual([[ip("10.0.1.10"), 5000], [ip("10.0.1.10"), 5000], [ip("10.0.1.10"), 5000]]);
  });
});
