// The bridge's half of bridge netfilter (br_netfilter.c) against a recording hook: which frames go
// to iptables (IPv4 from a port; 802.1Q/PPPoE only with their sysctls; never ARP, never what dom0's
// stack sends), the hook order PREROUTING, then FORWARD and POSTROUTING per output port with one
// shared skb, the header check, drops per port, and a rewritten packet leaving in a new frame.
import { describe, expect, it } from "vitest";
import { Sim } from "../../../../netsim/engine/sim.ts";
import type { TraceEvent } from "../../../../netsim/engine/trace.ts";
import { Bridge, defaultBridgeNfSettings, type BridgeNetfilterHook, type BridgeNfCall, type BridgeNfPoint, type BridgeNfVerdict } from "../../../../netsim/l2/bridge/index.ts";
import { BROADCAST_MAC } from "../../../../netsim/wire/address.ts";
import { buildIcmpEcho } from "../../../../netsim/wire/build.ts";
import { attachHost, Inbox, testFrame } from "./helpers.ts";

const H1 = 0x02_00_00_00_00_01;
const H2 = 0x02_00_00_00_00_02;
const H3 = 0x02_00_00_00_00_03;

interface Seen {
  readonly point: BridgeNfPoint;
  readonly physIn: string;
  readonly physOut: string | undefined;
  readonly shared: boolean;
  readonly skb: object;
}

/** A hook that records its calls and answers with `decide` (default: accept unchanged). */
function recorder(decide: (point: BridgeNfPoint, packet: Uint8Array, call: BridgeNfCall) => BridgeNfVerdict = (_p, packet) => ({ action: "accept", packet })) {
  const seen: Seen[] = [];
  const hook: BridgeNetfilterHook = {
    settings: defaultBridgeNfSettings(),
    active: () => true,
    run(point, packet, call) {
      seen.push({ point, physIn: call.physIn, physOut: call.physOut, shared: call.shared, skb: call.skb });
      return decide(point, packet, call);
    },
  };
  return { hook, seen };
}

function lan(hook: BridgeNetfilterHook) {
  const sim = new Sim(1);
  const br = new Bridge(sim, "dom0", "br0", { forwardDelay: 0 });
  br.setNetfilterHook(hook);
  const up = new Inbox();
  br.attach(up);
  const hosts = [H1, H2, H3].map((m, i) => attachHost(sim, br, `h${i + 1}`, m, `vif${i + 1}.0`, 0xfe_ff_ff_ff_ff_01 + i));
  br.setUp(true);
  sim.runFor(1);
  const events: TraceEvent[] = [];
  sim.trace.subscribe((e) => events.push(e));
  return { sim, br, up, hosts, events };
}

/** An ICMP echo request from `src` to `dst` MAC (10.0.0.1 → 10.0.0.2). */
function echoFrame(dst: number, src: number): Uint8Array {
  return buildIcmpEcho({ src, dst }, { src: 0x0a00_0001, dst: 0x0a00_0002 }, { ident: 1, seq: 1, reply: false, data: new Uint8Array(8) });
}

function send(l: ReturnType<typeof lan>, from: number, frame: Uint8Array): void {
  l.sim.post(0, () => l.hosts[from]!.eth0.transmit(frame));
  l.sim.runFor(1000);
}

