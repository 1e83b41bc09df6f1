// The UDP echo service (RFC 862, inetd's internal `echo dgram` on port 7) and a client that sends
// numbered datagrams to it and notes each round trip — the simplest end-to-end flow for checking
// that a path (bridge, routing, NAT) carries UDP both ways, and which source address and port a
// NAT gave it (the server records who it saw).
import type { Ipv4Stack } from "../l3/ipv4-stack.ts";
import type { Errno } from "../l3/errno.ts";
import type { UdpSocket } from "../l3/udp-sockets.ts";
import type { Ipv4 } from "../wire/address.ts";

/** A datagram the echo server answered: who sent it, as the server saw them. */
export interface EchoSeen {
  readonly time: number;
  readonly src: Ipv4;
  readonly srcPort: number;
  readonly length: number;
}

/** `echo dgram udp wait root internal`: sends every datagram back to its sender. */
export class UdpEchoServer {
  readonly seen: EchoSeen[] = [];
  private readonly sock: UdpSocket;

  constructor(
    readonly stack: Ipv4Stack,
    readonly port = 7,
  ) {
    this.sock = stack.openUdp();
    const err = this.sock.bind(0, port);
    if (err !== undefined) throw new Error(`udp echo on ${stack.node}: bind ${port}: ${err}`);
    this.sock.onMessage((d) => {
      this.seen.push({ time: stack.sim.now, src: d.src, srcPort: d.srcPort, length: d.payload.length });
      this.sock.send(d.payload, { dst: d.src, port: d.srcPort, src: d.dst });
    });
  }

  close(): void {
    this.sock.close();
  }
}

/** What the client learned about one datagram. */
export interface EchoResult {
  readonly seq: number;
  readonly sentAt: number;
  repliedAt?: number;
  error?: Errno;
}

/** Sends `count` datagrams (4-byte sequence number + padding) one `interval` apart to an echo server. */
export class UdpEchoClient {
  readonly results: EchoResult[] = [];
  private readonly sock: UdpSocket;

  constructor(
    readonly stack: Ipv4Stack,
    readonly dst: Ipv4,
    readonly port = 7,
    options: { readonly srcPort?: number; readonly size?: number } = {},
  ) {
    this.sock = stack.openUdp();
    if (options.srcPort !== undefined) this.sock.bind(0, options.srcPort);
    this.size = Math.max(4, options.size ?? 32);
    this.sock.onMessage((d) => {
      if (d.payload.length < 4) return;
      const seq = new DataView(d.payload.buffer, d.payload.byteOffset).getUint32(0);
      const r = this.results.find((x) => x.seq === seq);
      if (r !== undefined && r.repliedAt === undefined) r.repliedAt = stack.sim.now;
    });
  }

  private readonly size: number;

  /** Schedules the datagrams, the first `delay` µs from now. */
  send(count: number, interval: number, delay = 0): void {
    for (let i = 0; i < count; i++) {
      this.stack.sim.schedule(delay + i * interval, () => {
        const seq = this.results.length + 1;
        const payload = new Uint8Array(this.size);
        new DataView(payload.buffer).setUint32(0, seq);
        const r: EchoResult = { seq, sentAt: this.stack.sim.now };
        this.results.push(r);
        const err = this.sock.send(payload, { dst: this.dst, port: this.port });
        if (err !== undefined) r.error = err;
      });
    }
  }

  /** The local port the client sent from (0 until the first send). */
  get localPort(): number {
    return this.sock.localPort;
  }

  close(): void {
    this.sock.close();
  }
}
