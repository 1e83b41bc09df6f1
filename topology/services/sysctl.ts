// sysctl.conf(5) as `sysctl -p FILE` reads it (procps 3.2.8 sysctl.c Preload, unchanged in
// procps-ng): lines are stripped of leading and trailing blanks; lines shorter than two characters
// and lines starting with `#` or `;` are skipped; the rest is `name = value`, split at the first
// `=` (strtok, so leading `=` signs are skipped), the name stripped, the value stripped of leading
// blanks and taken up to the end of the line. A line without a value draws procps' warning
// "FILE(N): invalid syntax, continuing...". procps-ng (Wheezy on) reads one-character lines and a
// leading `=` as invalid too, and lets a name start with `-` to ignore a failure to set it.
//
// Keys: WriteSetting turns the name into a /proc/sys path with slashdot(): the first separator
// found decides — if it is `/` the name is already a path, else every `.` becomes `/` and every
// `/` becomes `.` (so `net.ipv4.conf.eth0/10.rp_filter` names the VLAN eth0.10). The kernel's
// proc_dointvec (Linux 2.6.32) takes an optional `-` and a number in C base-0 notation followed by
// nothing or white space; anything else is EINVAL ("Invalid argument").

import { diagnostic, type Diagnostic, type Parsed, type Span } from "../diagnostic.ts";
import type { Setting } from "../host-config.ts";
import type { DeviceSetting, KernelSettings, SysctlAssignment } from "./types.ts";

/** One `name = value` line. */
export interface SysctlLine {
  /** The key as sysctl prints it (dots between components). */
  readonly key: string;
  /** /proc/sys/... */
  readonly path: string;
  readonly value: string;
  readonly span: Span;
  readonly valueSpan: Span;
  /** `-name = value` (procps-ng): a failure to set it is not reported. */
  readonly ignoreErrors: boolean;
}

const BLANK = /[ \t\n\v\f\r]/;

/** The /proc/sys path and the printed key of a sysctl name, by procps' slashdot(). */
export function procPath(name: string): { path: string; key: string } {
  const swap = (s: string): string => s.replace(/[./]/g, (c) => (c === "." ? "/" : "."));
  const first = /[./]/.exec(name)?.[0];
  const rel = first === "/" ? name : swap(name);
  return { path: `/proc/sys/${rel}`, key: swap(rel) };
}

/** The key sysctl prints for a /proc/sys path (`/proc/sys/net/ipv4/ip_forward` → `net.ipv4.ip_forward`). */
export function keyOfPath(path: string): string {
  return path.slice("/proc/sys/".length).replace(/[./]/g, (c) => (c === "/" ? "." : "/"));
}

/** Reads one file as `sysctl -p FILE` does. */
export function parseSysctlConf(file: string, text: string, modern = true): Parsed<SysctlLine[]> {
  const lines: SysctlLine[] = [];
  const diagnostics: Diagnostic[] = [];
  text.split("\n").forEach((raw, i) => {
    const lead = raw.search(/[^ \t\n\v\f\r]/);
    if (lead < 0) return;
    const t = raw.slice(lead).replace(/[ \t\n\v\f\r]+$/, "");
    // procps 3.2.8 skips lines shorter than two characters and (strtok) leading `=` signs; procps-ng does neither.
    if ((!modern && t.length < 2) || t.startsWith("#") || t.startsWith(";")) return;
    const at = (col: number): Span => ({ file, line: i + 1, column: col + 1 });
    let nameStart = 0;
    while (!modern && t.charAt(nameStart) === "=") nameStart++;
    const eq = t.indexOf("=", nameStart);
    const name = (eq < 0 ? t.slice(nameStart) : t.slice(nameStart, eq)).trim();
    let valueStart = eq < 0 ? t.length : eq + 1;
    while (t.charAt(valueStart) === " " || t.charAt(valueStart) === "\t") valueStart++;
    const value = t.slice(valueStart).replace(/\r.*$/, "");
    if (name === "" || value === "") {
      diagnostics.push(diagnostic("sysctl/invalid-syntax", "warning", `warning: ${file}(${i + 1}): invalid syntax, continuing...: "${t}" is not \`name = value\`, so nothing is set`, at(lead), "write `key = value`"));
      return;
    }
    const ignoreErrors = modern && name.startsWith("-");
    const { path, key } = procPath(ignoreErrors ? name.slice(1) : name);
    const nameCol = lead + nameStart + (t.slice(nameStart).length - t.slice(nameStart).trimStart().length);
    lines.push({ key, path, value, span: at(nameCol), valueSpan: at(lead + valueStart), ignoreErrors });
  });
  return { value: lines, diagnostics };
}

/** What proc_dointvec makes of a written value: the first integer, or undefined for EINVAL. */
export function kernelInt(value: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(value);
  if (m === null) return undefined;
  const rest = value.slice(m[0].length);
  if (rest !== "" && !BLANK.test(rest.charAt(0))) return undefined;
  const digits = m[2] ?? "0";
  const n = digits.startsWith("0x") || digits.startsWith("0X") ? parseInt(digits.slice(2), 16) : digits.startsWith("0") ? parseInt(digits, 8) : Number(digits);
  return m[1] === "-" ? -n : n;
}

