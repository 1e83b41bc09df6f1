// What a Debian Squeeze paravirtual guest prints on hvc0 while it boots: the Linux 2.6.32-5-xen-amd64
// kernel messages (pvops domU: Xen memory map, "Booting paravirtualized kernel on Xen", the xenbus
// devices, blkfront, netfront "Initialising Xen virtual ethernet driver."), the initramfs-tools
// "Begin: ..." lines, then sysvinit 2.88's rcS scripts up to the network start. Each line carries the
// guest time at which it appears; kernel lines show it as printk does (`[%5lu.%06lu] `). The text
// follows the guest's real parameters: memory map and totals from its memory, one timer line per
// vCPU, the xenbus devices and partitions from its disks, fsck and swap figures from the image sizes.

import type { Wobble } from "./wobble.ts";

/** One timed console output of the boot (µs of guest time since the domain started). */
export interface BootLine {
  readonly at: number;
  readonly text: string;
}

/** The facts about a guest that its boot messages show. */
export interface BootFacts {
  readonly cmdline: string;
  readonly memoryKiB: number;
  readonly vcpus: number;
  readonly cpuMhz: number;
  /** Disks in config order: device name, xenbus number, size in bytes. */
  readonly disks: readonly { readonly dev: string; readonly devid: number; readonly bytes: number }[];
  readonly nics: number;
  readonly ramdisk: boolean;
  /** Root device name (`xvda2`), when one of the disks. */
  readonly rootDev?: string;
  readonly rootFs: string;
  /** Swap device name, if a disk is swap (xen-tools makes xvda1 swap). */
  readonly swapDev?: string;
  readonly udev: boolean;
  /** Wall-clock seconds at boot (the audit line prints it). */
  readonly epochSeconds: number;
}

/** The printk prefix for guest time `us`. */
export function printkStamp(us: number): string {
  const sec = Math.floor(us / 1_000_000);
  return `[${String(sec).padStart(5, " ")}.${String(us % 1_000_000).padStart(6, "0")}] `;
}

const KERNEL_VERSION = "Linux version 2.6.32-5-xen-amd64 (Debian 2.6.32-30) (ben@decadent.org.uk) (gcc version 4.3.5 (Debian 4.3.5-4) ) #1 SMP Wed Jan 12 05:46:49 UTC 2011";
const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

/** The kernel's messages up to handing over to init, timed (the first ones all at 0.000000). */
export function kernelLines(f: BootFacts, wobble: Wobble): BootLine[] {
  const lines: BootLine[] = [];
  let t = 0;
  const at = (us: number, ...texts: string[]) => {
    t = Math.max(t, us === 0 ? 0 : us + wobble.int(0, 40));
    for (const text of texts) lines.push({ at: t, text: `${printkStamp(t)}${text}\n` });
  };
  const bytes = f.memoryKiB * 1024;
  const pages = f.memoryKiB / 4;
  const reserved = 9_000 + Math.floor(f.memoryKiB / 128) + (f.ramdisk ? 18_160 : 0);
  const available = f.memoryKiB - 448 - reserved;
  at(0, "Initializing cgroup subsys cpuset", "Initializing cgroup subsys cpu", KERNEL_VERSION, `Command line: ${f.cmdline}`);
  at(0, "KERNEL supported cpus:", "  Intel GenuineIntel", "  AMD AuthenticAMD", "  Centaur CentaurHauls");
  at(0, "ACPI in unprivileged domain disabled", "released 0 pages of unused memory", "BIOS-provided physical RAM map:");
  at(0, " Xen: 0000000000000000 - 00000000000a0000 (usable)", " Xen: 00000000000a0000 - 0000000000100000 (reserved)");
  at(0, ` Xen: 0000000000100000 - ${hex(bytes, 16)} (usable)`, "DMI not present or invalid.");
  at(0, `last_pfn = 0x${hex(pages, 0)} max_arch_pfn = 0x400000000`, `init_memory_mapping: 0000000000000000-${hex(bytes, 16)}`);
  if (f.ramdisk) at(0, "RAMDISK: 0088e000 - 01a4a000");
  at(0, "No NUMA configuration found", `Faking a node at 0000000000000000-${hex(bytes, 16)}`);
  at(0, `SMP: Allowing ${f.vcpus} CPUs, 0 hotplug CPUs`, "No local APIC present", "APIC: disable apic facility");
  at(0, "Booting paravirtualized kernel on Xen", "Xen version: 4.0.1 (preserve-AD)");
  at(0, `NR_CPUS:512 nr_cpumask_bits:512 nr_cpu_ids:${f.vcpus} nr_node_ids:1`);
  at(0, `Built 1 zonelists in Node order, mobility grouping on.  Total pages: ${Math.floor(pages * 0.97)}`, "Policy zone: DMA32");
  at(0, `Kernel command line: ${f.cmdline}`, "PID hash table entries: 512 (order: 0, 4096 bytes)", "Initializing CPU#0");
  at(0, `Memory: ${available}k/${f.memoryKiB}k available (3062k kernel code, 448k absent, ${reserved}k reserved, 1935k data, 608k init)`);
  at(0, `SLUB: Genslabs=14, HWalign=64, Order=0-3, MinObjects=0, CPUs=${f.vcpus}, Nodes=1`, "Hierarchical RCU implementation.");
  at(0, "NR_IRQS:4352 nr_irqs:256", "Console: colour dummy device 80x25", "console [tty0] enabled", "console [hvc0] enabled");
  at(0, "installing Xen timer for CPU 0", `Detected ${f.cpuMhz}.${String(wobble.int(100, 999))} MHz processor.`);
  at(4000, `Calibrating delay loop (skipped), value calculated using timer frequency.. ${(f.cpuMhz * 2).toFixed(2)} BogoMIPS (lpj=${f.cpuMhz * 4000})`);
  at(4000, "Security Framework initialized", "SELinux:  Disabled at boot.", "Mount-cache hash table entries: 256");
  at(4000, "Initializing cgroup subsys ns", "Initializing cgroup subsys cpuacct", "Initializing cgroup subsys devices");
  for (let cpu = 1; cpu < f.vcpus; cpu++) at(8000 + cpu * 2000, `installing Xen timer for CPU ${cpu}`, `SMP alternatives: switching to SMP code`);
  if (f.vcpus === 1) at(4000, "SMP alternatives: switching to UP code");
  at(19_300, "Freeing SMP alternatives: 27k freed", `Brought up ${f.vcpus} CPUs`);
  at(19_600, "devtmpfs: initialized", "Grant table initialized", "NET: Registered protocol family 16");
  at(23_300, "xen_balloon: Initialising balloon driver.", "NET: Registered protocol family 2");
  at(24_800, "TCP reno registered", "NET: Registered protocol family 1");
  if (f.ramdisk) at(25_000, "Unpacking initramfs...", "Freeing initrd memory: 18160k freed");
  at(63_400, `type=2000 audit(${f.epochSeconds}.${String(wobble.int(100, 999))}:1): initialized`);
  at(73_500, "io scheduler noop registered", "io scheduler anticipatory registered", "io scheduler deadline registered", "io scheduler cfq registered (default)");
  at(75_300, "TCP cubic registered", "NET: Registered protocol family 10", "NET: Registered protocol family 17");
  for (const d of f.disks) at(76_200, `XENBUS: Device with no driver: device/vbd/${d.devid}`);
  for (let i = 0; i < f.nics; i++) at(76_200, `XENBUS: Device with no driver: device/vif/${i}`);
  at(76_200, "XENBUS: Device with no driver: device/console/0", "Freeing unused kernel memory: 608k freed");
  at(76_600, "Write protecting the kernel read-only data: 4380k");
  return lines;
}

