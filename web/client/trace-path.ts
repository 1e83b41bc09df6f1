// Maps the hops of `xennet trace --json` (node, interface in → out) onto the live graph's ids
// (web/api-types.ts: `dom0`, `dom0:vif1.0`, `domU:testxen`, `testxen:eth0`, `world:router`...):
// each hop becomes the devices it passed, and consecutive devices are joined by the shortest path
// through the drawing, so every hop lights up its own stretch of edges.

import type cytoscape from "cytoscape";
import type { TraceHop } from "../api-types.ts";

/** The drawn elements of one hop: its devices, and the edges from the previous hop to it. */
export interface HopElements {
  readonly nodes: readonly string[];
  readonly edges: readonly string[];
}

/** The node ids a trace node name may have in the graph, most specific first. */
function nodeCandidates(name: string): string[] {
  return [name, `domU:${name}`, `world:${name}`, `dom0:${name}`];
}

/** The drawn node of a trace node name (a host, a domain box, a world node), if any. */
export function resolveNode(cy: cytoscape.Core, name: string): cytoscape.NodeSingular | undefined {
  for (const id of nodeCandidates(name)) {
    const el = cy.getElementById(id);
    if (el.nonempty() && el.isNode()) return el;
  }
  return undefined;
}

/** The drawn device `dev` of trace node `name`: `name:dev`, `world:name:dev`, or a child labelled `dev`. */
export function resolveDevice(cy: cytoscape.Core, name: string, dev: string): cytoscape.NodeSingular | undefined {
  for (const id of [...nodeCandidates(name).map((n) => `${n}:${dev}`), `${name}:${dev}`]) {
    const el = cy.getElementById(id);
    if (el.nonempty() && el.isNode()) return el;
  }
  const owner = resolveNode(cy, name);
  const child = owner?.descendants().filter((c) => c.data("label") === dev);
  return child !== undefined && child.nonempty() ? child[0] : undefined;
}

/** The devices a hop went through, in order: in, (the node's own stack when it sends or receives), out. */
function hopAnchors(cy: cytoscape.Core, hop: TraceHop): cytoscape.NodeSingular[] {
  const devs = (s: string | undefined) => (s ?? "").split(",").map((d) => d.trim()).filter((d) => d !== "" && d !== "-");
  const owner = resolveNode(cy, hop.node);
  const stack = owner?.children().filter((c) => c.data("kind") === "dom0-stack");
  const inDevs = devs(hop.in).map((d) => resolveDevice(cy, hop.node, d));
  const outDevs = devs(hop.out).map((d) => resolveDevice(cy, hop.node, d));
  const anchors: (cytoscape.NodeSingular | undefined)[] = [...inDevs];
  if (stack !== undefined && stack.nonempty() && (inDevs.length === 0 || outDevs.length === 0)) anchors.push(stack[0]);
  anchors.push(...outDevs);
  const found = anchors.filter((a): a is cytoscape.NodeSingular => a !== undefined);
  if (found.length === 0 && owner !== undefined) found.push(owner);
  return found;
}

/** The shortest undirected path between two drawn nodes (no dots), as element ids. */
function between(cy: cytoscape.Core, a: cytoscape.NodeSingular, b: cytoscape.NodeSingular): { nodes: string[]; edges: string[] } {
  if (a.same(b)) return { nodes: [a.id()], edges: [] };
  const result = cy.elements().not(".dot").aStar({ root: a, goal: b, directed: false });
  if (!result.found) return { nodes: [a.id(), b.id()], edges: [] };
  return { nodes: result.path.nodes().map((n) => n.id()), edges: result.path.edges().map((e) => e.id()) };
}

/** Every hop's elements; hops that map to nothing drawn get empty lists. */
export function tracePath(cy: cytoscape.Core, hops: readonly TraceHop[]): HopElements[] {
  let previous: cytoscape.NodeSingular | undefined;
  return hops.map((hop) => {
    const anchors = hopAnchors(cy, hop);
    const nodes = new Set<string>();
    const edges = new Set<string>();
    for (const a of anchors) {
      const p = previous === undefined ? { nodes: [a.id()], edges: [] } : between(cy, previous, a);
      p.nodes.forEach((n) => nodes.add(n));
      p.edges.forEach((e) => edges.add(e));
      previous = a;
    }
    return { nodes: [...nodes], edges: [...edges] };
  });
}
