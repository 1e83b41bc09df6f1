// /proc/sys/net/ipv4 of one stack: the files Xen's scripts and administrators write (`echo 1 >
// /proc/sys/net/ipv4/conf/vif1.0/proxy_arp`, `sysctl -w net.ipv4.ip_forward=1`). Paths are taken
// with or without the /proc/sys/ prefix, with slashes or sysctl's dots (a device name with a dot,
// vif1.0, is written vif1/0 in the dotted form, as sysctl(8) does). A path that does not exist —
// such as Xen 4.0 network-route's `conf/eth/proxy_arp` — is ENOENT, as the shell's redirection
// fails with "No such file or directory".
//
// Writing ip_forward (or conf/all/forwarding) sets forwarding on every device and on
// conf/default (inet_forward_change); other conf/all values combine with each device's own.
// Neighbour times are in the units the files use: seconds, or USER_HZ (1/100 s) for retrans_time,
// proxy_delay and locktime. net/bridge (the bridge-nf-* files) is in bridge-sysctl.ts.
import { isBridgeSysctl, readBridgeSysctl, writeBridgeSysctl } from "./bridge-sysctl.ts";
import type { Errno } from "./errno.ts";
import { DEV_CONF_KEYS, HZ, type DevConf, type NeighParms } from "./linux-params.ts";
import type { Ipv4Stack } from "./ipv4-stack.ts";

const USER_HZ = 100;

/** Neighbour files: the parms field and how many jiffies one unit of the file is. */
const NEIGH_FILES: Readonly<Record<string, readonly [keyof NeighParms, number]>> = {
  base_reachable_time: ["baseReachableTime", HZ],
  base_reachable_time_ms: ["baseReachableTime", HZ / 1000],
  retrans_time: ["retransTime", HZ / USER_HZ],
  retrans_time_ms: ["retransTime", HZ / 1000],
  delay_first_probe_time: ["delayProbeTime", HZ],
  gc_stale_time: ["gcStaleTime", HZ],
  unres_qlen: ["queueLen", 0],
  ucast_solicit: ["ucastProbes", 0],
  mcast_solicit: ["mcastProbes", 0],
  app_solicit: ["appProbes", 0],
  proxy_delay: ["proxyDelay", HZ / USER_HZ],
  proxy_qlen: ["proxyQlen", 0],
  locktime: ["locktime", HZ / USER_HZ],
};

