// What is selected on the graph: a small card over the drawing with the node's kind, state and
// facts (MAC, address, memory, domid...), and the header's downloads — the pcap of the selected
// interface (GET /api/pcap/:node/:dev) and the whole host as pcapng (GET /api/pcapng).

import type { LiveNode } from "../api-types.ts";
import { api } from "./api.ts";
import { byId, h } from "./dom.ts";

const DEVICE_KINDS = new Set(["nic", "bridge", "vif", "guest-nic"]);

/** The capture name of a device node: `dom0:vif1.0` → dom0 / vif1.0, `world:router:eth0` → router / eth0. */
export function captureName(n: LiveNode): { node: string; dev: string } | undefined {
  const info = n.data ?? {};
  if (typeof info.node === "string" && typeof info.dev === "string") return { node: info.node, dev: info.dev };
  const id = n.id.startsWith("world:") ? n.id.slice("world:".length) : n.id;
  const colon = id.indexOf(":");
  if (colon <= 0 || !DEVICE_KINDS.has(n.kind)) return undefined;
  return { node: id.slice(0, colon), dev: id.slice(colon + 1) };
}

/** The selection card and the download buttons. */
export class Selection {
  private readonly pcap = h("a", { id: "download-pcap", class: "btn disabled", title: "select an interface on the graph first" }, "pcap of …");
  private readonly card = byId("selection");
  private shown: string | undefined;

  constructor() {
    byId("downloads").append(this.pcap, h("a", { id: "download-pcapng", class: "btn", href: api.pcapngUrl(), download: "host.pcapng", title: "every interface of the host, with a comment per packet" }, "host.pcapng"));
  }

  /** Shows a node (or clears the selection). */
  show(n: LiveNode | undefined): void {
    this.shown = n?.id;
    if (n === undefined) {
      this.card.hidden = true;
      this.setPcap(undefined);
      return;
    }
    const facts = Object.entries(n.data ?? {}).map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, String(v))));
    this.card.replaceChildren(
      h("div", { class: "sel-head" }, h("b", {}, n.label), h("span", { class: "badge" }, n.kind), n.state ? h("span", { class: `badge state ${n.state}` }, n.state) : null),
      h("div", { class: "sel-id" }, n.id),
      facts.length > 0 ? h("table", { class: "fields" }, ...facts) : "");
    this.card.hidden = false;
    this.setPcap(captureName(n));
  }

  /** Shows the selected node again as a new snapshot has it (or clears the card when it is gone). */
  refresh(lookup: (id: string) => LiveNode | undefined): void {
    if (this.shown !== undefined) this.show(lookup(this.shown));
  }

  private setPcap(c: { node: string; dev: string } | undefined): void {
    if (c === undefined) {
      this.pcap.classList.add("disabled");
      this.pcap.removeAttribute("href");
      this.pcap.textContent = "pcap of …";
      return;
    }
    this.pcap.classList.remove("disabled");
    this.pcap.href = api.pcapUrl(c.node, c.dev);
    this.pcap.download = `${c.node}_${c.dev}.pcap`;
    this.pcap.title = `everything ${c.node}:${c.dev} carried, as tcpdump -w would write it`;
    this.pcap.textContent = `pcap of ${c.node}:${c.dev}`;
  }
}
