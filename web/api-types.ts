// The JSON the web server sends and accepts: the one contract between `web/server` (express, over
// the same libraries the CLI uses) and `web/client` (the cytoscape page). Every route is under
// /api; errors are `ApiError` with a 4xx/5xx status from the server's one error handler.
//
//   GET  /api/graph                    → LiveGraph (the booted host as it is now)
//   GET  /api/graph?model=bridge|route|nat → LiveGraph of the same host's config under another
//                                        Xen network model (a fresh simulation, for side by side)
//   GET  /api/domains                  → DomainsView (the `xm list` table)
//   POST /api/domains/:name/:action    → CommandResult; action: create (name = a cfg under
//                                        /etc/xen, e.g. "testxen" or "testxen.cfg"), pause, unpause,
//                                        save, restore (name = domain, file /var/lib/xen/save/NAME),
//                                        shutdown, reboot, destroy. 404 unknown domain/cfg.
//   GET  /api/domains/:name/console    → ConsoleView
//   POST /api/xm        {args: string[]} → CommandResult (any xm command, as `xennet xm`)
//   POST /api/shell     {line: string}  → CommandResult (one line of the dom0 shell)
//   POST /api/trace     TraceRequestBody → the same JSON as `xennet trace --json`
//   GET  /api/check                    → the same JSON as `xennet check --json` (of the files as they
//                                        are now in the simulated filesystem)
//   GET  /api/files?path=/etc/...      → FileView; 404 missing; 400 path outside the root
//   PUT  /api/files     {path, text}   → FileSaved (written to the simulated fs, never to --root;
//                                        re-checked); 400 path escaping the root; 413 too large
//   GET  /api/clock                    → ClockState
//   POST /api/clock     ClockCommand   → ClockState
//   GET  /api/events?after=SEQ         → { events: SimEvent[] } (history, up to the cursor)
//   GET  /api/events/stream            → text/event-stream: one `data: <SimEvent JSON>` per event as
//                                        the playback cursor passes it (also `event: clock` with a
//                                        ClockState after each clock change)
//   GET  /api/frames/:seq              → FrameDetail of a frame event; 404 unknown seq
//   GET  /api/pcap/:node/:dev          → application/vnd.tcpdump.pcap, file NODE_DEV.pcap
//   GET  /api/pcapng                   → application/x-pcapng, the whole host with comments

// The trace and check answers are exactly what `xennet trace --json` and `xennet check --json`
// print: their types live where those answers are made.
export type { Hop as TraceHop, TraceResult } from "../hypervisor/trace/index.ts";
export type { CheckReport, ReportDiagnostic as CheckDiagnostic } from "../hypervisor/check/index.ts";

/** Error body, with the HTTP status. */
export interface ApiError {
  readonly error: string;
  /** Located diagnostics when the error is about a file (malformed cfg upload...). */
  readonly diagnostics?: readonly DiagnosticView[];
}

/** A located finding, as `check --json` prints it. */
export interface DiagnosticView {
  readonly severity: "error" | "warning" | "info";
  readonly code?: string;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** What a node of the live graph stands for. */
export type LiveNodeKind = "host" | "dom0-stack" | "nic" | "bridge" | "vif" | "domain" | "guest-nic" | "lan" | "router" | "dhcp-server" | "internet" | "world-host";

/** A node; `parent` makes compound nodes (dom0's box holds its devices; a domU's box its eth0). */
export interface LiveNode {
  readonly id: string;
  readonly kind: LiveNodeKind;
  readonly label: string;
  readonly parent?: string;
  /** running | blocked | paused | saved | crashed | dying | shutdown (domains);
   *  forwarding | learning | listening | blocking | disabled (bridge ports); up | down (links). */
  readonly state?: string;
  /** Small display facts: mac, ip, memory, domid, model... */
  readonly data?: Readonly<Record<string, string | number | boolean>>;
}

/** An edge; a frame moving from `node:dev` to its peer animates along the edge with that `id`. */
export interface LiveEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly kind: "port" | "link" | "netif" | "route" | "nat" | "uplink";
  readonly state?: "up" | "down";
}

/** The host as it is now; node ids are stable (`dom0`, `dom0:xenbr0`, `dom0:vif1.0`, `domU:testxen`, `testxen:eth0`, `world:router`...). */
export interface LiveGraph {
  readonly model: "bridge" | "route" | "nat" | "mixed" | "none";
  readonly nodes: readonly LiveNode[];
  readonly edges: readonly LiveEdge[];
  /** Simulated time of the snapshot, µs. */
  readonly time: number;
  /** What did not go as on the served host (a guest another model cannot start, with xm's error). */
  readonly notes?: readonly string[]; // added by the lead
}

