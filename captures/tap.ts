// Taps: what each simulated interface "sees", as tcpdump on it would, turned into capture files.
// A `TraceRecorder` subscribes to the simulator's trace bus and keeps every frame transmitted or
// received on every interface (optionally filtered). From that it writes a classic pcap per
// interface and one whole-host pcapng: one Interface Description Block per interface with its real
// name (`vif1.0`, `xenbr0`, `peth0`) and, on each packet, a comment saying what the simulator did
// with the frame there ("xenbr0: forwarded to peth0 (learned)").
//
// Comments are joined to packets by frame identity: a bridge forwards the very Uint8Array it
// received (frames are immutable once sent), so a `forward` event's frame is the same object as
// the `rx` record it follows.
import type { Sim } from "../netsim/engine/sim.ts";
import type { TraceEvent } from "../netsim/engine/trace.ts";
import { macToString } from "../netsim/wire/address.ts";
import { writePcap, type PcapOptions } from "./pcap-writer.ts";
import { writePcapng, type PcapngInterface } from "./pcapng-writer.ts";

/** One interface, named by its node and device. */
export interface TapPoint {
  readonly node: string;
  readonly dev: string;
}

/** A frame seen on an interface. */
export interface TappedFrame extends TapPoint {
  readonly timeMicros: number;
  readonly direction: "tx" | "rx";
  readonly frame: Uint8Array;
  readonly comments: string[];
}

/** Recorder options. */
export interface TapOptions {
  /** Which interfaces to record (default: all). */
  readonly filter?: (node: string, dev: string) => boolean;
  /** The host's own node (dom0): its interfaces keep their bare names in the pcapng. */
  readonly hostNode?: string;
  /**
   * Keep at most about this many frames, the newest (default: all). A long-running recorder (the web
   * server's) would otherwise grow without end; the oldest are dropped in blocks of a tenth, so a
   * push stays O(1) amortised.
   */
  readonly maxFrames?: number;
}

const key = (node: string, dev: string) => `${node}\u0000${dev}`;

/** Records frames from the trace bus for capture files. */
export class TraceRecorder {
  private frames: TappedFrame[] = [];
  private droppedFrames = 0;
  private readonly points = new Map<string, TapPoint>();
  /** The last record of each frame object, for attaching what happened to it next. */
  private readonly lastRecordOf = new WeakMap<Uint8Array, TappedFrame>();
  /** The last frame received on each interface, for events that carry no frame (learn). */
  private readonly lastRxOn = new Map<string, TappedFrame>();
  private readonly unsubscribe: () => void;

  constructor(
    sim: Sim,
    private readonly options: TapOptions = {},
  ) {
    this.unsubscribe = sim.trace.subscribe((event) => this.observe(event));
  }

  /** Stops recording (what was recorded stays available). */
  stop(): void {
    this.unsubscribe();
  }

  /** Every interface that saw a frame, in the order each first did. */
  interfaces(): readonly TapPoint[] {
    return [...this.points.values()];
  }

  /** How many of the oldest frames were dropped to respect `maxFrames`. */
  get dropped(): number {
    return this.droppedFrames;
  }

  /** Every recorded frame in time order. */
  records(): readonly TappedFrame[] {
    return this.frames;
  }

  /** A classic pcap of one interface, as `tcpdump -i DEV -w` on that node would write it. */
  pcapOf(node: string, dev: string, options: PcapOptions = {}): Uint8Array {
    const records = this.frames.filter((f) => f.node === node && f.dev === dev).map((f) => ({ timeMicros: f.timeMicros, data: f.frame }));
    return writePcap(records, options);
  }

  /** The whole capture as pcapng, one interface block per tapped interface, a comment per packet. */
  pcapng(): Uint8Array {
    const index = new Map<string, number>();
    const interfaces: PcapngInterface[] = [];
    for (const p of this.points.values()) {
      index.set(key(p.node, p.dev), interfaces.length);
      const name = p.node === this.options.hostNode ? p.dev : `${p.node}:${p.dev}`;
      interfaces.push({ name, description: `${p.dev} on ${p.node}` });
    }
    const packets = this.frames.map((f) => ({
      timeMicros: f.timeMicros,
      ifIndex: index.get(key(f.node, f.dev))!,
      data: f.frame,
      comment: [`${f.direction === "tx" ? "sent by" : "received on"} ${f.dev}`, ...f.comments].join("; "),
    }));
    return writePcapng({ interfaces, packets });
  }

  private observe(event: TraceEvent): void {
    switch (event.kind) {
      case "tx":
      case "rx":
        this.record(event.kind, event.time, event.node, event.dev, event.frame);
        return;
      case "forward":
        this.annotate(event.frame, `${event.bridge}: forwarded to ${event.outPort} (learned)`);
        return;
      case "flood":
        this.annotate(event.frame, `${event.bridge}: flooded to ${event.outPorts.join(", ") || "no port"} (${event.why})`);
        return;
      case "local":
        this.annotate(event.frame, `${event.bridge}: delivered up to ${event.bridge}'s own stack`);
        return;
      case "drop":
        if (event.frame) this.annotate(event.frame, `${event.dev}: dropped (${event.reason}${event.detail ? `: ${event.detail}` : ""})`);
        return;
      case "learn":
        this.lastRxOn.get(key(event.node, event.port))?.comments.push(`${event.bridge}: learned ${macToString(event.mac)} on ${event.port}`);
        return;
      default:
        return;
    }
  }

  private record(direction: "tx" | "rx", time: number, node: string, dev: string, frame: Uint8Array): void {
    if (this.options.filter && !this.options.filter(node, dev)) return;
    const k = key(node, dev);
    if (!this.points.has(k)) this.points.set(k, { node, dev });
    const rec: TappedFrame = { node, dev, timeMicros: time, direction, frame, comments: [] };
    this.frames.push(rec);
    const max = this.options.maxFrames;
    if (max !== undefined && this.frames.length > max) {
      const cut = this.frames.length - max + Math.ceil(max / 10);
      this.frames = this.frames.slice(cut);
      this.droppedFrames += cut;
    }
    this.lastRecordOf.set(frame, rec);
    if (direction === "rx") this.lastRxOn.set(k, rec);
  }

  private annotate(frame: Uint8Array, comment: string): void {
    this.lastRecordOf.get(frame)?.comments.push(comment);
  }
}
