// The `xm` command line (tools/python/xen/xm/main.py and its create.py/shutdown.py, Xen 4.0.1):
// argument checks, option parsing and printing over the Toolstack, with xm's exact output and exit
// statuses — 0 on success, 1 on errors, 3 for an unknown domain (main.py returns the fault code of
// XendInvalidDomain). Errors go to stderr as `Error: …`; the usage block xm prints after some of
// them goes to stdout. `console` and `create -c` hand back the attached ConsoleSession (see
// guest/console.ts for Ctrl+]); its backlog is already in stdout. Each xm run costs dom0 the CPU
// time of starting Python.

import type { ConsoleSession } from "../guest/console.ts";
import { prettySxp } from "../domains/sxp-text.ts";
import { formatInfo, formatList, formatNetworkList, formatUptime, formatVcpuList } from "./format.ts";
import { getopt } from "./getopt.ts";
import type { Toolstack, XmError, XmResult } from "./toolstack.ts";
import { cmdHelp, shortHelp } from "./usage.ts";
import { runCreate, runShutdown } from "./xm-opts-commands.ts";

/**
 * What an xm run printed, its exit status, and the console it left attached (if any). Appending to
 * `stdout` or `stderr` (`out.stdout += text`) also records the text in `combined`, in the order a
 * terminal would show the two streams.
 */
export class XmOutput {
  status = 0;
  session?: ConsoleSession;
  private readonly parts: { readonly stream: "stdout" | "stderr"; readonly text: string }[] = [];

  get stdout(): string {
    return this.joined("stdout");
  }
  set stdout(value: string) {
    this.append("stdout", value);
  }
  get stderr(): string {
    return this.joined("stderr");
  }
  set stderr(value: string) {
    this.append("stderr", value);
  }
  /** Both streams interleaved as printed. */
  get combined(): string {
    return this.parts.map((p) => p.text).join("");
  }

  private joined(stream: "stdout" | "stderr"): string {
    return this.parts.filter((p) => p.stream === stream).map((p) => p.text).join("");
  }

  private append(stream: "stdout" | "stderr", value: string): void {
    const current = this.joined(stream);
    if (!value.startsWith(current)) throw new Error(`XmOutput: ${stream} can only be appended to`);
    if (value.length > current.length) this.parts.push({ stream, text: value.slice(current.length) });
  }
}

/** dom0 CPU time a run of xm costs (Python start-up and the XML-RPC round trip), µs. */
export const XM_CPU_US = 180_000;

type Handler = (ts: Toolstack, args: string[], out: XmOutput) => void;

/** Runs `xm ARGS…` (argv without the program name). */
export function runXm(ts: Toolstack, argv: readonly string[]): XmOutput {
  const out = dispatch(ts, argv);
  ts.hv.dom0.cpu.charge(XM_CPU_US);
  return out;
}

function dispatch(ts: Toolstack, argv: readonly string[]): XmOutput {
  const out = new XmOutput();
  const [name, ...args] = argv;
  if (name === undefined) return usageExit(out);
  if (argv.slice(1).includes("--help") || argv.slice(1).includes("-h") || name === "--help" || name === "-h") {
    out.stdout = name.startsWith("-") ? shortHelp() : cmdHelp(name);
    out.status = name.startsWith("-") ? 0 : 1;
    return out;
  }
  const cmd = lookupCommand(name, out);
  if (cmd === undefined) {
    out.stderr += `Error: Subcommand ${name} not found!\n`;
    return usageExit(out);
  }
  const handler = HANDLERS[cmd];
  if (!handler) {
    out.stderr += `Error: xennet does not simulate 'xm ${cmd}'\n`;
    out.status = 1;
    return out;
  }
  handler(ts, args, out);
  return out;
}

function usageExit(out: XmOutput): XmOutput {
  out.stdout += shortHelp();
  out.status = 1;
  return out;
}

