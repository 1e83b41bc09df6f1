// Route resolution as Linux 2.6.32 does it (net/ipv4/route.c, fib_frontend.c): the `local` table
// (own addresses, subnet broadcasts, loopback prefixes) consulted before `main` (the RouteTable that
// `ip route` shows), then ip_route_input's decision for a received packet (deliver, forward, drop
// as martian, silently drop when not forwarding, or answer "net unreachable") and
// ip_route_output's choice of device, next hop and source address for a packet we send.
//
// Results are cached per destination (the role of 2.6.32's route cache); any change to addresses,
// routes or device state flushes the cache. A decision is left in the `r*` fields instead of a new
// object, so that routing a packet allocates nothing once the cache is warm.
import type { Ipv4 } from "../wire/address.ts";
import { RouteTable, type Route } from "./route-table.ts";
import type { Iface } from "./iface.ts";
import { onLink, SCOPE, selectAddress } from "./interface-addresses.ts";
import type { DevConf } from "./linux-params.ts";
import type { Errno } from "./errno.ts";

/** Route types (RTN_*). */
export const RTN = { NONE: 0, UNICAST: 1, LOCAL: 2, BROADCAST: 3, MULTICAST: 5 } as const;

/** What ip_route_input decided for a received packet. */
export const IN = {
  LOCAL: 1,
  BROADCAST: 2,
  FORWARD: 3,
  /** No route while forwarding: ip_error answers ICMP net unreachable. */
  NO_ROUTE: 4,
  /** Not ours and forwarding is off (e_hostunreach): dropped without a word. */
  NOT_FORWARDING: 5,
  MARTIAN_SOURCE: 6,
  MARTIAN_DESTINATION: 7,
  /** Refused for an ARP packet (broadcast target, or back out of the interface it came in on). */
  INVALID: 8,
  /** A multicast group we belong to (224.0.0.1). */
  MULTICAST: 9,
  /** A multicast group we do not belong to (no multicast routing). */
  NOT_MEMBER: 10,
} as const;

/** 224.0.0.1, joined by every interface (ip_mc_up). */
export const ALL_HOSTS = 0xe0000001;
/** 255.255.255.255. */
export const LIMITED_BROADCAST = 0xffff_ffff;
const INADDR_LOOPBACK = 0x7f000001;

/** True for 224.0.0.0/4. */
export const isMulticast = (a: Ipv4): boolean => a >>> 28 === 0xe;
/** True for 127.0.0.0/8. */
export const isLoopback = (a: Ipv4): boolean => a >>> 24 === 127;
/** True for 0.0.0.0/8. */
export const isZeronet = (a: Ipv4): boolean => a >>> 24 === 0;

/** One cached lookup result (a fib_result plus what rt_set_nexthop derives from it). */
export class FibResult {
  constructor(
    readonly type: number,
    /** Output device (unicast, broadcast); for a local address, the device holding it. */
    readonly iface: Iface | null,
    readonly route: Route | null,
    /** Gateway, or the destination itself on a direct route. */
    readonly nextHop: Ipv4,
    /** FIB_RES_PREFSRC: the route's `src`, else what the device offers for the gateway. */
    readonly prefSrc: Ipv4,
    /** No gateway (the next hop is the destination). */
    readonly direct: boolean,
  ) {}
}

/** What the FIB needs from its stack. */
export interface FibHost {
  ifaces(): readonly Iface[];
  ifaceByName(name: string): Iface | undefined;
  readonly loopbackIface: Iface;
  readonly allConf: DevConf;
}

interface LocalHolder {
  readonly iface: Iface;
  readonly src: Ipv4;
}

const NO_RESULT = new FibResult(RTN.NONE, null, null, 0, 0, false);
const CACHE_LIMIT = 16384;

/** The routing tables and the route cache of one stack. */
export class Fib {
  /** The main table (`ip route`). */
  readonly main = new RouteTable();
  /** Own addresses, with the devices holding them (several devices may share one: routed Xen vifs). */
  private readonly locals = new Map<Ipv4, LocalHolder[]>();
  /** Subnet broadcast addresses (local table RTN_BROADCAST routes). */
  private readonly broadcasts = new Map<Ipv4, LocalHolder[]>();
  /** Whole prefixes that are local: addresses on the loopback device (127.0.0.0/8). */
  private localPrefixes: { readonly net: Ipv4; readonly mask: Ipv4; readonly iface: Iface }[] = [];
  private readonly cache = new Map<Ipv4, FibResult>();

