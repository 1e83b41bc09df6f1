// UDP sockets as Linux 2.6.32 implements them (net/ipv4/udp.c, datagram.c, af_inet.c):
// - bind: EADDRINUSE when another socket has the port and their addresses overlap (either is
//   0.0.0.0, or equal) and their devices overlap, unless both set SO_REUSEADDR; the address must
//   be ours (or broadcast/multicast); port 0 picks an ephemeral port in ip_local_port_range
//   (32768–61000) from a seeded random start, as udp_lib_get_port does (it searches from a random
//   offset; here the search is linear from there). Sending unbound binds implicitly (inet_autobind).
// - receive: a unicast datagram goes to the best-scoring socket (bound address, connected peer,
//   bound device each count), the newest on a tie; a broadcast or multicast to every matching
//   socket; a datagram nobody listens to gets ICMP port unreachable (not for broadcasts). Bad
//   length or checksum: dropped (a zero checksum is accepted).
// - errors: an ICMP error quoting one of our datagrams reaches the socket that sent it. With
//   IP_RECVERR it is queued for the application (reported through `onError`); without it only a
//   connected socket hears of fatal errors (port/protocol unreachable…), as a pending error the
//   next send returns. Net/host unreachable are not fatal (icmp_err_convert).
// - sending to a broadcast address needs SO_BROADCAST (EACCES); DF follows IP_MTU_DISCOVER
//   (default: set when the datagram fits); the IP id is 0 unless connected.
import { readIpv4, type Ipv4 } from "../wire/address.ts";
import { readU16 } from "../wire/bytes.ts";
import { emitUdpHeader, UdpDatagram } from "../wire/udp.ts";
import { ETH_HLEN } from "./ethernet-io.ts";
import { ICMP_UNREACH_ERRNO, type Errno } from "./errno.ts";
import { RTN } from "./fib.ts";
import type { Iface } from "./iface.ts";
import { ICMP, OFFENDER, type IcmpErrorReport } from "./icmp-handler.ts";
import { PAYLOAD_AT, type PmtuDisc } from "./ip-output.ts";
import { jiffiesAt } from "./linux-params.ts";
import type { Ipv4Stack } from "./ipv4-stack.ts";

/** A datagram handed to a socket, with what IP_PKTINFO / IP_RECVTTL would tell. */
export interface UdpDatagramInfo {
  readonly src: Ipv4;
  readonly srcPort: number;
  readonly dst: Ipv4;
  readonly dstPort: number;
  readonly payload: Uint8Array;
  /** Device it came in on. */
  readonly dev: string;
  readonly ttl: number;
  readonly tos: number;
  /** Sent to a broadcast or multicast address. */
  readonly broadcast: boolean;
}

/** An error reported to a socket (MSG_ERRQUEUE with IP_RECVERR, or a connected socket's sk_err). */
export interface SocketError extends IcmpErrorReport {
  readonly errno: Errno;
  /** The quoted datagram's destination and ports: which of our datagrams it is about. */
  readonly offender: { readonly dst: Ipv4; readonly dstPort: number; readonly src: Ipv4; readonly srcPort: number };
}

/** Where `send` goes when the socket is not connected, or an override (sendmsg with IP_PKTINFO). */
export interface UdpSendTo {
  readonly dst: Ipv4;
  readonly port: number;
  /** IP_PKTINFO ipi_ifindex. */
  readonly dev?: string;
  /** IP_PKTINFO ipi_spec_dst. */
  readonly src?: Ipv4;
}

/** One UDP socket. */
export class UdpSocket {
  localAddr = 0;
  localPort = 0;
  remoteAddr = 0;
  remotePort = 0;
  /** SO_BINDTODEVICE. */
  boundDev: string | null = null;
  /** SO_BROADCAST. */
  broadcast = false;
  /** SO_REUSEADDR. */
  reuseAddr = false;
  /** IP_RECVERR. */
  recvErr = false;
  /** IP_TTL (null: the system default, 64). */
  ttl: number | null = null;
  /** IP_TOS. */
  tos = 0;
  /** IP_MTU_DISCOVER. */
  pmtudisc: PmtuDisc = "want";
  /** sk_err: an error the next send returns. */
  pendingError: Errno | null = null;
  closed = false;
  private ident = 0;
  private messageListener: ((d: UdpDatagramInfo) => void) | null = null;
  private errorListener: ((e: SocketError) => void) | null = null;

  constructor(private readonly table: UdpTable) {}

  /** bind(2). */
  bind(addr: Ipv4, port: number): Errno | undefined {
    return this.table.bind(this, addr, port);
  }

  /** connect(2): fixes the peer; picks a source address and port now. */
  connect(addr: Ipv4, port: number): Errno | undefined {
    return this.table.connect(this, addr, port);
  }

  /** sendmsg(2): to the connected peer, or to `to`. */
  send(payload: Uint8Array, to?: UdpSendTo): Errno | undefined {
    return this.table.send(this, payload, to);
  }

  /** Called with each datagram received. */
  onMessage(listener: ((d: UdpDatagramInfo) => void) | null): void {
    this.messageListener = listener;
  }

