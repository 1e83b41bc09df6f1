// Normalised packet lines: one line per frame an interface saw, with MACs and addresses replaced by
// their roles (roles.ts), generalised from the scenario tests' normaliser (test/scenarios/normalise.ts)
// to any host. What is kept is what must agree between the simulation and the kernel: the kind of
// packet, who sent it to whom, TTLs, ports, DHCP message types and the role of an offered address,
// ARP ops, ICMP types and what an error quotes, STP BPDU kinds and roles. What is dropped is what
// legitimately differs: IP ids, checksums, ICMP echo ids, MACs' and leases' values, and random ports.
//
//   web>dom0 arp request who-has dom0.br0 tell web
//   dom0.eth0>router icmp echo-request dom0.eth0 > www ttl 63
//
// Ports keep their number when well known or named by the script (7, 67, 68, 5000); traceroute's
// destination ports read `trace`; any other port reads as the class Linux NAT keeps it in
// (dhcp-nat.md §6.2: `lo` 1–511, `mid` 512–1023, `hi` 1024–65535) — so a port MASQUERADE remapped
// is compared by shape, not value. IPv6 and IGMP frames return undefined: the simulator carries
// neither (a real kernel sends MLD and IGMPv3 reports when a device comes up).
import { ipv4ToString, macToString, type Ipv4, type Mac } from "../../netsim/wire/address.ts";
import { ArpOp } from "../../netsim/wire/arp.ts";
import { decodeFrame, type DecodedFrame } from "../../netsim/wire/decode.ts";
import { parseIcmpQuote } from "../../netsim/wire/icmp.ts";
import { IpProtocol } from "../../netsim/wire/ipv4.ts";
import { readU16 } from "../../netsim/wire/bytes.ts";
import { parseBpduFrame } from "../../netsim/wire/stp.ts";
import { inPool, type Roles } from "./roles.ts";

const DHCP_TYPES = ["?", "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM"];
const ICMP_NAMES: Readonly<Record<string, string>> = {
  "0/0": "echo-reply",
  "8/0": "echo-request",
  "11/0": "time-exceeded",
  "3/0": "net-unreachable",
  "3/1": "host-unreachable",
  "3/3": "port-unreachable",
  "5/1": "redirect-host",
};
const ICMP_TYPES: Readonly<Record<string, number>> = { "echo-request": 8, "echo-reply": 0, "time-exceeded": 11, "dst-unreachable": 3, redirect: 5 };
/** traceroute's default destination ports: 33434 up to 30 hops × 3 probes later (and -N's spread). */
const TRACE_PORTS: readonly [number, number] = [33434, 33434 + 255];

/** The role of an IPv4 address. */
export function ipRole(r: Roles, a: Ipv4): string {
  const known = r.ips.get(a);
  if (known !== undefined) return known;
  if (a === 0) return "0.0.0.0";
  if (a === 0xffffffff) return "bcast";
  return inPool(r, a) ? "dhcp-pool" : ipv4ToString(a);
}

function macRole(r: Roles, m: Mac): string {
  return r.macs.get(m) ?? (m === 0xff_ff_ff_ff_ff_ff ? "bcast" : m === 0 ? "zero" : macToString(m));
}

/** A port as the script or a well-known service names it, `trace` (a destination port only), or its NAT class. */
export function portRole(r: Roles, port: number, destination: boolean): string {
  if (r.ports.has(port)) return String(port);
  if (destination && port >= TRACE_PORTS[0] && port <= TRACE_PORTS[1]) return "trace";
  return port < 512 ? "lo" : port < 1024 ? "mid" : "hi";
}

function arpLine(r: Roles, d: DecodedFrame): string {
  const a = d.arp!;
  if (a.senderIp === a.targetIp) return `arp gratuitous ${a.op === ArpOp.Reply ? "reply" : "request"} ${ipRole(r, a.senderIp)}`;
  if (a.op === ArpOp.Request) return `arp request who-has ${ipRole(r, a.targetIp)} tell ${ipRole(r, a.senderIp)}`;
  if (a.op === ArpOp.Reply) return `arp reply ${ipRole(r, a.senderIp)} is-at ${macRole(r, a.senderMac)}`;
  return `arp op ${a.op}`;
}

/** `udp A:p > B:q` for the transport header at the start of `bytes` (a quote may cut it short). */
function transport(r: Roles, proto: number, src: Ipv4, dst: Ipv4, bytes: Uint8Array): string {
  const name = proto === IpProtocol.Udp ? "udp" : proto === IpProtocol.Tcp ? "tcp" : proto === IpProtocol.Icmp ? "icmp" : `proto-${proto}`;
  if ((proto !== IpProtocol.Udp && proto !== IpProtocol.Tcp) || bytes.length < 4) return `${name} ${ipRole(r, src)} > ${ipRole(r, dst)}`;
  return `${name} ${ipRole(r, src)}:${portRole(r, readU16(bytes, 0), false)} > ${ipRole(r, dst)}:${portRole(r, readU16(bytes, 2), true)}`;
}

