// xend's networking and dom0 memory settings as HostConfig holds them (xen-networking.md §2–4 and
// §6): the network-script run once at xend start and its VAR=VALUE arguments, the vif-script each
// vif gets unless its spec names one, the network model the pair amounts to, the uplink (`netdev`)
// and bridge those scripts will use, and dom0-min-mem / ballooning with xend 4.0's code defaults.

import type { NetworkModel, ScriptRef, Setting, XendFacts } from "../host-config.ts";
import { spanOf } from "../source-text.ts";
import { parseXendConfig, type ScriptCall } from "../sxp/index.ts";
import { readHostFile, type HostFiles } from "./files.ts";

/** Where xend reads its configuration. */
export const XEND_CONFIG = "/etc/xen/xend-config.sxp";

const DEFAULT_VIF_SCRIPT: ScriptRef = { script: "vif-bridge", path: "vif-bridge", args: [], vars: [] };

/** The file name of a script given as a name or a path. */
export function scriptName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function scriptRef(call: ScriptCall, span: ScriptRef["span"]): ScriptRef {
  const ref = { script: scriptName(call.script), path: call.script, args: call.args, vars: call.vars };
  return span === undefined ? ref : { ...ref, span };
}

/** Whether the Xen series is at least major.minor; an unknown series counts as 4.0, the simulator's target. */
export function xenAtLeast(xen: string | undefined, major: number, minor: number): boolean {
  const [a = 4, b = 0] = (xen ?? "4.0").split(".").map(Number);
  return a > major || (a === major && b >= minor);
}

/** The model a vif script and network script amount to (the vif script decides what each vif gets). */
export function networkModel(vifScript: string, networkScript: string | undefined): NetworkModel {
  if (vifScript === "vif-bridge") return networkScript === "network-bridge" ? "bridge" : "debian-bridge";
  if (vifScript === "vif-route") return "route";
  if (vifScript === "vif-nat") return "nat";
  return "custom";
}

/**
 * What network-bridge uses when its arguments do not say: `netdev` is the device holding the default
 * route (else eth0); the bridge is `xenbr<N>` before Xen 3.2 and takes the uplink's own name from 3.2
 * to 4.x (the NIC is renamed p<netdev>). `bridge=null` makes the script do nothing.
 */
export function networkBridgeNames(vars: ScriptRef["vars"], defaultRoute: string, xen: string | undefined): { netdev: Setting<string>; bridge: Setting<string> } {
  const arg = (name: string) => vars.find((v) => v.name === name)?.value;
  const netdevArg = arg("netdev");
  const netdev = netdevArg ?? defaultRoute;
  const old = xen === "3.0" || xen === "3.1";
  const bridge = arg("bridge") ?? (old ? `xenbr${/[0-9]+$/.exec(netdev)?.[0] ?? "0"}` : netdev);
  return { netdev: { value: netdev, ...(netdevArg === undefined ? {} : { text: netdevArg }) }, bridge: { value: bridge } };
}

/** Reads xend-config.sxp into XendFacts; `defaultRoute` is the device dom0's default route will use. */
export function readXend(host: HostFiles, defaultRoute: string, xen: string | undefined): XendFacts {
  const text = readHostFile(host, XEND_CONFIG, "xend refuses to start, so no domain can be created", "error");
  const parsed = text === undefined ? undefined : parseXendConfig(text, XEND_CONFIG);
  host.diagnostics.push(...(parsed?.diagnostics ?? []));
  const c = parsed?.value;
  const net = c?.networkScript;
  const networkScript = net?.value ? scriptRef(net.value, spanOf(net.range)) : null;
  const vif = c?.vifScript;
  const vifScript = vif ? scriptRef(vif.value, spanOf(vif.range)) : DEFAULT_VIF_SCRIPT;
  const model = networkModel(vifScript.script, networkScript?.script);
  const minMem = setting(c?.dom0MinMem, 0);
  return {
    file: XEND_CONFIG,
    present: text !== undefined,
    networkScript,
    vifScript,
    model,
    ...uplink(networkScript, defaultRoute, xen),
    dom0MinMem: minMem,
    enableDom0Ballooning: setting(c?.enableDom0Ballooning, minMem.value !== 0),
    dom0Cpus: setting(c?.dom0Cpus, 0),
    relocationServer: setting(c?.xendRelocationServer, false),
    relocationPort: setting(c?.xendRelocationPort, 8002),
  };
}

function setting<T>(located: { value: T; range: Parameters<typeof spanOf>[0] } | undefined, fallback: T): Setting<T> {
  return located === undefined ? { value: fallback } : { value: located.value, span: spanOf(located.range) };
}

/** The netdev (and bridge) of the network script, with the 4.0 defaults of each script. */
function uplink(script: ScriptRef | null, defaultRoute: string, xen: string | undefined): Pick<XendFacts, "netdev" | "bridge"> {
  if (script === null) return {};
  const span = script.span;
  const withSpan = (s: Setting<string>): Setting<string> => (s.text === undefined || span === undefined ? s : { ...s, span });
  const netdevArg = script.vars.find((v) => v.name === "netdev")?.value;
  if (script.script === "network-bridge") {
    const names = networkBridgeNames(script.vars, defaultRoute, xen);
    const bridgeArg = script.vars.some((v) => v.name === "bridge");
    return { netdev: withSpan(names.netdev), bridge: bridgeArg && span ? { ...names.bridge, text: names.bridge.value, span } : names.bridge };
  }
  if (script.script === "network-route" || script.script === "network-nat") {
    if (netdevArg !== undefined) return { netdev: withSpan({ value: netdevArg, text: netdevArg }) };
    // network-route up to 4.0 defaults to eth${vifnum} with vifnum never set: "eth" (fixed in 4.1).
    const buggy = script.script === "network-route" && !xenAtLeast(xen, 4, 1);
    return { netdev: { value: buggy ? "eth" : "eth0" } };
  }
  return {};
}
