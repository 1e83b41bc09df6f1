// The layer-2 half of planOf: which nodes a booted simulated host has and how their devices are
// joined. It walks every IPv4 stack's devices (dom0, the running guests, the world's hosts) to the
// other end of each one — a veth's peer, a netback's netfront (and back), a NIC's cable — and, where
// a cable ends in a port of the world's LAN or internet segment (a learning switch or a hub that is
// no stack of its own), adds that segment as a node with its switch as a bridge. Bridges keep the
// settings brctl would show (stp, forward delay, hello, max age, ageing, priority) and each port's
// STP state, so that a port the simulated 2.6.32 still holds in `learning` (STP off, forward delay
// running) can be held there for real too.
import { Bridge, BridgePort, Hub, Netback, Netfront, Nic, Veth, type NetDev } from "../../netsim/l2/index.ts";
import type { Ipv4Stack } from "../../netsim/l3/index.ts";
import { macToString } from "../../netsim/wire/address.ts";
import type { RealBridge, RealEnd, RealLink, RealPort } from "./plan-types.ts";

/** A node with a stack of its own. */
export interface StackNode {
  readonly name: string;
  readonly stack: Ipv4Stack;
}

/** The layer-2 part of a plan. */
export interface Topology {
  readonly nodes: string[];
  readonly links: RealLink[];
  readonly bridges: RealBridge[];
  readonly captures: string[];
}

/** A segment of the world: a switch (Bridge) or a hub, found from one of its ports. */
type Segment = { readonly node: string; readonly bridge: Bridge } | { readonly node: string; readonly hub: Hub };

function segmentOf(port: NetDev): Segment | undefined {
  const sink = port.sink;
  if (sink instanceof BridgePort) return { node: port.node, bridge: sink.bridge };
  if (sink instanceof Hub) return { node: port.node, hub: sink };
  return undefined;
}

/** The device at the other end of `dev`'s medium, or null when nothing is there. */
function otherEnd(dev: NetDev): { readonly dev: NetDev | null; readonly what: RealLink["what"] } | undefined {
  if (dev instanceof Veth) return { dev: dev.peer, what: "veth" };
  if (dev instanceof Netback) return { dev: dev.frontend, what: dev.frontend ? "xen" : "unplugged" };
  if (dev instanceof Netfront) return { dev: dev.backend, what: dev.backend ? "xen" : "unplugged" };
  if (dev instanceof Nic) {
    const cable = dev.cable;
    if (cable === null) return { dev: null, what: "unplugged" };
    return { dev: cable.a === dev ? cable.b : cable.a, what: "cable" };
  }
  return undefined;
}

// A MAC the kernel refuses (00:00:00:00:00:00 on a hub's ports) is left to the kernel.
const endOf = (dev: NetDev): RealEnd => ({ node: dev.node, dev: dev.name, mac: dev.mac === 0 ? undefined : macToString(dev.mac), up: dev.isUp });

function bridgeOf(node: string, br: Bridge, now: number): RealBridge {
  const stp = br.stp;
  const ports = br.ports.map((p): RealPort => {
    const timer = p.forwardDelayTimer;
    const learning = !stp.enabled && p.state === "learning" && timer !== null && timer.pending;
    return { dev: p.name, state: p.state, ...(learning ? { forwardingAfter: timer.time - now } : {}) };
  });
  return {
    node, dev: br.name, mac: macToString(br.mac), up: br.isUp, stp: stp.enabled, forwardDelay: stp.bridgeForwardDelay,
    helloTime: stp.bridgeHelloTime, maxAge: stp.bridgeMaxAge, ageing: br.ageingTime, priority: stp.bridgeId.priority, ports, hub: false,
  };
}

function hubOf(node: string, hub: Hub): RealBridge {
  // A repeater floods every frame: a bridge that forgets each address at once, never blocking.
  const ports = hub.ports.map((p): RealPort => ({ dev: p.name, state: "forwarding" }));
  return { node, dev: "hub", mac: "", up: true, stp: false, forwardDelay: 0, helloTime: 2_000_000, maxAge: 20_000_000, ageing: 0, priority: 0x8000, ports, hub: true };
}

/** Nodes, links, bridges and captured interfaces of the stacks given (see the file header). */
export function topologyOf(stacks: readonly StackNode[], now: number): Topology {
  const t: Topology = { nodes: stacks.map((s) => s.name), links: [], bridges: [], captures: [] };
  const seen = new Set<NetDev>();
  const segments = new Map<string, Segment>();
  const visit = (dev: NetDev): void => {
    if (seen.has(dev) || dev.kind === "loopback" || dev.kind === "bridge") return;
    const other = otherEnd(dev);
    if (other === undefined) return;
    seen.add(dev);
    if (other.dev !== null) seen.add(other.dev);
    t.links.push({ a: endOf(dev), b: other.dev === null ? null : endOf(other.dev), what: other.what });
    const segment = other.dev === null ? undefined : segmentOf(other.dev);
    if (segment !== undefined && !stacks.some((s) => s.name === segment.node) && !segments.has(segment.node)) {
      segments.set(segment.node, segment);
      const ports = "bridge" in segment ? segment.bridge.ports.map((p) => p.dev) : segment.hub.ports;
      for (const p of ports) visit(p);
    }
  };
  for (const s of stacks) for (const dev of s.stack.devices()) visit(dev);
  for (const s of stacks) for (const dev of s.stack.devices()) if (dev instanceof Bridge) t.bridges.push(bridgeOf(s.name, dev, now));
  // A guest whose kernel has not registered its netfront yet (just created) has no stack: its end
  // of the vif still gets a namespace.
  for (const l of t.links) for (const e of [l.a, l.b]) if (e !== null && !t.nodes.includes(e.node) && !segments.has(e.node)) t.nodes.push(e.node);
  for (const [node, seg] of segments) {
    t.nodes.push(node);
    t.bridges.push("bridge" in seg ? bridgeOf(node, seg.bridge, now) : hubOf(node, seg.hub));
  }
  if (t.links.some((l) => l.b === null)) t.nodes.push("void");
  t.captures.push(...capturedOf(t));
  return t;
}

/** Every end that is up, and every bridge that is up, `node:dev`, in build order. */
function capturedOf(t: Topology): string[] {
  const ends = t.links.flatMap((l) => (l.b === null ? [l.a] : [l.a, l.b]));
  const devs = [...ends.filter((e) => e.up).map((e) => `${e.node}:${e.dev}`), ...t.bridges.filter((b) => b.up).map((b) => `${b.node}:${b.dev}`)];
  return t.nodes.flatMap((n) => devs.filter((d) => d.startsWith(`${n}:`)));
}
