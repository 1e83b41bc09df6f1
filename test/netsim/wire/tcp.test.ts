import { describe, expect, it } from "vitest";
import { parseIpv4 as ip } from "../../../netsim/wire/address.ts";
import { unwrap } from "../../../netsim/wire/result.ts";
import { encodeTcp, parseTcp, parseTcpOptions, TcpFlags, tcpMss } from "../../../netsim/wire/tcp.ts";
import { hex } from "./hex.ts";

const LO = ip("127.0.0.1")!;

// Real: a Linux SYN to 127.0.0.1:9998 on lo (checksum completed: lo leaves it partial, 0xfe30).
const SYN = hex(
  "e66e", // source port 58990
  "270e", // destination port 9998
  "f89330ac", // sequence number 4170395820
  "00000000", // acknowledgment number
  "a0", // data offset 10 (40 bytes)
  "02", // flags: SYN
  "ffd7", // window 65495
  "c875", // checksum
  "0000", // urgent pointer
  "0204 ffd7", // MSS 65495
  "0402", // SACK permitted
  "080a fd5a5371 00000000", // timestamps val 4250555249 ecr 0
  "01", // NOP
  "03 03 0a", // window scale 10
);

describe("TCP (RFC 9293)", () => {
  it("parses a real SYN with Linux's options and re-emits it byte for byte", () => {
    const repr = unwrap(parseTcp(SYN, LO, LO));
    expect(repr).toMatchObject({ srcPort: 58990, dstPort: 9998, seq: 4170395820, ack: 0, flags: TcpFlags.Syn, window: 65495 });
    expect(repr.options).toEqual([
      { kind: "mss", mss: 65495 },
      { kind: "sack-permitted" },
      { kind: "timestamps", tsVal: 4250555249, tsEcr: 0 },
      { kind: "nop" },
      { kind: "window-scale", shift: 10 },
    ]);
    expect(tcpMss(repr)).toBe(65495);
    expect(encodeTcp(repr, LO, LO)).toEqual(SYN);
  });

  it("pads options to 32 bits and carries a payload", () => {
    const repr = {
      srcPort: 80,
      dstPort: 40000,
      seq: 1,
      ack: 2,
      flags: TcpFlags.Psh | TcpFlags.Ack,
      window: 502,
      urgent: 0,
      options: [{ kind: "mss", mss: 1460 } as const, { kind: "window-scale", shift: 7 } as const],
      payload: new TextEncoder().encode("hi"),
    };
    const bytes = encodeTcp(repr, LO, LO);
    expect(bytes[12]! >>> 4).toBe(7); // 20 + 7 option bytes padded to 8 → 28
    expect(bytes.subarray(20, 28)).toEqual(hex("020405b4 030307 00"));
    const back = unwrap(parseTcp(bytes, LO, LO));
    expect(back.options).toEqual([...repr.options, { kind: "end" }]);
    expect(back.payload).toEqual(repr.payload);
  });

  it("keeps unknown options and known ones of odd length raw", () => {
    const options = unwrap(parseTcpOptions(hex("1e 04 abcd", "02 03 05", "01")));
    expect(options).toEqual([
      { kind: "raw", code: 30, data: hex("abcd") },
      { kind: "raw", code: 2, data: hex("05") },
      { kind: "nop" },
    ]);
  });

  it("refuses bad data offsets, malformed options and bad checksums", () => {
    const small = SYN.slice();
    small[12] = 0x40;
    expect(parseTcp(small, LO, LO)).toMatchObject({ ok: false, error: { reason: "bad-length", layer: "tcp" } });
    expect(parseTcp(SYN.subarray(0, 39), LO, LO)).toMatchObject({ ok: false, error: { reason: "truncated" } });
    expect(parseTcp(SYN.subarray(0, 19), LO, LO)).toMatchObject({ ok: false, error: { reason: "truncated" } });
    expect(parseTcpOptions(hex("02 01 00 00"))).toMatchObject({ ok: false, error: { reason: "malformed" } });
    expect(parseTcpOptions(hex("08 0a 00"))).toMatchObject({ ok: false, error: { reason: "malformed" } });
    const partial = SYN.slice();
    partial.set(hex("fe30"), 16);
    expect(parseTcp(partial, LO, LO)).toMatchObject({ ok: false, error: { reason: "bad-checksum" } });
  });
});
