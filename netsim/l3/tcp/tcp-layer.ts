// The TCP of one IPv4 stack (protocol 6), after Linux 2.6.32's net/ipv4/tcp_ipv4.c: segments are
// checked (length, checksum; broadcasts dropped), matched to a connection by their 4-tuple, else to a
// listener, else answered with a reset (tcp_v4_send_reset: seq = their ACK, or RST|ACK acknowledging
// the segment when it had none; IP id 0, TOS copied). ICMP errors quoting our segments reach the
// connection (tcp_v4_err): during the handshake they end it; afterwards they are remembered as the
// "soft" error a later timeout reports instead of ETIMEDOUT.
//
// Initial sequence numbers and ephemeral ports come from isn.ts, keyed by a secret drawn from the
// simulation's seeded random stream `tcp:<node>`; the port search is inet_hash_connect's: from a
// keyed hash of the destination plus a rolling hint, through ip_local_port_range (32768–61000),
// skipping ports with a listener and 4-tuples in use.
import type { Sim } from "../../engine/sim.ts";
import { SECOND } from "../../engine/sim.ts";
import type { TcpTraceEvent } from "../../engine/trace.ts";
import { ipv4ToString, readIpv4, type Ipv4 } from "../../wire/address.ts";
import { readU16, readU32 } from "../../wire/bytes.ts";
import { emitTcp, tcpBufferLen, TcpFlags, TcpSegment, type TcpRepr } from "../../wire/tcp.ts";
import { ICMP_UNREACH_ERRNO, type Errno } from "../errno.ts";
import { ETH_HLEN } from "../ethernet-io.ts";
import type { IcmpErrorReport } from "../icmp-handler.ts";
import { PAYLOAD_AT } from "../ip-output.ts";
import type { IpPacketInfo, Ipv4Stack, ProtocolHandler } from "../ipv4-stack.ts";
import { jiffiesAt } from "../linux-params.ts";
import { TcpConnection, type TcpState } from "./connection.ts";
import type { TcpErrno } from "./errors.ts";
import { startConnect } from "./handshake.ts";
import { TcpListener } from "./listener.ts";
import { portOffset, secureSequenceNumber } from "./isn.ts";
import { DEFAULT_TCP_PARAMS, MIN_ADVMSS, type TcpParams } from "./params.ts";
import { readSegment, type InSegment } from "./segment.ts";
import { between, seqAdd } from "./seq.ts";
import { processSegment } from "./tcp-input.ts";
import { sendResetFor, transmit } from "./tcp-output.ts";
import { tcpDone } from "./timers.ts";

/** connect() options. */
export interface ConnectOptions {
  /** bind() to this address first (default: routing's choice). */
  readonly src?: Ipv4;
  /** bind() to this port first (default: an ephemeral port). */
  readonly srcPort?: number;
}

/** One line of `netstat -tan`. */
export interface TcpSocketInfo {
  readonly state: TcpState | "LISTEN";
  readonly localAddr: Ipv4;
  readonly localPort: number;
  readonly remoteAddr: Ipv4;
  readonly remotePort: number;
  readonly sendQ: number;
}

/** The TCP of one stack; registers itself as protocol 6. */
export class TcpLayer implements ProtocolHandler {
  readonly params: TcpParams;
  readonly sim: Sim;
  private readonly table = new Map<number, TcpConnection[]>();
  private readonly listeners = new Map<number, TcpListener[]>();
  private readonly secret: number;
  private portHint = 0;

  constructor(
    readonly stack: Ipv4Stack,
    params: Partial<TcpParams> = {},
  ) {
    this.params = { ...DEFAULT_TCP_PARAMS, ...params };
    this.sim = stack.sim;
    const rng = stack.sim.rng(`tcp:${stack.node}`);
    this.secret = ((rng.int(0, 0xffff) << 16) | rng.int(0, 0xffff)) >>> 0;
    stack.registerProtocol(6, this);
  }