  // The last ip_route_input / ip_route_output decision.
  rType = 0;
  rIface: Iface | null = null;
  rNextHop = 0;
  rSrc = 0;
  rRoute: Route | null = null;
  rRedirect = false;

  constructor(private readonly host: FibHost) {}

  /** rt_cache_flush. */
  flush(): void {
    this.cache.clear();
  }

  /** Adds a local-table entry: own address, subnet broadcast, or a loopback prefix. */
  addLocal(kind: "local" | "broadcast", addr: Ipv4, iface: Iface, src: Ipv4): void {
    const map = kind === "local" ? this.locals : this.broadcasts;
    const list = map.get(addr) ?? [];
    // fib_magic appends only if no identical entry exists (same address and device).
    if (!list.some((h) => h.iface === iface)) map.set(addr, [...list, { iface, src }]);
    this.flush();
  }

  /** Removes one local-table entry; true when no device holds `addr` any more. */
  removeLocal(kind: "local" | "broadcast", addr: Ipv4, iface: Iface): boolean {
    const map = kind === "local" ? this.locals : this.broadcasts;
    const list = map.get(addr) ?? [];
    const at = list.findIndex((h) => h.iface === iface);
    const rest = at < 0 ? list : [...list.slice(0, at), ...list.slice(at + 1)];
    if (rest.length === 0) map.delete(addr);
    else map.set(addr, rest);
    this.flush();
    return rest.length === 0;
  }

  /** Drops every broadcast entry of a device (it went down). */
  removeBroadcasts(iface: Iface): void {
    for (const addr of [...this.broadcasts.keys()]) this.removeLocal("broadcast", addr, iface);
  }

  /** A prefix route of type local (an address on the loopback device). */
  setLocalPrefix(net: Ipv4, mask: Ipv4, iface: Iface, present: boolean): void {
    this.localPrefixes = this.localPrefixes.filter((p) => !(p.net === net && p.mask === mask && p.iface === iface));
    if (present) this.localPrefixes.push({ net, mask, iface });
    this.flush();
  }

  /** True when `addr` is one of this node's addresses (inet_addr_type == RTN_LOCAL). */
  isLocal(addr: Ipv4): boolean {
    return this.lookup(addr).type === RTN.LOCAL;
  }

  /** inet_addr_type. */
  addrType(addr: Ipv4): number {
    if (isZeronet(addr) || addr === LIMITED_BROADCAST) return RTN.BROADCAST;
    if (isMulticast(addr)) return RTN.MULTICAST;
    const t = this.lookup(addr).type;
    return t === RTN.LOCAL || t === RTN.BROADCAST ? t : RTN.UNICAST;
  }

  /** The device holding a local address (ip_dev_find). */
  holderOf(addr: Ipv4): Iface | undefined {
    return this.locals.get(addr)?.[0]?.iface;
  }

  /** fib_lookup: local table first, then main; cached. */
  lookup(dst: Ipv4): FibResult {
    const hit = this.cache.get(dst);
    if (hit !== undefined) return hit;
    const result = this.lookupUncached(dst);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(dst, result);
    return result;
  }

  private lookupUncached(dst: Ipv4): FibResult {
    const local = this.locals.get(dst)?.[0];
    if (local !== undefined) return new FibResult(RTN.LOCAL, local.iface, null, dst, dst, true);
    for (const p of this.localPrefixes) {
      if (((dst & p.mask) >>> 0) === p.net) return new FibResult(RTN.LOCAL, p.iface, null, dst, dst, true);
    }
    const brd = this.broadcasts.get(dst)?.[0];
    if (brd !== undefined) return new FibResult(RTN.BROADCAST, brd.iface, null, dst, brd.src, true);
    return this.fromRoute(this.main.lookup(dst), dst);
  }