describe("bridge netfilter hook points", () => {
  it("runs PREROUTING once, then FORWARD and POSTROUTING for the learned port", () => {
    const { hook, seen } = recorder();
    const l = lan(hook);
    send(l, 1, testFrame(H1, H2, 0));
    send(l, 0, echoFrame(H2, H1));
    expect(seen.map((s) => [s.point, s.physIn, s.physOut])).toEqual([
      ["PREROUTING", "vif1.0", undefined],
      ["FORWARD", "vif1.0", "vif2.0"],
      ["POSTROUTING", "vif1.0", "vif2.0"],
    ]);
    expect(new Set(seen.map((s) => s.skb)).size).toBe(1);
    expect(l.hosts[1]!.inbox.frames).toHaveLength(1);
  });

  it("floods through FORWARD/POSTROUTING once per port; a drop on one port leaves the others", () => {
    const { hook, seen } = recorder((point, packet, call) => (point === "FORWARD" && call.physOut === "vif2.0" ? { action: "drop", reason: "policy DROP" } : { action: "accept", packet }));
    const l = lan(hook);
    send(l, 0, echoFrame(BROADCAST_MAC, H1));
    expect(seen.map((s) => `${s.point} ${s.physOut ?? "-"} ${s.shared}`)).toEqual([
      "PREROUTING - false",
      "FORWARD vif2.0 true",
      "FORWARD vif3.0 false",
      "POSTROUTING vif3.0 false",
    ]);
    expect(l.hosts[1]!.inbox.frames).toHaveLength(0);
    expect(l.hosts[2]!.inbox.frames).toHaveLength(1);
    expect(l.up.frames).toHaveLength(1);
    const drop = l.events.find((e) => e.kind === "drop");
    expect(drop).toMatchObject({ dev: "vif1.0", reason: "filtered", detail: "FORWARD: policy DROP (to vif2.0)" });
  });

  it("leaves ARP, other ethertypes and dom0's own frames alone", () => {
    const { hook, seen } = recorder();
    const l = lan(hook);
    send(l, 0, testFrame(BROADCAST_MAC, H1, 7));
    l.sim.post(0, () => l.br.transmit(echoFrame(BROADCAST_MAC, l.br.mac)));
    l.sim.runFor(1000);
    expect(seen).toEqual([]);
    expect(l.hosts[1]!.inbox.frames).toHaveLength(2);
  });

  it("filters 802.1Q-tagged IPv4 only with bridge-nf-filter-vlan-tagged, and calls nothing with bridge-nf-call-iptables = 0", () => {
    const { hook, seen } = recorder();
    const l = lan(hook);
    const plain = echoFrame(BROADCAST_MAC, H1);
    const tagged = new Uint8Array(plain.length + 4);
    tagged.set(plain.subarray(0, 12));
    tagged.set([0x81, 0x00, 0x00, 0x0a], 12);
    tagged.set(plain.subarray(12), 16);
    send(l, 0, tagged);
    expect(seen).toHaveLength(0);
    hook.settings.filterVlanTagged = true;
    send(l, 0, tagged);
    expect(seen.map((s) => s.point)).toEqual(["PREROUTING", "FORWARD", "POSTROUTING", "FORWARD", "POSTROUTING"]);
    hook.settings.callIptables = false;
    send(l, 0, plain);
    expect(seen).toHaveLength(5);
    expect(l.hosts[2]!.inbox.frames).toHaveLength(3);
  });

  it("drops a bad IPv4 header before any hook; an inactive netfilter only checks the header", () => {
    const { hook, seen } = recorder();
    const l = lan(hook);
    const bad = echoFrame(H2, H1);
    bad[24] = bad[24]! ^ 0xff;
    send(l, 0, bad);
    expect(l.events.find((e) => e.kind === "drop")).toMatchObject({ dev: "vif1.0", reason: "malformed", detail: "br_netfilter: bad IPv4 header" });
    const quiet: BridgeNetfilterHook = { ...hook, active: () => false };
    l.br.setNetfilterHook(quiet);
    const good = echoFrame(H2, H1);
    send(l, 0, good);
    expect(seen).toEqual([]);
    expect(l.hosts[1]!.inbox.frames.at(-1)).toBe(good);
  });

  it("sends a rewritten packet in a new frame with the same link header, the original untouched", () => {
    const { hook } = recorder((point, packet) => {
      if (point !== "POSTROUTING") return { action: "accept", packet };
      const copy = packet.slice();
      copy[8] = 1;
      return { action: "accept", packet: copy };
    });
    const l = lan(hook);
    const frame = echoFrame(BROADCAST_MAC, H1);
    send(l, 0, frame);
    const got = l.hosts[1]!.inbox.frames[0]!;
    expect(got).not.toBe(frame);
    expect(got.subarray(0, 14)).toEqual(frame.subarray(0, 14));
    expect(got[22]).toBe(1);
    expect(frame[22]).toBe(64);
  });
});
