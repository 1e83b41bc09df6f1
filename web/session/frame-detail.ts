// What the page shows of one frame: its protocol class for the event list's filter, and its
// layers as Wireshark's packet-detail pane lists them (Ethernet II, 802.1Q, ARP, IPv4, ICMP, UDP,
// TCP, DHCP/BOOTP per RFC 2131/2132, STP BPDUs per 802.1D §9), each with a tcpdump-style summary
// and its header fields. Decoding is netsim/wire's (decodeFrame, parseBpduFrame, summarizeFrame);
// nothing here reads bytes itself beyond the hex dump.
import { ipv4ToString, macToString } from "../../netsim/wire/address.ts";
import { ArpOp } from "../../netsim/wire/arp.ts";
import { decodeFrame, type DecodedFrame } from "../../netsim/wire/decode.ts";
import { DhcpMessageType } from "../../netsim/wire/dhcp.ts";
import { EtherType } from "../../netsim/wire/ethernet.ts";
import { bridgeIdToString, parseBpduFrame, STP_GROUP_MAC } from "../../netsim/wire/stp.ts";
import { summarizeFrame } from "../../netsim/wire/summary.ts";
import { TcpFlags } from "../../netsim/wire/tcp.ts";
import type { FrameProto, LayerView } from "../api-types.ts";

type Fields = [string, string][];

/** The filter class of a frame: dhcp before udp, stp for 802.1D BPDUs. */
export function frameProto(bytes: Uint8Array): FrameProto {
  const decoded = decodeFrame(bytes, { verifyChecksums: false });
  if (!decoded.ok) return "other";
  const d = decoded.value;
  if (d.eth.dst === STP_GROUP_MAC) return "stp";
  if (d.eth.etherType === EtherType.Arp) return "arp";
  if (d.dhcp) return "dhcp";
  if (d.icmp) return "icmp";
  if (d.udp) return "udp";
  if (d.tcp) return "tcp";
  return "other";
}

/** The layers of a frame, outermost first; bytes that do not decode end in a Data layer. */
export function frameLayers(bytes: Uint8Array): LayerView[] {
  const decoded = decodeFrame(bytes, { verifyChecksums: false });
  if (!decoded.ok) return [data(bytes, decoded.error.message)];
  const d = decoded.value;
  const layers: LayerView[] = [ethernet(d, bytes)];
  if (d.eth.vlan) layers.push({ name: "802.1Q", summary: `VLAN ${d.eth.vlan.vid}`, fields: [["ID", String(d.eth.vlan.vid)], ["Priority", String(d.eth.vlan.pcp)], ["DEI", String(d.eth.vlan.dei)]] });
  if (d.eth.dst === STP_GROUP_MAC) return [...layers, stp(bytes)];
  if (d.arp) layers.push(arp(d, bytes));
  if (d.ipv4) layers.push(ipv4(d));
  if (d.icmp) layers.push(icmp(d));
  if (d.udp) layers.push({ name: "UDP", summary: `${d.udp.srcPort} → ${d.udp.dstPort}`, fields: [["Source port", String(d.udp.srcPort)], ["Destination port", String(d.udp.dstPort)], ["Length", String(d.udp.payload.length + 8)]] });
  if (d.tcp) layers.push(tcp(d));
  if (d.dhcp) layers.push(dhcp(d));
  const rest = d.dhcp || d.arp ? new Uint8Array(0) : d.payload;
  if (d.error || (rest.length > 0 && !d.icmp)) layers.push(data(rest, d.error?.message));
  return layers;
}

/** Lowercase hex of the whole frame, two digits a byte, no separators. */
export function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function ethernet(d: DecodedFrame, bytes: Uint8Array): LayerView {
  const type = `0x${d.eth.etherType.toString(16).padStart(4, "0")}`;
  const fields: Fields = [["Destination", macToString(d.eth.dst)], ["Source", macToString(d.eth.src)], [d.eth.etherType < 0x600 ? "Length" : "Type", d.eth.etherType < 0x600 ? String(d.eth.etherType) : type]];
  return { name: "Ethernet", summary: `${macToString(d.eth.src)} → ${macToString(d.eth.dst)}, ${bytes.length} bytes: ${summarizeFrame(bytes)}`, fields };
}

function arp(d: DecodedFrame, bytes: Uint8Array): LayerView {
  const a = d.arp!;
  const op = a.op === ArpOp.Request ? "request" : a.op === ArpOp.Reply ? "reply" : `op ${a.op}`;
  const fields: Fields = [["Opcode", op], ["Sender MAC", macToString(a.senderMac)], ["Sender IP", ipv4ToString(a.senderIp)], ["Target MAC", macToString(a.targetMac)], ["Target IP", ipv4ToString(a.targetIp)]];
  return { name: "ARP", summary: summarizeFrame(bytes), fields };
}

function ipv4(d: DecodedFrame): LayerView {
  const ip = d.ipv4!;
  const flags = [ip.dontFragment ? "DF" : "", ip.moreFragments ? "MF" : ""].filter((f) => f !== "").join(" ") || "none";
  const fields: Fields = [
    ["Source", ipv4ToString(ip.src)], ["Destination", ipv4ToString(ip.dst)], ["Protocol", String(ip.protocol)], ["TTL", String(ip.ttl)],
    ["Identification", `0x${ip.ident.toString(16).padStart(4, "0")}`], ["Flags", flags], ["Fragment offset", String(ip.fragmentOffset)], ["TOS", `0x${ip.tos.toString(16).padStart(2, "0")}`], ["Payload length", String(ip.payloadLen)],
  ];
  return { name: "IPv4", summary: `${ipv4ToString(ip.src)} → ${ipv4ToString(ip.dst)}, TTL ${ip.ttl}`, fields };
}

