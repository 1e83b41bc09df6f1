// A dnsmasq-like server and udhcpc/dhclient-like clients on one bridge, read like sequence diagrams:
//
//   client eth0 ── br0 ── eth0 server (dnsmasq, 192.168.50.1/24, range .10–.100)
//
// The first DISCOVER waits out dnsmasq's 3 s ping check, so udhcpc's second DISCOVER (at 3 s) is
// already out when the OFFER comes; the client answers the first OFFER, the second is ignored.
import { describe, expect, it } from "vitest";
import { createDhcpClient, type DhcpClientOptions } from "../../../netsim/apps/dhcp-client.ts";
import { DnsmasqServer, type DhcpServerOptions } from "../../../netsim/apps/dhcp-server.ts";
import { hashStart, sdbmHash } from "../../../netsim/apps/dhcp-leases.ts";
import { dhcpLines, host, ip, lanBridge, mac, ofKind, plug, recordTrace, Sim, SECOND } from "./helpers.ts";

const RANGE = { start: ip("192.168.50.10"), end: ip("192.168.50.100") };

function lan(opts: { clients?: number; server?: Partial<DhcpServerOptions>; client?: Partial<DhcpClientOptions>; seed?: number } = {}) {
  const sim = new Sim(opts.seed ?? 1);
  const events = recordTrace(sim);
  const br = lanBridge(sim);
  const srv = host(sim, "server", { eth0: "192.168.50.1/24" }, 0x01);
  plug(sim, br, srv);
  const server = new DnsmasqServer(srv.stack, { dev: "eth0", ranges: [RANGE], dns: false, ...opts.server });
  const clients = Array.from({ length: opts.clients ?? 1 }, (_, i) => {
    const h = host(sim, `guest${i + 1}`, { eth0: "" }, 0x20 + i * 0x10);
    plug(sim, br, h);
    return { h, c: createDhcpClient(h.stack, { dev: "eth0", hostname: `guest${i + 1}`, ...opts.client }) };
  });
  return { sim, events, br, srv, server, clients };
}

describe("udhcpc against dnsmasq", () => {
  it("DISCOVER → 3 s ping check → OFFER → REQUEST → ACK; bound with the hash-chosen address", () => {
    const { sim, events, server, clients } = lan();
    const { h, c } = clients[0]!;
    sim.at(SECOND, () => c.start());
    sim.runUntil(10 * SECOND);
    expect(dhcpLines(events)).toEqual([
      "1 guest1 DISCOVER 0.0.0.0 > 255.255.255.255",
      "4 guest1 DISCOVER 0.0.0.0 > 255.255.255.255",
      "4 server OFFER 192.168.50.1 > 192.168.50.51 192.168.50.51",
      "4 server OFFER 192.168.50.1 > 192.168.50.51 192.168.50.51",
      "4 guest1 REQUEST 0.0.0.0 > 255.255.255.255",
      "4 server ACK 192.168.50.1 > 192.168.50.51 192.168.50.51",
    ]);
    // The same address real dnsmasq 2.90 gave 02:00:00:00:00:20 in this range.
    expect(hashStart(RANGE.start, RANGE.end, sdbmHash(mac(0x20)), 0)).toBe(ip("192.168.50.51"));
    expect(c.state.name).toBe("BOUND");
    expect(c.lease?.address).toBe(ip("192.168.50.51"));
    expect(c.acquisitionTime).toBeGreaterThan(3 * SECOND);
    expect(c.acquisitionTime).toBeLessThan(3.1 * SECOND);
    expect(h.stack.addresses("eth0").map((a) => [a.address, a.prefix, a.broadcast])).toEqual([[ip("192.168.50.51"), 24, ip("192.168.50.255")]]);
    expect(h.stack.routes().find((r) => r.prefix === 0)).toMatchObject({ gateway: ip("192.168.50.1"), dev: "eth0" });
    expect(server.leaseFile()).toEqual([`${Math.floor((c.boundAt ?? 0) / SECOND) + 3600} 02:00:00:00:00:20 192.168.50.51 guest1 01:02:00:00:00:00:20`]);
    const ping = ofKind(events, "dhcp").filter((e) => e.event === "ping-check");
    expect(ping.map((e) => e.ip)).toEqual([ip("192.168.50.51")]);
  });

  it("the same MAC gets the same address on every run and seed", () => {
    for (const seed of [1, 2, 3]) {
      const { sim, clients } = lan({ seed });
      sim.at(SECOND, () => clients[0]!.c.start());
      sim.runUntil(10 * SECOND);
      expect(clients[0]!.c.lease?.address).toBe(ip("192.168.50.51"));
    }
  });
});

