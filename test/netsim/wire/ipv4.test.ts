import { describe, expect, it } from "vitest";
import { parseIpv4 as ip } from "../../../netsim/wire/address.ts";
import { emitIpv4Header, ipv4HeaderLen, Ipv4Packet, ipv4Payload, isFragment, IpProtocol, parseIpv4Packet } from "../../../netsim/wire/ipv4.ts";
import type { Ipv4Repr } from "../../../netsim/wire/ipv4.ts";
import { unwrap } from "../../../netsim/wire/result.ts";
import { hex, zeros } from "./hex.ts";

// Real: the IPv4 header of `ping -c1 127.0.0.1` on lo, followed by its 64-byte ICMP message.
const ECHO_HEADER = hex(
  "45", // version 4, IHL 5
  "00", // TOS
  "0054", // total length 84
  "bf9b", // identification
  "4000", // flags DF, offset 0
  "40", // TTL 64
  "01", // protocol ICMP
  "7d0b", // header checksum
  "7f000001", // source 127.0.0.1
  "7f000001", // destination 127.0.0.1
);
const ECHO = new Uint8Array([...ECHO_HEADER, ...new Uint8Array(64)]);

// Hand-made: an IGMPv3 report header with the Router Alert option (IHL 6), as Linux sends them.
const ROUTER_ALERT = hex(
  "46", // version 4, IHL 6 (24 bytes)
  "c0", // TOS: DSCP CS6
  "0020", // total length 32
  "0000", // identification
  "4000", // DF
  "01", // TTL 1
  "02", // protocol IGMP
  "f9ff", // header checksum
  "0a000002", // source 10.0.0.2
  "e0000016", // destination 224.0.0.22
  "94040000", // option 148 Router Alert, length 4, value 0
  zeros(8), // IGMP payload
);

// Hand-made: the second (last) fragment of a 1508-byte UDP datagram split at MTU 1500.
const FRAGMENT = hex(
  "45 00", // version/IHL, TOS
  "0030", // total length 48
  "1234", // identification shared by all fragments
  "00b9", // MF clear, offset 185 × 8 = 1480
  "40 11", // TTL 64, UDP
  "53ce", // header checksum
  "0a000002 0a000001", // 10.0.0.2 → 10.0.0.1
  zeros(28), // the datagram's last 28 bytes
);

function emitHeader(repr: Ipv4Repr): Uint8Array {
  const out = new Uint8Array(ipv4HeaderLen(repr));
  emitIpv4Header(repr, out, 0);
  return out;
}

describe("IPv4 header (RFC 791)", () => {
  it("parses a real header and re-emits it byte for byte", () => {
    const repr = unwrap(parseIpv4Packet(ECHO));
    expect(repr).toEqual({
      src: ip("127.0.0.1"),
      dst: ip("127.0.0.1"),
      protocol: IpProtocol.Icmp,
      ttl: 64,
      tos: 0,
      ident: 0xbf9b,
      dontFragment: true,
      moreFragments: false,
      fragmentOffset: 0,
      payloadLen: 64,
    });
    expect(emitHeader(repr)).toEqual(ECHO_HEADER);
    expect(ipv4Payload(ECHO, repr).length).toBe(64);
  });

  it("skips options by IHL and keeps them for re-emission", () => {
    const repr = unwrap(parseIpv4Packet(ROUTER_ALERT));
    expect(repr.options).toEqual(hex("94040000"));
    expect(ipv4HeaderLen(repr)).toBe(24);
    expect(ipv4Payload(ROUTER_ALERT, repr)).toEqual(new Uint8Array(8));
    expect(emitHeader(repr)).toEqual(ROUTER_ALERT.subarray(0, 24));
  });

  it("recognises fragments and exposes flags and offset", () => {
    const repr = unwrap(parseIpv4Packet(FRAGMENT));
    expect(repr).toMatchObject({ ident: 0x1234, moreFragments: false, fragmentOffset: 1480, payloadLen: 28 });
    expect(isFragment(repr)).toBe(true);
    expect(unwrap(Ipv4Packet.check(FRAGMENT)).isFragment).toBe(true);
    expect(isFragment(unwrap(parseIpv4Packet(ECHO)))).toBe(false);
    const first = { ...repr, moreFragments: true, fragmentOffset: 0, payloadLen: 1480 };
    expect(isFragment(first)).toBe(true);
    expect(emitHeader(first).subarray(6, 8)).toEqual(hex("2000"));
    expect(emitHeader(repr)).toEqual(FRAGMENT.subarray(0, 20));
  });

  it("ignores Ethernet padding beyond the total length", () => {
    const padded = new Uint8Array(FRAGMENT.length + 10).fill(0xee);
    padded.set(FRAGMENT);
    const repr = unwrap(parseIpv4Packet(padded));
    expect(repr.payloadLen).toBe(28);
    expect(ipv4Payload(padded, repr)).toEqual(new Uint8Array(28));
    expect(unwrap(Ipv4Packet.check(padded)).payload.length).toBe(28);
  });

  it("refuses bad versions, lengths and checksums", () => {
    const v6 = ECHO.slice();
    v6[0] = 0x65;
    expect(parseIpv4Packet(v6)).toMatchObject({ ok: false, error: { reason: "bad-version", layer: "ipv4" } });
    const ihl4 = ECHO.slice();
    ihl4[0] = 0x44;
    expect(parseIpv4Packet(ihl4)).toMatchObject({ ok: false, error: { reason: "bad-length" } });
    expect(parseIpv4Packet(ECHO.subarray(0, 19))).toMatchObject({ ok: false, error: { reason: "truncated" } });
    expect(parseIpv4Packet(ECHO.subarray(0, 83))).toMatchObject({ ok: false, error: { reason: "truncated" } });
    expect(parseIpv4Packet(ROUTER_ALERT.subarray(0, 22))).toMatchObject({ ok: false, error: { reason: "truncated" } });
    const short = ECHO.slice();
    short[3] = 19; // total length 19 < header
    expect(parseIpv4Packet(short)).toMatchObject({ ok: false, error: { reason: "bad-length" } });
    const ttl = ECHO.slice();
    ttl[8] = 63; // TTL changed without fixing the checksum
    expect(parseIpv4Packet(ttl)).toMatchObject({ ok: false, error: { reason: "bad-checksum" } });
    expect(parseIpv4Packet(ttl, { verifyChecksum: false }).ok).toBe(true);
  });

  it("throws on a repr that cannot be encoded (a bug, not bad input)", () => {
    const repr = unwrap(parseIpv4Packet(ECHO));
    expect(() => emitHeader({ ...repr, fragmentOffset: 3 })).toThrow(/multiple of 8/);
    expect(() => emitHeader({ ...repr, options: new Uint8Array(3) })).toThrow(/options/);
  });
});
