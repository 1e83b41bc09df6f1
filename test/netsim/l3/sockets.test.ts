// Packet sockets (what DHCP uses before an address exists), raw ICMP sockets (ping's view of
// every ICMP message), the protocol registration TCP uses, and a property: no frame, however
// malformed, makes a stack throw.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { IcmpErrorReport } from "../../../netsim/l3/icmp-handler.ts";
import { buildIpv4Udp } from "../../../netsim/wire/build.ts";
import { BROADCAST_MAC, writeIpv4 } from "../../../netsim/wire/address.ts";
import { writeU16 } from "../../../netsim/wire/bytes.ts";
import { internetChecksum } from "../../../netsim/wire/checksum.ts";
import { emitTcp, tcpBufferLen, TcpFlags } from "../../../netsim/wire/tcp.ts";
import { host, ip, mac, ping, Sim, SECOND, wire } from "./helpers.ts";

function pair() {
  const sim = new Sim(1);
  const h1 = host(sim, "h1", { eth0: "10.0.0.1/24" }, 0x10);
  const h2 = host(sim, "h2", { eth0: "" }, 0x20);
  wire(h1, "eth0", h2, "eth0");
  return { sim, h1, h2 };
}

describe("packet sockets", () => {
  it("see every frame of their device before IP does, and send whole frames, with no address configured", () => {
    const { sim, h1, h2 } = pair();
    const sock = h2.stack.openPacketSocket("eth0");
    if (typeof sock === "string") throw new Error(sock);
    const seen: string[] = [];
    sock.onFrame((f, info) => seen.push(`${info.pktType} ${(f[12]! << 8) | f[13]!}`));
    const server = h1.stack.openUdp();
    server.bind(0, 67);
    const got: string[] = [];
    server.onMessage((d) => got.push(`${d.src}:${d.srcPort} ${d.broadcast}`));
    sim.at(SECOND, () => {
      const discover = buildIpv4Udp({ src: mac(0x20), dst: BROADCAST_MAC }, { src: 0, dst: 0xffffffff }, { srcPort: 68, dstPort: 67, payload: new Uint8Array(300) });
      expect(sock.send(discover)).toBe(true);
    });
    sim.runUntil(2 * SECOND);
    expect(got).toEqual(["0:68 true"]);
    const ping1 = ping(h1.stack, ip("10.0.0.2"), { count: 1, start: 2 * SECOND });
    sim.runUntil(3 * SECOND);
    expect(ping1[0]?.repliedAt).toBeUndefined();
    expect(seen).toEqual(["broadcast 2054"]); // h1's ARP request for 10.0.0.2
  });

  it("with `outgoing`, also see what the stack sends on the device", () => {
    const { sim, h1 } = pair();
    const sock = h1.stack.openPacketSocket("eth0", { outgoing: true });
    if (typeof sock === "string") throw new Error(sock);
    const seen: string[] = [];
    sock.onFrame((_f, info) => seen.push(info.pktType));
    ping(h1.stack, ip("10.0.0.2"), { count: 1, start: SECOND });
    sim.runUntil(2 * SECOND);
    expect(seen).toEqual(["outgoing"]);
    expect(h1.stack.openPacketSocket("eth9")).toBe("ENODEV");
  });
});

describe("raw ICMP sockets", () => {
  it("see the echo requests the kernel answers; ICMP_FILTER hides types", () => {
    const { sim, h1, h2 } = pair();
    h2.stack.addAddress("eth0", { address: ip("10.0.0.2"), prefix: 24 });
    const all = h2.stack.openRawIcmp();
    const filtered = h2.stack.openRawIcmp();
    filtered.filter = 1 << 8;
    const seen: string[] = [];
    all.onMessage((p) => seen.push(`all ${p.icmp[0]}`));
    filtered.onMessage((p) => seen.push(`filtered ${p.icmp[0]}`));
    const results = ping(h1.stack, ip("10.0.0.2"), { count: 1, start: SECOND });
    sim.runUntil(2 * SECOND);
    expect(results[0]?.ttl).toBe(64);
    expect(seen).toEqual(["all 8"]);
  });

  it("a timestamp request gets a 20-byte reply: originate copied, receive and transmit in ms of the day", () => {
    const { sim, h1, h2 } = pair();
    h2.stack.addAddress("eth0", { address: ip("10.0.0.2"), prefix: 24 });
    const sock = h1.stack.openRawIcmp();
    const replies: Uint8Array[] = [];
    sock.onMessage((p) => replies.push(p.icmp.slice()));
    const req = new Uint8Array(24);
    req.set([13, 0, 0, 0, 0x12, 0x34, 0, 1, 0, 0, 0x03, 0xe8]);
    writeU16(req, 2, internetChecksum(req));
    sim.at(2 * SECOND, () => sock.send(ip("10.0.0.2"), req));
    sim.runUntil(3 * SECOND);
    expect(replies).toHaveLength(1);
    const r = replies[0]!;
    expect(r.length).toBe(20);
    expect(Array.from(r.subarray(0, 2))).toEqual([14, 0]);
    expect(Array.from(r.subarray(4, 12))).toEqual([0x12, 0x34, 0, 1, 0, 0, 0x03, 0xe8]);
    expect((r[12]! << 24) | (r[13]! << 16) | (r[14]! << 8) | r[15]!).toBe(2004);
    expect(internetChecksum(r)).toBe(0);
  });

  it("an echo request to a broadcast address is ignored (icmp_echo_ignore_broadcasts) and needs SO_BROADCAST to send", () => {
    const { sim, h1, h2 } = pair();
    h2.stack.addAddress("eth0", { address: ip("10.0.0.2"), prefix: 24, broadcast: "auto" });
    const sock = h1.stack.openRawIcmp();
    expect(sock.send(ip("10.0.0.255"), new Uint8Array(8))).toBe("EACCES");
    sock.broadcast = true;
    const replies: number[] = [];
    sock.onMessage((p) => replies.push(p.icmp[0]!));
    const echo = new Uint8Array([8, 0, 0xf7, 0xff, 0, 0, 0, 0]);
    sim.at(SECOND, () => expect(sock.send(ip("10.0.0.255"), echo)).toBeUndefined());
    sim.runUntil(2 * SECOND);
    expect(replies).toEqual([8]); // our own broadcast, looped back; no reply from h2
  });
});

