// The feed of a served host's history: it listens to the simulator's trace bus (frames sent and
// received, bridge learning, port states, links), to the machine (boot phases, DHCP leases) and to
// the hypervisor (domains created, changed, destroyed) and records each as a SimEvent. The
// TraceRecorder subscribes first, so a frame event can keep the recorder's record of its frame and
// show what each device did with it (the pcapng comment) when the page sees it.
import type { TraceRecorder } from "../../captures/tap.ts";
import type { Machine } from "../../hypervisor/machine/machine.ts";
import type { DomainEvent } from "../../hypervisor/domains/hypervisor.ts";
import type { TraceEvent } from "../../netsim/engine/trace.ts";
import { ipv4ToString, macToString } from "../../netsim/wire/address.ts";
import { summarizeFrame } from "../../netsim/wire/summary.ts";
import { frameEdge } from "./frame-edge.ts";
import { frameProto } from "./frame-detail.ts";
import type { EventHistory } from "./history.ts";
import { domainState } from "./live-graph.ts";

/** Records a machine's events into a history; `stop` unsubscribes. */
export class EventFeed {
  private readonly unsubscribe: (() => void)[] = [];
  private unwatchDomains: () => void = () => undefined;
  /** The last state word recorded per domain name, so a CPU-load flicker is one event, not many. */
  private readonly domainStates = new Map<string, string>();

  constructor(
    private readonly machine: Machine,
    private readonly recorder: TraceRecorder,
    private readonly history: EventHistory,
  ) {
    this.unsubscribe.push(machine.sim.trace.subscribe((e) => this.observe(e)));
    this.unsubscribe.push(machine.onEvent((e) => {
      if (e.kind === "phase") {
        this.history.add({ time: e.time, kind: "phase", phase: e.phase });
        // A boot after the first brings a new hypervisor: follow it.
        if (e.phase === "kernel") this.watchDomains();
      } else if (e.kind === "lease") {
        this.history.add({ time: e.time, kind: "lease", node: e.node, dev: e.dev, ip: ipv4ToString(e.lease.address), server: ipv4ToString(e.lease.server) });
      }
    }));
    this.watchDomains();
  }

  /** Stops recording. */
  stop(): void {
    for (const u of this.unsubscribe) u();
    this.unwatchDomains();
  }

  private watchDomains(): void {
    this.unwatchDomains();
    this.unwatchDomains = this.machine.xen.hypervisor.onEvent((e) => this.domainChanged(e));
  }

  private domainChanged(e: DomainEvent): void {
    const dom = e.domain;
    if (dom.privileged) return;
    const state = e.kind === "destroyed" ? "destroyed" : domainState(dom);
    if (this.domainStates.get(dom.name) === state) return;
    this.domainStates.set(dom.name, state);
    this.history.add({ time: this.machine.sim.now, kind: "domain", name: dom.name, domid: e.kind === "destroyed" ? null : dom.domid, state });
  }

  private observe(e: TraceEvent): void {
    switch (e.kind) {
      case "tx":
      case "rx": {
        const tapped = this.recorder.records().at(-1);
        const edge = frameEdge(this.machine, e.node, e.dev, e.kind);
        const base = { time: e.time, kind: "frame", node: e.node, dev: e.dev, direction: e.kind, proto: frameProto(e.frame), summary: summarizeFrame(e.frame) } as const;
        this.history.add(edge === undefined ? base : { ...base, edge }, tapped?.frame === e.frame ? tapped : undefined);
        return;
      }
      case "learn":
        this.history.add({ time: e.time, kind: "fdb", node: e.node, bridge: e.bridge, mac: macToString(e.mac), port: e.port });
        return;
      case "port-state":
        this.history.add({ time: e.time, kind: "port", node: e.node, bridge: e.bridge, port: e.port, state: e.state });
        return;
      case "link":
        this.history.add({ time: e.time, kind: "link", node: e.node, dev: e.dev, up: e.up && e.carrier });
        return;
      default:
        return;
    }
  }
}
