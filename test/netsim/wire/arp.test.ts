import { describe, expect, it } from "vitest";
import { ARP_LEN, ArpOp, emitArp, parseArp } from "../../../netsim/wire/arp.ts";
import { parseIpv4, parseMac, unwrap } from "../../../netsim/wire/index.ts";
import { hex } from "./hex.ts";

// Real: dnsmasq's ARP request before offering 10.0.0.66 (veth capture).
const REQUEST = hex(
  "0001", // hardware type: Ethernet
  "0800", // protocol type: IPv4
  "06", // hardware address length
  "04", // protocol address length
  "0001", // op: request
  "00163e000001", // sender MAC
  "0a000001", // sender IP 10.0.0.1
  "000000000000", // target MAC: unknown
  "0a000042", // target IP 10.0.0.66
);

// Real: the reply to busybox arping, whose request came from 0.0.0.0.
const REPLY = hex(
  "0001 0800 06 04", // Ethernet / IPv4 / 6 / 4
  "0002", // op: reply
  "00163e000001", // sender MAC
  "0a000001", // sender IP 10.0.0.1
  "00163e000002", // target MAC
  "00000000", // target IP 0.0.0.0
);

function emit(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(ARP_LEN);
  emitArp(unwrap(parseArp(bytes)), out, 0);
  return out;
}

describe("ARP (RFC 826)", () => {
  it("parses a real request and re-emits it byte for byte", () => {
    expect(unwrap(parseArp(REQUEST))).toEqual({
      op: ArpOp.Request,
      senderMac: parseMac("00:16:3e:00:00:01"),
      senderIp: parseIpv4("10.0.0.1"),
      targetMac: 0,
      targetIp: parseIpv4("10.0.0.66"),
    });
    expect(emit(REQUEST)).toEqual(REQUEST);
  });

  it("parses a real reply and re-emits it byte for byte", () => {
    expect(unwrap(parseArp(REPLY))).toMatchObject({ op: ArpOp.Reply, targetMac: parseMac("00:16:3e:00:00:02"), targetIp: 0 });
    expect(emit(REPLY)).toEqual(REPLY);
  });

  it("ignores Ethernet padding after the 28 bytes", () => {
    const padded = new Uint8Array(46);
    padded.set(REQUEST);
    expect(unwrap(parseArp(padded))).toEqual(unwrap(parseArp(REQUEST)));
  });

  it("refuses other hardware or protocol types and short packets", () => {
    const ipv6 = REQUEST.slice();
    ipv6[2] = 0x86;
    ipv6[3] = 0xdd;
    expect(parseArp(ipv6)).toMatchObject({ ok: false, error: { reason: "unsupported", layer: "arp" } });
    expect(parseArp(REQUEST.subarray(0, 27))).toMatchObject({ ok: false, error: { reason: "truncated" } });
    expect(parseArp(REQUEST.subarray(0, 5))).toMatchObject({ ok: false, error: { reason: "truncated" } });
  });
});
