// `ip route list|show|flush` of iproute 20100519 (ip/iproute.c iproute_list_or_flush, print_route)
// over the simulated main table, the local table rebuilt in ip-route-local.ts, and the IPv6
// link-local routes (see ip-print.ts). print_route of that era writes two blanks before `proto`,
// `scope`, `src` and `metric` and leaves one at the end of each line. A field the selector pins
// (`dev X`, `proto P`, `scope S`, a full `via` or `src`) is not repeated on each line. Quirk kept:
// `ip route show default` (no -4) lists every route, since `default` carries no address family
// and the filter code skips a family-less prefix.
import type { Route } from "../../netsim/l3/index.ts";
import { formatDestination } from "../../netsim/l3/index.ts";
import { ipv4ToString } from "../../netsim/wire/address.ts";
import { Args, getPrefix, inPrefix, invarg, matches, type InetPrefix, type IpEnv } from "./ip-args.ts";
import { scopeNumber } from "./ip-addr.ts";
import { inet6Addresses } from "./ip-print.ts";
import { localTable, type TypedRoute } from "./ip-route-local.ts";
import { PROTOS, ROUTE_USAGE, SCOPE_NUM, TABLES, TYPES } from "./ip-route-names.ts";

/** The selector of iproute_list_or_flush. */
interface RouteFilter {
  table: number | "all" | "cache";
  proto?: number;
  scope?: number;
  type?: string;
  oif?: string;
  iif?: string;
  via?: InetPrefix;
  src?: InetPrefix;
  /** `root`: routes inside this prefix. */
  root?: InetPrefix;
  /** `match`: routes containing this prefix. */
  match?: InetPrefix;
}

function parseFilter(env: IpEnv, argv: readonly string[]): RouteFilter {
  const io = env.io;
  const a = new Args(io, argv);
  const f: RouteFilter = { table: 254 };
  for (; a.left > 0; a.shift()) {
    const w = a.cur;
    if (matches(w, "table")) {
      const v = a.next();
      const t = TABLES[v] ?? (/^\d+$/.test(v) ? Number(v) : undefined);
      if (t !== undefined) f.table = t;
      else if (v === "all" || v === "cache") f.table = v;
      else if (v === "help") io.fail(ROUTE_USAGE);
      else invarg(io, "table id value is invalid\n", v);
    } else if (matches(w, "cached") || matches(w, "cloned")) f.table = "cache";
    else if (w === "tos" || matches(w, "dsfield")) a.next();
    else if (matches(w, "protocol")) {
      const v = a.next();
      f.proto = PROTOS[v] ?? (/^\d+$/.test(v) ? Number(v) : v === "all" ? undefined : invarg(io, `invalid "protocol"\n`, v));
    } else if (matches(w, "scope")) {
      const v = a.next();
      f.scope = scopeNumber(v) ?? (v === "all" ? undefined : invarg(io, `invalid "scope"\n`, v));
    } else if (matches(w, "type")) {
      const v = a.next();
      f.type = TYPES.includes(v) ? v : invarg(io, "node type value is invalid\n", v);
    } else if (w === "dev" || w === "oif") f.oif = a.next();
    else if (w === "iif") f.iif = a.next();
    else if (w === "via") f.via = getPrefix(io, a.next());
    else if (w === "src") f.src = getPrefix(io, a.next());
    else if (matches(w, "realms") || matches(w, "from")) a.next();
    else {
      const kw = matches(w, "to") ? a.next() : w;
      if (matches(kw, "root")) f.root = getPrefix(io, a.next());
      else if (matches(kw, "match")) f.match = getPrefix(io, a.next());
      else {
        const p = getPrefix(io, matches(kw, "exact") ? a.next() : kw);
        f.root = p;
        f.match = p;
      }
    }
  }
  return f;
}

/** True when a prefix filter applies (one without an address family is skipped, see the header). */
function active(p: InetPrefix | undefined): p is InetPrefix {
  return p !== undefined && p.family === "inet";
}

