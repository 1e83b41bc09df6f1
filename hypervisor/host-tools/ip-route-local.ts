// The `local` routing table of a 2.6.32 kernel, as `ip route show table local|all` lists it: the
// entries fib_add_ifaddr (net/ipv4/fib_frontend.c) adds for each address — `local A` always, and
// while the device is up the explicit broadcast, the network and subnet broadcasts (prefixes up to
// /30), and on lo the whole prefix as `local 127.0.0.0/8` — in fib_hash's dump order: zones from
// the longest prefix down, then hash buckets (fn_hash, 16 buckets until a zone holds more than 32
// keys, then 256), newest key first within a bucket, aliases of one key in the order added.
// The simulated stack keeps these entries privately, so they are rebuilt here from its addresses in
// the order a boot adds them (devices by ifindex, addresses in list order); a host whose addresses
// came and went in another order may list keys of one bucket in another order than the kernel.
import type { Route } from "../../netsim/l3/index.ts";
import { prefixToMask } from "../../netsim/wire/address.ts";
import type { HostNode } from "./host.ts";

/** A route with its type and table, as print_route sees it. */
export type TypedRoute = Route & { readonly type: "unicast" | "local" | "broadcast"; readonly table: number };

const LOCAL_TABLE = 255;

/** The local table entries of every address, in the order fib_add_ifaddr adds them. */
function entries(host: HostNode): TypedRoute[] {
  const out: TypedRoute[] = [];
  const add = (type: "local" | "broadcast", dst: number, prefix: number, dev: string, src: number) => {
    if (out.some((e) => e.type === type && e.dst === dst && e.prefix === prefix && e.dev === dev)) return;
    out.push({ type, table: LOCAL_TABLE, dst, prefix, dev, src, metric: 0, proto: "kernel", scope: type === "local" ? "host" : "link" });
  };
  for (const d of host.devices()) {
    const addrs = host.stack.addresses(d.name);
    for (const a of addrs) {
      const prim = a.secondary ? (addrs.find((p) => !p.secondary && p.mask === a.mask && ((p.address ^ a.address) & a.mask) === 0)?.address ?? a.address) : a.address;
      add("local", a.address, 32, d.name, prim);
      if (!d.isUp) continue;
      if (a.broadcast !== 0 && a.broadcast !== 0xffff_ffff) add("broadcast", a.broadcast, 32, d.name, prim);
      const net = (a.address & a.mask) >>> 0;
      if (net >>> 24 === 0 || a.secondary || (net === a.address && a.prefix === 32)) continue;
      if (d.kind === "loopback") add("local", net, a.prefix, d.name, prim);
      if (a.prefix < 31) {
        add("broadcast", net, 32, d.name, prim);
        add("broadcast", (a.address | ~a.mask) >>> 0, 32, d.name, prim);
      }
    }
  }
  return out;
}

/** fn_hash: the bucket of a key in a zone of `order` bits with `divisor` buckets. */
function bucketOf(key: number, order: number, divisor: number): number {
  let h = order === 0 ? 0 : key >>> (32 - order);
  h ^= h >>> 20;
  h ^= h >>> 10;
  h ^= h >>> 5;
  return (h & (divisor - 1)) >>> 0;
}

/** The local table in fn_hash_dump order (see the file header). */
export function localTable(host: HostNode): TypedRoute[] {
  const all = entries(host);
  const prefixes = [...new Set(all.map((e) => e.prefix))].sort((a, b) => b - a);
  return prefixes.flatMap((prefix) => {
    const zone = all.filter((e) => e.prefix === prefix);
    const keys = [...new Set(zone.map((e) => (e.dst & prefixToMask(prefix)) >>> 0))];
    const divisor = keys.length > 32 ? 256 : 16;
    const order = keys.map((key, created) => ({ key, created, bucket: bucketOf(key, prefix, divisor) }));
    order.sort((a, b) => a.bucket - b.bucket || b.created - a.created);
    return order.flatMap((k) => zone.filter((e) => e.dst === k.key));
  });
}
