// One dnsmasq-like server answering on several interfaces, as dnsmasq does with several
// `interface=` lines (or none: all of them), each request served from the range of the subnet of
// the interface it came in on and answered out of that interface:
//
//   guest1 eth0 ── eth0 192.168.50.1/24 ┐
//   guest2 eth0 ── eth1 192.168.60.1/24 ├ server (one DnsmasqServer)
//   guest3 eth0 ── eth2 192.168.70.1/24 ┘
import { describe, expect, it } from "vitest";
import { createDhcpClient } from "../../../netsim/apps/dhcp-client.ts";
import { DnsmasqServer, type DhcpServerOptions } from "../../../netsim/apps/dhcp-server.ts";
import { ipv4ToString } from "../../../netsim/wire/address.ts";
import { decodeFrame } from "../../../netsim/wire/decode.ts";
import { wire } from "../l3/helpers.ts";
import { dhcpLines, host, ip, ofKind, recordTrace, Sim, SECOND } from "./helpers.ts";

const NET50 = { start: ip("192.168.50.10"), end: ip("192.168.50.100") };
const NET60 = { start: ip("192.168.60.10"), end: ip("192.168.60.100") };

function setup(server: DhcpServerOptions) {
  const sim = new Sim(3);
  const events = recordTrace(sim);
  const srv = host(sim, "server", { eth0: "192.168.50.1/24", eth1: "192.168.60.1/24", eth2: "192.168.70.1/24" }, 0x01);
  const dnsmasq = new DnsmasqServer(srv.stack, { dns: false, ...server });
  const clients = [0, 1, 2].map((i) => {
    const g = host(sim, `guest${i + 1}`, { eth0: "" }, 0x20 + i * 0x10);
    wire(g, "eth0", srv, `eth${i}`);
    return { g, c: createDhcpClient(g.stack, { dev: "eth0", hostname: `guest${i + 1}` }) };
  });
  return { sim, events, srv, dnsmasq, clients };
}

/** `dev DHCP-TYPE` of every DHCP message the server sent, in order. */
function serverSends(events: ReturnType<typeof recordTrace>): string[] {
  const names = ["?", "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK"];
  return ofKind(events, "tx").flatMap((e) => {
    const d = decodeFrame(e.frame);
    return e.node === "server" && d.ok && d.value.dhcp ? [`${e.dev} ${names[d.value.dhcp.messageType ?? 0]}`] : [];
  });
}

