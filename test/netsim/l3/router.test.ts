// A Linux router between two subnets: TTL decrement, time exceeded, net unreachable, host
// unreachable for forwarded packets, ip_forward=0, ICMP error rate limiting and redirects.
//
//   h1 10.0.1.10 ── eth0 10.0.1.1 [r] eth1 10.0.2.1 ── 10.0.2.20 h2
import { describe, expect, it } from "vitest";
import { formatTraceEvent } from "../../../netsim/engine/trace-format.ts";
import { Hub } from "../../../netsim/l2/index.ts";
import { decodeFrame } from "../../../netsim/wire/decode.ts";
import { host, ip, ofKind, ping, recordTrace, Sim, SECOND, wire, type Host } from "./helpers.ts";

function routed(forward = true) {
  const sim = new Sim(1);
  const h1 = host(sim, "h1", { eth0: "10.0.1.10/24" }, 0x10);
  const r = host(sim, "r", { eth0: "10.0.1.1/24", eth1: "10.0.2.1/24" }, 0x30);
  const h2 = host(sim, "h2", { eth0: "10.0.2.20/24" }, 0x20);
  wire(h1, "eth0", r, "eth0");
  wire(r, "eth1", h2, "eth0");
  r.stack.ipForward = forward;
  expect(h1.stack.addRoute({ dst: 0, prefix: 0, gateway: ip("10.0.1.1") })).toBeUndefined();
  expect(h2.stack.addRoute({ dst: 0, prefix: 0, gateway: ip("10.0.2.1") })).toBeUndefined();
  return { sim, h1, r, h2 };
}

describe("router between two subnets", () => {
  it("forwards with TTL 64 → 63 each way", () => {
    const { sim, h1 } = routed();
    const events = recordTrace(sim);
    const results = ping(h1.stack, ip("10.0.2.20"), { count: 2, start: SECOND });
    sim.runUntil(4 * SECOND);
    expect(results.map((x) => x.ttl)).toEqual([63, 63]);
    const atH2 = ofKind(events, "rx").filter((e) => e.node === "h2").flatMap((e) => {
      const d = decodeFrame(e.frame);
      return d.ok && d.value.icmp ? [d.value.ipv4!.ttl] : [];
    });
    expect(atH2).toEqual([63, 63]);
    expect(ofKind(events, "route").filter((e) => e.node === "r")[0]).toMatchObject({ result: "forward", dev: "eth1", dst: ip("10.0.2.20") });
  });

  it("TTL 1: time exceeded from the address facing the sender, quoting the packet as received", () => {
    const { sim, h1 } = routed();
    const events = recordTrace(sim);
    const results = ping(h1.stack, ip("10.0.2.20"), { count: 1, start: SECOND, ttl: 1 });
    sim.runUntil(3 * SECOND);
    expect(results[0]?.error).toEqual({ from: "10.0.1.1", type: 11, code: 0 });
    expect(ofKind(events, "ip-drop").find((e) => e.node === "r")).toMatchObject({ reason: "ttl-exceeded", dev: "eth0" });
    const err = ofKind(events, "tx").filter((e) => e.node === "r").map((e) => decodeFrame(e.frame)).find((d) => d.ok && d.value.icmp?.kind === "time-exceeded");
    if (!err?.ok || err.value.icmp?.kind !== "time-exceeded") throw new Error("no time exceeded");
    expect(err.value.ipv4?.tos).toBe(0xc0);
    expect(err.value.icmp.quoted[8]).toBe(1); // quoted TTL, not yet decremented
    expect(err.value.icmp.quoted.length).toBe(84); // the whole 84-byte packet fits in 576
  });

  it("no route: ICMP net unreachable", () => {
    const { sim, h1 } = routed();
    const results = ping(h1.stack, ip("192.0.2.1"), { count: 1, start: SECOND });
    sim.runUntil(3 * SECOND);
    expect(results[0]?.error).toEqual({ from: "10.0.1.1", type: 3, code: 0 });
  });

  it("ip_forward = 0: the packet is dropped without any ICMP error", () => {
    const { sim, h1 } = routed(false);
    const events = recordTrace(sim);
    const results = ping(h1.stack, ip("10.0.2.20"), { count: 1, start: SECOND });
    sim.runUntil(5 * SECOND);
    expect(results[0]).toEqual({ seq: 1, sentAt: SECOND });
    expect(ofKind(events, "ip-drop").filter((e) => e.node === "r").map((e) => e.reason)).toEqual(["no-forward"]);
    expect(ofKind(events, "icmp").filter((e) => e.node === "r")).toEqual([]);
  });

  it("a forwarded packet whose next hop does not answer ARP: host unreachable from the router after 3 s", () => {
    const { sim, h1 } = routed();
    const events = recordTrace(sim);
    const results = ping(h1.stack, ip("10.0.2.99"), { count: 1, start: SECOND });
    sim.runUntil(6 * SECOND);
    expect(results[0]?.error).toEqual({ from: "10.0.1.1", type: 3, code: 1 });
    const icmp = ofKind(events, "icmp").find((e) => e.node === "r");
    expect(icmp).toMatchObject({ type: 3, code: 1, src: ip("10.0.1.1"), dst: ip("10.0.1.10") });
    expect(icmp!.time).toBeGreaterThan(4 * SECOND);
  });

  it("rate-limits errors: a burst of 6, then one per second (icmp_ratelimit)", () => {
    const { sim, h1 } = routed();
    const events = recordTrace(sim);
    ping(h1.stack, ip("10.0.2.20"), { count: 20, start: SECOND, interval: SECOND / 10, ttl: 1 });
    sim.runUntil(4 * SECOND);
    const sent = ofKind(events, "icmp").filter((e) => e.node === "r" && e.limited !== true);
    const limited = ofKind(events, "icmp").filter((e) => e.node === "r" && e.limited === true);
    expect(sent.length).toBe(7); // 6 at once, then 1 more a second after the first
    expect(limited.length).toBe(13);
  });
});

