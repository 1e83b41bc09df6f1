// The state of one xen-create-image run, shared by its steps: what it has printed (stdout, stderr)
// and logged (/var/log/xen-tools/<host>.log), the configuration hash, the partitions, the failure
// flag ($FAIL: 0 ok, 1 failed and to be cleaned up, 2 failed leaving files), and the simulated time
// and dom0 CPU each command takes.

import type { Sim } from "../../netsim/engine/index.ts";
import type { Domain } from "../domains/domain.ts";
import type { HostSpec } from "../domains/host-spec.ts";
import type { Lvm } from "../domains/lvm.ts";
import type { SimFs } from "../sim-fs.ts";
import type { Toolstack } from "../xm/toolstack.ts";
import type { XtConfig } from "./settings.ts";
import type { Partition } from "./xm-template.ts";

/** What xen-create-image runs on. */
export interface XciHost {
  readonly sim: Sim;
  readonly fs: SimFs;
  readonly host: HostSpec;
  readonly lvm: Lvm;
  /** For --boot (xm create). */
  readonly toolstack: Toolstack;
  /** dom0, whose CPU time the tools use. */
  readonly dom0: Domain;
}

/** What a run printed, and its exit status. */
export interface XciOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

/** One run (see the file header). */
export class RunContext {
  stdout = "";
  stderr = "";
  fail: 0 | 1 | 2 = 0;
  partitions: Partition[] = [];
  /** The generated or given root password, once set. */
  password = "";
  /** The ssh host key fingerprint, while the image is mounted. */
  fingerprint = "";
  /** IP addresses as the summary lists them. */
  ipAddresses = "";
  mounted = false;

  constructor(
    readonly h: XciHost,
    readonly cfg: XtConfig,
  ) {}

  /** A config value (undefined when unset or empty). */
  get(key: string): string | undefined {
    const v = this.cfg.values.get(key);
    return v === undefined || v === "" ? undefined : v;
  }

  /** Perl truth of a config value. */
  is(key: string): boolean {
    const v = this.cfg.values.get(key);
    return v !== undefined && v !== "" && v !== "0";
  }

  /** The log file of this run, once the hostname is known. */
  get logFile(): string | undefined {
    const host = this.get("hostname");
    return host === undefined ? undefined : `/var/log/xen-tools/${host}.log`;
  }

  /** print. */
  print(text: string): void {
    this.stdout += text;
  }

  /** logonly: appends to the log (creating it, as Perl's `>>` does) once /var/log/xen-tools exists. */
  logonly(text: string): void {
    const log = this.logFile;
    if (log && this.h.fs.isDir("/var/log/xen-tools")) this.h.fs.appendFile(log, text);
  }

  /** logprint: to the screen and the log. */
  logprint(text: string): void {
    this.print(text);
    this.logonly(text);
  }

  /** A command running for `seconds` of virtual time, using `cpu` seconds of dom0; its output goes to the log. */
  command(seconds: number, cpu: number, output = ""): void {
    this.h.dom0.cpu.charge(cpu * 1_000_000);
    this.h.sim.runFor(Math.round(seconds * 1_000_000));
    this.logonly(output);
  }
}
