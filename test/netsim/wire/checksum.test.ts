import { describe, expect, it } from "vitest";
import { foldChecksum, internetChecksum, pseudoHeaderSum, sumWords } from "../../../netsim/wire/checksum.ts";
import { parseIpv4 } from "../../../netsim/wire/address.ts";
import { hex } from "./hex.ts";

describe("internet checksum (RFC 1071)", () => {
  it("matches the worked example of RFC 1071 §3", () => {
    // 00 01 f2 03 f4 f5 f6 f7 sums to 0x2ddf0, folds to 0xddf2, complement 0x220d.
    const data = hex("0001", "f203", "f4f5", "f6f7");
    expect(sumWords(data, 0, data.length)).toBe(0x2ddf0);
    expect(internetChecksum(data)).toBe(0x220d);
  });

  it("pads an odd last byte with zero", () => {
    expect(internetChecksum(hex("01"))).toBe(internetChecksum(hex("0100")));
    expect(internetChecksum(hex("abcdef"), 1, 3)).toBe(~0xcdef & 0xffff);
  });

  it("verifies to zero over data that includes its own checksum (a real IPv4 header from lo)", () => {
    const header = hex("4500 0054 bf9b 4000 4001 7d0b 7f00 0001 7f00 0001");
    expect(internetChecksum(header)).toBe(0);
  });

  it("folds large unfolded sums", () => {
    expect(foldChecksum(0xffff)).toBe(0);
    expect(foldChecksum(0x1_fffe)).toBe(0);
    expect(foldChecksum(0)).toBe(0xffff);
  });

  it("sums the IPv4 pseudo-header as src, dst, protocol and length words", () => {
    const src = parseIpv4("10.0.0.2")!;
    const dst = parseIpv4("255.255.255.255")!;
    const words = hex("0a00 0002 ffff ffff 0011 0134");
    expect(pseudoHeaderSum(src, dst, 17, 0x134)).toBe(sumWords(words, 0, words.length));
  });
});
