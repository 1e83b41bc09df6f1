// A TCP test flow, like a netcat pair: a server on a port that echoes (RFC 862, inetd's `echo stream`)
// or sinks (RFC 863, `discard`) what each connection sends and closes when its client does, and a
// client that writes N bytes in chunks at a steady rate, then half-closes (shutdown SHUT_WR) and
// waits for the server's FIN. Each side reports what it moved, how many segments were resent, and
// how the connection ended — null while open, "closed" for an orderly close, else the errno
// (ECONNREFUSED, ETIMEDOUT, ECONNRESET, EHOSTUNREACH…). A guest's sshd is this server on port 22.
//
// The bytes are a counting pattern (byte i is i mod 256) so that an echo can be checked.
import type { TcpConnection, TcpErrno, TcpLayer } from "../l3/tcp/index.ts";
import type { Ipv4 } from "../wire/address.ts";

/** How a flow ended: null while open, "closed" when orderly, else the socket error. */
export type FlowEnd = TcpErrno | "closed" | null;

/** Byte `i` of a flow. */
function patternByte(i: number): number {
  return i & 0xff;
}

/** One connection a TcpFlowServer accepted. */
export interface TcpFlowSession {
  readonly remoteAddr: Ipv4;
  readonly remotePort: number;
  readonly openedAt: number;
  bytesIn: number;
  bytesOut: number;
  retransmissions: number;
  end: FlowEnd;
  closedAt?: number;
}

/** Server settings; port 7 (echo) by default. */
export interface TcpFlowServerOptions {
  readonly port?: number;
  readonly mode?: "echo" | "sink";
  /** Listen on this address only (default: all). */
  readonly address?: Ipv4;
}

/** A listener that echoes or sinks each connection's bytes and closes after its client. */
export class TcpFlowServer {
  readonly sessions: TcpFlowSession[] = [];
  readonly port: number;
  readonly mode: "echo" | "sink";
  private readonly listener: { close(): void };

  constructor(
    readonly tcp: TcpLayer,
    options: TcpFlowServerOptions = {},
  ) {
    this.port = options.port ?? 7;
    this.mode = options.mode ?? "echo";
    const l = tcp.listen(this.port, (c) => this.accept(c), options.address ?? 0);
    if (typeof l === "string") throw new Error(`tcp flow server on ${tcp.stack.node}: listen ${this.port}: ${l}`);
    this.listener = l;
  }

  private accept(c: TcpConnection): void {
    const sim = this.tcp.sim;
    const s: TcpFlowSession = { remoteAddr: c.remoteAddr, remotePort: c.remotePort, openedAt: sim.now, bytesIn: 0, bytesOut: 0, retransmissions: 0, end: null };
    this.sessions.push(s);
    c.onData((bytes) => {
      s.bytesIn += bytes.length;
      if (this.mode === "echo" && c.send(bytes) === undefined) s.bytesOut += bytes.length;
    });
    c.onEnd(() => c.close());
    c.onClose((error) => {
      s.end = error ?? "closed";
      s.closedAt = sim.now;
      s.retransmissions = c.stats.retransmissions;
    });
  }

  /** Stops listening (established sessions go on). */
  close(): void {
    this.listener.close();
  }
}

/** What the client is to do. */
export interface TcpFlowOptions {
  readonly dst: Ipv4;
  readonly port?: number;
  /** Bytes to send in all (default 10 000). */
  readonly bytes?: number;
  /** Bytes per write (default 1000). */
  readonly chunk?: number;
  /** µs between writes (default 0: all at once). */
  readonly interval?: number;
  /** µs from construction to connect() (default 0). */
  readonly start?: number;
  readonly srcPort?: number;
  /** SO_KEEPALIVE, optionally with TCP_KEEPIDLE / KEEPINTVL / KEEPCNT in seconds. */
  readonly keepAlive?: boolean | { readonly idle: number; readonly interval: number; readonly count: number };
}

/** What the client saw. */
export interface TcpFlowReport {
  readonly connectedAt?: number;
  readonly bytesWritten: number;
  readonly bytesAcked: number;
  readonly bytesEchoed: number;
  /** Echoed bytes that differ from what was sent. */
  readonly echoErrors: number;
  readonly retransmissions: number;
  readonly localPort?: number;
  readonly end: FlowEnd;
  readonly closedAt?: number;
}

/** The sending side of a flow. */
export class TcpFlowClient {
  private conn: TcpConnection | null = null;
  private written = 0;
  private echoed = 0;
  private echoErrors = 0;
  private connectedAt: number | undefined;
  private end: FlowEnd = null;
  private closedAt: number | undefined;
  private readonly total: number;
  private readonly chunk: number;

  constructor(
    readonly tcp: TcpLayer,
    readonly options: TcpFlowOptions,
  ) {
    this.total = options.bytes ?? 10_000;
    this.chunk = Math.max(1, options.chunk ?? 1000);
    tcp.sim.schedule(options.start ?? 0, () => this.open());
  }

  /** The connection once connect() was called. */
  get connection(): TcpConnection | null {
    return this.conn;
  }

  /** The flow so far. */
  get report(): TcpFlowReport {
    const c = this.conn;
    return {
      ...(this.connectedAt !== undefined ? { connectedAt: this.connectedAt } : {}),
      bytesWritten: this.written,
      bytesAcked: c?.stats.bytesAcked ?? 0,
      bytesEchoed: this.echoed,
      echoErrors: this.echoErrors,
      retransmissions: c?.stats.retransmissions ?? 0,
      ...(c !== null ? { localPort: c.localPort } : {}),
      end: this.end,
      ...(this.closedAt !== undefined ? { closedAt: this.closedAt } : {}),
    };
  }

  private open(): void {
    const o = this.options;
    const c = this.tcp.connect(o.dst, o.port ?? 7, o.srcPort !== undefined ? { srcPort: o.srcPort } : {});
    if (typeof c === "string") return this.finish(c);
    this.conn = c;
    if (o.keepAlive === true) c.setKeepAlive(true);
    else if (o.keepAlive) c.setKeepAlive(true, o.keepAlive.idle, o.keepAlive.interval, o.keepAlive.count);
    c.onConnect(() => {
      this.connectedAt = this.tcp.sim.now;
      this.writeNext();
    });
    c.onData((bytes) => this.check(bytes));
    c.onClose((error) => this.finish(error ?? "closed"));
  }

  private writeNext(): void {
    const c = this.conn;
    if (c === null || this.end !== null) return;
    const n = Math.min(this.chunk, this.total - this.written);
    if (n > 0) {
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) bytes[i] = patternByte(this.written + i);
      if (c.send(bytes) !== undefined) return;
      this.written += n;
    }
    if (this.written < this.total) {
      this.tcp.sim.schedule(this.options.interval ?? 0, () => this.writeNext());
      return;
    }
    // All written: half-close, so that an echo can still come back; the server closes after us.
    c.shutdown();
  }

  private check(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== patternByte(this.echoed + i)) this.echoErrors++;
    this.echoed += bytes.length;
  }

  private finish(end: Exclude<FlowEnd, null>): void {
    if (this.end !== null) return;
    this.end = end;
    this.closedAt = this.tcp.sim.now;
  }
}
