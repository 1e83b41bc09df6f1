// What Xen's network and vif scripts act on: dom0's kernel (its IPv4 stack, devices and netfilter),
// its filesystem, its ifupdown (network-bridge calls ifdown and ifup), and the log their output goes
// to — xend runs them with stdout and stderr in /var/log/xen/xend-debug.log. Each script step that
// runs a program takes a few ms of simulated time. The helpers here are the shell functions of
// xen-network-common.sh and xen-hotplug-common.sh the scripts share.

import type { Sim } from "../../netsim/engine/index.ts";
import type { NetDev } from "../../netsim/l2/index.ts";
import type { Ipv4Stack, Netfilter } from "../../netsim/l3/index.ts";
import type { HostNode } from "../host-tools/index.ts";
import type { SimFs } from "../sim-fs.ts";

/** dom0 as the scripts see it (see the file header). */
export interface ScriptHost {
  readonly sim: Sim;
  readonly fs: SimFs;
  readonly stack: Ipv4Stack;
  readonly node: HostNode;
  readonly netfilter: Netfilter;
  /** The Xen series dom0 runs ("4.0" on Squeeze, "3.0" on Etch, "3.2" on Lenny). */
  readonly xen: string;
  ifup(name: string, done: (ok: boolean) => void): void;
  ifdown(name: string, done: (ok: boolean) => void): void;
  /** A line for xend's debug log (the scripts' stdout and stderr). */
  log(text: string): void;
}

/** Time a script takes per program it runs (ip, brctl, iptables…), µs. */
export const PROGRAM_US = 5_000;

/** `VAR=VALUE` words as the scripts' evalVariables sets them. */
export function scriptVars(vars: readonly { readonly name: string; readonly value: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of vars) out[v.name] = v.value;
  return out;
}

/** The device named in dom0's default route (`ip route list 0.0.0.0/0`), if any. */
export function defaultRouteDevice(stack: Ipv4Stack): string | undefined {
  return stack.routes().find((r) => r.dst === 0 && r.prefix === 0)?.dev;
}

/** `ip link set OLD name NEW`: refused while the device is up or when NEW exists. */
export function renameLink(h: ScriptHost, dev: NetDev | undefined, from: string, to: string): boolean {
  if (dev === undefined) {
    h.log(`Cannot find device "${from}"\n`);
    return false;
  }
  if (h.node.device(to) !== undefined) {
    h.log("RTNETLINK answers: File exists\n");
    return false;
  }
  if (dev.isUp) {
    h.log("RTNETLINK answers: Device or resource busy\n");
    return false;
  }
  dev.rename(to);
  return true;
}

/** setup_bridge_port: `ip link set DEV down; ip addr flush DEV`. */
export function setupBridgePort(h: ScriptHost, dev: NetDev): void {
  dev.setUp(false);
  h.stack.flushAddresses(dev.name);
}

/** Runs `iptables ARGS` on dom0, logging what it prints; returns its exit status. */
export function iptables(h: ScriptHost, argv: readonly string[]): number {
  const r = h.netfilter.iptables(argv);
  if (r.stdout !== "" || r.stderr !== "") h.log(r.stdout + r.stderr);
  return r.exitCode;
}
