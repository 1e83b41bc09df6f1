// One TCP connection: the socket the application holds and the kernel's control block behind it
// (Linux 2.6.32's struct tcp_sock, trimmed to what is observable on the wire). The states are
// RFC 793's (§3.2); LISTEN belongs to TcpListener. The fields are the kernel's variables under
// their RFC names; the segment processing lives in tcp-input.ts / ack.ts, sending in tcp-output.ts,
// the timers in timers.ts and keepalive.ts — this file holds the state and the application's API.
//
// The API is a socket's: `send` queues bytes (send(2)), `shutdown` sends a FIN but keeps reading
// (shutdown(SHUT_WR)), `close` sends a FIN and gives the connection to the kernel (close(2): data
// arriving afterwards is answered with a reset), `abort` resets it (close with SO_LINGER 0).
// `onClose` fires exactly once: with null after an orderly close (when TIME_WAIT or CLOSED is
// reached), or with the error the application would read from the socket.
import type { EventHandle } from "../../engine/sim.ts";
import type { Ipv4 } from "../../wire/address.ts";
import type { TcpErrno } from "./errors.ts";
import { ReceiveQueue } from "./receive-queue.ts";
import { RtoEstimator } from "./retransmit.ts";
import { SendBuffer } from "./send-buffer.ts";
import { TCP_MIN_RCVMSS, TCP_TIMEOUT_INIT } from "./params.ts";
import type { TcpLayer } from "./tcp-layer.ts";
import type { TcpListener } from "./listener.ts";
import { sendActiveReset, writeXmit } from "./tcp-output.ts";
import { armKeepalive } from "./keepalive.ts";
import { armFinWait2, tcpDone } from "./timers.ts";

/** RFC 793's connection states, as `netstat` names them (LISTEN is a TcpListener's). */
export type TcpState =
  | "SYN_SENT"
  | "SYN_RECEIVED"
  | "ESTABLISHED"
  | "FIN_WAIT_1"
  | "FIN_WAIT_2"
  | "CLOSE_WAIT"
  | "CLOSING"
  | "LAST_ACK"
  | "TIME_WAIT"
  | "CLOSED";

/** Per-connection counters, for apps and tests. */
export interface TcpStats {
  segmentsOut: number;
  segmentsIn: number;
  retransmissions: number;
  bytesAcked: number;
  bytesReceived: number;
}

