// UDP sockets on Linux 2.6.32 terms: binding rules, delivery with source information, port
// unreachable for closed ports and the error reaching the sender's socket, broadcasts,
// SO_BINDTODEVICE and traffic to ourselves over lo.
//
//   h1 10.0.0.1/24 eth0 ──── cable ──── eth0 10.0.0.2/24 h2 eth1 192.168.7.2/24 (no cable)
import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../../netsim/wire/decode.ts";
import type { UdpDatagramInfo } from "../../../netsim/l3/udp-sockets.ts";
import { host, ip, ofKind, recordTrace, Sim, SECOND, wire } from "./helpers.ts";

function pair() {
  const sim = new Sim(1);
  const h1 = host(sim, "h1", { eth0: "10.0.0.1/24" }, 0x10);
  const h2 = host(sim, "h2", { eth0: "10.0.0.2/24", eth1: "192.168.7.2/24" }, 0x20);
  wire(h1, "eth0", h2, "eth0");
  return { sim, h1, h2 };
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe("UDP sockets", () => {
  it("delivers a datagram with its source, ports, device and TTL; the source address is routing's choice", () => {
    const { sim, h1, h2 } = pair();
    const server = h2.stack.openUdp();
    expect(server.bind(0, 5000)).toBeUndefined();
    const got: UdpDatagramInfo[] = [];
    server.onMessage((d) => got.push(d));
    const client = h1.stack.openUdp();
    sim.at(SECOND, () => expect(client.send(bytes("hello"), { dst: ip("10.0.0.2"), port: 5000 })).toBeUndefined());
    sim.runUntil(2 * SECOND);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ src: ip("10.0.0.1"), srcPort: client.localPort, dst: ip("10.0.0.2"), dstPort: 5000, dev: "eth0", ttl: 64, broadcast: false });
    expect(new TextDecoder().decode(got[0]!.payload)).toBe("hello");
    expect(client.localPort).toBeGreaterThanOrEqual(32768);
    expect(client.localPort).toBeLessThanOrEqual(61000);
  });

  it("a datagram to a closed port: ICMP port unreachable from the address it was sent to; IP_RECVERR reports ECONNREFUSED", () => {
    const { sim, h1 } = pair();
    const events = recordTrace(sim);
    const client = h1.stack.openUdp();
    client.recvErr = true;
    const errors: string[] = [];
    client.onError((e) => errors.push(`${e.errno} from ${e.origin} type ${e.type} code ${e.code} about ${e.offender.dst}:${e.offender.dstPort} ttl ${e.quote[8]}`));
    sim.at(SECOND, () => client.send(bytes("x"), { dst: ip("10.0.0.2"), port: 33434 }));
    sim.runUntil(2 * SECOND);
    expect(errors).toEqual([`ECONNREFUSED from ${ip("10.0.0.2")} type 3 code 3 about ${ip("10.0.0.2")}:33434 ttl 64`]);
    expect(ofKind(events, "icmp")).toMatchObject([{ node: "h2", type: 3, code: 3, src: ip("10.0.0.2"), dst: ip("10.0.0.1") }]);
    expect(ofKind(events, "ip-drop").find((e) => e.node === "h2")).toMatchObject({ reason: "no-socket", detail: "udp port 33434" });
  });

  it("without IP_RECVERR only a connected socket hears it, as the next send's ECONNREFUSED", () => {
    const { sim, h1 } = pair();
    const quiet = h1.stack.openUdp();
    const connected = h1.stack.openUdp();
    expect(connected.connect(ip("10.0.0.2"), 7)).toBeUndefined();
    expect(connected.localAddr).toBe(ip("10.0.0.1"));
    sim.at(SECOND, () => {
      quiet.send(bytes("a"), { dst: ip("10.0.0.2"), port: 9 });
      connected.send(bytes("b"));
    });
    sim.runUntil(2 * SECOND);
    expect(quiet.pendingError).toBeNull();
    expect(connected.send(bytes("c"))).toBe("ECONNREFUSED");
    expect(connected.send(bytes("d"))).toBeUndefined();
  });

  it("bind: EADDRINUSE on overlap unless both reuse; EADDRNOTAVAIL for an address that is not ours", () => {
    const { h2 } = pair();
    const a = h2.stack.openUdp();
    const b = h2.stack.openUdp();
    expect(a.bind(0, 53)).toBeUndefined();
    expect(b.bind(ip("10.0.0.2"), 53)).toBe("EADDRINUSE");
    expect(b.bind(ip("10.9.9.9"), 54)).toBe("EADDRNOTAVAIL");
    const c = h2.stack.openUdp();
    const d = h2.stack.openUdp();
    c.reuseAddr = true;
    d.reuseAddr = true;
    expect(c.bind(0, 67)).toBeUndefined();
    expect(d.bind(0, 67)).toBeUndefined();
    const e = h2.stack.openUdp();
    const f = h2.stack.openUdp();
    e.boundDev = "eth0";
    f.boundDev = "eth1";
    expect(e.bind(0, 68)).toBeUndefined();
    expect(f.bind(0, 68)).toBeUndefined();
  });

  it("broadcasts: need SO_BROADCAST to send; reach sockets bound to 0.0.0.0 but not to a unicast address; no port unreachable", () => {
    const { sim, h1, h2 } = pair();
    const events = recordTrace(sim);
    const any = h2.stack.openUdp();
    any.bind(0, 6000);
    const unicast = h2.stack.openUdp();
    unicast.reuseAddr = true;
    any.reuseAddr = true;
    const seen: string[] = [];
    any.onMessage((d) => seen.push(`any ${d.dst} ${d.broadcast}`));
    unicast.bind(ip("10.0.0.2"), 6000);
    unicast.onMessage((d) => seen.push(`unicast ${d.dst}`));
    const sender = h1.stack.openUdp();
    expect(sender.send(bytes("b"), { dst: ip("10.0.0.255"), port: 6000 })).toBe("EACCES");
    // 255.255.255.255 is routed like any destination: without a default route it is unreachable.
    expect(sender.send(bytes("b"), { dst: 0xffffffff, port: 6000 })).toBe("ENETUNREACH");
    expect(h1.stack.addRoute({ dst: 0, prefix: 0, gateway: ip("10.0.0.2") })).toBeUndefined();
    sender.broadcast = true;
    sim.at(SECOND, () => {
      sender.send(bytes("b"), { dst: 0xffffffff, port: 6000 });
      sender.send(bytes("b"), { dst: ip("10.0.0.255"), port: 6000 });
      sender.send(bytes("b"), { dst: ip("10.0.0.255"), port: 6001 });
    });
    sim.runUntil(2 * SECOND);
    expect(seen).toEqual([`any ${0xffffffff} true`, `any ${ip("10.0.0.255")} true`]);
    const frames = ofKind(events, "tx").filter((e) => e.node === "h1").map((e) => decodeFrame(e.frame));
    expect(frames.every((d) => d.ok && d.value.eth.dst === 0xffffffffffff)).toBe(true);
    expect(ofKind(events, "icmp")).toEqual([]);
  });

  it("SO_BINDTODEVICE: a socket bound to eth1 does not get eth0's traffic; sending from it leaves eth1 even to 255.255.255.255", () => {
    const { sim, h1, h2 } = pair();
    const events = recordTrace(sim);
    const onEth1 = h2.stack.openUdp();
    onEth1.boundDev = "eth1";
    onEth1.broadcast = true;
    onEth1.bind(0, 7000);
    const got: string[] = [];
    onEth1.onMessage((d) => got.push(d.dev));
    sim.at(SECOND, () => {
      h1.stack.openUdp().send(bytes("x"), { dst: ip("10.0.0.2"), port: 7000 });
      expect(onEth1.send(bytes("y"), { dst: 0xffffffff, port: 67 })).toBeUndefined();
    });
    sim.runUntil(2 * SECOND);
    expect(got).toEqual([]);
    // eth1 has no cable: the frame reaches the device, which drops it for want of a carrier.
    const out = ofKind(events, "drop").filter((e) => e.node === "h2" && e.dev === "eth1");
    expect(out.map((e) => e.reason)).toEqual(["no-carrier"]);
    const d = decodeFrame(out[0]!.frame!);
    expect(d.ok && d.value.ipv4?.src).toBe(ip("192.168.7.2"));
  });

  it("to one of our own addresses: through lo, received on lo", () => {
    const { sim, h2 } = pair();
    const events = recordTrace(sim);
    const server = h2.stack.openUdp();
    server.bind(0, 8000);
    const got: string[] = [];
    server.onMessage((d) => got.push(`${d.dev} ${d.src}`));
    sim.at(SECOND, () => h2.stack.openUdp().send(bytes("me"), { dst: ip("192.168.7.2"), port: 8000 }));
    sim.runUntil(2 * SECOND);
    expect(got).toEqual([`lo ${ip("192.168.7.2")}`]);
    expect(ofKind(events, "tx").map((e) => e.dev)).toEqual(["lo"]);
  });
});
