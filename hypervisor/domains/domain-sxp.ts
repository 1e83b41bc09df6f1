// A domain as an S-expression, the record xend's XendDomainInfo.sxpr() returns: what `xm list -l`
// pretty-prints and what XendCheckpoint.save writes (one line) after the `LinuxGuestRecord` header of
// a save file, and reads back on restore (domains.md §4). The fields and their order follow what xm
// 4.0 prints for a paravirtual domain: identity, lifecycle actions, memory, start and CPU time, the
// image (kernel, ramdisk, the assembled command line), state, and one (device ...) per vif, vbd and
// the console.

import type { LifecycleAction } from "../../topology/xen-cfg/index.ts";
import type { SxpNode } from "../../topology/sxp/index.ts";
import type { Domain } from "./domain.ts";
import { blkdevNumber, kernelCmdline, type DiskDevice, type DomainSpec, type VifDevice } from "./domain-spec.ts";
import { childValue, type Sxp } from "./sxp-text.ts";

/** XendDomainInfo.sxpr() for `dom`. */
export function domainSxpr(dom: Domain): Sxp[] {
  const s = dom.spec;
  const out: Sxp[] = ["domain", ["domid", dom.domid], ["on_crash", s.onCrash], ["uuid", s.uuid], ["bootloader_args", ""], ["vcpus", s.vcpus]];
  out.push(["name", dom.name], ["on_poweroff", s.onPoweroff], ["on_reboot", s.onReboot], ["bootloader", s.bootloader ?? ""]);
  out.push(["maxmem", dom.memory.maxMiB], ["memory", dom.memory.targetMiB], ["shadow_memory", 0], ["features", ""]);
  out.push(["on_xend_start", "ignore"], ["on_xend_stop", "ignore"], ["start_time", { float: Math.round(dom.startWall * 100) / 100 }]);
  out.push(["cpu_time", { float: dom.cpu.seconds }], ["online_vcpus", s.vcpus], ["image", imageSxpr(dom)]);
  out.push(["status", dom.shutdownReason !== null ? 4 : 2], ["state", dom.stateString()]);
  if (dom.privileged) return out;
  out.push(["store_mfn", 1_342_423 - dom.domid * 35_000], ["console_mfn", 1_342_422 - dom.domid * 35_000]);
  for (const v of s.vifs) out.push(["device", vifSxpr(v)]);
  for (const d of s.disks) out.push(["device", vbdSxpr(d)]);
  out.push(["device", ["console", ["protocol", "vt100"], ["location", "2"], ["uuid", s.uuid.replace(/^.{8}/, "c0c0c0c0")]]]);
  return out;
}

function imageSxpr(dom: Domain): Sxp[] {
  const s = dom.spec;
  if (dom.privileged) return ["linux", ["kernel", ""], ["superpages", 0], ["nomigrate", 0], ["tsc_mode", 0]];
  const linux: Sxp[] = ["linux", ["kernel", s.kernel ?? ""]];
  if (s.ramdisk) linux.push(["ramdisk", s.ramdisk]);
  linux.push(["args", kernelCmdline(s)], ["superpages", 0], ["tsc_mode", 0], ["nomigrate", 0]);
  return linux;
}

function vifSxpr(v: VifDevice): Sxp[] {
  const out: Sxp[] = ["vif"];
  if (v.bridge !== undefined) out.push(["bridge", v.bridge]);
  out.push(["mac", v.mac], ["script", v.script], ["uuid", v.uuid], ["backend", 0]);
  if (v.ip !== undefined) out.push(["ip", v.ip.join(" ")]);
  for (const key of ["vifname", "type", "model", "rate", "accel"] as const) {
    const value = v[key];
    if (value !== undefined) out.push([key, value]);
  }
  return out;
}

function vbdSxpr(d: DiskDevice): Sxp[] {
  return ["vbd", ["uname", d.uname], ["uuid", d.uuid], ["mode", d.mode], ["dev", `${d.dev}:disk`], ["backend", 0], ["bootable", d.devid === 0 ? 0 : 1]];
}

