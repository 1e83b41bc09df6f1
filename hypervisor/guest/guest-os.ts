// The guest operating system of a domU, without its network stack: a Debian Squeeze guest on the
// 2.6.32-5-xen-amd64 kernel. It boots in a few seconds of guest time printing its boot log on hvc0
// (boot-log.ts, init-scripts.ts), starts its network through the GuestHooks, and ends at getty's
// `NAME login:` prompt. It shuts down cleanly when asked (xm shutdown/reboot, or halt/reboot typed
// on its console), crashes on demand (kernel panic), and suspends itself for `xm save`.
// All its timers run on a GuestClock, so while the domain is paused or saved nothing in it happens.
// Without a disk that `root=` names it cannot mount its root: with an initramfs it waits, gives up
// and drops to the initramfs shell; without one the kernel panics (and on_crash applies).

import type { Sim } from "../../netsim/engine/index.ts";
import type { Wobble } from "./wobble.ts";
import { Netfront } from "../../netsim/l2/index.ts";
import { parseMac } from "../../netsim/wire/address.ts";
import { initramfsLines, kernelLines, noRootPanic, printkStamp, fsckSummary, type BootFacts } from "./boot-log.ts";
import type { Console } from "./console.ts";
import { GuestClock, type GuestTimer } from "./guest-clock.ts";
import type { GuestHooks, HaltReason } from "./guest-hooks.ts";
import type { GuestImage } from "./guest-image.ts";
import { kernelLastWords, rcsAfterNetwork, rcsBeforeNetwork, shutdownLines, type DownKind, type ScriptLine } from "./init-scripts.ts";
import { Getty } from "./login.ts";

/** Where the guest is in its life. */
export type GuestPhase = "booting" | "network" | "running" | "stopping" | "stuck" | "suspended" | "down" | "crashed";

/** What the guest sees of its domain: Xen's shutdown hypercall, the console ring, the CPU account. */
export interface GuestPlatform {
  readonly sim: Sim;
  readonly console: Console;
  wallSeconds(): number;
  /** How busy its vCPUs are (0..1) from now on. */
  setLoad(load: number): void;
  /** SCHEDOP_shutdown: the guest has stopped, for this reason. */
  shutdown(reason: "poweroff" | "reboot" | "crash" | "suspend"): void;
  /** netfront `devid` is up and wants its backend (boot, resume after restore, hotplug). */
  nicReady(devid: number, nic: Netfront): void;
}

/** The facts a guest boots from (assembled by the hypervisor from the domain config and disks). */
export interface GuestSetup extends Omit<BootFacts, "nics" | "udev" | "swapDev" | "epochSeconds" | "rootFs"> {
  readonly name: string;
  readonly vifs: readonly { readonly devid: number; readonly mac: string }[];
  readonly image?: GuestImage;
  readonly swap?: { readonly dev: string; readonly kib: number };
}

const LOAD = { kernel: 1, init: 0.85, services: 0.7, waiting: 0.05, idle: 0.0008, stopping: 0.4 } as const;

/** A domU's operating system (see the file header). */
export class GuestOs {
  readonly clock: GuestClock;
  readonly nics = new Map<number, Netfront>();
  /** Commands typed at the root shell that the guest itself does not handle (see login.ts). */
  commands: ((line: string) => string | undefined) | null = null;
  private state: GuestPhase = "booting";
  private readonly getty: Getty;
  private bootTimers: GuestTimer[] = [];
  private pendingDown: DownKind | null = null;
  private queuedInput = "";
  private hasRun = false;
  private resumed = false;
  private beforeSuspend: GuestPhase = "running";

  constructor(
    private platform: GuestPlatform,
    readonly setup: GuestSetup,
    private readonly hooks: GuestHooks,
    private readonly wobble: Wobble,
  ) {
    this.clock = new GuestClock(platform.sim, true);
    for (const vif of setup.vifs) this.nics.set(vif.devid, this.makeNic(vif.devid, vif.mac));
    this.getty = new Getty({
      clock: this.clock,
      hostname: () => this.hostname,
      tty: () => setup.image?.serialDevice ?? "hvc0",
      rootPassword: () => setup.image?.rootPassword,
      print: (text) => this.print(text),
      down: (kind) => this.goDown(kind),
      run: (line) => this.commands?.(line),
    });
    this.listen();
  }

  /** The guest's hostname (from its image, else the domain name). */
  get hostname(): string {
    return this.setup.image?.hostname ?? this.setup.name;
  }

