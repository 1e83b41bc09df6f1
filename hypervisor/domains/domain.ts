// One Xen domain as the hypervisor and xend see it: its id and name, its configuration, the flags
// behind `xm list`'s six-letter state column (domains.md §2.1: r running on a CPU, b blocked, p
// paused, s shut down, c crashed, d dying — libxc reports a crashed domain as crashed, not shut
// down), its memory (target = what `xm list` shows, actual = what it holds), the CPU time it has
// used, its console, its guest OS and its vifs. CPU time is integrated from the load the guest
// reports (how busy its vCPUs are) and stops while the domain is paused or shut down.

import type { Sim } from "../../netsim/engine/index.ts";
import { Console } from "../guest/console.ts";
import type { GuestOs } from "../guest/guest-os.ts";
import type { DomainSpec, VifDevice } from "./domain-spec.ts";

/** Why a domain shut down (the reason code of SCHEDOP_shutdown). */
export type ShutdownReason = "poweroff" | "reboot" | "suspend" | "crash";

/** CPU time accounting: the integral of a piecewise-constant load, plus bursts. */
export class CpuMeter {
  private totalUs: number;
  private last: number;
  private load = 0;

  constructor(
    private readonly sim: Sim,
    initialSeconds = 0,
  ) {
    this.totalUs = Math.round(initialSeconds * 1_000_000);
    this.last = sim.now;
  }

  /** From now on the vCPUs are busy `load` of the time (in CPUs). */
  setLoad(load: number): void {
    this.account();
    this.load = load;
  }

  /** The current load. */
  get current(): number {
    return this.load;
  }

  /** Adds `us` of CPU time at once (work done by a command). */
  charge(us: number): void {
    this.account();
    this.totalUs += Math.round(us);
  }

  /** CPU time used so far, seconds. */
  get seconds(): number {
    this.account();
    return this.totalUs / 1_000_000;
  }

  private account(): void {
    const now = this.sim.now;
    this.totalUs += (now - this.last) * this.load;
    this.last = now;
  }
}

/** A vif of a domain, with the backend name netback or `vifname=` gives it. */
export interface AttachedVif {
  readonly device: VifDevice;
  /** `vif<domid>.<devid>`, or the vifname. */
  readonly name: string;
  /** xenbus state of the frontend: 1 initialising, 4 connected. */
  frontState: 1 | 4;
}

/** Memory of a domain, as xend tracks it. */
export interface DomainMemory {
  /** The balloon target (memory_dynamic_max), MiB: what `xm list` shows. */
  targetMiB: number;
  /** memory_static_max, MiB. */
  maxMiB: number;
  /** What the domain holds now, KiB. */
  actualKiB: number;
}

/** One domain (see the file header). */
export class Domain {
  readonly cpu: CpuMeter;
  readonly console: Console;
  readonly memory: DomainMemory;
  readonly vifs = new Map<number, AttachedVif>();
  guest: GuestOs | null = null;
  paused: boolean;
  shutdownReason: ShutdownReason | null = null;
  dying = false;
  restartCount = 0;
  private guestLoad = 0;

  constructor(
    readonly sim: Sim,
    readonly domid: number,
    public name: string,
    public spec: DomainSpec,
    /** Wall-clock seconds when the domain was created (xend start_time). */
    readonly startWall: number,
    options: { paused: boolean; cpuSeconds?: number; consoleLimitKiB?: number },
  ) {
    this.cpu = new CpuMeter(sim, options.cpuSeconds ?? 0);
    this.console = new Console((options.consoleLimitKiB ?? 1024) * 1024);
    this.paused = options.paused;
    this.memory = { targetMiB: spec.memoryMiB, maxMiB: spec.maxmemMiB, actualKiB: 0 };
  }

  /** True for Domain-0. */
  get privileged(): boolean {
    return this.domid === 0;
  }

  /** The guest says how busy it is. */
  setGuestLoad(load: number): void {
    this.guestLoad = load;
    this.updateLoad();
  }

  /** Pauses or unpauses the vCPUs (the CPU account follows). */
  setPaused(paused: boolean): void {
    this.paused = paused;
    this.updateLoad();
  }

  /** Marks the domain shut down (or not). */
  setShutdown(reason: ShutdownReason | null): void {
    this.shutdownReason = reason;
    this.updateLoad();
  }

  /** The vCPUs are runnable: not paused, not shut down, not dying. */
  get runnable(): boolean {
    return !this.paused && this.shutdownReason === null && !this.dying;
  }

  /** `xm list`'s state column. */
  stateString(): string {
    const crashed = this.shutdownReason === "crash";
    const running = this.runnable && (this.privileged || this.guestLoad >= 0.5);
    const blocked = this.runnable && !running;
    const flags = [running, blocked, this.paused, this.shutdownReason !== null && !crashed, crashed, this.dying];
    return flags.map((on, i) => (on ? "rbpscd"[i] : "-")).join("");
  }

  /** Online vCPUs. */
  get vcpus(): number {
    return this.spec.vcpus;
  }

  /** The backend interface name of vif `devid`: `vif<domid>.<devid>` or its vifname. */
  vifName(device: VifDevice): string {
    return device.vifname ?? `vif${this.domid}.${device.devid}`;
  }

  private updateLoad(): void {
    this.cpu.setLoad(this.runnable ? this.guestLoad : 0);
  }
}
