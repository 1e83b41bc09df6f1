// ifconfig of Debian Squeeze's net-tools 1.60 (ifconfig.c, lib/interface.c ife_print_long) on a
// 2.6.32 kernel (net/ipv4/devinet.c devinet_ioctl). Squeeze's ifupdown and bridge-utils hooks still
// call it (`ifconfig eth0 0.0.0.0 up`, `ifconfig br0 192.168.1.10 netmask 255.255.255.0 up`).
// Listing: interfaces sorted by name with digit runs compared as numbers (net-tools' nstrcmp), only
// the up ones without -a, names cut to 9 columns (`%-9.9s`), an alias (label eth0:1) as an entry
// of its own without counters. Setting an address acts on the address whose label is the
// interface name: SIOCSIFADDR replaces it with a classful prefix (/8, /16, /24) and the matching
// broadcast, 0.0.0.0 removes it, SIOCSIFNETMASK re-derives the broadcast when it was the old
// default; physical NICs would add an `Interrupt:` line, which the simulated NICs do not have.
import type { NetDev } from "../../netsim/l2/index.ts";
import type { AddressInfo } from "../../netsim/l3/index.ts";
import { ipv4ToString, macToString, maskToPrefix, parseIpv4, prefixToMask } from "../../netsim/wire/address.ts";
import { syncPromiscuity, type HostNode } from "./host.ts";
import { strerror, type Io } from "./io.ts";
import { parseLladdr } from "./ip-args.ts";
import { inet6Addresses, operState, txQueueLen } from "./ip-print.ts";

