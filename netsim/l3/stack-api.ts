// The administrative and socket API of an IPv4 stack: what `ip link|addr|route|neigh`, sysctl,
// ifupdown, the Xen scripts and applications call. Errors come back as errno names (errno.ts has
// their text: "RTNETLINK answers: File exists", "Network is unreachable"…), as the kernel returns
// them. Listings are plain data, in the kernel's order, for `ip addr|route|neigh` to print.
//
// `addRoute` checks what fib_create_info checks: the device exists and is up; a gateway is on a
// directly connected network (via that device, if one is named); a preferred source is ours.
import type { NetDev } from "../l2/net-dev.ts";
import type { Ipv4, Mac } from "../wire/address.ts";
import type { Errno } from "./errno.ts";
import { IN, RTN } from "./fib.ts";
import type { Iface } from "./iface.ts";
import type { AddressSpec, IfAddress } from "./interface-addresses.ts";
import type { IpSendOptions, IpWriter } from "./ip-output.ts";
import type { DevConf } from "./linux-params.ts";
import { NUD, stateName, UPDATE, type NeighStateName } from "./neighbour.ts";
import { PacketSocket } from "./packet-sockets.ts";
import type { RawIcmpSocket } from "./raw-sockets.ts";
import { route as makeRoute, type Route, type RouteProto, type RouteScope } from "./route-table.ts";
import { readSysctl, writeSysctl } from "./sysctl.ts";
import type { UdpSocket } from "./udp-sockets.ts";
import type { Ipv4Stack, ProtocolHandler } from "./ipv4-stack.ts";

/** An address with its device, as `ip addr` lists it. */
export interface AddressInfo extends IfAddress {
  readonly dev: string;
}

/** `ip route add` arguments. */
export interface RouteSpec {
  readonly dst: Ipv4;
  readonly prefix: number;
  readonly dev?: string;
  readonly gateway?: Ipv4;
  readonly metric?: number;
  readonly scope?: RouteScope;
  readonly proto?: RouteProto;
  readonly src?: Ipv4;
}

/** What `ip route get` answers. */
export interface RouteGetResult {
  readonly type: "unicast" | "local" | "broadcast" | "multicast";
  readonly dst: Ipv4;
  readonly dev: string;
  readonly src: Ipv4;
  readonly gateway?: Ipv4;
  readonly iif?: string;
  /** The main-table route used, for a unicast destination. */
  readonly route?: Route;
}

/** One ARP cache entry, as `ip neigh` lists it. */
export interface NeighbourInfo {
  readonly dev: string;
  readonly ip: Ipv4;
  /** Absent while unresolved (INCOMPLETE, FAILED). */
  readonly mac?: Mac;
  readonly state: NeighStateName;
}

/** The states `ip neigh add|replace|change … nud X` accepts. */
export type NeighbourNud = "permanent" | "noarp" | "reachable" | "stale" | "delay" | "probe";

const NUD_OF: Readonly<Record<NeighbourNud, number>> = {
  permanent: NUD.PERMANENT,
  noarp: NUD.NOARP,
  reachable: NUD.REACHABLE,
  stale: NUD.STALE,
  delay: NUD.DELAY,
  probe: NUD.PROBE,
};

/** The configuration and socket calls of an Ipv4Stack (it extends this class). */
export abstract class StackApi {
  protected abstract get stack(): Ipv4Stack;

  /** Attaches the stack to a device (it becomes the device's upper layer). */
  addDevice(dev: NetDev): void {
    this.stack.devs.add(dev);
  }

  /** Unregisters a device: its addresses, routes and ARP entries go. */
  removeDevice(dev: NetDev): void {
    this.stack.devs.remove(dev);
  }

  /** The device called `name`. */
  device(name: string): NetDev | undefined {
    return this.stack.devs.named(name)?.dev;
  }

  /** Every device, loopback first, in the order added. */
  devices(): readonly NetDev[] {
    return this.stack.devs.all().map((i) => i.dev);
  }

  private iface(dev: string): Iface | undefined {
    return this.stack.devs.named(dev);
  }

