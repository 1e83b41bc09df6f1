// The xennet web view: wires the graph (graph-view.ts), frames in flight (frame-dots.ts), the
// event list and its stream (event-list.ts, event-feed.ts), the clock (clock-bar.ts) and the side
// panel's tabs (trace, domains, check, frame) to the JSON API of web/api-types.ts. Exposes
// `window.xennet` for the browser tests and the 1 000-guest benchmark (`renderGraph`).

import type { ClockState, LiveGraph, SimEvent } from "../api-types.ts";
import { api } from "./api.ts";
import { CheckPanel } from "./check-panel.ts";
import { ClockBar } from "./clock-bar.ts";
import { byId, flash, h, initTabs, showTab } from "./dom.ts";
import { DomainPanel } from "./domain-panel.ts";
import { EventFeed } from "./event-feed.ts";
import { EventList } from "./event-list.ts";
import { FrameDots } from "./frame-dots.ts";
import { FramePanel } from "./frame-panel.ts";
import { LEGEND } from "./graph-style.ts";
import { GraphView } from "./graph-view.ts";
import { ModelsView } from "./models-view.ts";
import { Selection } from "./selection.ts";
import { TracePanel } from "./trace-panel.ts";
import { TimeTravel } from "./time-travel.ts";
import { tracePath } from "./trace-path.ts";

/** The page: one live graph and its panels. */
class App {
  readonly view = new GraphView(byId("graph"));
  readonly dots = new FrameDots(this.view.cy, (seq) => void this.openFrame(seq));
  readonly selection = new Selection();
  readonly clock = new ClockBar((c) => this.setSpeed(c.speed));
  readonly events = new EventList(byId("tab-events"), (seq) => void this.openFrame(seq));
  readonly frame = new FramePanel(byId("tab-frame"));
  readonly domains = new DomainPanel(byId("tab-domains"), () => this.graphChanged());
  readonly check = new CheckPanel(byId("tab-check"), () => this.graphChanged());
  readonly models = new ModelsView(byId("models-toggle"));
  readonly trace = new TracePanel(byId("tab-trace"), {
    showTrace: (hops) => {
      const perHop = tracePath(this.view.cy, hops);
      this.view.mark("trace", perHop.flatMap((p) => [...p.nodes, ...p.edges]));
      return perHop.map((p) => [...p.nodes, ...p.edges]);
    },
    focus: (ids) => this.view.mark("trace-focus", ids),
    clearTrace: () => {
      this.view.mark("trace", []);
      this.view.mark("trace-focus", []);
    },
  });
  private readonly travel = new TimeTravel();
  /** The cursor the graph shows when it is behind the simulation (stepped back), else undefined. */
  private pastCursor: number | undefined;
  private readonly feed = new EventFeed({
    event: (e, live) => this.onEvent(e, live),
    clock: (c) => this.onClock(c),
    rewound: (cursor) => {
      this.dots.clear();
      this.events.truncate(cursor);
    },
  });
  private refreshing: Promise<void> | undefined;
  private again = false;
  private speed = 1;

  /** Loads everything and starts the stream. */
  async start(): Promise<void> {
    initTabs("events", (tab) => {
      if (tab !== "frame") this.view.mark("frame-focus", []);
    });
    byId("legend").append(...LEGEND.map(([group, rows]) => h("div", { class: "legend-group" },
      group !== "" ? h("b", {}, group) : null, ...rows.map(([style, text]) => h("span", { class: "legend-item" }, h("span", { class: "swatch", style }), text)))));
    this.view.onTap((n) => this.selection.show(n));
    await this.refreshGraph();
    await this.domains.refresh();
    this.clock.show(await api.clock());
    await this.feed.start();
    window.setInterval(() => void api.clock().then((c) => this.clock.show(c)).catch(() => undefined), 2000);
    window.setInterval(() => {
      if (!byId("tab-domains").hidden) void this.domains.refresh();
    }, 3000);
  }

  /** Fetches the graph and redraws it (calls made while one runs are folded into one more). */
  async refreshGraph(): Promise<void> {
    if (this.refreshing !== undefined) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        try {
          this.draw(await api.graph());
        } catch (e) {
          flash(`graph: ${(e as Error).message}`);
        }
      } while (this.again);
    })();
    await this.refreshing;
    this.refreshing = undefined;
  }

  /** Draws a graph in the main view and updates the header and the trace choices. */
  draw(graph: LiveGraph): void {
    if (this.view.render(graph)) this.dots.clear();
    const host = graph.nodes.find((n) => n.kind === "host");
    byId("host-name").textContent = String(host?.data?.hostname ?? host?.label ?? "dom0");
    byId("host-model").textContent = `${graph.model} model`;
    this.trace.update(graph);
    this.selection.refresh((id) => this.view.node(id));
    this.showPast();
  }

  private graphChanged(): void {
    void this.refreshGraph();
  }

  /** Shows the clock; behind the simulation, draws the nodes' states at the cursor (time-travel.ts). */
  private onClock(c: ClockState): void {
    this.clock.show(c);
    if (c.cursor < c.latest) {
      this.pastCursor = c.cursor;
      this.showPast();
    } else if (this.pastCursor !== undefined) {
      this.pastCursor = undefined;
      this.view.mark("future", []);
      this.graphChanged();
    }
  }

  /** Applies the states at the past cursor over the graph of now. */
  private showPast(): void {
    if (this.pastCursor === undefined) return;
    const at = this.travel.at(this.pastCursor);
    for (const [id, state] of at.states) this.view.setState(id, state);
    const edges = [...at.future].flatMap((id) => this.view.cy.getElementById(id).connectedEdges().map((e) => e.id()));
    this.view.mark("future", [...at.future, ...edges]);
  }

  private onEvent(e: SimEvent, live: boolean): void {
    this.travel.add(e);
    this.events.add(e);
    this.clock.seen(e.time);
    switch (e.kind) {
      case "frame":
        if (live) this.dots.animate(e, Math.max(250, 700 / Math.sqrt(this.speed)));
        break;
      case "domain":
        this.view.setState(`domU:${e.name}`, e.state);
        if (live) {
          this.graphChanged();
          void this.domains.refresh();
        }
        break;
      case "port":
        this.view.setState(`${e.node}:${e.port}`, e.state);
        break;
      case "link":
        // Up is only shown on a device that was down: a bridge port's state is its STP state.
        if (!e.up || this.view.stateOf(`${e.node}:${e.dev}`) === "down") this.view.setState(`${e.node}:${e.dev}`, e.up ? "up" : "down");
        break;
      case "lease":
        if (live) this.graphChanged();
        break;
      default:
        break;
    }
  }

  private async openFrame(seq: number): Promise<void> {
    showTab("frame");
    this.events.select(seq);
    const f = await this.frame.show(seq);
    if (f !== undefined) this.view.mark("frame-focus", [`${f.node}:${f.dev}`, `world:${f.node}`]);
  }

  /** Sets the speed used to pace the dots. */
  setSpeed(speed: number): void {
    this.speed = speed;
  }
}

/** Renders a graph in the main view and resolves, after the browser painted it, with the time taken in ms. */
async function renderGraph(app: App, graph: LiveGraph): Promise<number> {
  const t0 = performance.now();
  app.draw(graph);
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now() - t0;
}

const app = new App();
(window as unknown as { xennet: unknown }).xennet = {
  app,
  cy: app.view.cy,
  renderGraph: (g: LiveGraph) => renderGraph(app, g),
  refreshGraph: () => app.refreshGraph(),
  ready: app.start().catch((e: unknown) => flash(`start: ${(e as Error).message}`)),
};
