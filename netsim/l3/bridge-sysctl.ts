// /proc/sys/net/bridge of one node: the five files br_netfilter.c registers (register_sysctl_paths
// in br_netfilter_init, Linux 2.6.32) once the bridge module is loaded — bridge-nf-call-arptables,
// -call-iptables, -call-ip6tables, -filter-vlan-tagged and -filter-pppoe-tagged. proc_dointvec
// takes any integer; brnf_sysctl_call_tables then stores it as 0 or 1, which reading shows.
// A stack without a registered table has no /proc/sys/net/bridge (ENOENT).
import type { BridgeNfSettings } from "../l2/bridge/br-netfilter.ts";
import type { Errno } from "./errno.ts";
import type { Ipv4Stack } from "./ipv4-stack.ts";

const FILES: Readonly<Record<string, keyof BridgeNfSettings>> = {
  "bridge-nf-call-arptables": "callArptables",
  "bridge-nf-call-iptables": "callIptables",
  "bridge-nf-call-ip6tables": "callIp6tables",
  "bridge-nf-filter-vlan-tagged": "filterVlanTagged",
  "bridge-nf-filter-pppoe-tagged": "filterPppoeTagged",
};

const tables = new WeakMap<Ipv4Stack, BridgeNfSettings>();

/** Gives `stack` the /proc/sys/net/bridge files over `settings` (the bridge module is loaded). */
export function registerBridgeSysctls(stack: Ipv4Stack, settings: BridgeNfSettings): void {
  tables.set(stack, settings);
}

/** The file name below net/bridge for a path in any sysctl spelling, or undefined when it is not there. */
function bridgeFile(path: string): string | undefined {
  let p = path.trim().replace(/^\/proc\/sys\//, "");
  if (p.startsWith("net.")) p = p.replaceAll(".", "/");
  const parts = p.split("/").filter((c) => c !== "");
  return parts.length === 3 && parts[0] === "net" && parts[1] === "bridge" ? parts[2] : undefined;
}

/** Whether `path` is under net/bridge (handled here, present or not). */
export function isBridgeSysctl(path: string): boolean {
  const p = path.trim().replace(/^\/proc\/sys\//, "");
  return p.startsWith("net/bridge/") || p.startsWith("net.bridge.");
}

/** Reads a net/bridge file; undefined when it does not exist. */
export function readBridgeSysctl(stack: Ipv4Stack, path: string): string | undefined {
  const settings = tables.get(stack);
  const key = FILES[bridgeFile(path) ?? ""];
  if (settings === undefined || key === undefined) return undefined;
  return settings[key] ? "1" : "0";
}

/** Writes a net/bridge file: ENOENT when it does not exist, EINVAL when the value is no integer. */
export function writeBridgeSysctl(stack: Ipv4Stack, path: string, value: string): Errno | undefined {
  const settings = tables.get(stack);
  const key = FILES[bridgeFile(path) ?? ""];
  if (settings === undefined || key === undefined) return "ENOENT";
  const v = value.trim();
  if (!/^[-+]?\d+$/.test(v)) return "EINVAL";
  settings[key] = Number(v) !== 0;
  return undefined;
}
