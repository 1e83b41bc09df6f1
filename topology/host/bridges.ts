// The bridges, VLANs and bonds dom0 will have. A bridge comes from an iface stanza with
// `bridge_ports` (bridge-utils 1.4's if-pre-up.d/bridge: ports `none`, literal names, `all` =
// `regex eth.* noregex`, `regex RE... noregex NAME...` matched as `egrep "^RE$"` against the
// devices of /proc/net/dev; settings applied with brctl, which reads times with sscanf("%lf") and
// `bridge_stp` as on/yes/1 or off/no/0; MAXWAIT = bridge_maxwait, else 2 × (forward delay + 1)), or
// from xend's network-bridge (xen-networking.md §2: create_bridge sets STP off and forward delay 0,
// the uplink is renamed p<netdev> and enslaved), run from xend-config.sxp or from an `up` hook.

import type { BridgePort, BridgePortSetting, Hardware, HostBond, HostBridge, HostVlan, NetworkFile, ScriptRef, Setting, Spanned, XendFacts } from "../host-config.ts";
import type { Span } from "../diagnostic.ts";
import type { IfaceOption, IfaceStanza } from "../interfaces/index.ts";
import { isHook, storedName } from "../interfaces/methods.ts";
import { lineOf, type HostFiles } from "./files.ts";
import { upAtBoot } from "./network.ts";
import { networkBridgeNames, xenAtLeast } from "./xend.ts";

/** What the bridges are built from. */
export interface BridgeInputs {
  readonly host: HostFiles;
  readonly network: NetworkFile;
  readonly stanzas: readonly IfaceStanza[];
  readonly hardware: Hardware;
  readonly xend: XendFacts;
  readonly xen: string | undefined;
  readonly defaultRoute: string;
}

/** brctl's reading of a time (sscanf "%lf": the leading number); undefined when brctl refuses it. */
export function brctlSeconds(text: string): number | undefined {
  const m = /^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?/.exec(text);
  return m === null ? undefined : Number(m[0]);
}

/** brctl's reading of an integer (sscanf "%i"-like leading digits). */
export function brctlInt(text: string): number | undefined {
  const m = /^\s*[+-]?[0-9]+/.exec(text);
  return m === null ? undefined : Number(m[0]);
}

/** `brctl stp BR X`: on/yes/1 and off/no/0; anything else is refused ("expect on/off for argument"). */
export function brctlBool(text: string): boolean | undefined {
  if (["on", "yes", "1"].includes(text)) return true;
  if (["off", "no", "0"].includes(text)) return false;
  return undefined;
}

const words = (value: string): string[] => value.split(/[ \t\n\r\v\f]+/).filter((w) => w !== "");

/** The bridges dom0 will have; `devices` are the names `all` and `regex` can match (cards, VLANs, bonds). */
export function readBridges(inp: BridgeInputs, devices: readonly string[]): HostBridge[] {
  const bridges: HostBridge[] = [];
  inp.stanzas.forEach((s, i) => {
    if (s.bridge === undefined || bridges.some((b) => b.name === s.name)) return;
    const iface = inp.network.interfaces[i];
    bridges.push(stanzaBridge(s, inp, devices.filter((d) => d !== s.name), iface !== undefined && upAtBoot(inp.network, iface)));
  });
  const net = inp.xend.networkScript;
  const skip = xenAtLeast(inp.xen, 4, 1) && bridges.some((b) => b.upAtBoot); // 4.1 leaves an admin's bridge alone
  const made: HostBridge[] = [];
  if (net?.script === "network-bridge" && !skip) made.push(...networkBridge(net.vars, net.span ?? { file: inp.xend.file, line: 1, column: 1 }, true, inp));
  inp.stanzas.forEach((s, i) => {
    for (const o of s.options) {
      const vars = hookVars(o);
      const iface = inp.network.interfaces[i];
      if (vars !== undefined) made.push(...networkBridge(vars, o.span, iface !== undefined && upAtBoot(inp.network, iface), inp));
    }
  });
  for (const b of made) if (!bridges.some((x) => x.name === b.name)) bridges.push(b);
  return bridges;
}

/** The VAR=VALUE words of an `up .../network-bridge start ...` hook, or undefined for other options. */
function hookVars(o: IfaceOption): ScriptRef["vars"] | undefined {
  if (!isHook(storedName(o.name))) return undefined;
  const m = /(?:^|[\s;&|/])network-bridge\s+start\b([^;&|]*)/.exec(o.value);
  if (m === null) return undefined;
  return words(m[1] ?? "").filter((w) => w.includes("=")).map((w) => ({ name: w.slice(0, w.indexOf("=")), value: w.slice(w.indexOf("=") + 1) }));
}

function networkBridge(vars: ScriptRef["vars"], span: Span, up: boolean, inp: BridgeInputs): HostBridge[] {
  const { netdev, bridge } = networkBridgeNames(vars, inp.defaultRoute, inp.xen);
  if (bridge.value === "null") return [];
  return [{
    name: bridge.value, origin: "network-bridge", span, upAtBoot: up, portSpec: `p${netdev.value}`,
    ports: [{ name: `p${netdev.value}`, span }],
    stp: { value: false }, forwardDelay: { value: 0 }, helloTime: { value: 2 }, maxAge: { value: 20 }, ageing: { value: 300 },
    gcInterval: { value: 4 }, priority: { value: 32768 }, maxWait: { value: 0 }, pathCosts: [], portPriorities: [],
  }];
}