  /** `ip addr add A/P [brd B] [label L] [scope S] dev D`. */
  addAddress(dev: string, spec: AddressSpec): Errno | undefined {
    const iface = this.iface(dev);
    return iface === undefined ? "ENODEV" : this.stack.devs.addAddress(iface, spec);
  }

  /** `ip addr del A[/P] dev D`. */
  removeAddress(dev: string, address: Ipv4, prefix?: number): Errno | undefined {
    const iface = this.iface(dev);
    return iface === undefined ? "ENODEV" : this.stack.devs.removeAddress(iface, address, prefix);
  }

  /** `ip addr flush dev D`. */
  flushAddresses(dev: string): Errno | undefined {
    const iface = this.iface(dev);
    if (iface === undefined) return "ENODEV";
    while (iface.addrs.length > 0) this.stack.devs.removeAddress(iface, iface.addrs[0]!.address, iface.addrs[0]!.prefix);
    return undefined;
  }

  /** The addresses of one device or of all, in `ip addr` order. */
  addresses(dev?: string): readonly AddressInfo[] {
    const ifaces = dev === undefined ? this.stack.devs.all() : [this.iface(dev)].filter((i): i is Iface => i !== undefined);
    return ifaces.flatMap((i) => i.addrs.map((a) => ({ ...a, dev: i.name })));
  }

  /** `ip route add`. */
  addRoute(spec: RouteSpec): Errno | undefined {
    const stack = this.stack;
    if (!Number.isInteger(spec.prefix) || spec.prefix < 0 || spec.prefix > 32) return "EINVAL";
    let iface = spec.dev !== undefined ? this.iface(spec.dev) : undefined;
    if (spec.dev !== undefined && iface === undefined) return "ENODEV";
    if (spec.gateway !== undefined) {
      const via = iface === undefined ? stack.fib.lookup(spec.gateway) : stack.fib.lookupVia(spec.gateway, iface);
      if (via.type !== RTN.UNICAST || !via.direct || (via.route !== null && via.route.scope === "global")) return "ENETUNREACH";
      iface = via.iface!;
    }
    if (iface === undefined) return "ENODEV";
    if (!iface.dev.isUp) return "ENETDOWN";
    if (spec.src !== undefined && !stack.fib.isLocal(spec.src)) return "EINVAL";
    const r = makeRoute({
      dst: spec.dst,
      prefix: spec.prefix,
      dev: iface.name,
      ...(spec.gateway !== undefined ? { gateway: spec.gateway } : {}),
      ...(spec.metric !== undefined ? { metric: spec.metric } : {}),
      ...(spec.scope !== undefined ? { scope: spec.scope } : {}),
      ...(spec.proto !== undefined ? { proto: spec.proto } : {}),
      ...(spec.src !== undefined ? { src: spec.src } : {}),
    });
    if (stack.fib.main.add(r) !== undefined) return "EEXIST";
    stack.fib.flush();
    return undefined;
  }

  /** `ip route del`: every route matching the given fields. */
  deleteRoute(match: Partial<Route> & Pick<Route, "dst" | "prefix">): Errno | undefined {
    const err = this.stack.fib.main.delete(match);
    this.stack.fib.flush();
    return err === undefined ? undefined : "ESRCH";
  }

  /** The main table, in `ip route` order. */
  routes(): readonly Route[] {
    return this.stack.fib.main.list();
  }

