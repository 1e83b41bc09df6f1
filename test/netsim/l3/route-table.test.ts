import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIpv4, prefixToMask } from "../../../netsim/wire/address.ts";
import { RouteTable, formatDestination, route, type Route } from "../../../netsim/l3/route-table.ts";

const ip = (s: string) => parseIpv4(s)!;

describe("RouteTable", () => {
  it("prefers the longest prefix, then the lowest metric", () => {
    const t = new RouteTable();
    t.add(route({ dst: 0, prefix: 0, dev: "eth0", gateway: ip("192.0.2.1") }));
    t.add(route({ dst: ip("192.0.2.0"), prefix: 24, dev: "eth0", proto: "kernel", src: ip("192.0.2.10") }));
    t.add(route({ dst: ip("192.0.2.50"), prefix: 32, dev: "vif1.0", src: ip("192.0.2.10") }));
    t.add(route({ dst: ip("10.0.0.0"), prefix: 8, dev: "eth1", metric: 10 }));
    t.add(route({ dst: ip("10.0.0.0"), prefix: 8, dev: "eth2", metric: 5 }));
    expect(t.lookup(ip("192.0.2.50"))?.dev).toBe("vif1.0");
    expect(t.lookup(ip("192.0.2.51"))?.dev).toBe("eth0");
    expect(t.lookup(ip("192.0.2.51"))?.gateway).toBeUndefined();
    expect(t.lookup(ip("8.8.8.8"))?.gateway).toBe(ip("192.0.2.1"));
    expect(t.lookup(ip("10.1.2.3"))?.dev).toBe("eth2");
  });

  it("refuses duplicates and reports deleting what is not there, as ip route does", () => {
    const t = new RouteTable();
    const r = route({ dst: ip("192.0.2.0"), prefix: 24, dev: "eth0" });
    expect(t.add(r)).toBeUndefined();
    expect(t.add(r)).toBe("File exists");
    expect(t.delete({ dst: ip("198.51.100.0"), prefix: 24 })).toBe("No such process");
    expect(t.delete({ dst: ip("192.0.2.0"), prefix: 24 })).toBeUndefined();
    expect(t.lookup(ip("192.0.2.1"))).toBeUndefined();
  });

  it("normalises the destination to its network and lists longest prefix first, default last (fib_hash)", () => {
    const t = new RouteTable();
    t.add(route({ dst: 0, prefix: 0, dev: "eth0", gateway: ip("192.0.2.1") }));
    t.add(route({ dst: ip("192.0.2.77"), prefix: 24, dev: "eth0" }));
    t.add(route({ dst: ip("192.0.2.50"), prefix: 32, dev: "vif1.0" }));
    expect(t.list().map(formatDestination)).toEqual(["192.0.2.50", "192.0.2.0/24", "default"]);
  });

  it("flushes a device's routes", () => {
    const t = new RouteTable();
    t.add(route({ dst: ip("192.0.2.0"), prefix: 24, dev: "eth0" }));
    t.add(route({ dst: ip("10.0.0.0"), prefix: 8, dev: "eth1" }));
    t.flushDev("eth0");
    expect(t.list().map((r) => r.dev)).toEqual(["eth1"]);
  });

  it("agrees with a brute-force longest-prefix match", () => {
    const arbRoute = fc.record({
      dst: fc.integer({ min: 0, max: 0xffff_ffff }),
      prefix: fc.integer({ min: 0, max: 32 }),
      metric: fc.integer({ min: 0, max: 3 }),
      dev: fc.constantFrom("eth0", "eth1", "vif1.0"),
    });
    fc.assert(
      fc.property(fc.array(arbRoute, { maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 0xffff_ffff }), { maxLength: 20 }), (specs, probes) => {
        const t = new RouteTable();
        const added: Route[] = [];
        for (const s of specs) {
          const r = route(s);
          if (t.add(r) === undefined) added.push(r);
        }
        for (const p of probes) {
          const candidates = added.filter((r) => ((p & prefixToMask(r.prefix)) >>> 0) === r.dst);
          const best = candidates.reduce<Route | undefined>((b, r) => {
            if (!b || r.prefix > b.prefix || (r.prefix === b.prefix && r.metric < b.metric)) return r;
            return b;
          }, undefined);
          expect(t.lookup(p)).toBe(best);
        }
      }),
    );
  });
});
