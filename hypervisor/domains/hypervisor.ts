// The hypervisor and xend together, as the toolstack sees them: the table of domains with Domain-0
// as domain 0, host memory (Xen's free pool, dom0's balloon), the domain id rover, and the domain
// operations of xend 4.0's XendDomain with its refusals and messages (domains.md §1-§4). Long
// operations (create, save, restore, device attach) live in their own files and return Ops.
// Domains are listed sorted by name, as XendDomain.list_sorted does; lookups go by name, then id,
// then UUID (domain_lookup_nr).

import type { RandomStream, Sim } from "../../netsim/engine/index.ts";
import type { Netfront } from "../../netsim/l2/index.ts";
import type { XendSettings } from "../../topology/sxp/index.ts";
import type { GuestHooks } from "../guest/guest-hooks.ts";
import { NoGuestNetwork } from "../guest/guest-hooks.ts";
import type { GuestPlatform } from "../guest/guest-os.ts";
import type { SimFs } from "../sim-fs.ts";
import { planBalloon } from "./balloon.ts";
import { Domain, type ShutdownReason } from "./domain.ts";
import { DomidRover } from "./domid-rover.ts";
import type { DomainSpec } from "./domain-spec.ts";
import { HANDBOOK_HOST, wallSeconds, type HostSpec } from "./host-spec.ts";
import { noDomain, ok, xendError, type XendResult } from "./op.ts";
import { NoVifBackend, type VifBackend, type VifInfo } from "./vif-backend.ts";

/** What changed in the domain table. */
export interface DomainEvent {
  readonly kind: "created" | "destroyed" | "changed";
  readonly domain: Domain;
}

/** How the hypervisor is set up. */
export interface HypervisorOptions {
  readonly sim: Sim;
  readonly fs: SimFs;
  readonly host?: HostSpec;
  readonly xend: XendSettings;
  readonly vifBackend?: VifBackend;
  readonly guestHooks?: GuestHooks;
}

/** Called when a guest shuts down; set by lifecycle.ts (kept out of this file). */
export type ShutdownHandler = (hv: Hypervisor, dom: Domain, reason: ShutdownReason) => void;

/** The hypervisor plus xend (see the file header). */
export class Hypervisor {
  readonly sim: Sim;
  readonly fs: SimFs;
  readonly host: HostSpec;
  readonly xend: XendSettings;
  readonly vifBackend: VifBackend;
  readonly guestHooks: GuestHooks;
  readonly dom0: Domain;
  /** xend's random numbers: MACs, UUIDs. */
  readonly rng: RandomStream;
  /** What happens when a guest shuts down (lifecycle.ts installs on_poweroff/on_reboot/on_crash). */
  onGuestShutdown: ShutdownHandler = () => {};
  private readonly table = new Map<number, Domain>();
  private readonly rover = new DomidRover();
  private readonly xenKiB: number;
  private readonly listeners: ((e: DomainEvent) => void)[] = [];

  constructor(options: HypervisorOptions) {
    this.sim = options.sim;
    this.fs = options.fs;
    this.host = options.host ?? HANDBOOK_HOST;
    this.xend = options.xend;
    this.vifBackend = options.vifBackend ?? new NoVifBackend();
    this.guestHooks = options.guestHooks ?? new NoGuestNetwork();
    this.rng = this.sim.rng("xend");
    const h = this.host;
    this.xenKiB = (h.totalMemoryMiB - h.dom0MemoryMiB - h.freeMemoryMiB) * 1024;
    if (this.xenKiB < 0) throw new Error("HostSpec: dom0 + free memory exceed the total");
    const spec: DomainSpec = {
      name: "Domain-0", uuid: "00000000-0000-0000-0000-000000000000", memoryMiB: h.dom0MemoryMiB, maxmemMiB: h.totalMemoryMiB,
      vcpus: h.dom0Vcpus, extra: "", onPoweroff: "destroy", onReboot: "restart", onCrash: "restart", vifs: [], disks: [],
    };
    this.dom0 = new Domain(this.sim, 0, "Domain-0", spec, h.epochSeconds - h.dom0UptimeSeconds, { paused: false, cpuSeconds: h.dom0CpuSeconds });
    this.dom0.memory.actualKiB = h.dom0MemoryMiB * 1024;
    this.dom0.setGuestLoad(h.dom0IdleLoad);
    this.table.set(0, this.dom0);
  }

