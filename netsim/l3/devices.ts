// The configuration side of a stack: its devices and their addresses, and what Linux 2.6.32 does
// to the routing tables when they change (net/ipv4/devinet.c, fib_frontend.c):
// - `ip addr add` always makes the address local; if the device is up it also adds the subnet
//   route `proto kernel scope link src A` (not for a secondary, nor for a /32 whose prefix is the
//   address itself) and the broadcast entries (the explicit `brd`, plus network and all-ones
//   addresses for prefixes shorter than /31). On the loopback device the prefix itself is local.
// - a device going down loses every route through it (connected, static, default) and its ARP
//   cache; its addresses and their local entries stay (you can still ping them). Coming up again
//   restores only the connected routes. A route whose `src` is an address that disappears goes too.
// - deleting a primary address deletes its secondaries (promote_secondaries off).
import type { NetDev } from "../l2/net-dev.ts";
import type { Ipv4 } from "../wire/address.ts";
import { route as makeRoute, type Route } from "./route-table.ts";
import { Iface } from "./iface.ts";
import {
  insertAddress,
  makeAddress,
  networkOf,
  primaryOf,
  relabel,
  removeAddressAt,
  subnetBroadcast,
  type AddressSpec,
  type IfAddress,
} from "./interface-addresses.ts";
import { isZeronet, LIMITED_BROADCAST } from "./fib.ts";
import { ARP_DEFAULTS } from "./linux-params.ts";
import type { Errno } from "./errno.ts";
import type { Ipv4Stack } from "./ipv4-stack.ts";

/** The devices of one stack, and the effect of their addresses and state on routing. */
export class DeviceTable {
  private readonly list: Iface[] = [];
  private readonly byDev = new Map<NetDev, Iface>();
  private byName = new Map<string, Iface>();
  private nextIndex = 1;
  private downListeners: ((dev: string) => void)[] = [];

  constructor(private readonly stack: Ipv4Stack) {}

  /** Every device, in the order it was added (ifindex order). */
  all(): readonly Iface[] {
    return this.list;
  }

  /** The iface of a device given to the stack; hot path. */
  of(dev: NetDev): Iface | undefined {
    return this.byDev.get(dev);
  }

  /** The iface named `name`, noticing devices renamed since the last look (Xen's eth0 → peth0). */
  named(name: string): Iface | undefined {
    const hit = this.byName.get(name);
    if (hit !== undefined && hit.dev.name === name) return hit;
    this.noticeRenames();
    return this.byName.get(name);
  }

  private noticeRenames(): void {
    for (const iface of this.list) {
      if (iface.dev.name === iface.knownName) continue;
      iface.addrs = relabel(iface.addrs, iface.knownName, iface.dev.name);
      iface.knownName = iface.dev.name;
    }
    this.byName = new Map(this.list.map((i) => [i.dev.name, i]));
  }

  /** register_netdevice + inetdev_init: the stack attaches to the device as its upper layer. */
  add(dev: NetDev): Iface {
    if (this.byDev.has(dev)) throw new Error(`${this.stack.node}: device ${dev.name} added twice`);
    if (this.named(dev.name) !== undefined) throw new Error(`${this.stack.node}: a device named ${dev.name} exists`);
    const reachable = this.stack.neigh.drawReachableTime(ARP_DEFAULTS.baseReachableTime);
    const iface = new Iface(dev, { ...this.stack.defaultConf }, this.nextIndex++, reachable);
    this.list.push(iface);
    this.byDev.set(dev, iface);
    this.byName.set(dev.name, iface);
    dev.attach(this.stack);
    iface.unsubscribe = dev.onLinkChange(() => this.linkChanged(iface));
    if (dev.isUp) this.netdevUp(iface);
    return iface;
  }

  /** unregister_netdevice: addresses, routes, neighbours and sockets' binding to it go. */
  remove(dev: NetDev): void {
    const iface = this.byDev.get(dev);
    if (iface === undefined) return;
    if (iface.wasUp) this.netdevDown(iface);
    while (iface.addrs.length > 0) this.removeAt(iface, 0);
    iface.unsubscribe();
    if (dev.sink === this.stack) dev.attach(null);
    this.list.splice(this.list.indexOf(iface), 1);
    this.byDev.delete(dev);
    this.byName = new Map(this.list.map((i) => [i.dev.name, i]));
    this.stack.fib.flush();
  }

  /** Calls `listener` when a device goes down or loses an address (StackView.onDeviceDown). */
  onDeviceDown(listener: (dev: string) => void): () => void {
    this.downListeners = [...this.downListeners, listener];
    return () => {
      this.downListeners = this.downListeners.filter((l) => l !== listener);
    };
  }

  private notifyDown(iface: Iface): void {
    for (const listener of this.downListeners) listener(iface.name);
  }

  private linkChanged(iface: Iface): void {
    if (iface.dev.name !== iface.knownName) this.noticeRenames();
    if (iface.dev.isUp && !iface.wasUp) this.netdevUp(iface);
    else if (!iface.dev.isUp && iface.wasUp) this.netdevDown(iface);
  }

  /** NETDEV_UP: connected routes and broadcasts for every address; arp_notify's gratuitous ARP. */
  private netdevUp(iface: Iface): void {
    iface.wasUp = true;
    if (iface.isLoopback && !iface.addrs.some((a) => a.address === 0x7f000001)) {
      this.addAddress(iface, { address: 0x7f000001, prefix: 8, scope: "host" });
    }
    for (const ifa of iface.addrs) this.addRoutes(iface, ifa);
    this.stack.fib.flush();
    const first = iface.addrs[0];
    const notify = iface.conf.arpNotify || this.stack.allConf.arpNotify;
    if (notify && first !== undefined && !iface.isLoopback) this.stack.arp.gratuitous(iface, first.address);
  }

