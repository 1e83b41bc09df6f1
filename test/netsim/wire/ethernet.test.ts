import { describe, expect, it } from "vitest";
import { emitEthernet, ethernetHeaderLen, EthernetFrame, EtherType, parseEthernet } from "../../../netsim/wire/ethernet.ts";
import type { EthernetRepr } from "../../../netsim/wire/ethernet.ts";
import { parseMac, unwrap } from "../../../netsim/wire/index.ts";
import { hex, zeros } from "./hex.ts";

// Real: the ARP request dnsmasq sent on a veth (captured with tcpdump -i xva).
const ARP_FRAME = hex(
  "ffffffffffff", // destination: broadcast
  "00163e000001", // source: 00:16:3e:00:00:01
  "0806", // EtherType: ARP
  "0001 0800 06 04 0001 00163e000001 0a000001 000000000000 0a000042", // ARP payload (28 bytes)
);

// Hand-made: an 802.1Q-tagged IPv4 frame, VLAN 10, priority 5, DEI set.
const TAGGED = hex(
  "00163e000001", // destination
  "00163e000002", // source
  "8100", // TPID: 802.1Q
  "b00a", // TCI: PCP 5 (101), DEI 1, VID 10
  "0800", // inner EtherType: IPv4
  zeros(20), // payload (not looked at by this layer)
);

function emit(repr: EthernetRepr, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(ethernetHeaderLen(repr) + payload.length);
  out.set(payload, emitEthernet(repr, out, 0));
  return out;
}

describe("Ethernet II", () => {
  it("parses a real untagged frame and re-emits it byte for byte", () => {
    const repr = unwrap(parseEthernet(ARP_FRAME));
    expect(repr).toEqual({ dst: 0xffffffffffff, src: parseMac("00:16:3e:00:00:01"), etherType: EtherType.Arp });
    const frame = unwrap(EthernetFrame.check(ARP_FRAME));
    expect(frame.headerLen).toBe(14);
    expect(frame.payload.length).toBe(28);
    expect(frame.payload.buffer).toBe(ARP_FRAME.buffer); // a view, not a copy
    expect(emit(repr, frame.payload)).toEqual(ARP_FRAME);
  });

  it("parses an 802.1Q tag and reports the inner EtherType", () => {
    const repr = unwrap(parseEthernet(TAGGED));
    expect(repr.vlan).toEqual({ pcp: 5, dei: true, vid: 10 });
    expect(repr.etherType).toBe(EtherType.Ipv4);
    const frame = unwrap(EthernetFrame.check(TAGGED));
    expect(frame.tagged).toBe(true);
    expect(frame.headerLen).toBe(18);
    expect(emit(repr, frame.payload)).toEqual(TAGGED);
  });

  it("refuses frames too short for their header or tag", () => {
    expect(parseEthernet(ARP_FRAME.subarray(0, 13))).toMatchObject({ ok: false, error: { reason: "truncated", layer: "ethernet" } });
    expect(parseEthernet(TAGGED.subarray(0, 17))).toMatchObject({ ok: false, error: { reason: "truncated" } });
    expect(parseEthernet(TAGGED.subarray(0, 18)).ok).toBe(true);
  });

  it("leaves an 802.3 length field (as in STP frames) as a number below 0x0600", () => {
    const llc = hex("0180c2000000", "00163e000001", "0026", "424203", zeros(35));
    expect(unwrap(parseEthernet(llc)).etherType).toBe(0x26);
  });
});
