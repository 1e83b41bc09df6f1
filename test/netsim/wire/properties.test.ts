// Property tests for every codec: random and mutated bytes never throw in any parser, and every
// generated repr survives emit → parse unchanged.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ArpPacket,
  decodeFrame,
  DhcpMessage,
  emitArp,
  emitEthernet,
  emitIpv4Header,
  encodeDhcp,
  encodeIcmp,
  encodeTcp,
  encodeUdp,
  ethernetHeaderLen,
  EthernetFrame,
  IcmpMessage,
  ipv4HeaderLen,
  Ipv4Packet,
  parseArp,
  parseDhcp,
  parseDhcpOptions,
  parseEthernet,
  parseIcmp,
  parseIcmpQuote,
  parseIpv4Packet,
  parseTcp,
  parseTcpOptions,
  parseUdp,
  summarizeFrame,
  TcpSegment,
  UdpDatagram,
  unwrap,
} from "../../../netsim/wire/index.ts";
import type { DhcpRepr, EthernetRepr, IcmpRepr, Ipv4Repr, Result, TcpOption, TcpRepr } from "../../../netsim/wire/index.ts";
import { SAMPLE_FRAMES } from "./sample-frames.ts";

const bytes = (maxLength = 600) => fc.uint8Array({ maxLength });
const mac = fc.integer({ min: 0, max: 2 ** 48 - 1 });
const ipv4 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const latin1 = (min: number, max: number) => fc.array(fc.integer({ min: 1, max: 255 }), { minLength: min, maxLength: max }).map((c) => String.fromCharCode(...c));

/** Reads every getter of a view, so a getter that could read out of bounds would show. */
function touchAll(view: object): void {
  for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(view))) void (view as Record<string, unknown>)[key];
}

function checkView<T extends object>(result: Result<T>): void {
  if (result.ok) touchAll(result.value);
}

/** Every parser and view on the same bytes. */
function parseEverything(b: Uint8Array, src: number, dst: number): void {
  for (const r of [parseEthernet(b), parseArp(b), parseIpv4Packet(b), parseIpv4Packet(b, { quoted: true }), parseIcmp(b), parseIcmpQuote(b)]) expect(typeof r.ok).toBe("boolean");
  for (const r of [parseUdp(b, src, dst), parseTcp(b, src, dst), parseDhcp(b), parseDhcpOptions(b), parseTcpOptions(b)]) expect(typeof r.ok).toBe("boolean");
  checkView(EthernetFrame.check(b));
  checkView(ArpPacket.check(b));
  checkView(Ipv4Packet.check(b));
  checkView(IcmpMessage.check(b));
  checkView(UdpDatagram.check(b));
  checkView(TcpSegment.check(b));
  checkView(DhcpMessage.check(b));
  expect(typeof decodeFrame(b).ok).toBe("boolean");
  expect(typeof summarizeFrame(b)).toBe("string");
}

describe("parsers never throw", () => {
  it("on random bytes", () => {
    fc.assert(fc.property(bytes(), ipv4, ipv4, (b, src, dst) => parseEverything(b, src, dst)), { numRuns: 500 });
  });

  it("on valid frames with bytes changed and cut", () => {
    const frames = fc.constantFrom(...SAMPLE_FRAMES.map((f) => f.bytes));
    const edits = fc.array(fc.tuple(fc.nat(), u8), { maxLength: 6 });
    fc.assert(
      fc.property(frames, edits, fc.nat(), (frame, changes, cut) => {
        const b = frame.slice(0, frame.length - (cut % 8 === 0 ? cut % frame.length : 0));
        for (const [at, value] of changes) if (b.length > 0) b[at % b.length] = value;
        parseEverything(b, 0, 0);
        const eth = decodeFrame(b, { verifyChecksums: false });
        if (eth.ok) parseEverything(eth.value.payload, 0, 0);
      }),
      { numRuns: 1000 },
    );
  });
});

