// ICMP as Linux 2.6.32's net/ipv4/icmp.c handles it.
// Receiving (icmp_rcv): the checksum must verify; echo and timestamp requests to a broadcast or
// multicast address are ignored (icmp_echo_ignore_broadcasts=1), and so is any error sent to one;
// an echo request is answered with the same identifier, sequence and data, from the address it
// was sent to; errors (unreachable, time exceeded, source quench, parameter problem) are handed to
// the protocol of the quoted datagram — UDP sockets, raw ICMP sockets, a registered handler (TCP);
// a redirect from our current gateway is accepted into the route cache when accept_redirects
// allows it and the new gateway is already resolved.
// Sending errors (icmp_send): never about an ICMP error, a non-first fragment, a broadcast or
// multicast, or a frame not sent to our MAC; from the address the offending packet was sent to if
// it was for us, else from the address routing picks toward its sender; TOS 0xc0 (internetwork
// control); quoting as much of it as fits in 576 bytes; and, for unreachable, time exceeded and
// parameter problem (icmp_ratemask), at most one per icmp_ratelimit (1 s) per destination with a
// burst of six — except toward ourselves over the loopback. Echo replies are not limited.
import { readIpv4, type Ipv4 } from "../wire/address.ts";
import { readU16, readU32, writeU16, writeU32 } from "../wire/bytes.ts";
import { internetChecksum } from "../wire/checksum.ts";
import { ETH_HLEN } from "./ethernet-io.ts";
import { isMulticast, LIMITED_BROADCAST, isZeronet, RTN } from "./fib.ts";
import type { Iface } from "./iface.ts";
import { SCOPE } from "./interface-addresses.ts";
import { jiffiesAt, XRLIM_BURST_FACTOR } from "./linux-params.ts";
import { NUD } from "./neighbour.ts";
import { PAYLOAD_AT } from "./ip-output.ts";
import type { Ipv4Stack } from "./ipv4-stack.ts";

/** ICMP types the stack acts on. */
export const ICMP = {
  ECHO_REPLY: 0,
  DEST_UNREACH: 3,
  SOURCE_QUENCH: 4,
  REDIRECT: 5,
  ECHO: 8,
  TIME_EXCEEDED: 11,
  PARAMETER_PROBLEM: 12,
  TIMESTAMP: 13,
  TIMESTAMP_REPLY: 14,
} as const;
const NR_ICMP_TYPES = 18;

/** Flags describing the offending packet's route, for `sendError` (RTCF_LOCAL, RTCF_BROADCAST, pkt_type). */
export const OFFENDER = { LOCAL: 1, BROADCAST: 2, NOT_HOST: 4 } as const;