  /**
   * NETDEV_DOWN (fib_disable_ip, arp_ifdown): routes through the device and its ARP cache go; the
   * local entries (scope host, like the loopback's 127.0.0.0/8) stay.
   */
  private netdevDown(iface: Iface): void {
    iface.wasUp = false;
    this.disableIp(iface);
    this.notifyDown(iface);
  }

  /** `ip addr add`. */
  addAddress(iface: Iface, spec: AddressSpec): Errno | undefined {
    if (!Number.isInteger(spec.prefix) || spec.prefix < 0 || spec.prefix > 32) return "EINVAL";
    const inserted = insertAddress(iface.addrs, makeAddress(spec, iface.name));
    if (typeof inserted === "string") return inserted;
    iface.addrs = inserted.list;
    const ifa = inserted.placed;
    const prim = primaryOf(iface.addrs, ifa) ?? ifa;
    this.stack.fib.addLocal("local", ifa.address, iface, prim.address);
    if (iface.dev.isUp) this.addRoutes(iface, ifa);
    this.stack.fib.flush();
    return undefined;
  }

  /** fib_add_ifaddr's routes beyond the local entry (the device is up). */
  private addRoutes(iface: Iface, ifa: IfAddress): void {
    const fib = this.stack.fib;
    const prim = primaryOf(iface.addrs, ifa) ?? ifa;
    if (ifa.broadcast !== 0 && ifa.broadcast !== LIMITED_BROADCAST) fib.addLocal("broadcast", ifa.broadcast, iface, prim.address);
    const net = networkOf(ifa);
    if (isZeronet(net) || ifa.secondary || (net === ifa.address && ifa.prefix === 32)) return;
    if (iface.isLoopback) fib.setLocalPrefix(net, ifa.mask, iface, true);
    else fib.main.add(makeRoute({ dst: net, prefix: ifa.prefix, dev: iface.name, proto: "kernel", scope: "link", src: ifa.address }));
    if (ifa.prefix < 31) {
      fib.addLocal("broadcast", net, iface, prim.address);
      fib.addLocal("broadcast", subnetBroadcast(ifa), iface, prim.address);
    }
  }

  /** `ip addr del`: the first address equal to `address` (and `prefix`, if given). */
  removeAddress(iface: Iface, address: Ipv4, prefix?: number): Errno | undefined {
    const at = iface.addrs.findIndex((a) => a.address === address && (prefix === undefined || a.prefix === prefix));
    if (at < 0) return "EADDRNOTAVAIL";
    this.removeAt(iface, at);
    return undefined;
  }

  private removeAt(iface: Iface, index: number): void {
    const result = removeAddressAt(iface.addrs, index, iface.conf.promoteSecondaries || this.stack.allConf.promoteSecondaries);
    // The secondaries go first, then the primary, each unlinked before its routes are removed.
    const [primary, ...secondaries] = result.removed;
    for (const ifa of [...secondaries, primary!]) {
      const prim = primaryOf(iface.addrs, ifa) ?? ifa;
      iface.addrs = iface.addrs.filter((a) => a !== ifa);
      this.delRoutes(iface, ifa, prim);
      this.notifyDown(iface);
    }
    iface.addrs = result.list;
    const promoted = result.promoted;
    if (promoted !== undefined && iface.dev.isUp) {
      for (const ifa of iface.addrs.filter((a) => a.mask === promoted.mask && networkOf(a) === networkOf(promoted))) this.addRoutes(iface, ifa);
    }
    // fib_inetaddr_event: the last address gone disables IP on the device (fib_disable_ip(dev, 1)).
    if (iface.addrs.length === 0) this.disableIp(iface);
    this.stack.fib.flush();
  }

  /** fib_disable_ip: every route through the device goes, and its ARP cache. */
  private disableIp(iface: Iface): void {
    const fib = this.stack.fib;
    fib.main.flushDev(iface.name);
    fib.removeBroadcasts(iface);
    fib.flush();
    this.stack.neigh.flushDevice(iface);
    this.stack.proxyQueue.flushDevice(iface);
  }

  /**
   * fib_del_ifaddr: removes what the address added. A broadcast entry stays only if a remaining
   * address of the device names it as its explicit `brd` (2.6.32's check, which lets deleting a
   * secondary take the subnet broadcast of a primary added without `brd`); the local entry stays
   * while the device holds the address otherwise.
   */
  private delRoutes(iface: Iface, ifa: IfAddress, prim: IfAddress): void {
    const fib = this.stack.fib;
    const net = networkOf(ifa);
    if (!ifa.secondary) {
      if (iface.isLoopback) fib.setLocalPrefix(net, ifa.mask, iface, false);
      else fib.main.delete({ dst: net, prefix: ifa.prefix, dev: iface.name, proto: "kernel", src: prim.address });
    }
    const rest = iface.addrs;
    const named = (b: Ipv4): boolean => rest.some((a) => a.broadcast === b);
    for (const b of [ifa.broadcast, subnetBroadcast(ifa), net]) {
      if (b !== 0 && !named(b)) fib.removeLocal("broadcast", b, iface);
    }
    if (rest.some((a) => a.address === ifa.address)) return;
    if (fib.removeLocal("local", ifa.address, iface)) this.flushRoutesFrom(ifa.address);
  }

  /** fib_sync_down_addr: routes preferring a source address that is no longer ours go. */
  private flushRoutesFrom(address: Ipv4): void {
    const main = this.stack.fib.main;
    for (const r of main.list().filter((x: Route) => x.src === address)) main.delete({ dst: r.dst, prefix: r.prefix, dev: r.dev, src: address });
  }
}