function selected(r: TypedRoute, f: RouteFilter): boolean {
  if (f.proto !== undefined && PROTOS[r.proto] !== f.proto) return false;
  if (f.scope !== undefined && SCOPE_NUM[r.scope] !== f.scope) return false;
  if (f.type !== undefined && r.type !== f.type) return false;
  if (f.oif !== undefined && r.dev !== f.oif) return false;
  if (f.iif !== undefined) return false;
  if (active(f.root) && (f.root.bitlen > r.prefix || !inPrefix(r.dst, f.root))) return false;
  if (active(f.match) && (f.match.bitlen < r.prefix || !inPrefix(f.match.addr, { ...f.match, addr: r.dst, bitlen: r.prefix }))) return false;
  if (active(f.via) && !inPrefix(r.gateway ?? 0, f.via)) return false;
  return !active(f.src) || inPrefix(r.src ?? 0, f.src);
}

/** print_route for a table entry. */
export function formatRoute(r: TypedRoute, f: Partial<RouteFilter> = {}): string {
  let s = r.type !== "unicast" && f.type === undefined ? `${r.type} ` : "";
  s += `${formatDestination(r)} `;
  if (r.gateway !== undefined && !(active(f.via) && f.via.bitlen === 32)) s += `via ${ipv4ToString(r.gateway)} `;
  if (f.oif === undefined) s += `dev ${r.dev} `;
  if (r.table !== 254 && f.table === "all") s += ` table ${r.table === 255 ? "local" : r.table} `;
  if (r.proto !== "boot" && f.proto === undefined) s += ` proto ${r.proto} `;
  if (r.scope !== "global" && f.scope === undefined) s += ` scope ${r.scope} `;
  if (r.src !== undefined && !(active(f.src) && f.src.bitlen === 32)) s += ` src ${ipv4ToString(r.src)} `;
  if (r.metric !== 0) s += ` metric ${r.metric} `;
  return `${s}\n`;
}

/** iproute_list_or_flush: `ip route [list|show|flush] SELECTOR`. */
export function listOrFlush(env: IpEnv, argv: readonly string[], flush: boolean): number {
  const { host, io } = env;
  if (flush && argv.length === 0) return io.fail(`"ip route flush" requires arguments.\n`);
  const f = parseFilter(env, argv);
  for (const d of [f.iif, f.oif]) if (d !== undefined && host.device(d) === undefined) return io.fail(`Cannot find device "${d}"\n`);
  if (env.family === "inet6") return flush ? 0 : listInet6(env, f);
  if (f.table === "cache") {
    if (flush) host.stack.fib.flush();
    if (flush && env.stats > 0) io.out("*** IPv4 routing cache is flushed.\n");
    return 0;
  }
  const main: TypedRoute[] = host.stack.routes().map((r) => ({ ...r, type: "unicast", table: 254 }));
  const tables = f.table === "all" ? [...main, ...localTable(host)] : f.table === 254 ? main : f.table === 255 ? localTable(host) : [];
  const routes = tables.filter((r) => selected(r, f));
  if (!flush) {
    for (const r of routes) io.out(formatRoute(r, f));
    return 0;
  }
  const mainRoutes = routes.filter((r) => r.table === 254);
  if (mainRoutes.length === 0) {
    if (env.stats > 0) io.out("Nothing to flush.\n");
    return 0;
  }
  for (const r of mainRoutes) deleteExact(env, r);
  if (env.stats > 0) io.out(`\n*** Round 1, deleting ${mainRoutes.length} entries ***\n*** Flush is complete after 1 round ***\n`);
  return 0;
}

/** Deletes exactly `r` (every field given, so no other route matches). */
export function deleteExact(env: IpEnv, r: Route): void {
  env.host.stack.deleteRoute({ dst: r.dst, prefix: r.prefix, dev: r.dev, gateway: r.gateway, metric: r.metric, src: r.src });
}

/** `ip -6 route`: the link-local prefix of each device addrconf configured (see ip-print.ts). */
function listInet6(env: IpEnv, f: RouteFilter): number {
  if (f.table !== 254 && f.table !== "all") return 0;
  for (const d of env.host.devices()) {
    const ll = inet6Addresses(env.host, d).filter((a) => a.scope === "link");
    if (ll.length === 0 || (f.oif !== undefined && d.name !== f.oif)) continue;
    const dev = f.oif === undefined ? `dev ${d.name} ` : "";
    const advmss = Math.max(d.mtu - 60, 256);
    env.io.out(`fe80::/64 ${dev} proto kernel  metric 256  mtu ${d.mtu} advmss ${advmss} hoplimit 4294967295\n`);
  }
  return 0;
}