  private fromRoute(route: Route | undefined, dst: Ipv4): FibResult {
    if (route === undefined) return NO_RESULT;
    const iface = this.host.ifaceByName(route.dev);
    if (iface === undefined) return NO_RESULT;
    const gw = route.gateway ?? 0;
    const src = route.src ?? this.selectAddr(iface, gw, SCOPE[route.scope]);
    return new FibResult(RTN.UNICAST, iface, route, gw !== 0 ? gw : dst, src, gw === 0);
  }

  /**
   * An accepted ICMP redirect: `dst` now goes via `gateway` (ip_rt_redirect). Like the route-cache
   * entry it models, it lasts until the next cache flush (any address, route or device change).
   */
  redirect(dst: Ipv4, gateway: Ipv4, current: FibResult): void {
    this.cache.set(dst, new FibResult(RTN.UNICAST, current.iface, current.route, gateway, current.prefSrc, false));
  }

  /** The longest-prefix main-table route to `dst` through `iface` only (a lookup with oif set). */
  lookupVia(dst: Ipv4, iface: Iface): FibResult {
    let best: Route | undefined;
    for (const r of this.main.list()) {
      if (r.dev !== iface.name || ((dst ^ r.dst) & (r.prefix === 0 ? 0 : (0xffff_ffff << (32 - r.prefix)) >>> 0)) !== 0) continue;
      if (best === undefined || r.prefix > best.prefix || (r.prefix === best.prefix && r.metric < best.metric)) best = r;
    }
    return this.fromRoute(best, dst);
  }

  /** inet_select_addr: the device's own choice, else the first global primary address of any device. */
  selectAddr(iface: Iface | null, dst: Ipv4, scope: number): Ipv4 {
    const own = iface === null ? 0 : selectAddress(iface.addrs, dst, scope);
    if (own !== 0) return own;
    for (const other of this.host.ifaces()) {
      for (const ifa of other.addrs) {
        if (!ifa.secondary && ifa.scope !== "link" && SCOPE[ifa.scope] <= scope) return ifa.address;
      }
    }
    return 0;
  }

  /**
   * fib_validate_source: −1 for a martian source (our own address, a broadcast, or no route back
   * under rp_filter), 1 when the way back is a direct route out of the same device, else 0.
   */
  validateSource(src: Ipv4, inIface: Iface): number {
    const rpf = Math.max(this.host.allConf.rpFilter, inIface.conf.rpFilter);
    const back = this.lookup(src);
    if (back.type === RTN.NONE) return rpf !== 0 ? -1 : 0;
    if (back.type !== RTN.UNICAST && !(back.type === RTN.LOCAL && (inIface.conf.acceptLocal || this.host.allConf.acceptLocal))) return -1;
    if (back.iface === inIface) return back.direct ? 1 : 0;
    if (inIface.addrs.length === 0) return rpf !== 0 ? -1 : 0;
    if (rpf === 1) return -1;
    const via = this.lookupVia(src, inIface);
    return via.type === RTN.UNICAST && via.direct ? 1 : 0;
  }

  /**
   * ip_route_input_slow for a packet (or, with `isIp` false, an ARP request) from `src` to `dst` on
   * `inIface`, check for check in the kernel's order (which check wins decides the drop reason).
   */
  routeInput(dst: Ipv4, src: Ipv4, inIface: Iface, isIp: boolean): number {
    this.rRedirect = false;
    if (isMulticast(dst)) return dst === ALL_HOSTS && !isMulticast(src) ? IN.MULTICAST : IN.NOT_MEMBER;
    if (isMulticast(src) || src === LIMITED_BROADCAST || isLoopback(src)) return IN.MARTIAN_SOURCE;
    if (dst === LIMITED_BROADCAST || (src === 0 && dst === 0)) return this.broadcastInput(src, inIface, isIp);
    if (isZeronet(src)) return IN.MARTIAN_SOURCE;
    if (isZeronet(dst) || isLoopback(dst)) return IN.MARTIAN_DESTINATION;
    const res = this.lookup(dst);
    const forwarding = inIface.conf.forwarding;
    if (res.type === RTN.NONE) return forwarding ? IN.NO_ROUTE : IN.NOT_FORWARDING;
    if (res.type === RTN.BROADCAST) return this.broadcastInput(src, inIface, isIp);
    if (res.type === RTN.LOCAL) {
      if (this.validateSource(src, inIface) < 0) return IN.MARTIAN_SOURCE;
      this.rType = RTN.LOCAL;
      this.rIface = res.iface;
      return IN.LOCAL;
    }
    if (!forwarding) return IN.NOT_FORWARDING;
    const out = res.iface!;
    const direct = this.validateSource(src, inIface);
    if (direct < 0) return IN.MARTIAN_SOURCE;
    if (!isIp && out === inIface) return IN.INVALID;
    this.rType = RTN.UNICAST;
    this.rIface = out;
    this.rNextHop = res.nextHop;
    this.rRoute = res.route;
    this.rRedirect = out === inIface && direct > 0 && (out.conf.sharedMedia || onLink(out.addrs, src, res.nextHop));
    return IN.FORWARD;
  }

