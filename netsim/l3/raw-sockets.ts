// Raw ICMP sockets (socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)), what ping and `traceroute -I` use,
// after Linux 2.6.32's net/ipv4/raw.c: every ICMP packet delivered to this host goes to every
// matching raw socket (bound address, connected peer and bound device must match), whole, from its
// IP header on, before the kernel's own ICMP handling — so a socket sees echo requests the kernel
// answers, replies to anyone's pings, and errors. ICMP_FILTER drops types the application does not
// want. Sending: the application supplies the ICMP message (with its checksum); the kernel adds
// the IP header (TTL, TOS, DF per IP_MTU_DISCOVER: set when it fits, so Linux pings carry DF and
// IP id 0). A broadcast destination needs SO_BROADCAST. With IP_RECVERR, ICMP errors quoting an
// ICMP message this socket could have sent are reported through `onError`.
import { readIpv4, type Ipv4 } from "../wire/address.ts";
import { ETH_HLEN } from "./ethernet-io.ts";
import { ICMP_UNREACH_ERRNO, type Errno } from "./errno.ts";
import type { Iface } from "./iface.ts";
import { ICMP, type IcmpErrorReport } from "./icmp-handler.ts";
import { PAYLOAD_AT, type PmtuDisc } from "./ip-output.ts";
import type { SocketError } from "./udp-sockets.ts";
import type { Ipv4Stack } from "./ipv4-stack.ts";

/** An ICMP packet as a raw socket reads it. */
export interface RawIcmpPacket {
  /** The IP packet, header included (a view). */
  readonly packet: Uint8Array;
  readonly src: Ipv4;
  readonly dst: Ipv4;
  readonly ttl: number;
  /** The ICMP message (a view). */
  readonly icmp: Uint8Array;
  readonly dev: string;
}

/** Options of one send. */
export interface RawSendOptions {
  /** IP_PKTINFO / SO_BINDTODEVICE for this packet. */
  readonly dev?: string;
}

/** One raw ICMP socket. */
export class RawIcmpSocket {
  localAddr = 0;
  remoteAddr = 0;
  boundDev: string | null = null;
  broadcast = false;
  recvErr = false;
  ttl: number | null = null;
  tos = 0;
  pmtudisc: PmtuDisc = "want";
  /** ICMP_FILTER: bit n set drops ICMP type n. */
  filter = 0;
  closed = false;
  private messageListener: ((p: RawIcmpPacket) => void) | null = null;
  private errorListener: ((e: SocketError) => void) | null = null;

  constructor(private readonly table: RawIcmpTable) {}

  /** Sends `message` (a whole ICMP message, checksum included) to `dst`. */
  send(dst: Ipv4, message: Uint8Array, options: RawSendOptions = {}): Errno | undefined {
    return this.table.send(this, dst, message, options);
  }

  /** Called with each ICMP packet delivered to the socket. */
  onMessage(listener: ((p: RawIcmpPacket) => void) | null): void {
    this.messageListener = listener;
  }

  /** Called with errors queued by IP_RECVERR. */
  onError(listener: ((e: SocketError) => void) | null): void {
    this.errorListener = listener;
  }

  close(): void {
    this.table.close(this);
  }

  /** For the table. */
  deliver(p: RawIcmpPacket): void {
    this.messageListener?.(p);
  }

  /** For the table. */
  report(e: SocketError): void {
    this.errorListener?.(e);
  }
}

/** The raw ICMP sockets of one stack. */
export class RawIcmpTable {
  private sockets: RawIcmpSocket[] = [];

  constructor(private readonly stack: Ipv4Stack) {}

  /** True while any raw ICMP socket is open (lets the hot path skip building deliveries). */
  get active(): boolean {
    return this.sockets.length > 0;
  }

  open(): RawIcmpSocket {
    const s = new RawIcmpSocket(this);
    this.sockets = [s, ...this.sockets];
    return s;
  }

  close(s: RawIcmpSocket): void {
    s.closed = true;
    this.sockets = this.sockets.filter((x) => x !== s);
  }

  /** raw_sendmsg for an ICMP socket. */
  send(s: RawIcmpSocket, dst: Ipv4, message: Uint8Array, options: RawSendOptions): Errno | undefined {
    if (s.closed) return "EINVAL";
    const dev = options.dev ?? s.boundDev ?? undefined;
    const frame = this.stack.output.begin(
      {
        dst,
        protocol: 1,
        src: s.localAddr,
        tos: s.tos,
        pmtudisc: s.pmtudisc,
        allowBroadcast: s.broadcast,
        ...(s.ttl !== null ? { ttl: s.ttl } : {}),
        ...(dev !== undefined ? { dev } : {}),
      },
      message.length,
    );
    if (typeof frame === "string") return frame;
    frame.set(message, PAYLOAD_AT);
    this.stack.output.commit(frame);
    return undefined;
  }

  /** raw_v4_input: a copy of an incoming ICMP packet for every matching socket. */
  deliver(iface: Iface, frame: Uint8Array, hlen: number, total: number): boolean {
    const src = readIpv4(frame, ETH_HLEN + 12);
    const dst = readIpv4(frame, ETH_HLEN + 16);
    const type = total > hlen ? frame[ETH_HLEN + hlen]! : 0;
    let delivered = false;
    for (const s of this.sockets) {
      if ((s.remoteAddr !== 0 && s.remoteAddr !== src) || (s.localAddr !== 0 && s.localAddr !== dst)) continue;
      if (s.boundDev !== null && s.boundDev !== iface.name) continue;
      delivered = true;
      if (type < 32 && (s.filter & (1 << type)) !== 0) continue;
      const packet = frame.subarray(ETH_HLEN, ETH_HLEN + total);
      s.deliver({ packet, src, dst, ttl: frame[ETH_HLEN + 8]!, icmp: packet.subarray(hlen), dev: iface.name });
    }
    return delivered;
  }

  /** raw_icmp_error / raw_err: an ICMP error quoting an ICMP message one of our sockets sent. */
  error(report: IcmpErrorReport): void {
    const q = report.quote;
    const qsrc = readIpv4(q, 12);
    const qdst = readIpv4(q, 16);
    if (report.type === ICMP.SOURCE_QUENCH) return;
    let errno: Errno = "EHOSTUNREACH";
    if (report.type === ICMP.PARAMETER_PROBLEM) errno = "EPROTO";
    if (report.type === ICMP.DEST_UNREACH) errno = report.code === 4 ? "EMSGSIZE" : (ICMP_UNREACH_ERRNO[report.code]?.errno ?? "EHOSTUNREACH");
    for (const s of this.sockets) {
      if ((s.remoteAddr !== 0 && s.remoteAddr !== qdst) || (s.localAddr !== 0 && s.localAddr !== qsrc)) continue;
      if (s.boundDev !== null && s.boundDev !== report.dev) continue;
      if (!s.recvErr) continue;
      s.report({ ...report, errno, offender: { dst: qdst, dstPort: 0, src: qsrc, srcPort: 0 } });
    }
  }
}
