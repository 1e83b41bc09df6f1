// An IPv4 routing table with Linux's main-table semantics (ip-route(8)): a route is a prefix, an
// output device, an optional gateway, a metric, a scope and an origin (`proto`). Lookup is longest
// prefix first, then lowest metric, then the route added first — what fib_lookup picks for a
// destination. Connected routes (`proto kernel scope link`) are added by the stack when an address
// is added and removed with it.
//
// The lookup runs on plain numbers: one Map per prefix length, probed from /32 down to /0. That is
// at most 33 hash probes, with no allocation, on the forwarding hot path.
import { ipv4ToString, prefixToMask, type Ipv4 } from "../wire/address.ts";

/** Where a route came from, as `ip route` prints it after `proto`. */
export type RouteProto = "kernel" | "boot" | "static" | "dhcp";
/** `scope link` routes reach the destination directly; `global` ones may go through a gateway. */
export type RouteScope = "link" | "global" | "host";

/** One route; plain data. */
export interface Route {
  readonly dst: Ipv4;
  readonly prefix: number;
  readonly dev: string;
  readonly gateway?: Ipv4;
  readonly metric: number;
  readonly scope: RouteScope;
  readonly proto: RouteProto;
  /** Preferred source address (`src`). */
  readonly src?: Ipv4;
}

/** Why a route could not be added, in the words `ip route add` uses (RTNETLINK answers: …). */
export type RouteError = "File exists" | "No such process" | "Invalid argument";

/** Builds a route with Linux's defaults filled in (metric 0, scope by presence of a gateway). */
export function route(fields: Partial<Route> & Pick<Route, "dst" | "prefix" | "dev">): Route {
  const mask = prefixToMask(fields.prefix);
  return {
    metric: 0,
    scope: fields.gateway === undefined ? "link" : "global",
    proto: "boot",
    ...fields,
    dst: (fields.dst & mask) >>> 0,
  };
}

/** The routing table of one IPv4 stack. */
export class RouteTable {
  /** byPrefix[p] maps a network number to its routes, best (lowest metric, oldest) first. */
  private readonly byPrefix: Map<number, Route[]>[] = Array.from({ length: 33 }, () => new Map());
  private order: Route[] = [];

  /** Adds a route; refuses an exact duplicate (same prefix, metric and device) as the kernel does. */
  add(r: Route): RouteError | undefined {
    if (r.prefix < 0 || r.prefix > 32 || !Number.isInteger(r.prefix)) return "Invalid argument";
    const bucket = this.byPrefix[r.prefix]!;
    const list = bucket.get(r.dst) ?? [];
    if (list.some((x) => x.metric === r.metric && x.dev === r.dev && x.gateway === r.gateway)) return "File exists";
    const at = list.findIndex((x) => x.metric > r.metric);
    if (at < 0) list.push(r);
    else list.splice(at, 0, r);
    bucket.set(r.dst, list);
    this.order = [...this.order, r];
    return undefined;
  }

  /** Removes the routes matching every given field; "No such process" when none matched. */
  delete(match: Partial<Route> & Pick<Route, "dst" | "prefix">): RouteError | undefined {
    const removed = this.order.filter((r) => matches(r, match));
    if (removed.length === 0) return "No such process";
    for (const r of removed) this.remove(r);
    return undefined;
  }

  /** Removes every route through `dev` (the kernel does this when a device goes down). */
  flushDev(dev: string): void {
    for (const r of this.order.filter((x) => x.dev === dev)) this.remove(r);
  }

  /** The route for `dst`: longest prefix, then lowest metric. */
  lookup(dst: Ipv4): Route | undefined {
    for (let p = 32; p >= 0; p--) {
      const bucket = this.byPrefix[p]!;
      if (bucket.size === 0) continue;
      const list = bucket.get((dst & prefixToMask(p)) >>> 0);
      if (list !== undefined) return list[0];
    }
    return undefined;
  }

  /** All routes, in the order `ip route show` lists them on 2.6.32 (longest prefix first, then insertion). */
  list(): readonly Route[] {
    return [...this.order].sort(showOrder); // a stable sort keeps insertion order within a zone
  }

  private remove(r: Route): void {
    const bucket = this.byPrefix[r.prefix]!;
    const list = (bucket.get(r.dst) ?? []).filter((x) => x !== r);
    if (list.length === 0) bucket.delete(r.dst);
    else bucket.set(r.dst, list);
    this.order = this.order.filter((x) => x !== r);
  }
}

function matches(r: Route, m: Partial<Route>): boolean {
  return (Object.keys(m) as (keyof Route)[]).every((k) => m[k] === undefined || r[k] === m[k]);
}

/**
 * The order `ip route show` prints on a 2.6.32 kernel, whose main table is fib_hash: one zone per
 * prefix length, walked from /32 down to /0 (so `default` comes last), routes within a zone in the
 * order they were added. (A modern fib_trie kernel prints `default` first.)
 */
function showOrder(a: Route, b: Route): number {
  return b.prefix - a.prefix;
}

/** `192.0.2.0/24`, or the bare address for a /32 and `default` for /0 — as `ip route` writes a destination. */
export function formatDestination(r: Pick<Route, "dst" | "prefix">): string {
  if (r.prefix === 0) return "default";
  return r.prefix === 32 ? ipv4ToString(r.dst) : `${ipv4ToString(r.dst)}/${r.prefix}`;
}
