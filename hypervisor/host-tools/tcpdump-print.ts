// One output line per captured frame, as tcpdump 4.1.1 (Debian Squeeze) prints it at default
// verbosity: the timestamp (util.c ts_print: `HH:MM:SS.uuuuuu` of the host's UTC clock, or what
// -t/-tt/-ttt/-tttt/-ttttt ask), with -e the link header (print-ether.c ether_hdr_print:
// `SRC > DST, ethertype IPv4 (0x0800), length 98: `), then the protocol summary. netsim's
// summarizeFrame gives the tcpdump 4.x text of ICMP; ARP, UDP, BOOTP, TCP and STP are printed here
// because they depend on the options and on state:
// - without -n, MACs print as `00:16:3e:2a:4b:01 (oui Unknown)` (or `Broadcast`), ports by their
//   /etc/services names of Squeeze's netbase (`bootpc`, `www`, `ssh`); addresses stay numeric,
//   since the simulated host has no resolver to ask (a real one would try reverse DNS);
// - TCP sequence numbers are relative to the first segment with ACK of each connection (print-tcp.c
//   tcp_seq_hash), absolute with -S;
// - 4.1.1 hands the LLC code the whole frame after the Ethernet header, padding included, so an STP
//   BPDU in a 60-byte frame prints `length 43` (newer tcpdump trusts the 802.3 length: 35);
// - a frame of an unknown EtherType gets the Ethernet header and a hex dump (default_print).
// Checked against tcpdump 4.99 on the same bytes where the two versions agree (test/hypervisor/host-tools).
import { decodeFrame } from "../../netsim/wire/decode.ts";
import { summarizeFrame } from "../../netsim/wire/summary.ts";
import { ipv4ToString, macToString, readMac, type Mac } from "../../netsim/wire/address.ts";
import { ArpOp, type ArpRepr } from "../../netsim/wire/arp.ts";
import { BootpOp } from "../../netsim/wire/dhcp.ts";
import type { TcpOption, TcpRepr } from "../../netsim/wire/tcp.ts";
import type { Ipv4Repr } from "../../netsim/wire/ipv4.ts";
import { civil } from "../domains/host-spec.ts";
import { portName } from "./tcpdump-names.ts";

/** What changes a line. */
export interface LineOptions {
  /** -n: no MAC, port (or host) names. */
  readonly numeric: boolean;
  /** -e: print the link-level header. */
  readonly link: boolean;
  /** -S: absolute TCP sequence numbers. */
  readonly absoluteSeq: boolean;
  /** Number of -t: 0 clock time, 1 none, 2 seconds since 1970, 3 delta, 4 date and time, 5 since first. */
  readonly tflag: number;
}

const ETHERTYPES: Readonly<Record<number, string>> = { 0x0800: "IPv4", 0x0806: "ARP", 0x8035: "Reverse ARP", 0x8100: "802.1Q", 0x86dd: "IPv6", 0x88cc: "LLDP", 0x9000: "Loopback" };
/** The OUIs tcpdump 4.1.1 knows by name (oui.c). */
const OUIS: Readonly<Record<number, string>> = { 0x000000: "Ethernet", 0x00000c: "Cisco", 0x000081: "Nortel Networks SONMP", 0x0000f8: "Cisco bridged", 0x0080c2: "Ethernet bridged", 0x00a03e: "ATM Forum", 0x00e02f: "DOCSIS Spanning Tree", 0x080007: "Appletalk", 0x009069: "Juniper", 0x080009: "Hewlett-Packard", 0x00120f: "IEEE 802.3 Private", 0x0012bb: "ANSI/TIA" };

const pad = (n: number, w: number) => String(n).padStart(w, "0");

/** Formats the frames of one capture; keeps tcpdump's per-capture state (TCP conversations, -ttt). */
export class LinePrinter {
  private readonly conversations = new Map<string, { seq: number; ack: number }>();
  private base: number | undefined;

  constructor(
    private readonly opts: LineOptions,
    private readonly epochSeconds: number,
  ) {}

  /** The whole line for a frame captured at `timeMicros` of simulated time, newline included. */
  line(timeMicros: number, frame: Uint8Array): string {
    return `${this.timestamp(timeMicros)}${this.body(frame)}\n`;
  }

  private timestamp(us: number): string {
    const t = this.epochSeconds * 1_000_000 + us;
    const sec = Math.floor(t / 1_000_000);
    const usec = t - sec * 1_000_000;
    const clock = (s: number) => `${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor((s % 3600) / 60), 2)}:${pad(s % 60, 2)}.${pad(usec, 6)}`;
    switch (this.opts.tflag) {
      case 0:
        return `${clock(sec % 86_400)} `;
      case 1:
        return "";
      case 2:
        return `${sec}.${pad(usec, 6)} `;
      case 4: {
        const c = civil(sec);
        return `${c.year}-${pad(c.month, 2)}-${pad(c.day, 2)} ${clock(sec % 86_400)} `;
      }
      default: {
        const d = t - (this.base ?? t);
        if (this.base === undefined || this.opts.tflag === 3) this.base = t;
        const ds = Math.floor(d / 1_000_000);
        return `${pad(Math.floor(ds / 3600), 2)}:${pad(Math.floor((ds % 3600) / 60), 2)}:${pad(ds % 60, 2)}.${pad(d % 1_000_000, 6)} `;
      }
    }
  }

