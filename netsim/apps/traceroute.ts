// `traceroute` 2.0.x (Dmitry Butskoy's, Debian's `traceroute` package) — its do_it loop, print_probe
// and the udp (default) and icmp (-I) methods:
//
//   traceroute to 10.0.2.20 (10.0.2.20), 30 hops max, 60 byte packets
//    1  10.0.1.1 (10.0.1.1)  0.345 ms  0.301 ms  0.290 ms
//    2  * * *
//
// Probes go out up to 16 at a time (-N), 3 per hop (-q), each given 5 s (-w) before it prints as
// `*`; hops print in order as their probes complete. UDP probes: a socket per probe, TTL set,
// connected to port 33434 + probe number (-p), 32 data bytes 0x40 0x41…, DF clear; the answer is
// the ICMP error on that socket's IP_RECVERR queue. ICMP probes (-I): echo requests with the
// process's id and a sequence number per probe on one raw socket, the same 32 bytes. An address is
// printed as `name (address)` — with no DNS the name is the address — or bare with -n; it is
// printed again only when it differs from the previous probe of the hop. Time exceeded continues;
// port unreachable or an echo reply means the destination answered (the last hop); other
// unreachables end the trace too, marked !H, !N, !P, !X, !F-MTU…
import type { Ipv4Stack } from "../l3/ipv4-stack.ts";
import type { RawIcmpSocket } from "../l3/raw-sockets.ts";
import type { SocketError, UdpSocket } from "../l3/udp-sockets.ts";
import { ipv4ToString, type Ipv4 } from "../wire/address.ts";
import { readU16 } from "../wire/bytes.ts";
import { encodeIcmp, parseIcmp } from "../wire/icmp.ts";
import { unreachMark } from "./ping-format.ts";

/** traceroute's command line. */
export interface TracerouteOptions {
  readonly dst: Ipv4;
  /** The destination as typed (default: the dotted quad). */
  readonly host?: string;
  /** -I: ICMP echo probes. */
  readonly icmp?: boolean;
  /** -n: print addresses only. */
  readonly numeric?: boolean;
  /** -m (default 30). */
  readonly maxHops?: number;
  /** -f (default 1). */
  readonly firstHop?: number;
  /** -q (default 3). */
  readonly queries?: number;
  /** -w, seconds (default 5). */
  readonly wait?: number;
  /** -N (default 16). */
  readonly simProbes?: number;
  /** -p (default 33434). */
  readonly port?: number;
  /** -i DEV */
  readonly dev?: string;
}

interface Probe {
  sendTime: number;
  recvTime: number;
  done: boolean;
  final: boolean;
  from: Ipv4 | null;
  err: string;
  sock: UdpSocket | null;
  seq: number;
}

const DATA_LEN = 32;
/**
 * What sending one probe costs the process, µs (a UDP probe is socket + setsockopt + connect + send).
 * The process reads no answer before its send loop is over: in `xennet diff` on a real kernel
 * (examples/routed × traceroute-udp, traceroute 2.1.2) web's 16 first probes left within 1 ms
 * (+0.086–0.087 s) and it sent no 17th, although hop 1 had answered inside that millisecond —
 * every answer was read in one poll after the loop, the destination's among them, so the window
 * was never refilled past the destination's hop.
 */
export const SEND_US = 60;

/** One traceroute process; its output accumulates in `lines`. */
export class Traceroute {
  readonly lines: string[] = [];
  exitCode: number | undefined;
  private readonly probes: Probe[];
  private readonly q: number;
  private head = 0;
  private end = 0;
  private icmpSock: RawIcmpSocket | null = null;
  private readonly ident: number;
  private timer: { cancel(): void } | null = null;
  /** When the current send loop is over (answers wait for it), µs. */
  private busyUntil = 0;
  /** A poll is due: answers that arrive meanwhile are read by the same pass. */
  private polling = false;
  /** Answers arrived but not yet read, in arrival order. */
  private readonly unread: (() => void)[] = [];
  private current = "";
  private onDone: ((t: Traceroute) => void) | undefined;

  constructor(
    readonly stack: Ipv4Stack,
    readonly options: TracerouteOptions,
  ) {
    this.q = options.queries ?? 3;
    const total = (options.maxHops ?? 30) * this.q;
    this.probes = Array.from({ length: total }, () => ({ sendTime: 0, recvTime: 0, done: false, final: false, from: null, err: "", sock: null, seq: 0 }));
    this.ident = stack.sim.rng(`traceroute:${stack.node}`).int(1, 0xffff);
  }

  /** The output, as the terminal shows it. */
  text(): string {
    return this.lines.map((l) => `${l}\n`).join("");
  }

  /** Starts tracing; `done` runs when traceroute exits. */
  start(done?: (t: Traceroute) => void): void {
    this.onDone = done;
    const o = this.options;
    this.head = ((o.firstHop ?? 1) - 1) * this.q;
    this.end = this.probes.length;
    if (o.icmp === true) {
      const s = this.stack.openRawIcmp();
      s.recvErr = true;
      s.pmtudisc = "dont";
      if (o.dev !== undefined) s.boundDev = o.dev;
      s.onMessage((p) => this.echoReply(p.src, p.icmp));
      s.onError((e) => this.icmpError(e));
      this.icmpSock = s;
    }
    this.current = `traceroute to ${o.host ?? ipv4ToString(o.dst)} (${ipv4ToString(o.dst)}), ${o.maxHops ?? 30} hops max, ${28 + DATA_LEN} byte packets`;
    this.loop();
  }

