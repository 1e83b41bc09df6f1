// How `ip link` and `ip addr` of iproute 20100519 print a device and its addresses on a 2.6.32
// kernel (ip/ipaddress.c print_linkinfo, print_addrinfo, print_link_flags): the header line
// `2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP qlen 1000`, the
// `link/ether` line, `-s` counters, `inet` lines and the IPv6 link-local lines.
//
// Kernel facts behind the fields (2.6.32): IFF_PROMISC is shown only when a user set it
// (dev_get_flags reports gflags, not a bridge's or a capture's promiscuity); bridge ports show no
// `master` (br_add_if does not call netdev_set_master before 2.6.39); operstate is DOWN for a device
// not running, UNKNOWN for devices that never signal carrier (lo, bridge, dummy), else UP or DOWN by
// carrier; NO-CARRIER is printed for a device up but not RUNNING; the qdisc is `noop` until the
// first dev_open, then `noqueue` for devices with tx_queue_len 0 (lo, bridge, dummy) and
// `pfifo_fast` for the others (ether_setup's 1000, netback's 32); `qlen` is printed when non-zero.
// IPv4 addresses carry IFA_F_PERMANENT and no cacheinfo in 2.6.32, so no `dynamic`/`valid_lft`.
import type { NetDev } from "../../netsim/l2/index.ts";
import type { AddressInfo } from "../../netsim/l3/index.ts";
import { ipv4ToString, macToString, type Mac } from "../../netsim/wire/address.ts";
import type { HostNode, LinkFlags } from "./host.ts";

/** The ip options that change printing. */
export interface PrintOptions {
  /** -s given this many times. */
  readonly stats: number;
  /** -o: records on one line, `\` where a line break would be. */
  readonly oneline: boolean;
}

/** tx_queue_len after the driver's setup. */
export function txQueueLen(dev: NetDev): number {
  switch (dev.kind) {
    case "loopback":
    case "bridge":
    case "dummy":
      return 0;
    case "netback":
      return 32; // drivers/xen/netback: netbk_queue_length
    default:
      return 1000; // ether_setup
  }
}

type OperState = "UP" | "DOWN" | "UNKNOWN";

/** IFLA_OPERSTATE as rtnl_fill_ifinfo reports it. */
export function operState(dev: NetDev): OperState {
  if (!dev.isUp) return "DOWN";
  if (dev.kind === "loopback" || dev.kind === "bridge" || dev.kind === "dummy") return "UNKNOWN";
  return dev.hasCarrier ? "UP" : "DOWN";
}

/** print_link_flags: `<BROADCAST,MULTICAST,UP,LOWER_UP> `. */
export function linkFlagsText(dev: NetDev, f: LinkFlags): string {
  const running = dev.isUp && operState(dev) !== "DOWN";
  const names: string[] = [];
  if (dev.isUp && !running) names.push("NO-CARRIER");
  if (dev.kind === "loopback") names.push("LOOPBACK");
  else names.push("BROADCAST");
  if (f.multicast) names.push("MULTICAST");
  if (f.noarp) names.push("NOARP");
  if (f.allmulti) names.push("ALLMULTI");
  if (f.promisc) names.push("PROMISC");
  if (dev.isUp) names.push("UP");
  if (dev.isUp && dev.hasCarrier) names.push("LOWER_UP");
  return `<${names.join(",")}> `;
}

function qdiscOf(dev: NetDev, f: LinkFlags): string {
  if (!f.activated && !dev.isUp) return "noop";
  // The qdisc is chosen at dev_activate from the queue length then in force.
  return (f.txqlen ?? txQueueLen(dev)) === 0 ? "noqueue" : "pfifo_fast";
}

