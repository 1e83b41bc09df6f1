// `ping` as iputils s20101006 (Debian Squeeze's iputils-ping) prints it (ping.c, ping_common.c):
//
//   PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.
//   64 bytes from 10.0.0.2: icmp_req=1 ttl=64 time=0.123 ms
//   From 10.0.0.1 icmp_seq=2 Destination Host Unreachable
//
//   --- 10.0.0.2 ping statistics ---
//   2 packets transmitted, 1 received, +1 errors, 50% packet loss, time 1001ms
//   rtt min/avg/max/mdev = 0.123/0.123/0.123/0.000 ms
//
// Squeeze's replies say `icmp_req=` (later iputils went back to `icmp_seq=`: `seqLabel`); errors,
// read from the IP_RECVERR queue, always say `icmp_seq=`. Echo requests carry a struct timeval
// (16 bytes, little-endian) and then the bytes 0, 1, 2…; the round trip is measured from that
// timestamp. Timing follows the main loop: one request per interval (-i, 1 s), and once -c
// requests are out, exit when every one is answered (reply or error) or after max(2 × the largest
// rtt, interval) — the linger time (-W, 10 s) when nothing was received. The statistics: loss
// truncated to a whole percent, `time` from the start to the last request sent in ms (finish()
// reads `cur_time`, which only pinger() sets: a ping whose answers are errors that come 3 s later
// still says `time 1000ms` for two requests), mdev the integer square root of the mean square minus
// the squared mean (in µs), `pipe N` the most requests outstanding at once (after the rtt line's
// ", ", or alone); the line after the summary ends with a newline even when it is empty.
import type { RandomStream } from "../engine/random.ts";
import type { Ipv4Stack } from "../l3/ipv4-stack.ts";
import type { RawIcmpSocket } from "../l3/raw-sockets.ts";
import type { SocketError } from "../l3/udp-sockets.ts";
import { errnoText } from "../l3/errno.ts";
import { ipv4ToString, type Ipv4 } from "../wire/address.ts";
import { readU16 } from "../wire/bytes.ts";
import { encodeIcmp, parseIcmp } from "../wire/icmp.ts";
import { icmpErrorText, timeText } from "./ping-format.ts";

/** ping's command line. */
export interface PingOptions {
  readonly dst: Ipv4;
  /** The destination as typed (default: the dotted quad). */
  readonly host?: string;
  /** -c */
  readonly count?: number;
  /** -i, seconds (default 1). */
  readonly interval?: number;
  /** -W: how long to wait for a reply when none came, seconds (default 10). */
  readonly linger?: number;
  /** -I DEV */
  readonly dev?: string;
  /** -t */
  readonly ttl?: number;
  /** -s (default 56). */
  readonly size?: number;
  /** "icmp_req" (Squeeze, default) or "icmp_seq" (iputils before 2010 and after 2012). */
  readonly seqLabel?: "icmp_req" | "icmp_seq";
}

/** One ping process; its output accumulates in `lines`. */
export class Ping {
  readonly lines: string[] = [];
  /** 0: some reply; 1: none; 2: could not start. Undefined while running. */
  exitCode: number | undefined;
  private sock: RawIcmpSocket | null = null;
  private readonly ident: number;
  private readonly size: number;
  private ntransmitted = 0;
  private nreceived = 0;
  private nrepeats = 0;
  private nerrors = 0;
  private tmin = Number.MAX_SAFE_INTEGER;
  private tmax = 0;
  private tsum = 0;
  private tsum2 = 0;
  private pipesize = -1;
  private startTime = 0;
  /** iputils' `cur_time`: when the last request left. */
  private lastSendTime = 0;
  private readonly seen = new Set<number>();
  private timer: { cancel(): void } | null = null;
  private onDone: ((p: Ping) => void) | undefined;

