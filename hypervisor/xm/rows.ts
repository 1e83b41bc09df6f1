// The data behind xm's reports, read from the hypervisor as xend's getters return it: one row per
// domain for `xm list`, per vCPU for `xm vcpu-list`, per vif for `xm network-list` (the frontend's
// xenstore entries: MAC, handle, state, event channel, ring grant references, backend path), the
// `xm info` fields in XendNode.info()'s order, and uptimes (dom0's from /proc/uptime, a domU's from
// its start time).

import type { Domain } from "../domains/domain.ts";
import type { Hypervisor } from "../domains/hypervisor.ts";

/** One `xm list` row. */
export interface DomainRow {
  readonly name: string;
  readonly domid: number;
  readonly memMiB: number;
  readonly vcpus: number;
  readonly state: string;
  readonly cpuSeconds: number;
}

/** One `xm vcpu-list` row. */
export interface VcpuRow {
  readonly name: string;
  readonly domid: number;
  readonly vcpu: number;
  readonly cpu: string;
  readonly state: string;
  readonly cpuSeconds: number;
  readonly affinity: string;
}

/** One `xm network-list` row. */
export interface NetRow {
  readonly idx: number;
  readonly backendId: number;
  readonly mac: string;
  readonly handle: number;
  readonly state: number;
  readonly eventChannel: number;
  readonly txRingRef: number;
  readonly rxRingRef: number;
  readonly backendPath: string;
}

/** A domain's `xm list` row. */
export function domainRow(dom: Domain): DomainRow {
  return { name: dom.name, domid: dom.domid, memMiB: dom.memory.targetMiB, vcpus: dom.vcpus, state: dom.stateString(), cpuSeconds: dom.cpu.seconds };
}

/** The vCPUs of a domain, CPU time shared evenly, placed round-robin on the physical CPUs. */
export function vcpuRows(hv: Hypervisor, dom: Domain): VcpuRow[] {
  const total = dom.cpu.seconds;
  const state = dom.stateString();
  return Array.from({ length: dom.vcpus }, (_, vcpu) => ({
    name: dom.name,
    domid: dom.domid,
    vcpu,
    cpu: String((dom.domid + vcpu) % hv.host.cpus),
    state: `${state[0] === "r" && vcpu === 0 ? "r" : "-"}${state[1] === "b" || (state[0] === "r" && vcpu > 0) ? "b" : "-"}-`,
    cpuSeconds: total / dom.vcpus,
    affinity: "any cpu",
  }));
}

/** The vifs of a domain as `xm network-list` shows them. */
export function netRows(dom: Domain): NetRow[] {
  const disks = dom.spec.disks.length;
  return [...dom.vifs.values()]
    .sort((a, b) => a.device.devid - b.device.devid)
    .map((v) => {
      const devid = v.device.devid;
      const connected = v.frontState === 4;
      return {
        idx: devid,
        backendId: 0,
        mac: v.device.mac,
        handle: devid,
        state: v.frontState,
        eventChannel: connected ? 3 + disks + devid : -1,
        txRingRef: connected ? 768 + 2 * devid : -1,
        rxRingRef: connected ? 769 + 2 * devid : -1,
        backendPath: `/local/domain/0/backend/vif/${dom.domid}/${devid}`,
      };
    });
}

/** Seconds a domain has been up (dom0: the host's /proc/uptime). */
export function uptimeSeconds(hv: Hypervisor, dom: Domain): number {
  if (dom.privileged) return hv.host.dom0UptimeSeconds + hv.sim.now / 1_000_000;
  return hv.wallSeconds() - dom.startWall;
}

/** `xm info` fields in order (XendNode nodeinfo + physinfo + xeninfo, Debian's xen 4.0.1 build). */
export function infoFields(hv: Hypervisor): [string, string][] {
  const h = hv.host;
  const freeMiB = Math.floor(hv.freeKiB() / 1024);
  return [
    ["host", h.hostname],
    ["release", h.kernelRelease],
    ["version", "#1 SMP Wed Jan 12 05:46:49 UTC 2011"],
    ["machine", "x86_64"],
    ["nr_cpus", String(h.cpus)],
    ["nr_nodes", "1"],
    ["cores_per_socket", String(h.cpus)],
    ["threads_per_core", "1"],
    ["cpu_mhz", String(h.cpuMhz)],
    ["hw_caps", "bfebfbff:20100800:00000000:00000940:0004e3bd:00000000:00000001:00000000"],
    ["virt_caps", ""],
    ["total_memory", String(h.totalMemoryMiB)],
    ["free_memory", String(freeMiB)],
    ["node_to_cpu", `node0:${h.cpus > 1 ? `0-${h.cpus - 1}` : "0"}`],
    ["node_to_memory", `node0:${freeMiB}`],
    ["node_to_dma32_mem", `node0:${Math.min(freeMiB, 3 * 1024)}`],
    ["max_node_id", "0"],
    ["xen_major", "4"],
    ["xen_minor", "0"],
    ["xen_extra", ".1"],
    ["xen_caps", "xen-3.0-x86_64 xen-3.0-x86_32p "],
    ["xen_scheduler", "credit"],
    ["xen_pagesize", "4096"],
    ["platform_params", "virt_start=0xffff800000000000"],
    ["xen_changeset", "unavailable"],
    ["xen_commandline", "placeholder"],
    ["cc_compiler", "gcc version 4.4.5 (Debian 4.4.5-10) "],
    ["cc_compile_by", "waldi"],
    ["cc_compile_domain", "debian.org"],
    ["cc_compile_date", "Wed Jan 12 14:04:06 UTC 2011"],
    ["xend_config_format", "4"],
  ];
}
