// A domain's configuration as xend holds it once xm has read the .cfg (xm create.py make_config and
// xend XendConfig, Xen 4.0.1): defaults applied (memory 128, maxmem = memory, vcpus 1, on_poweroff
// destroy, on_reboot/on_crash restart), the guest kernel command line assembled (ip=… root=… then
// `extra`, XendConfig.update_with_image_sxp), every vif with its MAC fixed (xend's random
// 00:16:3e:[00-7f]:xx:xx when none is given, netif.py randomMAC) and its hotplug script resolved in
// /etc/xen/scripts, every disk with its xenbus device number (blkif.blkdev_name_to_number).
// Restarts, saves and restores reuse this record, so a guest keeps its MAC across them.

import type { LifecycleAction } from "../../topology/xen-cfg/index.ts";
import type { RandomStream } from "../../netsim/engine/index.ts";

/** One network interface of a domain (a `vif=` entry). */
export interface VifDevice {
  readonly devid: number;
  /** As written in the config, or xend's random lower-case MAC. */
  readonly mac: string;
  readonly bridge?: string;
  readonly ip?: readonly string[];
  /** The hotplug script, absolute (`/etc/xen/scripts/vif-bridge`). */
  readonly script: string;
  readonly vifname?: string;
  readonly type?: string;
  readonly model?: string;
  readonly rate?: string;
  readonly backend?: string;
  readonly accel?: string;
  readonly uuid: string;
}

/** One virtual block device (a `disk=` entry). */
export interface DiskDevice {
  /** The xenbus device number (51714 for xvda2). */
  readonly devid: number;
  /** `file:/srv/…/disk.img` as written. */
  readonly uname: string;
  readonly dev: string;
  readonly mode: string;
  /** The backing file or block device. */
  readonly path: string;
  readonly kind: "file" | "phy" | "tap";
  readonly uuid: string;
}

/** A domain's configuration (see the file header). */
export interface DomainSpec {
  readonly name: string;
  readonly uuid: string;
  readonly memoryMiB: number;
  readonly maxmemMiB: number;
  readonly vcpus: number;
  readonly kernel?: string;
  readonly ramdisk?: string;
  readonly bootloader?: string;
  /** The `root=` value (`/dev/xvda2 ro`), if any. */
  readonly root?: string;
  /** The `ip=` kernel parameter value, if any. */
  readonly ip?: string;
  readonly extra: string;
  readonly onPoweroff: LifecycleAction;
  readonly onReboot: LifecycleAction;
  readonly onCrash: LifecycleAction;
  readonly vifs: readonly VifDevice[];
  readonly disks: readonly DiskDevice[];
  /** The .cfg it came from, when it came from one. */
  readonly configFile?: string;
}

/** The guest kernel's command line, as XendConfig assembles it: `ip=… root=… extra`. */
export function kernelCmdline(spec: DomainSpec): string {
  let args = "";
  if (spec.ip) args += `ip=${spec.ip} `;
  if (spec.root) args += `root=${spec.root} `;
  return args + spec.extra;
}

/** The disk the guest mounts as `/`: the one whose device the command line's `root=` names. */
export function rootDisk(spec: DomainSpec): DiskDevice | undefined {
  const dev = /(?:^|\s)root=(?:\/dev\/)?(\S+)/.exec(kernelCmdline(spec))?.[1];
  return dev === undefined ? undefined : spec.disks.find((d) => d.dev === dev);
}

/** xend's random MAC: 00:16:3e, then 00-7f, then two random bytes (netif.py randomMAC). */
export function randomXendMac(rng: RandomStream): string {
  const hex = (n: number) => n.toString(16).padStart(2, "0");
  return ["00", "16", "3e", hex(rng.int(0, 0x7f)), hex(rng.int(0, 0xff)), hex(rng.int(0, 0xff))].join(":");
}

/** A random UUID (uuid.createString: 32 random hex digits in the 8-4-4-4-12 form). */
export function randomUuid(rng: RandomStream): string {
  const hex = [...rng.bytes(16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The xenbus number of a virtual disk (blkif.blkdev_name_to_number): xvdX → 202<<8 | X<<4 | part,
 * hdX → IDE majors (3, 22, 33, 34…) | (X&1)<<6 | part, sdX → 8<<8 | X<<4 | part. Undefined when unknown.
 */
export function blkdevNumber(dev: string): number | undefined {
  const m = /^(?:\/dev\/)?(xvd|hd|sd)([a-z])([0-9]*)$/.exec(dev);
  if (!m) return undefined;
  const letter = m[2]!.charCodeAt(0) - 97;
  const part = m[3] === "" ? 0 : Number(m[3]);
  if (m[1] === "xvd") return (202 << 8) | (letter << 4) | part;
  if (m[1] === "sd") return (8 << 8) | (letter << 4) | part;
  const ideMajors = [3, 22, 33, 34, 56, 57, 88, 89, 90, 91];
  const major = ideMajors[letter >> 1];
  return major === undefined ? undefined : (major << 8) | ((letter & 1) << 6) | part;
}