const vlan = fc.record({ pcp: fc.integer({ min: 0, max: 7 }), dei: fc.boolean(), vid: fc.integer({ min: 0, max: 4095 }) });
const ethernetRepr: fc.Arbitrary<EthernetRepr> = fc
  .record({ dst: mac, src: mac, etherType: u16.filter((t) => t !== 0x8100), vlan: fc.option(vlan, { nil: undefined }) })
  .map(({ vlan: tag, ...rest }) => (tag ? { ...rest, vlan: tag } : rest));

const ipv4Repr: fc.Arbitrary<Ipv4Repr> = fc
  .record({
    src: ipv4,
    dst: ipv4,
    protocol: u8,
    ttl: u8,
    tos: u8,
    ident: u16,
    dontFragment: fc.boolean(),
    moreFragments: fc.boolean(),
    fragmentOffset: fc.integer({ min: 0, max: 8191 }).map((o) => o * 8),
    payloadLen: fc.integer({ min: 0, max: 64 }),
    optionWords: fc.integer({ min: 0, max: 10 }),
    optionSeed: u8,
  })
  .map(({ optionWords, optionSeed, ...rest }) =>
    optionWords === 0 ? rest : { ...rest, options: Uint8Array.from({ length: optionWords * 4 }, (_, i) => (optionSeed + i) & 0xff) },
  );

const icmpRepr: fc.Arbitrary<IcmpRepr> = fc.oneof(
  fc.record({ kind: fc.constantFrom("echo-request" as const, "echo-reply" as const), ident: u16, seq: u16, data: bytes(100) }),
  fc.record({ kind: fc.constant("dst-unreachable" as const), code: u8.filter((c) => c !== 4), quoted: bytes(100) }),
  fc.record({ kind: fc.constant("dst-unreachable" as const), code: fc.constant(4), nextHopMtu: u16, quoted: bytes(100) }),
  fc.record({ kind: fc.constant("time-exceeded" as const), code: u8, quoted: bytes(100) }),
  fc.record({ kind: fc.constant("redirect" as const), code: u8, gateway: ipv4, quoted: bytes(100) }),
  fc.record({ kind: fc.constant("other" as const), type: u8.filter((t) => ![0, 3, 5, 8, 11].includes(t)), code: u8, rest: u32, data: bytes(100) }),
);

const tcpOption: fc.Arbitrary<TcpOption> = fc.oneof(
  fc.constant({ kind: "nop" as const }),
  fc.record({ kind: fc.constant("mss" as const), mss: u16 }),
  fc.record({ kind: fc.constant("window-scale" as const), shift: u8 }),
  fc.constant({ kind: "sack-permitted" as const }),
  fc.record({ kind: fc.constant("timestamps" as const), tsVal: u32, tsEcr: u32 }),
  fc.record({ kind: fc.constant("raw" as const), code: u8.filter((c) => c > 4 && c !== 8), data: bytes(6) }),
);

const optionLen = (o: TcpOption): number =>
  ({ end: 1, nop: 1, mss: 4, "window-scale": 3, "sack-permitted": 2, timestamps: 10, raw: 2 + (o.kind === "raw" ? o.data.length : 0) })[o.kind];

/** Options that fill a whole number of 32-bit words (topped up with NOPs), at most 40 bytes. */
const tcpOptions = fc.array(tcpOption, { maxLength: 6 }).map((options) => {
  const kept: TcpOption[] = [];
  let len = 0;
  for (const o of options) if (len + optionLen(o) <= 40) (kept.push(o), (len += optionLen(o)));
  while (len % 4 !== 0) (kept.push({ kind: "nop" }), (len += 1));
  return kept;
});

const tcpRepr: fc.Arbitrary<TcpRepr> = fc.record({ srcPort: u16, dstPort: u16, seq: u32, ack: u32, flags: u8, window: u16, urgent: u16, options: tcpOptions, payload: bytes(100) });

