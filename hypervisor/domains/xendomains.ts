// /etc/init.d/xendomains (upstream tools/hotplug/Linux/init.d/xendomains, Xen 4.0.1; domains.md §5),
// reading its variables from /etc/default/xendomains (Debian) or /etc/sysconfig/xendomains.
// start: restore every save file in XENDOMAINS_SAVE that begins with `LinuxGuestRecord` (deleting it
// once restored), then create the configs of XENDOMAINS_AUTO that are not running yet, pausing
// XENDOMAINS_CREATE_USLEEP after each. stop: for each domain but dom0, `(save)` it into
// XENDOMAINS_SAVE (or `(shut)` it down when saving is off or fails), with the watchdog's dot for every
// second an xm command runs, then ` SHUTDOWN_ALL ` if domains remain. The lines printed are the
// script's, built with `echo -n`; the lock file is /var/lock/subsys/xendomains.

import type { Toolstack } from "../xm/toolstack.ts";
import { parseDomainConfig } from "../../topology/xen-cfg/index.ts";

/** The xendomains variables. */
export interface XendomainsSettings {
  readonly save: string;
  readonly restore: boolean;
  readonly auto: string;
  readonly autoOnly: boolean;
  readonly stopMaxwait: number;
  readonly migrate: string;
  readonly shutdown: string;
  readonly shutdownAll: string;
  readonly sysrq: string;
  readonly createUsleep: number;
}

const LOCKFILE = "/var/lock/subsys/xendomains";

/** The variables from /etc/default/xendomains (or /etc/sysconfig/xendomains), with upstream's defaults. */
export function xendomainsSettings(ts: Toolstack): XendomainsSettings {
  const fs = ts.hv.fs;
  const text = fs.readFile("/etc/default/xendomains") ?? fs.readFile("/etc/sysconfig/xendomains") ?? "";
  const vars = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^\s*([A-Z_]+)=(?:"([^"]*)"|'([^']*)'|(\S*))/.exec(line);
    if (m) vars.set(m[1]!, m[2] ?? m[3] ?? m[4] ?? "");
  }
  const get = (k: string, d: string) => vars.get(k) ?? d;
  return {
    save: get("XENDOMAINS_SAVE", "/var/lib/xen/save"),
    restore: get("XENDOMAINS_RESTORE", "true") === "true",
    auto: get("XENDOMAINS_AUTO", "/etc/xen/auto"),
    autoOnly: get("XENDOMAINS_AUTO_ONLY", "false") === "true",
    stopMaxwait: Number(get("XENDOMAINS_STOP_MAXWAIT", "300")) || 0,
    migrate: get("XENDOMAINS_MIGRATE", ""),
    shutdown: get("XENDOMAINS_SHUTDOWN", "--halt --wait"),
    shutdownAll: get("XENDOMAINS_SHUTDOWN_ALL", "--all --halt --wait"),
    sysrq: get("XENDOMAINS_SYSRQ", ""),
    createUsleep: Number(get("XENDOMAINS_CREATE_USLEEP", "5000000")) || 0,
  };
}

/** watchdog_xm's dots: one at 20 ms and every second after while the xm command still runs. */
function timed(ts: Toolstack, maxwait: number, fn: () => string): { dots: string; error: string } {
  const start = ts.hv.sim.now;
  const error = fn();
  const seconds = (ts.hv.sim.now - start) / 1_000_000;
  const dots = maxwait <= 0 || seconds <= 0.02 ? 0 : Math.min(maxwait + 1, Math.ceil(seconds - 0.02));
  return { dots: ".".repeat(dots), error };
}

const errorText = (r: { ok: boolean; error?: { kind: string; message: string } }): string =>
  r.ok || !r.error ? "" : r.error.kind === "no-domain" ? `Error: Domain '${r.error.message}' does not exist.` : `Error: ${r.error.message}`;

