// sysvinit 2.88 on Debian Squeeze (insserv, "makefile-style concurrent boot"): the console lines of
// runlevel S before and after the network start, of runlevel 2, and of runlevels 0 and 6 when the
// guest halts, powers off or reboots, ending with the kernel's last words (kernel/sys.c:
// "System halted.", "Power down.", "Restarting system."). Times are offsets in µs of guest time
// from the start of each sequence.

import { ctime } from "../domains/host-spec.ts";
import type { Wobble } from "./wobble.ts";
import { printkStamp } from "./boot-log.ts";

/** A console output `after` µs from the start of its sequence. */
export interface ScriptLine {
  readonly after: number;
  readonly text: string;
}

/** What the rcS scripts know about the guest. */
export interface RcFacts {
  readonly udev: boolean;
  /** `Adding …k swap on …` facts, when the guest has a swap disk. */
  readonly swap?: { readonly dev: string; readonly kib: number };
  /** e2fsck's summary line for the root filesystem. */
  readonly fsck?: string;
}

/** Runlevel S up to (and including) "Configuring network interfaces...". */
export function rcsBeforeNetwork(f: RcFacts, bootUs: number, wobble: Wobble): ScriptLine[] {
  const out: ScriptLine[] = [];
  let t = 0;
  const say = (gap: number, text: string) => out.push({ after: (t += 2 * gap + wobble.int(0, gap >> 1)), text });
  say(40_000, "INIT: version 2.88 booting\r\n");
  say(90_000, "Using makefile-style concurrent boot in runlevel S.\n");
  if (f.udev) {
    say(60_000, "Starting the hotplug events dispatcher: udevd.\n");
    say(250_000, "Synthesizing the initial hotplug events...done.\n");
    say(300_000, "Waiting for /dev to be fully populated...done.\n");
  }
  if (f.swap) {
    say(50_000, "Activating swap...");
    const kib = f.swap.kib;
    say(20_000, `${printkStamp(bootUs + t)}Adding ${kib}k swap on /dev/${f.swap.dev}.  Priority:-1 extents:1 across:${kib}k SS\n`);
    say(5_000, "done.\n");
  }
  if (f.fsck) {
    say(40_000, "Checking root file system...fsck from util-linux-ng 2.17.2\n");
    say(60_000, f.fsck);
    say(5_000, "done.\n");
  }
  say(40_000, "Cleaning up ifupdown....\n");
  say(80_000, "Loading kernel modules...done.\n");
  say(40_000, "Checking file systems...fsck from util-linux-ng 2.17.2\n");
  say(30_000, "done.\n");
  say(30_000, "Setting up networking....\n");
  say(40_000, "Mounting local filesystems...done.\n");
  say(30_000, "Activating swapfile swap...done.\n");
  say(30_000, "Cleaning up temporary files....\n");
  say(30_000, "Setting kernel variables ...done.\n");
  say(30_000, "Configuring network interfaces...");
  return out;
}

/** From the end of the network start to the login prompt (runlevel 2, then getty on the console). */
export function rcsAfterNetwork(wobble: Wobble): ScriptLine[] {
  const out: ScriptLine[] = [];
  let t = 0;
  const say = (gap: number, text: string) => out.push({ after: (t += Math.round(1.5 * gap) + wobble.int(0, gap >> 2)), text });
  say(0, "done.\n");
  say(40_000, "Cleaning up temporary files....\n");
  say(120_000, "INIT: Entering runlevel: 2\r\n");
  say(60_000, "Using makefile-style concurrent boot in runlevel 2.\n");
  say(150_000, "Starting enhanced syslogd: rsyslogd.\n");
  say(120_000, "Starting periodic command scheduler: cron.\n");
  say(250_000, "Starting OpenBSD Secure Shell server: sshd.\n");
  return out;
}

/** How the guest goes down. */
export type DownKind = "poweroff" | "halt" | "reboot";

/** The runlevel 0/6 sequence; the network stops after `networkIndex` lines. */
export function shutdownLines(hostname: string, kind: DownKind, wallSeconds: number, wobble: Wobble): { lines: ScriptLine[]; networkIndex: number } {
  const out: ScriptLine[] = [];
  let t = 0;
  const say = (gap: number, text: string) => out.push({ after: (t += gap + wobble.int(0, gap >> 2)), text });
  const level = kind === "reboot" ? "6" : "0";
  say(20_000, `\r\nBroadcast message from root@${hostname} (unknown) (${ctime(wallSeconds)}):\r\n\r\n`);
  say(1_000, `The system is going down for ${kind === "reboot" ? "reboot" : "system halt"} NOW!\r\n`);
  say(40_000, `INIT: Switching to runlevel: ${level}\r\n`);
  say(30_000, "INIT: Sending processes the TERM signal\r\n");
  say(200_000, `Using makefile-style concurrent boot in runlevel ${level}.\n`);
  say(100_000, "Stopping OpenBSD Secure Shell server: sshd.\n");
  say(60_000, "Stopping periodic command scheduler: cron.\n");
  say(200_000, "Asking all remaining processes to terminate...done.\n");
  say(1_000_000, "All processes ended within 1 seconds....done.\n");
  say(80_000, "Stopping enhanced syslogd: rsyslogd.\n");
  say(60_000, "Deconfiguring network interfaces...");
  const networkIndex = out.length;
  say(150_000, "done.\n");
  say(40_000, "Cleaning up ifupdown....\n");
  say(60_000, "Deactivating swap...done.\n");
  say(120_000, "Unmounting local filesystems...done.\n");
  say(40_000, kind === "reboot" ? "Will now restart.\n" : "Will now halt.\n");
  return { lines: out, networkIndex };
}

/** The kernel's final message for a halt, a power-off or a reboot. */
export function kernelLastWords(kind: DownKind): string {
  return kind === "reboot" ? "Restarting system." : kind === "halt" ? "System halted." : "Power down.";
}