  constructor(
    readonly stack: Ipv4Stack,
    readonly options: PingOptions,
  ) {
    const rng: RandomStream = stack.sim.rng(`ping:${stack.node}`);
    this.ident = rng.int(1, 0xffff);
    this.size = options.size ?? 56;
  }

  /** The output so far, as the terminal shows it. */
  text(): string {
    return this.lines.map((l) => `${l}\n`).join("");
  }

  /** Starts pinging; `done` runs when ping exits. */
  start(done?: (p: Ping) => void): void {
    this.onDone = done;
    const o = this.options;
    const route = this.stack.routeGet(o.dst, o.dev !== undefined ? { oif: o.dev } : {});
    if (typeof route === "string") {
      this.lines.push(`connect: ${errnoText(route)}`);
      return this.exit(2);
    }
    const sock = this.stack.openRawIcmp();
    sock.recvErr = true;
    if (o.dev !== undefined) sock.boundDev = o.dev;
    if (o.ttl !== undefined) sock.ttl = o.ttl;
    sock.onMessage((p) => this.reply(p.src, p.ttl, p.icmp));
    sock.onError((e) => this.error(e));
    this.sock = sock;
    const from = o.dev !== undefined ? `from ${ipv4ToString(route.src)} ${o.dev}: ` : "";
    this.lines.push(`PING ${o.host ?? ipv4ToString(o.dst)} (${ipv4ToString(o.dst)}) ${from}${this.size}(${this.size + 28}) bytes of data.`);
    this.startTime = this.stack.sim.now;
    this.pinger();
  }

  /** Ctrl-C: print the statistics and exit. */
  interrupt(): void {
    if (this.exitCode === undefined && this.sock !== null) this.finish();
  }

  private get intervalUs(): number {
    return Math.round((this.options.interval ?? 1) * 1_000_000);
  }

  private pinger(): void {
    const o = this.options;
    this.timer = null;
    if (o.count !== undefined && this.ntransmitted >= o.count) return;
    const seq = (this.ntransmitted + 1) & 0xffff;
    const err = this.sock!.send(o.dst, encodeIcmp({ kind: "echo-request", ident: this.ident, seq, data: this.payload() }));
    this.ntransmitted++;
    this.lastSendTime = this.stack.sim.now;
    if (err !== undefined) {
      this.lines.push(`ping: sendmsg: ${errnoText(err)}`);
      this.nerrors++;
    }
    if (o.count !== undefined && this.ntransmitted >= o.count) {
      // __schedule_exit, decided when the last request leaves.
      const wait = this.nreceived > 0 ? Math.max(2 * this.tmax, this.intervalUs) : (o.linger ?? 10) * 1_000_000;
      this.timer = this.stack.sim.schedule(wait, () => this.finish());
      return this.checkDone();
    }
    this.timer = this.stack.sim.schedule(this.intervalUs, () => this.pinger());
  }

  /** struct timeval (sec, usec; 8 bytes each, little-endian) then 0, 1, 2, … */
  private payload(): Uint8Array {
    const data = new Uint8Array(this.size);
    for (let i = 16; i < this.size; i++) data[i] = (i - 16) & 0xff;
    const now = this.stack.sim.now;
    const view = new DataView(data.buffer);
    if (this.size >= 16) {
      view.setBigUint64(0, BigInt(Math.floor(now / 1_000_000)), true);
      view.setBigUint64(8, BigInt(now % 1_000_000), true);
    }
    return data;
  }

