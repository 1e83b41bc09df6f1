// A tcpdump 4.1.1 / libpcap 1.1.1 capture on one device of a node, fed by the simulator's trace
// bus (`tx` and `rx` events of that node and device: what a packet socket bound to it sees). It
// spans simulated time, so it is a session rather than a one-shot command: start it, let the
// simulation run, collect the lines it printed, stop it (the shell's Ctrl-C, or the next command)
// or let `-c N` end it. Its stderr is tcpdump's: at start
//   tcpdump: verbose output suppressed, use -v or -vv for full protocol decode
//   listening on vif1.0, link-type EN10MB (Ethernet), capture size 65535 bytes
// (with -w only `tcpdump: listening on …`), at the end the three counters of info(1). An
// interrupted capture also prints a newline on stdout (pcap_breakloop, status -2). Without -p the
// device is promiscuous while the capture runs (libpcap's PACKET_MR_PROMISC, which `ip link` does
// not show). As libpcap does on Linux, outgoing packets on the loopback device are skipped (each is
// seen again coming in). With -w the packets go to a classic pcap whose timestamps are the host's
// wall clock (HostNode.epochSeconds plus simulated time).
import type { TraceEvent } from "../../netsim/engine/trace.ts";
import type { NetDev } from "../../netsim/l2/index.ts";
import { PcapWriter } from "../../captures/pcap-writer.ts";
import { syncPromiscuity, type HostNode } from "./host.ts";
import type { ToolResult } from "./io.ts";
import { compileFilter, type FramePredicate } from "./tcpdump-filter.ts";
import { LinePrinter, type LineOptions } from "./tcpdump-print.ts";

const USAGE = `tcpdump version 4.1.1
libpcap version 1.1.1
Usage: tcpdump [-aAbdDefIKlLnNOpqRStuUvxX] [ -B size ] [ -c count ]
\t\t[ -C file_size ] [ -E algo:secret ] [ -F file ] [ -G seconds ]
\t\t[ -i interface ] [ -M secret ] [ -r file ]
\t\t[ -s snaplen ] [ -T type ] [ -w file ] [ -W filecount ]
\t\t[ -y datalinktype ] [ -z command ] [ -Z user ]
\t\t[ expression ]
`;

/** The options of one capture. */
interface CaptureOptions extends LineOptions {
  iface?: string;
  count?: number;
  promisc: boolean;
  snaplen: number;
  writeFile?: string;
  listDevices: boolean;
  filter: readonly string[];
}

const fail = (stderr: string, exitCode = 1): ToolResult => ({ stdout: "", stderr, exitCode });
/** Options taking a value (getopt "…c:C:…E:…F:G:i:…m:M:…r:…s:…T:…w:W:…y:…z:Z:"). */
const WITH_VALUE = "BcCEFGimMrsTwWyzZ";
const NOT_SIMULATED = "aAdfKLOqRrvxXCEFGmMTWyzZ";