  /** The root filesystem the guest booted from, if xen-create-image made it. */
  get image(): GuestImage | undefined {
    return this.setup.image;
  }

  /** Where the guest is: booting, running, stopping... */
  get phase(): GuestPhase {
    return this.state;
  }

  /** Writes to the guest's console (hvc0). */
  print(text: string): void {
    this.platform.console.write(text);
  }

  /** Schedules the boot; it proceeds as soon as the domain runs (the clock starts frozen). */
  start(): void {
    const facts: BootFacts = { ...this.setup, nics: this.nics.size, udev: this.setup.image?.packages.includes("udev") ?? true, rootFs: this.setup.image?.fs ?? "ext3", epochSeconds: Math.floor(this.platform.wallSeconds()) };
    const kernel = kernelLines(facts, this.wobble);
    const initramfs = initramfsLines(facts, (kernel[kernel.length - 1]?.at ?? 0) + 20_000, this.wobble);
    for (const line of [...kernel, ...initramfs]) this.at(line.at, () => this.print(line.text));
    const netLine = initramfs.find((l) => l.text.includes("virtual ethernet driver"));
    this.at(netLine?.at ?? 0, () => this.nics.forEach((nic, devid) => this.platform.nicReady(devid, nic)));
    this.platform.setLoad(LOAD.kernel);
    const end = Math.max(kernel[kernel.length - 1]?.at ?? 0, initramfs[initramfs.length - 1]?.at ?? 0) + 30_000;
    if (this.setup.rootDev === undefined) return this.noRoot(facts, end);
    const root = this.setup.disks.find((d) => d.dev === this.setup.rootDev);
    const fsck = root ? fsckSummary(root.dev, root.bytes, this.wobble) : undefined;
    const rcs = rcsBeforeNetwork({ udev: facts.udev, ...(this.setup.swap ? { swap: this.setup.swap } : {}), ...(fsck ? { fsck } : {}) }, end, this.wobble);
    this.at(end, () => this.platform.setLoad(LOAD.init));
    this.play(rcs, end, () => this.startNetwork());
  }

  /** xenstore control/shutdown: `xm shutdown` (poweroff, halt) or `xm reboot`. */
  requestShutdown(kind: DownKind): void {
    if (this.clock.frozen) this.pendingDown = kind;
    else this.goDown(kind);
  }

  /** A kernel panic (e.g. sysrq-c): the domain crashes and on_crash applies. */
  crash(reason = "Fatal exception"): void {
    if (!this.alive()) return;
    this.cancelBoot();
    const t = printkStamp(this.clock.now);
    this.print(`${t}BUG: unable to handle kernel NULL pointer dereference at (null)\n${t}Kernel panic - not syncing: ${reason}\n`);
    this.end("crashed", "crash");
  }

  /** The domain is paused: the vCPUs stop. */
  freeze(why: "pause" | "suspend"): void {
    if (!this.clock.freeze() || !this.hasRun) return;
    this.hooks.frozen(this, why);
  }

  /** The domain runs again (unpause, or the end of create/restore). */
  thaw(): void {
    const missed = this.clock.thaw();
    if (!this.hasRun) {
      this.hasRun = true;
      return;
    }
    const why = this.resumed ? "resume" : "unpause";
    this.resumed = false;
    this.hooks.thawed(this, why, missed);
    if (this.queuedInput !== "") this.getty.input(this.queuedInput);
    this.queuedInput = "";
    const down = this.pendingDown;
    this.pendingDown = null;
    if (down) this.goDown(down);
  }

  /** `xm save`: the guest suspends itself, then tells Xen (shutdown reason suspend). */
  suspend(): void {
    if (!this.alive()) return;
    this.clock.after(40_000 + this.wobble.int(0, 20_000), () => {
      this.beforeSuspend = this.state;
      this.state = "suspended";
      this.freeze("suspend");
      this.platform.shutdown("suspend");
    });
  }

  /**
   * `xm restore`: the guest continues in `platform`, frozen until it runs; once it runs its
   * netfronts reconnect to the new backends. `reconnect` false: `xm save -c`, where the suspend was
   * cancelled and the old backends are still there.
   */
  resume(platform: GuestPlatform, reconnect = true): void {
    this.platform = platform;
    this.state = this.beforeSuspend;
    this.resumed = true;
    this.listen();
    if (reconnect) this.clock.after(0, () => this.nics.forEach((nic, devid) => platform.nicReady(devid, nic)));
  }