/** One row of `xm list`. */
export interface DomainView {
  readonly name: string;
  readonly id: number | null;
  readonly memory: number;
  readonly vcpus: number;
  /** xm's six-letter state, e.g. "-b----" or "--p---". */
  readonly state: string;
  readonly time: number;
}

/** The domain panel. */
export interface DomainsView {
  readonly domains: readonly DomainView[];
  /** Configs under /etc/xen that `create` can start. */
  readonly configs: readonly string[];
  /** Save files that `restore` can read. */
  readonly saved: readonly string[];
}

/** A command's output, as a terminal would show it. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

/** A guest's console, as `xm console` would show it so far. */
export interface ConsoleView {
  readonly name: string;
  readonly text: string;
}

/** Body of POST /api/trace. */
export interface TraceRequestBody {
  readonly from: string;
  readonly to: string;
  readonly proto?: "icmp" | "udp" | "tcp";
  readonly port?: number;
}

/** A file of the simulated filesystem. */
export interface FileView {
  readonly path: string;
  readonly text: string;
}

/** After a PUT: the file's own diagnostics and the whole check report. */
export interface FileSaved {
  readonly path: string;
  readonly diagnostics: readonly DiagnosticView[];
}

/** Playback of the simulation in virtual time. */
export interface ClockState {
  /** Simulated time of the playback cursor, µs. */
  readonly now: number;
  readonly playing: boolean;
  /** Simulated seconds per real second. */
  readonly speed: number;
  /** Seq of the last event shown (0 before any). */
  readonly cursor: number;
  /** Seq of the last event the simulation has produced (≥ cursor: the server runs ahead). */
  readonly latest: number;
  /** Seq of the oldest event the server still keeps (older ones were dropped from its bounded history). */
  readonly oldest?: number; // added by web-server
}

/** What the page asks of the clock. */
export type ClockCommand =
  | { readonly action: "play"; readonly speed?: number }
  | { readonly action: "pause" }
  | { readonly action: "step" }
  | { readonly action: "back" }
  | { readonly action: "speed"; readonly speed: number }
  | { readonly action: "advance"; readonly seconds: number }
  /** The cursor to the last event and the simulation's time: where the graph is (added by the lead). */
  | { readonly action: "live" };

/** One layer of a decoded frame. */
export interface LayerView {
  readonly name: "Ethernet" | "802.1Q" | "ARP" | "IPv4" | "ICMP" | "UDP" | "TCP" | "DHCP" | "STP" | "Data";
  readonly summary: string;
  readonly fields: readonly (readonly [string, string])[];
}

/** Everything about one frame event. */
export interface FrameDetail {
  readonly seq: number;
  readonly time: number;
  readonly node: string;
  readonly dev: string;
  readonly direction: "rx" | "tx";
  readonly layers: readonly LayerView[];
  /** What each device did with it, in order, as the pcapng comment says. */
  readonly actions: readonly string[];
  readonly hex: string;
}

/** Protocol filter classes of the event list. */
export type FrameProto = "arp" | "dhcp" | "icmp" | "udp" | "tcp" | "stp" | "other";

/** An event of the simulation, in order (`seq` from 1). */
export type SimEvent =
  | { readonly seq: number; readonly time: number; readonly kind: "frame"; readonly node: string; readonly dev: string; readonly direction: "rx" | "tx"; readonly proto: FrameProto; readonly summary: string; readonly edge?: string; readonly note?: string }
  | { readonly seq: number; readonly time: number; readonly kind: "domain"; readonly name: string; readonly domid: number | null; readonly state: string }
  | { readonly seq: number; readonly time: number; readonly kind: "lease"; readonly node: string; readonly dev: string; readonly ip: string; readonly server: string }
  | { readonly seq: number; readonly time: number; readonly kind: "fdb"; readonly node: string; readonly bridge: string; readonly mac: string; readonly port: string }
  | { readonly seq: number; readonly time: number; readonly kind: "port"; readonly node: string; readonly bridge: string; readonly port: string; readonly state: string }
  | { readonly seq: number; readonly time: number; readonly kind: "link"; readonly node: string; readonly dev: string; readonly up: boolean }
  | { readonly seq: number; readonly time: number; readonly kind: "phase"; readonly phase: string };