  /** The kernel's jiffy counter now (from 0 at the start of the simulation). */
  get jiffies(): number {
    return jiffiesAt(this.sim.now);
  }

  /** Whole seconds now (get_seconds, for PAWS). */
  get seconds(): number {
    return Math.floor(this.sim.now / SECOND);
  }

  // --- Sockets -----------------------------------------------------------------------------------

  /** listen(2) on `port` (`address` 0: every address); `onAccept` gets each established connection. */
  listen(port: number, onAccept: (connection: TcpConnection) => void, address: Ipv4 = 0): TcpListener | Errno {
    if (!Number.isInteger(port) || port < 1 || port > 0xffff) return "EINVAL";
    if (address !== 0 && !this.stack.isLocalAddress(address)) return "EADDRNOTAVAIL";
    const existing = this.listeners.get(port) ?? [];
    if (existing.some((l) => l.address === 0 || address === 0 || l.address === address)) return "EADDRINUSE";
    const l = new TcpListener(this, address, port, onAccept);
    this.listeners.set(port, [...existing, l]);
    return l;
  }

  /** connect(2): returns the connection in SYN_SENT, or why it cannot start (no route…). */
  connect(dst: Ipv4, port: number, options: ConnectOptions = {}): TcpConnection | Errno {
    if (!Number.isInteger(port) || port < 1 || port > 0xffff) return "EINVAL";
    const route = this.stack.routeGet(dst, options.src !== undefined ? { src: options.src } : {});
    if (typeof route === "string") return route;
    if (route.type === "broadcast" || route.type === "multicast") return "ENETUNREACH";
    const src = options.src ?? route.src;
    let sport = options.srcPort ?? 0;
    if (sport !== 0 && (this.lookup(src, sport, dst, port) !== undefined || this.listenerOn(sport))) return "EADDRINUSE";
    if (sport === 0) sport = this.ephemeralPort(src, dst, port);
    if (sport === 0) return "EADDRNOTAVAIL";
    const c = new TcpConnection(this, src, sport, dst, port, "CLOSED", false);
    this.hash(c);
    startConnect(c, this.isn(src, sport, dst, port));
    return c;
  }

  /** Every listener and connection, as `netstat -tan` lists them. */
  sockets(): readonly TcpSocketInfo[] {
    const out: TcpSocketInfo[] = [];
    for (const ls of this.listeners.values()) for (const l of ls) out.push({ state: "LISTEN", localAddr: l.address, localPort: l.port, remoteAddr: 0, remotePort: 0, sendQ: 0 });
    for (const cs of this.table.values()) for (const c of cs) out.push({ state: c.state, localAddr: c.localAddr, localPort: c.localPort, remoteAddr: c.remoteAddr, remotePort: c.remotePort, sendQ: c.bufferedAmount });
    return out.sort((a, b) => a.localPort - b.localPort || a.remotePort - b.remotePort || a.remoteAddr - b.remoteAddr);
  }

  // --- Receiving -----------------------------------------------------------------------------------

  /** tcp_v4_rcv. */
  receive(p: IpPacketInfo): void {
    if (p.broadcast) return this.drop(p, "no-socket", "tcp to a broadcast address");
    const checked = TcpSegment.check(p.packet.subarray(p.headerLen));
    if (!checked.ok) return this.drop(p, "malformed", checked.error.message);
    if (!checked.value.checksumValid(p.src, p.dst)) return this.drop(p, "malformed", "tcp: bad checksum");
    const seg = readSegment(checked.value, p.src, p.dst, p.tos);
    const c = this.lookup(p.dst, seg.dstPort, p.src, seg.srcPort);
    if (c !== undefined) {
      const result = processSegment(c, seg, checked.value.headerLen);
      if (result === "reset") this.sendReset(seg);
      else if (result === "syn") this.reopen(c, seg);
      return;
    }
    const l = this.findListener(p.dst, seg.dstPort);
    if (l !== undefined) {
      if (l.process(seg) === "reset") this.sendReset(seg);
      return;
    }
    this.drop(p, "no-socket", `tcp port ${seg.dstPort}`);
    this.sendReset(seg);
  }

