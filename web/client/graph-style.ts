// How the live graph looks: one cytoscape stylesheet keyed on the node kinds and states of
// web/api-types.ts (LiveNodeKind; domain states from `xm list`, bridge port states from brctl,
// link up/down), and the legend that explains those colours.

import type cytoscape from "cytoscape";

/** The palette, shared by the stylesheet and the legend. */
export const COLOURS = {
  running: { fill: "#e6f4ea", line: "#3c8d5a" },
  paused: { fill: "#fff3d1", line: "#c98a00" },
  saved: { fill: "#ebe9f6", line: "#6f68a8" },
  crashed: { fill: "#fbe3e1", line: "#c0392b" },
  off: { fill: "#f0f0f0", line: "#9a9a9a" },
  forwarding: "#3c8d5a",
  learning: "#e0a100",
  listening: "#f0c75e",
  blocking: "#c0392b",
  disabled: "#a0a0a0",
  linkUp: "#8a97a8",
  linkDown: "#d28a84",
  trace: "#ff6a00",
  frame: "#2f6fdb",
} as const;

const FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";

const base: cytoscape.StylesheetJson = [
  { selector: "node", style: { "font-family": FONT, "font-size": 11, color: "#223", label: "data(label)", "text-valign": "center", "text-halign": "center", "background-color": "#fff", "border-width": 1, "border-color": "#8a97a8", width: 78, height: 26, shape: "round-rectangle", "text-wrap": "ellipsis", "text-max-width": "74px", "min-zoomed-font-size": 7 } },
  { selector: ":parent", style: { "text-valign": "top", "text-halign": "center", "text-margin-y": -3, "font-weight": "bold", "font-size": 12, padding: "14px", "background-opacity": 1, "text-max-width": "400px", "text-wrap": "none" } },
  { selector: 'node[kind="host"]', style: { "background-color": "#eef2f8", "border-color": "#7e8fa8", "border-width": 1.5 } },
  { selector: 'node[kind="dom0-stack"]', style: { shape: "ellipse", "background-color": "#fdfdff", width: 86, "border-style": "dashed" } },
  { selector: 'node[kind="nic"]', style: { shape: "rectangle", "background-color": "#f5f7fa", "border-color": "#5d6b80", width: 58 } },
  { selector: 'node[kind="bridge"]', style: { "background-color": "#dce8fb", "border-color": "#4a73b5", "border-width": 1.5, width: 96, height: 30, "font-weight": "bold" } },
  { selector: 'node[kind="vif"]', style: { "background-color": "#f8fbff", "border-color": "#4a73b5", width: 62, height: 22, "font-size": 10 } },
  { selector: 'node[kind="domain"]', style: { "background-color": COLOURS.running.fill, "border-color": COLOURS.running.line, "border-width": 2, "text-valign": "bottom", "text-margin-y": 3 } },
  { selector: 'node[kind="guest-nic"]', style: { shape: "rectangle", width: 54, height: 22, "font-size": 10 } },
  { selector: 'node[kind="lan"]', style: { shape: "rectangle", "background-color": "#f3f3ee", "border-color": "#8c8c70", width: 136, "text-max-width": "132px" } },
  { selector: 'node[kind="router"]', style: { shape: "diamond", width: 62, height: 40, "background-color": "#fff8ec", "border-color": "#a07a3c" } },
  { selector: 'node[kind="dhcp-server"]', style: { shape: "tag", width: 74, "background-color": "#fff8ec", "border-color": "#a07a3c" } },
  { selector: 'node[kind="internet"]', style: { shape: "ellipse", width: 84, height: 36, "background-color": "#f1f6ff", "border-color": "#7f98c6" } },
  { selector: 'node[kind="world-host"]', style: { shape: "ellipse", width: 64, "background-color": "#ffffff", "border-color": "#7f98c6" } },
  { selector: ":parent[kind]", style: { shape: "round-rectangle" } },
];

const states: cytoscape.StylesheetJson = [
  { selector: 'node[kind="domain"][state="paused"]', style: { "background-color": COLOURS.paused.fill, "border-color": COLOURS.paused.line } },
  { selector: 'node[kind="domain"][state="saved"]', style: { "background-color": COLOURS.saved.fill, "border-color": COLOURS.saved.line, "border-style": "dashed" } },
  { selector: 'node[kind="domain"][state="crashed"]', style: { "background-color": COLOURS.crashed.fill, "border-color": COLOURS.crashed.line } },
  { selector: 'node[kind="domain"][state="shutdown"], node[kind="domain"][state="dying"]', style: { "background-color": COLOURS.off.fill, "border-color": COLOURS.off.line, "border-style": "dashed" } },
  { selector: 'node[state="forwarding"]', style: { "border-color": COLOURS.forwarding, "border-width": 2.5 } },
  { selector: 'node[state="learning"]', style: { "border-color": COLOURS.learning, "border-width": 2.5 } },
  { selector: 'node[state="listening"]', style: { "border-color": COLOURS.listening, "border-width": 2.5 } },
  { selector: 'node[state="blocking"]', style: { "border-color": COLOURS.blocking, "border-width": 2.5 } },
  { selector: 'node[state="disabled"]', style: { "border-color": COLOURS.disabled, "border-style": "dashed" } },
  { selector: 'node[state="down"]', style: { "border-color": COLOURS.linkDown, "border-style": "dashed", color: "#999" } },
];

