// The Toolstack: xm's commands as a typed API over the hypervisor, shared by the xm command line,
// the shell and the web view. Each method does what the xm subcommand does and returns data, or
// the error xm would report, classified by how xm prints it (xm-cli.ts does the printing):
//   no-domain  XendInvalidDomain: "Error: Domain 'x' does not exist." (exit status 3)
//   xend       any other xend fault: "Error: <message>" then the subcommand's usage (exit 1)
//   fatal      raised by xm itself (opts.err, create.py err): "Error: <message>" (exit 1)
//   option     OptionError: "Error: <message>" then the usage (exit 1)
// Commands that take time in xm (create, save, restore, attaching a vif, shutdown -w) run the
// simulation until they complete. Do not call them from inside a simulation event.

import type { Sxp } from "../domains/sxp-text.ts";
import { saveDomain, restoreDomain } from "../domains/checkpoint.ts";
import { createDomain } from "../domains/domain-create.ts";
import type { Domain } from "../domains/domain.ts";
import { domainSxpr } from "../domains/domain-sxp.ts";
import type { Hypervisor } from "../domains/hypervisor.ts";
import type { Op, XendResult } from "../domains/op.ts";
import type { ConsoleSession } from "../guest/console.ts";
import { findConfig, readConfig } from "./config-file.ts";
import { domainRow, infoFields, netRows, uptimeSeconds, vcpuRows, type DomainRow, type NetRow, type VcpuRow } from "./rows.ts";
import { attachVif, detachVif } from "./vif-hotplug.ts";

/** How xm reports a failure (see the file header). */
export type XmError = {
  readonly kind: "no-domain" | "xend" | "fatal" | "option";
  readonly message: string;
  /** What xm had already printed to stdout before failing. */
  readonly printed?: string;
};

/** A Toolstack result. */
export type XmResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: XmError };

/** What `xm create` reports. */
export interface CreateResult {
  readonly configShown: string;
  readonly name: string;
  readonly domid: number;
  /** The attached console, with `console: true`. */
  readonly session?: ConsoleSession;
}

const MAX_WAIT_US = 600_000_000;

/** xm over a hypervisor (see the file header). */
export class Toolstack {
  /** The working directory relative paths are taken from. */
  cwd = "/root";

  constructor(readonly hv: Hypervisor) {}

  /** `xm list [names]` rows, sorted by name; `state` filters like --state. */
  list(names: readonly string[] = [], state?: string): XmResult<DomainRow[]> {
    const doms = this.resolveAll(names);
    if (!doms.ok) return doms;
    const wanted = state === undefined || state === "all" ? doms.value : doms.value.filter((d) => powerState(d) === state.toLowerCase());
    return { ok: true, value: wanted.map(domainRow) };
  }

  /** `xm list -l`: each domain's SXP record. */
  listLong(names: readonly string[] = []): XmResult<Sxp[]> {
    const doms = this.resolveAll(names);
    return doms.ok ? { ok: true, value: doms.value.map((d) => domainSxpr(d)) } : doms;
  }

  /** `xm create CONFIG [VAR=VAL...]`. */
  create(config: string, options: { paused?: boolean; console?: boolean; vars?: readonly string[]; path?: string } = {}): XmResult<CreateResult> {
    const found = findConfig(this.hv.fs, this.cwd, config, options.path);
    if (!found) return fail("option", `Unable to open config file: ${config}`);
    const printed = `Using config file "${found.shown}".\n`;
    const read = readConfig(this.hv.fs.readFile(found.absolute) ?? "", found, options.vars ?? [], { cwd: this.cwd, xend: this.hv.xend, rng: this.hv.rng });
    if (!read.ok) return fail("fatal", read.message, printed);
    const dom0Work = 250_000;
    this.hv.dom0.cpu.charge(dom0Work);
    const result = this.wait(createDomain(this.hv, read.spec, { paused: options.paused ?? false }));
    if (!result.ok) return fail("fatal", result.failure.kind === "error" ? result.failure.message : `the domain '${result.failure.domain}' does not exist.`, printed);
    const dom = result.value;
    const session = options.console ? dom.console.attach() : undefined;
    return { ok: true, value: { configShown: found.shown, name: dom.name, domid: dom.domid, ...(session ? { session } : {}) } };
  }

