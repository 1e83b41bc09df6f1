// Normalised packet lines: one line per frame seen on an interface, with addresses and MACs replaced
// by the role of whoever owns them (`guest1`, `dom0`, `router`, `bcast`), so that a capture of the
// simulator and a capture of the real kernel — whose MACs, IP ids, checksums and random ports
// differ — can be compared, and golden files read like sequence diagrams:
//
//   guest1>vif arp request who-has router tell guest1
//   dom0>router.eth0 icmp echo-request guest1 > inet ttl 63
//   inet>router.eth1 icmp time-exceeded inet > dom0 ttl 64 quoting udp dom0:hi > inet:trace
//
// Ports keep their number when the scenario chose it (7, 67, 68, 5000); traceroute's destination
// ports read `trace`; any other port is shown by the class Linux NAT keeps it in (dhcp-nat.md §6.2:
// `lo` 1–511, `mid` 512–1023, `hi` 1024–65535), which is how a remapped NAT port is compared.
import { ipv4ToString, macToString, type Ipv4, type Mac } from "../../netsim/wire/address.ts";
import { ArpOp } from "../../netsim/wire/arp.ts";
import { decodeFrame, type DecodedFrame } from "../../netsim/wire/decode.ts";
import { parseIcmpQuote } from "../../netsim/wire/icmp.ts";
import { IpProtocol } from "../../netsim/wire/ipv4.ts";
import { readU16 } from "../../netsim/wire/bytes.ts";

/** Who owns which address and MAC. */
export interface Roles {
  readonly ips: ReadonlyMap<Ipv4, string>;
  readonly macs: ReadonlyMap<Mac, string>;
  /** Ports printed as numbers. */
  readonly ports: ReadonlySet<number>;
}

/** One frame as a capture holds it. */
export interface Seen {
  readonly time: number;
  readonly frame: Uint8Array;
}

const DHCP_TYPES = ["?", "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM"];
const ICMP_NAMES: Readonly<Record<string, string>> = {
  "0/0": "echo-reply",
  "8/0": "echo-request",
  "11/0": "time-exceeded",
  "3/0": "net-unreachable",
  "3/1": "host-unreachable",
  "3/3": "port-unreachable",
};
/** traceroute's default destination ports: 33434 up to 30 hops × 3 probes later. */
const TRACE_PORTS: readonly [number, number] = [33434, 33434 + 90];

function ipRole(r: Roles, a: Ipv4): string {
  return r.ips.get(a) ?? (a === 0 ? "0.0.0.0" : a === 0xffffffff ? "bcast" : ipv4ToString(a));
}

function macRole(r: Roles, m: Mac): string {
  return r.macs.get(m) ?? (m === 0xff_ff_ff_ff_ff_ff ? "bcast" : m === 0 ? "zero" : macToString(m));
}

/** A port as the scenario named it, `trace` (a destination port only), or its NAT class. */
export function portRole(r: Roles, port: number, destination: boolean): string {
  if (r.ports.has(port)) return String(port);
  if (destination && port >= TRACE_PORTS[0] && port <= TRACE_PORTS[1]) return "trace";
  return port < 512 ? "lo" : port < 1024 ? "mid" : "hi";
}

function arpLine(r: Roles, d: DecodedFrame): string {
  const a = d.arp!;
  if (a.senderIp === a.targetIp) return `arp gratuitous ${ipRole(r, a.senderIp)}`;
  if (a.op === ArpOp.Request) return `arp request who-has ${ipRole(r, a.targetIp)} tell ${ipRole(r, a.senderIp)}`;
  if (a.op === ArpOp.Reply) return `arp reply ${ipRole(r, a.senderIp)} is-at ${macRole(r, a.senderMac)}`;
  return `arp op ${a.op}`;
}

