// One served host: the Machine booted from --root/--world/--seed (as cli/host.ts openHost does), a
// root Dom0Shell on it for xm and shell lines (as `xennet xm` and `xennet shell` run them), a
// TraceRecorder for the pcaps and the per-frame device notes, the event history with its feed, and
// the playback clock. Every request of the web API is a method here over the same libraries the CLI
// uses; expected failures throw RequestError with their HTTP status.
import { TraceRecorder } from "../../captures/tap.ts";
import { checkHostBoot, type CheckReport } from "../../hypervisor/check/index.ts";
import { Machine } from "../../hypervisor/machine/machine.ts";
import { Dom0Shell } from "../../hypervisor/shell/index.ts";
import { runTrace, type TraceResult } from "../../hypervisor/trace/index.ts";
import type { WorldSpec } from "../../hypervisor/world/index.ts";
import type { FileReader } from "../../topology/index.ts";
import type { CommandResult, ConsoleView, DomainsView, FileSaved, FileView, FrameDetail, LiveGraph, SimEvent, TraceRequestBody } from "../api-types.ts";
import { PlaybackClock } from "./clock.ts";
import { consoleView, domainCommand, domainsView } from "./domains.ts";
import { EventFeed } from "./event-feed.ts";
import { readSimFile, saveSimFile } from "./files.ts";
import { frameLayers, hexOf } from "./frame-detail.ts";
import { EventHistory, viewOf, MAX_HISTORY } from "./history.ts";
import { liveGraph } from "./live-graph.ts";
import { modelGraph } from "./model-graph.ts";
import { RequestError } from "./request-error.ts";

/** How a served host is made (the CLI's global options). */
export interface SessionOptions {
  readonly root: FileReader;
  readonly seed: number;
  readonly world: WorldSpec;
  /** Events the history keeps (default MAX_HISTORY). */
  readonly historyLimit?: number;
}

/** Frames the pcap downloads keep (the newest): a server left running must not grow without end. */
export const MAX_RECORDED_FRAMES = 500_000;

/** The most events GET /api/events returns at once. */
export const MAX_EVENTS_PER_REQUEST = 10_000;

/** A served host (see the file header). */
export class HostSession {
  readonly machine: Machine;
  readonly shell: Dom0Shell;
  readonly recorder: TraceRecorder;
  readonly history: EventHistory;
  readonly clock: PlaybackClock;
  private readonly feed: EventFeed;

  constructor(private readonly options: SessionOptions) {
    this.machine = new Machine({ seed: options.seed, root: options.root, world: options.world });
    this.recorder = new TraceRecorder(this.machine.sim, { hostNode: "dom0", maxFrames: MAX_RECORDED_FRAMES });
    this.history = new EventHistory(options.historyLimit ?? MAX_HISTORY);
    this.feed = new EventFeed(this.machine, this.recorder, this.history);
    this.machine.boot();
    this.shell = new Dom0Shell(this.machine);
    const sim = this.machine.sim;
    this.clock = new PlaybackClock({ history: this.history, simNow: () => sim.now, runTo: (t) => sim.runUntil(t) });
    this.clock.goLive();
  }

  /** Stops recording (the server is closing). */
  close(): void {
    this.feed.stop();
    this.recorder.stop();
  }

  /** One line of the dom0 shell, as a terminal shows it. */
  shellLine(line: unknown): CommandResult {
    if (typeof line !== "string" || line.includes("\n")) throw new RequestError(400, "line: one line of text is required");
    const r = this.shell.run(line);
    this.clock.goLive();
    return { stdout: r.stdout, stderr: r.stderr, status: r.exitCode };
  }

  /** One xm command, its arguments passed to xm exactly as given (as `xennet xm` quotes them). */
  xm(args: unknown): CommandResult {
    if (!Array.isArray(args) || !args.every((a) => typeof a === "string" && !a.includes("\n"))) throw new RequestError(400, "args: an array of strings is required");
    return this.shellLine(["xm", ...(args as string[])].map(quote).join(" "));
  }