describe("one DnsmasqServer on several interfaces", () => {
  it("leases each client from its own interface's subnet, with that interface's address as server and router", () => {
    const { sim, events, dnsmasq, clients } = setup({ interfaces: ["eth0", "eth1"], ranges: [NET50, NET60], noPing: true });
    const [one, two] = clients;
    sim.at(SECOND, () => one!.c.start());
    sim.at(SECOND, () => two!.c.start());
    sim.runUntil(10 * SECOND);
    const leases = [one!, two!].map(({ c }) => c.lease!).map((l) => [ipv4ToString(l.address), l.prefix, ipv4ToString(l.server), l.routers.map(ipv4ToString)]);
    expect(leases).toEqual([
      [expect.stringMatching(/^192\.168\.50\.\d+$/), 24, "192.168.50.1", ["192.168.50.1"]],
      [expect.stringMatching(/^192\.168\.60\.\d+$/), 24, "192.168.60.1", ["192.168.60.1"]],
    ]);
    expect(serverSends(events)).toEqual(["eth0 OFFER", "eth1 OFFER", "eth0 ACK", "eth1 ACK"]);
    expect(dnsmasq.leaseFile().map((l) => l.split(" ").slice(2, 4).join(" "))).toEqual([
      `${ipv4ToString(two!.c.lease!.address)} guest2`,
      `${ipv4ToString(one!.c.lease!.address)} guest1`,
    ]);
    expect(dnsmasq.leases.all().map((l) => l.dev)).toEqual(["eth0", "eth1"]);
  });

  it("ACKs a renewal unicast to its eth1 address out of eth1", () => {
    const { sim, events, clients } = setup({ interfaces: ["eth0", "eth1"], ranges: [NET50, NET60], noPing: true });
    const { c } = clients[1]!;
    sim.at(SECOND, () => c.start());
    sim.runUntil(10 * SECOND);
    const address = ipv4ToString(c.lease!.address);
    sim.runUntil(c.lease!.renewAt + SECOND);
    const t1 = Math.round(c.lease!.obtainedAt / SECOND); // when the renewed lease was obtained
    expect(dhcpLines(events).slice(-2)).toEqual([`${t1} guest2 REQUEST ${address} > 192.168.60.1`, `${t1} server ACK 192.168.60.1 > ${address} ${address}`]);
    expect(serverSends(events).slice(-1)).toEqual(["eth1 ACK"]);
  });

  it("gives an interface with ranges of its own those, not the shared ones of its subnet", () => {
    const own = { start: ip("192.168.60.200"), end: ip("192.168.60.210") };
    const { sim, clients } = setup({ interfaces: ["eth0", { dev: "eth1", ranges: [own] }], ranges: [NET50, NET60], noPing: true });
    sim.at(SECOND, () => clients[1]!.c.start());
    sim.runUntil(10 * SECOND);
    const got = clients[1]!.c.lease!.address;
    expect(got >= own.start && got <= own.end).toBe(true);
  });

  it("does not answer on an interface it was not given, nor on one whose subnet has no range", () => {
    const { sim, events, clients } = setup({ interfaces: ["eth0", "eth2"], ranges: [NET50, NET60], noPing: true });
    for (const { c } of clients) sim.at(SECOND, () => c.start());
    sim.runUntil(12 * SECOND);
    expect(clients.map(({ c }) => c.lease === undefined)).toEqual([false, true, true]);
    expect(serverSends(events)).toEqual(["eth0 OFFER", "eth0 ACK"]);
    expect(clients.slice(1).map(({ c }) => c.exitCode)).toEqual([1, 1]);
  });

  it("serves every interface when none is named, each from the range its subnet holds", () => {
    const { sim, clients } = setup({ ranges: [NET50, NET60], noPing: true });
    for (const { c } of clients) sim.at(SECOND, () => c.start());
    sim.runUntil(12 * SECOND);
    expect(clients.map(({ c }) => (c.lease === undefined ? "none" : ipv4ToString(c.lease.server)))).toEqual(["192.168.50.1", "192.168.60.1", "none"]);
  });

  it("makes one ping check at a time for all its interfaces, deaf to all of them meanwhile", () => {
    const { sim, events, clients } = setup({ interfaces: ["eth0", "eth1"], ranges: [NET50, NET60] });
    sim.at(SECOND, () => clients[0]!.c.start());
    sim.at(SECOND + 1000, () => clients[1]!.c.start());
    sim.runUntil(12 * SECOND);
    const checks = ofKind(events, "dhcp").filter((e) => e.role === "server" && e.event === "ping-check");
    expect(checks.map((e) => `${Math.round(e.time / SECOND)} ${e.dev} ${ipv4ToString(e.ip ?? 0).split(".").slice(0, 3).join(".")}`)).toEqual(["1 eth0 192.168.50", "4 eth1 192.168.60"]);
    // eth1's DISCOVER waited out eth0's check; guest1's REQUEST, sent on the OFFER at 4 s, waits out eth1's.
    expect(clients.slice(0, 2).map(({ c }) => Math.round((c.boundAt ?? 0) / SECOND))).toEqual([7, 7]);
  });

  it("keeps the one-device form: `dev` serves every range there, as before", () => {
    const { sim, clients } = setup({ dev: "eth1", ranges: [NET60], noPing: true });
    sim.at(SECOND, () => clients[1]!.c.start());
    sim.runUntil(10 * SECOND);
    expect(ipv4ToString(clients[1]!.c.lease!.server)).toBe("192.168.60.1");
    expect(() => setup({ dev: "eth0", interfaces: ["eth1"], ranges: [NET50] })).toThrow(/dev.*interfaces/);
  });
});