/** Plain nested arrays of strings from a parsed S-expression. */
export function plainSxp(node: SxpNode): Sxp {
  return node.kind === "atom" ? node.value : node.items.map(plainSxp);
}

const str = (list: readonly Sxp[], name: string): string | undefined => {
  const v = childValue(list, name);
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
};
const int = (list: readonly Sxp[], name: string, fallback: number): number => {
  const v = Number(str(list, name));
  return Number.isFinite(v) ? v : fallback;
};
const action = (list: readonly Sxp[], name: string, fallback: LifecycleAction): LifecycleAction => (str(list, name) as LifecycleAction | undefined) ?? fallback;

/** The DomainSpec inside a (domain ...) record, as restore rebuilds it; undefined when it is not one. */
export function specFromSxpr(record: Sxp): DomainSpec | undefined {
  if (!Array.isArray(record) || record[0] !== "domain") return undefined;
  const list = record as readonly Sxp[];
  const name = str(list, "name");
  const uuid = str(list, "uuid");
  if (name === undefined || uuid === undefined) return undefined;
  const image = childValue(list, "image");
  const linux = Array.isArray(image) ? ((image as readonly Sxp[])[0] === "linux" ? (image as readonly Sxp[]) : undefined) : undefined;
  const devices = list.filter((x): x is readonly Sxp[] => Array.isArray(x) && x[0] === "device").map((x) => x[1]);
  const memoryMiB = int(list, "memory", 128);
  const kernel = linux ? str(linux, "kernel") : undefined;
  const ramdisk = linux ? str(linux, "ramdisk") : undefined;
  const bootloader = str(list, "bootloader");
  return {
    name, uuid, memoryMiB, maxmemMiB: int(list, "maxmem", memoryMiB), vcpus: int(list, "vcpus", 1),
    ...(kernel ? { kernel } : {}), ...(ramdisk ? { ramdisk } : {}), ...(bootloader ? { bootloader } : {}),
    extra: (linux ? str(linux, "args") : undefined) ?? "",
    onPoweroff: action(list, "on_poweroff", "destroy"), onReboot: action(list, "on_reboot", "restart"), onCrash: action(list, "on_crash", "restart"),
    vifs: devices.filter((d): d is readonly Sxp[] => Array.isArray(d) && d[0] === "vif").map((d, devid) => vifFrom(d, devid)),
    disks: devices.filter((d): d is readonly Sxp[] => Array.isArray(d) && d[0] === "vbd").flatMap((d) => diskFrom(d)),
  };
}

function vifFrom(d: readonly Sxp[], devid: number): VifDevice {
  const optional = Object.fromEntries(
    (["bridge", "vifname", "type", "model", "rate", "accel"] as const).flatMap((k) => (str(d, k) !== undefined ? [[k, str(d, k)]] : [])),
  );
  const ip = str(d, "ip");
  return { devid, mac: str(d, "mac") ?? "", script: str(d, "script") ?? "/etc/xen/scripts/vif-bridge", uuid: str(d, "uuid") ?? "", ...optional, ...(ip ? { ip: ip.split(" ") } : {}) };
}

function diskFrom(d: readonly Sxp[]): DiskDevice[] {
  const uname = str(d, "uname") ?? "";
  const dev = (str(d, "dev") ?? "").replace(/:(disk|cdrom)$/, "");
  const devid = blkdevNumber(dev);
  const m = /^(phy|file|tap(?::aio)?):(.*)$/.exec(uname);
  if (devid === undefined || !m) return [];
  const kind = m[1]!.startsWith("tap") ? "tap" : (m[1] as "phy" | "file");
  return [{ devid, uname, dev, mode: str(d, "mode") ?? "w", path: m[2]!, kind, uuid: str(d, "uuid") ?? "" }];
}
