// The booted host as the page draws it (web/api-types.ts LiveGraph): dom0's box holding its IPv4
// stack and its devices as the running kernel has them now (cards, bridges, vifs, veths), each
// running or paused guest's box with its interfaces, and the world outside (the LAN switch, the
// router with its DHCP server, the internet and its hosts). Edges: a bridge port to its bridge
// ("port"), a device dom0's stack sits on ("uplink"; "route"/"nat" for a vif under vif-route or
// vif-nat), a vif to the guest interface it backs ("netif", Xen's split driver), a card to the LAN
// ("link"). Ids follow graph-ids.ts.
import type { Machine } from "../../hypervisor/machine/machine.ts";
import type { Domain } from "../../hypervisor/domains/domain.ts";
import type { Ipv4Stack } from "../../netsim/l3/index.ts";
import { BridgePort, type NetDev } from "../../netsim/l2/index.ts";
import { ipv4ToString, macToString } from "../../netsim/wire/address.ts";
import type { LiveEdge, LiveGraph, LiveNode } from "../api-types.ts";
import { deviceNodeId, DOM0, DOM0_STACK, domainNodeId, edgeId, vifFronts, vifStackKind, worldNodeId } from "./graph-ids.ts";
import { SAVE_DIR, savedDomains } from "./domains.ts";

type Data = Record<string, string | number | boolean>;

/** A domain's state as one word, from xm's six flags (r b p s c d); "blocked" when none is set. */
export function domainState(dom: Domain): string {
  const flags = dom.stateString();
  const words = ["running", "blocked", "paused", "shutdown", "crashed", "dying"];
  const at = [...flags].findIndex((f) => f !== "-");
  return at === -1 ? "blocked" : words[at]!;
}

/** The model of the booted host's xend configuration, as LiveGraph names it. */
export function graphModel(machine: Machine): LiveGraph["model"] {
  const model = machine.files?.config.xend.model;
  if (model === undefined) return "none";
  return model === "debian-bridge" ? "bridge" : model === "custom" ? "mixed" : model;
}

class GraphBuilder {
  readonly nodes: LiveNode[] = [];
  readonly edges: LiveEdge[] = [];
  node(n: LiveNode): void {
    if (!this.nodes.some((x) => x.id === n.id)) this.nodes.push(n);
  }
  edge(e: LiveEdge): void {
    if (!this.edges.some((x) => x.id === e.id)) this.edges.push(e);
  }
}

/** The live graph of a machine as it is now. */
export function liveGraph(machine: Machine): LiveGraph {
  const g = new GraphBuilder();
  addWorld(g, machine);
  addDom0(g, machine);
  for (const dom of machine.xen.hypervisor.domains()) addDomain(g, machine, dom);
  addSaved(g, machine);
  // An edge whose far end was not drawn (a guest that has no network yet) is left out.
  const ids = new Set(g.nodes.map((n) => n.id));
  return { model: graphModel(machine), nodes: g.nodes, edges: g.edges.filter((e) => ids.has(e.source) && ids.has(e.target)), time: machine.sim.now };
}

function linkState(dev: NetDev): "up" | "down" {
  return dev.isUp && dev.hasCarrier ? "up" : "down";
}

function deviceData(dev: NetDev, stack: Ipv4Stack | undefined): Data {
  const data: Data = { mac: macToString(dev.mac), kind: dev.kind, mtu: dev.mtu };
  const ips = stack?.addresses(dev.name).map((a) => `${ipv4ToString(a.address)}/${a.prefix}`) ?? [];
  if (ips.length > 0) data.ip = ips.join(" ");
  return data;
}

