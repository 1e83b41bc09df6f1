// Proxy ARP in Xen's routed model (network-route + vif-route): dom0 forwards, answers ARP on the
// LAN for its guests with its own MAC, and answers the guest's ARP for the LAN on the vif with the
// vif's MAC. The vif carries dom0's address as a /32; the guest is reached by a host route.
//
//   router r 192.0.2.1 ── eth0 192.0.2.10 [dom0] vif1.0 192.0.2.10/32 ── eth0 192.0.2.50 guest
//                         proxy_arp=1       ip_forward=1     proxy_arp=1
//                         route: 192.0.2.50 dev vif1.0 src 192.0.2.10
import { describe, expect, it } from "vitest";
import { Netback, Netfront, XEN_BACKEND_MAC, Veth } from "../../../netsim/l2/index.ts";
import { Ipv4Stack } from "../../../netsim/l3/ipv4-stack.ts";
import { host, ip, mac, ofKind, ping, recordTrace, Sim, SECOND, wire } from "./helpers.ts";

function routedXen(seed = 1, options: { uplinkProxy?: boolean; viaVeth?: boolean } = {}) {
  const sim = new Sim(seed);
  const r = host(sim, "r", { eth0: "192.0.2.1/24" }, 0x01);
  const dom0 = host(sim, "dom0", { eth0: "192.0.2.10/24" }, 0x10);
  wire(r, "eth0", dom0, "eth0");
  const guest = new Ipv4Stack(sim, "guest");
  let vif;
  if (options.viaVeth === true) {
    const [v, g] = Veth.pair(sim, { node: "dom0", name: "vif1.0", mac: XEN_BACKEND_MAC }, { node: "guest", name: "eth0", mac: mac(0x50) });
    vif = v;
    guest.addDevice(g);
    g.setUp(true);
  } else {
    const front = new Netfront(sim, "guest", "eth0", mac(0x50));
    const back = new Netback(sim, "dom0", "vif1.0");
    guest.addDevice(front);
    front.setUp(true);
    back.connect(front);
    vif = back;
  }
  guest.addAddress("eth0", { address: ip("192.0.2.50"), prefix: 24, broadcast: "auto" });
  guest.addRoute({ dst: 0, prefix: 0, gateway: ip("192.0.2.1") });
  const d = dom0.stack;
  d.ipForward = true;
  if (options.uplinkProxy !== false) expect(d.writeSysctl("/proc/sys/net/ipv4/conf/eth0/proxy_arp", "1")).toBeUndefined();
  d.addDevice(vif);
  vif.setUp(true);
  expect(d.addAddress("vif1.0", { address: ip("192.0.2.10"), prefix: 32 })).toBeUndefined();
  expect(d.writeSysctl("net.ipv4.conf.vif1/0.proxy_arp", "1")).toBeUndefined();
  expect(d.addRoute({ dst: ip("192.0.2.50"), prefix: 32, dev: "vif1.0", src: ip("192.0.2.10") })).toBeUndefined();
  return { sim, r, dom0, guest };
}

