// The netfilter hook points as the stack calls them (PREROUTING → INPUT | FORWARD → POSTROUTING;
// OUTPUT → POSTROUTING), and what it does with the verdicts: drop, REJECT with an ICMP error or a
// TCP reset, and a rewritten packet (NAT) that must be routed again.
//
//   h1 10.0.1.10 ── eth0 10.0.1.1 [r] eth1 10.0.2.1 ── 10.0.2.20 h2
import { describe, expect, it } from "vitest";
import type { HookContext, HookPoint, PacketHooks, Verdict } from "../../../netsim/l3/hooks.ts";
import type { IpPacketInfo } from "../../../netsim/l3/ipv4-stack.ts";
import { writeIpv4 } from "../../../netsim/wire/address.ts";
import { internetChecksum } from "../../../netsim/wire/checksum.ts";
import { writeU16 } from "../../../netsim/wire/bytes.ts";
import { parseTcp, emitTcp, tcpBufferLen, TcpFlags, type TcpRepr } from "../../../netsim/wire/tcp.ts";
import { host, ip, ofKind, ping, recordTrace, Sim, SECOND, wire } from "./helpers.ts";

type Rule = (hook: HookPoint, packet: Uint8Array, ctx: HookContext) => Verdict | undefined;

class Recorder implements PacketHooks {
  readonly calls: string[] = [];
  constructor(private readonly rule: Rule = () => undefined) {}
  run(hook: HookPoint, packet: Uint8Array, ctx: HookContext): Verdict {
    this.calls.push(`${hook} in=${ctx.inDev ?? "-"} out=${ctx.outDev ?? "-"}${ctx.nextHop !== undefined ? " nh" : ""} proto=${packet[9]}`);
    return this.rule(hook, packet, ctx) ?? { action: "accept", packet };
  }
}

function routed() {
  const sim = new Sim(1);
  const h1 = host(sim, "h1", { eth0: "10.0.1.10/24" }, 0x10);
  const r = host(sim, "r", { eth0: "10.0.1.1/24", eth1: "10.0.2.1/24" }, 0x30);
  const h2 = host(sim, "h2", { eth0: "10.0.2.20/24" }, 0x20);
  wire(h1, "eth0", r, "eth0");
  wire(r, "eth1", h2, "eth0");
  r.stack.ipForward = true;
  h1.stack.addRoute({ dst: 0, prefix: 0, gateway: ip("10.0.1.1") });
  h2.stack.addRoute({ dst: 0, prefix: 0, gateway: ip("10.0.2.1") });
  return { sim, h1, r, h2 };
}

const SYN: TcpRepr = { srcPort: 40000, dstPort: 80, seq: 1000, ack: 0, flags: TcpFlags.Syn, window: 5840, urgent: 0, options: [], payload: new Uint8Array(0) };

