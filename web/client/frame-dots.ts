// Frames in flight: each frame event of the stream (web/api-types.ts SimEvent "frame") that names
// an edge moves a small dot, coloured by protocol, along that edge in the frame's direction — from
// the `node:dev` that sent it to its peer. Tapping a dot opens the frame's details.

import type cytoscape from "cytoscape";
import type { SimEvent } from "../api-types.ts";

type FrameEvent = Extract<SimEvent, { kind: "frame" }>;

const STACK_EDGES = new Set(["uplink", "route", "nat"]);

/** At most this many dots at once: past it, frames are listed but not animated (the page stays responsive). */
const MAX_DOTS = 40;

/** Animates frames along the edges of one cytoscape drawing. */
export class FrameDots {
  private live = 0;
  private serial = 0;
  /** How many frames have been animated so far. */
  animated = 0;

  constructor(private readonly cy: cytoscape.Core, onTap: (seq: number) => void) {
    cy.on("tap", "node.dot", (ev) => onTap(Number((ev.target as cytoscape.NodeSingular).data("seq"))));
  }

  /** Moves a dot along the frame's edge over `ms` milliseconds; false when nothing could be animated. */
  animate(ev: FrameEvent, ms: number): boolean {
    if (ev.edge === undefined || this.live >= MAX_DOTS) return false;
    const edge = this.cy.getElementById(ev.edge);
    if (edge.empty() || !edge.isEdge()) return false;
    const [from, to] = this.ends(edge, ev.node, ev.dev, ev.direction);
    const dot = this.cy.add({ group: "nodes", classes: `dot ${ev.proto}`, data: { id: `dot-${++this.serial}`, seq: ev.seq }, position: { ...from.position() } });
    this.live++;
    this.animated++;
    edge.addClass("busy");
    dot.animate({ position: { ...to.position() } }, {
      duration: ms,
      easing: "ease-in-out-sine",
      complete: () => {
        dot.remove();
        edge.removeClass("busy");
        this.live--;
      },
    });
    return true;
  }

  /** Removes every dot (a new snapshot, a step back). */
  clear(): void {
    this.cy.nodes(".dot").stop(true, false).remove();
    this.cy.edges(".busy").removeClass("busy");
    this.live = 0;
  }

  /** The edge's ends in the frame's direction (web/session/frame-edge.ts): over an edge to dom0's stack
   * (uplink, route, nat: from the stack to the device) a sent frame goes down and a received one up;
   * over any other edge the frame leaves the end that saw it (a port's rx goes into its bridge). */
  private ends(edge: cytoscape.EdgeSingular, node: string, dev: string, direction: "rx" | "tx"): [cytoscape.NodeSingular, cytoscape.NodeSingular] {
    const cy = this.cy;
    const from = cy.getElementById(String(edge.data("from"))) as cytoscape.NodeSingular;
    const to = cy.getElementById(String(edge.data("to"))) as cytoscape.NodeSingular;
    if (STACK_EDGES.has(String(edge.data("kind")))) return direction === "tx" ? [from, to] : [to, from];
    const seen = (id: string) => id === `${node}:${dev}` || id === `world:${node}` || id === node || id.startsWith(`${node}:`);
    return seen(from.id()) || !seen(to.id()) ? [from, to] : [to, from];
  }
}
