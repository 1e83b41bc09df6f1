import { describe, expect, it } from "vitest";
import { parseIpv4 as ip } from "../../../netsim/wire/address.ts";
import { DstUnreachableCode, encodeIcmp, parseIcmp, parseIcmpQuote } from "../../../netsim/wire/icmp.ts";
import { IpProtocol } from "../../../netsim/wire/ipv4.ts";
import { unwrap } from "../../../netsim/wire/result.ts";
import { hex, zeros } from "./hex.ts";

// Real: busybox ping's echo request on lo.
const ECHO_REQUEST = hex(
  "08", // type: echo request
  "00", // code
  "67c3", // checksum
  "19ec", // identifier 6636
  "0000", // sequence 0
  "e341930e 00000000", // busybox's timestamp
  zeros(48), // rest of the 56 data bytes
);

// Real: Linux's port unreachable for a UDP datagram to 127.0.0.1:9999 on lo. Linux quotes the whole
// 41-byte datagram (it fills up to 576 bytes), not only the header + 8 that RFC 792 asks for.
const PORT_UNREACHABLE = hex(
  "03", // type: destination unreachable
  "03", // code: port
  "5f03", // checksum
  "00000000", // unused
  "45 00 0029 eab6 4000 40 11 520b 7f000001 7f000001", // quoted IPv4 header: 41 bytes, UDP
  "de71 270f 0015 fe28", // quoted UDP header: 56945 → 9999, length 21
  "68656c6c6f2078656e6e65740a", // quoted payload "hello xennet\n"
);

// Hand-made: time exceeded in transit, quoting the IP header and first 8 bytes of an echo request.
const TIME_EXCEEDED = hex(
  "0b", // type: time exceeded
  "00", // code: TTL exceeded in transit
  "f4ff", // checksum
  "00000000", // unused
  "45 00 0054 0007 0000 01 01 ed99 0a000002 c0000207", // quoted header: TTL 1, ICMP, 10.0.0.2 → 192.0.2.7
  "0800 e5c8 1234 0003", // quoted first 8 bytes: echo request id 0x1234 seq 3 (56 zero data bytes)
);

// Hand-made: fragmentation needed, next-hop MTU 1400 (RFC 1191).
const FRAG_NEEDED = hex(
  "03 04", // destination unreachable, fragmentation needed
  "5ad7", // checksum
  "0000", // unused
  "0578", // next-hop MTU 1400
  "45000030123440004011 1487 0a0000020a000001", // quoted header: DF, UDP, 10.0.0.2 → 10.0.0.1
  "9c40 0050 001c 0000", // quoted UDP header
);

describe("ICMP (RFC 792)", () => {
  it("parses a real echo request and re-emits it byte for byte", () => {
    const repr = unwrap(parseIcmp(ECHO_REQUEST));
    expect(repr).toMatchObject({ kind: "echo-request", ident: 6636, seq: 0 });
    expect(repr.kind === "echo-request" && repr.data.length).toBe(56);
    expect(encodeIcmp(repr)).toEqual(ECHO_REQUEST);
  });

  it("parses a real port unreachable and its quote", () => {
    const repr = unwrap(parseIcmp(PORT_UNREACHABLE));
    expect(repr).toMatchObject({ kind: "dst-unreachable", code: DstUnreachableCode.Port });
    expect(encodeIcmp(repr)).toEqual(PORT_UNREACHABLE);
    if (repr.kind !== "dst-unreachable") throw new Error("kind");
    const quote = unwrap(parseIcmpQuote(repr.quoted));
    expect(quote.ip).toMatchObject({ src: ip("127.0.0.1"), dst: ip("127.0.0.1"), protocol: IpProtocol.Udp, payloadLen: 21 });
    expect(quote.transport.subarray(0, 4)).toEqual(hex("de71 270f"));
  });

  it("parses time exceeded with an RFC 792 quote cut after 8 bytes", () => {
    const repr = unwrap(parseIcmp(TIME_EXCEEDED));
    expect(repr).toMatchObject({ kind: "time-exceeded", code: 0 });
    expect(encodeIcmp(repr)).toEqual(TIME_EXCEEDED);
    if (repr.kind !== "time-exceeded") throw new Error("kind");
    const quote = unwrap(parseIcmpQuote(repr.quoted));
    expect(quote.ip).toMatchObject({ ttl: 1, dst: ip("192.0.2.7"), payloadLen: 64 });
    expect(quote.transport).toEqual(hex("0800 e5c8 1234 0003"));
  });

  it("carries the next-hop MTU of fragmentation needed", () => {
    const repr = unwrap(parseIcmp(FRAG_NEEDED));
    expect(repr).toMatchObject({ kind: "dst-unreachable", code: 4, nextHopMtu: 1400 });
    expect(encodeIcmp(repr)).toEqual(FRAG_NEEDED);
  });

  it("keeps redirects and unknown types", () => {
    const redirect = encodeIcmp({ kind: "redirect", code: 1, gateway: ip("10.0.0.254")!, quoted: TIME_EXCEEDED.subarray(8) });
    expect(unwrap(parseIcmp(redirect))).toMatchObject({ kind: "redirect", code: 1, gateway: ip("10.0.0.254") });
    const timestamp = encodeIcmp({ kind: "other", type: 13, code: 0, rest: 0x00010002, data: new Uint8Array(12) });
    expect(unwrap(parseIcmp(timestamp))).toMatchObject({ kind: "other", type: 13, rest: 0x00010002 });
  });

  it("refuses short messages and bad checksums", () => {
    expect(parseIcmp(ECHO_REQUEST.subarray(0, 7))).toMatchObject({ ok: false, error: { reason: "truncated", layer: "icmp" } });
    const bad = ECHO_REQUEST.slice();
    bad[10] = bad[10]! ^ 1;
    expect(parseIcmp(bad)).toMatchObject({ ok: false, error: { reason: "bad-checksum" } });
    expect(parseIcmpQuote(hex("45000054"))).toMatchObject({ ok: false, error: { reason: "truncated", layer: "ipv4" } });
  });
});