  /** A SYN that a TIME_WAIT connection lets through: a new incarnation with a larger ISN. */
  private reopen(tw: TcpConnection, seg: InSegment): void {
    const iss = seqAdd(tw.sndNxt, 65535 + 2);
    tcpDone(tw, null);
    const l = this.findListener(seg.dst, seg.dstPort);
    if (l !== undefined) l.openRequest(seg, iss);
    else this.sendReset(seg);
  }

  /** tcp_v4_err. */
  error(report: IcmpErrorReport): void {
    const q = report.quote;
    const hl = q.length >= 20 ? (q[0]! & 0x0f) * 4 : 0;
    if (hl < 20 || q.length < hl + 8) return;
    const c = this.lookup(readIpv4(q, 12), readU16(q, hl), readIpv4(q, 16), readU16(q, hl + 2));
    const seq = readU32(q, hl + 4);
    if (c === undefined || c.state === "TIME_WAIT" || c.state === "CLOSED") return;
    let error: TcpErrno;
    if (report.type === 12) error = "EPROTO";
    else if (report.type === 11) error = "EHOSTUNREACH";
    else if (report.type === 3 && report.code !== 4 && ICMP_UNREACH_ERRNO[report.code] !== undefined) error = ICMP_UNREACH_ERRNO[report.code]!.errno;
    else return; // source quench; fragmentation needed (path MTU discovery is not modelled)
    if (c.passive && c.state === "SYN_RECEIVED") {
      if (seq === c.iss) tcpDone(c, null);
      return;
    }
    if (!between(seq, c.sndUna, c.sndNxt)) return;
    if (c.state === "SYN_SENT" || c.state === "SYN_RECEIVED") {
      this.trace(c, "reset", undefined, `ICMP type ${report.type} code ${report.code}: ${error}`);
      tcpDone(c, error);
    } else c.softError = error;
  }

  // --- For connections and listeners -----------------------------------------------------------------

  /** Enters a connection in the 4-tuple table. */
  hash(c: TcpConnection): void {
    const key = ((c.localPort << 16) | c.remotePort) >>> 0;
    this.table.set(key, [...(this.table.get(key) ?? []), c]);
  }

  /** Removes a connection (and a half-open one from its listener). */
  unhash(c: TcpConnection): void {
    const key = ((c.localPort << 16) | c.remotePort) >>> 0;
    const rest = (this.table.get(key) ?? []).filter((x) => x !== c);
    if (rest.length > 0) this.table.set(key, rest);
    else this.table.delete(key);
    c.listener?.forget(c);
  }

  /** The connection with this 4-tuple. */
  lookup(laddr: Ipv4, lport: number, raddr: Ipv4, rport: number): TcpConnection | undefined {
    const list = this.table.get(((lport << 16) | rport) >>> 0);
    if (list === undefined) return undefined;
    for (const c of list) if (c.localAddr === laddr && c.remoteAddr === raddr) return c;
    return undefined;
  }

  /** The listener for a segment to `addr`:`port`, a specific address before 0.0.0.0. */
  private findListener(addr: Ipv4, port: number): TcpListener | undefined {
    let wildcard: TcpListener | undefined;
    for (const l of this.listeners.get(port) ?? []) {
      if (l.address === addr) return l;
      if (l.address === 0) wildcard = l;
    }
    return wildcard;
  }

  private listenerOn(port: number): boolean {
    return (this.listeners.get(port)?.length ?? 0) > 0;
  }

  /** For TcpListener.close. */
  removeListener(l: TcpListener): void {
    const rest = (this.listeners.get(l.port) ?? []).filter((x) => x !== l);
    if (rest.length > 0) this.listeners.set(l.port, rest);
    else this.listeners.delete(l.port);
  }

  /** A half-open connection completed: its listener accepts it. */
  accepted(c: TcpConnection): void {
    c.listener?.accepted(c);
  }

