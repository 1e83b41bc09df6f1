// dom0's side of guest networking as xend, netback and udev provide it (xen-networking.md §1): the
// VifBackend the domain engine calls. `online`: netback registers `vif<domid>.<devid>` in dom0,
// udev runs the vif's hotplug script with `online` about 50 ms later — vif-common.sh first renames
// the device to `vifname=` when that name is free, then the script body (vif-models.ts), then
// handle_iptable inserts its FORWARD rules (`-m physdev --physdev-in VIF [-s ADDR] -j ACCEPT` and
// `-m state --state RELATED,ESTABLISHED -m physdev --physdev-out VIF -j ACCEPT`, one pair per `ip=`
// address plus one for DHCP requests; they only ever match bridged traffic) — and writes
// hotplug-status: connected, or the fatal message. A script that does not exist never answers, so
// xend gives up after 100 s ("Hotplug scripts not working."). Variables come from the command
// line of xend's `(vif-script 'vif-nat dhcp=yes')` when the vif uses that script, then xenstore.
// `offline` runs the script's offline part, deletes the iptables rules and unregisters the device.
// Pause stops netback delivering to the guest; the frontend connects when the guest's netfront
// comes up (boot, or resume after a restore behind the new vif).

import { Netback, type Netfront } from "../../netsim/l2/index.ts";
import type { XendSettings } from "../../topology/index.ts";
import type { HotplugStatus, VifBackend, VifInfo } from "../domains/vif-backend.ts";
import type { Dhcpd } from "./dhcpd.ts";
import { iptables, renameLink, scriptVars, type ScriptHost } from "./script-host.ts";
import { vifBridge, vifNat, vifRoute, type VifRun } from "./vif-models.ts";

/** udev's delay between netback's uevent and the hotplug script running, µs. */
export const UDEV_US = 50_000;
/** What the script itself takes (a bash script forking ip, brctl, iptables, xenstore-*), µs. */
export const SCRIPT_US = 150_000;

const SCRIPTS = { "vif-bridge": vifBridge, "vif-route": vifRoute, "vif-nat": vifNat } as const;
type ScriptName = keyof typeof SCRIPTS;

interface Attached {
  readonly info: VifInfo;
  readonly back: Netback;
  readonly script: ScriptName | undefined;
  readonly vars: Record<string, string>;
  rules: string[][];
}

/** What the backend needs to reach: dom0 as it is now (it changes at every host boot). */
export interface VifScriptsContext {
  host(): ScriptHost | null;
  xend(): XendSettings;
  dhcpd(): Dhcpd;
  /** A frontend connected to one of the backends (the guest side may need to learn of a hot-plugged one). */
  connected?(front: Netfront): void;
}

/** The vif hotplug scripts (see the file header). */
export class VifScripts implements VifBackend {
  private readonly attached = new Map<string, Attached>();

  constructor(private readonly ctx: VifScriptsContext) {}

  /** The backend device of a vif by its current name (`vif1.0`). */
  netback(name: string): Netback | undefined {
    return [...this.attached.values()].find((a) => a.back.name === name)?.back;
  }

  /** Every backend, in the order they came online. */
  netbacks(): Netback[] {
    return [...this.attached.values()].map((a) => a.back);
  }

  online(vif: VifInfo, report: (status: HotplugStatus) => void): void {
    const h = this.ctx.host();
    if (h === null) return;
    const back = new Netback(h.sim, "dom0", `vif${vif.domid}.${vif.device.devid}`);
    h.stack.addDevice(back);
    const base = vif.device.script.slice(vif.device.script.lastIndexOf("/") + 1);
    const script = base in SCRIPTS ? (base as ScriptName) : undefined;
    const xendScript = this.ctx.xend().vifScript;
    const vars = xendScript.script === base ? scriptVars(xendScript.vars) : {};
    const a: Attached = { info: vif, back, script, vars, rules: [] };
    this.attached.set(key(vif), a);
    if (script === undefined) {
      h.log(`udev: /etc/xen/scripts/${base}: No such file or directory\n`);
      return;
    }
    h.sim.schedule(UDEV_US, () => {
      if (this.attached.get(key(vif)) !== a) return;
      if (vif.device.vifname !== undefined && vif.device.vifname !== back.name) renameLink(h, back, back.name, vif.device.vifname);
      const error = SCRIPTS[script](this.run(h, a), "online");
      if (error === undefined) this.handleIptable(h, a, true);
      else h.log(`${vif.device.script}: ${error}\n`);
      h.sim.schedule(SCRIPT_US, () => report(error === undefined ? { status: "connected" } : { status: "error", message: error }));
    });
  }

  offline(vif: VifInfo): void {
    const a = this.attached.get(key(vif));
    const h = this.ctx.host();
    if (a === undefined) return;
    this.attached.delete(key(vif));
    a.back.disconnect();
    if (h !== null && a.script !== undefined) {
      SCRIPTS[a.script](this.run(h, a), "offline");
      this.handleIptable(h, a, false);
    }
    if (h !== null) h.node.deleteDevice(a.back);
  }

  frontendConnected(vif: VifInfo, front: Netfront): void {
    const a = this.attached.get(key(vif));
    if (a === undefined || a.back.state !== "disconnected" || front.backend !== null) return;
    a.back.connect(front);
    this.ctx.connected?.(front);
  }

  paused(vif: VifInfo): void {
    const a = this.attached.get(key(vif));
    if (a?.back.state === "connected") a.back.pause();
  }

  unpaused(vif: VifInfo): void {
    const a = this.attached.get(key(vif));
    if (a?.back.state === "paused") a.back.unpause();
  }

  /** dom0 went down: every backend goes with it (no scripts run). */
  reset(): void {
    for (const a of this.attached.values()) a.back.disconnect();
    this.attached.clear();
  }

  private run(h: ScriptHost, a: Attached): VifRun {
    return { h, vif: a.info, back: a.back, vars: a.vars, dhcpd: this.ctx.dhcpd() };
  }

  /** vif-common.sh handle_iptable: the FORWARD rules inserted on online and deleted on offline. */
  private handleIptable(h: ScriptHost, a: Attached, online: boolean): void {
    if (!online) {
      for (const rule of a.rules) iptables(h, ["-D", ...rule]);
      a.rules = [];
      return;
    }
    const vif = a.back.name;
    const extra: string[][] = a.info.device.ip && a.info.device.ip.length > 0
      ? [...a.info.device.ip.flatMap((ip) => ip.split(/\s+/)).filter((x) => x !== "").map((ip) => ["-s", ip]), ["-p", "udp", "--sport", "68", "--dport", "67"]]
      : [[]];
    for (const match of extra) {
      const pair = [
        ["FORWARD", "-m", "physdev", "--physdev-in", vif, ...match, "-j", "ACCEPT"],
        ["FORWARD", "-m", "state", "--state", "RELATED,ESTABLISHED", "-m", "physdev", "--physdev-out", vif, "-j", "ACCEPT"],
      ];
      for (const rule of pair) {
        if (iptables(h, ["-I", ...rule]) === 0) a.rules.push(rule);
        else h.log(`iptables -I ${rule.join(" ")} failed.\nIf you are using iptables, this may affect networking for guest domains.\n`);
      }
    }
  }
}

function key(vif: VifInfo): string {
  return `${vif.domid}.${vif.devid}`;
}