  /** All domains, sorted by name. */
  domains(): Domain[] {
    return [...this.table.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** A domain by name, id or UUID. */
  lookup(ref: string): Domain | undefined {
    const all = [...this.table.values()];
    const byName = all.find((d) => d.name === ref);
    if (byName) return byName;
    if (/^\s*[+-]?[0-9]+\s*$/.test(ref)) {
      const byId = this.table.get(Number(ref));
      if (byId) return byId;
    }
    return all.find((d) => d.spec.uuid === ref);
  }

  /** Looks a domain up or fails as XendInvalidDomain. */
  find(ref: string): XendResult<Domain> {
    const dom = this.lookup(ref);
    return dom ? ok(dom) : noDomain(ref);
  }

  /** RAM Xen manages, KiB. */
  get totalKiB(): number {
    return this.host.totalMemoryMiB * 1024;
  }

  /** Xen's free pool, KiB. */
  freeKiB(): number {
    let used = this.xenKiB;
    for (const d of this.table.values()) used += d.memory.actualKiB;
    return this.totalKiB - used;
  }

  /** The host's wall clock, seconds since 1970. */
  wallSeconds(): number {
    return wallSeconds(this.sim, this.host);
  }

  /** Subscribes to domain table changes; returns the unsubscribe function. */
  onEvent(listener: (e: DomainEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at !== -1) this.listeners.splice(at, 1);
    };
  }

  /** Engine-internal: announces a change. */
  emit(kind: DomainEvent["kind"], domain: Domain): void {
    for (const l of [...this.listeners]) l({ kind, domain });
  }

  /** Engine-internal: a fresh domain id from the rover. */
  allocateDomid(): number | undefined {
    return this.rover.next((id) => this.table.has(id));
  }

  /** Engine-internal: enters a domain in the table. */
  register(dom: Domain): void {
    this.table.set(dom.domid, dom);
    this.emit("created", dom);
  }

  /** balloon.free(): makes `needKiB` free, ballooning dom0 down by the shortfall if allowed. */
  freeMemory(needKiB: number): XendResult<void> {
    const plan = planBalloon({
      needKiB, freeKiB: this.freeKiB(), dom0AllocKiB: this.dom0.memory.actualKiB,
      dom0MinKiB: this.xend.dom0MinMem * 1024, ballooning: this.xend.enableDom0Ballooning,
    });
    if (!plan.ok) return xendError(plan.message);
    if (plan.dom0TargetMiB !== undefined) {
      this.dom0.memory.targetMiB = plan.dom0TargetMiB;
      this.dom0.memory.actualKiB = plan.dom0TargetMiB * 1024;
      this.emit("changed", this.dom0);
    }
    return ok(undefined);
  }

  /** The VifInfo of a domain's vif, for the backend. */
  vifInfo(dom: Domain, devid: number): VifInfo {
    const vif = dom.vifs.get(devid);
    if (!vif) throw new Error(`${dom.name}: no vif ${devid}`);
    return { domid: dom.domid, domainName: dom.name, devid, device: vif.device, name: vif.name };
  }

  /** What a guest running in `dom` sees of it. */
  platformFor(dom: Domain): GuestPlatform {
    return {
      sim: this.sim,
      console: dom.console,
      wallSeconds: () => this.wallSeconds(),
      setLoad: (load) => dom.setGuestLoad(load),
      shutdown: (reason) => this.guestShutdown(dom, reason),
      nicReady: (devid: number, nic: Netfront) => {
        const vif = dom.vifs.get(devid);
        if (!vif || dom.dying) return;
        vif.frontState = 4;
        this.vifBackend.frontendConnected(this.vifInfo(dom, devid), nic);
      },
    };
  }

  /** `xm destroy`: the domain is killed at once; memory returns to the free pool. */
  destroy(ref: string): XendResult<void> {
    const dom = this.lookup(ref);
    if (dom?.privileged) return xendError(`Cannot destroy privileged domain ${ref}`);
    if (!dom) return noDomain(ref);
    this.teardown(dom);
    return ok(undefined);
  }

  /** Engine-internal: destroys a domain (vifs offline, guest gone, memory freed, id retired). */
  teardown(dom: Domain): void {
    if (!this.table.has(dom.domid) || dom.privileged) return;
    dom.dying = true;
    dom.guest?.destroy();
    for (const devid of [...dom.vifs.keys()]) this.vifBackend.offline(this.vifInfo(dom, devid));
    dom.setGuestLoad(0);
    dom.memory.actualKiB = 0;
    this.table.delete(dom.domid);
    this.emit("destroyed", dom);
  }

  /** `xm pause`: the vCPUs stop; memory stays allocated. */
  pause(ref: string): XendResult<void> {
    const dom = this.lookup(ref);
    if (!dom) return noDomain(ref);
    if (dom.privileged) return xendError(`Cannot pause privileged domain ${ref}`);
    if (dom.shutdownReason !== null && dom.shutdownReason !== "crash") return xendError(`Domain '${ref}' is not started`);
    if (!dom.paused) this.setPaused(dom, true, "pause");
    return ok(undefined);
  }

  /** `xm unpause`. */
  unpause(ref: string): XendResult<void> {
    const dom = this.lookup(ref);
    if (!dom) return noDomain(ref);
    if (dom.privileged) return xendError(`Cannot unpause privileged domain ${ref}`);
    if (dom.shutdownReason !== null) return xendError(`Domain '${ref}' is not started`);
    if (dom.paused) this.setPaused(dom, false, "pause");
    return ok(undefined);
  }

  /** Engine-internal: pauses/unpauses vCPUs, guest clock and backends together. */
  setPaused(dom: Domain, paused: boolean, why: "pause" | "build"): void {
    dom.setPaused(paused);
    if (paused) dom.guest?.freeze("pause");
    else dom.guest?.thaw();
    if (why === "pause") {
      for (const devid of dom.vifs.keys()) {
        const info = this.vifInfo(dom, devid);
        if (paused) this.vifBackend.paused(info);
        else this.vifBackend.unpaused(info);
      }
    }
    this.emit("changed", dom);
  }

  /** `xm shutdown` / `xm reboot`: writes control/shutdown; the guest acts on it in its own time. */
  shutdown(ref: string, reason: "poweroff" | "halt" | "reboot"): XendResult<void> {
    const dom = this.lookup(ref);
    if (!dom) return noDomain(ref);
    if (dom.shutdownReason !== null || dom.dying) return xendError("Domain cannot be shutdown");
    if (dom.privileged) return xendError("Domain 0 cannot be shutdown");
    dom.guest?.requestShutdown(reason);
    return ok(undefined);
  }

  /** `xm mem-set`: a new balloon target (XendDomainInfo.setMemoryTarget). */
  setMemoryTarget(ref: string, targetMiB: number): XendResult<void> {
    const dom = this.lookup(ref);
    if (!dom) return noDomain(ref);
    const current = dom.memory.targetMiB;
    if (dom.privileged && targetMiB < current && this.xend.dom0MinMem > targetMiB) return xendError("memory_dynamic_max too small");
    if (targetMiB > dom.memory.maxMiB) return xendError("memory_dynamic_max must be less than or equal to memory_static_max");
    if (targetMiB <= 0) return xendError("memory_dynamic_max must be greater than zero");
    const delta = (targetMiB - current) * 1024;
    if (delta > 0 && !dom.privileged) {
      const freed = this.freeMemory(delta);
      if (!freed.ok) return freed;
    }
    dom.memory.targetMiB = targetMiB;
    const grow = delta > 0 ? Math.min(delta, Math.max(0, this.freeKiB())) : delta;
    dom.memory.actualKiB += grow;
    this.emit("changed", dom);
    return ok(undefined);
  }

  private guestShutdown(dom: Domain, reason: ShutdownReason): void {
    if (!this.table.has(dom.domid)) return;
    dom.setShutdown(reason);
    this.emit("changed", dom);
    if (reason !== "suspend") this.sim.schedule(50_000, () => this.onGuestShutdown(this, dom, reason));
  }
}