  /** The initial sequence number for a connection starting now (secure_tcp_sequence_number). */
  isn(laddr: Ipv4, lport: number, raddr: Ipv4, rport: number): number {
    return secureSequenceNumber(this.secret, laddr, lport, raddr, rport, this.sim.now);
  }

  /** inet_hash_connect's search for a free local port. */
  private ephemeralPort(src: Ipv4, dst: Ipv4, dport: number): number {
    const { localPortLow: low, localPortHigh: high } = this.stack.netConf;
    const remaining = high - low + 1;
    const offset = (this.portHint + portOffset(this.secret, src, dst, dport)) >>> 0;
    for (let i = 1; i <= remaining; i++) {
      const port = low + ((i + offset) % remaining);
      if (this.listenerOn(port) || this.lookup(src, port, dst, dport) !== undefined) continue;
      this.portHint = (this.portHint + i) >>> 0;
      return port;
    }
    return 0;
  }

  /** The device MTU toward `dst` (no path MTU discovery). */
  pathMtu(dst: Ipv4): number {
    const route = this.stack.routeGet(dst);
    if (typeof route === "string") return 1500;
    return this.stack.device(route.dev)?.mtu ?? 1500;
  }

  /** dst_metric(RTAX_ADVMSS): the MSS we announce toward `dst`. */
  advMss(dst: Ipv4): number {
    return Math.max(this.pathMtu(dst) - 40, MIN_ADVMSS);
  }

  /** tcp_init_cwnd (RFC 3390): 2, 3 or 4 segments by MSS. */
  initialCwnd(mss: number): number {
    return mss > 1460 ? 2 : mss > 1095 ? 3 : 4;
  }

  /** A request socket's SYN-ACK again (retransmission timer or a duplicate SYN). */
  resendSynAck(c: TcpConnection): void {
    transmit(c, c.iss, 0, TcpFlags.Syn | TcpFlags.Ack);
    c.stats.retransmissions++;
    this.trace(c, "retransmit", undefined, `SYN-ACK ${c.reqRetrans + 1}`);
  }

  /** Builds and sends one segment (IPv4 with DF; `ident` the IP id). */
  sendSegment(repr: TcpRepr, src: Ipv4, dst: Ipv4, ident: number, tos: number): Errno | undefined {
    const out = this.stack.output;
    const frame = out.begin({ dst, protocol: 6, src, tos, ident }, tcpBufferLen(repr));
    if (typeof frame === "string") return frame;
    emitTcp(repr, frame, PAYLOAD_AT, readIpv4(frame, ETH_HLEN + 12), dst);
    out.commit(frame);
    return undefined;
  }

  /** tcp_v4_send_reset: the answer to a segment no connection wants. */
  sendReset(seg: InSegment): void {
    sendResetFor(this, seg);
  }

  // --- Tracing -------------------------------------------------------------------------------------

  /** Moves `c` to `state`, traced. */
  setState(c: TcpConnection, state: TcpState): void {
    if (c.state === state) return;
    c.state = state;
    this.trace(c, "state", state);
  }

  /** `local:port>remote:port`. */
  connName(c: TcpConnection): string {
    return `${ipv4ToString(c.localAddr)}:${c.localPort}>${ipv4ToString(c.remoteAddr)}:${c.remotePort}`;
  }

  /** A `tcp` trace event about `c`. */
  trace(c: TcpConnection, event: TcpTraceEvent, state?: string, detail?: string): void {
    const sim = this.sim;
    if (!sim.trace.on) return;
    sim.trace.emit({ kind: "tcp", time: sim.now, node: this.stack.node, conn: this.connName(c), event, ...(state !== undefined ? { state } : {}), ...(detail !== undefined ? { detail } : {}) });
  }

  private drop(p: IpPacketInfo, reason: "malformed" | "no-socket", detail: string): void {
    const sim = this.sim;
    if (sim.trace.on) sim.trace.emit({ kind: "ip-drop", time: sim.now, node: this.stack.node, reason, dev: p.dev, src: p.src, dst: p.dst, detail });
  }
}