  /** etheraddr_string. */
  private mac(mac: Mac): string {
    if (this.opts.numeric) return macToString(mac);
    if (mac === 0xffff_ffff_ffff) return "Broadcast";
    return `${macToString(mac)} (oui ${OUIS[Math.floor(mac / 0x1_000_000)] ?? "Unknown"})`;
  }

  private port(port: number, proto: "tcp" | "udp"): string {
    return this.opts.numeric ? String(port) : (portName(port, proto) ?? String(port));
  }

  private body(frame: Uint8Array): string {
    if (frame.length < 14) return "[|ether]";
    const type = (frame[12]! << 8) | frame[13]!;
    const header = `${this.mac(readMac(frame, 6))} > ${this.mac(readMac(frame, 0))}, ${type <= 1500 ? "802.3" : `ethertype ${ETHERTYPES[type] ?? "Unknown"} (0x${type.toString(16).padStart(4, "0")})`}, length ${frame.length}: `;
    const e = this.opts.link ? header : "";
    if (type <= 1500) return e + this.llc(frame);
    if (type !== 0x0800 && type !== 0x0806 && type !== 0x86dd) return header + hexDump(frame.subarray(14));
    const d = decodeFrame(frame, { verifyChecksums: false });
    if (!d.ok) return `${e}[|ether]`;
    const v = d.value;
    if (v.arp) return e + (this.opts.link ? "" : "ARP, ") + this.arp(v.arp, v.payload.length);
    const ip = v.ipv4;
    if (ip === undefined || ip.fragmentOffset !== 0 || (v.udp === undefined && v.tcp === undefined)) {
      const s = summarizeFrame(frame);
      return e + (this.opts.link && s.startsWith("IP ") ? s.slice(3) : s);
    }
    const prefix = this.opts.link ? "" : "IP ";
    if (v.tcp) return `${e}${prefix}${this.endpoints(ip, v.tcp.srcPort, v.tcp.dstPort, "tcp")}: ${this.tcp(ip, v.tcp)}`;
    const udp = v.udp!;
    const what = v.dhcp ? (v.dhcp.op === BootpOp.Request ? `BOOTP/DHCP, Request from ${this.mac(v.dhcp.chaddr)}` : v.dhcp.op === BootpOp.Reply ? "BOOTP/DHCP, Reply" : "BOOTP/DHCP") : "UDP";
    return `${e}${prefix}${this.endpoints(ip, udp.srcPort, udp.dstPort, "udp")}: ${what}, length ${udp.payload.length}`;
  }

  private endpoints(ip: Ipv4Repr, sport: number, dport: number, proto: "tcp" | "udp"): string {
    return `${ipv4ToString(ip.src)}.${this.port(sport, proto)} > ${ipv4ToString(ip.dst)}.${this.port(dport, proto)}`;
  }

  /** print-arp.c for Ethernet/IPv4 ARP. */
  private arp(arp: ArpRepr, length: number): string {
    const ip = ipv4ToString;
    if (arp.op === ArpOp.Request) {
      const tha = arp.targetMac !== 0 ? ` (${this.mac(arp.targetMac)})` : "";
      return `Request who-has ${ip(arp.targetIp)}${tha} tell ${ip(arp.senderIp)}, length ${length}`;
    }
    if (arp.op === ArpOp.Reply) return `Reply ${ip(arp.senderIp)} is-at ${this.mac(arp.senderMac)}, length ${length}`;
    return `Unknown (${arp.op}), length ${length}`;
  }

  /** print-tcp.c at default verbosity, with relative sequence numbers unless -S. */
  private tcp(ip: Ipv4Repr, t: TcpRepr): string {
    let seq = t.seq;
    let ack = t.ack;
    if (!this.opts.absoluteSeq && (t.flags & 0x10) !== 0) [seq, ack] = this.relative(ip, t);
    const flags = ["F", "S", "R", "P", ".", "U", "E", "W"].filter((_, i) => (t.flags & (1 << i)) !== 0).join("") || "none";
    const len = t.payload.length;
    let s = `Flags [${flags}]`;
    if (len > 0 || (t.flags & 0x07) !== 0) s += `, seq ${seq}${len > 0 ? `:${(seq + len) >>> 0}` : ""}`;
    if (t.flags & 0x10) s += `, ack ${ack}`;
    s += `, win ${t.window}`;
    if (t.flags & 0x20) s += `, urg ${t.urgent}`;
    if (t.options.length > 0) s += `, options [${t.options.map(tcpOption).join(",")}]`;
    return `${s}, length ${len}`;
  }

