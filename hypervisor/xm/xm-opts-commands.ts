// The two xm subcommands that parse their arguments with xen.xm.opts instead of main.py's getopt
// calls: `xm create` (create.py: -c -p -q -n, --path, -f/--defconfig, VAR=VAL words, the first bare
// word is the config file) and `xm shutdown`/`xm reboot` (shutdown.py: -a -w -H -R; its messages
// "No domain parameter given", "Can't specify halt and reboot", and while waiting "Domain X
// terminated" / "All domains terminated"). opts.err prints `Error: …` and exits 1, without usage.

import { prettySxp, type Sxp } from "../domains/sxp-text.ts";
import type { DomainSpec } from "../domains/domain-spec.ts";
import { findConfig, readConfig } from "./config-file.ts";
import { getopt } from "./getopt.ts";
import type { Toolstack } from "./toolstack.ts";
import { printError, type XmOutput } from "./xm-cli.ts";

interface OptsParse {
  readonly flags: Set<string>;
  readonly values: Map<string, string>;
  readonly words: string[];
  readonly vars: string[];
}

/** Opts.parse: options anywhere, `VAR=VAL` words apart, the rest as words. */
function optsParse(args: readonly string[], short: string, long: readonly string[], aliases: Readonly<Record<string, string>>): OptsParse | string {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const words: string[] = [];
  const vars: string[] = [];
  let rest = [...args];
  while (rest.length > 0) {
    const r = getopt(rest, short, long, false);
    if (!r.ok) return r.error;
    for (const [k, v] of r.options) {
      const name = aliases[k] ?? k.replace(/^-+/, "");
      if (v === "") flags.add(name);
      else values.set(name, v);
    }
    const [first, ...more] = r.params;
    if (first === undefined) break;
    if (first.includes("=")) vars.push(first);
    else words.push(first);
    rest = more;
  }
  return { flags, values, words, vars };
}

/** `xm create`. */
export function runCreate(ts: Toolstack, args: string[], out: XmOutput): void {
  const short = "hqf:F:nxspc";
  const long = ["help", "help_config", "quiet", "path=", "defconfig=", "config=", "dryrun", "xmldryrun", "skipdtd", "paused", "console_autoconnect", "vncviewer", "vncviewer-autopass"];
  const aliases = { "-h": "help", "-q": "quiet", "-f": "defconfig", "-F": "config", "-n": "dryrun", "-x": "xmldryrun", "-s": "skipdtd", "-p": "paused", "-c": "console_autoconnect" };
  const p = optsParse(args, short, long, aliases);
  if (typeof p === "string") return fatal(out, p);
  const config = p.words[p.words.length - 1] ?? p.values.get("defconfig") ?? "xmdefconfig";
  const quiet = p.flags.has("quiet");
  if (p.flags.has("dryrun")) return dryRun(ts, config, p, out);
  const r = ts.create(config, { paused: p.flags.has("paused"), console: p.flags.has("console_autoconnect"), vars: p.vars, ...(p.values.has("path") ? { path: p.values.get("path")! } : {}) });
  if (!r.ok) return printError(out, "create", quiet ? { ...r.error, printed: "" } : r.error);
  if (!quiet) out.stdout += `Using config file "${r.value.configShown}".\nStarted domain ${r.value.name} (id=${r.value.domid})\n`;
  if (r.value.session) {
    out.stdout += r.value.session.backlog;
    out.session = r.value.session;
  }
}

function dryRun(ts: Toolstack, config: string, p: OptsParse, out: XmOutput): void {
  const found = findConfig(ts.hv.fs, ts.cwd, config, p.values.get("path"));
  if (!found) return printError(out, "create", { kind: "option", message: `Unable to open config file: ${config}` });
  if (!p.flags.has("quiet")) out.stdout += `Using config file "${found.shown}".\n`;
  const read = readConfig(ts.hv.fs.readFile(found.absolute) ?? "", found, p.vars, { cwd: ts.cwd, xend: ts.hv.xend, rng: ts.hv.rng });
  if (!read.ok) return fatal(out, read.message);
  out.stdout += prettySxp(configSxp(read.spec));
}

/** make_config's (vm ...) record, as `xm create -n` prints it. */
export function configSxp(s: DomainSpec): Sxp {
  const image: Sxp[] = ["linux"];
  if (s.kernel) image.push(["kernel", s.kernel]);
  if (s.ramdisk) image.push(["ramdisk", s.ramdisk]);
  if (s.ip) image.push(["ip", s.ip]);
  if (s.root) image.push(["root", s.root]);
  if (s.extra) image.push(["args", s.extra]);
  const vm: Sxp[] = ["vm", ["name", s.name], ["memory", s.memoryMiB], ["maxmem", s.maxmemMiB], ["vcpus", s.vcpus]];
  vm.push(["on_poweroff", s.onPoweroff], ["on_reboot", s.onReboot], ["on_crash", s.onCrash], ["uuid", s.uuid], ["image", image]);
  for (const d of s.disks) vm.push(["device", ["vbd", ["uname", d.uname], ["dev", d.dev], ["mode", d.mode]]]);
  for (const v of s.vifs) {
    const vif: Sxp[] = ["vif", ["mac", v.mac]];
    if (v.bridge) vif.push(["bridge", v.bridge]);
    if (v.ip) vif.push(["ip", v.ip.join(" ")]);
    if (v.vifname) vif.push(["vifname", v.vifname]);
    vm.push(["device", vif]);
  }
  return vm;
}

/** `xm shutdown` (mode undefined) and `xm reboot` (shutdown.py with -R). */
export function runShutdown(ts: Toolstack, args: string[], out: XmOutput, forced: "reboot" | undefined): void {
  const aliases = { "-h": "help", "-a": "all", "-w": "wait", "-H": "halt", "-R": "reboot" };
  const p = optsParse(forced ? ["-R", ...args] : args, "hawHR", ["help", "all", "wait", "halt", "reboot"], aliases);
  if (typeof p === "string") return fatal(out, p);
  if (p.flags.has("help")) return;
  const words = [...p.words, ...p.vars];
  if (p.flags.has("halt") && p.flags.has("reboot")) return fatal(out, "Can't specify halt and reboot");
  const mode = p.flags.has("halt") ? "halt" : p.flags.has("reboot") ? "reboot" : "poweroff";
  const wait = p.flags.has("wait");
  if (!p.flags.has("all")) {
    if (words.length === 0) return fatal(out, "No domain parameter given");
    if (words.length > 1) return fatal(out, "No multiple domain parameters allowed");
  }
  const r = ts.shutdown(p.flags.has("all") ? { all: true } : words[0]!, { mode, wait });
  if (!r.ok) return printError(out, forced ?? "shutdown", r.error);
  out.stdout += r.value.map((l) => `${l}\n`).join("");
}

function fatal(out: XmOutput, message: string): void {
  out.stderr += `Error: ${message}\n`;
  out.status = 1;
}
