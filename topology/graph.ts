// The host as a graph for drawing (the web view's cytoscape page, `xennet` listings): plain nodes
// and edges with stable ids, built from a HostConfig alone, before anything boots. Node kinds:
// the host (dom0), its interfaces (cards, VLANs, bonds), its bridges, the domains and their vifs,
// and the networks its interfaces sit on (IPv4 subnets, DHCP-learnt ones, the LAN behind the cards).
// A vif is drawn where its script will put it: in its bridge (vif-bridge: `bridge=`, else the
// alphabetically first bridge), or routed/NATed through dom0 (vif-route, vif-nat). Backend names
// such as `vif1.0` depend on domain ids given at run time, so vifs are labelled by position here.

import type { Span } from "./diagnostic.ts";
import type { HostConfig, HostDomain, HostVif } from "./host-config.ts";
import { bridgesAtBoot, cidr, staticSubnets, vifScript } from "./checks/facts.ts";

/** What a node stands for. */
export type GraphNodeKind = "host" | "interface" | "bridge" | "vif" | "domain" | "network";

/** How two nodes are related. */
export type GraphEdgeKind = "has" | "port" | "vlan" | "slave" | "address" | "dhcp" | "uplink" | "nic" | "routed" | "nat";

/** A node; `data` holds small display facts (MAC, memory, address...). */
export interface GraphNode {
  readonly id: string;
  readonly kind: GraphNodeKind;
  readonly label: string;
  readonly span?: Span;
  readonly data?: Readonly<Record<string, string | number | boolean>>;
}

/** A directed edge from `from` to `to`. */
export interface GraphEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly kind: GraphEdgeKind;
  readonly label?: string;
}

/** The whole drawing. */
export interface HostGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

class Builder {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  node(n: GraphNode): string {
    if (!this.nodes.some((x) => x.id === n.id)) this.nodes.push(n);
    return n.id;
  }
  edge(from: string, to: string, kind: GraphEdgeKind, label?: string): void {
    const id = `${kind}:${from}->${to}`;
    if (this.edges.some((e) => e.id === id)) return;
    this.edges.push(label === undefined ? { id, from, to, kind } : { id, from, to, kind, label });
  }
}

/** The node id of a device: a bridge, or an interface (aliases such as eth0:1 are their device). */
function deviceId(c: HostConfig, name: string): string {
  const device = name.split(":")[0] ?? name;
  return c.bridges.some((b) => b.name === device) ? `br:${device}` : `if:${device}`;
}

/** Builds the graph of a host. */
export function hostGraph(c: HostConfig): HostGraph {
  const g = new Builder();
  const host = g.node({ id: "host", kind: "host", label: c.hostname?.value ?? "dom0", ...(c.hostname ? { span: c.hostname.span } : {}) });
  addDevices(g, c, host);
  addNetworks(g, c);
  const taken = new Set<string>();
  for (const d of c.domains) addDomain(g, c, d, taken, host);
  return { nodes: g.nodes, edges: g.edges };
}

function addDevices(g: Builder, c: HostConfig, host: string): void {
  const renamed = new Set(c.bridges.filter((b) => b.origin === "network-bridge" && b.upAtBoot).flatMap((b) => b.ports.map((p) => p.name)));
  for (const b of c.bridges) {
    g.node({ id: `br:${b.name}`, kind: "bridge", label: b.name, span: b.span, data: { origin: b.origin, upAtBoot: b.upAtBoot, stp: b.stp.value, forwardDelay: b.forwardDelay.value } });
    g.edge(host, `br:${b.name}`, "has");
  }
  const iface = (name: string, span?: Span) => {
    const id = deviceId(c, name);
    if (id.startsWith("br:")) return id;
    g.node({ id, kind: "interface", label: id.slice(3), ...(span ? { span } : {}) });
    g.edge(host, id, "has");
    return id;
  };
  for (const nic of c.hardware.nics) {
    const id = iface(renamed.has(`p${nic.name}`) ? `p${nic.name}` : nic.name, nic.span);
    g.node({ id: "net:lan", kind: "network", label: "LAN" });
    g.edge(id, "net:lan", "uplink");
  }
  for (const i of c.network.interfaces) if (i.name !== "lo") iface(i.name, i.span);
  for (const b of c.bridges) for (const p of b.ports) g.edge(iface(p.name, p.span), `br:${b.name}`, "port");
  for (const v of c.vlans) g.edge(iface(v.name, v.span), iface(v.rawDevice), "vlan", String(v.id));
  for (const b of c.bonds) for (const s of b.slaves) g.edge(iface(s), iface(b.name, b.span), "slave");
}

function addNetworks(g: Builder, c: HostConfig): void {
  for (const s of staticSubnets(c)) {
    const id = g.node({ id: `net:${cidr(s)}`, kind: "network", label: cidr(s) });
    if (s.iface !== "lo") g.edge(deviceId(c, s.iface), id, "address", s.text);
  }
  for (const i of c.network.interfaces.filter((x) => x.family === "inet" && x.method === "dhcp")) {
    const id = g.node({ id: `net:dhcp:${i.name}`, kind: "network", label: `DHCP on ${i.name}` });
    g.edge(deviceId(c, i.name), id, "dhcp");
  }
}

function addDomain(g: Builder, c: HostConfig, d: HostDomain, taken: Set<string>, host: string): void {
  const name = d.name?.value ?? d.file;
  const key = taken.has(name) ? `${name}@${d.file}` : name;
  taken.add(key);
  const data: Record<string, string | number | boolean> = { file: d.file, hvm: d.hvm, autostart: d.autostart !== undefined };
  if (d.memory) data.memory = d.memory.value;
  const dom = g.node({ id: `dom:${key}`, kind: "domain", label: name, span: d.span, data });
  d.vifs.forEach((v) => {
    const id = g.node({ id: `vif:${key}:${v.index}`, kind: "vif", label: v.vifname?.value ?? `vif ${v.index}`, span: v.span, data: vifData(v) });
    g.edge(dom, id, "nic");
    attach(g, c, v, id, host);
  });
}

function vifData(v: HostVif): Record<string, string | number> {
  const data: Record<string, string | number> = { index: v.index };
  if (v.mac) data.mac = v.mac.value;
  if (v.ip) data.ip = v.ip.value.join(" ");
  if (v.bridge) data.bridge = v.bridge.value;
  return data;
}

/** Where the vif's script will connect it. */
function attach(g: Builder, c: HostConfig, v: HostVif, id: string, host: string): void {
  const script = vifScript(c, v);
  if (script === "vif-route") return g.edge(id, host, "routed", v.ip?.value.join(" "));
  if (script === "vif-nat") return g.edge(id, host, "nat");
  const up = bridgesAtBoot(c);
  let want = v.bridge?.value ?? (script === "vif-bridge" ? up[0]?.name : undefined);
  const n = want === undefined ? undefined : /^xenbr([0-9]+)$/.exec(want)?.[1];
  if (want !== undefined && n !== undefined && !up.some((b) => b.name === want) && up.some((b) => b.name === `eth${n}`)) want = `eth${n}`;
  if (want !== undefined && c.bridges.some((b) => b.name === want)) g.edge(id, `br:${want}`, "port");
}
