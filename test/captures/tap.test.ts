// The tap turns what interfaces see into capture files: one pcap per interface, one pcapng with
// real interface names and a comment per packet. Checked by reading the files back.
import { describe, expect, it } from "vitest";
import { Sim } from "../../netsim/engine/sim.ts";
import { Nic } from "../../netsim/l2/nic.ts";
import { Cable } from "../../netsim/l2/cable.ts";
import { buildArp } from "../../netsim/wire/build.ts";
import { ArpOp } from "../../netsim/wire/arp.ts";
import { BROADCAST_MAC, parseIpv4, parseMac } from "../../netsim/wire/address.ts";
import { TraceRecorder } from "../../captures/tap.ts";
import { readCapture } from "../../captures/read-capture.ts";

const macA = parseMac("00:16:3e:00:00:01")!;
const macB = parseMac("00:16:3e:00:00:02")!;

function twoHosts(seed = 1) {
  const sim = new Sim(seed);
  const a = new Nic(sim, "dom0", "peth0", macA);
  const b = new Nic(sim, "router", "eth0", macB);
  new Cable(a, b, { latency: 5 });
  a.setUp(true);
  b.setUp(true);
  return { sim, a, b };
}

const request = () =>
  buildArp({ op: ArpOp.Request, senderMac: macA, senderIp: parseIpv4("192.0.2.10")!, targetMac: 0, targetIp: parseIpv4("192.0.2.1")! }, { dst: BROADCAST_MAC });

describe("TraceRecorder", () => {
  it("writes a pcap per interface with what it sent and received", () => {
    const { sim, a } = twoHosts();
    const tap = new TraceRecorder(sim, { hostNode: "dom0" });
    sim.schedule(1_000_000, () => a.transmit(request()));
    sim.runUntilIdle();
    expect(tap.interfaces()).toEqual([
      { node: "dom0", dev: "peth0" },
      { node: "router", dev: "eth0" },
    ]);
    const sent = readCapture(tap.pcapOf("dom0", "peth0"));
    const got = readCapture(tap.pcapOf("router", "eth0"));
    if (!sent.ok || !got.ok) throw new Error("unreadable capture");
    expect(sent.value.packets.map((p) => p.timeMicros)).toEqual([1_000_000]);
    expect(got.value.packets).toHaveLength(1);
    expect(got.value.packets[0]!.timeMicros).toBeGreaterThan(1_000_005);
    expect(Array.from(got.value.packets[0]!.data)).toEqual(Array.from(request()));
  });

  it("names interfaces in the pcapng and comments each packet with what happened to it", () => {
    const { sim, a } = twoHosts();
    const tap = new TraceRecorder(sim, { hostNode: "dom0" });
    const toSomeoneElse = buildArp(
      { op: ArpOp.Reply, senderMac: macA, senderIp: parseIpv4("192.0.2.10")!, targetMac: 0x02_00_00_00_00_99, targetIp: parseIpv4("192.0.2.99")! },
      { dst: 0x02_00_00_00_00_99 },
    );
    sim.schedule(10, () => a.transmit(toSomeoneElse));
    sim.runUntilIdle();
    const file = readCapture(tap.pcapng());
    if (!file.ok) throw new Error(file.error.message);
    expect(file.value.interfaces?.map((i) => i.name)).toEqual(["peth0", "router:eth0"]);
    expect(file.value.packets.map((p) => p.comment)).toEqual(["sent by peth0", "received on eth0; eth0: dropped (not-for-us)"]);
  });

  it("keeps about maxFrames of the newest frames, dropping the oldest in blocks", () => {
    const { sim, a } = twoHosts();
    const tap = new TraceRecorder(sim, { maxFrames: 10 });
    for (let i = 0; i < 25; i++) sim.schedule(i * 1000, () => a.transmit(request()));
    sim.runUntilIdle();
    // 50 records (each frame sent and received); every overflow cuts back to 9, a tenth under 10.
    expect(tap.records().length).toBeLessThanOrEqual(10);
    expect(tap.records().length + tap.dropped).toBe(50);
    expect(tap.records().at(-1)!.timeMicros).toBeGreaterThan(24_000);
    const file = readCapture(tap.pcapOf("router", "eth0"));
    if (!file.ok) throw new Error("unreadable capture");
    expect(file.value.packets.length).toBe(tap.records().filter((r) => r.node === "router").length);
  });

  it("is byte-identical for the same seed", () => {
    const run = () => {
      const { sim, a } = twoHosts(7);
      const tap = new TraceRecorder(sim);
      for (let i = 0; i < 5; i++) sim.schedule(i * 1000, () => a.transmit(request()));
      sim.runUntilIdle();
      return Buffer.from(tap.pcapng()).toString("hex");
    };
    expect(run()).toBe(run());
  });
});
