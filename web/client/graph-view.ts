// One cytoscape drawing of a LiveGraph (web/api-types.ts): keeps the drawing in step with the
// server's snapshots (adds, removes and re-states elements by their stable ids, lays out again only
// when the structure changed), reports taps, and highlights a set of elements (a traced path).

import cytoscape from "cytoscape";
import type { LiveEdge, LiveGraph, LiveNode, LiveNodeKind } from "../api-types.ts";
import { graphStyle } from "./graph-style.ts";
import { LARGE, layoutGraph } from "./graph-layout.ts";

/** Options of a drawing: `thumbnail` for the small side-by-side model views. */
export interface GraphViewOptions {
  readonly thumbnail?: boolean;
}

/** A live graph drawn in one container. */
export class GraphView {
  readonly cy: cytoscape.Core;
  graph: LiveGraph | undefined;
  private compact = false;

  constructor(container: HTMLElement, readonly options: GraphViewOptions = {}) {
    this.cy = cytoscape({
      container,
      style: graphStyle(false),
      minZoom: 0.05,
      maxZoom: 3,
      boxSelectionEnabled: false,
      autoungrabify: options.thumbnail === true,
      autounselectify: options.thumbnail === true,
    });
  }

  /** Brings the drawing in line with `graph`; returns whether it was laid out again. */
  render(graph: LiveGraph): boolean {
    this.graph = graph;
    this.setCompact(graph.nodes.length > LARGE || this.options.thumbnail === true);
    let structural = false;
    this.cy.batch(() => {
      structural = this.sync(graph);
    });
    if (structural) layoutGraph(this.cy, graph);
    return structural;
  }

  /** The LiveNode behind a drawn node id. */
  node(id: string): LiveNode | undefined {
    return this.graph?.nodes.find((n) => n.id === id);
  }

  /** Calls `fn` with the tapped node (undefined when the background is tapped). */
  onTap(fn: (node: LiveNode | undefined, ele: cytoscape.NodeSingular | undefined) => void): void {
    this.cy.on("tap", (ev) => {
      if (ev.target === this.cy) return fn(undefined, undefined);
      const t = ev.target as cytoscape.NodeSingular | cytoscape.EdgeSingular;
      if (t.isNode() && !t.hasClass("dot")) fn(this.node(t.id()), t);
    });
  }

  /** Marks elements with a class (removing it from all others first). */
  mark(cls: string, ids: Iterable<string>): void {
    this.cy.batch(() => {
      this.cy.elements(`.${cls}`).removeClass(cls);
      for (const id of ids) this.cy.getElementById(id).addClass(cls);
    });
  }

  /** Sets a node's state at once (from a live event), before the next snapshot. */
  setState(id: string, state: string): void {
    const el = this.cy.getElementById(id);
    if (el.nonempty()) el.data("state", state);
  }

  /** A node's drawn state ("" when it has none or is not drawn). */
  stateOf(id: string): string {
    const el = this.cy.getElementById(id);
    return el.nonempty() ? String(el.data("state") ?? "") : "";
  }

  /** Removes the drawing. */
  destroy(): void {
    this.cy.destroy();
  }

  private setCompact(compact: boolean): void {
    if (compact === this.compact) return;
    this.compact = compact;
    this.cy.style(graphStyle(compact));
  }

  /** Adds, removes and updates elements; true when nodes or edges came or went. */
  private sync(graph: LiveGraph): boolean {
    const cy = this.cy;
    const want = new Set<string>([...graph.nodes.map((n) => n.id), ...graph.edges.map((e) => e.id)]);
    const gone = cy.elements().not(".dot").filter((e) => !want.has(e.id()));
    let structural = gone.nonempty();
    const edgeJson = orientedEdge(new Map(graph.nodes.map((n) => [n.id, n.kind])));
    if (cy.elements().not(".dot").empty()) {
      cy.add([...orderParentsFirst(graph.nodes).map(nodeJson), ...graph.edges.filter((e) => want.has(e.source) && want.has(e.target)).map(edgeJson)]);
      return true;
    }
    gone.remove();
    const toAdd: cytoscape.ElementDefinition[] = [];
    for (const n of orderParentsFirst(graph.nodes)) {
      const el = cy.getElementById(n.id);
      if (el.empty()) toAdd.push(nodeJson(n));
      else {
        if ((el.data("parent") ?? undefined) !== n.parent) {
          structural = true;
          (el as cytoscape.NodeCollection).move({ parent: n.parent ?? null });
        }
        el.data(nodeJson(n).data);
      }
    }
    for (const e of graph.edges) {
      const el = cy.getElementById(e.id);
      if (el.empty()) toAdd.push(edgeJson(e));
      else el.data("state", e.state ?? "up");
    }
    if (toAdd.length > 0) structural = true;
    cy.add(toAdd.filter((d) => d.group === "nodes" || (want.has(String(d.data.source)) && want.has(String(d.data.target)))));
    return structural;
  }
}

function nodeJson(n: LiveNode): cytoscape.ElementDefinition {
  const label = n.kind === "host" ? `dom0 · ${n.label}` : n.label;
  const data: Record<string, unknown> = { id: n.id, label, kind: n.kind, state: n.state ?? "", info: n.data ?? {} };
  if (n.parent !== undefined) data.parent = n.parent; // a parent the graph lacks is dropped by orderParentsFirst
  return { group: "nodes", data: data as cytoscape.NodeDataDefinition };
}

/** How far from the internet each kind of node is drawn (top to bottom). */
const LEVEL: Readonly<Record<LiveNodeKind, number>> = {
  "world-host": 0, internet: 1, router: 2, "dhcp-server": 2, lan: 3, host: 4, nic: 4, "dom0-stack": 5, bridge: 6, vif: 7, domain: 8, "guest-nic": 8,
};

/** Edge JSON whose drawn direction runs from the internet towards the guests, so that dagre ranks the
 * drawing top to bottom (no arrows are drawn); the edge's own ends stay in `from` and `to`. */
function orientedEdge(kinds: ReadonlyMap<string, LiveNodeKind>): (e: LiveEdge) => cytoscape.ElementDefinition {
  const level = (id: string, other: string): number => {
    const kind = kinds.get(id);
    if (kind === undefined) return 4;
    // A world host on the LAN hangs below it; one on the internet sits above it.
    if (kind === "world-host") return kinds.get(other) === "internet" ? 0 : 4;
    return LEVEL[kind];
  };
  return (e) => {
    const down = level(e.source, e.target) <= level(e.target, e.source);
    const [source, target] = down ? [e.source, e.target] : [e.target, e.source];
    return { group: "edges", data: { id: e.id, source, target, from: e.source, to: e.target, kind: e.kind, state: e.state ?? "up" } };
  };
}

/** Nodes sorted so that every parent comes before its children (cytoscape needs the parent first). */
function orderParentsFirst(nodes: readonly LiveNode[]): LiveNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  nodes = nodes.map((n) => (n.parent === undefined || byId.has(n.parent) ? n : { ...n, parent: undefined }));
  const depth = (n: LiveNode): number => {
    let d = 0;
    for (let p = n.parent; p !== undefined && d < 16; p = byId.get(p)?.parent) d++;
    return d;
  };
  return nodes.map((n) => [depth(n), n] as const).sort((a, b) => a[0] - b[0]).map(([, n]) => n);
}