describe("routed Xen dom0 with proxy ARP", () => {
  it("answers the LAN's ARP for the guest with dom0's MAC, after the proxy delay; pings cross with TTL 63", () => {
    const { sim, r, guest } = routedXen();
    const events = recordTrace(sim);
    const results = ping(r.stack, ip("192.0.2.50"), { count: 2, start: SECOND });
    sim.runUntil(5 * SECOND);
    expect(results.map((x) => x.ttl)).toEqual([63, 63]);
    expect(r.stack.neighbours()).toContainEqual({ dev: "eth0", ip: ip("192.0.2.50"), mac: mac(0x10), state: "REACHABLE" });
    expect(guest.neighbours()).toContainEqual({ dev: "eth0", ip: ip("192.0.2.1"), mac: XEN_BACKEND_MAC, state: "REACHABLE" });
    const proxied = ofKind(events, "arp").filter((e) => e.node === "dom0" && (e.op === "proxy-delay" || e.op === "proxy-reply"));
    expect(proxied.map((e) => `${e.dev} ${e.op}`)).toEqual(["eth0 proxy-delay", "eth0 proxy-reply", "vif1.0 proxy-delay", "vif1.0 proxy-reply"]);
    const delay = proxied[0]!.delay!;
    expect(delay % 4000).toBe(0);
    expect(delay).toBeLessThan(800_000);
    // The timer counts jiffies: the reply leaves on the tick `delay` after the request's tick.
    expect(proxied[1]!.time).toBe(Math.floor(proxied[0]!.time / 4000) * 4000 + delay);
  });

  it("draws the proxy delay from the seeded stream: same seed, same delay", () => {
    const delays = (seed: number) => {
      const { sim, r } = routedXen(seed);
      const events = recordTrace(sim);
      ping(r.stack, ip("192.0.2.50"), { count: 1, start: SECOND });
      sim.runUntil(3 * SECOND);
      return ofKind(events, "arp").filter((e) => e.op === "proxy-delay").map((e) => e.delay);
    };
    expect(delays(7)).toEqual(delays(7));
    const spread = new Set([1, 2, 3, 4, 5, 6].map((s) => delays(s)[0]));
    expect(spread.size).toBeGreaterThan(2);
  });

  it("dom0 asks the guest from 192.0.2.10 on the vif; the guest's reply goes via dom0 (TTL 63 at r)", () => {
    const { sim, r } = routedXen();
    const events = recordTrace(sim);
    ping(r.stack, ip("192.0.2.50"), { count: 1, start: SECOND });
    sim.runUntil(3 * SECOND);
    const onVif = ofKind(events, "arp").filter((e) => e.node === "dom0" && e.dev === "vif1.0" && e.op === "request");
    expect(onVif.map((e) => e.ip)).toEqual([ip("192.0.2.50")]);
    expect(ofKind(events, "route").filter((e) => e.node === "dom0").map((e) => `${e.result} ${e.dev}`)).toEqual(["forward vif1.0", "forward eth0"]);
  });

  it("a unicast ARP probe to dom0's MAC is answered at once, without the delay", () => {
    const { sim, r } = routedXen();
    const events = recordTrace(sim);
    ping(r.stack, ip("192.0.2.50"), { count: 60, start: SECOND });
    sim.runUntil(70 * SECOND);
    const probes = ofKind(events, "arp").filter((e) => e.node === "r" && e.op === "probe");
    expect(probes.length).toBeGreaterThan(0);
    const answer = ofKind(events, "arp").find((e) => e.node === "dom0" && e.dev === "eth0" && e.op === "proxy-reply" && e.time >= probes[0]!.time);
    expect(answer!.time - probes[0]!.time).toBeLessThan(10);
  });

  it("ip route get on dom0: the guest via vif1.0 from 192.0.2.10, the router via eth0", () => {
    const { dom0 } = routedXen();
    expect(dom0.stack.routeGet(ip("192.0.2.50"))).toEqual({
      type: "unicast",
      dst: ip("192.0.2.50"),
      dev: "vif1.0",
      src: ip("192.0.2.10"),
      route: { dst: ip("192.0.2.50"), prefix: 32, dev: "vif1.0", src: ip("192.0.2.10"), metric: 0, scope: "link", proto: "boot" },
    });
    expect(dom0.stack.routeGet(ip("192.0.2.1"))).toMatchObject({ type: "unicast", dst: ip("192.0.2.1"), dev: "eth0", src: ip("192.0.2.10"), route: { proto: "kernel" } });
    expect(dom0.stack.routeGet(ip("192.0.2.10"))).toEqual({ type: "local", dst: ip("192.0.2.10"), dev: "lo", src: ip("192.0.2.10") });
    expect(dom0.stack.routeGet(ip("198.51.100.1"))).toBe("ENETUNREACH");
    expect(dom0.stack.routeGet(ip("192.0.2.50"), { src: ip("192.0.2.1"), iif: "eth0" })).toMatchObject({ type: "unicast", dev: "vif1.0", iif: "eth0" });
  });

  it("works the same over a veth pair standing in for the vif", () => {
    const { sim, r } = routedXen(1, { viaVeth: true });
    const results = ping(r.stack, ip("192.0.2.50"), { count: 1, start: SECOND });
    sim.runUntil(3 * SECOND);
    expect(results[0]?.ttl).toBe(63);
  });

  it("without proxy_arp on the uplink (Xen 4.0's netdev=eth bug) the LAN cannot reach the guest", () => {
    const { sim, r, dom0 } = routedXen(1, { uplinkProxy: false });
    expect(dom0.stack.writeSysctl("/proc/sys/net/ipv4/conf/eth/proxy_arp", "1")).toBe("ENOENT");
    const results = ping(r.stack, ip("192.0.2.50"), { count: 1, start: SECOND });
    sim.runUntil(6 * SECOND);
    expect(results[0]?.error).toEqual({ from: "192.0.2.1", type: 3, code: 1 });
  });
});