/** `udp A:p > B:q` for the transport header at the start of `bytes` (a quote may cut it short). */
function ports(r: Roles, proto: number, src: Ipv4, dst: Ipv4, bytes: Uint8Array): string {
  const name = proto === IpProtocol.Udp ? "udp" : proto === IpProtocol.Tcp ? "tcp" : proto === IpProtocol.Icmp ? "icmp" : `proto-${proto}`;
  if ((proto !== IpProtocol.Udp && proto !== IpProtocol.Tcp) || bytes.length < 4) return `${name} ${ipRole(r, src)} > ${ipRole(r, dst)}`;
  return `${name} ${ipRole(r, src)}:${portRole(r, readU16(bytes, 0), false)} > ${ipRole(r, dst)}:${portRole(r, readU16(bytes, 2), true)}`;
}

function icmpLine(r: Roles, d: DecodedFrame, head: string): string {
  const m = d.icmp!;
  const type = m.kind === "echo-request" ? 8 : m.kind === "echo-reply" ? 0 : m.kind === "time-exceeded" ? 11 : m.kind === "dst-unreachable" ? 3 : -1;
  const code = "code" in m ? m.code : 0;
  const name = ICMP_NAMES[`${type}/${code}`] ?? `type-${type}/${code}`;
  if (m.kind !== "time-exceeded" && m.kind !== "dst-unreachable") return `icmp ${name} ${head}`;
  const q = parseIcmpQuote(m.quoted);
  const quoted = q.ok ? ` quoting ${ports(r, q.value.ip.protocol, q.value.ip.src, q.value.ip.dst, q.value.transport)} ttl ${q.value.ip.ttl}` : " quoting ?";
  return `icmp ${name} ${head}${quoted}`;
}

function ipLine(r: Roles, d: DecodedFrame): string {
  const ip = d.ipv4!;
  const head = `${ipRole(r, ip.src)} > ${ipRole(r, ip.dst)} ttl ${ip.ttl}`;
  if (d.dhcp !== undefined) {
    const y = d.dhcp.yiaddr !== 0 ? ` yiaddr ${ipRole(r, d.dhcp.yiaddr)}` : "";
    return `dhcp ${DHCP_TYPES[d.dhcp.messageType ?? 0] ?? "?"} ${head}${y}`;
  }
  if (d.icmp !== undefined) return icmpLine(r, d, head);
  if (d.udp !== undefined) return `udp ${ipRole(r, ip.src)}:${portRole(r, d.udp.srcPort, false)} > ${ipRole(r, ip.dst)}:${portRole(r, d.udp.dstPort, true)} ttl ${ip.ttl}`;
  return `ip proto ${ip.protocol} ${head}`;
}

/** The normalised description of one frame (checksums not verified: veth captures carry partial ones). */
export function describe(r: Roles, frame: Uint8Array): string {
  const decoded = decodeFrame(frame, { verifyChecksums: false });
  if (!decoded.ok) return "runt";
  const d = decoded.value;
  const link = `${macRole(r, d.eth.src)}>${macRole(r, d.eth.dst)}`;
  if (d.arp !== undefined) return `${link} ${arpLine(r, d)}`;
  if (d.ipv4 !== undefined) return `${link} ${ipLine(r, d)}`;
  return `${link} ethertype 0x${d.eth.etherType.toString(16).padStart(4, "0")}`;
}

/** `S description` per frame, S = whole seconds since `t0` (µs), rounded down; IPv6 left out. */
export function secondLines(r: Roles, seen: readonly Seen[], t0: number): string[] {
  return seen.filter((s) => !isIpv6(s.frame)).map((s) => `${Math.floor((s.time - t0) / 1_000_000)} ${describe(r, s.frame)}`);
}

/**
 * Lines sorted by second and, within a second, by text: which of two packets of the same second
 * an interface saw first is a race of microseconds between independent hosts.
 */
export function bySecond(lines: readonly string[]): string[] {
  const sec = (l: string) => Number(l.slice(0, l.indexOf(" ")));
  return [...lines].sort((a, b) => sec(a) - sec(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function isIpv6(frame: Uint8Array): boolean {
  return frame.length >= 14 && frame[12] === 0x86 && frame[13] === 0xdd;
}
