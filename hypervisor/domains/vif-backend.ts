// The seam between the domain engine and dom0's side of guest networking (netback devices, the
// vif-bridge/vif-route/vif-nat hotplug scripts), which another part of the simulator provides. The
// engine calls it where xend and udev would (xen-networking.md §1.1):
//
//   online     xend has written a vif's backend and netback made `vifD.N`; udev runs the vif script
//              with `online`. Create the backend device named `vif.name` (`vifD.N`, or the vifname
//              the script renames it to), plug it in, then call `report` with the hotplug-status the
//              script writes: connected, or an error with the script's `fatal` message (undefined
//              message: "Backend device not found."). If `report` is not called within xend's
//              device-create-timeout (100 s), xm fails with "Hotplug scripts not working.".
//   offline    the backend goes away (destroy, shutdown, save, network-detach): vif script `offline`.
//   frontendConnected  the guest's netfront came up (boot, resume after restore, hotplug) and
//              connects its rings to this backend: typically `netback.connect(front)`.
//   paused / unpaused  the domain's vCPUs stop / run again (netback stops delivering to the guest).
//
// hotplugErrorText() turns a failure into the message xm prints after `Error: `.
// NoVifBackend connects nothing and reports success at once; it keeps the engine testable alone.

import type { Netfront } from "../../netsim/l2/index.ts";
import type { VifDevice } from "./domain-spec.ts";

/** One vif as the backend sees it. */
export interface VifInfo {
  readonly domid: number;
  readonly domainName: string;
  readonly devid: number;
  readonly device: VifDevice;
  /** The backend interface name: `vif<domid>.<devid>`, or `vifname=`. */
  readonly name: string;
}

/** What the hotplug script reported. */
export type HotplugStatus = { readonly status: "connected" } | { readonly status: "error"; readonly message?: string };

/** dom0's side of guest networking (see the file header). */
export interface VifBackend {
  online(vif: VifInfo, report: (status: HotplugStatus) => void): void;
  offline(vif: VifInfo): void;
  frontendConnected(vif: VifInfo, front: Netfront): void;
  paused(vif: VifInfo): void;
  unpaused(vif: VifInfo): void;
}

/** The message xm prints after `Error: ` when a device's hotplug failed (xend DevController.waitForDevice). */
export function hotplugErrorText(devid: number, deviceClass: "vif" | "vbd", status: HotplugStatus | "timeout"): string {
  const head = `Device ${devid} (${deviceClass}) could not be connected.`;
  if (status === "timeout") return `${head} Hotplug scripts not working.`;
  if (status.status === "connected") return "";
  return `${head} ${status.message ?? "Backend device not found."}`;
}

/** A backend that connects nothing (see the file header). */
export class NoVifBackend implements VifBackend {
  online(_vif: VifInfo, report: (status: HotplugStatus) => void): void {
    report({ status: "connected" });
  }
  offline(): void {}
  frontendConnected(): void {}
  paused(): void {}
  unpaused(): void {}
}
