// Resolution that fails: three broadcast requests one second apart, then every waiting packet is
// reported back as "Destination Host Unreachable" — to a local sender from its own address over
// the loopback (what `ping` prints as "From 10.0.0.1 icmp_seq=1 Destination Host Unreachable"),
// to a forwarded packet's sender from the router. At most three packets wait.
//
//   h1 10.0.0.1/24 ──── cable ──── 10.0.0.2/24 h2          (10.0.0.99 does not exist)
import { describe, expect, it } from "vitest";
import { host, ip, ofKind, ping, recordTrace, Sim, SECOND, wire } from "./helpers.ts";

function lan() {
  const sim = new Sim(1);
  const h1 = host(sim, "h1", { eth0: "10.0.0.1/24" }, 0x10);
  const h2 = host(sim, "h2", { eth0: "10.0.0.2/24" }, 0x20);
  wire(h1, "eth0", h2, "eth0");
  return { sim, h1, h2 };
}

describe("ARP resolution failure", () => {
  it("sends 3 requests 1 s apart, then Destination Host Unreachable from our own address after 3 s", () => {
    const { sim, h1 } = lan();
    const events = recordTrace(sim);
    const results = ping(h1.stack, ip("10.0.0.99"), { count: 1, start: SECOND });
    sim.runUntil(10 * SECOND);
    const requests = ofKind(events, "arp").filter((e) => e.node === "h1" && e.op === "request");
    expect(requests.map((e) => e.time)).toEqual([1_004_000, 2_004_000, 3_004_000]);
    expect(results[0]?.error).toEqual({ from: "10.0.0.1", type: 3, code: 1 });
    const failed = ofKind(events, "neigh").find((e) => e.state === "FAILED");
    expect(failed?.time).toBe(4_004_000);
    expect(ofKind(events, "ip-drop").filter((e) => e.reason === "arp-failed")).toHaveLength(1);
    // The error went out of lo and came back in.
    expect(ofKind(events, "tx").filter((e) => e.dev === "lo")).toHaveLength(1);
    expect(ofKind(events, "icmp")).toMatchObject([{ node: "h1", type: 3, code: 1, src: ip("10.0.0.1"), dst: ip("10.0.0.1") }]);
  });

  it("keeps at most unres_qlen = 3 packets: older ones are pushed out, the last three reported", () => {
    const { sim, h1 } = lan();
    const events = recordTrace(sim);
    const results = ping(h1.stack, ip("10.0.0.99"), { count: 5, start: SECOND, interval: SECOND / 5 });
    sim.runUntil(10 * SECOND);
    expect(ofKind(events, "ip-drop").filter((e) => e.reason === "queue-full")).toHaveLength(2);
    expect(results.map((r) => r.error?.code)).toEqual([undefined, undefined, 1, 1, 1]);
  });

  it("a local UDP sender with IP_RECVERR gets EHOSTUNREACH", () => {
    const { sim, h1 } = lan();
    const sock = h1.stack.openUdp();
    sock.recvErr = true;
    const errors: string[] = [];
    sock.onError((e) => errors.push(`${e.errno} ${e.offender.dstPort}`));
    sim.at(SECOND, () => expect(sock.send(new Uint8Array(4), { dst: ip("10.0.0.99"), port: 9 })).toBeUndefined());
    sim.runUntil(10 * SECOND);
    expect(errors).toEqual(["EHOSTUNREACH 9"]);
    expect(sock.send(new Uint8Array(4), { dst: ip("10.0.0.99"), port: 9 })).toBe("EHOSTUNREACH");
  });

  it("tries again on the next packet after FAILED", () => {
    const { sim, h1 } = lan();
    const events = recordTrace(sim);
    ping(h1.stack, ip("10.0.0.99"), { count: 2, start: SECOND, interval: 5 * SECOND });
    sim.runUntil(12 * SECOND);
    const requests = ofKind(events, "arp").filter((e) => e.op === "request");
    expect(requests.map((e) => e.time)).toEqual([1_004_000, 2_004_000, 3_004_000, 6_004_000, 7_004_000, 8_004_000]);
  });
});
