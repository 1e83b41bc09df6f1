// The NAT model (network-nat + vif-nat), wired by hand: guests in vif-nat's 10.<D>/16 scheme behind
// dom0, DHCP served by dom0, MASQUERADE on the uplink. Read as a sequence diagram:
//
//   guest1 10.0.1.1 ─ vif1.0 10.0.1.128 ┐
//                                       [dom0] eth0 192.0.2.10 ── router ── inet 198.51.100.10
//   guest2 10.0.2.1 ─ vif2.0 10.0.2.128 ┘   MASQUERADE -o eth0
//
//   1 s   guest1 udhcpc → dom0's dnsmasq on vif1.0: 10.0.1.1/16, router 10.0.1.128
//   4 s   guest2 udhcpc → dom0's dnsmasq on vif2.0: 10.0.2.1/16, router 10.0.2.128
//   6.5 s guest1 pings inet (leaves as 192.0.2.10)
//   8 s   guest1:5000 → inet:7, 9.5 s guest2:5000 → inet:7 (the second is remapped)
//   11 s  guest1 traceroute inet: dom0, router, inet — the router's ICMP errors translated back
import { describe, expect, it } from "vitest";
import { TraceRecorder } from "../../captures/tap.ts";
import { SECOND } from "../../netsim/engine/sim.ts";
import { ipv4ToString } from "../../netsim/wire/address.ts";
import { expectGolden } from "./golden.ts";
import { describe as describeFrame } from "./normalise.ts";
import { ADDR, natModel } from "./models.ts";
import { crossings, FLOW_PORT, frameLines, NAT_END, NAT_STEPS, rolesOf, schedule, ttlsSeen } from "./scenario.ts";

function run(seed = 1) {
  let rec!: TraceRecorder;
  const m = natModel({ seed, beforeWiring: (sim) => (rec = new TraceRecorder(sim, { hostNode: "dom0" })) });
  const runs = schedule(m, NAT_STEPS);
  m.sim.runUntil(NAT_END * SECOND);
  return { m, runs, rec, roles: rolesOf(m) };
}

