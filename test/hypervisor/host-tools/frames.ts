// Sample frames for the tcpdump tests: one of each kind a Xen host's interfaces carry (ARP, ICMP,
// UDP, DHCP, a TCP handshake with data, STP BPDUs padded to 60 bytes, an unknown EtherType frame), built
// with netsim's wire builders, each with a capture time in µs of simulated time.
import { buildArp, buildDhcpFrame, buildEthernet, buildIcmpEcho, buildIpv4Tcp, buildIpv4Udp } from "../../../netsim/wire/build.ts";
import { ArpOp } from "../../../netsim/wire/arp.ts";
import { BootpOp, dhcpRepr } from "../../../netsim/wire/dhcp.ts";
import { encodeBpduFrame } from "../../../netsim/wire/stp.ts";
import { parseIpv4 } from "../../../netsim/wire/address.ts";

/** Dotted quad to number; throws on a typo. */
export function ip(text: string): number {
  const v = parseIpv4(text);
  if (v === undefined) throw new Error(`bad address ${text}`);
  return v;
}

/** The guest's MAC, dom0's bridge MAC, the router's MAC. */
export const GUEST = 0x00163e2a4b01;
export const DOM0 = 0x00163e112233;
export const ROUTER = 0x001122334455;
const BCAST = 0xffffffffffff;

const data56 = new Uint8Array(56).map((_, i) => i);
const link = (src: number, dst: number) => ({ src, dst });

/** [time µs, frame, what it is]. */
export const SAMPLE_FRAMES: readonly (readonly [number, Uint8Array, string])[] = [
  [1_000_123, buildArp({ op: ArpOp.Request, senderMac: GUEST, senderIp: ip("192.168.1.50"), targetMac: 0, targetIp: ip("192.168.1.1") }), "arp request"],
  [1_000_456, buildArp({ op: ArpOp.Reply, senderMac: ROUTER, senderIp: ip("192.168.1.1"), targetMac: GUEST, targetIp: ip("192.168.1.50") }), "arp reply"],
  [1_001_000, buildIcmpEcho(link(GUEST, ROUTER), { src: ip("192.168.1.50"), dst: ip("192.168.1.1"), ident: 0x0a3c }, { ident: 2620, seq: 1, data: data56 }), "echo request"],
  [1_001_500, buildIcmpEcho(link(ROUTER, GUEST), { src: ip("192.168.1.1"), dst: ip("192.168.1.50") }, { reply: true, ident: 2620, seq: 1, data: data56 }), "echo reply"],
  [2_500_000, buildIpv4Udp(link(GUEST, ROUTER), { src: ip("192.168.1.50"), dst: ip("192.168.1.1") }, { srcPort: 40000, dstPort: 5000, payload: new Uint8Array(32) }), "udp"],
  [3_000_000, buildDhcpFrame(link(GUEST, BCAST), { src: 0, dst: 0xffffffff }, dhcpRepr({ op: BootpOp.Request, xid: 0x1234abcd, chaddr: GUEST, messageType: 1, parameterRequestList: [1, 3, 6] })), "dhcp discover"],
  [3_000_900, buildDhcpFrame(link(ROUTER, GUEST), { src: ip("192.168.1.1"), dst: ip("192.168.1.50") }, dhcpRepr({ op: BootpOp.Reply, xid: 0x1234abcd, chaddr: GUEST, yiaddr: ip("192.168.1.50"), messageType: 2, serverId: ip("192.168.1.1"), leaseTime: 3600 })), "dhcp offer"],
  [4_000_000, buildIpv4Tcp(link(GUEST, ROUTER), { src: ip("192.168.1.50"), dst: ip("192.168.1.1"), dontFragment: true }, { srcPort: 41000, dstPort: 22, seq: 1_000_000, ack: 0, flags: 0x02, window: 5840, urgent: 0, options: [{ kind: "mss", mss: 1460 }, { kind: "sack-permitted" }, { kind: "timestamps", tsVal: 100, tsEcr: 0 }, { kind: "nop" }, { kind: "window-scale", shift: 6 }], payload: new Uint8Array(0) }), "tcp syn"],
  [4_000_300, buildIpv4Tcp(link(ROUTER, GUEST), { src: ip("192.168.1.1"), dst: ip("192.168.1.50"), dontFragment: true }, { srcPort: 22, dstPort: 41000, seq: 3_000_000_000, ack: 1_000_001, flags: 0x12, window: 5792, urgent: 0, options: [{ kind: "mss", mss: 1460 }], payload: new Uint8Array(0) }), "tcp syn-ack"],
  [4_000_600, buildIpv4Tcp(link(GUEST, ROUTER), { src: ip("192.168.1.50"), dst: ip("192.168.1.1"), dontFragment: true }, { srcPort: 41000, dstPort: 22, seq: 1_000_001, ack: 3_000_000_001, flags: 0x10, window: 92, urgent: 0, options: [], payload: new Uint8Array(0) }), "tcp ack"],
  [4_001_000, buildIpv4Tcp(link(GUEST, ROUTER), { src: ip("192.168.1.50"), dst: ip("192.168.1.1"), dontFragment: true }, { srcPort: 41000, dstPort: 22, seq: 1_000_001, ack: 3_000_000_001, flags: 0x18, window: 92, urgent: 0, options: [], payload: new Uint8Array(21) }), "tcp data"],
  [5_000_000, padded(encodeBpduFrame(DOM0, { type: "config", topologyChange: false, topologyChangeAck: false, root: { priority: 0x8000, mac: DOM0 }, rootPathCost: 0, bridge: { priority: 0x8000, mac: DOM0 }, portId: 0x8001, messageAge: 0, maxAge: 20_000_000, helloTime: 2_000_000, forwardDelay: 15_000_000 })), "stp config"],
  [5_500_000, padded(encodeBpduFrame(GUEST, { type: "tcn" })), "stp tcn"],
  [6_100_000, buildEthernet({ src: GUEST, dst: BCAST, etherType: 0x88b5 }, new Uint8Array(46)), "unknown ethertype"],
];

/** Pads a frame to the 60-byte Ethernet minimum, as a NIC would put it on the wire. */
function padded(frame: Uint8Array): Uint8Array {
  if (frame.length >= 60) return frame;
  const out = new Uint8Array(60);
  out.set(frame);
  return out;
}
