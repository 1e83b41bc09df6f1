// What dom0 reads at each boot, fresh from its filesystem (so edits made in the simulated shell take
// effect at the next boot, as on a real host): the HostConfig of topology/ over the SimFs, and
// /etc/network/interfaces as the host's ifupdown reads it — on an ifupdown 0.6 release (etch to
// squeeze) the whole file is refused for the faults 0.6 cannot read (an unknown top-level keyword
// such as `source`, a malformed iface line, a duplicate stanza, option or auto entry), in which
// case nothing, not even lo, comes up. Also the XenHost for a boot after the first: createHost
// over the same filesystem and volume groups, with a new hypervisor.

import type { Sim } from "../../netsim/engine/index.ts";
import { loadHost, readInterfaces, type HostConfig, type InterfacesFile, type PhysicalNic } from "../../topology/index.ts";
import { classTwice, duplicateInterface, duplicateOption, ifaceLine, unknownKeyword } from "../../topology/checks/squeeze.ts";
import { createHost, type XenHost } from "../domains/host.ts";
import type { HostSpec } from "../domains/host-spec.ts";
import type { VifBackend } from "../domains/vif-backend.ts";
import type { GuestHooks } from "../guest/guest-hooks.ts";

/** What one boot reads. */
export interface BootFiles {
  readonly config: HostConfig;
  readonly interfaces: InterfacesFile;
  /** ifupdown refuses the file: `ifup: couldn't read interfaces file`. */
  readonly rejected: boolean;
}

/** Reads the boot's configuration from `xen.fs`. */
export function readBootFiles(xen: XenHost, nics: readonly PhysicalNic[] | undefined): BootFiles {
  const config = loadHost(xen.fs, nics ? { nics } : {}).value;
  const interfaces = readInterfaces("/etc/network/interfaces", xen.fs).value;
  const refused06 = config.release?.ifupdown === "0.6"
    && [unknownKeyword, ifaceLine, duplicateInterface, duplicateOption, classTwice].some((check) => check(config).some((d) => d.severity === "error"));
  return { config, interfaces, rejected: interfaces.rejected || refused06 };
}

/** A new hypervisor and toolstack over an existing host's filesystem and volume groups. */
export function rebootedHost(sim: Sim, old: XenHost, spec: HostSpec, vifBackend: VifBackend, guestHooks: GuestHooks): XenHost {
  return createHost({ sim, fs: old.fs, lvm: old.lvm, host: spec, vifBackend, guestHooks });
}