function stanzaBridge(s: IfaceStanza, inp: BridgeInputs, devices: readonly string[], up: boolean): HostBridge {
  const spelling = s.bridge?.option ?? "bridge_ports";
  const portOptions = s.options.filter((o) => o.key === "bridge_ports" && o.name === spelling);
  const portSpec = portOptions.map((o) => o.value).join("\n");
  const located = portOptions.flatMap((o) => words(o.value).map((name) => ({ name, span: wordSpan(inp.host, o, name) })));
  const opt = (key: string) => s.options.find((o) => o.key === key);
  const num = (key: string, fallback: number, read = brctlSeconds): Setting<number> => valued(opt(key), fallback, read);
  const forwardDelay = num("bridge_fd", 15);
  const maxwaitOpt = opt("bridge_maxwait");
  const maxWait = maxwaitOpt === undefined
    ? { value: 2 * (Math.floor(forwardDelay.value) + 1) }
    : valued(maxwaitOpt, 0, (t) => (/^[0-9]+$/.test(t) ? Number(t) : undefined)); // `[ $COUNT -lt $MAXWAIT ]` needs an integer
  const waitPort = spanned(opt("bridge_waitport"));
  const hw = spanned(opt("bridge_hw"));
  return {
    name: s.name, origin: "interfaces", span: s.span, method: s.method, upAtBoot: up, portSpec,
    ports: portSpec === "none" ? [] : expandPorts(located, devices),
    stp: valued(opt("bridge_stp"), false, brctlBool),
    forwardDelay, helloTime: num("bridge_hello", 2), maxAge: num("bridge_maxage", 20), ageing: num("bridge_ageing", 300),
    gcInterval: num("bridge_gcint", 4), priority: num("bridge_bridgeprio", 32768, brctlInt), maxWait,
    ...(waitPort === undefined ? {} : { waitPort }),
    ...(hw === undefined ? {} : { hw }),
    pathCosts: portSetting(opt("bridge_pathcost")), portPriorities: portSetting(opt("bridge_portprio")),
  };
}

/** A brctl setting: the first word of the option's value as the shell passes it, or the default. */
function valued<T>(o: IfaceOption | undefined, fallback: T, read: (text: string) => T | undefined): Setting<T> {
  if (o === undefined) return { value: fallback };
  const text = words(o.value)[0] ?? "";
  return { value: read(text) ?? fallback, text, span: o.valueSpan };
}

function spanned(o: IfaceOption | undefined): Spanned<string> | undefined {
  return o === undefined ? undefined : { value: o.value, span: o.valueSpan };
}

/** `bridge_pathcost PORT COST`: the hook passes the words to brctl, which uses the first pair. */
function portSetting(o: IfaceOption | undefined): BridgePortSetting[] {
  const [port, value] = words(o?.value ?? "");
  const n = value === undefined ? undefined : brctlInt(value);
  return o === undefined || port === undefined || n === undefined ? [] : [{ port, value: n, span: o.valueSpan }];
}

/** Where `name` sits in the option's line (the value's start when the value was continued). */
function wordSpan(host: HostFiles, o: IfaceOption, name: string): Span {
  const line = lineOf(host, o.valueSpan.file, o.valueSpan.line);
  const re = new RegExp(`(^|[ \\t])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?=$|[ \\t\\r])`, "g");
  re.lastIndex = Math.max(0, o.valueSpan.column - 2);
  const m = re.exec(line);
  if (m === null) return o.valueSpan;
  return { ...o.valueSpan, column: m.index + (m[1] ?? "").length + 1 };
}

/** The `all` / `regex` / `noregex` state machine of the bridge-utils hook. */
function expandPorts(located: readonly BridgePort[], devices: readonly string[]): BridgePort[] {
  const out: BridgePort[] = [];
  let regex = false;
  const match = (re: string, span: Span) => {
    let r: RegExp | undefined;
    try {
      r = new RegExp(`^(?:${re})$`);
    } catch {
      r = undefined; // egrep rejects it too and matches nothing
    }
    for (const d of devices) if (r?.test(d)) out.push({ name: d, span });
  };
  for (const p of located) {
    if (p.name === "all") match("eth.*", p.span);
    else if (p.name === "regex") regex = true;
    else if (p.name === "noregex") regex = false;
    else if (regex) match(p.name, p.span);
    else out.push(p);
  }
  return out;
}

/** 802.1Q interfaces: `eth0.10`, or a name with `vlan-raw-device`. */
export function readVlans(stanzas: readonly IfaceStanza[]): HostVlan[] {
  const out: HostVlan[] = [];
  for (const s of stanzas) {
    if (s.vlan !== undefined && !out.some((v) => v.name === s.name)) out.push({ name: s.name, rawDevice: s.vlan.rawDevice, id: s.vlan.id, span: s.span });
  }
  return out;
}

/** Bonding masters with their slaves (`bond-slaves`, Squeeze's `slaves`, or `bond-master` on a slave). */
export function readBonds(stanzas: readonly IfaceStanza[]): HostBond[] {
  const out: HostBond[] = [];
  for (const s of stanzas) {
    const old = s.options.find((o) => o.name === "slaves");
    if ((s.bond === undefined || s.bond.master !== undefined) && old === undefined) continue;
    if (out.some((b) => b.name === s.name)) continue;
    const slaves = [...(s.bond?.slaves ?? []), ...words(old?.value ?? "").filter((w) => w !== "none")];
    for (const t of stanzas) if (t.bond?.master === s.name && !slaves.includes(t.name)) slaves.push(t.name);
    const mode = s.bond?.mode;
    out.push(mode === undefined ? { name: s.name, slaves, span: s.span } : { name: s.name, slaves, mode, span: s.span });
  }
  return out;
}
