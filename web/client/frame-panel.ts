// The frame tab: one frame event's details (GET /api/frames/:seq) — where and when it was seen,
// each decoded layer (Ethernet, 802.1Q, ARP, IPv4, ICMP/UDP/TCP, DHCP, STP) with its fields as
// Wireshark would list them, what each device did with the frame, and the bytes in hex.

import type { FrameDetail } from "../api-types.ts";
import { api } from "./api.ts";
import { h, seconds } from "./dom.ts";

/** The frame details panel. */
export class FramePanel {
  constructor(private readonly container: HTMLElement) {
    container.append(h("p", { class: "hint" }, "Click a frame in the event list, or a moving dot on the graph."));
  }

  /** Loads and shows frame `seq`. */
  async show(seq: number): Promise<FrameDetail | undefined> {
    this.container.replaceChildren(h("p", { class: "hint" }, `loading frame ${seq}…`));
    try {
      const f = await api.frame(seq);
      this.container.replaceChildren(...this.render(f));
      return f;
    } catch (e) {
      this.container.replaceChildren(h("p", { class: "error" }, `frame ${seq}: ${(e as Error).message}`));
      return undefined;
    }
  }

  private render(f: FrameDetail): HTMLElement[] {
    const head = h("div", { class: "frame-head", id: "frame-head" },
      h("strong", {}, `Frame ${f.seq}`), ` — ${f.direction === "tx" ? "sent on" : "received on"} ${f.node}:${f.dev} at ${seconds(f.time)}`);
    const layers = h("div", { class: "layers", id: "frame-layers" });
    for (const layer of f.layers) {
      const rows = layer.fields.map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v)));
      layers.append(h("details", { open: true, class: `layer ${layer.name}` },
        h("summary", {}, h("b", {}, layer.name), " ", layer.summary),
        h("table", { class: "fields" }, ...rows)));
    }
    const actions = h("ol", { class: "actions", id: "frame-actions" }, ...f.actions.map((a) => h("li", {}, a)));
    return [head, layers, h("h4", {}, "What the devices did"), actions, h("h4", {}, "Bytes"), h("pre", { class: "hex" }, hexDump(f.hex))];
  }
}

/** `0000  45 00 …` lines of 16 bytes from a hex string (spaces ignored). */
function hexDump(hex: string): string {
  const bytes = hex.replace(/[^0-9a-fA-F]/g, "").match(/../g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) lines.push(`${i.toString(16).padStart(4, "0")}  ${bytes.slice(i, i + 16).join(" ")}`);
  return lines.join("\n");
}