/** Per-device knobs under net/ipv4/conf/SCOPE/ that Linux 2.6.32 has. */
export const CONF_KNOBS: readonly string[] = [
  "forwarding", "mc_forwarding", "medium_id", "proxy_arp", "shared_media", "secure_redirects", "send_redirects", "accept_redirects",
  "accept_source_route", "rp_filter", "arp_filter", "arp_announce", "arp_ignore", "arp_accept", "arp_notify", "bootp_relay",
  "log_martians", "tag", "disable_xfrm", "disable_policy", "force_igmp_version", "promote_secondaries",
];

/** Per-device knobs under net/ipv4/neigh/SCOPE/ (retrans_time, proxy_delay, locktime, anycast_delay in USER_HZ ticks of 1/100 s). */
export const NEIGH_KNOBS: readonly string[] = [
  "mcast_solicit", "ucast_solicit", "app_solicit", "retrans_time", "base_reachable_time", "delay_first_probe_time", "gc_stale_time",
  "unres_qlen", "proxy_qlen", "anycast_delay", "proxy_delay", "locktime", "retrans_time_ms", "base_reachable_time_ms",
];

/** net/bridge/ knobs (present once the bridge module is loaded). */
export const BRIDGE_KNOBS: readonly string[] = [
  "bridge-nf-call-arptables", "bridge-nf-call-iptables", "bridge-nf-call-ip6tables", "bridge-nf-filter-vlan-tagged", "bridge-nf-filter-pppoe-tagged",
];

const IPV4_SCALARS: readonly string[] = [
  "ip_forward", "ip_default_ttl", "ip_no_pmtu_disc", "min_pmtu", "mtu_expires", "min_adv_mss", "ip_local_port_range", "ip_nonlocal_bind",
  "ip_dynaddr", "xfrm4_gc_thresh", "rt_cache_rebuild_count",
];
const IPV4_FAMILIES = /^(tcp_|icmp_|igmp_|ipfrag_|inet_peer_|cipso_|udp_)/;
const IPV4_TREES = ["route", "neigh", "conf", "netfilter"];

/** Whether Linux 2.6.32 has this /proc/sys path (judged only under net/ipv4 and net/bridge; elsewhere assumed). */
export function knownKey(path: string): boolean {
  const parts = path.slice("/proc/sys/".length).split("/");
  if (parts[0] !== "net") return true;
  if (parts[1] === "bridge") return parts.length === 3 && BRIDGE_KNOBS.includes(parts[2] ?? "");
  if (parts[1] !== "ipv4") return true;
  const top = parts[2] ?? "";
  if (parts.length === 3) return IPV4_SCALARS.includes(top) || IPV4_FAMILIES.test(top);
  if (!IPV4_TREES.includes(top)) return false;
  if (top === "conf" && parts.length === 5) return CONF_KNOBS.includes(parts[4] ?? "");
  if (top === "neigh" && parts.length === 5) return NEIGH_KNOBS.includes(parts[4] ?? "") || (parts[3] === "default" && /^gc_(interval|thresh[123])$/.test(parts[4] ?? ""));
  return top === "route" || top === "netfilter";
}

function boolSetting(last: SysctlAssignment | undefined, fallback: boolean): Setting<boolean> {
  const n = last === undefined ? undefined : kernelInt(last.value);
  if (last === undefined || n === undefined) return { value: fallback };
  return { value: n !== 0, text: last.value, span: last.span };
}

/** The settings the writes leave, in order (an invalid value changes nothing; the last valid write wins). */
export function kernelSettings(assignments: readonly SysctlAssignment[]): KernelSettings {
  const valid = assignments.filter((a) => kernelInt(a.value) !== undefined);
  const last = (...paths: string[]): SysctlAssignment | undefined => valid.filter((a) => paths.includes(a.path)).pop();
  const perDevice = (tree: "conf" | "neigh", knobs: readonly string[]): DeviceSetting[] => {
    const byKey = new Map<string, DeviceSetting>();
    for (const a of valid) {
      const parts = a.path.split("/");
      if (parts.length !== 8 || parts[5] !== tree || !knobs.includes(parts[7] ?? "")) continue;
      const scope = parts[6] ?? "";
      const name = parts[7] ?? "";
      byKey.set(`${scope}/${name}`, { scope, name, value: kernelInt(a.value) ?? 0, text: a.value, span: a.span, stage: a.stage });
    }
    return [...byKey.values()];
  };
  return {
    // In 2.6.32 ip_forward and conf/all/forwarding are one variable.
    ipForward: boolSetting(last("/proc/sys/net/ipv4/ip_forward", "/proc/sys/net/ipv4/conf/all/forwarding"), false),
    conf: perDevice("conf", CONF_KNOBS),
    neigh: perDevice("neigh", NEIGH_KNOBS),
    bridgeNfCallIptables: boolSetting(last("/proc/sys/net/bridge/bridge-nf-call-iptables"), true),
    bridgeNfCallArptables: boolSetting(last("/proc/sys/net/bridge/bridge-nf-call-arptables"), true),
    bridgeNfCallIp6tables: boolSetting(last("/proc/sys/net/bridge/bridge-nf-call-ip6tables"), true),
  };
}