/** State names entered, with whole seconds. */
function states(c: { history: readonly { time: number; state: string }[] }): string[] {
  return c.history.map((h) => `${Math.floor(h.time / SECOND)} ${h.state}`);
}

describe("lease upkeep (udhcpc)", () => {
  it("renews at T1 by unicast; with the server gone, halves its waits, rebinds by broadcast, loses the address", () => {
    const { sim, events, server, clients } = lan();
    const { h, c } = clients[0]!;
    sim.at(SECOND, () => c.start());
    sim.runUntil(1900 * SECOND);
    const renew = dhcpLines(events).slice(6);
    expect(renew).toEqual(["1804 guest1 REQUEST 192.168.50.51 > 192.168.50.1", "1804 server ACK 192.168.50.1 > 192.168.50.51 192.168.50.51"]);
    server.close();
    sim.runUntil(5500 * SECOND);
    const later = dhcpLines(events).slice(8);
    expect(later.slice(0, 5)).toEqual([
      "3604 guest1 REQUEST 192.168.50.51 > 192.168.50.1",
      "4504 guest1 REQUEST 192.168.50.51 > 192.168.50.1",
      "4954 guest1 REQUEST 192.168.50.51 > 192.168.50.1",
      "5179 guest1 REQUEST 192.168.50.51 > 192.168.50.1",
      "5291 guest1 REQUEST 192.168.50.51 > 192.168.50.1",
    ]);
    expect(later.slice(5, 11)).toEqual([5347, 5375, 5389, 5396, 5399, 5400].map((t) => `${t} guest1 REQUEST 192.168.50.51 > 255.255.255.255`));
    expect(states(c)).toEqual(["1 SELECTING", "4 REQUESTING", "4 BOUND", "1804 RENEWING", "1804 BOUND", "3604 RENEWING", "5347 REBINDING", "5400 SELECTING"]);
    expect(ofKind(events, "dhcp").filter((e) => e.node === "guest1" && e.event === "expired").map((e) => Math.floor(e.time / SECOND))).toEqual([5400]);
    expect(h.stack.addresses("eth0")).toEqual([]);
    expect(h.stack.routes().filter((r) => r.prefix === 0)).toEqual([]);
  });

  it("with -n, gives up after 3 DISCOVERs and 3 s more: exit status 1", () => {
    const { sim, events, server, clients } = lan();
    server.close();
    const { c } = clients[0]!;
    sim.at(SECOND, () => c.start());
    sim.runUntil(60 * SECOND);
    expect(dhcpLines(events)).toEqual([1, 4, 7].map((t) => `${t} guest1 DISCOVER 0.0.0.0 > 255.255.255.255`));
    expect(c.exitCode).toBe(1);
    expect(states(c)).toEqual(["1 SELECTING", "10 STOPPED"]);
  });

  it("two clients get different addresses, each from its own hash", () => {
    const { sim, clients, server } = lan({ clients: 2 });
    sim.at(SECOND, () => clients[0]!.c.start());
    sim.at(SECOND + 1000, () => clients[1]!.c.start());
    sim.runUntil(20 * SECOND);
    const got = clients.map(({ c }) => c.lease?.address);
    expect(got[0]).toBe(ip("192.168.50.51"));
    expect(got[1]).toBe(hashStart(RANGE.start, RANGE.end, sdbmHash(mac(0x30)), 0));
    expect(got[0]).not.toBe(got[1]);
    expect(server.leaseFile().length).toBe(2);
  });
});

