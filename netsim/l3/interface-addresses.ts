// The IPv4 addresses of one interface, kept as Linux 2.6.32 keeps them (net/ipv4/devinet.c):
// an ordered list where an address whose subnet (same mask) already has a primary becomes that
// primary's *secondary* and goes to the end; a new primary goes after the last primary of equal or
// wider scope. Deleting a primary deletes its secondaries too, unless promote_secondaries is set,
// in which case the first secondary takes its place. `ip addr` prints the list in this order.
// `selectAddress` is inet_select_addr: the source address an interface offers for a destination.
import { prefixToMask, type Ipv4 } from "../wire/address.ts";

/** An address's scope, as `ip addr` prints it. */
export type AddrScope = "global" | "site" | "link" | "host";

/** rt_scope_t values: smaller is wider. */
export const SCOPE = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const;

/** One address on an interface (struct in_ifaddr); plain data. */
export interface IfAddress {
  readonly address: Ipv4;
  readonly prefix: number;
  readonly mask: Ipv4;
  /** The broadcast address given with it (`brd`), or 0 for none. */
  readonly broadcast: Ipv4;
  /** `eth0`, or an alias label such as `eth0:1`. */
  readonly label: string;
  readonly scope: AddrScope;
  readonly secondary: boolean;
}

/** What `ip addr add` is told. */
export interface AddressSpec {
  readonly address: Ipv4;
  readonly prefix: number;
  /** `brd X`; `"auto"` for `brd +` (all host bits set); left out: none, as `ip addr add` without brd. */
  readonly broadcast?: Ipv4 | "auto";
  readonly label?: string;
  /** Default: host for 127/8 (as iproute2 and devinet do), global otherwise. */
  readonly scope?: AddrScope;
}

/** True when `addr` is in the subnet of `ifa` (inet_ifa_match). */
export function ifaMatch(addr: Ipv4, ifa: IfAddress): boolean {
  return ((addr ^ ifa.address) & ifa.mask) === 0;
}

/** The subnet's network number. */
export function networkOf(ifa: IfAddress): Ipv4 {
  return (ifa.address & ifa.mask) >>> 0;
}

/** All host bits set: the subnet's broadcast address. */
export function subnetBroadcast(ifa: Pick<IfAddress, "address" | "mask">): Ipv4 {
  return (ifa.address | ~ifa.mask) >>> 0;
}

/** Builds the address from `ip addr add` arguments (not yet placed: `secondary` is false). */
export function makeAddress(spec: AddressSpec, devName: string): IfAddress {
  const mask = prefixToMask(spec.prefix);
  const loopback = spec.address >>> 24 === 127;
  const broadcast = spec.broadcast === "auto" ? (spec.address | ~mask) >>> 0 : (spec.broadcast ?? 0);
  return {
    address: spec.address,
    prefix: spec.prefix,
    mask,
    broadcast,
    label: spec.label ?? devName,
    scope: spec.scope ?? (loopback ? "host" : "global"),
    secondary: false,
  };
}

/** Why an address cannot be added: the same one exists, or a same-subnet one of another scope. */
export type InsertError = "EEXIST" | "EINVAL";

/** __inet_insert_ifa: the new list, or why the address is refused. */
export function insertAddress(list: readonly IfAddress[], ifa: IfAddress): { list: IfAddress[]; placed: IfAddress } | InsertError {
  let lastPrimary = 0;
  let secondary = false;
  for (let i = 0; i < list.length; i++) {
    const other = list[i]!;
    if (!other.secondary && SCOPE[ifa.scope] <= SCOPE[other.scope]) lastPrimary = i + 1;
    if (other.mask === ifa.mask && ifaMatch(other.address, ifa)) {
      if (other.address === ifa.address) return "EEXIST";
      if (other.scope !== ifa.scope) return "EINVAL";
      secondary = true;
    }
  }
  const placed = { ...ifa, secondary };
  const at = secondary ? list.length : lastPrimary;
  return { list: [...list.slice(0, at), placed, ...list.slice(at)], placed };
}

/** What deleting an address did: the addresses gone (it first, then its secondaries) and any promoted one. */
export interface RemoveResult {
  readonly list: IfAddress[];
  readonly removed: IfAddress[];
  readonly promoted?: IfAddress;
}

/** __inet_del_ifa for the address at `index`. */
export function removeAddressAt(list: readonly IfAddress[], index: number, promote: boolean): RemoveResult {
  const gone = list[index];
  if (gone === undefined) throw new Error(`removeAddressAt: no address at ${index}`);
  const rest = list.filter((_, i) => i !== index);
  if (gone.secondary) return { list: rest, removed: [gone] };
  const sameSubnet = (a: IfAddress): boolean => a.secondary && a.mask === gone.mask && ifaMatch(a.address, gone);
  if (!promote) return { list: rest.filter((a) => !sameSubnet(a)), removed: [gone, ...rest.filter(sameSubnet)] };
  const first = rest.find(sameSubnet);
  if (first === undefined) return { list: rest, removed: [gone] };
  const promoted = { ...first, secondary: false };
  const withoutIt = rest.filter((a) => a !== first);
  const primaries = withoutIt.filter((a) => !a.secondary).length;
  return { list: [...withoutIt.slice(0, primaries), promoted, ...withoutIt.slice(primaries)], removed: [gone], promoted };
}

/**
 * inet_select_addr's walk over one interface: the first primary address of scope ≤ `scope` in the
 * same subnet as `dst` (any, when dst is 0), else the first primary of scope ≤ `scope`; 0 if none.
 */
export function selectAddress(list: readonly IfAddress[], dst: Ipv4, scope: number): Ipv4 {
  let fallback = 0;
  for (let i = 0; i < list.length; i++) {
    const ifa = list[i]!;
    if (ifa.secondary || SCOPE[ifa.scope] > scope) continue;
    if (dst === 0 || ifaMatch(dst, ifa)) return ifa.address;
    if (fallback === 0) fallback = ifa.address;
  }
  return fallback;
}

/** inet_addr_onlink: some primary subnet of the interface holds `a` and (unless 0) `b`. */
export function onLink(list: readonly IfAddress[], a: Ipv4, b: Ipv4): boolean {
  return list.some((ifa) => !ifa.secondary && ifaMatch(a, ifa) && (b === 0 || ifaMatch(b, ifa)));
}

/** The primary address whose subnet `ifa` belongs to (inet_ifa_byprefix), for a secondary. */
export function primaryOf(list: readonly IfAddress[], ifa: IfAddress): IfAddress | undefined {
  if (!ifa.secondary) return ifa;
  return list.find((p) => !p.secondary && p.mask === ifa.mask && ifaMatch(p.address, ifa));
}

/** Relabels the addresses of a renamed device: `eth0` → `peth0`, `eth0:1` → `peth0:1`. */
export function relabel(list: readonly IfAddress[], from: string, to: string): IfAddress[] {
  return list.map((a) => {
    if (a.label === from) return { ...a, label: to };
    if (a.label.startsWith(`${from}:`)) return { ...a, label: to + a.label.slice(from.length) };
    return a;
  });
}
