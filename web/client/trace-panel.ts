// The trace tab: pick a source (dom0 or a running guest) and a destination (a guest, a world host
// such as www or router, or an address), POST /api/trace, and list the request's and the reply's
// hops as `xennet trace` prints them — node, interface in → out, TTL, and each thing that happened
// (route used, ARP, learned/flooded, proxy ARP, NAT before → after). The path is lit on the graph;
// pointing at a hop focuses its stretch.

import type { LiveGraph, TraceRequestBody } from "../api-types.ts";
import type { TraceHop, TraceResult } from "../api-types.ts";
import { api } from "./api.ts";
import { h } from "./dom.ts";

/** What the trace tab asks of the graph. */
export interface TraceGraph {
  /** Lights the whole path of the request; returns each hop's element ids. */
  showTrace(hops: readonly TraceHop[]): readonly (readonly string[])[];
  /** Focuses a set of elements (a hop), or none. */
  focus(ids: readonly string[]): void;
  /** Removes the trace from the graph. */
  clearTrace(): void;
}

/** The trace form and its result. */
export class TracePanel {
  private readonly from = h("select", { id: "trace-from" });
  private readonly to = h("input", { id: "trace-to", list: "trace-to-list", value: "www", size: 12 });
  private readonly toList = h("datalist", { id: "trace-to-list" });
  private readonly proto = h("select", { id: "trace-proto" }, h("option", {}, "icmp"), h("option", {}, "udp"), h("option", {}, "tcp"));
  private readonly port = h("input", { id: "trace-port", type: "number", placeholder: "port", min: 1, max: 65535 });
  private readonly result = h("div", { id: "trace-result", class: "trace-result" });

  constructor(container: HTMLElement, private readonly graph: TraceGraph) {
    const go = h("button", { id: "trace-go", class: "btn primary", onclick: () => void this.run() }, "Trace");
    const clear = h("button", { class: "btn", onclick: () => this.clear() }, "Clear");
    container.append(
      h("div", { class: "form-row" }, h("label", {}, "from ", this.from), h("label", {}, "to ", this.to), this.toList),
      h("div", { class: "form-row" }, h("label", {}, "proto ", this.proto), this.port, go, clear),
      this.result,
    );
  }

  /** Refreshes the choices of source and destination from the graph. */
  update(graph: LiveGraph): void {
    const running = graph.nodes.filter((n) => n.kind === "domain" && n.state !== "saved" && n.state !== "shutdown").map((n) => n.label);
    const world = graph.nodes.filter((n) => ["world-host", "router", "dhcp-server"].includes(n.kind)).map((n) => n.label);
    const keep = this.from.value;
    this.from.replaceChildren(...["dom0", ...running].map((d) => h("option", { value: d }, d)));
    if ([...this.from.options].some((o) => o.value === keep)) this.from.value = keep;
    this.toList.replaceChildren(...[...world, "dom0", ...running].map((d) => h("option", { value: d })));
  }

  /** Runs a trace and shows it (also used by tests through the form). */
  async run(): Promise<TraceResult | undefined> {
    const body: { -readonly [K in keyof TraceRequestBody]: TraceRequestBody[K] } = { from: this.from.value || "dom0", to: this.to.value.trim(), proto: this.proto.value as "icmp" | "udp" | "tcp" };
    if (this.port.value !== "") body.port = Number(this.port.value);
    this.result.replaceChildren(h("p", { class: "hint" }, `tracing ${body.from} → ${body.to}…`));
    try {
      const r = await api.trace(body);
      this.show(r);
      return r;
    } catch (e) {
      this.graph.clearTrace();
      this.result.replaceChildren(h("p", { class: "error" }, (e as Error).message));
      return undefined;
    }
  }

  private clear(): void {
    this.graph.clearTrace();
    this.result.replaceChildren();
  }

  private show(r: TraceResult): void {
    const perHop = this.graph.showTrace(r.request);
    const verdict = r.delivered ? h("p", { class: "ok", id: "trace-verdict" }, `delivered to ${r.to} and answered`) : h("p", { class: "error", id: "trace-verdict" }, `not delivered to ${r.to}`);
    this.result.replaceChildren(
      h("h4", {}, `${r.proto} from ${r.from} to ${r.to} — request`),
      this.hopList(r.request, perHop),
      ...(r.reply.length > 0 ? [h("h4", {}, "reply"), this.hopList(r.reply, [])] : []),
      verdict,
    );
  }

  private hopList(hops: readonly TraceHop[], perHop: readonly (readonly string[])[]): HTMLOListElement {
    const ol = h("ol", { class: "hops" });
    hops.forEach((hop, i) => {
      const ids = perHop[i] ?? [];
      const lines = hop.detail.split("; ").map((l) => h("li", { class: /\bNAT\b|proxy ARP|flooded|learned|dropped|drop:/.test(l) ? "key" : "" }, l));
      const where = `${hop.in ?? "-"} → ${hop.out ?? "-"}`;
      const li = h("li", { class: `hop ${hop.action}`, "data-node": hop.node },
        h("div", { class: "hop-head" }, h("b", {}, hop.node), ` ${where}`, hop.ttl !== undefined ? h("span", { class: "ttl" }, `ttl ${hop.ttl}`) : null, h("span", { class: `action ${hop.action}` }, hop.action)),
        h("ul", { class: "hop-detail" }, ...lines));
      li.addEventListener("mouseenter", () => this.graph.focus(ids));
      li.addEventListener("mouseleave", () => this.graph.focus([]));
      ol.append(li);
    });
    return ol;
  }
}
