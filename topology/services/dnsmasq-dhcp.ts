// The DHCP options of dnsmasq 2.55's option.c, field by field as it splits them: `dhcp-range`
// (leading tags, start, end or `static`/`proxy`, a netmask and a broadcast address when the field
// holds a dot, then the lease: a number with an optional s/m/h/d suffix, at least 120 s, or
// `infinite`; start and end are swapped when reversed; with a netmask both ends must lie in one
// subnet, else "inconsistent DHCP range"), `dhcp-host` (any field with `:` is a MAC, `id:` or
// `net:`; a dotted address; a lease; `infinite`; `ignore`; else a host name) and `dhcp-option`
// (tags, then a decimal code or `option:NAME`; options dnsmasq knows to hold addresses must be
// dotted addresses, "bad IP address"). Addresses are read with inet_addr(3) as dnsmasq does.

import { inetAddr } from "./inet-addr.ts";

/** One comma-separated field of an option's value and its offset in the value. */
export interface Field {
  readonly text: string;
  readonly offset: number;
}

/** dnsmasq's split(): fields at commas, blanks after a comma and before it dropped. */
export function splitFields(arg: string): Field[] {
  const out: Field[] = [];
  let start = 0;
  for (;;) {
    const comma = arg.indexOf(",", start);
    const end = comma < 0 ? arg.length : comma;
    const raw = arg.slice(start, end);
    const lead = out.length === 0 ? 0 : raw.length - raw.trimStart().length;
    out.push({ text: raw.slice(lead).trimEnd(), offset: start + lead });
    if (comma < 0) return out;
    start = comma + 1;
  }
}

/** A result of one option's value. */
export type OptionResult<T> = { readonly ok: true; readonly value: T; readonly warning?: string } | { readonly ok: false; readonly error: string };

const fail = <T>(error: string): OptionResult<T> => ({ ok: false, error });

/** A lease length as dnsmasq reads it (atoi after an optional unit suffix; at least 120 s). */
function leaseTime(text: string): number | "infinite" | undefined {
  if (text === "infinite") return "infinite";
  if (text === "") return undefined;
  const unit = text.charAt(text.length - 1).toLowerCase();
  const fac = unit === "d" ? 86400 : unit === "h" ? 3600 : unit === "m" ? 60 : 1;
  const digits = "dhms".includes(unit) ? text.slice(0, -1) : text;
  const n = Number.parseInt(/^[ \t]*[-+]?[0-9]*/.exec(digits)?.[0] ?? "", 10);
  return Math.max(120, (Number.isNaN(n) ? 0 : n) * fac);
}

const dotted = (n: number): string => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** A parsed `dhcp-range` (lease time in seconds, at least 120, or infinite; 3600 when not given). */
export interface RangeValue {
  readonly start: string;
  readonly end: string;
  readonly mode: "dynamic" | "static" | "proxy";
  readonly netmask?: string;
  readonly broadcast?: string;
  readonly leaseTime: number | "infinite";
  readonly tags: readonly string[];
}

/** `dhcp-range`. */
export function parseRange(arg: string): OptionResult<RangeValue> {
  const fields = splitFields(arg);
  const tags: string[] = [];
  while (fields.length > 1 && /[^ .0-9]/.test(fields[0]?.text ?? "")) tags.push(fields.shift()?.text ?? "");
  const a = fields.map((f) => f.text);
  if (a.length > 5) a.splice(4, a.length - 4, a.slice(4).join(","));
  const start = a.length >= 2 ? inetAddr(a[0] ?? "") : undefined;
  const mode = a[1] === "static" || a[1] === "proxy" ? a[1] : "dynamic";
  const end = mode === "dynamic" ? inetAddr(a[1] ?? "") : start;
  if (start === undefined || end === undefined) return fail("bad dhcp-range");
  const [lo, hi] = start > end ? [end, start] : [start, end];
  let leasePos = 2;
  let netmask: number | undefined;
  let broadcast: number | undefined;
  if (a.length >= 3 && a[2]?.includes(".") && inetAddr(a[2]) !== undefined) {
    netmask = inetAddr(a[2]) ?? 0;
    leasePos = 3;
    if (((lo & netmask) >>> 0) !== ((hi & netmask) >>> 0)) return fail("inconsistent DHCP range");
  }
  if (a.length >= 4 && a[3]?.includes(".") && inetAddr(a[3]) !== undefined) {
    broadcast = inetAddr(a[3]) ?? 0;
    leasePos = 4;
  }
  const lease = a.length >= leasePos + 1 ? leaseTime(a[leasePos] ?? "") : undefined;
  return {
    ok: true,
    value: {
      start: dotted(lo), end: dotted(hi), mode, tags, leaseTime: lease ?? 3600,
      ...(netmask === undefined ? {} : { netmask: dotted(netmask) }),
      ...(broadcast === undefined ? {} : { broadcast: dotted(broadcast) }),
    },
  };
}

/** A parsed `dhcp-host`. */
export interface HostValue {
  readonly macs: readonly string[];
  readonly ip?: string;
  readonly hostname?: string;
  readonly leaseTime?: number | "infinite";
  readonly ignore: boolean;
}

