// The naming scheme of the live graph, written down once (as Mininet names its nodes in one place):
// node ids `dom0`, `dom0-stack`, `dom0:DEV` for dom0's devices, `domU:NAME` for a guest's box and
// `NAME:DEV` for its interfaces, `world:NAME` for the world's nodes (lan, router, dhcp, internet,
// and its hosts); edge ids `KIND:NODE:DEV`, named after the device on the host side of the edge
// (`link:dom0:eth0`, `port:dom0:vif1.0`, `netif:dom0:vif1.0`, `uplink:dom0:xenbr0`,
// `route:dom0:vif1.0`, `link:router:eth1`). Frame events and graph edges share these ids.
import type { LiveEdge } from "../api-types.ts";
import type { Machine } from "../../hypervisor/machine/machine.ts";

/** dom0's box. */
export const DOM0 = "dom0";
/** dom0's IPv4 stack, inside its box. */
export const DOM0_STACK = "dom0-stack";

/** The node id of a device of `node` (dom0, a guest, a world host). */
export function deviceNodeId(node: string, dev: string): string {
  return `${node}:${dev}`;
}

/** The box of a guest domain. */
export function domainNodeId(name: string): string {
  return `domU:${name}`;
}

/** A world node (`lan`, `router`, `dhcp`, `internet`, a host's name). */
export function worldNodeId(name: string): string {
  return `world:${name}`;
}

/** An edge id, named by its kind and the device at its host end. */
export function edgeId(kind: LiveEdge["kind"], node: string, dev: string): string {
  return `${kind}:${node}:${dev}`;
}

/** Where each vif of the running domains leads: vif backend name → guest name and frontend device. */
export function vifFronts(machine: Machine): Map<string, { readonly guest: string; readonly dev: string }> {
  const fronts = new Map<string, { guest: string; dev: string }>();
  for (const dom of machine.xen.hypervisor.domains()) {
    if (dom.privileged) continue;
    for (const vif of dom.vifs.values()) fronts.set(vif.name, { guest: dom.name, dev: `eth${vif.device.devid}` });
  }
  return fronts;
}

/** The edge kind that joins an unbridged vif to dom0's stack: nat under vif-nat, route otherwise. */
export function vifStackKind(machine: Machine): "route" | "nat" {
  return machine.xen.xend.vifScript.script === "vif-nat" ? "nat" : "route";
}