/** print_linkinfo: the device's header and link lines (and -s counters when `withStats`). */
export function formatLink(host: HostNode, dev: NetDev, opts: PrintOptions, withStats: boolean): string {
  const sl = opts.oneline ? "\\" : "\n";
  const f = host.flags(dev);
  if (dev.isUp) f.activated = true;
  const qlen = f.txqlen ?? txQueueLen(dev);
  let s = `${host.ifindex(dev)}: ${dev.name}: ${linkFlagsText(dev, f)}mtu ${dev.mtu} qdisc ${qdiscOf(dev, f)} state ${operState(dev)} `;
  if (qlen > 0) s += `qlen ${qlen}`;
  const lo = dev.kind === "loopback";
  s += `${sl}    link/${lo ? "loopback" : "ether"} ${macToString(dev.mac)} brd ${lo ? "00:00:00:00:00:00" : "ff:ff:ff:ff:ff:ff"}`;
  if (withStats && opts.stats > 0) s += formatStats(dev, opts.stats, sl);
  return `${s}\n`;
}

function formatStats(dev: NetDev, level: number, sl: string): string {
  const c = dev.counters;
  const col = (n: number, w: number) => String(n).padEnd(w);
  let s = `${sl}    RX: bytes  packets  errors  dropped overrun mcast   ${sl}`;
  s += `    ${col(c.rxBytes, 10)} ${col(c.rxPackets, 8)} ${col(c.rxErrors, 7)} ${col(c.rxDropped, 7)} ${col(0, 7)} ${col(c.rxMulticast, 7)}`;
  if (level > 1) s += `${sl}    RX errors: length  crc     frame   fifo    missed${sl}               ${col(0, 7)}  ${col(0, 7)} ${col(0, 7)} ${col(0, 7)} ${col(0, 7)}`;
  s += `${sl}    TX: bytes  packets  errors  dropped carrier collsns ${sl}`;
  s += `    ${col(c.txBytes, 10)} ${col(c.txPackets, 8)} ${col(c.txErrors, 7)} ${col(c.txDropped, 7)} ${col(0, 7)} ${col(0, 7)}`;
  if (level > 1) s += `${sl}    TX errors: aborted fifo    window  heartbeat${sl}               ${col(0, 7)}  ${col(0, 7)} ${col(0, 7)} ${col(0, 7)}`;
  return s;
}

/** print_addrinfo for an IPv4 address; `prefix` is `2: eth0` in oneline mode. */
export function formatInet(a: AddressInfo, linePrefix: string): string {
  let s = `${linePrefix}    inet ${ipv4ToString(a.address)}/${a.prefix} `;
  if (a.broadcast !== 0) s += `brd ${ipv4ToString(a.broadcast)} `;
  s += `scope ${a.scope} `;
  if (a.secondary) s += "secondary ";
  return `${s}${a.label}\n`;
}

/** An IPv6 address the kernel's addrconf gives a device (link-local, or ::1 on lo). */
export interface Inet6Address {
  readonly text: string;
  readonly prefix: number;
  readonly scope: "link" | "host";
}

/** The IPv6 addresses of a device on a 2.6.32 kernel with IPv6 built in, while it is up with a link. */
export function inet6Addresses(host: HostNode, dev: NetDev): readonly Inet6Address[] {
  if (!host.ipv6 || !dev.isUp) return [];
  if (dev.kind === "loopback") return [{ text: "::1", prefix: 128, scope: "host" }];
  return dev.hasCarrier ? [{ text: linkLocalOf(dev.mac), prefix: 64, scope: "link" }] : [];
}

/** print_addrinfo for an IPv6 address: scope, then the cacheinfo line. */
export function formatInet6(a: Inet6Address, linePrefix: string, oneline: boolean): string {
  const sl = oneline ? "\\" : "\n";
  return `${linePrefix}    inet6 ${a.text}/${a.prefix} scope ${a.scope} ${sl}       valid_lft forever preferred_lft forever\n`;
}

/** fe80:: plus the modified EUI-64 of a MAC (RFC 4291 appendix A), as inet_ntop writes it. */
export function linkLocalOf(mac: Mac): string {
  const b = macToString(mac).split(":").map((x) => parseInt(x, 16));
  const groups = [0xfe80, 0, 0, 0, ((b[0]! ^ 2) << 8) | b[1]!, (b[2]! << 8) | 0xff, 0xfe00 | b[3]!, (b[4]! << 8) | b[5]!];
  return ipv6ToString(groups);
}

/** inet_ntop(AF_INET6): the longest run of two or more zero groups becomes `::`. */
export function ipv6ToString(groups: readonly number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}