  /** `xm console DOM`: attaches to its console (the backlog is what xenconsoled buffered). */
  console(ref: string): XmResult<ConsoleSession> {
    const dom = this.hv.lookup(ref);
    if (!dom) return fail("no-domain", ref);
    if (dom.privileged) return fail("fatal", "Could not read tty from store: No such file or directory");
    if (dom.console.attached) return fail("fatal", `Domain ${dom.domid} console is in use`);
    return { ok: true, value: dom.console.attach() };
  }

  /** `xm pause DOM`. */
  pause(ref: string): XmResult<void> {
    return xend(this.hv.pause(ref));
  }

  /** `xm unpause DOM`. */
  unpause(ref: string): XmResult<void> {
    return xend(this.hv.unpause(ref));
  }

  /** `xm destroy DOM`. */
  destroy(ref: string): XmResult<void> {
    return xend(this.hv.destroy(ref));
  }

  /** `xm save [-c] DOM FILE`. */
  save(ref: string, file: string, checkpoint = false): XmResult<void> {
    const path = this.absolute(file);
    const dir = path.slice(0, path.lastIndexOf("/")) || "/";
    if (!this.hv.fs.isDir(dir)) return fail("fatal", `xm save: Unable to create file ${path}`);
    return xend(this.wait(saveDomain(this.hv, ref, path, checkpoint)));
  }

  /** `xm restore [-p] FILE`. */
  restore(file: string, paused = false): XmResult<{ name: string; domid: number }> {
    const path = this.absolute(file);
    if (this.hv.fs.stat(path)?.kind !== "file") return fail("fatal", `xm restore: Unable to read file ${path}`);
    const r = xend(this.wait(restoreDomain(this.hv, path, paused)));
    return r.ok ? { ok: true, value: { name: r.value.name, domid: r.value.domid } } : r;
  }

  /** `xm shutdown [-a] [-w] [-R|-H] [DOM]`; with `wait`, the lines xm prints while waiting. */
  shutdown(target: string | { all: true }, options: { mode?: "poweroff" | "halt" | "reboot"; wait?: boolean } = {}): XmResult<string[]> {
    const mode = options.mode ?? "poweroff";
    const names = typeof target === "string" ? [target] : this.aliveNames().filter((n) => n !== "Domain-0");
    const restarts = new Map(names.map((n) => [n, this.hv.lookup(n)?.restartCount ?? 0]));
    for (const name of names) {
      const r = this.hv.shutdown(name, mode);
      if (!r.ok) return xend(r);
    }
    if (!options.wait) return { ok: true, value: [] };
    return { ok: true, value: mode === "reboot" ? this.waitReboot(names, restarts) : this.waitShutdown(names) };
  }

  /** `xm mem-set DOM MEM` (MEM in MiB, or with a k/m/g suffix). */
  memSet(ref: string, mem: string): XmResult<void> {
    const mib = intUnit(mem);
    if (mib === undefined) return fail("option", "Invalid argument.");
    return xend(this.hv.setMemoryTarget(ref, mib));
  }

  /** `xm vcpu-list [DOM...]`. */
  vcpuList(names: readonly string[] = []): XmResult<VcpuRow[]> {
    const doms = this.resolveAll(names);
    return doms.ok ? { ok: true, value: doms.value.flatMap((d) => vcpuRows(this.hv, d)) } : doms;
  }

  /** `xm network-list DOM`. */
  networkList(ref: string): XmResult<NetRow[]> {
    const dom = this.hv.lookup(ref);
    return dom ? { ok: true, value: netRows(dom) } : fail("no-domain", ref);
  }

  /** `xm network-attach DOM [key=value...]`. */
  networkAttach(ref: string, params: readonly string[]): XmResult<number> {
    const op = attachVif(this.hv, ref, params);
    return op.ok ? xend(this.wait(op.value)) : op;
  }