describe("NAK and silence for INIT-REBOOT", () => {
  it("an authoritative server NAKs a remembered address from another network (broadcast); the client starts over", () => {
    const { sim, events, clients } = lan({ server: { authoritative: true }, client: { flavour: "dhclient", requestedIp: ip("10.9.9.9"), dhclient: { initialDelay: 0 } } });
    const { c } = clients[0]!;
    sim.at(SECOND, () => c.start());
    sim.runUntil(15 * SECOND);
    const lines = dhcpLines(events);
    expect(lines.slice(0, 2)).toEqual(["1 guest1 REQUEST 0.0.0.0 > 255.255.255.255", "1 server NAK 192.168.50.1 > 255.255.255.255"]);
    expect(ofKind(events, "dhcp").find((e) => e.event === "nak")?.detail).toBe("wrong network");
    expect(states(c).slice(0, 4)).toEqual(["1 INIT-REBOOT", "1 REBOOTING", "1 INIT", "1 SELECTING"]);
    expect(c.state.name).toBe("BOUND");
  });

  it("a non-authoritative dnsmasq stays silent for a client it has no lease for (RFC 2131 §4.3.2)", () => {
    const { sim, events, clients } = lan({ client: { flavour: "dhclient", requestedIp: ip("10.9.9.9"), dhclient: { initialDelay: 0 } } });
    sim.at(SECOND, () => clients[0]!.c.start());
    sim.runUntil(8 * SECOND);
    expect(dhcpLines(events).filter((l) => l.includes("server"))).toEqual([]);
  });

  it("a known client asking for another address gets NAK 'wrong address'", () => {
    const { sim, events, clients, server } = lan({ client: { flavour: "dhclient", dhclient: { initialDelay: 0 } } });
    const { h, c } = clients[0]!;
    sim.at(SECOND, () => c.start());
    sim.runUntil(20 * SECOND);
    expect(server.leases.all().length).toBe(1);
    c.stop();
    const again = createDhcpClient(h.stack, { dev: "eth0", flavour: "dhclient", requestedIp: ip("192.168.50.77"), dhclient: { initialDelay: 0 } });
    sim.at(30 * SECOND, () => again.start());
    sim.runUntil(31 * SECOND);
    expect(ofKind(events, "dhcp").filter((e) => e.event === "nak").map((e) => e.detail)).toEqual(["wrong address"]);
  });
});

describe("dnsmasq's address choice", () => {
  it("a hash-chosen address that answers the ping is skipped: the next one is offered, after 3 s more only if it too is checked", () => {
    const { sim, events, br, clients } = lan();
    const squatter = host(sim, "squatter", { eth0: "192.168.50.51/24" }, 0x70);
    plug(sim, br, squatter);
    const { c } = clients[0]!;
    sim.at(SECOND, () => c.start());
    sim.runUntil(20 * SECOND);
    const checks = ofKind(events, "dhcp").filter((e) => e.role === "server" && (e.event === "ping-check" || e.event === "in-use"));
    expect(checks.map((e) => `${e.event} ${e.ip === undefined ? "" : e.ip - ip("192.168.50.0")}`)).toEqual(["ping-check 51", "in-use 51", "ping-check 52"]);
    expect(c.lease?.address).toBe(ip("192.168.50.52"));
  });

  it("a dhcp-host reservation is offered without a ping check, and no one else gets it", () => {
    const { sim, events, clients, server } = lan({ clients: 2, server: { hosts: [{ mac: mac(0x30), ip: ip("192.168.50.51"), hostname: "fixed" }] } });
    sim.at(SECOND, () => clients[0]!.c.start());
    sim.at(SECOND, () => clients[1]!.c.start());
    sim.runUntil(20 * SECOND);
    expect(clients[1]!.c.lease?.address).toBe(ip("192.168.50.51"));
    expect(clients[0]!.c.lease?.address).not.toBe(ip("192.168.50.51"));
    expect(ofKind(events, "dhcp").filter((e) => e.event === "ping-check").map((e) => e.ip)).not.toContain(ip("192.168.50.51"));
    expect(server.leaseFile().some((l) => l.includes(" 192.168.50.51 fixed "))).toBe(true);
  });
});
