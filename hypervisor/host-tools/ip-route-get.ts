// `ip route get` of iproute 20100519 (ip/iproute.c iproute_get) printing a 2.6.32 route-cache
// entry (net/ipv4/route.c rt_fill_info): the route line, then `    cache ` with the RTCF flags in
// angle brackets and the metrics rt_set_nexthop gave the entry — mtu of the output device, advmss
// = max(mtu − 40, 256) and hoplimit = ip_default_ttl (2.6.32 still stored it) — and ` iif DEV` for
// an input route:
//   8.8.8.8 via 192.168.1.1 dev xenbr0  src 192.168.1.10 
//       cache  mtu 1500 advmss 1460 hoplimit 64
//   local 192.168.1.10 dev lo  src 192.168.1.10 
//       cache <local>  mtu 16436 advmss 16396 hoplimit 64
// A local input route has no metrics (rt_set_nexthop is not called for it). `src` is RTA_PREFSRC:
// left out for an output route asked `from` its own source. RTCF_DIRECTSRC (`src-direct`) is set
// when the route back to the source is a direct route out of the input device.
import type { RouteGetResult } from "../../netsim/l3/index.ts";
import { ipv4ToString } from "../../netsim/wire/address.ts";
import { getPrefix, matches, Args, invarg, type IpEnv } from "./ip-args.ts";
import { rtnetlinkError } from "./io.ts";

/** iproute_get. */
export function ipRouteGet(env: IpEnv, argv: readonly string[], usage: string): number {
  const { host, io } = env;
  const a = new Args(io, argv);
  let dst: number | undefined;
  let from: number | undefined;
  let iif: string | undefined;
  let oif: string | undefined;
  for (; a.left > 0; a.shift()) {
    const w = a.cur;
    if (w === "tos" || matches(w, "dsfield")) {
      const v = a.next();
      if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(v)) invarg(io, "TOS value is invalid\n", v);
    } else if (matches(w, "from")) {
      const v = a.next();
      if (matches(v, "help")) io.fail(usage);
      from = getPrefix(io, v).addr;
    } else if (matches(w, "iif")) iif = a.next();
    else if (matches(w, "oif") || w === "dev") oif = a.next();
    else if (matches(w, "notify") || matches(w, "connected")) continue;
    else {
      const v = w === "to" ? a.next() : w;
      if (matches(v, "help")) io.fail(usage);
      const p = getPrefix(io, v);
      if (p.family === "inet6") return rtnetlinkError(io, "EAFNOSUPPORT");
      dst = p.bitlen === 0 ? undefined : p.addr;
    }
  }
  if (dst === undefined) return io.fail("need at least destination address\n", 1);
  for (const d of [iif, oif]) if (d !== undefined && host.device(d) === undefined) return io.fail(`Cannot find device "${d}"\n`);
  const res = host.stack.routeGet(dst, { ...(from !== undefined ? { src: from } : {}), ...(oif !== undefined ? { oif } : {}), ...(iif !== undefined ? { iif } : {}) });
  if (typeof res === "string") return rtnetlinkError(io, res);
  io.out(formatCached(env, res, from));
  return 0;
}

/** RTCF flags of the entry, in print_route's order. */
function cacheFlags(env: IpEnv, res: RouteGetResult, from: number | undefined): string[] {
  const flags: string[] = [];
  if (res.type === "local" || res.type === "broadcast") flags.push("local");
  if (res.type === "multicast") flags.push("mc");
  if (res.type === "broadcast") flags.push("brd");
  if (res.iif !== undefined && from !== undefined && directBack(env, from, res.iif)) flags.push("src-direct");
  return flags;
}

/** fib_validate_source's answer 1: the way back to `src` is a direct route out of `iif`. */
function directBack(env: IpEnv, src: number, iif: string): boolean {
  const back = env.host.stack.routeGet(src, { oif: iif });
  return typeof back !== "string" && back.dev === iif && back.gateway === undefined && back.type === "unicast";
}

function formatCached(env: IpEnv, res: RouteGetResult, from: number | undefined): string {
  const input = res.iif !== undefined;
  let s = res.type !== "unicast" ? `${res.type} ` : "";
  s += `${ipv4ToString(res.dst)} `;
  if (from !== undefined) s += `from ${ipv4ToString(from)} `;
  if (res.gateway !== undefined) s += `via ${ipv4ToString(res.gateway)} `;
  s += `dev ${res.dev} `;
  if (input || from === undefined || res.src !== from) s += ` src ${ipv4ToString(res.src)} `;
  const flags = cacheFlags(env, res, from);
  s += `\n    cache ${flags.length > 0 ? `<${flags.join(",")}> ` : ""}`;
  if (!(input && res.type !== "unicast")) {
    const mtu = env.host.device(res.dev)?.mtu ?? 1500;
    s += ` mtu ${mtu} advmss ${Math.max(mtu - 40, 256)} hoplimit ${env.host.stack.netConf.ipDefaultTtl}`;
  }
  if (input) s += ` iif ${res.iif}`;
  return `${s}\n`;
}
