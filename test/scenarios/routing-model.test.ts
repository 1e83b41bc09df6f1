// The routed model (network-route + vif-route), wired by hand: dom0 forwards between its uplink and
// one /32-addressed vif per guest, answers ARP for the guests on the LAN and for the LAN on the
// vifs (proxy_arp, with Linux's random proxy delay), and reaches each guest by a host route.
//
//   inet ── router 192.0.2.1 ── eth0 192.0.2.10 [dom0] vif1.0 192.0.2.10/32 ── guest1 192.0.2.50/24
//                               proxy_arp   ip_forward   vif2.0 192.0.2.10/32 ── guest2 192.0.2.51/24
//
//   1 s  guest1 pings its gateway, the router   3 s  the router pings guest2
//   5 s  guest1 pings inet                        7 s  guest1 pings guest2 (through dom0)
//   9 s  guest1 traceroute inet: dom0, router, inet
import { describe, expect, it } from "vitest";
import { TraceRecorder } from "../../captures/tap.ts";
import { SECOND } from "../../netsim/engine/sim.ts";
import { XEN_BACKEND_MAC } from "../../netsim/l2/index.ts";
import { ipv4ToString } from "../../netsim/wire/address.ts";
import { expectGolden } from "./golden.ts";
import { ADDR, MAC, routingModel } from "./models.ts";
import { crossings, frameLines, rolesOf, ROUTING_END, ROUTING_STEPS, schedule, ttlsSeen } from "./scenario.ts";

function run(seed = 1) {
  let rec!: TraceRecorder;
  const m = routingModel({ seed, beforeWiring: (sim) => (rec = new TraceRecorder(sim, { hostNode: "dom0" })) });
  const runs = schedule(m, ROUTING_STEPS);
  m.sim.runUntil(ROUTING_END * SECOND);
  return { m, runs, rec, roles: rolesOf(m) };
}

describe("routed model: network-route + vif-route", () => {
  const { m, runs, rec, roles } = run();

  it("dom0's routing table: the LAN, a host route per guest via its vif from dom0's address, the default", () => {
    const routes = m.nodes.dom0.routes().map((r) => `${ipv4ToString(r.dst)}/${r.prefix} ${r.gateway !== undefined ? `via ${ipv4ToString(r.gateway)} ` : ""}dev ${r.dev}${r.src !== undefined ? ` src ${ipv4ToString(r.src)}` : ""}`);
    expect(routes).toEqual(["192.0.2.50/32 dev vif1.0 src 192.0.2.10", "192.0.2.51/32 dev vif2.0 src 192.0.2.10", "192.0.2.0/24 dev eth0 src 192.0.2.10", "0.0.0.0/0 via 192.0.2.1 dev eth0"]);
  });

  it("every ping is answered; TTLs show dom0 as a hop", () => {
    for (const p of runs.pings.values()) expect(p.text()).toMatch(/2 packets transmitted, 2 received, 0% packet loss/);
    expect(ttlsSeen(rec, roles, "inet", "eth0", /echo-request guest1 > inet/)).toEqual([62, 62]);
    expect(ttlsSeen(rec, roles, "router", "eth0", /echo-request guest1 > router/)).toEqual([63, 63]);
    expect(ttlsSeen(rec, roles, "guest2", "eth0", /echo-request guest1 > guest2/)).toEqual([63, 63]);
  });

  it("traceroute from guest1 to inet shows three hops: dom0, the router, inet", () => {
    expect(runs.traces.get("guest1 traceroute inet")!.lines.map((l) => l.replace(/ {2}[\d.]+ ms/g, ""))).toEqual([
      "traceroute to 198.51.100.10 (198.51.100.10), 30 hops max, 60 byte packets",
      " 1  192.0.2.10",
      " 2  192.0.2.1",
      " 3  198.51.100.10",
    ]);
  });

  it("the LAN router's ARP table maps both guests to dom0's MAC; the guests map everyone to the vif's", () => {
    const router = m.nodes.router.neighbours("eth0").filter((n) => (ADDR.routed as readonly number[]).includes(n.ip));
    expect(router.map((n) => [ipv4ToString(n.ip), n.mac])).toEqual([
      ["192.0.2.50", MAC.dom0],
      ["192.0.2.51", MAC.dom0],
    ]);
    for (const n of m.nodes.guest1.neighbours("eth0")) expect(n.mac).toBe(XEN_BACKEND_MAC);
  });

  it("dom0 answers ARP by proxy, each after a delay drawn from 0–0.8 s, never forwarding the request", () => {
    const lines = frameLines(rec, roles);
    expect(lines.filter((l) => l.includes(" dom0 eth0 tx ") && l.includes(" arp reply")).map((l) => l.split(" arp ")[1])).toEqual(["reply guest1 is-at dom0", "reply guest2 is-at dom0"]);
    // guest1 asks for the router: only dom0's vif1.0 sees the request; the reply comes from the vif.
    expect(crossings(rec, roles, "guest1", /arp request who-has router/)).toEqual(["guest1:eth0 tx", "dom0:vif1.0 rx"]);
    const asked = lines.find((l) => / guest1 eth0 tx .*who-has router/.test(l))!;
    const answered = lines.find((l) => / dom0 vif1\.0 tx .*reply router is-at vif/.test(l))!;
    const delay = Number(answered.split(" ")[0]) - Number(asked.split(" ")[0]);
    expect(delay).toBeGreaterThan(0);
    expect(delay).toBeLessThan(0.8);
  });

  it("a guest's packet is routed, not bridged: new frames with dom0's MACs on each side", () => {
    expect(crossings(rec, roles, "guest1", /echo-request guest1 > inet ttl 64/)).toEqual(["guest1:eth0 tx", "dom0:vif1.0 rx"]);
    expect(crossings(rec, roles, "dom0", /echo-request guest1 > inet ttl 63/)).toEqual(["dom0:eth0 tx", "router:eth0 rx"]);
    expect(crossings(rec, roles, "router", /echo-request guest1 > inet ttl 62/)).toEqual(["router:eth1 tx", "inet:eth0 rx"]);
  });

  it("golden: every frame on every interface", () => {
    expectGolden("routing.frames", frameLines(rec, roles));
  });

  it("the same scenario twice gives byte-identical pcapng; another seed moves the proxy delays", () => {
    expect(Buffer.from(run().rec.pcapng()).equals(Buffer.from(rec.pcapng()))).toBe(true);
    expect(Buffer.from(run(2).rec.pcapng()).equals(Buffer.from(rec.pcapng()))).toBe(false);
  });
});