const edges: cytoscape.StylesheetJson = [
  { selector: "edge", style: { width: 1.6, "line-color": COLOURS.linkUp, "curve-style": "bezier", "target-arrow-shape": "none" } },
  { selector: 'edge[kind="port"]', style: { "line-color": "#6d8fc7" } },
  { selector: 'edge[kind="netif"]', style: { "line-color": "#6d8fc7", "line-style": "solid", width: 2 } },
  { selector: 'edge[kind="route"]', style: { "line-style": "dashed", "line-color": "#7d8a9c" } },
  { selector: 'edge[kind="nat"]', style: { "line-style": "dashed", "line-color": "#a07a3c" } },
  { selector: 'edge[kind="uplink"]', style: { width: 2 } },
  { selector: 'edge[state="down"]', style: { "line-color": COLOURS.linkDown, "line-style": "dotted" } },
];

const overlays: cytoscape.StylesheetJson = [
  { selector: "edge.trace", style: { "line-color": COLOURS.trace, width: 4, "z-index": 20 } },
  { selector: "node.trace", style: { "border-color": COLOURS.trace, "border-width": 3 } },
  { selector: ".trace-focus, .frame-focus", style: { "overlay-color": COLOURS.trace, "overlay-opacity": 0.18, "overlay-padding": 6 } },
  // Stepped back to before this node existed (time-travel.ts).
  { selector: "node.future, edge.future", style: { opacity: 0.2 } },
  { selector: "node.dot", style: { width: 12, height: 12, shape: "ellipse", "background-color": COLOURS.frame, "border-width": 1.5, "border-color": "#fff", label: "", "z-index": 50, "z-compound-depth": "top" } },
  { selector: "node.dot.arp", style: { "background-color": "#8e44ad" } },
  { selector: "node.dot.dhcp", style: { "background-color": "#16a085" } },
  { selector: "node.dot.stp", style: { "background-color": "#7f8c8d" } },
  { selector: "node.dot.tcp", style: { "background-color": "#d35400" } },
  { selector: "node.dot.udp", style: { "background-color": "#3d5a80" } },
  { selector: "edge.busy", style: { "line-color": COLOURS.frame } },
  { selector: ":selected", style: { "overlay-color": "#2f6fdb", "overlay-opacity": 0.14, "overlay-padding": 5 } },
];

/** The stylesheet of a graph; `compact` (1 000 guests, model thumbnails) drops what is costly to draw. */
export function graphStyle(compact: boolean): cytoscape.StylesheetJson {
  const sheet = [...base, ...states, ...edges, ...overlays];
  if (!compact) return sheet;
  return [...sheet, { selector: "edge", style: { "curve-style": "haystack", width: 1 } }, { selector: "node", style: { "min-zoomed-font-size": 9, "text-wrap": "none" } }];
}

/** Legend groups: a heading and its swatches (a swatch style and what it means). */
export const LEGEND: readonly (readonly [string, readonly (readonly [string, string])[]])[] = [
  ["guest", [
    [`background:${COLOURS.running.fill};border:2px solid ${COLOURS.running.line}`, "running"],
    [`background:${COLOURS.paused.fill};border:2px solid ${COLOURS.paused.line}`, "paused"],
    [`background:${COLOURS.saved.fill};border:2px dashed ${COLOURS.saved.line}`, "saved"],
  ]],
  ["port", [
    [`background:#fff;border:2.5px solid ${COLOURS.forwarding}`, "forwarding"],
    [`background:#fff;border:2.5px solid ${COLOURS.learning}`, "learning"],
    [`background:#fff;border:2.5px solid ${COLOURS.blocking}`, "blocking"],
  ]],
  ["link", [
    [`background:${COLOURS.linkUp};height:3px;border:0`, "up"],
    [`background:repeating-linear-gradient(90deg,${COLOURS.linkDown} 0 3px,transparent 3px 6px);height:3px;border:0`, "down"],
  ]],
  ["", [
    [`background:${COLOURS.trace};height:4px;border:0`, "traced path"],
    [`background:${COLOURS.frame};border-radius:50%;width:10px;height:10px;border:0`, "frame in flight"],
  ]],
];