  /** A domain panel action; 404 for an unknown domain, cfg or save file. */
  domainAction(name: string, action: string): CommandResult {
    return this.xm(domainCommand(this.machine, name, action));
  }

  /** The `xm list` table, configs and save files. */
  domains(): DomainsView {
    return domainsView(this.machine);
  }

  /** A guest's console. */
  console(name: string): ConsoleView {
    return consoleView(this.machine, name);
  }

  /** `xennet trace --json` on the running host; 400 for a bad request or an unknown FROM/TO. */
  trace(body: unknown): TraceResult {
    const req = checkTraceBody(body);
    const result = runTrace(this.machine, req);
    this.clock.goLive();
    if (typeof result === "string") throw new RequestError(400, result);
    return result;
  }

  /** `xennet check --json` of the files as they are now in the simulated filesystem. */
  check(): CheckReport {
    return checkHostBoot(this.machine.xen.fs, this.options.seed, this.options.world);
  }

  /** A file of the simulated filesystem. */
  readFile(path: unknown): FileView {
    return readSimFile(this.machine.xen.fs, path);
  }

  /** Writes a file into the simulated filesystem after its parser accepted it. */
  writeFile(path: unknown, text: unknown): FileSaved {
    return saveSimFile(this.machine.xen.fs, path, text);
  }

  /** The host now, or the same files under another network model. */
  graph(model?: string): LiveGraph {
    return model === undefined ? liveGraph(this.machine) : modelGraph(this.machine, model, this.options.seed);
  }

  /** Events after `after`, up to the cursor, as the page sees them. */
  events(after: number): SimEvent[] {
    return this.history.range(after, this.clock.state().cursor, MAX_EVENTS_PER_REQUEST).map(viewOf);
  }

  /** Everything about a frame event; 404 when `seq` is not a kept frame event. */
  frame(seq: number): FrameDetail {
    const entry = this.history.get(seq);
    if (entry === undefined || entry.event.kind !== "frame" || entry.tapped === undefined) throw new RequestError(404, `no frame event ${seq}`);
    const { event, tapped } = entry;
    const actions = [`${event.direction === "tx" ? "sent by" : "received on"} ${event.dev}`, ...tapped.comments];
    return { seq, time: event.time, node: event.node, dev: event.dev, direction: event.direction, layers: frameLayers(tapped.frame), actions, hex: hexOf(tapped.frame) };
  }

  /** The classic pcap of one interface; 404 when the node has no such device and it saw no frame. */
  pcap(node: string, dev: string): Uint8Array {
    const seen = this.recorder.interfaces().some((p) => p.node === node && p.dev === dev);
    if (!seen && this.machine.hostNode(node)?.device(dev) === undefined) throw new RequestError(404, `no interface ${dev} on ${node}`);
    return this.recorder.pcapOf(node, dev);
  }

  /** The whole host as pcapng, a comment on each packet. */
  pcapng(): Uint8Array {
    return this.recorder.pcapng();
  }
}

/** Single-quotes a word for the shell, so arguments reach xm exactly as given. */
function quote(word: string): string {
  return `'${word.replace(/'/g, "'\\''")}'`;
}

function checkTraceBody(body: unknown): { from: string; to: string; proto: "icmp" | "udp" | "tcp"; port?: number } {
  const b = (body ?? {}) as Partial<Record<keyof TraceRequestBody, unknown>>;
  if (typeof b.from !== "string" || typeof b.to !== "string") throw new RequestError(400, "from and to are required strings");
  const proto = b.proto ?? "icmp";
  if (proto !== "icmp" && proto !== "udp" && proto !== "tcp") throw new RequestError(400, `proto must be icmp, udp or tcp, not "${String(proto)}"`);
  const port = b.port;
  if (port !== undefined && (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535)) throw new RequestError(400, "port must be 1-65535");
  return port === undefined ? { from: b.from, to: b.to, proto } : { from: b.from, to: b.to, proto, port };
}