  /** One pass of do_it's loop: expire, print in order, send up to the window; then wait. */
  private loop(): void {
    this.timer?.cancel();
    this.timer = null;
    const now = this.stack.sim.now;
    const wait = (this.options.wait ?? 5) * 1_000_000;
    let next = 0;
    let num = 0;
    let sent = 0;
    for (let n = this.head; n < this.end; n++) {
      const pb = this.probes[n]!;
      if (n === this.head && !pb.done && pb.sendTime !== 0) {
        const expire = pb.sendTime + wait;
        if (expire > now) next = expire;
        else this.release(pb);
      }
      if (pb.done) {
        if (n === this.head) {
          this.print(n);
          this.head++;
        }
        if (pb.final) this.end = (Math.floor(n / this.q) + 1) * this.q;
        continue;
      }
      if (pb.sendTime === 0) (this.send(n), sent++);
      if (next === 0) next = pb.sendTime + wait;
      if (++num >= (this.options.simProbes ?? 16)) break;
    }
    this.busyUntil = now + sent * SEND_US;
    if (this.head >= this.end) return this.finish();
    if (next !== 0) this.timer = this.stack.sim.at(Math.max(now, next), () => this.loop());
  }

  private send(n: number): void {
    const pb = this.probes[n]!;
    const ttl = Math.floor(n / this.q) + 1;
    const o = this.options;
    const data = Uint8Array.from({ length: DATA_LEN }, (_, i) => 0x40 + (i & 0x3f));
    pb.sendTime = this.stack.sim.now;
    if (this.icmpSock !== null) {
      pb.seq = n + 1;
      this.icmpSock.ttl = ttl;
      this.icmpSock.send(o.dst, encodeIcmp({ kind: "echo-request", ident: this.ident, seq: pb.seq, data }));
      return;
    }
    const s = this.stack.openUdp();
    s.ttl = ttl;
    s.recvErr = true;
    s.pmtudisc = "dont";
    if (o.dev !== undefined) s.boundDev = o.dev;
    s.onError((e) => this.udpError(pb, e));
    s.connect(o.dst, (o.port ?? 33434) + n);
    s.send(data);
    pb.sock = s;
  }

  /** probe_done / expire_probe: the probe's socket is closed. */
  private release(pb: Probe): void {
    pb.done = true;
    pb.sock?.close();
    pb.sock = null;
  }

  /** An answer arrives (its time is the kernel's receive timestamp); the process reads it at its next poll. */
  private answer(pb: Probe, from: Ipv4, final: boolean, err: string): void {
    if (pb.done) return;
    const at = this.stack.sim.now;
    this.unread.push(() => {
      if (pb.done) return;
      pb.recvTime = at;
      pb.from = from;
      pb.final = final;
      pb.err = err;
      this.release(pb);
    });
    this.poll();
  }

  /**
   * do_poll, once the send loop is over: with UDP every ready probe socket is read in one pass; with
   * -I the one raw socket gives one message per pass, and the loop refills the window in between —
   * on a real kernel traceroute -I sent more probes past the destination's hop than -U did.
   */
  private poll(): void {
    if (this.polling) return;
    this.polling = true;
    this.stack.sim.at(Math.max(this.stack.sim.now, this.busyUntil), () => {
      this.polling = false;
      if (this.exitCode !== undefined) return;
      for (const read of this.unread.splice(0, this.icmpSock !== null ? 1 : this.unread.length)) read();
      this.loop();
      if (this.unread.length > 0) this.poll();
    });
  }

  private udpError(pb: Probe, e: SocketError): void {
    if (e.type === 11) return this.answer(pb, e.origin, false, "");
    if (e.type === 3) return this.answer(pb, e.origin, true, unreachMark(e.code, e.info));
  }

  private icmpError(e: SocketError): void {
    const q = e.quote;
    const hlen = q.length > 0 ? (q[0]! & 0x0f) * 4 : 0;
    if (q.length < hlen + 8 || q[hlen] !== 8 || readU16(q, hlen + 4) !== this.ident) return;
    const pb = this.probes.find((p) => p.seq === readU16(q, hlen + 6) && p.sendTime !== 0);
    if (pb === undefined) return;
    if (e.type === 11) return this.answer(pb, e.origin, false, "");
    if (e.type === 3) return this.answer(pb, e.origin, true, unreachMark(e.code, e.info));
  }

  private echoReply(src: Ipv4, icmp: Uint8Array): void {
    const m = parseIcmp(icmp);
    if (!m.ok || m.value.kind !== "echo-reply" || m.value.ident !== this.ident) return;
    const seq = m.value.seq;
    const pb = this.probes.find((p) => p.seq === seq && p.sendTime !== 0);
    if (pb !== undefined) this.answer(pb, src, true, "");
  }

  /** print_probe: a new hop line on its first probe; the address when it differs from the previous one. */
  private print(n: number): void {
    const pb = this.probes[n]!;
    const np = n % this.q;
    if (np === 0) {
      this.lines.push(this.current);
      this.current = `${String(Math.floor(n / this.q) + 1).padStart(2)} `;
    }
    if (pb.from === null) this.current += " *";
    else {
      let prev: Probe | undefined;
      for (let k = n - 1; k >= n - np; k--) {
        const p = this.probes[k]!;
        if (p.from !== null) {
          prev = p;
          break;
        }
      }
      if (prev === undefined || prev.from !== pb.from) {
        const a = ipv4ToString(pb.from);
        this.current += this.options.numeric === true ? ` ${a}` : ` ${a} (${a})`;
      }
    }
    if (pb.recvTime !== 0) this.current += `  ${((pb.recvTime - pb.sendTime) / 1000).toFixed(3)} ms`;
    if (pb.err !== "") this.current += ` ${pb.err}`;
  }

  private finish(): void {
    this.lines.push(this.current);
    for (const pb of this.probes) pb.sock?.close();
    this.icmpSock?.close();
    this.exitCode = 0;
    this.onDone?.(this);
  }
}
