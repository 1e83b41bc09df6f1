import { describe, expect, it } from "vitest";
import { parseIpv4 as ip, parseMac as mac } from "../../../netsim/wire/address.ts";
import { BOOTP_MIN_LEN, BootpOp, DhcpMessageType, dhcpRepr, encodeDhcp, encodeDhcpOptions, parseDhcp } from "../../../netsim/wire/dhcp.ts";
import { unwrap } from "../../../netsim/wire/result.ts";
import { hex, zeros } from "./hex.ts";

// Real: busybox udhcpc 1.35's DISCOVER (veth capture), padded to 300 bytes like every real client.
const DISCOVER = hex(
  "01", // op: BOOTREQUEST
  "01", // htype: Ethernet
  "06", // hlen
  "00", // hops
  "c6f9e821", // xid
  "0000", // secs
  "0000", // flags: broadcast bit clear
  "00000000", // ciaddr
  "00000000", // yiaddr
  "00000000", // siaddr
  "00000000", // giaddr
  "00163e000002", // chaddr
  zeros(10), // chaddr padding
  zeros(64), // sname
  zeros(128), // file
  "63825363", // magic cookie
  "35 01 01", // 53 message type: DISCOVER
  "39 02 0240", // 57 max message size 576
  "37 07 01 03 06 0c 0f 1c 2a", // 55 parameter request list
  "0c 06 677565737431", // 12 host name "guest1"
  "3c 0c 75646863702031 2e33352e30", // 60 vendor class "udhcp 1.35.0" (kept raw)
  "3d 07 01 00163e000002", // 61 client id: type 1 + MAC
  "ff", // end
  zeros(12), // pad to 300
);

// Real: dnsmasq 2.90's OFFER in answer (305 bytes: dnsmasq does not pad past its last option).
const OFFER = hex(
  "02 01 06 00", // op BOOTREPLY, Ethernet, hlen 6, hops 0
  "c6f9e821", // xid
  "0000 0000", // secs, flags
  "00000000", // ciaddr
  "0a000042", // yiaddr 10.0.0.66
  "0a000001", // siaddr 10.0.0.1
  "00000000", // giaddr
  "00163e000002", // chaddr
  zeros(10 + 64 + 128), // chaddr padding, sname, file
  "63825363", // magic cookie
  "35 01 02", // 53 message type: OFFER
  "36 04 0a000001", // 54 server id
  "33 04 00000e10", // 51 lease time 3600
  "3a 04 00000708", // 58 T1 1800
  "3b 04 00000c4e", // 59 T2 3150
  "01 04 ffffff00", // 1 subnet mask
  "1c 04 0a0000ff", // 28 broadcast address
  "03 04 0a000001", // 3 router
  "0f 0b 6578616d706c652e6f7267", // 15 domain name "example.org"
  "06 04 0a000001", // 6 DNS server
  "ff", // end
);