  /** Called with each error reported to the socket. */
  onError(listener: ((e: SocketError) => void) | null): void {
    this.errorListener = listener;
  }

  /** close(2). */
  close(): void {
    this.table.close(this);
  }

  /** For the table: a datagram arrived. */
  deliver(d: UdpDatagramInfo): void {
    this.messageListener?.(d);
  }

  /** For the table: an error arrived. */
  report(e: SocketError): void {
    this.errorListener?.(e);
  }

  /** For the table: the IP id of a connected socket's next datagram. */
  nextIdent(): number {
    const id = this.ident;
    this.ident = (id + 1) & 0xffff;
    return id;
  }

  /** For the table: connect(2) seeds the id counter with jiffies. */
  seedIdent(value: number): void {
    this.ident = value & 0xffff;
  }
}

/** The UDP sockets of one stack. */
export class UdpTable {
  /** Newest first, like the kernel's hash chains. */
  private sockets: UdpSocket[] = [];

  constructor(private readonly stack: Ipv4Stack) {}

  /** socket(AF_INET, SOCK_DGRAM, 0). */
  open(): UdpSocket {
    const s = new UdpSocket(this);
    this.sockets = [s, ...this.sockets];
    return s;
  }

  close(s: UdpSocket): void {
    s.closed = true;
    this.sockets = this.sockets.filter((x) => x !== s);
  }

  /** inet_bind + udp_lib_get_port. */
  bind(s: UdpSocket, addr: Ipv4, port: number): Errno | undefined {
    if (s.localPort !== 0 || s.closed) return "EINVAL";
    if (!Number.isInteger(port) || port < 0 || port > 0xffff) return "EINVAL";
    const type = addr === 0 ? RTN.UNICAST : this.stack.fib.addrType(addr);
    if (addr !== 0 && type !== RTN.LOCAL && type !== RTN.BROADCAST && type !== RTN.MULTICAST) return "EADDRNOTAVAIL";
    const chosen = port !== 0 ? port : this.ephemeral(s, addr);
    if (chosen === 0 || this.inUse(s, addr, chosen)) return "EADDRINUSE";
    s.localAddr = addr;
    s.localPort = chosen;
    return undefined;
  }

  private inUse(s: UdpSocket, addr: Ipv4, port: number): boolean {
    return this.sockets.some(
      (o) =>
        o !== s &&
        o.localPort === port &&
        !(o.reuseAddr && s.reuseAddr) &&
        (o.boundDev === null || s.boundDev === null || o.boundDev === s.boundDev) &&
        (o.localAddr === 0 || addr === 0 || o.localAddr === addr),
    );
  }

  private ephemeral(s: UdpSocket, addr: Ipv4): number {
    const { localPortLow: low, localPortHigh: high } = this.stack.netConf;
    const span = high - low + 1;
    const start = this.stack.portRng.int(0, span - 1);
    for (let i = 0; i < span; i++) {
      const port = low + ((start + i) % span);
      if (!this.inUse(s, addr, port)) return port;
    }
    return 0;
  }

  /** ip4_datagram_connect. */
  connect(s: UdpSocket, addr: Ipv4, port: number): Errno | undefined {
    const stack = this.stack;
    const oif = s.boundDev === null ? null : (stack.devs.named(s.boundDev) ?? null);
    const err = stack.fib.routeOutput(addr, s.localAddr, oif);
    if (err !== undefined) return err;
    if (stack.fib.rType === RTN.BROADCAST && !s.broadcast) return "EACCES";
    if (s.localPort === 0) {
      const bound = this.bind(s, 0, 0);
      if (bound !== undefined) return bound;
    }
    if (s.localAddr === 0) s.localAddr = stack.fib.rSrc;
    s.remoteAddr = addr;
    s.remotePort = port;
    s.seedIdent(jiffiesAt(stack.sim.now));
    return undefined;
  }

  /** udp_sendmsg. */
  send(s: UdpSocket, payload: Uint8Array, to?: UdpSendTo): Errno | undefined {
    if (s.closed) return "EINVAL";
    if (s.pendingError !== null) {
      const err = s.pendingError;
      s.pendingError = null;
      return err;
    }
    const dst = to?.dst ?? s.remoteAddr;
    const dport = to?.port ?? s.remotePort;
    if (to === undefined && s.remotePort === 0) return "EDESTADDRREQ";
    if (dport === 0) return "EINVAL";
    if (s.localPort === 0) {
      const bound = this.bind(s, 0, 0);
      if (bound !== undefined) return bound;
    }
    const bcastBound = s.localAddr !== 0 && this.stack.fib.addrType(s.localAddr) !== RTN.LOCAL;
    const src = to?.src ?? (bcastBound ? 0 : s.localAddr);
    const dev = to?.dev ?? s.boundDev ?? undefined;
    const connected = to === undefined;
    const frame = this.stack.output.begin(
      {
        dst,
        protocol: 17,
        src,
        tos: s.tos,
        pmtudisc: s.pmtudisc,
        allowBroadcast: s.broadcast,
        ...(s.ttl !== null ? { ttl: s.ttl } : {}),
        ...(dev !== undefined ? { dev } : {}),
        ...(connected ? { ident: s.nextIdent() } : {}),
      },
      8 + payload.length,
    );
    if (typeof frame === "string") return frame;
    frame.set(payload, PAYLOAD_AT + 8);
    emitUdpHeader(s.localPort, dport, payload.length, frame, PAYLOAD_AT, readIpv4(frame, ETH_HLEN + 12), dst);
    this.stack.output.commit(frame);
    return undefined;
  }