const ALIASES: Readonly<Record<string, string>> = { balloon: "mem-set", "set-vcpus": "vcpu-set", "vif-list": "network-list", "vbd-create": "block-attach", "vbd-destroy": "block-detach", "vbd-list": "block-list" };
const ALL = [
  "shell", "event-monitor", "console", "top", "delete", "destroy", "domid", "domname", "dump-core", "reboot", "rename", "restore", "resume", "save", "shutdown",
  "start", "sysrq", "trigger", "uptime", "suspend", "list", "mem-max", "mem-set", "vcpu-pin", "vcpu-list", "vcpu-set", "pause", "unpause", "debug-keys", "dmesg",
  "info", "log", "serve", "sched-sedf", "sched-credit", "block-attach", "block-detach", "block-list", "block-configure", "network-attach", "network-detach",
  "network-list", "vnet-list", "vnet-create", "vnet-delete", "vtpm-list", "pci-attach", "pci-detach", "pci-list", "pci-list-assignable-devices", "scsi-attach",
  "scsi-detach", "scsi-list", "create", "new", "migrate", "labels", "dumppolicy", "addlabel", "rmlabel", "getlabel", "dry-run", "resources", "getpolicy",
  "setpolicy", "resetpolicy", "getenforce", "setenforce", "tmem-list", "tmem-thaw", "tmem-freeze", "tmem-destroy", "tmem-set", "tmem-shared-auth",
];

/** xm_lookup_cmd: exact name, deprecated alias, or a unique prefix (longer than one letter). */
function lookupCommand(name: string, out: XmOutput): string | undefined {
  if (ALL.includes(name)) return name;
  const alias = ALIASES[name];
  if (alias) {
    out.stderr += `Command ${name} is deprecated.  Please use xm ${alias} instead.\n`;
    return alias;
  }
  if (name.length <= 1) return undefined;
  const matches = ALL.filter((c) => c.startsWith(name));
  return matches.length === 1 ? matches[0] : undefined;
}

/** Prints a Toolstack error as xm does for subcommand `cmd`. */
export function printError(out: XmOutput, cmd: string, error: XmError): void {
  if (error.printed) out.stdout += error.printed;
  if (error.kind === "no-domain") {
    out.stderr += `Error: Domain '${error.message}' does not exist.\n`;
    out.status = 3;
    return;
  }
  out.stderr += `Error: ${error.message}\n`;
  out.status = 1;
  if (error.kind === "xend") out.stdout += cmdHelp(cmd);
  if (error.kind === "option") out.stdout += `${cmdHelp(cmd)}\n`;
}

/** arg_check: the number of arguments (not counting `--`), else xm's message and the usage. */
export function argCheck(out: XmOutput, cmd: string, args: readonly string[], lo: number, hi = -1): boolean {
  const n = args.filter((a) => a !== "--").length;
  if (hi === -1 ? n === lo : n >= lo && n <= hi) return true;
  const text = hi === -1 ? `'xm ${cmd}' requires ${lo} argument${lo === 1 ? "" : "s"}.` : `'xm ${cmd}' requires between ${lo} and ${hi} arguments.`;
  out.stderr += `Error: ${text}\n\n`;
  out.stdout += cmdHelp(cmd);
  out.status = 1;
  return false;
}

/** Python getopt with xm's reaction to a bad option (the error, then the usage). */
function options(out: XmOutput, cmd: string, args: readonly string[], short: string, long: readonly string[]) {
  const r = getopt(args, short, long);
  if (r.ok) return r;
  out.stderr += `Error: ${r.error}\n`;
  out.stdout += cmdHelp(cmd);
  out.status = 1;
  return undefined;
}

function report<T>(out: XmOutput, cmd: string, r: XmResult<T>, print?: (value: T) => void): void {
  if (!r.ok) return printError(out, cmd, r.error);
  print?.(r.value);
}

const simple = (cmd: string, fn: (ts: Toolstack, ref: string) => XmResult<void>): Handler => (ts, args, out) => {
  if (argCheck(out, cmd, args, 1)) report(out, cmd, fn(ts, args[0]!));
};

