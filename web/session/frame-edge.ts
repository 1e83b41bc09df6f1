// Which drawn edge a frame event crosses, so the page can animate it (ids from graph-ids.ts). A
// transmitted frame leaves over its device's medium: a card's cable to the LAN ("link"), a vif's or
// a guest interface's shared ring ("netif"), the bridge device's hand-off from dom0's stack
// ("uplink"). A received frame is drawn going inwards: into the bridge from a port ("port"), or up
// to dom0's stack ("uplink", "route", "nat"); a frame received by a guest or a world host has
// already been drawn by its transmission.
import type { Machine } from "../../hypervisor/machine/machine.ts";
import { BridgePort, type NetDev } from "../../netsim/l2/index.ts";
import { DOM0, edgeId, vifFronts, vifStackKind } from "./graph-ids.ts";

/** The edge a frame seen on `node`'s `dev` in `direction` crosses, if it is drawn. */
export function frameEdge(machine: Machine, node: string, dev: string, direction: "rx" | "tx"): string | undefined {
  if (node === DOM0) return dom0Edge(machine, dev, direction);
  if (direction === "rx") return undefined;
  if (node === "lan") return lanPortEdge(machine, dev);
  if (machine.world.stacks.has(node)) return edgeId("link", node, dev);
  if (machine.guests.of(node) !== undefined) return guestEdge(machine, node, dev);
  return undefined;
}

function dom0Edge(machine: Machine, name: string, direction: "rx" | "tx"): string | undefined {
  const dom0 = machine.dom0;
  const dev = dom0?.node.device(name);
  if (dom0 === null || dev === undefined) return undefined;
  const inward = inwardEdge(machine, dev, dom0.stack);
  if (direction === "rx") return inward;
  if (dev.kind === "netback") return vifFronts(machine).has(name) ? edgeId("netif", DOM0, name) : undefined;
  const nic = machine.nics.find((n) => n === dev);
  if (nic !== undefined) return machine.world.cableOf(nic) ? edgeId("link", DOM0, name) : undefined;
  return inward;
}

function inwardEdge(machine: Machine, dev: NetDev, stack: unknown): string | undefined {
  if (dev.sink instanceof BridgePort) return edgeId("port", DOM0, dev.name);
  if (dev.sink !== stack) return undefined;
  return edgeId(dev.kind === "netback" ? vifStackKind(machine) : "uplink", DOM0, dev.name);
}

/** A LAN switch port cabled to one of dom0's cards carries that card's link. */
function lanPortEdge(machine: Machine, port: string): string | undefined {
  for (const nic of machine.nics) {
    const cable = machine.world.cableOf(nic);
    if (cable !== undefined && cable.a.name === port && cable.a.node === "lan") return edgeId("link", DOM0, nic.name);
  }
  return undefined;
}

/** A guest interface's frames cross the netif edge of the vif that backs it. */
function guestEdge(machine: Machine, guest: string, dev: string): string | undefined {
  for (const [vif, front] of vifFronts(machine)) if (front.guest === guest && front.dev === dev) return edgeId("netif", DOM0, vif);
  return undefined;
}