describe("netfilter hook points", () => {
  it("a forwarded packet passes PREROUTING, FORWARD, POSTROUTING; a local one PREROUTING, INPUT; a reply OUTPUT, POSTROUTING", () => {
    const { sim, h1, r, h2 } = routed();
    const onR = new Recorder();
    const onH2 = new Recorder();
    r.stack.hooks = onR;
    h2.stack.hooks = onH2;
    ping(h1.stack, ip("10.0.2.20"), { count: 1, start: SECOND });
    sim.runUntil(2 * SECOND);
    expect(onR.calls.slice(0, 3)).toEqual(["PREROUTING in=eth0 out=- proto=1", "FORWARD in=eth0 out=eth1 proto=1", "POSTROUTING in=- out=eth1 nh proto=1"]);
    expect(onH2.calls).toEqual(["PREROUTING in=eth0 out=- proto=1", "INPUT in=eth0 out=- proto=1", "OUTPUT in=- out=eth0 proto=1", "POSTROUTING in=- out=eth0 nh proto=1"]);
  });

  it("DROP in FORWARD: traced as filtered, nothing comes back", () => {
    const { sim, h1, r } = routed();
    const events = recordTrace(sim);
    r.stack.hooks = new Recorder((hook) => (hook === "FORWARD" ? { action: "drop", reason: "FORWARD DROP" } : undefined));
    const results = ping(h1.stack, ip("10.0.2.20"), { count: 1, start: SECOND });
    sim.runUntil(3 * SECOND);
    expect(results[0]).toEqual({ seq: 1, sentAt: SECOND });
    expect(ofKind(events, "ip-drop").filter((e) => e.node === "r")).toMatchObject([{ reason: "filtered", detail: "FORWARD: FORWARD DROP" }]);
  });

  it("REJECT in INPUT with icmp-port-unreachable: the sender's socket hears ECONNREFUSED", () => {
    const { sim, h1, h2 } = routed();
    h2.stack.hooks = new Recorder((hook, p) => (hook === "INPUT" && p[9] === 17 ? { action: "reject", with: "icmp-port-unreachable", reason: "REJECT" } : undefined));
    const server = h2.stack.openUdp();
    server.bind(0, 53);
    const client = h1.stack.openUdp();
    client.recvErr = true;
    const errors: string[] = [];
    client.onError((e) => errors.push(`${e.errno} ${e.origin}`));
    sim.at(SECOND, () => client.send(new Uint8Array(8), { dst: ip("10.0.2.20"), port: 53 }));
    sim.runUntil(2 * SECOND);
    expect(errors).toEqual([`ECONNREFUSED ${ip("10.0.2.20")}`]);
  });

  it("REJECT --reject-with tcp-reset: a RST|ACK acknowledging the SYN comes back from the destination", () => {
    const { sim, h1, h2 } = routed();
    h2.stack.hooks = new Recorder((hook, p) => (hook === "INPUT" && p[9] === 6 ? { action: "reject", with: "tcp-reset", reason: "REJECT" } : undefined));
    const got: IpPacketInfo[] = [];
    h1.stack.registerProtocol(6, { receive: (p) => got.push(p) });
    sim.at(SECOND, () => {
      const err = h1.stack.sendIp({ dst: ip("10.0.2.20"), protocol: 6 }, tcpBufferLen(SYN), (frame, at, src, dst) => emitTcp(SYN, frame, at, src, dst));
      expect(err).toBeUndefined();
    });
    sim.runUntil(2 * SECOND);
    expect(got).toHaveLength(1);
    const rst = parseTcp(got[0]!.packet.subarray(got[0]!.headerLen), got[0]!.src, got[0]!.dst);
    expect(rst.ok && rst.value).toMatchObject({ srcPort: 80, dstPort: 40000, seq: 0, ack: 1001, flags: TcpFlags.Rst | TcpFlags.Ack });
    expect(got[0]).toMatchObject({ src: ip("10.0.2.20"), ttl: 63 });
  });

  it("a destination rewritten in OUTPUT (DNAT) is routed again", () => {
    const { sim, h1 } = routed();
    h1.stack.hooks = new Recorder((hook, p) => {
      if (hook !== "OUTPUT" || p[9] !== 1) return undefined;
      const copy = p.slice();
      writeIpv4(copy, 16, ip("10.0.2.20"));
      writeU16(copy, 10, 0);
      writeU16(copy, 10, internetChecksum(copy, 0, 20));
      return { action: "accept", packet: copy };
    });
    const events = recordTrace(sim);
    ping(h1.stack, ip("10.0.1.99"), { count: 1, start: SECOND });
    sim.runUntil(2 * SECOND);
    expect(ofKind(events, "route").find((e) => e.node === "h1")).toMatchObject({ dst: ip("10.0.2.20"), via: ip("10.0.1.1") });
    expect(ofKind(events, "icmp").find((e) => e.node === "h2")).toMatchObject({ type: 0, dst: ip("10.0.1.10") });
  });
});
