// The bridged model, the Debian way, wired by hand: dom0's NIC peth0 and the guests' vifs are ports
// of xenbr0, which holds dom0's own address; everyone leases from the LAN's dnsmasq on the router.
//
//   inet ── router 192.0.2.1 (dnsmasq) ── peth0 ┐
//                                               [xenbr0] dom0 (DHCP)
//                    guest1 eth0 ─ vif1.0 ──────┤
//                    guest2 eth0 ─ vif2.0 ──────┘
//
//   1/2/3 s  dom0, guest1, guest2 start udhcpc (dnsmasq's 3 s ping checks queue them)
//   20 s guest1 pings the router, 22 s guest2, 24 s inet;  26 s guest1 traceroute inet
import { describe, expect, it } from "vitest";
import { TraceRecorder } from "../../captures/tap.ts";
import { SECOND } from "../../netsim/engine/sim.ts";
import { createDhcpClient } from "../../netsim/apps/dhcp-client.ts";
import { expectGolden } from "./golden.ts";
import { ADDR, bridgeModel, type ModelOptions } from "./models.ts";
import { BRIDGE_END, BRIDGE_STEPS, crossings, frameLines, rolesOf, schedule, ttlsSeen } from "./scenario.ts";

function run(options: ModelOptions = {}) {
  let rec!: TraceRecorder;
  const m = bridgeModel({ ...options, beforeWiring: (sim) => (rec = new TraceRecorder(sim, { hostNode: "dom0" })) });
  const runs = schedule(m, BRIDGE_STEPS);
  m.sim.runUntil(BRIDGE_END * SECOND);
  const leased = Object.fromEntries([...runs.dhcp.entries()].map(([k, c]) => [k.split(" ")[0]!, c.lease?.address ?? 0]));
  return { m, runs, rec, roles: rolesOf(m, leased), leased };
}

describe("bridged model: xenbr0 with peth0 and the vifs as ports", () => {
  const { m, runs, rec, roles, leased } = run();

  it("everyone gets a lease from the LAN's dnsmasq: dom0 on xenbr0, each guest on its eth0", () => {
    expect(Object.keys(leased)).toEqual(["dom0", "guest1", "guest2"]);
    const addresses = Object.values(leased);
    expect(new Set(addresses).size).toBe(3);
    for (const a of addresses) expect(a >= ADDR.lanPool[0] && a <= ADDR.lanPool[1]).toBe(true);
    expect(m.nodes.dom0.addresses().filter((a) => a.dev !== "lo").map((a) => a.dev)).toEqual(["xenbr0"]);
    expect(m.lanDhcp.leaseFile().length).toBe(3);
    for (const g of ["guest1", "guest2"] as const) expect(m.nodes[g].routeGet(ADDR.inet)).toMatchObject({ gateway: ADDR.router, dev: "eth0" });
  });

  it("guest → gateway, guest → guest, guest → internet pings work; the internet host sees TTL 63", () => {
    for (const p of runs.pings.values()) expect(p.text()).toMatch(/2 packets transmitted, 2 received, 0% packet loss/);
    expect(ttlsSeen(rec, roles, "router", "eth0", /echo-request guest1 > router/)).toEqual([64, 64]);
    expect(ttlsSeen(rec, roles, "guest2", "eth0", /echo-request guest1 > guest2/)).toEqual([64, 64]);
    expect(ttlsSeen(rec, roles, "inet", "eth0", /echo-request guest1 > inet/)).toEqual([63, 63]);
  });

  it("traceroute from guest1 to inet shows two hops: the router, then inet", () => {
    expect(runs.traces.get("guest1 traceroute inet")!.lines.map((l) => l.replace(/ {2}[\d.]+ ms/g, ""))).toEqual([
      "traceroute to 198.51.100.10 (198.51.100.10), 30 hops max, 60 byte packets",
      " 1  192.0.2.1",
      " 2  198.51.100.10",
    ]);
  });

  it("a guest's broadcasts (DHCP, ARP) are flooded to every other port and up to dom0", () => {
    const flooded = ["guest1:eth0 tx", "dom0:vif1.0 rx", "dom0:xenbr0 rx", "dom0:peth0 tx", "dom0:vif2.0 tx", "router:eth0 rx", "guest2:eth0 rx"];
    expect(crossings(rec, roles, "guest1", /dhcp DISCOVER/)).toEqual(flooded);
    expect(crossings(rec, roles, "guest1", /arp request who-has guest2/)).toEqual(flooded);
    expect(crossings(rec, roles, "dom0", /dhcp DISCOVER/)).toEqual(["dom0:xenbr0 tx", "dom0:peth0 tx", "dom0:vif1.0 tx", "dom0:vif2.0 tx", "router:eth0 rx", "guest1:eth0 rx", "guest2:eth0 rx"]);
  });

  it("unicast goes to the learned port only: the router's OFFER, the guests' ARP reply and pings", () => {
    expect(crossings(rec, roles, "router", /dhcp OFFER router > guest1/)).toEqual(["router:eth0 tx", "dom0:peth0 rx", "dom0:vif1.0 tx", "guest1:eth0 rx"]);
    expect(crossings(rec, roles, "guest2", /^guest2>guest1 arp reply guest2 is-at guest2/)).toEqual(["guest2:eth0 tx", "dom0:vif2.0 rx", "dom0:vif1.0 tx", "guest1:eth0 rx"]);
    expect(crossings(rec, roles, "guest1", /echo-request guest1 > guest2/)).toEqual(["guest1:eth0 tx", "dom0:vif1.0 rx", "dom0:vif2.0 tx", "guest2:eth0 rx"]);
    expect(crossings(rec, roles, "guest1", /echo-request guest1 > inet/)).toEqual(["guest1:eth0 tx", "dom0:vif1.0 rx", "dom0:peth0 tx", "router:eth0 rx"]);
  });

  it("golden: every frame on every interface", () => {
    expectGolden("bridge.frames", frameLines(rec, roles));
  });

  it("the same scenario twice gives byte-identical pcapng", () => {
    expect(Buffer.from(run().rec.pcapng()).equals(Buffer.from(rec.pcapng()))).toBe(true);
  });
});

describe("bridged model with the kernel's default 15 s forward delay (no bridge_fd 0)", () => {
  it("the vif port drops a guest's DHCP while learning; udhcpc -n gives up before it forwards", () => {
    const m = bridgeModel({ forwardDelay: 15 * SECOND });
    const drops: string[] = [];
    m.sim.trace.subscribe((e) => void (e.kind === "drop" && e.node === "dom0" && drops.push(`${Math.floor(e.time / SECOND)} ${e.dev} ${e.reason}`)));
    const client = createDhcpClient(m.nodes.guest1, { dev: "eth0" });
    m.sim.at(SECOND, () => client.start());
    m.sim.runUntil(20 * SECOND);
    expect(drops).toEqual(["1 vif1.0 port-learning", "4 vif1.0 port-learning", "7 vif1.0 port-learning"]);
    expect(client.exitCode).toBe(1);
    expect(m.xenbr0!.ports.map((p) => `${p.name} ${p.state}`)).toEqual(["peth0 forwarding", "vif1.0 forwarding", "vif2.0 forwarding"]);
  });
});