/** net-tools' nstrcmp: strings compared with digit runs as numbers. */
export function nstrcmp(a: string, b: string): number {
  const split = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const [x, y] = [split(a), split(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p, q] = [x[i]!, y[i]!];
    if (p === q) continue;
    if (/^\d/.test(p) && /^\d/.test(q)) return Number(p) - Number(q) || p.length - q.length;
    return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

/** "120.5 KiB": the byte counter's short form (tenths, truncated). */
function humanBytes(n: number): string {
  const units: readonly [number, string][] = [[1125899906842624, "PiB"], [1099511627776, "TiB"], [1073741824, "GiB"], [1048576, "MiB"], [1024, "KiB"]];
  const [div, unit] = units.find(([d]) => n > d) ?? [1, "B"];
  const tenths = Math.floor((n * 10) / div);
  return `${Math.floor(tenths / 10)}.${tenths % 10} ${unit}`;
}

/** ife_print_long for a device (or one of its aliases, `alias` set). */
function formatEntry(host: HostNode, dev: NetDev, name: string, addr: AddressInfo | undefined, alias: boolean): string {
  const f = host.flags(dev);
  const lo = dev.kind === "loopback";
  let s = `${name.slice(0, 9).padEnd(9)} Link encap:${lo ? "Local Loopback" : "Ethernet"}  ${lo ? "" : `HWaddr ${macToString(dev.mac)}  `}\n`;
  if (addr !== undefined) {
    s += `          inet addr:${ipv4ToString(addr.address)} ${lo ? "" : ` Bcast:${ipv4ToString(addr.broadcast)} `} Mask:${ipv4ToString(addr.mask)}\n`;
  }
  if (!alias) for (const a6 of inet6Addresses(host, dev)) s += `          inet6 addr: ${a6.text}/${a6.prefix} Scope:${a6.scope === "host" ? "Host" : "Link"}\n`;
  const running = dev.isUp && operState(dev) !== "DOWN";
  const flags = [dev.isUp && "UP", !lo && "BROADCAST", lo && "LOOPBACK", running && "RUNNING", f.noarp && "NOARP", f.promisc && "PROMISC", f.allmulti && "ALLMULTI", f.multicast && "MULTICAST"].filter((x) => x !== false);
  s += `          ${flags.length === 0 ? "[NO FLAGS] " : flags.map((x) => `${x} `).join("")} MTU:${dev.mtu}  Metric:1\n`;
  if (!alias) {
    const c = dev.counters;
    s += `          RX packets:${c.rxPackets} errors:${c.rxErrors} dropped:${c.rxDropped} overruns:0 frame:0\n`;
    s += `          TX packets:${c.txPackets} errors:${c.txErrors} dropped:${c.txDropped} overruns:0 carrier:0\n`;
    s += `          collisions:0 txqueuelen:${f.txqlen ?? txQueueLen(dev)} \n`;
    s += `          RX bytes:${c.rxBytes} (${humanBytes(c.rxBytes)})  TX bytes:${c.txBytes} (${humanBytes(c.txBytes)})\n`;
  }
  return `${s}\n`;
}

/** The entries to list: each device, and each alias label of its addresses. */
function entries(host: HostNode): { name: string; dev: NetDev; addr: AddressInfo | undefined; alias: boolean }[] {
  const out = host.devices().flatMap((dev) => {
    const addrs = host.stack.addresses(dev.name);
    const main = { name: dev.name, dev, addr: addrs.find((a) => a.label === dev.name), alias: false };
    const labels = [...new Set(addrs.map((a) => a.label).filter((l) => l !== dev.name))];
    return [main, ...labels.map((l) => ({ name: l, dev, addr: addrs.find((a) => a.label === l), alias: true }))];
  });
  return out.sort((a, b) => nstrcmp(a.name, b.name));
}

/** Runs `ifconfig ARGS…`. */
export function runIfconfig(host: HostNode, io: Io, argv: readonly string[]): number {
  const args = [...argv];
  const all = args[0] === "-a";
  if (all) args.shift();
  if (args.length === 0) {
    for (const e of entries(host)) if (all || e.dev.isUp) io.out(formatEntry(host, e.dev, e.name, e.addr, e.alias));
    return 0;
  }
  const [name, ...settings] = args;
  if (settings.length === 0) {
    const e = entries(host).find((x) => x.name === name);
    if (e === undefined) return io.fail(`${name}: error fetching interface information: Device not found\n`, 1);
    io.out(formatEntry(host, e.dev, e.name, e.addr, e.alias));
    return 0;
  }
  return configure(host, io, name!, settings);
}

/** The argument loop of ifconfig.c for one interface. */
function configure(host: HostNode, io: Io, name: string, settings: readonly string[]): number {
  const devName = name.split(":")[0]!;
  const dev = host.device(devName);
  let status = 0;
  const flagErr = () => (io.err(`${name}: ERROR while getting interface flags: ${strerror("ENODEV")}\n`), (status = -1));
  for (let i = 0; i < settings.length; i++) {
    const w = settings[i]!;
    const value = () => settings[++i];
    if (w === "up" || w === "down") {
      if (dev === undefined) flagErr();
      else dev.setUp(w === "up");
    } else if (["promisc", "-promisc", "arp", "-arp", "allmulti", "-allmulti", "multicast"].includes(w)) {
      if (dev === undefined) flagErr();
      else setFlag(host, dev, w);
    } else if (w === "mtu") {
      const n = Number(value());
      if (dev === undefined || !Number.isInteger(n) || n < 68) status = (io.err(`SIOCSIFMTU: ${strerror(dev === undefined ? "ENODEV" : "EINVAL")}\n`), 1);
      else dev.mtu = n;
    } else if (w === "hw") {
      const mac = value() === "ether" ? parseLladdr(value() ?? "") : undefined;
      if (mac === undefined) return io.fail(`${name}: invalid ether address.\n`, 1);
      if (dev === undefined) status = (io.err(`SIOCSIFHWADDR: ${strerror("ENODEV")}\n`), 1);
      else if (dev.isUp && (dev.kind === "veth" || dev.kind === "netback" || dev.kind === "netfront")) status = (io.err(`SIOCSIFHWADDR: ${strerror("EBUSY")}\n`), 1);
      else dev.mac = mac;
    } else if (w === "netmask" || w === "broadcast") {
      const v = parseIpv4(value() ?? "");
      if (v === undefined) return io.fail(`${name}: unknown host\n`, 1);
      const err = dev === undefined ? "ENODEV" : w === "netmask" ? setNetmask(host, name, v) : setBroadcast(host, name, v);
      if (err !== undefined) status = (io.err(`${w === "netmask" ? "SIOCSIFNETMASK" : "SIOCSIFBRDADDR"}: ${strerror(err)}\n`), 1);
    } else {
      const v = parseIpv4(w);
      if (v === undefined) return io.fail(`${w}: Unknown host\nifconfig: \`--help' gives usage information.\n`, 1);
      const err = dev === undefined ? "ENODEV" : setAddress(host, dev, name, v);
      if (err !== undefined) status = (io.err(`SIOCSIFADDR: ${strerror(err)}\n`), 1);
    }
  }
  return status;
}

function setFlag(host: HostNode, dev: NetDev, w: string): void {
  const f = host.flags(dev);
  const on = !w.startsWith("-");
  if (w.endsWith("promisc")) f.promisc = on;
  else if (w.endsWith("arp")) f.noarp = !on;
  else if (w.endsWith("allmulti")) f.allmulti = on;
  else f.multicast = true;
  syncPromiscuity(dev, f);
}

/** inet_abc_len: the classful prefix of an address; undefined for class D and E. */
function classfulPrefix(a: number): number | undefined {
  if (a === 0) return 0;
  if (a >>> 31 === 0) return 8;
  if (a >>> 30 === 2) return 16;
  if (a >>> 29 === 6) return 24;
  return undefined;
}

/** SIOCSIFADDR on the address labelled `label` (see the file header). */
function setAddress(host: HostNode, dev: NetDev, label: string, addr: number): "EINVAL" | "EEXIST" | undefined {
  const prefix = classfulPrefix(addr);
  if (prefix === undefined) return "EINVAL";
  const old = host.stack.addresses(dev.name).find((a) => a.label === label);
  if (old !== undefined && old.address === addr) return undefined;
  if (old !== undefined) host.stack.removeAddress(dev.name, old.address, old.prefix);
  if (addr === 0) return undefined;
  const err = host.stack.addAddress(dev.name, { address: addr, prefix, label, broadcast: prefix < 31 && dev.kind !== "loopback" ? "auto" : 0 });
  return err === "EEXIST" ? "EEXIST" : err === undefined ? undefined : "EINVAL";
}

/** Replaces the labelled address with new fields (the kernel's delete and re-insert). */
function replaceAddress(host: HostNode, label: string, update: (a: AddressInfo) => { prefix: number; broadcast: number }): "EADDRNOTAVAIL" | undefined {
  const devName = label.split(":")[0]!;
  const old = host.stack.addresses(devName).find((a) => a.label === label);
  if (old === undefined) return "EADDRNOTAVAIL";
  const next = update(old);
  host.stack.removeAddress(devName, old.address, old.prefix);
  host.stack.addAddress(devName, { address: old.address, prefix: next.prefix, label, broadcast: next.broadcast, scope: old.scope });
  return undefined;
}

function setNetmask(host: HostNode, label: string, mask: number): "EINVAL" | "EADDRNOTAVAIL" | undefined {
  const prefix = maskToPrefix(mask);
  if (prefix === undefined) return "EINVAL";
  return replaceAddress(host, label, (a) => {
    const wasDefault = a.broadcast === ((a.address | ~a.mask) >>> 0);
    return { prefix, broadcast: wasDefault && prefix < 31 ? (a.address | ~prefixToMask(prefix)) >>> 0 : a.broadcast };
  });
}

function setBroadcast(host: HostNode, label: string, brd: number): "EADDRNOTAVAIL" | undefined {
  return replaceAddress(host, label, (a) => ({ prefix: a.prefix, broadcast: brd }));
}
