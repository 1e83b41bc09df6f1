// Forwarding, as Linux 2.6.32's ip_forward.c and the parts of route.c it relies on:
// - only frames sent to our MAC are forwarded (a link-layer broadcast carrying a unicast IP
//   destination is dropped, pkt_type != PACKET_HOST);
// - TTL ≤ 1: ICMP time exceeded (the quote shows the TTL as received), dropped;
// - larger than the output MTU with DF set: ICMP fragmentation needed;
// - the TTL is decremented with the checksum patched (ip_decrease_ttl), on a copy: the received
//   frame may be shared with other receivers of a bridge flood;
// - going back out of the interface it came in on, to a sender on that link: an ICMP redirect to
//   the better next hop (send_redirects, default on), at most 9 per destination spaced by 20 ms
//   doubling, reset after 20.48 s of silence (ip_rt_send_redirect);
// - then FORWARD and POSTROUTING. No route while forwarding: ICMP net unreachable (ip_error, one
//   per second per destination with a burst of five).
import { readIpv4, type Ipv4 } from "../wire/address.ts";
import { readU16, writeU16 } from "../wire/bytes.ts";
import { ETH_HLEN, PKT } from "./ethernet-io.ts";
import { RTN } from "./fib.ts";
import type { Iface } from "./iface.ts";
import { IP_RT_ERROR_BURST, IP_RT_ERROR_COST, IP_RT_REDIRECT_LOAD, IP_RT_REDIRECT_NUMBER, IP_RT_REDIRECT_SILENCE, jiffiesAt } from "./linux-params.ts";
import { ICMP } from "./icmp-handler.ts";
import type { Ipv4Stack } from "./ipv4-stack.ts";

interface RateState {
  tokens: number;
  last: number;
}

/** The forwarding engine of one stack. */
export class Forwarder {
  /** Per (destination, source) route-cache rate state: redirects and ip_error. */
  private readonly redirects = new Map<Ipv4, Map<Ipv4, RateState>>();
  private readonly errors = new Map<Ipv4, Map<Ipv4, RateState>>();

  constructor(private readonly stack: Ipv4Stack) {}

  /** ip_forward for a frame that ip_route_input sent to `out` via `nextHop`; `owned`: the stack's own copy already. */
  forward(inIface: Iface, frame: Uint8Array, pktType: number, out: Iface, nextHop: Ipv4, redirect: boolean, owned: boolean): void {
    const stack = this.stack;
    if (pktType !== PKT.HOST) return stack.ipDrop("not-for-us", inIface, frame, "link-layer broadcast not forwarded");
    if (frame[ETH_HLEN + 8]! <= 1) {
      stack.icmp.sendError(frame, ICMP.TIME_EXCEEDED, 0, 0, 0, inIface);
      return stack.ipDrop("ttl-exceeded", inIface, frame);
    }
    const total = readU16(frame, ETH_HLEN + 2);
    if (total > out.dev.mtu && (frame[ETH_HLEN + 6]! & 0x40) !== 0) {
      stack.icmp.sendError(frame, ICMP.DEST_UNREACH, 4, out.dev.mtu, 0, inIface);
      return stack.ipDrop("too-big", inIface, frame, `DF set, ${out.name} MTU ${out.dev.mtu}`);
    }
    let pkt = owned ? frame : frame.slice(0, ETH_HLEN + total);
    decreaseTtl(pkt);
    if (redirect) this.sendRedirect(pkt, inIface, nextHop);
    if (stack.hooks !== null) {
      const after = stack.runHook("FORWARD", pkt, inIface, out, 0);
      if (after === null) return;
      pkt = after;
    }
    stack.traceRoute("forward", pkt, out, nextHop);
    stack.output.postRouting(pkt, RTN.UNICAST, out, nextHop);
  }

  /** ip_rt_send_redirect's rate limiting around an ICMP host redirect. */
  private sendRedirect(pkt: Uint8Array, inIface: Iface, gateway: Ipv4): void {
    if (!(inIface.conf.sendRedirects || this.stack.allConf.sendRedirects)) return;
    const now = jiffiesAt(this.stack.sim.now);
    const state = rateState(this.redirects, readIpv4(pkt, ETH_HLEN + 16), readIpv4(pkt, ETH_HLEN + 12), { tokens: 0, last: -Infinity });
    if (now > state.last + IP_RT_REDIRECT_SILENCE) state.tokens = 0;
    if (state.tokens >= IP_RT_REDIRECT_NUMBER) {
      state.last = now;
      return;
    }
    if (state.tokens === 0 || now > state.last + (IP_RT_REDIRECT_LOAD << state.tokens)) {
      this.stack.icmp.sendError(pkt, ICMP.REDIRECT, 1, gateway, 0, inIface);
      state.last = now;
      state.tokens++;
    }
  }

  /** ip_error for a packet with no route while forwarding: ICMP net unreachable, rate limited. */
  noRoute(inIface: Iface, frame: Uint8Array): void {
    const now = jiffiesAt(this.stack.sim.now);
    const state = rateState(this.errors, readIpv4(frame, ETH_HLEN + 16), readIpv4(frame, ETH_HLEN + 12), { tokens: IP_RT_ERROR_BURST, last: now });
    state.tokens = Math.min(IP_RT_ERROR_BURST, state.tokens + now - state.last);
    state.last = now;
    if (state.tokens >= IP_RT_ERROR_COST) {
      state.tokens -= IP_RT_ERROR_COST;
      this.stack.icmp.sendError(frame, ICMP.DEST_UNREACH, 0, 0, 0, inIface);
    }
    this.stack.ipDrop("no-route", inIface, frame);
  }
}

function rateState(map: Map<Ipv4, Map<Ipv4, RateState>>, dst: Ipv4, src: Ipv4, initial: RateState): RateState {
  let bySrc = map.get(dst);
  if (bySrc === undefined) {
    bySrc = new Map();
    map.set(dst, bySrc);
  }
  let state = bySrc.get(src);
  if (state === undefined) {
    state = initial;
    bySrc.set(src, state);
  }
  return state;
}

/** ip_decrease_ttl: TTL − 1 and the header checksum patched incrementally (RFC 1624). */
export function decreaseTtl(frame: Uint8Array): void {
  const at = ETH_HLEN;
  const check = readU16(frame, at + 10) + 0x0100;
  writeU16(frame, at + 10, (check + (check >= 0xffff ? 1 : 0)) & 0xffff);
  frame[at + 8] = frame[at + 8]! - 1;
}