/** A TCP connection and its socket API. Fields below the API are the layer's, not the application's. */
export class TcpConnection {
  state: TcpState;
  // Send sequence space (RFC 793 §3.2) and what the peer allows.
  iss = 0;
  sndUna = 0;
  sndNxt = 0;
  /** Sequence number after the last byte the application wrote (the FIN, once queued, is here). */
  writeSeq = 0;
  sndWnd = 0;
  sndWl1 = 0;
  sndWscale = 0;
  /** Effective send MSS (mss_cache: the peer's MSS, path MTU and our options considered). */
  mss = 536;
  /** The MSS the peer announced (mss_clamp). */
  peerMss = 536;
  finQueued = false;
  readonly sendBuf = new SendBuffer();
  /** Sequence number of the send buffer's first byte. */
  bufSeq = 0;
  // Receive sequence space.
  irs = 0;
  rcvNxt = 0;
  rcvWnd = 0;
  /** rcv_nxt when the last window was advertised. */
  rcvWup = 0;
  rcvSsthresh = 0;
  windowClamp = 65535;
  rcvWscale = 0;
  /** The MSS we announce (dst ADVMSS: device MTU − 40). */
  advMss = 1460;
  finReceived = false;
  readonly ofo = new ReceiveQueue();
  // Options agreed in the handshake.
  tsOk = false;
  sackOk = false;
  wsOk = false;
  tsRecent = 0;
  tsRecentStamp = 0;
  // Congestion control (Reno / NewReno).
  cwnd = 3;
  ssthresh = 0x7fffffff;
  cwndCnt = 0;
  caState: "open" | "recovery" | "loss" = "open";
  highSeq = 0;
  dupAcks = 0;
  /** Next sequence to retransmit while recovering (loss / recovery). */
  rtxNext = 0;
  // RTT and the retransmission timer (jiffies).
  readonly rtt = new RtoEstimator();
  rto = TCP_TIMEOUT_INIT;
  backoff = 0;
  retransmits = 0;
  /** Jiffy stamp of the first retransmission (retrans_stamp); null when none outstanding. */
  retransStamp: number | null = null;
  /** Karn's algorithm without timestamps: the segment being timed and when it left. */
  rttSeq: number | null = null;
  rttSentAt = 0;
  /** End of the highest retransmitted sequence: ACKs below it carry no clean RTT sample. */
  retransHigh = 0;
  // Delayed ACK (icsk_ack).
  ackPending = 0;
  ackQuick = 0;
  pingpong = false;
  ato = 0;
  lrcvtime = 0;
  rcvMss = TCP_MIN_RCVMSS;
  lastSegSize = 0;
  ackTimeout = 0;
  // Keepalive (SO_KEEPALIVE, TCP_KEEPIDLE/INTVL/CNT; null: the sysctl).
  keepalive = false;
  keepIdle: number | null = null;
  keepIntvl: number | null = null;
  keepCnt: number | null = null;
  probesOut = 0;
  /** Jiffies when the last ACK arrived (rcv_tstamp). */
  rcvTstamp = 0;
  // Application side.
  appClosed = false;
  shutWr = false;
  noDelay = false;
  lsndtime = 0;
  /** End of the last sub-MSS segment sent (Nagle, Minshall's variant). */
  sndSml = 0;
  ipId = 0;
  softError: TcpErrno | null = null;
  // Timers: retransmit/persist, delayed ACK, end of FIN_WAIT_2 / TIME_WAIT, keepalive.
  rtxTimer: EventHandle | null = null;
  rtxKind: "retransmit" | "probe" | null = null;
  delackTimer: EventHandle | null = null;
  /** FIN_WAIT_2 or TIME_WAIT timeout. */
  kaTimer: EventHandle | null = null;
  keepaliveTimer: EventHandle | null = null;
  // A listener's half-open connection (request socket): its listener, SYN-ACKs resent, next deadline.
  listener: TcpListener | null = null;
  reqRetrans = 0;
  reqExpires = 0;
  /** True once onClose has fired. */
  reported = false;
  readonly stats: TcpStats = { segmentsOut: 0, segmentsIn: 0, retransmissions: 0, bytesAcked: 0, bytesReceived: 0 };
  private inbox: Uint8Array[] = [];
  private eofPending = false;
  private connectListener: (() => void) | null = null;
  private dataListener: ((bytes: Uint8Array) => void) | null = null;
  private endListener: (() => void) | null = null;
  private closeListener: ((error: TcpErrno | null) => void) | null = null;

  constructor(
    readonly layer: TcpLayer,
    readonly localAddr: Ipv4,
    readonly localPort: number,
    readonly remoteAddr: Ipv4,
    readonly remotePort: number,
    state: TcpState,
    /** Opened by a listener (its SYN-ACK is a request socket's). */
    readonly passive: boolean,
  ) {
    this.state = state;
  }

  // --- The application's API --------------------------------------------------------------------

  /** Called once the handshake completes (active open). */
  onConnect(listener: (() => void) | null): void {
    this.connectListener = listener;
  }

  /** Called with each run of bytes received in order. */
  onData(listener: ((bytes: Uint8Array) => void) | null): void {
    this.dataListener = listener;
  }

  /** Called when the peer has sent its FIN (end of file). */
  onEnd(listener: (() => void) | null): void {
    this.endListener = listener;
  }

  /** Called once when the connection is over: null for an orderly close, else the socket error. */
  onClose(listener: ((error: TcpErrno | null) => void) | null): void {
    this.closeListener = listener;
  }

  /** send(2): queues bytes (sent once connected); EPIPE after shutdown or close. */
  send(bytes: Uint8Array): TcpErrno | undefined {
    if (this.shutWr || this.state === "CLOSED" || this.state === "TIME_WAIT") return "EPIPE";
    if (bytes.length === 0) return undefined;
    this.sendBuf.push(bytes);
    this.writeSeq = (this.writeSeq + bytes.length) >>> 0;
    if (this.state !== "SYN_SENT" && this.state !== "SYN_RECEIVED") writeXmit(this);
    return undefined;
  }

