// `ip route` of iproute 20100519 (ip/iproute.c: do_iproute, iproute_modify) over the simulated
// main table; listing and flushing are in ip-route-list.ts, `get` in ip-route-get.ts. The kernel
// side is 2.6.32's fib_hash: the next hop is checked first (fib_create_info), then `add`
// (NLM_F_EXCL) refuses any route with the same prefix, TOS and metric, whatever its device or
// gateway; `replace` swaps a route in place; `del` removes the first match only; a prefix with host
// bits set is EINVAL. The simulated table holds unicast routes of the main table only: other route
// types, tables, multipath, route metrics (mtu, advmss…), realms and source routes (`from`) are
// refused with EOPNOTSUPP rather than silently ignored.
import type { Route, RouteScope, RouteSpec } from "../../netsim/l3/index.ts";
import { prefixToMask } from "../../netsim/wire/address.ts";
import { Args, getPrefix, invarg, matches, type InetPrefix, type IpEnv } from "./ip-args.ts";
import { scopeNumber } from "./ip-addr.ts";
import { ipRouteGet } from "./ip-route-get.ts";
import { deleteExact, listOrFlush } from "./ip-route-list.ts";
import { PROTO_OF, PROTOS, ROUTE_USAGE, SCOPE_NUM, TABLES, TYPES } from "./ip-route-names.ts";
import { rtnetlinkError } from "./io.ts";

/** do_iproute. */
export function ipRoute(env: IpEnv, argv: readonly string[]): number {
  const io = env.io;
  const [cmd = "", ...rest] = argv;
  if (argv.length === 0) return listOrFlush(env, [], false);
  if (matches(cmd, "add")) return modify(env, rest, "add");
  if (matches(cmd, "change") || cmd === "chg") return modify(env, rest, "change");
  if (matches(cmd, "replace")) return modify(env, rest, "replace");
  if (matches(cmd, "prepend")) return modify(env, rest, "append");
  if (matches(cmd, "append")) return modify(env, rest, "append");
  if (matches(cmd, "test")) return modify(env, rest, "test");
  if (matches(cmd, "delete")) return modify(env, rest, "delete");
  if (matches(cmd, "list") || matches(cmd, "show") || matches(cmd, "lst")) return listOrFlush(env, rest, false);
  if (matches(cmd, "get")) return ipRouteGet(env, rest, ROUTE_USAGE);
  if (matches(cmd, "flush")) return listOrFlush(env, rest, true);
  if (matches(cmd, "help")) return io.fail(ROUTE_USAGE);
  return io.fail(`Command "${cmd}" is unknown, try "ip route help".\n`);
}

/** What iproute_modify collected. */
interface RouteRequest {
  dst?: InetPrefix;
  dev?: string;
  via?: InetPrefix;
  src?: InetPrefix;
  metric?: number;
  scope?: number;
  /** RTPROT_*; undefined when not given (boot for a new route, any for `del`). */
  proto?: number;
  unsupported: boolean;
}

function parseRequest(env: IpEnv, argv: readonly string[]): RouteRequest {
  const io = env.io;
  const a = new Args(io, argv);
  const r: RouteRequest = { unsupported: false };
  for (; a.left > 0; a.shift()) {
    const w = a.cur;
    if (w === "src") r.src = getPrefix(io, a.next());
    else if (w === "via") r.via = getPrefix(io, a.next());
    else if (w === "from" || matches(w, "realms")) (a.next(), (r.unsupported = true));
    else if (w === "tos" || matches(w, "dsfield")) a.next();
    else if (matches(w, "metric") || matches(w, "priority") || matches(w, "preference")) {
      const v = a.next();
      r.metric = /^\d+$/.test(v) && Number(v) <= 0xffff_ffff ? Number(v) : invarg(io, `"metric" value is invalid\n`, v);
    } else if (w === "scope") {
      const v = a.next();
      r.scope = scopeNumber(v) ?? invarg(io, `invalid "scope" value\n`, v);
    } else if (["mtu", "hoplimit", "advmss", "rtt", "rto_min"].includes(w) || ["reordering", "window", "cwnd", "initcwnd", "initrwnd", "rttvar", "ssthresh"].some((k) => matches(w, k))) {
      if (a.next() === "lock") a.next();
      r.unsupported = true;
    } else if (w === "onlink" || matches(w, "equalize") || w === "eql" || w === "nexthop") {
      r.unsupported = true;
      if (w === "nexthop") break;
    } else if (matches(w, "protocol")) {
      const v = a.next();
      r.proto = PROTOS[v] ?? (/^\d+$/.test(v) ? Number(v) : invarg(io, `"protocol" value is invalid\n`, v));
    } else if (matches(w, "table")) {
      const v = a.next();
      const t = TABLES[v] ?? (/^\d+$/.test(v) ? Number(v) : invarg(io, `"table" value is invalid\n`, v));
      if (t !== 254) r.unsupported = true;
    } else if (w === "dev" || w === "oif") r.dev = a.next();
    else {
      let v = w === "to" ? a.next() : w;
      if (!/^[0-9]/.test(v) && TYPES.includes(v)) {
        if (v !== "unicast") r.unsupported = true;
        v = a.next();
      }
      if (matches(v, "help")) io.fail(ROUTE_USAGE);
      if (r.dst !== undefined) io.fail(`Error: either "to" is duplicate, or "${v}" is a garbage.\n`);
      r.dst = getPrefix(io, v);
    }
  }
  return r;
}

