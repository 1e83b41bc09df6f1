import { describe, expect, it } from "vitest";
import {
  ArpOp,
  BROADCAST_MAC,
  buildArp,
  buildIcmpError,
  buildIpv4,
  buildIpv4Udp,
  decodeFrame,
  DstUnreachableCode,
  icmpQuoteLength,
  LINUX_ICMP_QUOTE_MAX,
  parseIcmpQuote,
  parseIpv4 as ip,
  summarizeFrame,
  unwrap,
} from "../../../netsim/wire/index.ts";
import { SAMPLE_FRAMES } from "./sample-frames.ts";

const sample = (name: string): Uint8Array => SAMPLE_FRAMES.find((f) => f.name === name)!.bytes;

describe("frame builders", () => {
  it("carve frames out of shared slabs without overlap, and give big frames their own array", () => {
    const frames = Array.from({ length: 2000 }, (_, i) => buildArp({ op: ArpOp.Request, senderMac: i, senderIp: i, targetMac: 0, targetIp: 1 }));
    for (let i = 1; i < frames.length; i++) {
      const [a, b] = [frames[i - 1]!, frames[i]!];
      expect(a.length).toBe(42);
      if (a.buffer === b.buffer) expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + a.length);
      expect(unwrap(decodeFrame(a)).arp?.senderIp).toBe(i - 1); // building later frames did not touch earlier ones
    }
    expect(new Set(frames.map((f) => f.buffer)).size).toBeGreaterThan(1);
    const big = buildIpv4Udp({ src: 1, dst: 2 }, { src: 3, dst: 4 }, { srcPort: 1, dstPort: 2, payload: new Uint8Array(8000) });
    expect(big.buffer.byteLength).toBe(big.length);
  });

  it("build frames that decode without error into the layers they were built from", () => {
    for (const { name, bytes } of SAMPLE_FRAMES) {
      const d = unwrap(decodeFrame(bytes));
      expect(d.error, name).toBeUndefined();
      const top = name.startsWith("arp") ? d.arp : name.startsWith("icmp") ? d.icmp : name.startsWith("tcp") ? d.tcp : name.startsWith("dhcp") ? d.dhcp : d.udp;
      expect(top, name).toBeDefined();
    }
    const discover = unwrap(decodeFrame(sample("dhcp discover")));
    expect(discover.udp).toMatchObject({ srcPort: 68, dstPort: 67 });
    expect(discover.dhcp).toMatchObject({ messageType: 1, broadcast: true, hostName: "guest1" });
    expect(discover.udp!.payload.length).toBe(300);
    expect(unwrap(decodeFrame(sample("802.1q tagged udp"))).eth.vlan).toEqual({ pcp: 0, dei: false, vid: 10 });
  });

  it("address ARP requests to broadcast and replies to the target", () => {
    const request = unwrap(decodeFrame(buildArp({ op: ArpOp.Request, senderMac: 5, senderIp: 1, targetMac: 0, targetIp: 2 })));
    expect(request.eth).toEqual({ dst: BROADCAST_MAC, src: 5, etherType: 0x0806 });
    const reply = unwrap(decodeFrame(buildArp({ op: ArpOp.Reply, senderMac: 5, senderIp: 1, targetMac: 9, targetIp: 2 })));
    expect(reply.eth.dst).toBe(9);
    expect(reply.payload.length).toBe(28);
  });

  it("quote header + 8 bytes by default and up to 548 bytes the Linux way", () => {
    const big = buildIpv4Udp({ src: 1, dst: 2 }, { src: ip("10.0.0.2")!, dst: ip("10.0.0.1")! }, { srcPort: 1, dstPort: 2, payload: new Uint8Array(1000) });
    const original = big.subarray(14);
    expect(icmpQuoteLength(original, "rfc792")).toBe(28);
    expect(icmpQuoteLength(original, "linux")).toBe(LINUX_ICMP_QUOTE_MAX);
    const error = buildIcmpError({ src: 2, dst: 1 }, { src: 3, dst: 4 }, { kind: "dst-unreachable", code: DstUnreachableCode.Port, original, quote: "linux" });
    expect(error.length).toBe(14 + 20 + 8 + 548);
    const icmp = unwrap(decodeFrame(error)).icmp!;
    expect(icmp.kind).toBe("dst-unreachable");
    if (icmp.kind === "dst-unreachable") expect(unwrap(parseIcmpQuote(icmp.quoted)).ip.payloadLen).toBe(1008);
  });
});

describe("decodeFrame", () => {
  it("reports an inner refusal in `error` and keeps the outer layers", () => {
    const bad = sample("udp").slice();
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    const d = unwrap(decodeFrame(bad));
    expect(d.ipv4).toBeDefined();
    expect(d.udp).toBeUndefined();
    expect(d.error).toMatchObject({ reason: "bad-checksum", layer: "udp" });
    expect(unwrap(decodeFrame(bad, { verifyChecksums: false })).udp).toBeDefined();
  });

  it("does not look inside fragments and leaves unknown protocols as payload", () => {
    const gre = buildIpv4({ src: 1, dst: 2 }, { src: 3, dst: 4 }, 47, new Uint8Array(20));
    const d = unwrap(decodeFrame(gre));
    expect(d).toMatchObject({ ipv4: { protocol: 47 }, payload: new Uint8Array(20) });
    expect(summarizeFrame(gre)).toBe("IP 0.0.0.3 > 0.0.0.4:  ip-proto-47 20");
    const frag = sample("udp").slice();
    frag[14 + 6] = 0x00;
    frag[14 + 7] = 0x10; // offset 128, checksum no longer verifies
    const f = unwrap(decodeFrame(frag, { verifyChecksums: false }));
    expect(f.udp).toBeUndefined();
    expect(f.ipv4?.fragmentOffset).toBe(128);
    expect(summarizeFrame(frag)).toBe("IP 10.0.0.2 > 10.0.0.1: ip-proto-17");
  });

  it("fails only when the Ethernet header is cut short", () => {
    expect(decodeFrame(new Uint8Array(13))).toMatchObject({ ok: false, error: { reason: "truncated", layer: "ethernet" } });
    expect(summarizeFrame(new Uint8Array(13))).toMatch(/^\[\|ether\]/);
  });
});

describe("summarizeFrame (tcpdump -nn -t -S style)", () => {
  it("prints what tcpdump 4.99 prints for every sample frame", () => {
    for (const { name, bytes, summary } of SAMPLE_FRAMES) expect(summarizeFrame(bytes), name).toBe(summary);
  });
});
