// What several checks need to know about a host, computed once from its HostConfig: which devices
// will exist, which bridges are up when domains start, dom0's connected IPv4 subnets, and which
// script and bridge each vif gets (xen-networking.md §2.4: vif-bridge takes the spec's `bridge=`,
// else the first bridge `brctl show` lists, which is the alphabetically first).
//
// How "exists" is judged without the hardware: a device exists when it is one of the host's network
// cards (Hardware: given by the caller, else udev's 70-persistent-net.rules, else one `eth0`), when
// the configuration creates it (a bridge, a bond, a VLAN on an existing device — with a stanza, or
// as `raw.N` named as a bridge port, which bridge-utils' vlan hook creates —, the p<netdev> NIC
// network-bridge renames), or when it has a stanza of its own and either the cards are not really
// known (default list) or its name is not a network card's (tap0, ppp0, usb0: made by hooks).

import type { Diagnostic, Severity, Span } from "../diagnostic.ts";
import { diagnostic } from "../diagnostic.ts";
import type { HostBridge, HostConfig, HostDomain, HostInterface, HostVif } from "../host-config.ts";
import { scriptName } from "../host/xend.ts";
import { ipv4ToString, parseIpv4, prefixToMask, type Ipv4 } from "../../netsim/wire/address.ts";

/** One static check: a pure function of the host. */
export type HostCheck = (config: HostConfig) => readonly Diagnostic[];

/** Builds a finding; every check speaks through it so code, severity, message, span and hint stay together. */
export function finding(code: string, severity: Severity, message: string, span: Span, hint?: string): Diagnostic {
  return diagnostic(code, severity, message, span, hint);
}

/** `line N` for a span in the same file as `from`, else `file:N`. */
export function where(span: Span, from: Span): string {
  return span.file === from.file ? `line ${span.line}` : `${span.file}:${span.line}`;
}

/** C-locale (strcmp) order, as brctl's alphasort and the shell's globs use. */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Names that belong to network cards rather than to devices a hook creates. */
export function looksPhysical(name: string): boolean {
  return /^(eth|en|em|wlan|wl|p[0-9])/.test(name);
}

/** Whether a device of that name will exist on the host (see the file header). */
export function deviceExists(c: HostConfig, name: string, depth = 0): boolean {
  if (depth > 8) return false;
  if (c.hardware.nics.some((n) => n.name === name)) return true;
  if (c.bridges.some((b) => b.name === name || (b.origin === "network-bridge" && b.ports.some((p) => p.name === name)))) return true;
  if (c.bonds.some((b) => b.name === name)) return true;
  const vlan = c.vlans.find((v) => v.name === name);
  if (vlan !== undefined) return deviceExists(c, vlan.rawDevice, depth + 1);
  // A `raw.N` port with no stanza: the bridge hook runs the vlan hook on each port, which creates it.
  const dotted = /^(.+)\.([0-9]+)$/.exec(name);
  if (dotted?.[1] !== undefined && Number(dotted[2]) <= 4095 && deviceExists(c, dotted[1], depth + 1)) return true;
  const stanza = c.network.interfaces.some((i) => i.name === name);
  return stanza && (c.hardware.source === "default" || !looksPhysical(name));
}

/** The bridges that exist when xendomains starts the guests, in `brctl show` order. */
export function bridgesAtBoot(c: HostConfig): HostBridge[] {
  return c.bridges.filter((b) => b.upAtBoot).sort((a, b) => byteOrder(a.name, b.name));
}

/** The script that will run for a vif: its own `script=`, else xend's vif-script. */
export function vifScript(c: HostConfig, vif: HostVif): string {
  return vif.script === undefined ? c.xend.vifScript.script : scriptName(vif.script.value);
}

/** The domain's name for messages (its file when it has none). */
export function domainName(d: HostDomain): string {
  return d.name?.value ?? d.file;
}

/** The IPv4 stanzas configured at boot: the file accepted, and `auto`, or `allow-hotplug` for a card udev will announce. */
export function bootInterfaces(c: HostConfig): HostInterface[] {
  if (c.network.rejected) return [];
  const card = (name: string) => c.hardware.nics.some((n) => n.name === name);
  return c.network.interfaces.filter((i) => i.family === "inet" && (i.classes.includes("auto") || (i.classes.includes("hotplug") && card(i.name))));
}

/** A connected IPv4 subnet of dom0. */
export interface Subnet {
  readonly iface: string;
  /** The kernel device (`eth0` for the alias `eth0:1`). */
  readonly device: string;
  readonly address: Ipv4;
  readonly prefix: number;
  readonly network: Ipv4;
  readonly text: string;
  readonly span: Span;
}

/** dom0's static IPv4 subnets, from every `inet static` stanza with a valid address. */
export function staticSubnets(c: HostConfig): Subnet[] {
  const out: Subnet[] = [];
  for (const i of c.network.interfaces) {
    if (i.family !== "inet" || i.method !== "static" || i.address === undefined) continue;
    const address = parseIpv4(i.address.address);
    if (address === undefined) continue;
    const prefix = i.address.prefixLength;
    const network = (address & prefixToMask(prefix)) >>> 0;
    out.push({ iface: i.name, device: i.name.split(":")[0] ?? i.name, address, prefix, network, text: `${i.address.address}/${prefix}`, span: i.address.span });
  }
  return out;
}

/** Whether `ip` lies in the subnet. */
export function inSubnet(s: { readonly network: Ipv4; readonly prefix: number }, ip: Ipv4): boolean {
  return ((ip & prefixToMask(s.prefix)) >>> 0) === s.network;
}

/** Dotted form of a network number with its prefix. */
export function cidr(s: Subnet): string {
  return `${ipv4ToString(s.network)}/${s.prefix}`;
}