  /** `xm destroy`, or the domain went away: the power is cut. */
  destroy(): void {
    if (this.state === "down" || this.state === "crashed") return this.clock.cancelAll();
    this.clock.cancelAll();
    this.getty.stop();
    this.state = "down";
    this.hooks.halted(this, "destroyed");
  }

  /** `xm network-attach`: a new netfront appears and connects. */
  attachNic(devid: number, mac: string): Netfront {
    const nic = this.makeNic(devid, mac);
    this.nics.set(devid, nic);
    if (this.hasRun) this.clock.after(0, () => this.platform.nicReady(devid, nic));
    return nic;
  }

  /** `xm network-detach`: the netfront goes away. */
  detachNic(devid: number): void {
    this.nics.delete(devid);
  }

  private makeNic(devid: number, mac: string): Netfront {
    return new Netfront(this.platform.sim, this.setup.name, `eth${devid}`, parseMac(mac) ?? 0);
  }

  private listen(): void {
    this.platform.console.onInput = (text) => {
      if (this.clock.frozen) this.queuedInput += text;
      else this.getty.input(text);
    };
  }

  private alive(): boolean {
    return this.state === "booting" || this.state === "network" || this.state === "running" || this.state === "stuck";
  }

  private at(guestTime: number, fn: () => void): void {
    this.bootTimers.push(this.clock.after(guestTime - this.clock.now, fn));
  }

  /** Prints script lines at `start + after` (guest time), then runs `then`. */
  private play(lines: readonly ScriptLine[], start: number, then: () => void, each?: (index: number) => void): void {
    lines.forEach((line, i) =>
      this.at(start + line.after, () => {
        this.print(line.text);
        each?.(i);
      }),
    );
    this.at(start + (lines[lines.length - 1]?.after ?? 0), then);
  }

  private cancelBoot(): void {
    for (const t of this.bootTimers) t.cancel();
    this.bootTimers = [];
  }

  private startNetwork(): void {
    this.state = "network";
    this.platform.setLoad(LOAD.waiting);
    this.hooks.networkStart(this, () => {
      if (this.state !== "network") return;
      this.platform.setLoad(LOAD.services);
      this.play(rcsAfterNetwork(this.wobble), this.clock.now, () => {
        this.state = "running";
        this.platform.setLoad(LOAD.idle);
        this.getty.start();
      });
    });
  }

  private noRoot(facts: BootFacts, end: number): void {
    if (!this.setup.ramdisk) {
      this.at(end, () => {
        const t = printkStamp(this.clock.now);
        this.print(noRootPanic(facts).map((l) => `${t}${l}\n`).join(""));
        this.end("crashed", "crash");
      });
      return;
    }
    const dev = /root=(\S+)/.exec(facts.cmdline)?.[1] ?? "";
    this.at(end, () => this.print("Begin: Waiting for root file system ... "));
    this.at(end + 180_000_000, () => {
      this.state = "stuck";
      this.platform.setLoad(LOAD.idle);
      this.print(`done.\nGave up waiting for root device.  Common problems:\n - Boot args (cat /proc/cmdline)\n   - Check rootdelay= (did the system wait long enough?)\n   - Check root= (did the system wait for the right device?)\n - Missing modules (cat /proc/modules; ls /dev)\nALERT!  ${dev} does not exist.  Dropping to a shell!\n\n\nBusyBox v1.17.1 (Debian 1:1.17.1-8) built-in shell (ash)\nEnter 'help' for a list of built-in commands.\n\n/bin/sh: can't access tty; job control turned off\n(initramfs) `);
    });
  }

  private goDown(kind: DownKind): void {
    if (!this.alive()) return;
    this.cancelBoot();
    this.getty.stop();
    const wasRunning = this.state !== "stuck";
    this.state = "stopping";
    this.platform.setLoad(LOAD.stopping);
    const finish = () => {
      this.print(`${printkStamp(this.clock.now)}${kernelLastWords(kind)}\n`);
      this.end("down", kind === "reboot" ? "reboot" : "poweroff", kind);
    };
    if (!wasRunning) return finish();
    const { lines, networkIndex } = shutdownLines(this.hostname, kind, this.platform.wallSeconds(), this.wobble);
    this.play(lines, this.clock.now, () => this.at(this.clock.now + 60_000, finish), (i) => {
      if (i === networkIndex - 1) this.hooks.networkStop(this);
    });
  }

  private end(phase: "down" | "crashed", reason: "poweroff" | "reboot" | "crash", why: HaltReason = reason): void {
    this.cancelBoot();
    this.state = phase;
    this.platform.setLoad(0);
    this.hooks.halted(this, why);
    this.platform.shutdown(reason);
  }
}