describe("protocol registration (TCP)", () => {
  it("sendIp hands the writer the chosen source; ICMP errors about the protocol's packets reach its handler", () => {
    const { sim, h1 } = pair();
    const errors: IcmpErrorReport[] = [];
    h1.stack.registerProtocol(6, { receive: () => undefined, error: (e) => errors.push(e) });
    const seg = { srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: TcpFlags.Syn, window: 0, urgent: 0, options: [], payload: new Uint8Array(0) };
    let chosen = 0;
    sim.at(SECOND, () =>
      h1.stack.sendIp({ dst: ip("10.0.0.77"), protocol: 6 }, tcpBufferLen(seg), (f, at, src, dst) => {
        chosen = src;
        emitTcp(seg, f, at, src, dst);
      }),
    );
    sim.runUntil(6 * SECOND);
    expect(chosen).toBe(ip("10.0.0.1"));
    expect(errors.map((e) => [e.type, e.code, e.origin])).toEqual([[3, 1, ip("10.0.0.1")]]);
    expect(() => h1.stack.registerProtocol(17, null)).toThrow();
  });
});

describe("robustness", () => {
  it("random frames into a stack never throw", () => {
    // An IPv4 packet with a valid header checksum and random everything else, so that it gets past
    // ip_rcv into routing, forwarding, ICMP, UDP and the error paths.
    const validIp = fc
      .record({
        tos: fc.integer({ min: 0, max: 255 }),
        frag: fc.constantFrom(0, 0x4000, 0x2000, 0x0001),
        ttl: fc.integer({ min: 0, max: 3 }),
        proto: fc.constantFrom(1, 6, 17, 47),
        src: fc.constantFrom(ip("10.0.0.1"), ip("10.0.0.2"), 0, 0xffffffff, ip("127.0.0.1"), ip("192.0.2.7")),
        dst: fc.constantFrom(ip("10.0.0.2"), ip("10.0.0.255"), 0xffffffff, ip("224.0.0.1"), ip("198.51.100.1"), 0),
        body: fc.uint8Array({ maxLength: 80 }),
        lenSkew: fc.constantFrom(0, 0, 0, 4, -4),
      })
      .map((p) => {
        const f = new Uint8Array(34 + p.body.length);
        f.fill(0xff, 0, 6);
        f[12] = 0x08;
        f[14] = 0x45;
        f[15] = p.tos;
        writeU16(f, 16, Math.max(0, 20 + p.body.length + p.lenSkew));
        writeU16(f, 20, p.frag);
        f[22] = p.ttl;
        f[23] = p.proto;
        writeIpv4(f, 26, p.src);
        writeIpv4(f, 30, p.dst);
        writeU16(f, 24, internetChecksum(f, 14, 34));
        f.set(p.body, 34);
        return f;
      });
    const frame = fc.oneof(
      fc.uint8Array({ maxLength: 120 }),
      validIp,
      fc.tuple(fc.constantFrom(0x0800, 0x0806, 0x8100), fc.uint8Array({ minLength: 0, maxLength: 100 }), fc.boolean()).map(([type, rest, bcast]) => {
        const f = new Uint8Array(14 + rest.length);
        f.fill(bcast ? 0xff : 0x02, 0, 6);
        if (!bcast) f[5] = 0x20;
        f[12] = type >> 8;
        f[13] = type & 0xff;
        f.set(rest, 14);
        if (type === 0x0800 && rest.length > 0) f[14] = 0x45;
        return f;
      }),
    );
    const { sim, h1, h2 } = pair();
    h2.stack.addAddress("eth0", { address: ip("10.0.0.2"), prefix: 24 });
    h2.stack.ipForward = true;
    h2.stack.writeSysctl("net/ipv4/conf/eth0/proxy_arp", "1");
    const dev = h2.nics.get("eth0")!;
    void h1;
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 20 }), (frames) => {
        for (const f of frames) h2.stack.receiveFrom(dev, f);
        sim.runFor(SECOND);
      }),
      { numRuns: 300 },
    );
  });
});