/** initramfs-tools and the root mount: from "Loading, please wait..." to init's banner. */
export function initramfsLines(f: BootFacts, start: number, wobble: Wobble): BootLine[] {
  const lines: BootLine[] = [];
  let t = start;
  const plain = (gap: number, text: string) => lines.push({ at: (t += gap + wobble.int(0, 2000)), text });
  const kern = (gap: number, text: string) => lines.push({ at: (t += gap + wobble.int(0, 2000)), text: `${printkStamp(t)}${text}\n` });
  if (f.ramdisk) plain(2_000, "Loading, please wait...\n");
  if (f.udev) kern(24_000, "udev[43]: starting version 164");
  if (f.nics > 0) kern(60_000, "Initialising Xen virtual ethernet driver.");
  for (const d of f.disks) kern(15_000, `blkfront: ${d.dev}: barriers enabled`);
  if (f.ramdisk) {
    plain(40_000, "Begin: Loading essential drivers ... done.\n");
    plain(20_000, "Begin: Running /scripts/init-premount ... done.\n");
    plain(20_000, "Begin: Mounting root file system ... Begin: Running /scripts/local-top ... done.\n");
    plain(20_000, "Begin: Running /scripts/local-premount ... done.\n");
  }
  if (f.rootDev === undefined) return lines;
  kern(60_000, "kjournald starting.  Commit interval 5 seconds");
  kern(100, `EXT3-fs: mounted filesystem with ordered data mode.`);
  if (f.ramdisk) {
    plain(20_000, "Begin: Running /scripts/local-bottom ... done.\n");
    plain(1_000, "done.\n");
    plain(15_000, "Begin: Running /scripts/init-bottom ... done.\n");
  }
  return lines;
}

/** What the kernel prints when `root=` names no disk it has, and no initramfs waits for one. */
export function noRootPanic(f: BootFacts): string[] {
  const dev = /root=(?:\/dev\/)?(\S+)/.exec(f.cmdline)?.[1] ?? "";
  const parts = f.disks.map((d) => ` ${hex(d.devid, 4)}     ${Math.floor(d.bytes / 1024)} ${d.dev} driver: vbd`);
  return [
    `VFS: Cannot open root device "${dev}" or unknown-block(0,0)`,
    `Please append a correct "root=" boot option; here are the available partitions:`,
    ...parts,
    "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
  ];
}

/** e2fsck's "clean" summary for an ext3 root of `bytes` (mke2fs defaults: 4 KiB blocks, an inode per 16 KiB). */
export function fsckSummary(dev: string, bytes: number, wobble: Wobble): string {
  const blocks = Math.max(1, Math.floor(bytes / 4096));
  const inodes = Math.max(1, Math.floor(bytes / 16_384));
  const usedInodes = Math.min(inodes, 17_500 + wobble.int(0, 400));
  const usedBlocks = Math.min(blocks, 99_000 + Math.floor(blocks / 64) + wobble.int(0, 3000));
  return `/dev/${dev}: clean, ${usedInodes}/${inodes} files, ${usedBlocks}/${blocks} blocks\n`;
}
