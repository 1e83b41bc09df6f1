import { describe, expect, it } from "vitest";
import { parseIpv4 as ip } from "../../../netsim/wire/address.ts";
import { unwrap } from "../../../netsim/wire/result.ts";
import { encodeUdp, parseUdp, UdpDatagram } from "../../../netsim/wire/udp.ts";
import { hex } from "./hex.ts";

const LO = ip("127.0.0.1")!;

// Real: a UDP datagram sent to 127.0.0.1:9999, captured on lo. Linux leaves lo's checksum partial
// (CHECKSUM_PARTIAL: only the pseudo-header sum, 0xfe28); this fixture carries the full checksum.
const DATAGRAM = hex(
  "de71", // source port 56945
  "270f", // destination port 9999
  "0015", // length 21
  "6206", // checksum
  "68656c6c6f2078656e6e65740a", // "hello xennet\n"
);

describe("UDP (RFC 768)", () => {
  it("parses a datagram, verifies its pseudo-header checksum and re-emits it byte for byte", () => {
    const repr = unwrap(parseUdp(DATAGRAM, LO, LO));
    expect(repr).toEqual({ srcPort: 56945, dstPort: 9999, payload: new TextEncoder().encode("hello xennet\n") });
    expect(encodeUdp(repr, LO, LO)).toEqual(DATAGRAM);
  });

  it("refuses the partial checksum seen on lo, and a wrong pseudo-header", () => {
    const partial = DATAGRAM.slice();
    partial.set(hex("fe28"), 6);
    expect(parseUdp(partial, LO, LO)).toMatchObject({ ok: false, error: { reason: "bad-checksum", layer: "udp" } });
    expect(parseUdp(DATAGRAM, LO, ip("127.0.0.2")!)).toMatchObject({ ok: false, error: { reason: "bad-checksum" } });
  });

  it("accepts a zero checksum as not computed, and emits one on request", () => {
    const none = DATAGRAM.slice();
    none.set(hex("0000"), 6);
    const repr = unwrap(parseUdp(none, LO, ip("10.9.9.9")!));
    expect(encodeUdp(repr, LO, LO, false)).toEqual(none);
  });

  it("sends a computed checksum of zero as 0xffff", () => {
    // Payload chosen so that the one's complement sum is 0xffff: checksum 0 must go out as 0xffff.
    const probe = encodeUdp({ srcPort: 1, dstPort: 2, payload: new Uint8Array(2) }, 0, 0);
    const sum = (probe[6]! << 8) | probe[7]!;
    const payload = Uint8Array.of(sum >>> 8, sum & 0xff);
    const out = encodeUdp({ srcPort: 1, dstPort: 2, payload }, 0, 0);
    expect(out.subarray(6, 8)).toEqual(hex("ffff"));
    expect(unwrap(parseUdp(out, 0, 0)).payload).toEqual(payload);
  });

  it("trims bytes after the length field and refuses impossible lengths", () => {
    const padded = new Uint8Array(DATAGRAM.length + 5);
    padded.set(DATAGRAM);
    expect(unwrap(parseUdp(padded, LO, LO)).payload.length).toBe(13);
    expect(unwrap(UdpDatagram.check(padded)).length).toBe(21);
    const long = DATAGRAM.slice();
    long[5] = 22;
    expect(parseUdp(long, LO, LO)).toMatchObject({ ok: false, error: { reason: "truncated" } });
    const short = DATAGRAM.slice();
    short[5] = 7;
    expect(parseUdp(short, LO, LO)).toMatchObject({ ok: false, error: { reason: "bad-length" } });
    expect(parseUdp(DATAGRAM.subarray(0, 7), LO, LO)).toMatchObject({ ok: false, error: { reason: "truncated" } });
  });
});