function addDom0(g: GraphBuilder, machine: Machine): void {
  const dom0 = machine.dom0;
  const hostname = machine.files?.config.hostname?.value ?? machine.spec.hostname;
  g.node({ id: DOM0, kind: "host", label: hostname, state: dom0 === null ? "shutdown" : "running", data: { model: graphModel(machine) } });
  if (dom0 === null) return;
  const stack = dom0.stack;
  g.node({ id: DOM0_STACK, kind: "dom0-stack", label: "IP stack", parent: DOM0, data: { forwarding: stack.ipForward } });
  const fronts = vifFronts(machine);
  for (const dev of dom0.node.devices()) {
    if (dev.kind === "loopback") continue;
    const id = deviceNodeId(DOM0, dev.name);
    const port = dev.sink instanceof BridgePort ? dev.sink : undefined;
    const kind = dev.kind === "bridge" ? "bridge" : dev.kind === "netback" ? "vif" : "nic";
    g.node({ id, kind, label: dev.name, parent: DOM0, state: port?.state ?? linkState(dev), data: deviceData(dev, stack) });
    if (port) g.edge({ id: edgeId("port", DOM0, dev.name), source: id, target: deviceNodeId(DOM0, port.bridge.name), kind: "port", state: linkState(dev) });
    if (dev.sink === stack) {
      const kind = dev.kind === "netback" ? vifStackKind(machine) : "uplink";
      g.edge({ id: edgeId(kind, DOM0, dev.name), source: DOM0_STACK, target: id, kind, state: linkState(dev) });
    }
    const front = fronts.get(dev.name);
    if (front) g.edge({ id: edgeId("netif", DOM0, dev.name), source: id, target: deviceNodeId(front.guest, front.dev), kind: "netif", state: linkState(dev) });
  }
  for (const nic of machine.nics) {
    if (machine.world.cableOf(nic) === undefined) continue;
    g.edge({ id: edgeId("link", DOM0, nic.name), source: deviceNodeId(DOM0, nic.name), target: worldNodeId("lan"), kind: "link", state: nic.hasCarrier ? "up" : "down" });
  }
}

function addDomain(g: GraphBuilder, machine: Machine, dom: Domain): void {
  const state = domainState(dom);
  if (dom.privileged || !["running", "blocked", "paused"].includes(state)) return;
  const box = domainNodeId(dom.name);
  g.node({ id: box, kind: "domain", label: dom.name, state, data: { domid: dom.domid, memory: dom.memory.targetMiB, vcpus: dom.vcpus } });
  const net = machine.guests.of(dom.name);
  const devices = net?.node.devices().filter((d) => d.kind !== "loopback") ?? [];
  for (const dev of devices) g.node({ id: deviceNodeId(dom.name, dev.name), kind: "guest-nic", label: dev.name, parent: box, state: linkState(dev), data: deviceData(dev, net?.stack) });
  // Before the guest's network exists its interfaces are known from the vifs alone.
  for (const vif of dom.vifs.values()) {
    g.node({ id: deviceNodeId(dom.name, `eth${vif.device.devid}`), kind: "guest-nic", label: `eth${vif.device.devid}`, parent: box, state: "down", data: { mac: vif.device.mac } });
  }
}

/** A guest saved to a file (xm save, xendomains stop) is drawn as a box with no network: its vifs are gone. */
function addSaved(g: GraphBuilder, machine: Machine): void {
  const running = new Set(g.nodes.filter((n) => n.kind === "domain").map((n) => n.label));
  for (const file of savedDomains(machine)) {
    if (!running.has(file)) g.node({ id: domainNodeId(file), kind: "domain", label: file, state: "saved", data: { file: `${SAVE_DIR}/${file}` } });
  }
}

function addWorld(g: GraphBuilder, machine: Machine): void {
  const world = machine.world;
  const spec = world.spec;
  const lan = worldNodeId("lan");
  g.node({ id: lan, kind: "lan", label: `LAN ${ipv4ToString(spec.lan.network)}/${spec.lan.prefix}`, data: { device: spec.lan.device } });
  const router = worldNodeId("router");
  g.node({ id: router, kind: "router", label: "router", data: { ip: ipv4ToString(spec.router.address), wan: ipv4ToString(spec.router.wan.address), masquerade: spec.router.masquerade } });
  g.edge({ id: edgeId("link", "router", "eth0"), source: router, target: lan, kind: "link", state: "up" });
  if (world.dhcp !== null && spec.router.dhcp !== null) {
    g.node({ id: worldNodeId("dhcp"), kind: "dhcp-server", label: "dnsmasq", parent: router, data: { range: `${ipv4ToString(spec.router.dhcp.start)}-${ipv4ToString(spec.router.dhcp.end)}` } });
  }
  const internet = worldNodeId("internet");
  g.node({ id: internet, kind: "internet", label: "internet" });
  g.edge({ id: edgeId("link", "router", "eth1"), source: router, target: internet, kind: "link", state: "up" });
  for (const [hosts, segment] of [[spec.internet, internet], [spec.lanHosts, lan]] as const) {
    for (const h of hosts) {
      g.node({ id: worldNodeId(h.name), kind: "world-host", label: h.name, data: { ip: ipv4ToString(h.address), mac: macToString(h.mac) } });
      g.edge({ id: edgeId("link", h.name, "eth0"), source: worldNodeId(h.name), target: segment, kind: "link", state: "up" });
    }
  }
}
