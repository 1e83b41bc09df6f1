// Datagrams larger than the MTU: fragmented on output when DF is clear, reassembled on input,
// "fragmentation needed" when DF is set on a forwarded packet, and the reassembly timeout.
//
//   h1 10.0.1.10 ── eth0 [r] eth1 (MTU 1000) ── 10.0.2.20 h2
import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../../netsim/wire/decode.ts";
import { host, ip, ofKind, ping, recordTrace, Sim, SECOND, wire } from "./helpers.ts";

function routed() {
  const sim = new Sim(1);
  const h1 = host(sim, "h1", { eth0: "10.0.1.10/24" }, 0x10);
  const r = host(sim, "r", { eth0: "10.0.1.1/24", eth1: "10.0.2.1/24" }, 0x30);
  const h2 = host(sim, "h2", { eth0: "10.0.2.20/24" }, 0x20);
  wire(h1, "eth0", r, "eth0");
  wire(r, "eth1", h2, "eth0");
  r.nics.get("eth1")!.mtu = 1000;
  r.stack.ipForward = true;
  h1.stack.addRoute({ dst: 0, prefix: 0, gateway: ip("10.0.1.1") });
  h2.stack.addRoute({ dst: 0, prefix: 0, gateway: ip("10.0.2.1") });
  return { sim, h1, r, h2 };
}

const payload = (n: number) => new Uint8Array(n).map((_, i) => i * 7);

describe("fragmentation and reassembly", () => {
  it("the first big datagram to an unresolved next hop loses fragments: only unres_qlen = 3 wait for ARP", () => {
    const { sim, h1, h2 } = routed();
    const events = recordTrace(sim);
    const server = h2.stack.openUdp();
    server.bind(0, 9000);
    const got: Uint8Array[] = [];
    server.onMessage((d) => got.push(d.payload));
    sim.at(SECOND, () => h1.stack.openUdp().send(payload(3000), { dst: ip("10.0.2.20"), port: 9000 }));
    sim.runUntil(40 * SECOND);
    expect(got).toEqual([]);
    expect(ofKind(events, "ip-drop").filter((e) => e.node === "r").map((e) => e.reason)).toEqual(["queue-full", "queue-full"]);
    expect(h2.stack.reassembler.pending).toBe(0);
  });

  it("a 3000-byte datagram leaves in 1500-byte fragments, is cut again for the 1000-byte link, and arrives whole", () => {
    const { sim, h1, h2 } = routed();
    ping(h1.stack, ip("10.0.2.20"), { count: 1, start: SECOND / 2 });
    const events = recordTrace(sim);
    const server = h2.stack.openUdp();
    server.bind(0, 9000);
    const got: Uint8Array[] = [];
    server.onMessage((d) => got.push(d.payload.slice()));
    const client = h1.stack.openUdp();
    sim.at(SECOND, () => expect(client.send(payload(3000), { dst: ip("10.0.2.20"), port: 9000 })).toBeUndefined());
    sim.runUntil(2 * SECOND);
    expect(got).toHaveLength(1);
    expect(Array.from(got[0]!)).toEqual(Array.from(payload(3000)));
    const sizes = (node: string, dev: string) =>
      ofKind(events, "tx")
        .filter((e) => e.node === node && e.dev === dev)
        .map((e) => decodeFrame(e.frame))
        .flatMap((d) => (d.ok && d.value.ipv4 && d.value.ipv4.protocol === 17 ? [d.value.ipv4.payloadLen + 20] : []));
    expect(sizes("h1", "eth0")).toEqual([1500, 1500, 68]); // 3008 UDP bytes: 1480 + 1480 + 48
    expect(sizes("r", "eth1")).toEqual([996, 524, 996, 524, 68]); // 976 + 504 per 1480
  });

  it("DF set and too big for the next link: ICMP fragmentation needed with the next-hop MTU", () => {
    const { sim, h1 } = routed();
    const client = h1.stack.openUdp();
    client.recvErr = true;
    client.pmtudisc = "do";
    const errors: string[] = [];
    client.onError((e) => errors.push(`${e.errno} mtu ${e.info & 0xffff} from ${e.origin}`));
    sim.at(SECOND, () => expect(client.send(payload(1400), { dst: ip("10.0.2.20"), port: 9 })).toBeUndefined());
    sim.runUntil(2 * SECOND);
    expect(errors).toEqual([`EMSGSIZE mtu 1000 from ${ip("10.0.1.1")}`]);
    expect(client.send(payload(1600), { dst: ip("10.0.2.20"), port: 9 })).toBe("EMSGSIZE");
  });

  it("an incomplete datagram is dropped after 30 s with time exceeded (fragment reassembly)", () => {
    const { sim, h1, h2 } = routed();
    const events = recordTrace(sim);
    const client = h1.stack.openUdp();
    client.recvErr = true;
    const errors: string[] = [];
    client.onError((e) => errors.push(`${e.type}/${e.code}`));
    ping(h1.stack, ip("10.0.2.20"), { count: 1, start: SECOND / 2 });
    // Lose every fragment but the first on the way to h2.
    const eth0 = h2.nics.get("eth0")!;
    const receive = eth0.receive.bind(eth0);
    eth0.receive = (frame: Uint8Array) => {
      const d = decodeFrame(frame);
      if (d.ok && d.value.ipv4 && d.value.ipv4.fragmentOffset > 0) return;
      receive(frame);
    };
    sim.at(SECOND, () => client.send(payload(3000), { dst: ip("10.0.2.20"), port: 9 }));
    sim.runUntil(40 * SECOND);
    expect(errors).toEqual(["11/1"]);
    const icmp = ofKind(events, "icmp").find((e) => e.node === "h2" && e.type === 11);
    expect(icmp!.time).toBeGreaterThanOrEqual(31 * SECOND);
    expect(icmp!.time).toBeLessThan(31 * SECOND + 10_000);
  });
});