describe("NAT model: network-nat + vif-nat, DHCP from dom0", () => {
  const { m, runs, rec, roles } = run();

  it("each guest leases its vif-nat address from dom0, with the vif's router_ip as gateway", () => {
    const leases = ["guest1 udhcpc", "guest2 udhcpc"].map((k) => runs.dhcp.get(k)!.lease!);
    expect(leases.map((l) => [ipv4ToString(l.address), l.prefix, l.routers.map(ipv4ToString)])).toEqual([
      ["10.0.1.1", 16, ["10.0.1.128"]],
      ["10.0.2.1", 16, ["10.0.2.128"]],
    ]);
    expect(m.nodes.guest2.routeGet(ADDR.inet)).toMatchObject({ dev: "eth0", gateway: ADDR.natGateway[1], src: ADDR.nat[1] });
    // One dnsmasq in dom0 answered both, each on the vif it asked from, and holds both leases.
    expect(m.natDhcp.leases.all().map((l) => `${l.dev} ${ipv4ToString(l.ip)} ${l.hostname}`)).toEqual(["vif1.0 10.0.1.1 guest1", "vif2.0 10.0.2.1 guest2"]);
    // The OFFER is unicast to the new address at the guest's MAC, through dom0's host route.
    expect(crossings(rec, roles, "dom0", /dhcp OFFER dom0.vif1 > guest1/)).toEqual(["dom0:vif1.0 tx", "guest1:eth0 rx"]);
  });

  it("the guest's kernel ignores the ACK it gets before udhcpc configures the address (no ICMP back)", () => {
    const fromGuests = frameLines(rec, roles).filter((l) => / guest\d eth0 tx .*port-unreachable/.test(l));
    expect(fromGuests).toEqual([]);
  });

  it("guest1's ping leaves dom0 as 192.0.2.10 and its reply comes back to guest1", () => {
    expect(runs.pings.get("guest1 ping inet")!.text()).toMatch(/2 packets transmitted, 2 received, 0% packet loss/);
    expect(ttlsSeen(rec, roles, "inet", "eth0", /echo-request dom0 > inet/)).toEqual([62, 62]);
    expect(ttlsSeen(rec, roles, "guest1", "eth0", /echo-reply inet > guest1/)).toEqual([62, 62]);
  });

  it("UDP: guest1 keeps its source port, guest2's clashing flow is remapped to another port ≥ 1024", () => {
    const seen = runs.echo!.seen.map((s) => [ipv4ToString(s.src), s.srcPort]);
    // 2.6.32 searches the class 1024–65535 from its rover, which starts at the bottom.
    expect(seen).toEqual([
      ["192.0.2.10", FLOW_PORT],
      ["192.0.2.10", FLOW_PORT],
      ["192.0.2.10", 1024],
      ["192.0.2.10", 1024],
    ]);
    for (const flow of runs.flows.values()) expect(flow.results.map((r) => r.repliedAt !== undefined)).toEqual([true, true]);
  });

  it("conntrack -L shows both flows, original and reply tuples", () => {
    const out = m.netfilter!.conntrackCommand(["-L", "-p", "udp", "--dport", "7"]);
    const lines = out.stdout.trim().split("\n").map((l) => l.replace(/^(udp +17) \d+ /, "$1 T "));
    expect(lines).toEqual([
      "udp      17 T src=10.0.1.1 dst=198.51.100.10 sport=5000 dport=7 src=198.51.100.10 dst=192.0.2.10 sport=7 dport=5000 [ASSURED] mark=0 use=1",
      `udp      17 T src=10.0.2.1 dst=198.51.100.10 sport=5000 dport=7 src=198.51.100.10 dst=192.0.2.10 sport=7 dport=1024 [ASSURED] mark=0 use=1`,
    ]);
    expect(out.stderr).toBe("conntrack v0.9.14 (conntrack-tools): 2 flow entries have been shown.\n");
  });

  it("traceroute through the NAT: three hops; the router's time exceeded is translated back with its quote", () => {
    expect(runs.traces.get("guest1 traceroute inet")!.lines.map((l) => l.replace(/ {2}[\d.]+ ms/g, ""))).toEqual([
      "traceroute to 198.51.100.10 (198.51.100.10), 30 hops max, 60 byte packets",
      " 1  10.0.1.128",
      " 2  192.0.2.1",
      " 3  198.51.100.10",
    ]);
    const lines = frameLines(rec, roles);
    const onUplink = lines.filter((l) => l.includes(" dom0 eth0 rx ") && l.includes("time-exceeded router"));
    const onVif = lines.filter((l) => l.includes(" dom0 vif1.0 tx ") && l.includes("time-exceeded router"));
    expect(onUplink.map((l) => l.slice(l.indexOf(" icmp")))).toEqual(Array(3).fill(" icmp time-exceeded router > dom0 ttl 64 quoting udp dom0:hi > inet:trace ttl 1"));
    expect(onVif.map((l) => l.slice(l.indexOf(" icmp")))).toEqual(Array(3).fill(" icmp time-exceeded router > guest1 ttl 63 quoting udp guest1:hi > inet:trace ttl 1"));
  });

  it("an unasked packet from outside reaches no guest: dom0 answers it itself (port unreachable)", () => {
    const own = run();
    let answered = "";
    own.m.sim.at(own.m.sim.now + SECOND, () => {
      const s = own.m.nodes.inet.openUdp();
      s.recvErr = true;
      s.onError((e) => (answered = `${ipv4ToString(e.origin)} type ${e.type} code ${e.code}`));
      s.send(new Uint8Array(4), { dst: ADDR.dom0, port: 6000 });
    });
    own.m.sim.runFor(3 * SECOND);
    expect(answered).toBe("192.0.2.10 type 3 code 3");
    const late = own.rec.records().filter((r) => r.node.startsWith("guest") && r.timeMicros > NAT_END * SECOND);
    expect(late.map((r) => describeFrame(own.roles, r.frame)).filter((d) => !d.includes(" arp "))).toEqual([]);
  });

  it("golden: every frame on every interface", () => {
    expectGolden("nat.frames", frameLines(rec, roles));
  });

  it("the same scenario twice gives byte-identical pcapng", () => {
    expect(Buffer.from(run().rec.pcapng()).equals(Buffer.from(rec.pcapng()))).toBe(true);
  });
});
