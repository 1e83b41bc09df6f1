// What a stanza means beyond ifupdown's own grammar: its address (`address A/N` split the way the
// method splits it), bridge ports (bridge-utils-interfaces(5): `bridge_ports` or `bridge-ports`),
// VLAN (interfaces(5) "VLAN INTERFACES": `eth0.10`, or vlan(8)'s `vlan-raw-device`), bonding
// (ifenslave's `bond-*`), and the mistakes that parse fine but break the interface at boot.

import { isIPv6 } from "node:net";
import { diagnostic, type Diagnostic } from "../diagnostic.ts";
import { inetPton4, strtokAll } from "./clib.ts";
import { isHook, storedName, type MethodSpec } from "./methods.ts";
import type { StanzaDraft } from "./stanza-lines.ts";
import type { AddressFact, BondFact, BridgeFact, IfaceOption, IfaceStanza, VlanFact } from "./types.ts";
import { computeV4Addr, computeV4Mask, foldOptions, resolveVariables } from "./variables.ts";

const KNOWN_EXTENSION_KEYS: readonly string[] = [
  "bridge_ports", "bridge_ageing", "bridge_bridgeprio", "bridge_fd", "bridge_gcint", "bridge_hello", "bridge_hw",
  "bridge_maxage", "bridge_maxwait", "bridge_pathcost", "bridge_portprio", "bridge_stp", "bridge_waitport",
  "bridge_vlan_aware", "bridge_vids", "bridge_pvid", "bridge_access", "bridge_mcsnoop", "bridge_learning",
  "bond_slaves", "bond_master", "bond_mode", "bond_miimon", "bond_primary", "bond_updelay", "bond_downdelay",
  "bond_lacp_rate", "bond_xmit_hash_policy", "bond_ad_select", "bond_arp_interval", "bond_arp_ip_target",
  "bond_use_carrier", "bond_primary_reselect", "bond_fail_over_mac", "bond_min_links", "bond_give_a_chance",
  "vlan_raw_device", "vlan_id", "vlan_protocol",
];

/** Result of looking at one stanza. */
export interface Recognised {
  readonly stanza: IfaceStanza;
  readonly diagnostics: readonly Diagnostic[];
}

function first(options: readonly IfaceOption[], key: string): IfaceOption | undefined {
  return options.find((o) => o.key === key);
}

function words(value: string): string[] {
  return value.split(/[ \t\n\r\v\f]+/).filter((w) => w !== "");
}

function v4Address(s: StanzaDraft, out: Diagnostic[]): AddressFact | undefined {
  const vars = foldOptions(s.options);
  const addr = vars.find((v) => v.name === "address");
  const opt = first(s.options, "address");
  if (addr === undefined || opt === undefined) return undefined;
  const address = computeV4Addr(addr.value);
  const netmask = vars.find((v) => v.name === "netmask")?.value ?? computeV4Mask(addr.value);
  if (inetPton4(address) === undefined) {
    out.push(diagnostic("interfaces/invalid-address", "error", `"${address}" is not an IPv4 address: \`ip addr add\` fails and ${s.name} is not brought up`, opt.valueSpan, "write `address 192.0.2.10/24`"));
    return undefined;
  }
  const prefix = prefixOf(netmask);
  if (prefix === undefined) {
    out.push(diagnostic("interfaces/invalid-netmask", "error", `netmask "${netmask}" is neither dotted nor a prefix length 0-32: \`ip addr add\` fails and ${s.name} is not brought up`, opt.valueSpan));
    return undefined;
  }
  const slash = strtokAll(addr.value, "/")[1];
  if (slash !== undefined && !/^(3[0-2]|[12]?[0-9])$/.test(slash) && inetPton4(slash) === undefined && !vars.some((v) => v.name === "netmask")) {
    out.push(diagnostic("interfaces/odd-prefix", "warning", `prefix "/${slash}" is not 0-32: ifupdown computes netmask ${netmask}`, opt.valueSpan));
  }
  const dotted = inetPton4(netmask) === undefined ? undefined : netmask;
  return dotted === undefined
    ? { address, prefixLength: prefix, span: opt.valueSpan }
    : { address, prefixLength: prefix, netmask: dotted, span: opt.valueSpan };
}