  private reply(src: Ipv4, ttl: number, icmp: Uint8Array): void {
    const m = parseIcmp(icmp);
    if (!m.ok || m.value.kind !== "echo-reply" || m.value.ident !== this.ident || this.exitCode !== undefined) return;
    const seq = m.value.seq;
    this.acknowledge(seq);
    let triptime: number | undefined;
    const data = m.value.data;
    if (data.length >= 16) {
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      const sent = Number(view.getBigUint64(0, true)) * 1_000_000 + Number(view.getBigUint64(8, true));
      triptime = Math.max(0, this.stack.sim.now - sent);
      this.tsum += triptime;
      this.tsum2 += triptime * triptime;
      this.tmin = Math.min(this.tmin, triptime);
      this.tmax = Math.max(this.tmax, triptime);
    }
    const dup = this.seen.has(seq);
    if (dup) this.nrepeats++;
    else {
      this.seen.add(seq);
      this.nreceived++;
    }
    const label = this.options.seqLabel ?? "icmp_req";
    const time = triptime === undefined ? "" : ` time=${timeText(triptime)}`;
    this.lines.push(`${icmp.length} bytes from ${ipv4ToString(src)}: ${label}=${seq} ttl=${ttl}${time}${dup ? " (DUP!)" : ""}`);
    this.checkDone();
  }

  private error(e: SocketError): void {
    const q = e.quote;
    const hlen = q.length > 0 ? (q[0]! & 0x0f) * 4 : 0;
    if (q.length < hlen + 8 || q[hlen] !== 8 || readU16(q, hlen + 4) !== this.ident || this.exitCode !== undefined) return;
    const seq = readU16(q, hlen + 6);
    this.nerrors++;
    this.acknowledge(seq);
    this.lines.push(`From ${ipv4ToString(e.origin)} icmp_seq=${seq} ${icmpErrorText(e.type, e.code, e.info)}`);
    this.checkDone();
  }

  private acknowledge(seq: number): void {
    const diff = (this.ntransmitted - seq) & 0xffff;
    if (diff <= 0x7fff && diff + 1 > this.pipesize) this.pipesize = diff + 1;
  }

  private checkDone(): void {
    const count = this.options.count;
    if (count !== undefined && this.nreceived + this.nerrors >= count) this.finish();
  }

  /** finish(): the statistics block. */
  private finish(): void {
    if (this.exitCode !== undefined) return;
    this.timer?.cancel();
    const host = this.options.host ?? ipv4ToString(this.options.dst);
    const elapsed = Math.floor((this.lastSendTime - this.startTime) / 1000);
    let summary = `${this.ntransmitted} packets transmitted, ${this.nreceived} received`;
    if (this.nrepeats > 0) summary += `, +${this.nrepeats} duplicates`;
    if (this.nerrors > 0) summary += `, +${this.nerrors} errors`;
    if (this.ntransmitted > 0) summary += `, ${Math.trunc(((this.ntransmitted - this.nreceived) * 100) / this.ntransmitted)}% packet loss, time ${elapsed}ms`;
    let tail = "";
    if (this.nreceived > 0 && this.size >= 16) {
      const n = this.nreceived + this.nrepeats;
      const avg = Math.floor(this.tsum / n);
      const mdev = llsqrt(Math.floor(this.tsum2 / n) - avg * avg);
      tail = `rtt min/avg/max/mdev = ${ms(this.tmin)}/${ms(avg)}/${ms(this.tmax)}/${ms(mdev)} ms`;
    }
    if (this.pipesize > 1) tail += `${tail === "" ? "" : ", "}pipe ${this.pipesize}`;
    this.lines.push("", `--- ${host} ping statistics ---`, summary, tail);
    this.exit(this.nreceived > 0 ? 0 : 1);
  }

  private exit(code: number): void {
    this.exitCode = code;
    this.sock?.close();
    this.onDone?.(this);
  }
}

/** `%ld.%03ld` of a time in µs. */
function ms(us: number): string {
  return `${Math.floor(us / 1000)}.${String(us % 1000).padStart(3, "0")}`;
}

/** llsqrt: Newton's integer square root, as iputils computes it. */
function llsqrt(a: number): number {
  if (a <= 0) return 0;
  let prev = Number.MAX_SAFE_INTEGER;
  let x = a;
  while (x < prev) {
    prev = x;
    x = Math.floor((x + Math.floor(a / x)) / 2);
  }
  return x;
}