function icmp(d: DecodedFrame): LayerView {
  const m = d.icmp!;
  switch (m.kind) {
    case "echo-request":
    case "echo-reply": {
      const what = m.kind === "echo-request" ? "Echo request" : "Echo reply";
      return { name: "ICMP", summary: `${what}, id ${m.ident}, seq ${m.seq}`, fields: [["Type", m.kind], ["Identifier", String(m.ident)], ["Sequence", String(m.seq)], ["Data length", String(m.data.length)]] };
    }
    case "other":
      return { name: "ICMP", summary: `type ${m.type}, code ${m.code}`, fields: [["Type", String(m.type)], ["Code", String(m.code)]] };
    case "redirect":
      return { name: "ICMP", summary: `redirect, code ${m.code}`, fields: [["Type", m.kind], ["Code", String(m.code)], ["Gateway", ipv4ToString(m.gateway)]] };
    default:
      return { name: "ICMP", summary: `${m.kind}, code ${m.code}`, fields: [["Type", m.kind], ["Code", String(m.code)]] };
  }
}

function tcp(d: DecodedFrame): LayerView {
  const t = d.tcp!;
  const flags = Object.entries(TcpFlags).filter(([, bit]) => (t.flags & bit) !== 0).map(([name]) => name.toUpperCase()).join(" ") || "none";
  const fields: Fields = [["Source port", String(t.srcPort)], ["Destination port", String(t.dstPort)], ["Sequence", String(t.seq)], ["Acknowledgment", String(t.ack)], ["Flags", flags], ["Window", String(t.window)], ["Payload length", String(t.payload.length)]];
  return { name: "TCP", summary: `${t.srcPort} → ${t.dstPort} [${flags}] seq ${t.seq}`, fields };
}

const DHCP_TYPES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(DhcpMessageType).map(([name, code]) => [code, name.toUpperCase()]));

function dhcp(d: DecodedFrame): LayerView {
  const m = d.dhcp!;
  const type = m.messageType === undefined ? "BOOTP" : (DHCP_TYPES[m.messageType] ?? `type ${m.messageType}`);
  const fields: Fields = [
    ["Message type", type], ["Transaction ID", `0x${m.xid.toString(16).padStart(8, "0")}`], ["Client MAC", macToString(m.chaddr)],
    ["Client IP (ciaddr)", ipv4ToString(m.ciaddr)], ["Your IP (yiaddr)", ipv4ToString(m.yiaddr)], ["Server IP (siaddr)", ipv4ToString(m.siaddr)], ["Relay (giaddr)", ipv4ToString(m.giaddr)], ["Broadcast flag", String(m.broadcast)],
  ];
  if (m.serverId !== undefined) fields.push(["Server identifier", ipv4ToString(m.serverId)]);
  if (m.requestedIp !== undefined) fields.push(["Requested IP", ipv4ToString(m.requestedIp)]);
  if (m.subnetMask !== undefined) fields.push(["Subnet mask", ipv4ToString(m.subnetMask)]);
  if (m.routers !== undefined) fields.push(["Routers", m.routers.map(ipv4ToString).join(", ")]);
  if (m.leaseTime !== undefined) fields.push(["Lease time", `${m.leaseTime} s`]);
  if (m.hostName !== undefined) fields.push(["Host name", m.hostName]);
  return { name: "DHCP", summary: `DHCP ${type}, xid 0x${m.xid.toString(16).padStart(8, "0")}`, fields };
}

function stp(bytes: Uint8Array): LayerView {
  const parsed = parseBpduFrame(bytes);
  if (!parsed.ok) return data(bytes.subarray(14), parsed.error.message);
  const b = parsed.value.bpdu;
  if (b.type === "tcn") return { name: "STP", summary: "Topology Change Notification", fields: [["BPDU type", "TCN"]] };
  const fields: Fields = [
    ["BPDU type", "Configuration"], ["Root", bridgeIdToString(b.root)], ["Root path cost", String(b.rootPathCost)], ["Bridge", bridgeIdToString(b.bridge)],
    ["Port", `0x${b.portId.toString(16).padStart(4, "0")}`], ["Topology change", String(b.topologyChange)], ["Message age", String(b.messageAge)], ["Max age", String(b.maxAge)], ["Hello time", String(b.helloTime)], ["Forward delay", String(b.forwardDelay)],
  ];
  return { name: "STP", summary: `Conf. Root = ${bridgeIdToString(b.root)} Cost = ${b.rootPathCost} Port = 0x${b.portId.toString(16)}`, fields };
}

function data(bytes: Uint8Array, error?: string): LayerView {
  const fields: Fields = [["Length", String(bytes.length)]];
  if (error !== undefined) fields.push(["Not decoded", error]);
  return { name: "Data", summary: `${bytes.length} bytes${error !== undefined ? ` (${error})` : ""}`, fields };
}
