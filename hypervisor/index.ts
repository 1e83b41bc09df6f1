// Public surface of the hypervisor layer: the simulated host (createHost), its in-memory filesystem,
// the domain engine (Hypervisor, Domain, memory ballooning, the domid rover, save files, lifecycle
// actions, xendomains), the guest OS model with its network hooks, the xm Toolstack with xm's text
// output, and xen-create-image. The network side plugs in through two interfaces: VifBackend (dom0:
// netback devices and vif hotplug scripts) and GuestHooks (the guest's own network start).

export { SimFs, type FsError, type FsResult, type FsStat, type WriteOptions } from "./sim-fs.ts";

export { createHost, xenCreateImage, type HostOptions, type XenHost } from "./domains/host.ts";
export { HANDBOOK_HOST, ctime, wallSeconds, type HostSpec, type VolumeGroupSpec } from "./domains/host-spec.ts";
export { Hypervisor, type DomainEvent, type HypervisorOptions } from "./domains/hypervisor.ts";
export { Domain, CpuMeter, type AttachedVif, type DomainMemory, type ShutdownReason } from "./domains/domain.ts";
export { blkdevNumber, kernelCmdline, randomXendMac, type DiskDevice, type DomainSpec, type VifDevice } from "./domains/domain-spec.ts";
export { planBalloon, type BalloonPlan, type BalloonState } from "./domains/balloon.ts";
export { DomidRover, DOMID_FIRST_RESERVED } from "./domains/domid-rover.ts";
export { createDomain, type CreateOptions } from "./domains/domain-create.ts";
export { saveDomain, restoreDomain, saveHeader, SIGNATURE, type SavedGuest } from "./domains/checkpoint.ts";
export { installLifecycle, MINIMUM_RESTART_TIME } from "./domains/lifecycle.ts";
export { Op, type XendFailure, type XendResult } from "./domains/op.ts";
export { NoVifBackend, hotplugErrorText, type HotplugStatus, type VifBackend, type VifInfo } from "./domains/vif-backend.ts";
export { Lvm, lvmSize, type LvmResult } from "./domains/lvm.ts";
export { xendomainsStart, xendomainsStop, xendomainsSettings, type XendomainsSettings } from "./domains/xendomains.ts";
export { prettySxp, sxpToString, type Sxp } from "./domains/sxp-text.ts";

export { GuestOs, type GuestPhase, type GuestPlatform, type GuestSetup } from "./guest/guest-os.ts";
export { NoGuestNetwork, type GuestHooks, type HaltReason } from "./guest/guest-hooks.ts";
export { GuestClock, type GuestTimer } from "./guest/guest-clock.ts";
export { Console, CONSOLE_ESCAPE, type ConsoleSession } from "./guest/console.ts";
export { isGuestImage, type GuestImage } from "./guest/guest-image.ts";

export { Toolstack, type CreateResult, type XmError, type XmResult } from "./xm/toolstack.ts";
export { runXm, type XmOutput } from "./xm/xm-cli.ts";
export type { DomainRow, NetRow, VcpuRow } from "./xm/rows.ts";

export { runXenCreateImage } from "./xen-create-image/xen-create-image.ts";
export type { XciHost, XciOutput } from "./xen-create-image/run-context.ts";

export * from "./world/index.ts";
export * from "./machine/index.ts";
export * from "./network-scripts/index.ts";
export * from "./guest-net/index.ts";