function icmpLine(r: Roles, d: DecodedFrame, head: string): string {
  const m = d.icmp!;
  const type = m.kind === "other" ? m.type : (ICMP_TYPES[m.kind] ?? -1);
  const code = "code" in m ? m.code : 0;
  const name = ICMP_NAMES[`${type}/${code}`] ?? `type-${type}/${code}`;
  if (m.kind !== "time-exceeded" && m.kind !== "dst-unreachable" && m.kind !== "redirect") return `icmp ${name} ${head}`;
  const q = parseIcmpQuote(m.quoted);
  const quoted = q.ok ? ` quoting ${transport(r, q.value.ip.protocol, q.value.ip.src, q.value.ip.dst, q.value.transport)} ttl ${q.value.ip.ttl}` : " quoting ?";
  return `icmp ${name} ${head}${quoted}`;
}

function ipLine(r: Roles, d: DecodedFrame): string {
  const ip = d.ipv4!;
  const head = `${ipRole(r, ip.src)} > ${ipRole(r, ip.dst)} ttl ${ip.ttl}`;
  if (d.dhcp !== undefined) {
    // No TTL: a DHCP message's is its program's choice (ISC dhclient 128, busybox udhcpc 64).
    const y = d.dhcp.yiaddr !== 0 ? ` yiaddr ${ipRole(r, d.dhcp.yiaddr)}` : "";
    return `dhcp ${DHCP_TYPES[d.dhcp.messageType ?? 0] ?? "?"} ${ipRole(r, ip.src)} > ${ipRole(r, ip.dst)}${y}`;
  }
  if (d.icmp !== undefined) return icmpLine(r, d, head);
  if (d.udp !== undefined) return `udp ${ipRole(r, ip.src)}:${portRole(r, d.udp.srcPort, false)} > ${ipRole(r, ip.dst)}:${portRole(r, d.udp.dstPort, true)} ttl ${ip.ttl}`;
  if (d.tcp !== undefined) return `tcp ${ipRole(r, ip.src)}:${portRole(r, d.tcp.srcPort, false)} > ${ipRole(r, ip.dst)}:${portRole(r, d.tcp.dstPort, true)} ttl ${ip.ttl}`;
  return `ip proto ${ip.protocol} ${head}`;
}

function stpLine(r: Roles, frame: Uint8Array): string | undefined {
  const b = parseBpduFrame(frame);
  if (!b.ok) return undefined;
  const bpdu = b.value.bpdu;
  if (bpdu.type === "tcn") return `${macRole(r, b.value.src)}>stp stp tcn`;
  const flags = `${bpdu.topologyChange ? " tc" : ""}${bpdu.topologyChangeAck ? " tca" : ""}`;
  return `${macRole(r, b.value.src)}>stp stp config root ${macRole(r, bpdu.root.mac)} cost ${bpdu.rootPathCost}${flags}`;
}

/** True for an IPv6 frame (ICMPv6, MLD, router/neighbour solicitations…), which the simulator does not carry. */
export function isIpv6(frame: Uint8Array): boolean {
  return frame.length >= 14 && frame[12] === 0x86 && frame[13] === 0xdd;
}

/** True for an IGMP packet (IPv4 protocol 2): membership reports, which the simulator does not send. */
export function isIgmp(frame: Uint8Array): boolean {
  return frame.length >= 34 && frame[12] === 0x08 && frame[13] === 0x00 && frame[23] === 2;
}

/** The normalised line of one frame (checksums not verified: veth captures carry partial ones); IPv6 and IGMP → undefined. */
export function describe(r: Roles, frame: Uint8Array): string | undefined {
  if (isIpv6(frame) || isIgmp(frame)) return undefined;
  const stp = frame.length >= 14 && readU16(frame, 12) < 0x0600 ? stpLine(r, frame) : undefined;
  if (stp !== undefined) return stp;
  const decoded = decodeFrame(frame, { verifyChecksums: false });
  if (!decoded.ok) return "runt";
  const d = decoded.value;
  const link = `${macRole(r, d.eth.src)}>${macRole(r, d.eth.dst)}`;
  if (d.arp !== undefined) return `${link} ${arpLine(r, d)}`;
  if (d.ipv4 !== undefined) return `${link} ${ipLine(r, d)}`;
  return `${link} ethertype 0x${d.eth.etherType.toString(16).padStart(4, "0")}`;
}