/** `dhcp-host`. */
export function parseHost(arg: string): OptionResult<HostValue> {
  const fields = splitFields(arg).map((f) => f.text);
  if (fields.length > 6) fields.splice(5, fields.length - 5, fields.slice(5).join(","));
  const macs: string[] = [];
  let ip: string | undefined;
  let hostname: string | undefined;
  let lease: number | "infinite" | undefined;
  let ignore = false;
  for (const f of fields) {
    if (f.includes(":")) {
      if (!/^(id|net):/i.test(f)) macs.push(f.toLowerCase());
    } else if (f.includes(".") && inetAddr(f) !== undefined) {
      ip = dotted(inetAddr(f) ?? 0);
    } else if (f.length > 1 && /^[0-9 ]+[dhmsDHMS]?$/.test(f)) {
      lease = leaseTime(f);
    } else if (/^[0-9 ]*$/.test(f)) {
      lease = leaseTime(f === "" ? "0" : f);
    } else if (f === "infinite") {
      lease = "infinite";
    } else if (f === "ignore") {
      ignore = true;
    } else if (/^[A-Za-z0-9_-]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?\.?$/.test(f)) {
      hostname = f;
    } else return fail("bad DHCP host name");
  }
  return { ok: true, value: { macs, ignore, ...(ip === undefined ? {} : { ip }), ...(hostname === undefined ? {} : { hostname }), ...(lease === undefined ? {} : { leaseTime: lease }) } };
}

/** dnsmasq 2.55's named DHCP options: name → [code, holds a list of addresses]. */
const OPTION_NAMES: Readonly<Record<string, readonly [number, boolean]>> = {
  netmask: [1, true], "time-offset": [2, false], router: [3, true], "dns-server": [6, true], "log-server": [7, true], "lpr-server": [9, true],
  "boot-file-size": [13, false], "domain-name": [15, false], "swap-server": [16, true], "root-path": [17, false], "extension-path": [18, false],
  "ip-forward-enable": [19, false], "non-local-source-routing": [20, false], "policy-filter": [21, true], "max-datagram-reassembly": [22, false],
  "default-ttl": [23, false], mtu: [26, false], "all-subnets-local": [27, false], "router-discovery": [31, false],
  "router-solicitation": [32, true], "static-route": [33, true], "trailer-encapsulation": [34, false], "arp-timeout": [35, false],
  "ethernet-encap": [36, false], "tcp-ttl": [37, false], "tcp-keepalive": [38, false], "nis-domain": [40, false], "nis-server": [41, true],
  "ntp-server": [42, true], "netbios-ns": [44, true], "netbios-dd": [45, true], "netbios-nodetype": [46, false], "netbios-scope": [47, false],
  "x-windows-fs": [48, true], "x-windows-dm": [49, true], "vendor-class": [60, false], "nis+-domain": [64, false], "nis+-server": [65, true],
  "tftp-server": [66, false], "bootfile-name": [67, false], "mobile-ip-home": [68, true], "smtp-server": [69, true], "pop3-server": [70, true],
  "nntp-server": [71, true], "irc-server": [74, true], "user-class": [77, false], "client-arch": [93, false], "client-interface-id": [94, false],
  "client-machine-id": [97, false], "domain-search": [119, false], "sip-server": [120, false], "classless-static-route": [121, false],
  "server-ip-address": [255, true],
};

/** A parsed `dhcp-option`. */
export interface DhcpOptionValue {
  readonly code: number;
  readonly name?: string;
  readonly tags: readonly string[];
  readonly value: string;
  readonly addresses?: readonly string[];
}

/** The option name dnsmasq prints for a code. */
export function optionName(code: number): string | undefined {
  return Object.keys(OPTION_NAMES).find((n) => OPTION_NAMES[n]?.[0] === code);
}

/** `dhcp-option` / `dhcp-option-force`. */
export function parseDhcpOption(arg: string): OptionResult<DhcpOptionValue> {
  const fields = splitFields(arg);
  const tags: string[] = [];
  let code = 0;
  let addrList = false;
  let rest: Field[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]?.text ?? "";
    rest = fields.slice(i + 1);
    if (/^[0-9]+$/.test(f)) {
      code = Number(f);
      break;
    }
    if (f.startsWith("option:")) {
      const name = Object.keys(OPTION_NAMES).find((n) => n.toLowerCase() === f.slice(7).toLowerCase());
      [code, addrList] = name === undefined ? [0, false] : (OPTION_NAMES[name] ?? [0, false]);
      break;
    }
    if (!f.startsWith("vendor:") && !f.startsWith("encap:")) tags.push(f.startsWith("net:") ? f.slice(4) : f);
  }
  if (code === 0 || code > 255) return fail("bad dhcp-option");
  const value = rest.map((f) => f.text).join(",");
  const isAddr = value !== "" && /^[0-9.,/]*$/.test(value) && !value.startsWith("/") && value.includes(".");
  if (addrList && value !== "" && !isAddr) return fail("bad IP address");
  if (value.length > 255) return fail("dhcp-option too long");
  const name = optionName(code);
  const base = { code, tags, value, ...(name === undefined ? {} : { name }) };
  if (!isAddr) return { ok: true, value: base };
  const addresses = rest.map((f) => f.text.split("/")[0] ?? "");
  const bad = addresses.find((a) => inetAddr(a) === undefined);
  const warning = bad === undefined ? undefined : `${bad} is not an address: inet_addr fails and dnsmasq sends 255.255.255.255 in its place`;
  const typed = { ...base, addresses: addresses.map((a) => (inetAddr(a) === undefined ? "255.255.255.255" : dotted(inetAddr(a) ?? 0))) };
  return warning === undefined ? { ok: true, value: typed } : { ok: true, value: typed, warning };
}