/** iproute_modify, with fib_hash's answers (see the header). */
function modify(env: IpEnv, argv: readonly string[], cmd: "add" | "change" | "replace" | "append" | "test" | "delete"): number {
  const { host, io } = env;
  const r = parseRequest(env, argv);
  if (r.dev !== undefined && host.device(r.dev) === undefined) return io.fail(`Cannot find device "${r.dev}"\n`);
  if (r.dst?.family === "inet6" || r.via?.family === "inet6") return rtnetlinkError(io, "EAFNOSUPPORT");
  if (r.unsupported) return rtnetlinkError(io, "EOPNOTSUPP");
  const dst = r.dst?.addr ?? 0;
  const prefix = r.dst?.bitlen ?? 0;
  if (((dst & ~prefixToMask(prefix)) >>> 0) !== 0) return rtnetlinkError(io, "EINVAL");
  const stack = host.stack;
  const metric = r.metric ?? 0;
  const same = stack.routes().filter((x) => x.dst === dst && x.prefix === prefix && x.metric === metric);
  if (cmd === "delete") return deleteRoute(env, r, dst, prefix);
  const proto = PROTO_OF[r.proto ?? 3];
  if (proto === undefined) return rtnetlinkError(io, "EOPNOTSUPP");
  const scopeNum = r.scope ?? (r.via !== undefined ? 0 : 253);
  const scope = (Object.keys(SCOPE_NUM) as RouteScope[]).find((k) => SCOPE_NUM[k] === scopeNum);
  if (scope === undefined) return rtnetlinkError(io, "EINVAL");
  const spec: RouteSpec = {
    dst, prefix, metric, scope, proto,
    ...(r.dev !== undefined ? { dev: r.dev } : {}),
    ...(r.via !== undefined ? { gateway: r.via.addr } : {}),
    ...(r.src !== undefined ? { src: r.src.addr } : {}),
  };
  // fib_create_info checks the next hop before fn_hash_insert looks for a duplicate; the stack
  // validates only while adding, so the request is first tried under a metric no route uses.
  const probeMetric = unusedMetric(stack.routes());
  const probe = stack.addRoute({ ...spec, metric: probeMetric });
  if (probe !== undefined) return rtnetlinkError(io, probe);
  stack.deleteRoute({ dst, prefix, metric: probeMetric });
  if ((cmd === "add" || cmd === "test") && same.length > 0) return rtnetlinkError(io, "EEXIST");
  if ((cmd === "change" || cmd === "test") && same.length === 0) return rtnetlinkError(io, "ENOENT");
  if (cmd === "test") return 0;
  const replaced = cmd === "replace" || cmd === "change" ? same[0] : undefined;
  if (replaced === undefined) {
    const err = stack.addRoute(spec);
    return err === undefined ? 0 : rtnetlinkError(io, err);
  }
  // NLM_F_REPLACE swaps the alias in place: the routes of the prefix added after it keep their order.
  const node = stack.routes().filter((x) => x.dst === dst && x.prefix === prefix);
  const followers = node.slice(node.indexOf(replaced) + 1);
  for (const x of [replaced, ...followers]) deleteExact(env, x);
  const err = stack.addRoute(spec);
  for (const x of err === undefined ? followers : [replaced, ...followers]) stack.addRoute(x);
  return err === undefined ? 0 : rtnetlinkError(io, err);
}

/** A metric no route has (for the validation probe of modify). */
function unusedMetric(routes: readonly Route[]): number {
  let m = 0xffff_ffff;
  while (routes.some((r) => r.metric === m)) m--;
  return m;
}

/** fn_hash_delete: the first route of the prefix matching every field given. */
function deleteRoute(env: IpEnv, r: RouteRequest, dst: number, prefix: number): number {
  const victim = env.host.stack.routes().find(
    (x) =>
      x.dst === dst &&
      x.prefix === prefix &&
      (r.metric === undefined || x.metric === r.metric) &&
      (r.scope === undefined || SCOPE_NUM[x.scope] === r.scope) &&
      (r.proto === undefined || PROTOS[x.proto] === r.proto) &&
      (r.dev === undefined || x.dev === r.dev) &&
      (r.via === undefined || x.gateway === r.via.addr),
  );
  if (victim === undefined) return rtnetlinkError(env.io, "ESRCH");
  deleteExact(env, victim);
  return 0;
}
