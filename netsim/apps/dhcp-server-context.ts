// Which interfaces the dnsmasq-like DHCP server answers on, and which of its dhcp-ranges apply to a
// request, by the interface it came in on — dnsmasq's `interface=` lines (every interface when
// there are none) and src/dhcp.c `dhcp_packet` → `complete_context`: a range is a context of the
// arrival interface when its start and end lie in the subnet of one of that interface's addresses
// (the range's own netmask when it gives one, else the address's), and that address is then the
// server's own for the reply (server identifier, default router, the source of broadcasts). A
// request on an interface not listed, or with no range for its subnet ("no address range available
// for DHCP request via IF"), is not answered. An interface may instead be given its own ranges,
// which apply there whatever its subnet — the original one-device form, `dev` + `ranges`, is that.
import type { Ipv4Stack } from "../l3/ipv4-stack.ts";
import type { Ipv4 } from "../wire/address.ts";
import type { Range } from "./dhcp-server-alloc.ts";
import { configuredLease, type DhcpRangeConfig, type DhcpServerOptions, type ServedNet } from "./dhcp-server-config.ts";

/** Where one request is served: its arrival interface, the server's address there, the ranges that apply. */
export interface DhcpContext {
  readonly dev: string;
  readonly net: ServedNet;
  readonly ranges: readonly Range[];
}

function toRange(r: DhcpRangeConfig): Range {
  return { start: r.start, end: r.end, ...(r.netmask !== undefined ? { netmask: r.netmask } : {}), lease: configuredLease(r.leaseTime), epoch: 0 };
}

/** The served interfaces of one server, each with its own ranges or (null) those its subnet matches. */
export class ServedInterfaces {
  /** The top-level ranges; their epochs are shared by every interface they serve, as dnsmasq's contexts are. */
  private readonly shared: readonly Range[];
  /** null: every interface. */
  private readonly served: ReadonlyMap<string, readonly Range[] | null> | null;
  /** What names the server in random streams: `node/dev`, `node/dev1,dev2`, or `node` when it serves all. */
  readonly label: string;

  constructor(
    private readonly stack: Ipv4Stack,
    options: Pick<DhcpServerOptions, "dev" | "interfaces" | "ranges">,
  ) {
    if (options.dev !== undefined && options.interfaces !== undefined) throw new Error("DnsmasqServer: give `dev` or `interfaces`, not both");
    this.shared = (options.ranges ?? []).map(toRange);
    if (options.dev !== undefined) {
      this.served = new Map([[options.dev, this.shared]]);
    } else if (options.interfaces !== undefined) {
      const entries = options.interfaces.map((i) => (typeof i === "string" ? ([i, null] as const) : ([i.dev, i.ranges === undefined ? null : i.ranges.map(toRange)] as const)));
      this.served = new Map(entries);
    } else {
      this.served = null;
    }
    this.label = this.served === null ? stack.node : `${stack.node}/${[...this.served.keys()].join(",")}`;
  }

  /** The context of a request that came in on `dev`, or undefined when the server does not answer there. */
  contextOf(dev: string): DhcpContext | undefined {
    const own = this.served === null ? null : this.served.get(dev);
    if (own === undefined) return undefined;
    const ranges = own ?? this.shared.filter((r) => this.addressFor(dev, r) !== undefined);
    const net = this.net(dev, ranges[0]);
    if (net === undefined || (own === null && ranges.length === 0)) return undefined;
    return { dev, net, ranges };
  }

  /** The address of `dev` whose subnet holds the whole range, if any. */
  private addressFor(dev: string, r: Range): Ipv4 | undefined {
    const inNet = (a: { address: Ipv4; mask: Ipv4 }, ip: Ipv4): boolean => ((ip ^ a.address) & (r.netmask ?? a.mask)) === 0;
    return this.stack.addresses(dev).find((a) => inNet(a, r.start) && inNet(a, r.end))?.address;
  }

  /** complete_context: the server's address, netmask and broadcast on `dev` for the first range. */
  private net(dev: string, first: Range | undefined): ServedNet | undefined {
    const addrs = this.stack.addresses(dev);
    const a = addrs.find((x) => first !== undefined && ((x.address ^ first.start) & (first.netmask ?? x.mask)) === 0) ?? addrs[0];
    if (a === undefined) return undefined;
    const netmask = first?.netmask ?? a.mask;
    const broadcast = a.broadcast !== 0 && first?.netmask === undefined ? a.broadcast : ((a.address & netmask) | ~netmask) >>> 0;
    return { local: a.address, netmask, broadcast };
  }
}