/** True for the ICMP types that are errors (icmp_pointers[].error). */
export function isIcmpError(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

/** An ICMP error as the protocol of the quoted datagram receives it. */
export interface IcmpErrorReport {
  /** Who sent the error (the router, or the host that refused). */
  readonly origin: Ipv4;
  readonly type: number;
  readonly code: number;
  /** The 32 bits after the checksum: next-hop MTU for "fragmentation needed", gateway for a redirect. */
  readonly info: number;
  /** The quoted datagram from its IP header on (a view). */
  readonly quote: Uint8Array;
  /** Device the error arrived on. */
  readonly dev: string;
  /** TTL of the error itself as received. */
  readonly ttl: number;
}

interface Bucket {
  tokens: number;
  last: number;
}

/** The ICMP engine of one stack. */
export class IcmpHandler {
  private readonly buckets = new Map<Ipv4, Bucket>();

  constructor(private readonly stack: Ipv4Stack) {}

  /** icmp_rcv for a locally delivered ICMP packet (frame with IP at ETH_HLEN). */
  receive(iface: Iface, frame: Uint8Array, hlen: number, total: number, routeType: number): void {
    const stack = this.stack;
    const start = ETH_HLEN + hlen;
    const end = ETH_HLEN + total;
    if (end - start < 8 || internetChecksum(frame, start, end) !== 0) return stack.ipDrop("malformed", iface, frame, "icmp: truncated or bad checksum");
    const type = frame[start]!;
    if (routeType !== RTN.LOCAL) {
      const request = type === ICMP.ECHO || type === ICMP.TIMESTAMP;
      if (request && stack.netConf.icmpEchoIgnoreBroadcasts) return stack.ipDrop("no-socket", iface, frame, "echo to broadcast ignored");
      if (!request && type !== 17 && type !== 18) return stack.ipDrop("no-socket", iface, frame, "icmp to broadcast ignored");
    }
    switch (type) {
      case ICMP.ECHO:
        if (!stack.netConf.icmpEchoIgnoreAll) this.reply(iface, frame, hlen, total, routeType, ICMP.ECHO_REPLY);
        return;
      case ICMP.TIMESTAMP:
        if (end - start >= 12) this.reply(iface, frame, hlen, total, routeType, ICMP.TIMESTAMP_REPLY);
        return;
      case ICMP.DEST_UNREACH:
      case ICMP.SOURCE_QUENCH:
      case ICMP.TIME_EXCEEDED:
      case ICMP.PARAMETER_PROBLEM:
        return this.unreach(iface, frame, start, end);
      case ICMP.REDIRECT:
        return this.redirect(iface, frame, start, end);
      default:
        return;
    }
  }

  /**
   * icmp_reply for an echo request (same code, identifier, sequence and data) or a timestamp
   * request (originate copied, receive and transmit = ms since midnight of virtual time, 20 bytes),
   * from the address asked.
   */
  private reply(iface: Iface, frame: Uint8Array, hlen: number, total: number, routeType: number, type: number): void {
    const stack = this.stack;
    const src = readIpv4(frame, ETH_HLEN + 12);
    const asked = readIpv4(frame, ETH_HLEN + 16);
    const from = routeType === RTN.LOCAL ? asked : stack.fib.selectAddr(iface, src, SCOPE.link);
    const timestamp = type === ICMP.TIMESTAMP_REPLY;
    const len = timestamp ? 20 : total - hlen;
    const out = stack.output.begin({ dst: src, src: from, protocol: 1, tos: frame[ETH_HLEN + 1]!, pmtudisc: "dont" }, len);
    if (typeof out === "string") return stack.ipDrop("no-route", iface, frame, `icmp reply: ${out}`);
    out.set(frame.subarray(ETH_HLEN + hlen, ETH_HLEN + hlen + (timestamp ? 12 : len)), PAYLOAD_AT);
    out[PAYLOAD_AT] = type;
    if (timestamp) {
      const ms = Math.floor(stack.sim.now / 1000) % 86_400_000;
      out[PAYLOAD_AT + 1] = 0;
      writeU32(out, PAYLOAD_AT + 12, ms);
      writeU32(out, PAYLOAD_AT + 16, ms);
    }
    writeU16(out, PAYLOAD_AT + 2, 0);
    writeU16(out, PAYLOAD_AT + 2, internetChecksum(out, PAYLOAD_AT, PAYLOAD_AT + len));
    this.traceIcmp(type, 0, readIpv4(out, ETH_HLEN + 12), src, false);
    stack.output.commit(out);
  }

  /** icmp_unreach: hands the error to the quoted datagram's protocol. */
  private unreach(iface: Iface, frame: Uint8Array, start: number, end: number): void {
    const q = start + 8;
    if (frame[start] === ICMP.DEST_UNREACH && frame[start + 1]! > 15) return;
    if (end - q < 20 || frame[q]! >>> 4 !== 4) return;
    const qhlen = (frame[q]! & 0x0f) * 4;
    if (qhlen < 20 || end - q < qhlen + 8) return;
    const report: IcmpErrorReport = {
      origin: readIpv4(frame, ETH_HLEN + 12),
      type: frame[start]!,
      code: frame[start + 1]!,
      info: readU32(frame, start + 4),
      quote: frame.subarray(q, end),
      dev: iface.name,
      ttl: frame[ETH_HLEN + 8]!,
    };
    this.stack.deliverError(frame[q + 9]!, report);
  }

  /** icmp_redirect → ip_rt_redirect: take the better gateway for the quoted destination, if acceptable. */
  private redirect(iface: Iface, frame: Uint8Array, start: number, end: number): void {
    const stack = this.stack;
    if (end - start < 28) return;
    const origin = readIpv4(frame, ETH_HLEN + 12);
    const gw = readIpv4(frame, start + 4);
    const target = readIpv4(frame, start + 8 + 16);
    const forwarding = iface.conf.forwarding;
    const accept = forwarding ? iface.conf.acceptRedirects && stack.allConf.acceptRedirects : iface.conf.acceptRedirects || stack.allConf.acceptRedirects;
    if (!accept || gw === origin || isMulticast(gw) || gw === LIMITED_BROADCAST || isZeronet(gw)) return;
    if (stack.fib.addrType(gw) !== RTN.UNICAST) return;
    const current = stack.fib.lookup(target);
    if (current.type !== RTN.UNICAST || current.iface !== iface || current.nextHop !== origin) return;
    const n = stack.neigh.lookupOrCreate(iface, gw);
    if ((n.state & (NUD.REACHABLE | NUD.STALE | NUD.DELAY | NUD.PROBE | NUD.PERMANENT | NUD.NOARP)) === 0) {
      stack.neigh.eventSend(n, null);
      return;
    }
    stack.fib.redirect(target, gw, current);
  }

  /**
   * icmp_send: an error about the packet in `frame` (IP at ETH_HLEN) back to its sender.
   * `flags` are OFFENDER bits; `inIface` is where the offending packet came in, if it did.
   */
  sendError(frame: Uint8Array, type: number, code: number, info: number, flags: number, inIface: Iface | null): void {
    const stack = this.stack;
    if (frame.length < ETH_HLEN + 20 || (flags & (OFFENDER.BROADCAST | OFFENDER.NOT_HOST)) !== 0) return;
    const hlen = (frame[ETH_HLEN]! & 0x0f) * 4;
    const total = Math.min(readU16(frame, ETH_HLEN + 2), frame.length - ETH_HLEN);
    if ((readU16(frame, ETH_HLEN + 6) & 0x1fff) !== 0) return;
    if (isIcmpError(type) && frame[ETH_HLEN + 9] === 1) {
      if (total < hlen + 1) return;
      const inner = frame[ETH_HLEN + hlen]!;
      if (inner > NR_ICMP_TYPES || isIcmpError(inner)) return;
    }
    const to = readIpv4(frame, ETH_HLEN + 12);
    if (isZeronet(to) || isMulticast(to) || to === LIMITED_BROADCAST) return;
    let from = (flags & OFFENDER.LOCAL) !== 0 ? readIpv4(frame, ETH_HLEN + 16) : 0;
    if (from === 0 && inIface !== null && stack.netConf.icmpErrorsUseInboundIfaddr) from = stack.fib.selectAddr(inIface, 0, SCOPE.link);
    const tos = isIcmpError(type) ? (frame[ETH_HLEN + 1]! & 0x1e) | 0xc0 : frame[ETH_HLEN + 1]!;
    if (stack.fib.routeOutput(to, from, null) !== undefined) return;
    const out = stack.fib.rIface!;
    if (!this.allowed(type, code, out, to)) return this.traceIcmp(type, code, stack.fib.rSrc, to, true);
    const room = Math.min(out.dev.mtu, 576) - 20 - 8;
    const quote = Math.min(total, room);
    const pkt = stack.output.begin({ dst: to, src: stack.fib.rSrc, protocol: 1, tos, pmtudisc: "dont" }, 8 + quote);
    if (typeof pkt === "string") return;
    pkt[PAYLOAD_AT] = type;
    pkt[PAYLOAD_AT + 1] = code;
    writeU32(pkt, PAYLOAD_AT + 4, info);
    pkt.set(frame.subarray(ETH_HLEN, ETH_HLEN + quote), PAYLOAD_AT + 8);
    writeU16(pkt, PAYLOAD_AT + 2, internetChecksum(pkt, PAYLOAD_AT, PAYLOAD_AT + 8 + quote));
    this.traceIcmp(type, code, readIpv4(pkt, ETH_HLEN + 12), to, false);
    stack.output.commit(pkt);
  }

  /** icmpv4_xrlim_allow + xrlim_allow: a token bucket per destination. */
  private allowed(type: number, code: number, out: Iface, to: Ipv4): boolean {
    const conf = this.stack.netConf;
    if (type > NR_ICMP_TYPES || (type === ICMP.DEST_UNREACH && code === 4) || out.isLoopback) return true;
    if (((1 << type) & conf.icmpRatemask) === 0) return true;
    const now = jiffiesAt(this.stack.sim.now);
    const burst = XRLIM_BURST_FACTOR * conf.icmpRatelimit;
    const bucket = this.buckets.get(to) ?? { tokens: burst, last: now };
    this.buckets.set(to, bucket);
    bucket.tokens = Math.min(burst, bucket.tokens + now - bucket.last);
    bucket.last = now;
    if (bucket.tokens < conf.icmpRatelimit) return false;
    bucket.tokens -= conf.icmpRatelimit;
    return true;
  }

  private traceIcmp(type: number, code: number, src: Ipv4, dst: Ipv4, limited: boolean): void {
    const sim = this.stack.sim;
    if (!sim.trace.on) return;
    const base = { kind: "icmp" as const, time: sim.now, node: this.stack.node, type, code, src, dst };
    sim.trace.emit(limited ? { ...base, limited } : base);
  }
}
