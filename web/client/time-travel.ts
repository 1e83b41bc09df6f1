// The graph at the playback cursor. The server draws the host as it is now; when the page steps
// back, the nodes' states must be those of the cursor's moment. They follow from the state events
// of the history (a domain's state, a bridge port's STP state, a device's link): each node shows
// the last value its events gave it at or before the cursor, and a node all of whose events come
// later did not exist yet (a guest created after the cursor, its vif) and is drawn faded.

import type { SimEvent } from "../api-types.ts";

type StateEvent = Extract<SimEvent, { kind: "domain" | "port" | "link" }>;

/** The node a state event is about, and the state it gives it. */
function target(e: StateEvent): { id: string; state: string; port: boolean } {
  if (e.kind === "domain") return { id: `domU:${e.name}`, state: e.state, port: false };
  if (e.kind === "port") return { id: `${e.node}:${e.port}`, state: e.state, port: true };
  return { id: `${e.node}:${e.dev}`, state: e.up ? "up" : "down", port: false };
}

/** What the graph shows at a cursor. */
export interface GraphAt {
  /** Node id → its state at the cursor. */
  readonly states: ReadonlyMap<string, string>;
  /** Nodes that came to be after the cursor. */
  readonly future: ReadonlySet<string>;
}

/** Keeps every state event seen (each once, by seq), to answer `at`. */
export class TimeTravel {
  private readonly events = new Map<number, StateEvent>();

  /** Remembers a state event (others are ignored). */
  add(e: SimEvent): void {
    if (e.kind === "domain" || e.kind === "port" || e.kind === "link") this.events.set(e.seq, e);
  }

  /** The states at `cursor` (see the file header). A bridge port's state is its STP state, not its link's. */
  at(cursor: number): GraphAt {
    const ordered = [...this.events.values()].sort((a, b) => a.seq - b.seq);
    const ports = new Set(ordered.filter((e) => e.kind === "port").map((e) => target(e).id));
    const states = new Map<string, string>();
    const future = new Set<string>();
    for (const e of ordered) {
      const t = target(e);
      if (ports.has(t.id) && !t.port) continue;
      if (e.seq <= cursor) {
        states.set(t.id, t.state);
        future.delete(t.id);
      } else if (!states.has(t.id)) future.add(t.id);
    }
    return { states, future };
  }
}
