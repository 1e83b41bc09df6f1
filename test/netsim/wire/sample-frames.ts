// A representative set of frames built with netsim/wire's builders, shared by the tshark validation
// test and the tcpdump summary test: ARP request/reply, ICMP echo, ICMP errors quoting real packets,
// UDP, a TCP handshake and teardown with the MSS option, a whole DHCP exchange and an 802.1Q frame.

import {
  ArpOp,
  BootpOp,
  buildArp,
  buildDhcpFrame,
  buildIcmpEcho,
  buildIcmpError,
  buildIpv4Tcp,
  buildIpv4Udp,
  BROADCAST_MAC,
  dhcpRepr,
  DhcpMessageType,
  DstUnreachableCode,
  parseIpv4 as ip,
  parseMac as mac,
  TcpFlags,
  TimeExceededCode,
} from "../../../netsim/wire/index.ts";
import type { DhcpRepr, TcpRepr } from "../../../netsim/wire/index.ts";

/** A frame and what `tcpdump -nn -t -S` prints for it (checked against tcpdump 4.99.3). */
export interface SampleFrame {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly summary: string;
}

const A = { mac: mac("00:16:3e:00:00:02")!, ip: ip("10.0.0.2")! };
const B = { mac: mac("00:16:3e:00:00:01")!, ip: ip("10.0.0.1")! };
const R = { mac: mac("fe:ff:ff:ff:ff:ff")!, ip: ip("10.0.0.254")! };
const AtoB = { src: A.mac, dst: B.mac };
const BtoA = { src: B.mac, dst: A.mac };
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const pingData = Uint8Array.from({ length: 56 }, (_, i) => i);

const udp = buildIpv4Udp(AtoB, { src: A.ip, dst: B.ip, ident: 0x1c46, dontFragment: true }, { srcPort: 40000, dstPort: 9999, payload: text("hello xennet\n") });
const echo = buildIcmpEcho(AtoB, { src: A.ip, dst: ip("192.0.2.7")!, ttl: 1, ident: 7 }, { ident: 0x1234, seq: 3, data: pingData });

const tcp = (flags: number, seq: number, ack: number, extra: Partial<TcpRepr> = {}): TcpRepr => ({
  srcPort: 51000,
  dstPort: 9998,
  seq,
  ack,
  flags,
  window: 64240,
  urgent: 0,
  options: [],
  payload: new Uint8Array(0),
  ...extra,
});
const synOptions: TcpRepr["options"] = [{ kind: "mss", mss: 1460 }, { kind: "sack-permitted" }, { kind: "timestamps", tsVal: 100, tsEcr: 0 }, { kind: "nop" }, { kind: "window-scale", shift: 7 }];

const chaddr = A.mac;
const dhcp = (init: Partial<DhcpRepr>): DhcpRepr => dhcpRepr({ op: BootpOp.Request, xid: 0x3903f326, chaddr, ...init });
const offerOptions = { serverId: B.ip, leaseTime: 3600, renewalTime: 1800, rebindingTime: 3150, subnetMask: ip("255.255.255.0")!, broadcastAddress: ip("10.0.0.255")!, routers: [B.ip], dnsServers: [B.ip], domainName: "example.org" };
const clientOptions = { maxMessageSize: 576, parameterRequestList: [1, 3, 6, 12, 15, 28], hostName: "guest1", clientId: Uint8Array.of(1, 0x00, 0x16, 0x3e, 0, 0, 2) };
const toClient = { src: B.mac, dst: BROADCAST_MAC };
const fromClient = { src: A.mac, dst: BROADCAST_MAC };
const any = { src: 0, dst: 0xffffffff };

