// One-line summaries of frames in the style of `tcpdump -nn -t -S` (tcpdump 4.99: print-arp.c,
// print-ip.c, print-icmp.c, print-udp.c, print-tcp.c, print-bootp.c at default verbosity, no -e).
// Sequence numbers are absolute (-S) because a summary sees one frame, not a connection. Like tcpdump
// at default verbosity, checksums are not verified (captures on lo or veth carry partial ones). Protocols
// this simulator does not decode get a short generic line rather than tcpdump's dissection.

import { ipv4ToString, macToString } from "./address.ts";
import { ArpOp } from "./arp.ts";
import type { ArpRepr } from "./arp.ts";
import { BootpOp } from "./dhcp.ts";
import type { DhcpRepr } from "./dhcp.ts";
import { decodeFrame } from "./decode.ts";
import type { DecodedFrame } from "./decode.ts";
import { ETHERTYPE_MIN, EtherType } from "./ethernet.ts";
import { DstUnreachableCode, IcmpType, parseIcmpQuote, TimeExceededCode } from "./icmp.ts";
import type { IcmpRepr } from "./icmp.ts";
import { IpProtocol } from "./ipv4.ts";
import type { Ipv4Repr } from "./ipv4.ts";
import type { TcpOption, TcpRepr } from "./tcp.ts";

/** A tcpdump-style one-line summary of an Ethernet frame; never throws. */
export function summarizeFrame(bytes: Uint8Array): string {
  const decoded = decodeFrame(bytes, { verifyChecksums: false });
  if (!decoded.ok) return `[|ether] ${decoded.error.message}`;
  const d = decoded.value;
  const bad = d.error ? ` [${d.error.message}]` : "";
  if (d.arp) return summarizeArp(d.arp, d.payload.length);
  if (d.eth.etherType === EtherType.Arp) return `ARP${bad}`;
  if (d.eth.etherType === EtherType.Ipv4) return d.ipv4 ? summarizeIpv4(d, d.ipv4) + bad : `IP${bad}`;
  if (d.eth.etherType === EtherType.Ipv6) return `IP6, length ${d.payload.length}`;
  if (d.eth.etherType < ETHERTYPE_MIN) return `802.3 LLC, length ${d.payload.length}`;
  return `ethertype Unknown (0x${d.eth.etherType.toString(16).padStart(4, "0")}), length ${d.payload.length}`;
}

function summarizeArp(arp: ArpRepr, length: number): string {
  const ip = ipv4ToString;
  if (arp.op === ArpOp.Request) {
    const tha = arp.targetMac !== 0 ? ` (${macToString(arp.targetMac)})` : "";
    return `ARP, Request who-has ${ip(arp.targetIp)}${tha} tell ${ip(arp.senderIp)}, length ${length}`;
  }
  if (arp.op === ArpOp.Reply) return `ARP, Reply ${ip(arp.senderIp)} is-at ${macToString(arp.senderMac)}, length ${length}`;
  return `ARP, Unknown (${arp.op}), length ${length}`;
}

function summarizeIpv4(d: DecodedFrame, ip: Ipv4Repr): string {
  const src = ipv4ToString(ip.src);
  const dst = ipv4ToString(ip.dst);
  if (ip.fragmentOffset !== 0) return `IP ${src} > ${dst}: ip-proto-${ip.protocol}`;
  if (d.udp) {
    const head = `IP ${src}.${d.udp.srcPort} > ${dst}.${d.udp.dstPort}: `;
    return head + (d.dhcp ? summarizeDhcp(d.dhcp, d.udp.payload.length) : `UDP, length ${d.udp.payload.length}`);
  }
  if (d.tcp) return `IP ${src}.${d.tcp.srcPort} > ${dst}.${d.tcp.dstPort}: ${summarizeTcp(d.tcp)}`;
  if (d.icmp) return `IP ${src} > ${dst}: ICMP ${describeIcmp(d.icmp)}, length ${ip.payloadLen}`;
  const name = ip.protocol === IpProtocol.Icmp ? "ICMP" : ip.protocol === IpProtocol.Udp ? "UDP" : ip.protocol === IpProtocol.Tcp ? "TCP" : "";
  if (name !== "") return `IP ${src} > ${dst}: ${name}`;
  return `IP ${src} > ${dst}:  ip-proto-${ip.protocol} ${ip.payloadLen}`;
}

function summarizeDhcp(dhcp: DhcpRepr, length: number): string {
  if (dhcp.op === BootpOp.Request) return `BOOTP/DHCP, Request from ${macToString(dhcp.chaddr)}, length ${length}`;
  if (dhcp.op === BootpOp.Reply) return `BOOTP/DHCP, Reply, length ${length}`;
  return `BOOTP/DHCP, unknown (0x${dhcp.op.toString(16).padStart(2, "0")}), length ${length}`;
}

const TCP_FLAG_CHARS: readonly (readonly [number, string])[] = [
  [0x01, "F"],
  [0x02, "S"],
  [0x04, "R"],
  [0x08, "P"],
  [0x10, "."],
  [0x20, "U"],
  [0x40, "E"],
  [0x80, "W"],
];