describe("ICMP redirects (send_redirects=1, accept_redirects=1 on hosts)", () => {
  function lanWithTwoRouters() {
    const sim = new Sim(1);
    const hub = new Hub(sim, "lan");
    const h1 = host(sim, "h1", { eth0: "10.0.1.10/24" }, 0x10);
    const r = host(sim, "r", { eth0: "10.0.1.1/24" }, 0x30);
    const r2 = host(sim, "r2", { eth0: "10.0.1.2/24", eth1: "10.9.0.5/16" }, 0x40);
    for (const [h, dev] of [[h1, "eth0"], [r, "eth0"], [r2, "eth0"]] as [Host, string][]) hub.connect(h.nics.get(dev)!);
    r.stack.ipForward = true;
    r2.stack.ipForward = true;
    expect(r.stack.addRoute({ dst: ip("10.9.0.0"), prefix: 16, gateway: ip("10.0.1.2") })).toBeUndefined();
    expect(h1.stack.addRoute({ dst: 0, prefix: 0, gateway: ip("10.0.1.1") })).toBeUndefined();
    return { sim, h1, r, r2 };
  }

  it("a router forwarding back out of the interface it came in on tells the sender of the better gateway", () => {
    const { sim, h1 } = lanWithTwoRouters();
    const events = recordTrace(sim);
    const results = ping(h1.stack, ip("10.9.0.5"), { count: 3, start: SECOND });
    sim.runUntil(5 * SECOND);
    expect(results.map((x) => x.repliedAt !== undefined)).toEqual([true, true, true]);
    const redirects = ofKind(events, "icmp").filter((e) => e.node === "r" && e.type === 5);
    expect(redirects.map((e) => [e.code, e.dst])).toEqual([
      [1, ip("10.0.1.10")],
      [1, ip("10.0.1.10")],
    ]);
    // The first redirect only starts resolving 10.0.1.2; the second is accepted; the third ping goes direct.
    const h1Routes = ofKind(events, "route").filter((e) => e.node === "h1" && e.dst === ip("10.9.0.5"));
    expect(h1Routes.map((e) => e.via)).toEqual([ip("10.0.1.1"), ip("10.0.1.1"), ip("10.0.1.2")]);
    expect(h1.stack.routeGet(ip("10.9.0.5"))).toMatchObject({ gateway: ip("10.0.1.2"), dev: "eth0" });
  });
});

describe("determinism", () => {
  it("the same seed gives the same trace, event for event; the network goes quiet (no perpetual timers)", () => {
    const run = () => {
      const { sim, h1, h2 } = routed();
      const lines: string[] = [];
      sim.trace.subscribe((e) => lines.push(formatTraceEvent(e)));
      ping(h1.stack, ip("10.0.2.20"), { count: 3, start: SECOND });
      ping(h2.stack, ip("10.0.1.77"), { count: 2, start: SECOND });
      h1.stack.openUdp().send(new Uint8Array(10), { dst: ip("10.0.2.20"), port: 9 });
      expect(sim.runUntilIdle(1_000_000)).toBe(true);
      return lines;
    };
    const a = run();
    expect(a.length).toBeGreaterThan(50);
    expect(run()).toEqual(a);
  });
});
