// A listening socket (LISTEN) and its half-open connections, after Linux 2.6.32's
// tcp_rcv_state_process for TCP_LISTEN, tcp_v4_conn_request and inet_csk_reqsk_queue_prune:
// a SYN makes a request socket and a SYN-ACK; an ACK with no request behind it is answered with a
// reset; a RST is ignored. The listener looks at its requests every 200 ms (the first look 3 s
// after the first request) and resends the SYN-ACK of each whose time has come, backing off from
// 3 s (3, 9, 21, 45, 93 s), dropping it after tcp_synack_retries (5) resends — 189 s.
// Simplification: Linux walks a slice of its request hash per tick, so a resend can come up to
// ~1.5 s after it is due; here every due request is seen on the next tick. There is no backlog limit.
import type { EventHandle } from "../../engine/sim.ts";
import { TcpFlags } from "../../wire/tcp.ts";
import type { Ipv4 } from "../../wire/address.ts";
import { timerTime } from "../linux-params.ts";
import { TcpConnection } from "./connection.ts";
import { startRequest } from "./handshake.ts";
import { TCP_RTO_MAX, TCP_SYNQ_INTERVAL, TCP_TIMEOUT_INIT } from "./params.ts";
import { has, type InSegment } from "./segment.ts";
import type { TcpLayer } from "./tcp-layer.ts";
import { tcpDone } from "./timers.ts";

/** A socket in LISTEN on `address` (0: any) and `port`. */
export class TcpListener {
  readonly state = "LISTEN";
  private pending: TcpConnection[] = [];
  private pruneTimer: EventHandle | null = null;
  closed = false;

  constructor(
    readonly layer: TcpLayer,
    readonly address: Ipv4,
    readonly port: number,
    private readonly onAccept: (connection: TcpConnection) => void,
  ) {}

  /** Half-open connections waiting for the handshake's last ACK. */
  get halfOpen(): number {
    return this.pending.length;
  }

  /** close(2): stop listening; half-open connections are dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.layer.removeListener(this);
    this.pruneTimer?.cancel();
    this.pruneTimer = null;
    for (const c of [...this.pending]) tcpDone(c, null);
  }

  /** A segment to our port that belongs to no connection; "reset" when it must be answered with one. */
  process(seg: InSegment): "reset" | undefined {
    if (has(seg, TcpFlags.Rst)) return undefined;
    if (has(seg, TcpFlags.Ack)) return "reset";
    if (!has(seg, TcpFlags.Syn)) return undefined;
    this.openRequest(seg, this.layer.isn(seg.dst, seg.dstPort, seg.src, seg.srcPort));
    return undefined;
  }

  /** A request socket for a SYN, with initial sequence number `iss`. */
  openRequest(seg: InSegment, iss: number): void {
    const c = new TcpConnection(this.layer, seg.dst, seg.dstPort, seg.src, seg.srcPort, "CLOSED", true);
    c.listener = this;
    this.layer.hash(c);
    startRequest(c, seg, iss);
    this.pending.push(c);
    if (this.pruneTimer === null) this.armPrune(TCP_TIMEOUT_INIT);
  }

  /** For the layer: the handshake of `c` completed. */
  accepted(c: TcpConnection): void {
    this.forget(c);
    c.listener = null;
    this.onAccept(c);
  }

  /** For the layer: `c` is gone before completing. */
  forget(c: TcpConnection): void {
    this.pending = this.pending.filter((p) => p !== c);
  }

  private armPrune(delay: number): void {
    const layer = this.layer;
    this.pruneTimer = layer.sim.at(timerTime(layer.jiffies + delay, layer.sim.now), () => this.prune());
  }

  /** inet_csk_reqsk_queue_prune. */
  private prune(): void {
    this.pruneTimer = null;
    const layer = this.layer;
    const now = layer.jiffies;
    for (const c of [...this.pending]) {
      if (now < c.reqExpires) continue;
      if (c.reqRetrans >= layer.params.synackRetries) {
        layer.trace(c, "timeout", undefined, "SYN-ACK retries exhausted");
        tcpDone(c, null);
        continue;
      }
      layer.resendSynAck(c);
      c.reqRetrans++;
      c.reqExpires = now + Math.min(TCP_TIMEOUT_INIT * 2 ** c.reqRetrans, TCP_RTO_MAX);
    }
    if (this.pending.length > 0 && !this.closed) this.armPrune(TCP_SYNQ_INTERVAL);
  }
}