  /** __udp4_lib_rcv for a locally delivered datagram; `flags` are the OFFENDER bits of its route. */
  receive(iface: Iface, frame: Uint8Array, hlen: number, total: number, flags: number): void {
    const stack = this.stack;
    const start = ETH_HLEN + hlen;
    const bytes = frame.subarray(start, ETH_HLEN + total);
    const src = readIpv4(frame, ETH_HLEN + 12);
    const dst = readIpv4(frame, ETH_HLEN + 16);
    const checked = UdpDatagram.check(bytes);
    if (!checked.ok) return stack.ipDrop("malformed", iface, frame, checked.error.message);
    if (!checked.value.checksumValid(src, dst)) return stack.ipDrop("malformed", iface, frame, "udp: bad checksum");
    const d = checked.value;
    const info: UdpDatagramInfo = {
      src,
      srcPort: d.srcPort,
      dst,
      dstPort: d.dstPort,
      payload: d.payload,
      dev: iface.name,
      ttl: frame[ETH_HLEN + 8]!,
      tos: frame[ETH_HLEN + 1]!,
      broadcast: (flags & OFFENDER.BROADCAST) !== 0,
    };
    if (info.broadcast) {
      const all = this.sockets.filter((s) => this.score(s, info) >= 0);
      if (all.length === 0) return stack.ipDrop("no-socket", iface, frame, `udp port ${d.dstPort}`);
      for (const s of all) this.deliverTo(s, info);
      return;
    }
    const best = this.lookup(info);
    if (best !== undefined) return this.deliverTo(best, info);
    stack.icmp.sendError(frame, ICMP.DEST_UNREACH, 3, 0, flags, iface);
    stack.ipDrop("no-socket", iface, frame, `udp port ${d.dstPort}`);
  }

  private deliverTo(s: UdpSocket, info: UdpDatagramInfo): void {
    this.stack.traceDeliver(17, info.src, info.dst, `udp:${s.localPort}`);
    s.deliver(info);
  }

  /** compute_score: −1 when the socket cannot take it. */
  private score(s: UdpSocket, d: Pick<UdpDatagramInfo, "src" | "srcPort" | "dst" | "dstPort" | "dev">): number {
    if (s.localPort !== d.dstPort) return -1;
    let score = 1;
    if (s.localAddr !== 0) {
      if (s.localAddr !== d.dst) return -1;
      score += 2;
    }
    if (s.remoteAddr !== 0) {
      if (s.remoteAddr !== d.src) return -1;
      score += 2;
    }
    if (s.remotePort !== 0) {
      if (s.remotePort !== d.srcPort) return -1;
      score += 2;
    }
    if (s.boundDev !== null) {
      if (s.boundDev !== d.dev) return -1;
      score += 2;
    }
    return score;
  }

  private lookup(d: Pick<UdpDatagramInfo, "src" | "srcPort" | "dst" | "dstPort" | "dev">): UdpSocket | undefined {
    let best: UdpSocket | undefined;
    let bestScore = -1;
    for (const s of this.sockets) {
      const score = this.score(s, d);
      if (score > bestScore) {
        best = s;
        bestScore = score;
      }
    }
    return best;
  }

  /** __udp4_lib_err: an ICMP error about a datagram we sent. */
  error(report: IcmpErrorReport): void {
    const q = report.quote;
    const qhlen = (q[0]! & 0x0f) * 4;
    const qsrc = readIpv4(q, 12);
    const qdst = readIpv4(q, 16);
    const sport = readU16(q, qhlen);
    const dport = readU16(q, qhlen + 2);
    const s = this.lookup({ src: qdst, srcPort: dport, dst: qsrc, dstPort: sport, dev: report.dev });
    if (s === undefined) return;
    let errno: Errno = "EHOSTUNREACH";
    let fatal = false;
    if (report.type === ICMP.SOURCE_QUENCH) return;
    if (report.type === ICMP.PARAMETER_PROBLEM) [errno, fatal] = ["EPROTO", true];
    if (report.type === ICMP.DEST_UNREACH) {
      if (report.code === 4) {
        if (s.pmtudisc === "dont") return;
        [errno, fatal] = ["EMSGSIZE", true];
      } else {
        const conv = ICMP_UNREACH_ERRNO[report.code];
        if (conv !== undefined) [errno, fatal] = [conv.errno, conv.fatal];
      }
    }
    const connected = s.remotePort !== 0;
    if (!s.recvErr && (!fatal || !connected)) return;
    s.pendingError = errno;
    s.report({ ...report, errno, offender: { dst: qdst, dstPort: dport, src: qsrc, srcPort: sport } });
  }
}