/** The frames, in capture order. */
export const SAMPLE_FRAMES: readonly SampleFrame[] = [
  {
    name: "arp request",
    bytes: buildArp({ op: ArpOp.Request, senderMac: A.mac, senderIp: A.ip, targetMac: 0, targetIp: B.ip }),
    summary: "ARP, Request who-has 10.0.0.1 tell 10.0.0.2, length 28",
  },
  {
    name: "arp reply",
    bytes: buildArp({ op: ArpOp.Reply, senderMac: B.mac, senderIp: B.ip, targetMac: A.mac, targetIp: A.ip }),
    summary: "ARP, Reply 10.0.0.1 is-at 00:16:3e:00:00:01, length 28",
  },
  {
    name: "icmp echo request",
    bytes: buildIcmpEcho(AtoB, { src: A.ip, dst: B.ip, ident: 0x4a1f, dontFragment: true }, { ident: 0x1234, seq: 1, data: pingData }),
    summary: "IP 10.0.0.2 > 10.0.0.1: ICMP echo request, id 4660, seq 1, length 64",
  },
  {
    name: "icmp echo reply",
    bytes: buildIcmpEcho(BtoA, { src: B.ip, dst: A.ip, ident: 0x9b01 }, { reply: true, ident: 0x1234, seq: 1, data: pingData }),
    summary: "IP 10.0.0.1 > 10.0.0.2: ICMP echo reply, id 4660, seq 1, length 64",
  },
  { name: "udp", bytes: udp, summary: "IP 10.0.0.2.40000 > 10.0.0.1.9999: UDP, length 13" },
  {
    name: "icmp port unreachable (linux quote)",
    bytes: buildIcmpError(BtoA, { src: B.ip, dst: A.ip, tos: 0xc0 }, { kind: "dst-unreachable", code: DstUnreachableCode.Port, original: udp.subarray(14), quote: "linux" }),
    summary: "IP 10.0.0.1 > 10.0.0.2: ICMP 10.0.0.1 udp port 9999 unreachable, length 49",
  },
  {
    name: "icmp port unreachable (rfc 792 quote)",
    bytes: buildIcmpError(BtoA, { src: B.ip, dst: A.ip, tos: 0xc0 }, { kind: "dst-unreachable", code: DstUnreachableCode.Port, original: udp.subarray(14) }),
    summary: "IP 10.0.0.1 > 10.0.0.2: ICMP 10.0.0.1 udp port 9999 unreachable, length 36",
  },
  {
    name: "icmp host unreachable",
    bytes: buildIcmpError({ src: R.mac, dst: A.mac }, { src: R.ip, dst: A.ip, tos: 0xc0 }, { kind: "dst-unreachable", code: DstUnreachableCode.Host, original: echo.subarray(14) }),
    summary: "IP 10.0.0.254 > 10.0.0.2: ICMP host 192.0.2.7 unreachable, length 36",
  },
  {
    name: "icmp time exceeded",
    bytes: buildIcmpError({ src: R.mac, dst: A.mac }, { src: R.ip, dst: A.ip, tos: 0xc0 }, { kind: "time-exceeded", code: TimeExceededCode.TtlExceeded, original: echo.subarray(14), quote: "linux" }),
    summary: "IP 10.0.0.254 > 10.0.0.2: ICMP time exceeded in-transit, length 92",
  },
  {
    name: "tcp syn",
    bytes: buildIpv4Tcp(AtoB, { src: A.ip, dst: B.ip, dontFragment: true }, tcp(TcpFlags.Syn, 1000, 0, { options: synOptions })),
    summary: "IP 10.0.0.2.51000 > 10.0.0.1.9998: Flags [S], seq 1000, win 64240, options [mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7], length 0",
  },
  {
    name: "tcp syn-ack",
    bytes: buildIpv4Tcp(BtoA, { src: B.ip, dst: A.ip, dontFragment: true }, { ...tcp(TcpFlags.Syn | TcpFlags.Ack, 5000, 1001, { options: [{ kind: "mss", mss: 1460 }] }), srcPort: 9998, dstPort: 51000 }),
    summary: "IP 10.0.0.1.9998 > 10.0.0.2.51000: Flags [S.], seq 5000, ack 1001, win 64240, options [mss 1460], length 0",
  },
  {
    name: "tcp ack",
    bytes: buildIpv4Tcp(AtoB, { src: A.ip, dst: B.ip, dontFragment: true }, tcp(TcpFlags.Ack, 1001, 5001)),
    summary: "IP 10.0.0.2.51000 > 10.0.0.1.9998: Flags [.], ack 5001, win 64240, length 0",
  },
  {
    name: "tcp data",
    bytes: buildIpv4Tcp(AtoB, { src: A.ip, dst: B.ip, dontFragment: true }, tcp(TcpFlags.Psh | TcpFlags.Ack, 1001, 5001, { payload: text("GET / HTTP/1.0\r\n\r\n") })),
    summary: "IP 10.0.0.2.51000 > 10.0.0.1.9998: Flags [P.], seq 1001:1019, ack 5001, win 64240, length 18",
  },
  {
    name: "tcp fin",
    bytes: buildIpv4Tcp(AtoB, { src: A.ip, dst: B.ip, dontFragment: true }, tcp(TcpFlags.Fin | TcpFlags.Ack, 1019, 5001)),
    summary: "IP 10.0.0.2.51000 > 10.0.0.1.9998: Flags [F.], seq 1019, ack 5001, win 64240, length 0",
  },
  {
    name: "dhcp discover",
    bytes: buildDhcpFrame(fromClient, any, dhcp({ messageType: DhcpMessageType.Discover, broadcast: true, ...clientOptions })),
    summary: "IP 0.0.0.0.68 > 255.255.255.255.67: BOOTP/DHCP, Request from 00:16:3e:00:00:02, length 300",
  },
  {
    name: "dhcp offer",
    bytes: buildDhcpFrame(toClient, { src: B.ip, dst: 0xffffffff }, dhcp({ op: BootpOp.Reply, broadcast: true, yiaddr: ip("10.0.0.66")!, siaddr: B.ip, messageType: DhcpMessageType.Offer, ...offerOptions })),
    summary: "IP 10.0.0.1.67 > 255.255.255.255.68: BOOTP/DHCP, Reply, length 305",
  },
  {
    name: "dhcp request",
    bytes: buildDhcpFrame(fromClient, any, dhcp({ messageType: DhcpMessageType.Request, secs: 3, broadcast: true, requestedIp: ip("10.0.0.66")!, serverId: B.ip, ...clientOptions })),
    summary: "IP 0.0.0.0.68 > 255.255.255.255.67: BOOTP/DHCP, Request from 00:16:3e:00:00:02, length 300",
  },
  {
    name: "dhcp ack",
    bytes: buildDhcpFrame(toClient, { src: B.ip, dst: 0xffffffff }, dhcp({ op: BootpOp.Reply, secs: 3, broadcast: true, yiaddr: ip("10.0.0.66")!, siaddr: B.ip, messageType: DhcpMessageType.Ack, ...offerOptions, hostName: "guest1" })),
    summary: "IP 10.0.0.1.67 > 255.255.255.255.68: BOOTP/DHCP, Reply, length 313",
  },
  {
    name: "dhcp nak",
    bytes: buildDhcpFrame(toClient, { src: B.ip, dst: 0xffffffff }, dhcp({ op: BootpOp.Reply, messageType: DhcpMessageType.Nak, serverId: B.ip, message: "wrong network" })),
    summary: "IP 10.0.0.1.67 > 255.255.255.255.68: BOOTP/DHCP, Reply, length 300",
  },
  {
    name: "802.1q tagged udp",
    bytes: buildIpv4Udp({ ...AtoB, vlan: { pcp: 0, dei: false, vid: 10 } }, { src: A.ip, dst: B.ip }, { srcPort: 40001, dstPort: 9999, payload: text("tagged") }),
    summary: "IP 10.0.0.2.40001 > 10.0.0.1.9999: UDP, length 6",
  },
];