/** Prefix length of a dotted contiguous mask or of a bare number 0-32. */
function prefixOf(netmask: string): number | undefined {
  if (/^(3[0-2]|[12]?[0-9])$/.test(netmask)) return Number(netmask);
  const m = inetPton4(netmask);
  if (m === undefined) return undefined;
  const inverted = ~m >>> 0;
  if ((inverted & (inverted + 1)) !== 0) return undefined;
  return 32 - Math.log2(inverted + 1);
}

function v6Address(s: StanzaDraft, out: Diagnostic[]): AddressFact | undefined {
  const vars = foldOptions(s.options);
  const addr = vars.find((v) => v.name === "address");
  const opt = first(s.options, "address");
  if (addr === undefined || opt === undefined) return undefined;
  const parts = strtokAll(addr.value, "/");
  const address = parts[0] ?? "";
  const prefixText = vars.find((v) => v.name === "netmask")?.value ?? parts[1] ?? "128";
  const prefix = /^(12[0-8]|1[01][0-9]|[1-9]?[0-9])$/.test(prefixText) ? Number(prefixText) : undefined;
  if (!isIPv6(address) || prefix === undefined) {
    out.push(diagnostic("interfaces/invalid-address", "error", `"${addr.value}" is not an IPv6 address/prefix: \`ip -6 addr add\` fails and ${s.name} is not brought up`, opt.valueSpan, "write `address 2001:db8::10/64`"));
    return undefined;
  }
  return { address, prefixLength: prefix, span: opt.valueSpan };
}

function bridgeOf(s: StanzaDraft, out: Diagnostic[]): BridgeFact | undefined {
  const ports = s.options.filter((o) => o.key === "bridge_ports");
  const opt = ports[0];
  if (opt === undefined) return undefined;
  const spellings = new Set(ports.map((o) => o.name));
  if (spellings.size > 1) {
    out.push(diagnostic("interfaces/bridge-ports-twice", "warning", `both ${[...spellings].join(" and ")} are given: the bridge hook sees IF_BRIDGE_PORTS twice and which one it uses is unreliable`, ports[1]?.span ?? opt.span, "keep one spelling"));
  }
  const list = words(foldOptions(ports.filter((o) => o.name === opt.name)).find((v) => v.name === opt.name)?.value ?? "");
  return { ports: list.length === 1 && list[0] === "none" ? [] : list, option: opt.name, span: opt.valueSpan };
}

function vlanOf(s: StanzaDraft, out: Diagnostic[]): VlanFact | undefined {
  const raw = first(s.options, "vlan_raw_device");
  const base = s.name.split(":")[0] ?? s.name;
  const dotted = base.includes(".") ? strtokAll(base, ".") : undefined;
  const numbered = /^vlan([0-9]+)$/.exec(base);
  const idText = dotted?.[1] ?? numbered?.[1];
  const rawDevice = raw?.value ?? dotted?.[0];
  if (idText === undefined || rawDevice === undefined || !/^[0-9]+$/.test(idText)) return undefined;
  const id = Number(idText);
  if (id > 4095) {
    out.push(diagnostic("interfaces/invalid-vlan-id", "warning", `VLAN id ${idText} of ${s.name} is outside 0-4095: the VLAN device cannot be created`, s.span));
    return undefined;
  }
  return { rawDevice, id, span: raw?.valueSpan ?? s.span };
}