/** Splits a path into its components below net/ipv4. */
function components(path: string): string[] | undefined {
  let p = path.trim().replace(/^\/proc\/sys\//, "");
  if (p.startsWith("net.")) p = p.split(".").map((c) => c.replaceAll("/", ".")).join("/");
  const parts = p.split("/").filter((c) => c !== "");
  return parts[0] === "net" && parts[1] === "ipv4" ? parts.slice(2) : undefined;
}

function parseIntValue(value: string): number | undefined {
  const v = value.trim();
  return /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/** Reads a file; undefined when it does not exist. */
export function readSysctl(stack: Ipv4Stack, path: string): string | undefined {
  if (isBridgeSysctl(path)) return readBridgeSysctl(stack, path);
  const parts = components(path);
  if (parts === undefined) return undefined;
  const [a, b, c] = parts;
  const net = stack.netConf;
  if (parts.length === 1) {
    switch (a) {
      case "ip_forward":
        return stack.allConf.forwarding ? "1" : "0";
      case "ip_default_ttl":
        return String(net.ipDefaultTtl);
      case "icmp_ratelimit":
        return String((net.icmpRatelimit * 1000) / HZ);
      case "icmp_ratemask":
        return String(net.icmpRatemask);
      case "icmp_echo_ignore_all":
        return net.icmpEchoIgnoreAll ? "1" : "0";
      case "icmp_echo_ignore_broadcasts":
        return net.icmpEchoIgnoreBroadcasts ? "1" : "0";
      case "icmp_errors_use_inbound_ifaddr":
        return net.icmpErrorsUseInboundIfaddr ? "1" : "0";
      case "ip_local_port_range":
        return `${net.localPortLow}\t${net.localPortHigh}`;
      default:
        return undefined;
    }
  }
  if (parts.length !== 3 || b === undefined || c === undefined) return undefined;
  if (a === "conf") {
    const conf = confOf(stack, b);
    const key = DEV_CONF_KEYS[c];
    if (conf === undefined || key === undefined) return undefined;
    const v = conf[key];
    return typeof v === "boolean" ? (v ? "1" : "0") : String(v);
  }
  if (a === "neigh") {
    const parms = b === "default" ? undefined : stack.ifaceByName(b)?.parms;
    const file = NEIGH_FILES[c];
    if (parms === undefined || file === undefined) return undefined;
    const [field, unit] = file;
    return String(unit === 0 ? parms[field] : Math.round(parms[field] / unit));
  }
  return undefined;
}

function confOf(stack: Ipv4Stack, which: string): DevConf | undefined {
  if (which === "all") return stack.allConf;
  if (which === "default") return stack.defaultConf;
  return stack.ifaceByName(which)?.conf;
}

/** Writes a file; ENOENT when it does not exist, EINVAL for a value it refuses. */
export function writeSysctl(stack: Ipv4Stack, path: string, value: string): Errno | undefined {
  if (isBridgeSysctl(path)) return writeBridgeSysctl(stack, path, value);
  const parts = components(path);
  if (parts === undefined || readSysctl(stack, path) === undefined) return "ENOENT";
  const n = parseIntValue(value);
  const [a, b, c] = parts;
  if (parts.length === 1) return writeGlobal(stack, a!, value, n);
  if (n === undefined) return "EINVAL";
  if (a === "conf") {
    const key = DEV_CONF_KEYS[c!]!;
    if (key === "forwarding" && b === "all") return setForwarding(stack, n !== 0);
    const conf = confOf(stack, b!)!;
    const current = conf[key];
    (conf as unknown as Record<string, number | boolean>)[key] = typeof current === "boolean" ? n !== 0 : n;
    stack.fib.flush();
    return undefined;
  }
  const parms = stack.ifaceByName(b!)!.parms;
  const [field, unit] = NEIGH_FILES[c!]!;
  parms[field] = unit === 0 ? n : Math.round(n * unit);
  return undefined;
}

function writeGlobal(stack: Ipv4Stack, name: string, value: string, n: number | undefined): Errno | undefined {
  const net = stack.netConf;
  if (name === "ip_local_port_range") {
    const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(value);
    if (m === null || Number(m[1]) > Number(m[2])) return "EINVAL";
    net.localPortLow = Number(m[1]);
    net.localPortHigh = Number(m[2]);
    return undefined;
  }
  if (n === undefined) return "EINVAL";
  switch (name) {
    case "ip_forward":
      return setForwarding(stack, n !== 0);
    case "ip_default_ttl":
      if (n < 1 || n > 255) return "EINVAL";
      net.ipDefaultTtl = n;
      return undefined;
    case "icmp_ratelimit":
      net.icmpRatelimit = Math.round((n * HZ) / 1000);
      return undefined;
    case "icmp_ratemask":
      net.icmpRatemask = n;
      return undefined;
    case "icmp_echo_ignore_all":
      net.icmpEchoIgnoreAll = n !== 0;
      return undefined;
    case "icmp_echo_ignore_broadcasts":
      net.icmpEchoIgnoreBroadcasts = n !== 0;
      return undefined;
    default:
      net.icmpErrorsUseInboundIfaddr = n !== 0;
      return undefined;
  }
}

/** inet_forward_change: ip_forward reaches conf/all, conf/default and every device. */
function setForwarding(stack: Ipv4Stack, on: boolean): undefined {
  stack.allConf.forwarding = on;
  stack.defaultConf.forwarding = on;
  for (const iface of stack.ifaces()) iface.conf.forwarding = on;
  stack.fib.flush();
  return undefined;
}