/** getopt over tcpdump's argv: options anywhere before the expression, `--` ends them. */
function parseOptions(argv: readonly string[]): CaptureOptions | ToolResult {
  const o = { numeric: false, link: false, absoluteSeq: false, tflag: 0, promisc: true, snaplen: 65535, listDevices: false, filter: [] as string[] } as CaptureOptions & { filter: string[] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return { ...o, filter: argv.slice(i + 1) };
    if (!arg.startsWith("-") || arg === "-") {
      o.filter.push(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const c = arg[j]!;
      if (!"aAbBcCdDeEfFGiIKlLmMnNOpqrRsStTuUvwWxXyYzZ".includes(c)) return fail(`tcpdump: invalid option -- '${c}'\n${USAGE}`);
      let value: string | undefined;
      if (WITH_VALUE.includes(c)) {
        value = j + 1 < arg.length ? arg.slice(j + 1) : argv[++i];
        if (value === undefined) return fail(`tcpdump: option requires an argument -- '${c}'\n${USAGE}`);
        j = arg.length;
      }
      const err = applyOption(o, c, value);
      if (err !== undefined) return err;
    }
  }
  return o;
}

function applyOption(o: CaptureOptions & { filter: string[] }, c: string, value: string | undefined): ToolResult | undefined {
  if (NOT_SIMULATED.includes(c)) return fail(`xennet: tcpdump -${c} is not simulated\n`);
  switch (c) {
    case "c": {
      const n = /^\d+$/.test(value!) ? Number(value) : 0;
      if (n <= 0) return fail(`tcpdump: invalid packet count ${value}\n`);
      o.count = n;
      return undefined;
    }
    case "s": {
      const n = /^\d+$/.test(value!) ? Number(value) : -1;
      if (n < 0 || n > 65535) return fail(`tcpdump: invalid snaplen ${value}\n`);
      o.snaplen = n === 0 ? 65535 : n;
      return undefined;
    }
    case "i":
      o.iface = value;
      return undefined;
    case "w":
      o.writeFile = value;
      return undefined;
    case "n":
    case "N":
      (o as { numeric: boolean }).numeric = true;
      return undefined;
    case "e":
      (o as { link: boolean }).link = true;
      return undefined;
    case "S":
      (o as { absoluteSeq: boolean }).absoluteSeq = true;
      return undefined;
    case "t":
      (o as { tflag: number }).tflag++;
      return undefined;
    case "p":
      o.promisc = false;
      return undefined;
    case "D":
      o.listDevices = true;
      return undefined;
    default:
      return undefined; // -b -B -I -l -u -U -Y: accepted, no effect on the simulated output
  }
}

/** tcpdump -D: libpcap's device list, the loopback device last, after the `any` pseudo-device. */
function listDevices(host: HostNode): ToolResult {
  const devs = host.devices();
  const names = [...devs.filter((d) => d.kind !== "loopback").map((d) => d.name), "any (Pseudo-device that captures on all interfaces)", ...devs.filter((d) => d.kind === "loopback").map((d) => d.name)];
  return { stdout: names.map((n, i) => `${i + 1}.${n}\n`).join(""), stderr: "", exitCode: 0 };
}

/** Starts `tcpdump ARGS…` on `host`: a running session, or the result of a run that ends at once (error, -D). */
export function startTcpdump(host: HostNode, argv: readonly string[]): TcpdumpSession | ToolResult {
  const o = parseOptions(argv);
  if ("exitCode" in o) return o;
  if (o.listDevices) return listDevices(host);
  if (o.iface === "any") return fail("xennet: capturing on the any pseudo-device is not simulated\n");
  const dev = o.iface !== undefined ? host.device(o.iface) : host.devices().find((d) => d.isUp && d.kind !== "loopback");
  if (dev === undefined) return o.iface === undefined ? fail("tcpdump: no suitable device found\n") : fail(`tcpdump: ${o.iface}: No such device exists\n(SIOCGIFHWADDR: No such device)\n`);
  if (!dev.isUp) return fail(`tcpdump: ${dev.name}: That device is not up\n`);
  const filter = compileFilter(o.filter);
  if ("error" in filter) return fail(`tcpdump: ${filter.error}\n`);
  return new TcpdumpSession(host, dev, o, filter);
}

/** A running capture (see the file header). */
export class TcpdumpSession {
  /** What tcpdump wrote to stderr when it started. */
  readonly banner: string;
  /** Called once when `-c N` packets have been captured. */
  onDone: (() => void) | null = null;
  private pending = "";
  private captured = 0;
  private received = 0;
  private finished = false;
  private result: ToolResult | undefined;
  private readonly printer: LinePrinter;
  private readonly writer: PcapWriter | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly host: HostNode,
    private readonly dev: NetDev,
    private readonly opts: CaptureOptions,
    private readonly filter: FramePredicate,
  ) {
    const listening = `listening on ${dev.name}, link-type EN10MB (Ethernet), capture size ${opts.snaplen} bytes\n`;
    this.banner = opts.writeFile !== undefined ? `tcpdump: ${listening}` : `tcpdump: verbose output suppressed, use -v or -vv for full protocol decode\n${listening}`;
    this.printer = new LinePrinter(opts, host.epochSeconds);
    this.writer = opts.writeFile !== undefined ? new PcapWriter({ snapLen: opts.snaplen, epochMicros: host.epochSeconds * 1_000_000 }) : undefined;
    const flags = host.flags(dev);
    if (opts.promisc) {
      flags.captures++;
      syncPromiscuity(dev, flags);
    }
    this.unsubscribe = host.sim.trace.subscribe((e) => this.observe(e));
  }

  /** The file given with -w, if any. */
  get writeFile(): string | undefined {
    return this.opts.writeFile;
  }

  /** True once `-c N` packets were captured (the process has exited). */
  get done(): boolean {
    return this.finished;
  }

  /** The lines printed since the last call. */
  takeOutput(): string {
    const out = this.pending;
    this.pending = "";
    return out;
  }

  /** The capture file written with -w (a complete pcap of what was captured so far). */
  pcap(): Uint8Array | undefined {
    return this.writer?.toBytes();
  }

  /** Ends the capture (Ctrl-C when it is still running) and returns what is left to print and the counters. */
  stop(): ToolResult {
    if (this.result !== undefined) return this.result;
    const interrupted = !this.finished;
    this.finish();
    const newline = interrupted && this.opts.writeFile === undefined ? "\n" : "";
    const stderr = `${this.captured} packets captured\n${this.received} packets received by filter\n0 packets dropped by kernel\n`;
    this.result = { stdout: this.takeOutput() + newline, stderr, exitCode: 0 };
    return this.result;
  }

  private observe(e: TraceEvent): void {
    if (this.finished || (e.kind !== "tx" && e.kind !== "rx")) return;
    if (e.node !== this.dev.node || e.dev !== this.dev.name) return;
    if (e.kind === "tx" && this.dev.kind === "loopback") return;
    if (!this.opts.promisc && e.kind === "rx" && !this.acceptedWithoutPromisc(e.frame)) return;
    if (!this.filter(e.frame)) return;
    this.received++;
    this.captured++;
    const data = e.frame.length > this.opts.snaplen ? e.frame.subarray(0, this.opts.snaplen) : e.frame;
    if (this.writer !== undefined) this.writer.add(e.time, data, e.frame.length);
    else this.pending += this.printer.line(e.time, data);
    if (this.opts.count !== undefined && this.captured >= this.opts.count) {
      this.finish();
      this.onDone?.();
    }
  }

  /** The NIC's own filter with -p: unicast frames for other MACs never reach the socket. */
  private acceptedWithoutPromisc(frame: Uint8Array): boolean {
    if (this.dev.promiscuous || frame.length < 6 || (frame[0]! & 1) === 1) return true;
    let mac = 0;
    for (let i = 0; i < 6; i++) mac = mac * 256 + frame[i]!;
    return mac === this.dev.mac;
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.unsubscribe();
    const flags = this.host.flags(this.dev);
    if (this.opts.promisc) {
      flags.captures--;
      syncPromiscuity(this.dev, flags);
    }
  }
}