  private broadcastInput(src: Ipv4, inIface: Iface, isIp: boolean): number {
    if (!isIp) return IN.INVALID;
    if (!isZeronet(src) && this.validateSource(src, inIface) < 0) return IN.MARTIAN_SOURCE;
    this.rType = RTN.BROADCAST;
    this.rIface = inIface;
    return IN.BROADCAST;
  }

  /**
   * ip_route_output_slow: on success (undefined) `rType`, `rIface`, `rNextHop` and `rSrc` describe
   * the route; `src` 0 means "choose", `oif` is SO_BINDTODEVICE / IP_PKTINFO.
   */
  routeOutput(dst: Ipv4, src: Ipv4, oif: Iface | null): Errno | undefined {
    this.rRoute = null;
    if (src !== 0) {
      if (isMulticast(src) || src === LIMITED_BROADCAST || isZeronet(src)) return "EINVAL";
      if (oif === null && (isMulticast(dst) || dst === LIMITED_BROADCAST)) {
        const holder = this.holderOf(src);
        if (holder === undefined) return "EINVAL";
        return this.made(dst === LIMITED_BROADCAST ? RTN.BROADCAST : RTN.MULTICAST, holder, dst, src);
      }
      if (!this.isLocal(src)) return "EINVAL";
    }
    if (oif !== null && ((dst & 0xffffff00) >>> 0 === 0xe0000000 || dst === LIMITED_BROADCAST)) {
      const from = src !== 0 ? src : this.selectAddr(oif, 0, SCOPE.link);
      return this.made(dst === LIMITED_BROADCAST ? RTN.BROADCAST : RTN.MULTICAST, oif, dst, from);
    }
    if (dst === 0) {
      const to = src !== 0 ? src : INADDR_LOOPBACK;
      return this.made(RTN.LOCAL, this.host.loopbackIface, to, src !== 0 ? src : to);
    }
    const res = oif === null ? this.lookup(dst) : this.lookupWithOif(dst, oif);
    if (res.type === RTN.NONE) {
      if (oif === null) return "ENETUNREACH";
      return this.made(RTN.UNICAST, oif, dst, src !== 0 ? src : this.selectAddr(oif, 0, SCOPE.link));
    }
    if (res.type === RTN.LOCAL) return this.made(RTN.LOCAL, this.host.loopbackIface, dst, src !== 0 ? src : dst);
    const from = src !== 0 ? src : res.prefSrc;
    if (dst === LIMITED_BROADCAST || res.type === RTN.BROADCAST) return this.made(RTN.BROADCAST, res.iface!, dst, from);
    if (isMulticast(dst)) return this.made(RTN.MULTICAST, res.iface!, dst, from);
    if (isZeronet(dst)) return "EINVAL";
    this.rRoute = res.route;
    return this.made(RTN.UNICAST, res.iface!, res.nextHop, from);
  }

  private lookupWithOif(dst: Ipv4, oif: Iface): FibResult {
    const res = this.lookup(dst);
    if (res.type === RTN.LOCAL || res.iface === oif) return res;
    return this.lookupVia(dst, oif);
  }

  private made(type: number, iface: Iface, nextHop: Ipv4, src: Ipv4): undefined {
    this.rType = type;
    this.rIface = iface;
    this.rNextHop = nextHop;
    this.rSrc = src;
    return undefined;
  }
}