function summarizeTcp(tcp: TcpRepr): string {
  const flags = TCP_FLAG_CHARS.filter(([bit]) => (tcp.flags & bit) !== 0).map(([, c]) => c).join("") || "none";
  const length = tcp.payload.length;
  let out = `Flags [${flags}]`;
  if (length > 0 || (tcp.flags & 0x07) !== 0) out += `, seq ${tcp.seq}` + (length > 0 ? `:${(tcp.seq + length) >>> 0}` : "");
  if (tcp.flags & 0x10) out += `, ack ${tcp.ack}`;
  out += `, win ${tcp.window}`;
  if (tcp.flags & 0x20) out += `, urg ${tcp.urgent}`;
  if (tcp.options.length > 0) out += `, options [${tcp.options.map(describeTcpOption).join(",")}]`;
  return `${out}, length ${length}`;
}

function describeTcpOption(option: TcpOption): string {
  switch (option.kind) {
    case "end":
      return "eol";
    case "nop":
      return "nop";
    case "mss":
      return `mss ${option.mss}`;
    case "window-scale":
      return `wscale ${option.shift}`;
    case "sack-permitted":
      return "sackOK";
    case "timestamps":
      return `TS val ${option.tsVal} ecr ${option.tsEcr}`;
    case "raw":
      return `unknown-${option.code} 0x${Array.from(option.data, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  }
}

const UNREACH: Readonly<Record<number, string>> = {
  [DstUnreachableCode.Net]: "net %s unreachable",
  [DstUnreachableCode.Host]: "host %s unreachable",
  [DstUnreachableCode.SourceRouteFailed]: "%s unreachable - source route failed",
  [DstUnreachableCode.NetUnknown]: "net %s unreachable - unknown",
  [DstUnreachableCode.HostUnknown]: "host %s unreachable - unknown",
  [DstUnreachableCode.SourceHostIsolated]: "%s unreachable - source host isolated",
  [DstUnreachableCode.NetProhibited]: "net %s unreachable - admin prohibited",
  [DstUnreachableCode.HostProhibited]: "host %s unreachable - admin prohibited",
  [DstUnreachableCode.NetTos]: "net %s unreachable - tos prohibited",
  [DstUnreachableCode.HostTos]: "host %s unreachable - tos prohibited",
  [DstUnreachableCode.AdminProhibited]: "host %s unreachable - admin prohibited filter",
  [DstUnreachableCode.HostPrecedence]: "host %s unreachable - host precedence violation",
  [DstUnreachableCode.PrecedenceCutoff]: "host %s unreachable - precedence cutoff",
};

const OTHER_TYPES: Readonly<Record<number, string>> = {
  4: "source quench",
  10: "router solicitation",
  13: "time stamp request",
  14: "time stamp reply",
  15: "information request",
  16: "information reply",
  17: "address mask request",
};

function describeIcmp(icmp: IcmpRepr): string {
  switch (icmp.kind) {
    case "echo-request":
    case "echo-reply":
      return `echo ${icmp.kind === "echo-request" ? "request" : "reply"}, id ${icmp.ident}, seq ${icmp.seq}`;
    case "dst-unreachable":
      return describeUnreachable(icmp.code, icmp.quoted, icmp.nextHopMtu);
    case "time-exceeded":
      if (icmp.code === TimeExceededCode.TtlExceeded) return "time exceeded in-transit";
      return icmp.code === TimeExceededCode.FragReassembly ? "ip reassembly time exceeded" : `time exceeded-#${icmp.code}`;
    case "redirect": {
      const quote = parseIcmpQuote(icmp.quoted);
      const target = quote.ok ? ipv4ToString(quote.value.ip.dst) : "?";
      const name = ["redirect %s to net", "redirect %s to host", "redirect-tos %s to net", "redirect-tos %s to host"][icmp.code] ?? `redirect-#${icmp.code} %s to net`;
      return `${name.replace("%s", target)} ${ipv4ToString(icmp.gateway)}`;
    }
    case "other":
      return icmp.type === IcmpType.EchoReply ? "echo reply" : (OTHER_TYPES[icmp.type] ?? `type-#${icmp.type}`);
  }
}

function describeUnreachable(code: number, quoted: Uint8Array, mtu: number | undefined): string {
  const quote = parseIcmpQuote(quoted);
  if (!quote.ok) return "[|icmp]";
  const { ip, transport } = quote.value;
  const dst = ipv4ToString(ip.dst);
  if (code === DstUnreachableCode.Protocol) return `${dst} protocol ${ip.protocol} unreachable`;
  if (code === DstUnreachableCode.FragNeeded) return mtu ? `${dst} unreachable - need to frag (mtu ${mtu})` : `${dst} unreachable - need to frag`;
  if (code === DstUnreachableCode.Port) {
    if (transport.length < 4) return "[|icmp]";
    const port = (transport[2]! << 8) | transport[3]!;
    if (ip.protocol === IpProtocol.Udp) return `${dst} udp port ${port} unreachable`;
    if (ip.protocol === IpProtocol.Tcp) return `${dst} tcp port ${port} unreachable`;
    return `${dst} protocol ${ip.protocol} port ${port} unreachable`;
  }
  return (UNREACH[code] ?? `#${code} %s unreachable`).replace("%s", dst);
}