function bondOf(s: StanzaDraft): BondFact | undefined {
  const bond = s.options.filter((o) => o.key.startsWith("bond_"));
  const at = bond[0];
  if (at === undefined) return undefined;
  const get = (key: string): string | undefined => first(bond, key)?.value;
  const slaves = words(get("bond_slaves") ?? "");
  const fact: BondFact = { slaves: slaves.length === 1 && slaves[0] === "none" ? [] : slaves, span: at.span };
  const master = get("bond_master");
  const mode = get("bond_mode");
  const primary = get("bond_primary");
  return {
    ...fact,
    ...(master === undefined ? {} : { master }),
    ...(mode === undefined ? {} : { mode }),
    ...(primary === undefined ? {} : { primary }),
  };
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** Option-level mistakes: typos of known extension options, end-of-line comments, repeats, ignored options. */
function lintOptions(s: StanzaDraft, spec: MethodSpec | undefined, out: Diagnostic[]): void {
  const seen = new Map<string, IfaceOption>();
  for (const o of s.options) {
    const name = storedName(o.name);
    const earlier = seen.get(name);
    if (earlier !== undefined && !isHook(name) && o.inheritedFrom === undefined) {
      out.push(diagnostic("interfaces/repeated-option", "warning", `${o.name} given again (first on line ${earlier.span.line}): ifupdown 0.8 joins the values with a newline (only the first address counts), ifupdown 0.6 (Squeeze) rejects the file with "duplicate option"`, o.span, "give each option once; for a second address use another iface stanza"));
    }
    seen.set(name, earlier ?? o);
    if (!isHook(name) && /[ \t]#/.test(o.value)) {
      out.push(diagnostic("interfaces/end-of-line-comment", "warning", `"#" does not start a comment here: the value of ${o.name} is "${o.value}"`, o.valueSpan, "put comments on a line of their own"));
    }
    if (/^(bridge|bond|vlan)_/.test(o.key) && !KNOWN_EXTENSION_KEYS.includes(o.key)) {
      const near = KNOWN_EXTENSION_KEYS.find((k) => editDistance(k, o.key) === 1);
      if (near !== undefined) out.push(diagnostic("interfaces/unknown-option", "warning", `unknown option ${o.name} is ignored (did you mean ${near}?)`, o.span));
    }
    if (spec !== undefined && ["address", "netmask", "gateway"].includes(o.name) && !spec.options.includes(o.name)) {
      out.push(diagnostic("interfaces/ignored-option", "warning", `${o.name} does nothing in an ${s.family} ${s.method} stanza: ${s.name} gets no such setting`, o.span, "use `inet static` for a fixed address"));
    }
  }
}

function checkRequired(s: StanzaDraft, spec: MethodSpec, out: Diagnostic[]): void {
  const vars = resolveVariables(foldOptions(s.options), spec, s.name);
  const missing = spec.required.filter((r) => !vars.some((v) => v.name === r && v.value !== ""));
  if (missing.length === 0) return;
  out.push(diagnostic("interfaces/missing-option", "error", `${s.family} ${s.method} stanza without ${missing.join(", ")}: ifup fails with "missing required configuration variables for interface ${s.name}/${s.family}" and the interface stays down`, s.span));
}

/** Freezes a stanza draft, adding the facts later code needs and the diagnostics about it. */
export function recogniseStanza(s: StanzaDraft, spec: MethodSpec | undefined): Recognised {
  const out: Diagnostic[] = [];
  lintOptions(s, spec, out);
  if (spec !== undefined) checkRequired(s, spec, out);
  const address = s.method !== "static" ? undefined : s.family === "inet" ? v4Address(s, out) : s.family === "inet6" ? v6Address(s, out) : undefined;
  const bridge = bridgeOf(s, out);
  const vlan = vlanOf(s, out);
  const bond = bondOf(s);
  const stanza: IfaceStanza = {
    ...s,
    ...(address === undefined ? {} : { address }),
    ...(bridge === undefined ? {} : { bridge }),
    ...(vlan === undefined ? {} : { vlan }),
    ...(bond === undefined ? {} : { bond }),
  };
  return { stanza, diagnostics: out };
}
