// Where the nodes of the live graph go. Up to LARGE nodes: dagre (cytoscape-dagre), left to right
// from the internet through the LAN and dom0's devices to the guests, compound boxes kept whole.
// Past that (hundreds or thousands of guests) dagre takes seconds, so a preset grid is computed
// directly: the world in a row on top, dom0's own devices under it, the vifs in a grid, and the
// guests in a grid of the same columns below, each guest under its vif.

import cytoscape from "cytoscape";
import dagre from "cytoscape-dagre";
import type { LiveGraph, LiveNode } from "../api-types.ts";

cytoscape.use(dagre);

/** Graphs with more nodes than this get the grid layout. */
export const LARGE = 200;

/** Lays out the graph's elements (dots and other overlays excluded) and fits the view. */
export function layoutGraph(cy: cytoscape.Core, graph: LiveGraph): void {
  const eles = cy.elements().not(".dot");
  if (graph.nodes.length > LARGE) {
    const at = gridPositions(graph);
    const positions = (n: cytoscape.NodeSingular) => at.get(n.id()) ?? { x: 0, y: 0 };
    eles.nodes().layout({ name: "preset", positions, fit: false } as cytoscape.LayoutOptions).run();
  } else {
    const options = { name: "dagre", rankDir: "TB", nodeSep: 22, rankSep: 36, edgeSep: 8, fit: false, animate: false, padding: 20 };
    eles.layout(options as cytoscape.LayoutOptions).run();
  }
  cy.fit(eles, 28);
  // A small host fitted to a large pane would be drawn huge: keep the labels at a reading size.
  if (cy.zoom() > MAX_FIT_ZOOM) {
    cy.zoom(MAX_FIT_ZOOM);
    cy.center(eles);
  }
}

const MAX_FIT_ZOOM = 1.3;

interface Row {
  readonly ids: string[];
  readonly y: number;
}

/** Positions of the leaf nodes of a large graph (compound boxes size themselves around them). */
export function gridPositions(graph: LiveGraph): Map<string, { x: number; y: number }> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const parents = new Set(graph.nodes.flatMap((n) => (n.parent ? [n.parent] : [])));
  const host = graph.nodes.find((n) => n.kind === "host")?.id;
  const isDomain = (n: LiveNode | undefined): boolean => n?.kind === "domain";
  const leaves = graph.nodes.filter((n) => !parents.has(n.id));
  const guests = leaves.filter((n) => isDomain(n) || isDomain(byId.get(n.parent ?? "")));
  const vifs = leaves.filter((n) => n.kind === "vif");
  const dom0Own = leaves.filter((n) => n.parent === host && n.kind !== "vif");
  const taken = new Set([...guests, ...vifs, ...dom0Own].map((n) => n.id));
  const world = leaves.filter((n) => !taken.has(n.id));
  const cols = Math.max(8, Math.ceil(Math.sqrt(Math.max(guests.length, 1)) * 1.4));
  const at = new Map<string, { x: number; y: number }>();
  const width = cols * 110;
  placeRow(at, { ids: world.map((n) => n.id), y: 0 }, width, 130);
  placeRow(at, { ids: dom0Own.map((n) => n.id), y: 110 }, width, 130);
  const vifOrder = orderVifsByGuest(graph, guests, vifs);
  const vifRows = placeGrid(at, vifOrder, cols, 200, 40);
  placeGrid(at, guests.map((n) => n.id), cols, 200 + vifRows * 40 + 110, 64);
  return at;
}

function placeRow(at: Map<string, { x: number; y: number }>, row: Row, width: number, step: number): void {
  const start = (width - (row.ids.length - 1) * step) / 2;
  row.ids.forEach((id, i) => at.set(id, { x: start + i * step, y: row.y }));
}

/** Places ids in a grid of `cols` columns from `top`; returns the number of rows. */
function placeGrid(at: Map<string, { x: number; y: number }>, ids: readonly string[], cols: number, top: number, rowStep: number): number {
  ids.forEach((id, i) => at.set(id, { x: (i % cols) * 110 + 55, y: top + Math.floor(i / cols) * rowStep }));
  return Math.ceil(ids.length / cols);
}

/** The vifs in the order of the guests they serve (through the edge vif ↔ guest nic), then the rest. */
function orderVifsByGuest(graph: LiveGraph, guests: readonly LiveNode[], vifs: readonly LiveNode[]): string[] {
  const vifIds = new Set(vifs.map((v) => v.id));
  const vifOf = new Map<string, string>();
  for (const e of graph.edges) {
    if (vifIds.has(e.source)) vifOf.set(e.target, e.source);
    else if (vifIds.has(e.target)) vifOf.set(e.source, e.target);
  }
  const ordered = new Set<string>();
  for (const g of guests) {
    const v = vifOf.get(g.id);
    if (v !== undefined) ordered.add(v);
  }
  return [...ordered, ...vifs.map((v) => v.id).filter((id) => !ordered.has(id))];
}
