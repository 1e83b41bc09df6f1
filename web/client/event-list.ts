// The event list of the side panel: every simulation event as one line (time, protocol or kind,
// where, summary), filtered by protocol (ARP, DHCP, ICMP, UDP, TCP, STP, other) and by kind
// (state changes: domains, leases, FDB, port states, links, boot phases). A frame line opens the
// frame's details. Only the last MAX_ROWS matching lines are in the DOM.

import type { FrameProto, SimEvent } from "../api-types.ts";
import { h, seconds } from "./dom.ts";

const PROTOS: readonly FrameProto[] = ["arp", "dhcp", "icmp", "udp", "tcp", "stp", "other"];
const MAX_EVENTS = 20_000;
const MAX_ROWS = 400;

/** The event list with its filter bar. */
export class EventList {
  private readonly events: SimEvent[] = [];
  private readonly shown = new Set<string>([...PROTOS, "state"]);
  private readonly list = h("ol", { id: "event-list", class: "event-list" });
  private selected: number | undefined;
  private pending: SimEvent[] = [];

  constructor(container: HTMLElement, private readonly onFrame: (seq: number) => void) {
    const filters = h("div", { class: "filters", id: "event-filters" });
    for (const p of [...PROTOS, "state"]) {
      const box = h("input", { type: "checkbox", checked: true, "data-filter": p, onchange: () => this.toggle(p, box.checked) });
      filters.append(h("label", { class: `chip ${p}` }, box, p === "state" ? "state" : p.toUpperCase()));
    }
    container.append(filters, this.list);
  }

  /** Adds an event at the end; its line is drawn with the others of the same animation frame. */
  add(e: SimEvent): void {
    this.events.push(e);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    if (!this.matches(e)) return;
    this.pending.push(e);
    if (this.pending.length === 1) requestAnimationFrame(() => this.flush());
  }

  /** Draws the pending lines at once (a fast playback passes thousands of events a second). */
  private flush(): void {
    const rows = this.pending.splice(0).slice(-MAX_ROWS).map((e) => this.row(e));
    const follow = this.list.scrollTop + this.list.clientHeight >= this.list.scrollHeight - 30;
    this.list.append(...rows);
    for (let extra = this.list.childElementCount - MAX_ROWS; extra > 0; extra--) this.list.firstElementChild?.remove();
    if (follow) this.list.scrollTop = this.list.scrollHeight;
  }

  /** Drops the events after `cursor` (the clock stepped back). */
  truncate(cursor: number): void {
    const keep = this.events.findIndex((e) => e.seq > cursor);
    if (keep >= 0) this.events.splice(keep);
    this.redraw();
  }

  /** Marks the line of frame `seq` as selected. */
  select(seq: number): void {
    this.selected = seq;
    for (const li of this.list.querySelectorAll(".selected")) li.classList.remove("selected");
    this.list.querySelector(`[data-seq="${seq}"]`)?.classList.add("selected");
  }

  private toggle(filter: string, on: boolean): void {
    if (on) this.shown.add(filter);
    else this.shown.delete(filter);
    this.redraw();
  }

  private matches(e: SimEvent): boolean {
    return e.kind === "frame" ? this.shown.has(e.proto) : this.shown.has("state");
  }

  private redraw(): void {
    this.pending = [];
    const rows = this.events.filter((e) => this.matches(e)).slice(-MAX_ROWS).map((e) => this.row(e));
    this.list.replaceChildren(...rows);
    this.list.scrollTop = this.list.scrollHeight;
  }

  private row(e: SimEvent): HTMLLIElement {
    const tag = e.kind === "frame" ? e.proto : e.kind;
    const li = h("li", { class: `ev ${e.kind} ${tag}`, "data-seq": e.seq, "data-kind": e.kind, "data-proto": e.kind === "frame" ? e.proto : undefined },
      h("span", { class: "t" }, seconds(e.time)),
      h("span", { class: `tag ${tag}` }, tag.toUpperCase()),
      h("span", { class: "where" }, where(e)),
      h("span", { class: "what" }, describe(e)));
    if (e.kind === "frame") {
      li.classList.add("clickable");
      li.title = e.note ?? "show the decoded frame";
      li.addEventListener("click", () => this.onFrame(e.seq));
    }
    if (e.seq === this.selected) li.classList.add("selected");
    return li;
  }
}

function where(e: SimEvent): string {
  switch (e.kind) {
    case "frame": return `${e.node}:${e.dev} ${e.direction === "tx" ? "→" : "←"}`;
    case "domain": return e.name;
    case "lease": case "link": return `${e.node}:${e.dev}`;
    case "fdb": case "port": return `${e.node}:${e.bridge}`;
    case "phase": return "";
  }
}

function describe(e: SimEvent): string {
  switch (e.kind) {
    case "frame": return e.summary;
    case "domain": return `${e.state}${e.domid !== null ? ` (id ${e.domid})` : ""}`;
    case "lease": return `lease ${e.ip} from ${e.server}`;
    case "fdb": return `learned ${e.mac} on ${e.port}`;
    case "port": return `port ${e.port} ${e.state}`;
    case "link": return e.up ? "link up" : "link down";
    case "phase": return e.phase;
  }
}
