// The physical machine under the hypervisor and its clocks: how much RAM Xen manages, how much dom0
// holds at boot (a Squeeze dom0 booted without dom0_mem= owns nearly all of it, domains.md §3), the
// CPUs `xm info` reports, the volume groups LVM offers, and the wall clock. The defaults reproduce
// the Debian Administrator's Handbook session: Domain-0 at 940 MiB with 61 MiB free, so that a
// 128 MiB guest balloons it to exactly 873 MiB.
//
// The simulation has no wall clock of its own (nothing may read the real one): the host's clock is
// `epochSeconds` at virtual time 0 plus the virtual time, and `ctime` prints it the way C's
// ctime(3) and Perl's `scalar localtime` do (the host runs in UTC).

import { civil, ctime } from "../../netsim/engine/civil-time.ts";
import type { Sim } from "../../netsim/engine/index.ts";

/** A volume group LVM can carve logical volumes from. */
export interface VolumeGroupSpec {
  readonly name: string;
  readonly sizeMiB: number;
}

/** The physical host. */
export interface HostSpec {
  readonly hostname: string;
  /** RAM Xen manages (`xm info` total_memory), MiB. */
  readonly totalMemoryMiB: number;
  /** dom0's allocation at boot, MiB. */
  readonly dom0MemoryMiB: number;
  /** Free memory at boot, MiB; the rest of the total is Xen's own (heap, frame table). */
  readonly freeMemoryMiB: number;
  readonly cpus: number;
  readonly cpuMhz: number;
  /** dom0's vCPUs (xend `dom0-cpus` 0 means all). */
  readonly dom0Vcpus: number;
  /** Wall-clock seconds since 1970 at virtual time 0. */
  readonly epochSeconds: number;
  /** How long dom0 has been up at virtual time 0 (its /proc/uptime). */
  readonly dom0UptimeSeconds: number;
  /** CPU seconds dom0 has used at virtual time 0. */
  readonly dom0CpuSeconds: number;
  /** Fraction of a CPU an idle dom0 uses (daemons, xenstored, timers). */
  readonly dom0IdleLoad: number;
  /** dom0's kernel release (`uname -r`), also what xen-tools.conf's `uname -r` expands to. */
  readonly kernelRelease: string;
  readonly volumeGroups: readonly VolumeGroupSpec[];
}

/** The handbook's host (see the file header). */
export const HANDBOOK_HOST: HostSpec = {
  hostname: "debian",
  totalMemoryMiB: 1023,
  dom0MemoryMiB: 940,
  freeMemoryMiB: 61,
  cpus: 1,
  cpuMhz: 2992,
  dom0Vcpus: 1,
  epochSeconds: 1_297_771_200, // Tue Feb 15 12:00:00 2011 UTC, the month Squeeze was released
  dom0UptimeSeconds: 3 * 86_400 + 5 * 3600 + 17 * 60,
  dom0CpuSeconds: 3896.9,
  dom0IdleLoad: 0.0035,
  kernelRelease: "2.6.32-5-xen-amd64",
  volumeGroups: [{ name: "vg0", sizeMiB: 51_200 }],
};

/** Microseconds in one second (kept local so the file reads without the engine's constants). */
const US = 1_000_000;

/** The host's wall clock in (fractional) seconds since 1970. */
export function wallSeconds(sim: Sim, host: HostSpec): number {
  return host.epochSeconds + sim.now / US;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** `12:00:00`, the time of day. */
export function clockTime(epochSeconds: number): string {
  const c = civil(epochSeconds);
  return `${pad2(c.hour)}:${pad2(c.minute)}:${pad2(c.second)}`;
}

/** The calendar helpers, for the hypervisor files that import them from here. */
export { civil, ctime };
