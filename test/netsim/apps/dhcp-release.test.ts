// Giving a lease back (udhcpc -R / SIGUSR2, dhclient -r), read like a sequence diagram:
//
//   guest1 (bound, server's MAC not in its ARP cache — the lease came over its packet socket)
//     RELEASE → kernel: neighbour 192.168.50.1 INCOMPLETE, the datagram queued
//     ARP who-has 192.168.50.1 (next tick) → is-at → the queued RELEASE goes out
//     the client's script (deconfig / dhclient-script RELEASE) then takes the address away
//   server: the lease is gone from its table
//
// The script runs after the RELEASE was handed to the kernel and takes a few ms; taking the last
// address away flushes the device's ARP cache with whatever still waits in it (fib_disable_ip), so
// a server that does not answer ARP by then never sees the RELEASE, as on Linux.
import { describe, expect, it } from "vitest";
import { createDhcpClient, type DhcpClientFlavour } from "../../../netsim/apps/dhcp-client.ts";
import { DnsmasqServer } from "../../../netsim/apps/dhcp-server.ts";
import { ipv4ToString } from "../../../netsim/wire/address.ts";
import { decodeFrame } from "../../../netsim/wire/decode.ts";
import { dhcpLines, host, ip, lanBridge, ofKind, plug, recordTrace, Sim, SECOND } from "./helpers.ts";

/** One second after the ACK (4 s, after dnsmasq's ping check), before the server's delayed ARP probe of the client (5 s after the ACK) could teach the client its MAC. */
const RELEASE_AT = 5 * SECOND;

function bound(flavour: DhcpClientFlavour) {
  const sim = new Sim(5);
  const events = recordTrace(sim);
  const br = lanBridge(sim);
  const srv = host(sim, "server", { eth0: "192.168.50.1/24" }, 0x01);
  plug(sim, br, srv);
  const server = new DnsmasqServer(srv.stack, { dev: "eth0", ranges: [{ start: ip("192.168.50.10"), end: ip("192.168.50.100") }], dns: false });
  const g = host(sim, "guest1", { eth0: "" }, 0x20);
  plug(sim, br, g);
  const c = createDhcpClient(g.stack, { dev: "eth0", flavour, hostname: "guest1", dhclient: { initialDelay: 0 } });
  sim.at(SECOND, () => c.start());
  sim.runUntil(RELEASE_AT);
  if (c.lease === undefined) throw new Error("no lease");
  return { sim, events, srv, server, g, c, address: c.lease.address };
}

/** What guest1 put on the wire from `since` (µs): `arp who-has X` and DHCP message names. */
function guestSends(events: ReturnType<typeof recordTrace>, since: number): string[] {
  return ofKind(events, "tx").flatMap((e) => {
    if (e.node !== "guest1" || e.time < since) return [];
    const d = decodeFrame(e.frame);
    if (!d.ok) return [];
    if (d.value.arp) return [`arp who-has ${ipv4ToString(d.value.arp.targetIp)}`];
    return d.value.dhcp?.messageType === 7 ? [`RELEASE ${ipv4ToString(d.value.ipv4!.src)} > ${ipv4ToString(d.value.ipv4!.dst)}`] : [];
  });
}

describe.each(["udhcpc", "dhclient"] as const)("%s releasing its lease", (flavour) => {
  it("resolves the server's MAC, sends the RELEASE, and only then loses the address", () => {
    const { sim, events, server, g, c, address } = bound(flavour);
    expect(g.stack.neighbours("eth0").map((n) => n.ip)).not.toContain(ip("192.168.50.1"));
    expect(server.leaseFile()).toHaveLength(1);
    const at = RELEASE_AT;
    let stopped = -1;
    sim.at(at, () => c.stop(true, () => (stopped = sim.now)));
    sim.runUntil(at + SECOND);
    expect(guestSends(events, at)).toEqual(["arp who-has 192.168.50.1", `RELEASE ${ipv4ToString(address)} > 192.168.50.1`]);
    expect(server.leaseFile()).toEqual([]);
    const releaseTx = ofKind(events, "tx").find((e) => {
      const d = decodeFrame(e.frame);
      return e.node === "guest1" && e.time >= at && d.ok && d.value.dhcp !== undefined;
    })!;
    const released = ofKind(events, "dhcp").find((e) => e.node === "guest1" && e.event === "released")!;
    expect(released.time).toBeGreaterThan(releaseTx.time);
    expect(stopped).toBeGreaterThanOrEqual(released.time);
    expect(g.stack.addresses("eth0")).toEqual([]);
    expect(c.state.name).toBe("STOPPED");
    expect(dhcpLines(events).filter((l) => l.includes("RELEASE"))).toHaveLength(1);
  });

  it("loses the RELEASE when the server does not answer ARP before the script removes the address, as Linux does", () => {
    const { sim, events, srv, server, g, c } = bound(flavour);
    srv.nics.get("eth0")!.setUp(false);
    const at = RELEASE_AT;
    sim.at(at, () => c.stop(true));
    sim.runUntil(at + 5 * SECOND);
    expect(guestSends(events, at).filter((l) => l.startsWith("RELEASE"))).toEqual([]);
    expect(g.stack.addresses("eth0")).toEqual([]);
    expect(server.leaseFile()).toHaveLength(1);
  });
});
