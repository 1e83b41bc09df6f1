// Two hosts on one cable: how ARP and ICMP echo play out, frame by frame, as on Linux 2.6.32.
//
//   h1 10.0.0.1/24 eth0 ──── cable (1 Gbit/s, no latency) ──── eth0 10.0.0.2/24 h2
import { describe, expect, it } from "vitest";
import { MILLISECOND } from "../../../netsim/engine/sim.ts";
import { ipv4ToString, macToString } from "../../../netsim/wire/address.ts";
import { decodeFrame } from "../../../netsim/wire/decode.ts";
import { host, ip, mac, ofKind, ping, recordTrace, Sim, SECOND, wire } from "./helpers.ts";

function pair(seed = 1) {
  const sim = new Sim(seed);
  const h1 = host(sim, "h1", { eth0: "10.0.0.1/24" }, 0x10);
  const h2 = host(sim, "h2", { eth0: "10.0.0.2/24" }, 0x20);
  wire(h1, "eth0", h2, "eth0");
  return { sim, h1, h2 };
}

/** `node dev tx <summary>` lines for transmitted frames, with times in µs. */
function txLines(events: ReturnType<typeof recordTrace>): string[] {
  return ofKind(events, "tx").map((e) => {
    const d = decodeFrame(e.frame);
    if (!d.ok) return `${e.time} ${e.node} ${e.dev} ?`;
    const f = d.value;
    if (f.arp) {
      const what = f.arp.op === 1 ? `who-has ${ipv4ToString(f.arp.targetIp)} tell ${ipv4ToString(f.arp.senderIp)}` : `reply ${ipv4ToString(f.arp.senderIp)} is-at ${macToString(f.arp.senderMac)}`;
      return `${e.time} ${e.node} ${e.dev} arp ${what}${f.eth.dst === 0xffffffffffff ? "" : " (unicast)"}`;
    }
    if (f.icmp && f.ipv4) return `${e.time} ${e.node} ${e.dev} icmp ${f.icmp.kind} ${ipv4ToString(f.ipv4.src)} > ${ipv4ToString(f.ipv4.dst)} ttl ${f.ipv4.ttl}`;
    return `${e.time} ${e.node} ${e.dev} other`;
  });
}

describe("two hosts on a cable", () => {
  it("h1 pings h2: ARP request at the next tick, reply, then echo request and reply", () => {
    const { sim, h1 } = pair();
    const events = recordTrace(sim);
    const results = ping(h1.stack, ip("10.0.0.2"), { count: 1, start: SECOND });
    sim.runUntil(2 * SECOND);
    expect(txLines(events)).toEqual([
      "1004000 h1 eth0 arp who-has 10.0.0.2 tell 10.0.0.1", // neigh timer at jiffies+1 (HZ=250)
      "1004001 h2 eth0 arp reply 10.0.0.2 is-at 02:00:00:00:00:20 (unicast)",
      "1004002 h1 eth0 icmp echo-request 10.0.0.1 > 10.0.0.2 ttl 64",
      "1004003 h2 eth0 icmp echo-reply 10.0.0.2 > 10.0.0.1 ttl 64",
    ]);
    expect(results).toEqual([{ seq: 1, sentAt: SECOND, repliedAt: 1_004_004, ttl: 64 }]);
    expect(h1.stack.neighbours()).toEqual([{ dev: "eth0", ip: ip("10.0.0.2"), mac: mac(0x20), state: "REACHABLE" }]);
  });

  it("the echo reply copies id, seq and data; the request carries DF and IP id 0, the reply neither", () => {
    const { sim, h1 } = pair();
    const events = recordTrace(sim);
    ping(h1.stack, ip("10.0.0.2"), { count: 1, start: SECOND });
    sim.runUntil(2 * SECOND);
    const icmp = ofKind(events, "tx")
      .map((e) => decodeFrame(e.frame))
      .flatMap((d) => (d.ok && d.value.icmp ? [d.value] : []));
    const [req, rep] = icmp;
    expect(req?.ipv4?.dontFragment).toBe(true);
    expect(req?.ipv4?.ident).toBe(0);
    expect(rep?.ipv4?.dontFragment).toBe(false);
    expect(rep?.icmp).toMatchObject({ kind: "echo-reply", ident: 0x1234, seq: 1 });
    if (req?.icmp?.kind !== "echo-request" || rep?.icmp?.kind !== "echo-reply") throw new Error("not echo");
    expect(Array.from(rep.icmp.data)).toEqual(Array.from(req.icmp.data));
  });
});

describe("neighbour state machine over time", () => {
  it("h2's entry for h1: STALE (request), DELAY (reply sent), PROBE after 5 s, REACHABLE on the answer", () => {
    const { sim, h1 } = pair();
    const events = recordTrace(sim);
    ping(h1.stack, ip("10.0.0.2"), { count: 1, start: SECOND });
    sim.runUntil(10 * SECOND);
    const h2States = ofKind(events, "neigh")
      .filter((e) => e.node === "h2")
      .map((e) => `${e.time} ${e.state}`);
    expect(h2States).toEqual(["1004001 STALE", "1004003 DELAY", "6004000 PROBE", "6004002 REACHABLE"]);
    const probe = txLines(events).filter((l) => l.startsWith("6004000"));
    expect(probe).toEqual(["6004000 h2 eth0 arp who-has 10.0.0.1 tell 10.0.0.2 (unicast)"]);
  });

  it("a reachable entry goes STALE after this device's randomised reachable time (15–45 s, from the seed)", () => {
    const run = (seed: number) => {
      const { sim, h1 } = pair(seed);
      const events = recordTrace(sim);
      ping(h1.stack, ip("10.0.0.2"), { count: 1, start: SECOND });
      sim.runUntil(60 * SECOND);
      const stale = ofKind(events, "neigh").find((e) => e.node === "h1" && e.state === "STALE");
      return stale!.time - 1_004_002;
    };
    const a = run(1);
    expect(a).toBeGreaterThanOrEqual(15 * SECOND);
    expect(a).toBeLessThan(45 * SECOND + 4 * MILLISECOND);
    expect(run(1)).toBe(a);
    expect(new Set([1, 2, 3, 4, 5].map(run)).size).toBeGreaterThan(1);
  });

  it("an unused STALE entry is garbage-collected within gc_staletime (60 s) plus one gc period", () => {
    const { sim, h1 } = pair();
    ping(h1.stack, ip("10.0.0.2"), { count: 1, start: SECOND });
    sim.runUntil(50 * SECOND);
    expect(h1.stack.neighbours().map((n) => n.state)).toEqual(["STALE"]);
    sim.runUntil(140 * SECOND);
    expect(h1.stack.neighbours()).toEqual([]);
    expect(sim.runUntilIdle(1_000_000)).toBe(true);
  });
});