  /** tcp_seq_hash: a conversation's base numbers are set by its first segment with ACK (or a SYN). */
  private relative(ip: Ipv4Repr, t: TcpRepr): [number, number] {
    const rev = t.srcPort > t.dstPort || (t.srcPort === t.dstPort && ip.src > ip.dst);
    const key = rev ? `${ip.dst}:${ip.src}:${t.dstPort}:${t.srcPort}` : `${ip.src}:${ip.dst}:${t.srcPort}:${t.dstPort}`;
    const known = this.conversations.get(key);
    if (known === undefined || (t.flags & 0x02) !== 0) {
      this.conversations.set(key, rev ? { ack: t.seq, seq: (t.ack - 1) >>> 0 } : { seq: t.seq, ack: (t.ack - 1) >>> 0 });
      return [t.seq, t.ack];
    }
    return rev ? [(t.seq - known.ack) >>> 0, (t.ack - known.seq) >>> 0] : [(t.seq - known.seq) >>> 0, (t.ack - known.ack) >>> 0];
  }

  /** print-llc.c for an 802.3 frame: STP BPDUs decoded, anything else as the generic summary. */
  private llc(frame: Uint8Array): string {
    const llcLen = frame.length - 14;
    if (llcLen < 3 || frame[14] !== 0x42 || frame[15] !== 0x42 || frame[16] !== 0x03) return summarizeFrame(frame);
    const e = this.opts.link ? "LLC, dsap STP (0x42) Individual, ssap STP (0x42) Command, ctrl 0x03: " : "";
    return e + stp(frame.subarray(17), llcLen - 3);
  }
}

/** print-stp.c for an 802.1D BPDU. */
function stp(b: Uint8Array, length: number): string {
  if (length < 4) return "[|stp]";
  if (((b[0]! << 8) | b[1]!) !== 0) return `unknown STP version, length ${length}`;
  const version = b[2] === 0 ? "802.1d" : b[2] === 2 ? "802.1w" : b[2] === 3 ? "802.1s" : `Unknown STP protocol (0x${b[2]!.toString(16).padStart(2, "0")})`;
  if (b[2]! > 3 || b[2] === 1) return `STP ${version}`;
  if (b[3] === 0x80) return `STP ${version}, Topology Change`;
  if (b[3] !== 0x00 && b[3] !== 0x02) return `STP ${version}, Unknown BPDU Type (0x${b[3]!.toString(16).padStart(2, "0")})`;
  if (length < 34 || b.length < 35) return `STP ${version}, Config, [|stp ${length}]`;
  const flags = [b[4]! & 0x01 ? "Topology change" : "", b[4]! & 0x80 ? "Topology change ACK" : ""].filter((x) => x !== "").join(", ") || "none";
  const id = Array.from(b.subarray(17, 25), (x) => x.toString(16).padStart(2, "0"));
  const bridge = `${id[0]}${id[1]}.${id.slice(2).join(":")}`;
  const port = ((b[25]! << 8) | b[26]!).toString(16).padStart(4, "0");
  return `STP ${version}, ${b[3] === 0 ? "Config" : "Rapid STP"}, Flags [${flags}], bridge-id ${bridge}.${port}, length ${length}`;
}

function tcpOption(o: TcpOption): string {
  switch (o.kind) {
    case "end":
      return "eol";
    case "nop":
      return "nop";
    case "mss":
      return `mss ${o.mss}`;
    case "window-scale":
      return `wscale ${o.shift}`;
    case "sack-permitted":
      return "sackOK";
    case "timestamps":
      return `TS val ${o.tsVal} ecr ${o.tsEcr}`;
    case "raw":
      return `unknown-${o.code} 0x${Array.from(o.data, (x) => x.toString(16).padStart(2, "0")).join("")}`;
  }
}

/** hex_and_ascii_print("\n\t", …): 16 bytes a line, offset, hex in pairs, then printable ASCII. */
export function hexDump(bytes: Uint8Array): string {
  let out = "";
  for (let at = 0; at < bytes.length; at += 16) {
    const chunk = bytes.subarray(at, at + 16);
    let hex = "";
    for (let i = 0; i < chunk.length; i += 2) hex += ` ${chunk[i]!.toString(16).padStart(2, "0")}${i + 1 < chunk.length ? chunk[i + 1]!.toString(16).padStart(2, "0") : ""}`;
    const ascii = Array.from(chunk, (c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".")).join("");
    out += `\n\t0x${at.toString(16).padStart(4, "0")}: ${hex.padEnd(40)}  ${ascii}`;
  }
  return out;
}