const knownCodes = [0, 1, 3, 6, 12, 15, 28, 50, 51, 53, 54, 55, 56, 57, 58, 59, 61, 255];
const dhcpRepr: fc.Arbitrary<DhcpRepr> = fc
  .record(
    {
      op: u8,
      hops: u8,
      xid: u32,
      secs: u16,
      broadcast: fc.boolean(),
      ciaddr: ipv4,
      yiaddr: ipv4,
      siaddr: ipv4,
      giaddr: ipv4,
      chaddr: mac,
      sname: latin1(0, 63),
      file: latin1(0, 127),
      messageType: u8,
      subnetMask: ipv4,
      routers: fc.array(ipv4, { minLength: 1, maxLength: 63 }),
      dnsServers: fc.array(ipv4, { minLength: 1, maxLength: 3 }),
      hostName: latin1(1, 255),
      domainName: latin1(1, 40),
      broadcastAddress: ipv4,
      requestedIp: ipv4,
      leaseTime: u32,
      serverId: ipv4,
      parameterRequestList: fc.array(u8, { minLength: 1, maxLength: 255 }),
      message: latin1(1, 40),
      maxMessageSize: u16,
      renewalTime: u32,
      rebindingTime: u32,
      clientId: fc.uint8Array({ minLength: 2, maxLength: 20 }),
      extraOptions: fc.array(fc.record({ code: u8.filter((c) => !knownCodes.includes(c)), data: bytes(255) }), { minLength: 1, maxLength: 4 }),
    },
    { requiredKeys: ["op", "hops", "xid", "secs", "broadcast", "ciaddr", "yiaddr", "siaddr", "giaddr", "chaddr", "sname", "file"] },
  );

describe("emit → parse round-trips generated reprs", () => {
  it("Ethernet", () => {
    fc.assert(
      fc.property(ethernetRepr, (repr) => {
        const buf = new Uint8Array(ethernetHeaderLen(repr));
        emitEthernet(repr, buf, 0);
        expect(unwrap(parseEthernet(buf))).toEqual(repr);
      }),
    );
  });

  it("ARP", () => {
    const arp = fc.record({ op: u16, senderMac: mac, senderIp: ipv4, targetMac: mac, targetIp: ipv4 });
    fc.assert(
      fc.property(arp, (repr) => {
        const buf = new Uint8Array(28);
        emitArp(repr, buf, 0);
        expect(unwrap(parseArp(buf))).toEqual(repr);
      }),
    );
  });

  it("IPv4", () => {
    fc.assert(
      fc.property(ipv4Repr, (repr) => {
        const buf = new Uint8Array(ipv4HeaderLen(repr) + repr.payloadLen);
        emitIpv4Header(repr, buf, 0);
        expect(unwrap(parseIpv4Packet(buf))).toEqual(repr);
      }),
    );
  });

  it("ICMP", () => {
    fc.assert(
      fc.property(icmpRepr, (repr) => {
        expect(unwrap(parseIcmp(encodeIcmp(repr)))).toEqual(repr);
      }),
    );
  });

  it("UDP, with and without a checksum", () => {
    const udp = fc.record({ srcPort: u16, dstPort: u16, payload: bytes(200) });
    fc.assert(
      fc.property(udp, ipv4, ipv4, fc.boolean(), (repr, src, dst, sum) => {
        const encoded = encodeUdp(repr, src, dst, sum);
        expect(unwrap(parseUdp(encoded, src, dst))).toEqual(repr);
        expect(encoded[6] !== 0 || encoded[7] !== 0).toBe(sum);
      }),
    );
  });

  it("TCP", () => {
    fc.assert(
      fc.property(tcpRepr, ipv4, ipv4, (repr, src, dst) => {
        expect(unwrap(parseTcp(encodeTcp(repr, src, dst), src, dst))).toEqual(repr);
      }),
    );
  });

  it("DHCP", () => {
    fc.assert(
      fc.property(dhcpRepr, (repr) => {
        const { optionOrder, ...parsed } = unwrap(parseDhcp(encodeDhcp(repr)));
        expect(parsed).toEqual(repr);
        expect(optionOrder?.length).toBe(Object.keys(repr).length - 12 + (repr.extraOptions ? repr.extraOptions.length - 1 : 0));
      }),
    );
  });
});