  /** `xm network-detach DOM DEVID|MAC`. */
  networkDetach(ref: string, device: string): XmResult<void> {
    return detachVif(this.hv, ref, device);
  }

  /** `xm info` fields. */
  info(): [string, string][] {
    return infoFields(this.hv);
  }

  /** `xm uptime [DOM...]`: seconds up per domain. */
  uptime(names: readonly string[] = []): XmResult<{ name: string; domid: number; seconds: number }[]> {
    const doms = this.resolveAll(names);
    if (!doms.ok) return doms;
    return { ok: true, value: doms.value.map((d) => ({ name: d.name, domid: d.domid, seconds: uptimeSeconds(this.hv, d) })) };
  }

  /** Runs the simulation until `op` is done (xm blocks on the XML-RPC call). */
  wait<T>(op: Op<T>): XendResult<T> {
    const sim = this.hv.sim;
    if (!op.done) {
      op.then(() => sim.stop());
      sim.runUntil(sim.now + MAX_WAIT_US);
    }
    return op.result;
  }

  private absolute(file: string): string {
    return file.startsWith("/") ? file : `${this.cwd.replace(/\/$/, "")}/${file}`;
  }

  private resolveAll(names: readonly string[]): XmResult<Domain[]> {
    if (names.length === 0) return { ok: true, value: this.hv.domains() };
    const out: Domain[] = [];
    for (const n of names) {
      const d = this.hv.lookup(n);
      if (!d) return fail("no-domain", n);
      out.push(d);
    }
    return { ok: true, value: out };
  }

  /** server.xend.domains(0): names of domains in the running state (not paused, not shut down). */
  private aliveNames(): string[] {
    return this.hv.domains().filter((d) => d.runnable).map((d) => d.name);
  }

  private waitShutdown(names: string[]): string[] {
    const lines: string[] = [];
    const left = [...names];
    for (let waited = 0; left.length > 0 && waited < MAX_WAIT_US; waited += 1_000_000) {
      const alive = this.aliveNames();
      for (const d of [...left]) {
        if (alive.includes(d)) continue;
        lines.push(`Domain ${d} terminated`);
        left.splice(left.indexOf(d), 1);
      }
      if (left.length > 0) this.hv.sim.runFor(1_000_000);
    }
    return [...lines, "All domains terminated"];
  }

  private waitReboot(names: string[], restarts: Map<string, number>): string[] {
    const lines: string[] = [];
    const left = [...names];
    for (let waited = 0; left.length > 0 && waited < MAX_WAIT_US; waited += 1_000_000) {
      for (const d of [...left]) {
        const dom = this.hv.lookup(d);
        if (dom && dom.restartCount === restarts.get(d)) continue;
        lines.push(dom ? `Domain ${d} rebooted` : `Domain ${d} destroyed for failed in rebooting`);
        left.splice(left.indexOf(d), 1);
      }
      if (left.length > 0) this.hv.sim.runFor(1_000_000);
    }
    return [...lines, "All domains rebooted"];
  }
}

/** POWER_STATE_NAMES of a domain, lower-cased (for --state). */
function powerState(d: Domain): string {
  if (d.shutdownReason === "crash") return "crashed";
  if (d.shutdownReason !== null) return "halted";
  return d.paused ? "paused" : "running";
}

function fail<T>(kind: XmError["kind"], message: string, printed?: string): XmResult<T> {
  return { ok: false, error: printed === undefined ? { kind, message } : { kind, message, printed } };
}

function xend<T>(r: XendResult<T>): XmResult<T> {
  if (r.ok) return r;
  return r.failure.kind === "invalid-domain" ? fail("no-domain", r.failure.domain) : fail("xend", r.failure.message);
}

/** main.py int_unit(str, 'm'): a number with an optional k/m/g unit, in MiB. */
export function intUnit(text: string): number | undefined {
  const m = /^\s*([+-]?[0-9]+)([kKmMgG]?)\s*$/.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = (m[2] ?? "").toLowerCase();
  if (unit === "g") return value * 1024;
  if (unit === "k") return Math.floor(value / 1024);
  return value;
}