  /** `ip route get DST [from SRC] [oif DEV] [iif DEV]`. */
  routeGet(dst: Ipv4, opts: { readonly src?: Ipv4; readonly oif?: string; readonly iif?: string } = {}): RouteGetResult | Errno {
    const fib = this.stack.fib;
    if (opts.iif !== undefined) {
      const inIface = this.iface(opts.iif);
      if (inIface === undefined) return "ENODEV";
      const verdict = fib.routeInput(dst, opts.src ?? 0, inIface, true);
      if (verdict === IN.LOCAL) return { type: "local", dst, dev: "lo", src: dst, iif: opts.iif };
      if (verdict === IN.BROADCAST) return { type: "broadcast", dst, dev: "lo", src: fib.selectAddr(inIface, 0, 253), iif: opts.iif };
      if (verdict !== IN.FORWARD) return verdict === IN.NO_ROUTE ? "ENETUNREACH" : verdict === IN.NOT_FORWARDING ? "EHOSTUNREACH" : "EINVAL";
      const out = fib.rIface!;
      const hop = fib.rNextHop;
      const used = fib.rRoute;
      const back = fib.lookup(opts.src ?? 0);
      return { type: "unicast", dst, dev: out.name, src: back.prefSrc, ...(hop !== dst ? { gateway: hop } : {}), iif: opts.iif, ...(used !== null ? { route: used } : {}) };
    }
    const oif = opts.oif !== undefined ? this.iface(opts.oif) : null;
    if (oif === undefined) return "ENODEV";
    const err = fib.routeOutput(dst, opts.src ?? 0, oif);
    if (err !== undefined) return err;
    const types = { [RTN.LOCAL]: "local", [RTN.BROADCAST]: "broadcast", [RTN.MULTICAST]: "multicast" } as const;
    const type = (types as Record<number, RouteGetResult["type"]>)[fib.rType] ?? "unicast";
    const gateway = fib.rNextHop !== dst && type === "unicast" ? { gateway: fib.rNextHop } : {};
    const used = fib.rRoute !== null ? { route: fib.rRoute } : {};
    return { type, dst, dev: fib.rIface!.name, src: fib.rSrc, ...gateway, ...used };
  }

  /** The ARP cache (`ip neigh`), devices in order. */
  neighbours(dev?: string): readonly NeighbourInfo[] {
    const ifaces = dev === undefined ? this.stack.devs.all() : [this.iface(dev)].filter((i): i is Iface => i !== undefined);
    return ifaces.flatMap((i) =>
      [...i.neigh.values()]
        .filter((n) => n.state !== NUD.NONE)
        .map((n) => {
          const valid = (n.state & (NUD.INCOMPLETE | NUD.FAILED)) === 0;
          return { dev: i.name, ip: n.ip, state: stateName(n.state), ...(valid ? { mac: n.mac } : {}) };
        }),
    );
  }

  /** `ip neigh add|replace|change IP lladdr MAC nud STATE dev D` (and dnsmasq's SIOCSARP: `stale`). */
  setNeighbour(dev: string, ip: Ipv4, mac: Mac, nud: NeighbourNud = "permanent", mode: "add" | "replace" | "change" = "replace"): Errno | undefined {
    const stack = this.stack;
    const iface = this.iface(dev);
    if (iface === undefined) return "ENODEV";
    const existing = stack.neigh.lookup(iface, ip);
    if (existing === undefined && mode === "change") return "ENOENT";
    if (existing !== undefined && existing.state !== NUD.NONE && mode === "add") return "EEXIST";
    const n = existing ?? stack.neigh.lookupOrCreate(iface, ip);
    const flags = UPDATE.ADMIN | (mode === "change" && existing !== undefined ? 0 : UPDATE.OVERRIDE);
    stack.neigh.update(n, mac, NUD_OF[nud], flags);
    return undefined;
  }

  /** `ip neigh del IP dev D`: the entry becomes FAILED until collected. */
  deleteNeighbour(dev: string, ip: Ipv4): Errno | undefined {
    const stack = this.stack;
    const iface = this.iface(dev);
    if (iface === undefined) return "ENODEV";
    const n = stack.neigh.lookup(iface, ip);
    if (n === undefined) return "ENOENT";
    stack.neigh.update(n, null, NUD.FAILED, UPDATE.OVERRIDE | UPDATE.ADMIN);
    return undefined;
  }

  /** `ip neigh flush dev D`: every entry but PERMANENT and NOARP ones. */
  flushNeighbours(dev: string): Errno | undefined {
    const iface = this.iface(dev);
    if (iface === undefined) return "ENODEV";
    for (const n of [...iface.neigh.values()]) {
      if ((n.state & (NUD.PERMANENT | NUD.NOARP)) === 0 && n.state !== NUD.NONE) this.deleteNeighbour(dev, n.ip);
    }
    return undefined;
  }