const HANDLERS: Readonly<Record<string, Handler>> = {
  list: (ts, args, out) => {
    const o = options(out, "list", args, "lv", ["long", "vcpus", "label", "state="]);
    if (!o) return;
    const flag = (...names: string[]) => o.options.some(([k]) => names.includes(k));
    const state = o.options.find(([k]) => k === "--state")?.[1] ?? "all";
    if (state !== "all" && o.params.length > 0) return printError(out, "list", { kind: "option", message: "You may specify either a state or a particular VM, but not both" });
    if (flag("-v", "--vcpus")) {
      out.stderr += "xm list -v is deprecated.  Please use xm vcpu-list.\n";
      return report(out, "list", ts.vcpuList(o.params), (rows) => (out.stdout += formatVcpuList(rows)));
    }
    if (flag("-l", "--long")) return report(out, "list", ts.listLong(o.params), (recs) => (out.stdout += recs.map((r) => prettySxp(r)).join("")));
    report(out, "list", ts.list(o.params, state), (rows) => (out.stdout += formatList(rows)));
  },
  create: runCreate,
  shutdown: (ts, args, out) => {
    if (argCheck(out, "shutdown", args, 1, 4)) runShutdown(ts, args, out, undefined);
  },
  reboot: (ts, args, out) => {
    if (argCheck(out, "reboot", args, 1, 3)) runShutdown(ts, args, out, "reboot");
  },
  console: (ts, args, out) => {
    if (!argCheck(out, "console", args, 1, 3)) return;
    const o = options(out, "console", args, "qn:", ["quiet", "num"]);
    if (!o) return;
    if (o.params.length !== 1) return printError(out, "console", { kind: "xend", message: "No domain given" });
    const quiet = o.options.some(([k]) => k === "-q" || k === "--quiet");
    const r = ts.console(o.params[0]!);
    if (!r.ok && quiet) return void (out.status = 1);
    report(out, "console", r, (session) => {
      out.stdout += session.backlog;
      out.session = session;
    });
  },
  pause: simple("pause", (ts, ref) => ts.pause(ref)),
  unpause: simple("unpause", (ts, ref) => ts.unpause(ref)),
  destroy: simple("destroy", (ts, ref) => ts.destroy(ref)),
  save: (ts, args, out) => {
    if (!argCheck(out, "save", args, 2, 3)) return;
    const o = options(out, "save", args, "c", ["checkpoint"]);
    if (!o) return;
    if (o.params.length !== 2) return printError(out, "save", { kind: "xend", message: "Wrong number of parameters" });
    report(out, "save", ts.save(o.params[0]!, o.params[1]!, o.options.length > 0));
  },
  restore: (ts, args, out) => {
    if (!argCheck(out, "restore", args, 1, 2)) return;
    const o = options(out, "restore", args, "p", ["paused"]);
    if (!o) return;
    if (o.params.length !== 1) return printError(out, "restore", { kind: "xend", message: "Wrong number of parameters" });
    report(out, "restore", ts.restore(o.params[0]!, o.options.length > 0));
  },
  "mem-set": (ts, args, out) => {
    if (argCheck(out, "mem-set", args, 2)) report(out, "mem-set", ts.memSet(args[0]!, args[1]!));
  },
  "vcpu-list": (ts, args, out) => report(out, "vcpu-list", ts.vcpuList(args), (rows) => (out.stdout += formatVcpuList(rows))),
  "network-list": (ts, args, out) => {
    const o = options(out, "network-list", args, "l", ["long"]);
    if (!o) return;
    if (o.params.length !== 1) {
      out.stdout += `${o.params.length === 0 ? "No domain parameter given" : "No multiple domain parameters allowed"}\n${cmdHelp("network-list")}`;
      out.status = 1;
      return;
    }
    const long = o.options.length > 0;
    report(out, "network-list", ts.networkList(o.params[0]!), (rows) => {
      out.stdout += long ? rows.map((r) => prettySxp([r.idx, [["backend-id", r.backendId], ["mac", r.mac], ["handle", r.handle], ["state", r.state], ["backend", r.backendPath], ["tx-ring-ref", r.txRingRef], ["rx-ring-ref", r.rxRingRef], ["event-channel", r.eventChannel], ["request-rx-copy", 1]]])).join("") : formatNetworkList(rows);
    });
  },
  "network-attach": (ts, args, out) => {
    if (argCheck(out, "network-attach", args, 1, 11)) report(out, "network-attach", ts.networkAttach(args[0]!, args.slice(1)));
  },
  "network-detach": (ts, args, out) => {
    if (!argCheck(out, "network-detach", args, 2, 3)) return;
    if (args[2] !== undefined && args[2] !== "-f" && args[2] !== "--force") out.stdout += `Ignoring option ${args[2]}\n`;
    report(out, "network-detach", ts.networkDetach(args[0]!, args[1]!));
  },
  info: (ts, args, out) => {
    if (!argCheck(out, "info", args, 0, 1)) return;
    if (options(out, "info", args, "c", ["config"])) out.stdout += formatInfo(ts.info());
  },
  uptime: (ts, args, out) => {
    const o = options(out, "uptime", args, "s", ["short"]);
    if (!o) return;
    report(out, "uptime", ts.uptime(o.params), (rows) => (out.stdout += formatUptime(rows, o.options.length > 0, ts.hv.wallSeconds())));
  },
};
