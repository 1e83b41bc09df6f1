// The domain .cfg xen-tools 4.2 writes into /etc/xen (xt-create-xen-config filling
// /etc/xen-tools/xm.tmpl; domains.md §8.6): a comment header naming the instance, the xen-tools
// version and the time; kernel/ramdisk (or bootloader with --pygrub); vcpus and memory (Gb turned
// into MiB, the unit dropped); root and the disks — partitions numbered in creation order (swap 1,
// root 2), root listed first, the others in reverse; the name; `dhcp = 'dhcp'` and
// `vif = [ 'mac=…' ]` for DHCP guests, `vif = [ 'ip=…,mac=…' ]` for static ones, with vifname= and
// bridge= when given; and the three lifecycle actions.

import { xenToolsMemoryMb } from "../../topology/xen-tools/index.ts";

/** A partition as xen-create-image made it. */
export interface Partition {
  /** `swap` or `disk`. */
  readonly name: string;
  readonly size: string;
  /** `swap` or the filesystem. */
  readonly type: string;
  /** `/` for the root, "" for swap. */
  readonly mountpoint: string;
  /** `file:` or `phy:`. */
  readonly imagetype: string;
  readonly image: string;
}

/** What the template is filled with. */
export interface TemplateVars {
  readonly hostname: string;
  readonly created: string;
  readonly kernel?: string;
  readonly initrd?: string;
  readonly pygrub: boolean;
  readonly vcpus: string;
  readonly memory: string;
  readonly maxmem?: string;
  readonly device: string;
  readonly partitions: readonly Partition[];
  readonly dhcp: boolean;
  readonly ip1?: string;
  readonly mac: string;
  readonly vifname?: string;
  readonly bridge?: string;
}

/** xt-create-xen-config's memory value: Gb → MiB, the unit dropped. */
function memoryValue(text: string): string {
  const mb = xenToolsMemoryMb(text);
  return mb === undefined ? text : String(mb);
}

/** The .cfg text. */
export function xmConfigText(v: TemplateVars): string {
  const lines: string[] = [
    "#", `# Configuration file for the Xen instance ${v.hostname}, created`, `# by xen-tools 4.2 on ${v.created}.`, "#", "", "#", "#  Kernel + memory size", "#",
  ];
  if (v.pygrub) lines.push("bootloader  = '/usr/lib/xen-default/bin/pygrub'");
  else {
    if (v.kernel) lines.push(`kernel      = '${v.kernel}'`);
    if (v.initrd) lines.push(`ramdisk     = '${v.initrd}'`);
  }
  lines.push("", `vcpus       = '${v.vcpus}'`, `memory      = '${memoryValue(v.memory)}'`);
  if (v.maxmem) lines.push(`maxmem      = '${memoryValue(v.maxmem)}'`);
  lines.push("", "", "#", "#  Disk device(s).", "#");
  const numbered = v.partitions.map((p, i) => ({ p, dev: `${v.device}${i + 1}` })).reverse();
  const root = numbered.find(({ p }) => p.mountpoint === "/");
  if (root && !v.pygrub) lines.push(`root        = '/dev/${root.dev} ro'`);
  lines.push("disk        = [");
  for (const { p, dev } of [...numbered.filter((n) => n === root), ...numbered.filter((n) => n !== root)]) {
    lines.push(`                  '${p.imagetype}${p.image},${dev},w',`);
  }
  lines.push("              ]", "", "", "#", "#  Hostname", "#", `name        = '${v.hostname}'`, "", "#", "#  Networking", "#");
  const extras = `${v.vifname ? `,vifname=${v.vifname}` : ""}${v.bridge ? `,bridge=${v.bridge}` : ""}`;
  if (v.dhcp) lines.push("dhcp        = 'dhcp'", `vif         = [ 'mac=${v.mac}${extras}' ]`);
  else lines.push(`vif         = [ 'ip=${v.ip1 ?? ""},mac=${v.mac}${extras}' ]`);
  lines.push("", "#", "#  Behaviour", "#", "on_poweroff = 'destroy'", "on_reboot   = 'restart'", "on_crash    = 'restart'", "", "");
  return lines.join("\n");
}