  /** Bytes written and not yet acknowledged (SIOCOUTQ). */
  get bufferedAmount(): number {
    return this.sendBuf.length;
  }

  /** shutdown(SHUT_WR): a FIN after the queued data; reading goes on. */
  shutdown(): void {
    if (this.shutWr || this.state === "CLOSED" || this.state === "TIME_WAIT") return;
    this.shutWr = true;
    if (this.state === "SYN_SENT") return;
    this.queueFin();
  }

  /** close(2): like shutdown, and the connection is the kernel's from now on. */
  close(): void {
    if (this.appClosed) return;
    this.appClosed = true;
    if (this.state === "SYN_SENT") return tcpDone(this, null);
    if (!this.shutWr) {
      this.shutWr = true;
      this.queueFin();
    } else if (this.state === "FIN_WAIT_2") armFinWait2(this);
  }

  /** close(2) with SO_LINGER {1, 0}: a reset now, and the connection is gone. */
  abort(): void {
    if (this.state === "CLOSED") return;
    this.appClosed = true;
    if (this.state !== "SYN_SENT" && this.state !== "TIME_WAIT" && this.state !== "CLOSING" && this.state !== "LAST_ACK") sendActiveReset(this);
    tcpDone(this, null);
  }

  /** SO_KEEPALIVE with TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT (seconds; omitted: the sysctls). */
  setKeepAlive(on: boolean, idle?: number, interval?: number, count?: number): void {
    if (idle !== undefined) this.keepIdle = idle;
    if (interval !== undefined) this.keepIntvl = interval;
    if (count !== undefined) this.keepCnt = count;
    this.keepalive = on;
    armKeepalive(this, idle !== undefined);
  }

  /** TCP_NODELAY. */
  setNoDelay(on: boolean): void {
    this.noDelay = on;
    if (on) writeXmit(this);
  }

  /** `10.0.0.1:33000>10.0.0.2:22`, the connection's name in traces. */
  get name(): string {
    return this.layer.connName(this);
  }

  // --- For the layer ------------------------------------------------------------------------------

  /** Queues our FIN after the data (shutdown, close, or a shutdown made while connecting). */
  queueFin(): void {
    this.finQueued = true;
    this.writeSeq = (this.writeSeq + 1) >>> 0;
    // In SYN_RECEIVED the FIN waits for the handshake to complete.
    if (this.state === "ESTABLISHED") this.layer.setState(this, "FIN_WAIT_1");
    else if (this.state === "CLOSE_WAIT") this.layer.setState(this, "LAST_ACK");
    writeXmit(this);
  }

  /** Sequence number of our FIN once queued (writeSeq − 1). */
  get finSeq(): number {
    return (this.writeSeq - 1) >>> 0;
  }

  /** Queues received bytes for the application (handed over once the segment is processed). */
  queueForApp(bytes: Uint8Array): void {
    this.stats.bytesReceived += bytes.length;
    if (!this.appClosed) this.inbox.push(bytes);
  }

  /** Queues the end of the peer's data (its FIN). */
  queueEof(): void {
    this.eofPending = true;
  }

  /** Hands queued bytes, then the end of file, to the application; returns the bytes read. */
  flushToApp(): number {
    let copied = 0;
    while (this.inbox.length > 0) {
      const bytes = this.inbox.shift()!;
      copied += bytes.length;
      this.dataListener?.(bytes);
    }
    if (this.eofPending) {
      this.eofPending = false;
      this.endListener?.();
    }
    return copied;
  }

  /** Tells the application the handshake completed. */
  connected(): void {
    this.connectListener?.();
  }

  /** Reports the end of the connection, once, after anything still queued for the application. */
  report(error: TcpErrno | null): void {
    if (this.reported) return;
    this.reported = true;
    this.flushToApp();
    this.closeListener?.(error);
  }
}