/** `/etc/init.d/xendomains start`: its output. */
export function xendomainsStart(ts: Toolstack, s: XendomainsSettings = xendomainsSettings(ts)): string {
  const fs = ts.hv.fs;
  if (fs.exists(LOCKFILE)) return "xendomains already running (lockfile exists)\n";
  let out = "";
  const saved = s.restore ? (fs.listDir(s.save) ?? []).filter((f) => f !== "lost+found") : [];
  if (saved.length > 0) {
    lock(ts);
    out += "Restoring Xen domains:";
    for (const name of saved) {
      const path = `${s.save}/${name}`;
      if (fs.stat(path)?.kind !== "file" || new TextDecoder("latin1").decode(fs.readBytes(path, 0, 16)) !== "LinuxGuestRecord") continue;
      out += ` ${name}`;
      const r = ts.restore(path);
      if (r.ok) fs.unlink(path);
      else out += `\nAn error occurred while restoring domain ${name}:\n${errorText(r)}\n!\n`;
    }
    out += "\n";
  }
  const auto = fs.listDir(s.auto) ?? [];
  if (auto.length > 0) {
    lock(ts);
    out += "Starting auto Xen domains:";
    for (const entry of auto) {
      out += ` ${entry}`;
      const path = `${s.auto}/${entry}`;
      if (saved.some((d) => new RegExp(`(^|\\W)${entry.replace(/\W/g, "\\$&")}($|\\W)`).test(d)) || isRunning(ts, path)) {
        out += "(skip)";
        continue;
      }
      const r = ts.create(path);
      if (!r.ok) out += `\nAn error occurred while creating domain ${entry}: ${errorText(r)}\n\n!\n`;
      else ts.hv.sim.runFor(s.createUsleep);
    }
    out += "\n";
  }
  return out;
}

/** is_running: a live domain has the name the config gives. */
function isRunning(ts: Toolstack, path: string): boolean {
  const text = ts.hv.fs.readFile(path);
  const name = text === undefined ? undefined : parseDomainConfig(text, path).value.name?.value;
  return name !== undefined && ts.hv.lookup(name) !== undefined;
}

function lock(ts: Toolstack): void {
  ts.hv.fs.mkdir("/var/lock/subsys", { parents: true });
  ts.hv.fs.writeFile(LOCKFILE, "");
}

/** `/etc/init.d/xendomains stop`: its output. */
export function xendomainsStop(ts: Toolstack, s: XendomainsSettings = xendomainsSettings(ts)): string {
  let out = "Shutting down Xen domains:";
  const autoNames = s.autoOnly ? new Set((ts.hv.fs.listDir(s.auto) ?? []).map((f) => f.replace(/\.cfg$/, ""))) : undefined;
  for (const dom of ts.hv.domains().filter((d) => !d.privileged)) {
    const name = dom.name;
    out += ` ${name}`;
    if (autoNames && !autoNames.has(name)) {
      out += "(skip)";
      continue;
    }
    for (const letter of s.sysrq.split(/\s+/).filter((x) => x !== "")) out += `(SR-${letter})`;
    if (dom.dying) {
      out += "(zomb)";
      continue;
    }
    if (s.save !== "") {
      out += "(save)";
      ts.hv.fs.mkdir(s.save, { parents: true });
      const r = timed(ts, s.stopMaxwait, () => errorText(ts.save(String(dom.domid), `${s.save}/${name}`)));
      out += r.dots;
      if (r.error === "") continue;
      out += `\nAn error occurred while saving domain:\n${r.error}\n\n!`;
    }
    if (s.shutdown !== "") {
      out += "(shut)";
      const r = timed(ts, s.stopMaxwait, () => shutdownWith(ts, String(dom.domid), s.shutdown));
      out += r.dots;
      if (r.error !== "") out += `\nAn error occurred while shutting down domain:\n${r.error}\n\n!`;
    }
  }
  const remaining = ts.hv.domains().filter((d) => !d.privileged && !d.dying);
  if (remaining.length > 0 && s.shutdownAll !== "") {
    out += " SHUTDOWN_ALL ";
    const r = timed(ts, s.stopMaxwait, () => shutdownWith(ts, undefined, s.shutdownAll));
    out += r.dots;
  }
  ts.hv.fs.unlink(LOCKFILE);
  return `${out}\n`;
}

/** `xm shutdown [ID] FLAGS` with the flags of XENDOMAINS_SHUTDOWN(_ALL). */
function shutdownWith(ts: Toolstack, id: string | undefined, flags: string): string {
  const words = flags.split(/\s+/);
  const mode = words.includes("--reboot") || words.includes("-R") ? "reboot" : words.includes("--halt") || words.includes("-H") ? "halt" : "poweroff";
  const wait = words.includes("--wait") || words.includes("-w");
  const all = words.includes("--all") || words.includes("-a");
  return errorText(ts.shutdown(all || id === undefined ? { all: true } : id, { mode, wait }));
}