describe("BOOTP/DHCP (RFC 2131, RFC 2132)", () => {
  it("parses a real DISCOVER and re-emits it byte for byte", () => {
    const repr = unwrap(parseDhcp(DISCOVER));
    expect(repr).toMatchObject({
      op: BootpOp.Request,
      xid: 0xc6f9e821,
      broadcast: false,
      chaddr: mac("00:16:3e:00:00:02"),
      messageType: DhcpMessageType.Discover,
      maxMessageSize: 576,
      parameterRequestList: [1, 3, 6, 12, 15, 28, 42],
      hostName: "guest1",
      clientId: hex("01 00163e000002"),
      extraOptions: [{ code: 60, data: new TextEncoder().encode("udhcp 1.35.0") }],
      optionOrder: [53, 57, 55, 12, 60, 61],
    });
    expect(encodeDhcp(repr)).toEqual(DISCOVER);
  });

  it("parses a real OFFER and re-emits it byte for byte", () => {
    const repr = unwrap(parseDhcp(OFFER));
    expect(repr).toMatchObject({
      op: BootpOp.Reply,
      yiaddr: ip("10.0.0.66"),
      siaddr: ip("10.0.0.1"),
      messageType: DhcpMessageType.Offer,
      serverId: ip("10.0.0.1"),
      leaseTime: 3600,
      renewalTime: 1800,
      rebindingTime: 3150,
      subnetMask: ip("255.255.255.0"),
      broadcastAddress: ip("10.0.0.255"),
      routers: [ip("10.0.0.1")],
      dnsServers: [ip("10.0.0.1")],
      domainName: "example.org",
    });
    expect(encodeDhcp(repr)).toEqual(OFFER);
  });

  it("pads to 300 bytes, sets the broadcast flag and puts message type first when no order is recorded", () => {
    const bytes = encodeDhcp(dhcpRepr({ op: BootpOp.Request, xid: 1, chaddr: 2, broadcast: true, hostName: "h", messageType: DhcpMessageType.Request, requestedIp: 5 }));
    expect(bytes.length).toBe(BOOTP_MIN_LEN);
    expect(bytes.subarray(10, 12)).toEqual(hex("8000"));
    expect(bytes.subarray(240, 253)).toEqual(hex("350103", "3204 00000005", "0c01 68", "ff"));
    expect(bytes.subarray(253)).toEqual(new Uint8Array(47));
  });

  it("keeps sname/file text and unknown options, and skips pad options", () => {
    const repr = dhcpRepr({ op: BootpOp.Reply, xid: 7, chaddr: 1, sname: "boot", file: "pxelinux.0", messageType: DhcpMessageType.Ack, extraOptions: [{ code: 42, data: hex("0a000001") }] });
    const back = unwrap(parseDhcp(encodeDhcp(repr)));
    expect(back).toMatchObject({ sname: "boot", file: "pxelinux.0", extraOptions: [{ code: 42, data: hex("0a000001") }] });
    const padded = DISCOVER.slice();
    padded.set(hex("00 00 35 01 03 ff"), 240); // two pads, then REQUEST, end
    expect(unwrap(parseDhcp(padded)).messageType).toBe(DhcpMessageType.Request);
  });

  it("joins a split option and splits a long one (RFC 3396)", () => {
    const split = DISCOVER.slice();
    split.set(hex("37 02 0103 37 01 06 ff"), 240);
    expect(unwrap(parseDhcp(split)).parameterRequestList).toEqual([1, 3, 6]);
    const name = "x".repeat(300);
    const options = encodeDhcpOptions({ hostName: name });
    expect(options.length).toBe(2 + 255 + 2 + 45 + 1);
    expect(Array.from(options.subarray(0, 2))).toEqual([12, 255]);
    expect(Array.from(options.subarray(257, 259))).toEqual([12, 45]);
  });

  it("refuses short messages, other hardware, missing cookies and broken options", () => {
    expect(parseDhcp(DISCOVER.subarray(0, 239))).toMatchObject({ ok: false, error: { reason: "truncated", layer: "dhcp" } });
    const tokenRing = DISCOVER.slice();
    tokenRing[1] = 6;
    expect(parseDhcp(tokenRing)).toMatchObject({ ok: false, error: { reason: "unsupported" } });
    const bootp = DISCOVER.slice();
    bootp[236] = 0;
    expect(parseDhcp(bootp)).toMatchObject({ ok: false, error: { reason: "unsupported" } });
    const overrun = DISCOVER.slice(0, 244);
    overrun.set(hex("3d 09 01 00"), 240);
    expect(parseDhcp(overrun)).toMatchObject({ ok: false, error: { reason: "malformed" } });
    const badMask = DISCOVER.slice();
    badMask.set(hex("01 03 ffffff ff"), 240);
    expect(parseDhcp(badMask)).toMatchObject({ ok: false, error: { reason: "malformed" } });
  });

  it("throws when sname does not fit (a bug, not bad input)", () => {
    expect(() => encodeDhcp(dhcpRepr({ op: 1, xid: 1, chaddr: 1, sname: "s".repeat(64) }))).toThrow(/sname/);
  });
});