  /** `ip neigh add proxy IP [dev D]`. */
  addProxyEntry(ip: Ipv4, dev?: string): Errno | undefined {
    if (dev === undefined) {
      this.stack.proxyAnyDevice.add(ip);
      return undefined;
    }
    const iface = this.iface(dev);
    if (iface === undefined) return "ENODEV";
    iface.proxyEntries.add(ip);
    return undefined;
  }

  /**
   * dst_confirm: an upper layer (TCP, on an ACK of new data) saw forward progress toward `dst`; the
   * ARP entry of its next hop counts as confirmed, so it stays REACHABLE without probing.
   */
  confirmNeighbour(dst: Ipv4): void {
    const stack = this.stack;
    if (stack.fib.routeOutput(dst, 0, null) !== undefined || stack.fib.rType !== RTN.UNICAST) return;
    const n = stack.neigh.lookup(stack.fib.rIface!, stack.fib.rNextHop);
    if (n !== undefined) stack.neigh.confirm(n);
  }

  /** A gratuitous ARP for `address` (default: the device's first address) — `arping -U`, netfront's announcement. */
  sendGratuitousArp(dev: string, address?: Ipv4): Errno | undefined {
    const iface = this.iface(dev);
    if (iface === undefined) return "ENODEV";
    const addr = address ?? iface.addrs[0]?.address;
    if (addr === undefined) return "EADDRNOTAVAIL";
    this.stack.arp.gratuitous(iface, addr);
    return undefined;
  }

  /** /proc/sys/net/ipv4/ip_forward. */
  get ipForward(): boolean {
    return this.stack.allConf.forwarding;
  }

  set ipForward(on: boolean) {
    this.writeSysctl("net/ipv4/ip_forward", on ? "1" : "0");
  }

  /** A device's conf/* settings (live object: prefer `writeSysctl` to change them). */
  conf(dev: string): Readonly<DevConf> | undefined {
    return this.iface(dev)?.conf;
  }

  /** Writes /proc/sys/net/ipv4/… (`net/ipv4/conf/eth0/proxy_arp`, dotted sysctl names too). */
  writeSysctl(path: string, value: string): Errno | undefined {
    return writeSysctl(this.stack, path, value);
  }

  /** Reads /proc/sys/net/ipv4/…, as `cat` would print it (without the newline). */
  readSysctl(path: string): string | undefined {
    return readSysctl(this.stack, path);
  }

  /** socket(AF_INET, SOCK_DGRAM). */
  openUdp(): UdpSocket {
    return this.stack.udp.open();
  }

  /** socket(AF_INET, SOCK_RAW, IPPROTO_ICMP). */
  openRawIcmp(): RawIcmpSocket {
    return this.stack.raw.open();
  }

  /** socket(AF_PACKET, SOCK_RAW, ETH_P_ALL) bound to `dev`. */
  openPacketSocket(dev: string, options: { readonly outgoing?: boolean } = {}): PacketSocket | Errno {
    const iface = this.iface(dev);
    if (iface === undefined) return "ENODEV";
    const s = new PacketSocket(iface.dev, options.outgoing ?? false, this.stack);
    iface.packetSockets = [...iface.packetSockets, s];
    return s;
  }

  /** inet_add_protocol: packets of `protocol` delivered locally go to `handler` (TCP registers 6). */
  registerProtocol(protocol: number, handler: ProtocolHandler | null): void {
    if (protocol === 1 || protocol === 17) throw new Error(`protocol ${protocol} is the stack's own`);
    if (handler === null) this.stack.protocols.delete(protocol);
    else this.stack.protocols.set(protocol, handler);
  }

  /** Sends a packet of a registered protocol: `write` gets the chosen source to compute its checksum. */
  sendIp(opts: IpSendOptions, payloadLen: number, write: IpWriter): Errno | undefined {
    return this.stack.output.send(opts, payloadLen, write);
  }
}
