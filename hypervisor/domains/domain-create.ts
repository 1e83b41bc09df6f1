// Building a domain, as xend 4.0 does for `xm create` (XendDomainInfo.create/start, then xm's
// waitForDevices and unpause; domains.md §1): refuse a name already running ("Domain 'x' already
// exists with ID 'N'"); take a domain id from the rover (even a build that fails uses one up);
// check the kernel ("Kernel image does not exist: …"); find the memory, ballooning dom0 down by the
// shortfall (balloon.ts); load the kernel; create the devices — the block script checks each disk,
// udev runs each vif's hotplug script through the VifBackend, xend waits up to 100 s for them —
// and unpause unless asked not to. On any failure the half-built domain is destroyed.

import { GuestOs } from "../guest/guest-os.ts";
import { wobbleFor } from "../guest/wobble.ts";
import { guestSetup, missingDisk } from "./disks.ts";
import { Domain } from "./domain.ts";
import type { DomainSpec } from "./domain-spec.ts";
import type { Hypervisor } from "./hypervisor.ts";
import { ok, Op, xendError, type XendResult } from "./op.ts";
import { hotplugErrorText } from "./vif-backend.ts";

/** Virtual time xend and libxc take to construct a domain and load its kernel, µs. */
export const BUILD_US = 150_000;
/** Time the block hotplug script takes per disk, µs. */
export const VBD_HOTPLUG_US = 250_000;
/** xend's device-create-timeout, µs. */
export const DEVICE_TIMEOUT_US = 100_000_000;
/** xend's wait while dom0's balloon driver gives memory back, µs. */
export const BALLOON_WAIT_US = 200_000;

/** How a domain is to be created. */
export interface CreateOptions {
  /** Leave it paused (`xm create -p`). */
  readonly paused: boolean;
  /** How many times the domain was restarted before (carried across on_reboot=restart). */
  readonly restartCount?: number;
}

/** Refuses a name that a live domain already has (XendDomainInfo.create, XendCheckpoint.restore). */
export function nameClash(hv: Hypervisor, spec: DomainSpec): XendResult<void> {
  const other = hv.lookup(spec.name) ?? hv.lookup(spec.uuid);
  if (other) return xendError(`Domain '${spec.name}' already exists with ID '${other.domid}'`);
  return ok(undefined);
}

/** A new, paused domain in the table, or the reason there is none. */
export function newDomain(hv: Hypervisor, spec: DomainSpec): XendResult<Domain> {
  const clash = nameClash(hv, spec);
  if (!clash.ok) return clash;
  const domid = hv.allocateDomid();
  if (domid === undefined) return xendError("(xc.domain_create) Cannot allocate memory");
  const dom = new Domain(hv.sim, domid, spec.name, spec, hv.wallSeconds(), { paused: true, consoleLimitKiB: hv.xend.consoleLimit });
  hv.register(dom);
  return ok(dom);
}

/** `xm create`: builds, connects and (unless paused) starts a domain. */
export function createDomain(hv: Hypervisor, spec: DomainSpec, options: CreateOptions): Op<Domain> {
  const made = newDomain(hv, spec);
  if (!made.ok) return Op.done(made);
  const dom = made.value;
  dom.restartCount = options.restartCount ?? 0;
  const op = new Op<Domain>();
  const fail = (message: string) => {
    hv.teardown(dom);
    op.finish(xendError(message));
  };
  const needKiB = spec.memoryMiB * 1024;
  const ballooned = hv.freeKiB() < needKiB ? BALLOON_WAIT_US : 0;
  const memory = hv.freeMemory(needKiB);
  const problem = !memory.ok ? (memory.failure.kind === "error" ? memory.failure.message : "") : bootFilesMissing(hv, spec);
  if (problem !== undefined) {
    hv.sim.schedule(BUILD_US + ballooned, () => fail(problem));
    return op;
  }
  dom.memory.actualKiB = needKiB;
  hv.sim.schedule(BUILD_US + ballooned, () => {
    dom.guest = new GuestOs(hv.platformFor(dom), guestSetup(hv.fs, spec, hv.host.cpuMhz), hv.guestHooks, wobbleFor(spec.name));
    dom.guest.start();
    startDevices(hv, dom).then((r) => {
      if (!r.ok) return fail(r.failure.kind === "error" ? r.failure.message : "");
      if (!options.paused) hv.setPaused(dom, false, "build");
      op.finish(ok(dom));
    });
  });
  return op;
}

/** image.py createDomain's checks of the kernel and ramdisk files. */
function bootFilesMissing(hv: Hypervisor, spec: DomainSpec): string | undefined {
  if (spec.kernel && hv.fs.stat(spec.kernel)?.kind !== "file") return `Kernel image does not exist: ${spec.kernel}`;
  if (spec.ramdisk && hv.fs.stat(spec.ramdisk)?.kind !== "file") return `Kernel ramdisk does not exist: ${spec.ramdisk}`;
  return undefined;
}

/** Creates a domain's devices and waits for their hotplug scripts (disks first, then vifs). */
export function startDevices(hv: Hypervisor, dom: Domain): Op<void> {
  const op = new Op<void>();
  const vifs = dom.spec.vifs;
  for (const device of vifs) dom.vifs.set(device.devid, { device, name: dom.vifName(device), frontState: 1 });
  const reported = new Map<number, string>();
  let disksChecked = false;
  const check = () => {
    if (op.done || !disksChecked) return;
    const disk = missingDisk(hv.fs, dom.spec);
    if (disk) return op.finish(xendError(disk));
    for (const device of vifs) {
      const error = reported.get(device.devid);
      if (error === undefined) return;
      if (error !== "") return op.finish(xendError(error));
    }
    op.finish(ok(undefined));
  };
  for (const device of vifs) {
    hv.vifBackend.online(hv.vifInfo(dom, device.devid), (status) => {
      if (reported.has(device.devid)) return;
      reported.set(device.devid, hotplugErrorText(device.devid, "vif", status));
      check();
    });
  }
  hv.sim.schedule(dom.spec.disks.length > 0 ? VBD_HOTPLUG_US : 0, () => {
    disksChecked = true;
    check();
  });
  const timeout = hv.sim.schedule(DEVICE_TIMEOUT_US, () => {
    const late = vifs.find((v) => !reported.has(v.devid));
    if (!op.done && late) op.finish(xendError(hotplugErrorText(late.devid, "vif", "timeout")));
  });
  op.then(() => timeout.cancel());
  return op;
}
