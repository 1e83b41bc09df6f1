// What xend does when a guest stops on its own (XendDomainInfo._refreshShutdown/_restart, Xen
// 4.0.1; domains.md §7): on_poweroff for poweroff and halt, on_reboot for reboot, on_crash for a
// crash. `destroy` removes it; `preserve` leaves it listed as ---s-- (or ----c-) holding its
// memory; `restart` destroys it and creates it again from the same configuration with a new domain
// id; `rename-restart` keeps the dead one under the name Domain-<new uuid> and restarts the original;
// the coredump- actions first write /var/xen/dump/<time>-<name>.<domid>.core. A domain that stops
// less than 60 s after it started is not restarted ("restarting too fast"), to avoid loops.
// xend's notes go to /var/log/xen/xend.log in the simulated filesystem.

import type { LifecycleAction } from "../../topology/xen-cfg/index.ts";
import { createDomain } from "./domain-create.ts";
import type { Domain, ShutdownReason } from "./domain.ts";
import { randomUuid } from "./domain-spec.ts";
import { civil } from "./host-spec.ts";
import type { Hypervisor } from "./hypervisor.ts";

/** xend's MINIMUM_RESTART_TIME, seconds. */
export const MINIMUM_RESTART_TIME = 60;

/** Makes `hv` apply on_poweroff / on_reboot / on_crash. */
export function installLifecycle(hv: Hypervisor): void {
  hv.onGuestShutdown = handleShutdown;
}

/** The configured action for a shutdown reason. */
export function actionFor(dom: Domain, reason: ShutdownReason): LifecycleAction {
  if (reason === "crash") return dom.spec.onCrash;
  return reason === "reboot" ? dom.spec.onReboot : dom.spec.onPoweroff;
}

function handleShutdown(hv: Hypervisor, dom: Domain, reason: ShutdownReason): void {
  if (hv.lookup(String(dom.domid)) !== dom || reason === "suspend") return;
  const action = actionFor(dom, reason);
  xendLog(hv, "INFO", `Domain has shutdown: name=${dom.name} id=${dom.domid} reason=${reason}.`);
  if (action === "preserve") return;
  if (action.startsWith("coredump")) dumpCore(hv, dom);
  if (action === "destroy" || action === "coredump-destroy") return hv.teardown(dom);
  restart(hv, dom, action === "rename-restart");
}

function restart(hv: Hypervisor, dom: Domain, rename: boolean): void {
  const elapsed = hv.wallSeconds() - dom.startWall;
  if (elapsed < MINIMUM_RESTART_TIME) {
    xendLog(hv, "ERROR", `VM ${dom.name} restarting too fast (Elapsed time: ${elapsed.toFixed(6)} seconds). Refusing to restart to avoid loops.`);
    return hv.teardown(dom);
  }
  const spec = dom.spec;
  if (rename) {
    const uuid = randomUuid(hv.rng);
    dom.name = `Domain-${uuid}`;
    dom.spec = { ...spec, name: dom.name, uuid };
    xendLog(hv, "INFO", `Renaming dead domain ${spec.name} (${dom.domid}, ${spec.uuid}) to ${dom.name} (${uuid}).`);
    hv.emit("changed", dom);
  } else {
    hv.teardown(dom);
  }
  createDomain(hv, spec, { paused: false, restartCount: dom.restartCount + 1 }).then((r) => {
    if (!r.ok) xendLog(hv, "ERROR", `Failed to restart domain ${spec.name}: ${r.failure.kind === "error" ? r.failure.message : ""}`);
  });
}

/** XendDomainInfo.dumpCore: a core file the size of the guest's memory. */
function dumpCore(hv: Hypervisor, dom: Domain): void {
  const c = civil(hv.wallSeconds());
  const two = (n: number) => String(n).padStart(2, "0");
  const stamp = `${c.year}-${two(c.month)}${two(c.day)}-${two(c.hour)}${two(c.minute)}.${two(c.second)}`;
  hv.fs.mkdir("/var/xen/dump", { parents: true });
  hv.fs.writeFile(`/var/xen/dump/${stamp}-${dom.name}.${dom.domid}.core`, new Uint8Array(0), { size: dom.memory.actualKiB * 1024, mode: 0o600 });
}

/** Appends a line to /var/log/xen/xend.log in xend's format. */
export function xendLog(hv: Hypervisor, level: "INFO" | "ERROR" | "WARNING", message: string): void {
  const c = civil(hv.wallSeconds());
  const two = (n: number) => String(n).padStart(2, "0");
  const when = `${c.year}-${two(c.month)}-${two(c.day)} ${two(c.hour)}:${two(c.minute)}:${two(c.second)}`;
  hv.fs.mkdir("/var/log/xen", { parents: true });
  hv.fs.appendFile("/var/log/xen/xend.log", `[${when} 2345] ${level} (XendDomainInfo) ${message}\n`);
}
