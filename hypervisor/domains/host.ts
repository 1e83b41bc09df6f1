// A simulated Xen host assembled from a root directory: the in-memory filesystem over the user's
// files, the package files a Squeeze dom0 has (dom0-files.ts), xend's settings read from
// /etc/xen/xend-config.sxp (xend's code defaults when it is absent — note that they disable dom0
// ballooning, domains.md §3), the hypervisor with on_poweroff/on_reboot/on_crash handling, and the
// xm Toolstack over it. The network side plugs in through `vifBackend` and `guestHooks`. A reboot
// builds the host again over the filesystem and volume groups it already has (`fs`, `lvm`): the
// disk is left as it is — the package files are not put back — and xend's settings are read anew.

import type { Sim } from "../../netsim/engine/index.ts";
import type { FileReader } from "../../topology/interfaces/reader.ts";
import { parseXendConfig, xendSettings, type XendSettings } from "../../topology/sxp/index.ts";
import type { Diagnostic } from "../../topology/diagnostic.ts";
import type { GuestHooks } from "../guest/guest-hooks.ts";
import { SimFs } from "../sim-fs.ts";
import { Toolstack } from "../xm/toolstack.ts";
import { installDom0Files } from "./dom0-files.ts";
import { HANDBOOK_HOST, type HostSpec } from "./host-spec.ts";
import { Hypervisor } from "./hypervisor.ts";
import { installLifecycle } from "./lifecycle.ts";
import type { VifBackend } from "./vif-backend.ts";
import { Lvm } from "./lvm.ts";
import { runXenCreateImage } from "../xen-create-image/xen-create-image.ts";
import type { XciOutput } from "../xen-create-image/run-context.ts";

/** What a host is built from. */
export interface HostOptions {
  readonly sim: Sim;
  /** The user's files (`--root`), read-only; none for an empty host. */
  readonly root?: FileReader;
  /** The filesystem of a host that already ran (a reboot); not with `root`, which it already overlays. */
  readonly fs?: SimFs;
  /** The volume groups of a host that already ran, with the logical volumes made on them. */
  readonly lvm?: Lvm;
  readonly host?: HostSpec;
  readonly vifBackend?: VifBackend;
  readonly guestHooks?: GuestHooks;
}

/** A running simulated host. */
export interface XenHost {
  readonly sim: Sim;
  readonly fs: SimFs;
  readonly hypervisor: Hypervisor;
  readonly toolstack: Toolstack;
  readonly xend: XendSettings;
  /** The host's volume groups (xen-create-image --lvm). */
  readonly lvm: Lvm;
  /** Findings in xend-config.sxp. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Builds the host (see the file header). */
export function createHost(options: HostOptions): XenHost {
  if (options.fs !== undefined && options.root !== undefined) throw new Error("createHost: give either a root or an existing fs, not both");
  const host = options.host ?? HANDBOOK_HOST;
  const fs = options.fs ?? new SimFs(options.root);
  if (options.fs === undefined) installDom0Files(fs, host.kernelRelease);
  const text = fs.readFile("/etc/xen/xend-config.sxp");
  const parsed = text === undefined ? undefined : parseXendConfig(text, "/etc/xen/xend-config.sxp");
  const xend = xendSettings(parsed?.value ?? parseXendConfig("", "/etc/xen/xend-config.sxp").value);
  const hypervisor = new Hypervisor({
    sim: options.sim, fs, host, xend,
    ...(options.vifBackend ? { vifBackend: options.vifBackend } : {}),
    ...(options.guestHooks ? { guestHooks: options.guestHooks } : {}),
  });
  installLifecycle(hypervisor);
  const lvm = options.lvm ?? new Lvm(fs, host.volumeGroups);
  return { sim: options.sim, fs, hypervisor, toolstack: new Toolstack(hypervisor), xend, lvm, diagnostics: parsed?.diagnostics ?? [] };
}

/** Runs `xen-create-image ARGS…` on the host's dom0. */
export function xenCreateImage(h: XenHost, args: readonly string[]): XciOutput {
  return runXenCreateImage({ sim: h.sim, fs: h.fs, host: h.hypervisor.host, lvm: h.lvm, toolstack: h.toolstack, dom0: h.hypervisor.dom0 }, args);
}
