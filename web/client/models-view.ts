// Side by side: the same host's config under the three Xen network models (GET /api/graph?model=
// bridge|route|nat, each a fresh simulation) in three small cytoscape drawings over the main graph.

import { api } from "./api.ts";
import { byId, h } from "./dom.ts";
import { GraphView } from "./graph-view.ts";

const MODELS = [
  ["bridge", "Bridge", "network-bridge + vif-bridge"],
  ["route", "Routing", "network-route + vif-route"],
  ["nat", "NAT", "network-nat + vif-nat"],
] as const;

/** The three-model comparison, shown or hidden by the header's switch. */
export class ModelsView {
  private views: GraphView[] = [];

  constructor(private readonly button: HTMLElement) {
    button.addEventListener("click", () => void this.toggle());
  }

  /** Whether the comparison is showing. */
  get open(): boolean {
    return !byId("models").hidden;
  }

  /** Shows or hides the comparison; each opening fetches the three graphs again. */
  async toggle(): Promise<void> {
    const box = byId("models");
    if (this.open) {
      this.close();
      return;
    }
    box.hidden = false;
    this.button.classList.add("active");
    this.button.textContent = "Back to live graph";
    const panes = MODELS.map(([model, title, scripts]) => {
      const canvas = h("div", { class: "model-graph", id: `model-${model}` });
      const pane = h("div", { class: "model-pane" }, h("h4", {}, title, " ", h("span", { class: "scripts" }, scripts)), canvas);
      box.append(pane);
      return [model, canvas, pane] as const;
    });
    await Promise.all(panes.map(async ([model, canvas, pane]) => {
      const view = new GraphView(canvas, { thumbnail: true });
      this.views.push(view);
      try {
        const graph = await api.graph(model);
        view.render(graph);
        for (const note of graph.notes ?? []) pane.insertBefore(h("p", { class: "note" }, note), canvas);
        pane.dataset.nodes = String(graph.nodes.length);
      } catch (e) {
        pane.append(h("p", { class: "error" }, (e as Error).message));
      }
    }));
  }

  private close(): void {
    for (const v of this.views) v.destroy();
    this.views = [];
    const box = byId("models");
    box.replaceChildren();
    box.hidden = true;
    this.button.classList.remove("active");
    this.button.textContent = "Compare models";
  }
}
