// ISC dhclient 4.1's timers: the DISCOVER backoff (3 s, then + random % 2×interval, cut off at 15 s,
// never past the 60 s timeout), the panic and 150–449 s sleep, T1 randomised to 3/4–1 of the
// server's T1, REQUESTs unicast to the server from T1 and broadcast from T2, the address gone at expiry.
import { describe, expect, it } from "vitest";
import { createDhcpClient } from "../../../netsim/apps/dhcp-client.ts";
import { DHCLIENT_DEFAULTS, dhclientDiscoverInterval, dhclientLeaseTimes } from "../../../netsim/apps/dhcp-client-timers.ts";
import { DnsmasqServer } from "../../../netsim/apps/dhcp-server.ts";
import { RandomStream } from "../../../netsim/engine/random.ts";
import { dhcpLines, host, ip, lanBridge, ofKind, plug, recordTrace, Sim, SECOND } from "./helpers.ts";

function setup(withServer: boolean) {
  const sim = new Sim(7);
  const events = recordTrace(sim);
  const br = lanBridge(sim);
  const srv = host(sim, "server", { eth0: "192.168.50.1/24" }, 0x01);
  plug(sim, br, srv);
  const server = withServer ? new DnsmasqServer(srv.stack, { dev: "eth0", ranges: [{ start: ip("192.168.50.10"), end: ip("192.168.50.100") }] }) : undefined;
  const g = host(sim, "guest1", { eth0: "" }, 0x20);
  plug(sim, br, g);
  const c = createDhcpClient(g.stack, { dev: "eth0", flavour: "dhclient", hostname: "guest1", dhclient: { initialDelay: 0 } });
  return { sim, events, server, g, c };
}

describe("dhclient backoff", () => {
  it("draws the same interval sequence from the same seed, within 4.1's bounds", () => {
    const seq = (seed: number) => {
      const rng = new RandomStream(seed, "dhclient");
      const out: number[] = [];
      let i = 0;
      for (let k = 0; k < 8; k++) out.push((i = dhclientDiscoverInterval(i, DHCLIENT_DEFAULTS, rng)));
      return out;
    };
    expect(seq(1)).toEqual(seq(1));
    expect(seq(1)).not.toEqual(seq(2));
    for (const s of [1, 2, 3, 4, 5]) {
      const xs = seq(s);
      expect(xs[0]).toBe(3);
      for (let k = 1; k < xs.length; k++) {
        const prev = xs[k - 1]!;
        const x = xs[k]!;
        const grew = x >= prev && x < 3 * prev && x <= 15;
        const cut = x >= 7 && x < 22;
        expect(grew || cut).toBe(true);
      }
    }
  });

  it("with no server: DISCOVERs until 60 s, then sleeps 150–449 s and starts again", () => {
    const { sim, events, c } = setup(false);
    sim.at(SECOND, () => c.start());
    sim.runUntil(600 * SECOND);
    const times = dhcpLines(events).map((l) => Number(l.split(" ")[0]));
    const first = times.filter((t) => t <= 62);
    expect(first[0]).toBe(1);
    expect(first.at(-1)).toBeLessThanOrEqual(62);
    const failed = ofKind(events, "dhcp").filter((e) => e.event === "failed").map((e) => e.time / SECOND);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed[0]).toBe(62);
    const restart = times.find((t) => t > 62)!;
    expect(restart - 62).toBeGreaterThanOrEqual(150);
    expect(restart - 62).toBeLessThanOrEqual(449);
    // every gap is a whole number of seconds (time_t), the first 3 s
    expect(first[1]! - first[0]!).toBe(3);
  });

  it("T1 is moved to between 3/4 and all of the server's T1", () => {
    for (let s = 0; s < 20; s++) {
      const { renewal, rebind } = dhclientLeaseTimes(3600, 1800, 3150, new RandomStream(s, "t"));
      expect(renewal).toBeGreaterThanOrEqual(Math.floor((1803 * 3) / 4));
      expect(renewal).toBeLessThan(Math.floor((1803 * 3) / 4) + Math.floor(1803 / 4));
      expect(rebind).toBe(3150);
    }
  });
});

describe("dhclient lease upkeep", () => {
  it("renews by unicast at its T1, rebinds by broadcast from T2 when the server is gone, drops the address at expiry", () => {
    const { sim, events, server, g, c } = setup(true);
    sim.at(SECOND, () => c.start());
    sim.runUntil(10 * SECOND);
    expect(c.state.name).toBe("BOUND");
    const lease = c.lease!;
    const t1 = lease.renewAt / SECOND;
    sim.runUntil(lease.renewAt + SECOND);
    expect(dhcpLines(events).slice(-2)).toEqual([`${t1} guest1 REQUEST 192.168.50.51 > 192.168.50.1`, `${t1} server ACK 192.168.50.1 > 192.168.50.51 192.168.50.51`]);
    server!.close();
    const renewed = c.lease!;
    sim.runUntil(renewed.expiresAt + 30 * SECOND);
    const after = dhcpLines(events).filter((l) => Number(l.split(" ")[0]) > t1 + 1 && l.includes("REQUEST"));
    const unicast = after.filter((l) => l.endsWith("192.168.50.1"));
    const bcast = after.filter((l) => l.endsWith("255.255.255.255"));
    expect(unicast.length).toBeGreaterThan(3);
    expect(unicast.every((l) => Number(l.split(" ")[0]) * SECOND <= renewed.rebindAt)).toBe(true);
    expect(bcast.length).toBeGreaterThan(0);
    expect(bcast.every((l) => Number(l.split(" ")[0]) * SECOND > renewed.rebindAt && l.includes("REQUEST 192.168.50.51"))).toBe(true);
    const expired = ofKind(events, "dhcp").find((e) => e.event === "expired")!;
    expect(expired.time).toBeGreaterThan(renewed.expiresAt);
    expect(expired.time).toBeLessThanOrEqual(renewed.expiresAt + 2 * SECOND);
    expect(g.stack.addresses("eth0")).toEqual([]);
    expect(c.history.map((h) => h.state)).toContain("REBINDING");
  });
});
