// A domain's virtual block devices, dom0 side: the `block` hotplug script's check that the backing
// file or device exists (tools/hotplug/Linux/block: `fatal "$p does not exist."`, which xend reports
// as "Device 51714 (vbd) could not be connected. /srv/x/disk.img does not exist."), and what the
// guest finds on them when it boots: sizes, the root filesystem image xen-create-image left there
// (the GuestImage attached to disk.img), and which disk is swap.

import type { SimFs } from "../sim-fs.ts";
import { isGuestImage } from "../guest/guest-image.ts";
import type { GuestSetup } from "../guest/guest-os.ts";
import { hotplugErrorText } from "./vif-backend.ts";
import { kernelCmdline, rootDisk, type DomainSpec } from "./domain-spec.ts";

/** The attachment xen-create-image puts on a swap image or LV (mkswap's signature, in effect). */
export interface SwapArea {
  readonly kind: "swap-area";
}

/** Narrows a file attachment to a SwapArea. */
export function isSwapArea(x: unknown): x is SwapArea {
  return typeof x === "object" && x !== null && (x as { kind?: unknown }).kind === "swap-area";
}

/** The first disk whose backing file or device is missing, as xm reports it; undefined when all exist. */
export function missingDisk(fs: SimFs, spec: DomainSpec): string | undefined {
  for (const d of spec.disks) {
    if (!fs.exists(d.path)) return hotplugErrorText(d.devid, "vbd", { status: "error", message: `${d.path} does not exist.` });
  }
  return undefined;
}

/** What the guest boots from: command line, memory, CPUs, disks as it sees them, its image. */
export function guestSetup(fs: SimFs, spec: DomainSpec, cpuMhz: number): GuestSetup {
  const root = rootDisk(spec);
  const image = root ? fs.attachment(root.path) : undefined;
  const disks = spec.disks.map((d) => ({ dev: d.dev, devid: d.devid, bytes: fs.stat(d.path)?.size ?? 0 }));
  const swapDisk = spec.disks.find((d) => d !== root && isSwapArea(fs.attachment(d.path)));
  const swapBytes = swapDisk ? (fs.stat(swapDisk.path)?.size ?? 0) : 0;
  return {
    name: spec.name,
    cmdline: kernelCmdline(spec),
    memoryKiB: spec.memoryMiB * 1024,
    vcpus: spec.vcpus,
    cpuMhz,
    disks,
    ramdisk: spec.ramdisk !== undefined && spec.ramdisk !== "",
    vifs: spec.vifs.map((v) => ({ devid: v.devid, mac: v.mac })),
    ...(root ? { rootDev: root.dev } : {}),
    ...(isGuestImage(image) ? { image } : {}),
    ...(swapDisk ? { swap: { dev: swapDisk.dev, kib: Math.max(0, Math.floor(swapBytes / 1024) - 4) } } : {}),
  };
}
