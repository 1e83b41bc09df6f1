// The guests a host knows: every `/etc/xen/*.cfg` (what `xm create NAME.cfg` finds, and where
// xen-create-image writes) and every entry of the XENDOMAINS_AUTO directory (default /etc/xen/auto,
// usually symlinks to those files), which xendomains starts at boot in glob order (domains.md §5).
// An auto entry is matched to the /etc/xen file of the same name or the same text; one that matches
// none is a domain of its own. Each file is read by the non-executing .cfg reader.

import type { Span } from "../diagnostic.ts";
import type { HostDisk, HostDomain, HostVif, Spanned } from "../host-config.ts";
import { spanOf, type Located } from "../source-text.ts";
import { parseDomainConfig, type DiskSpec, type DomainConfig, type Toolstack, type VifSpec } from "../xen-cfg/index.ts";
import { listHostDir, readHostFile, type HostFiles } from "./files.ts";

/** Where xm looks for domain configs. */
export const XEN_DIR = "/etc/xen";

/** Reads the domain configs of /etc/xen and of the auto directory. */
export function readDomains(host: HostFiles, autoDir: string, toolstack: Toolstack | undefined): HostDomain[] {
  const parse = (path: string, text: string): { text: string; config: DomainConfig } => {
    const parsed = parseDomainConfig(text, path, toolstack === undefined ? {} : { toolstack });
    host.diagnostics.push(...parsed.diagnostics);
    return { text, config: parsed.value };
  };
  const configs = listHostDir(host, XEN_DIR).filter((n) => n.endsWith(".cfg")).map((n) => `${XEN_DIR}/${n}`);
  const files: { path: string; text: string; config: DomainConfig; autostart?: string }[] = [];
  for (const path of configs) {
    const text = readHostFile(host, path, "xm cannot create this domain");
    if (text !== undefined) files.push({ path, ...parse(path, text) });
  }
  const auto = autoDir.replace(/\/+$/, "") || "/";
  for (const name of listHostDir(host, auto)) {
    const path = `${auto}/${name}`;
    const text = readHostFile(host, path, "xendomains cannot start it at boot");
    if (text === undefined) continue;
    const same = files.find((f) => f.autostart === undefined && (f.path === `${XEN_DIR}/${name}` || f.text === text));
    if (same !== undefined) {
      same.autostart = path;
      continue;
    }
    const r = parse(path, text);
    files.push({ path, ...r, autostart: path });
  }
  return files.map((f) => hostDomain(f.config, f.autostart));
}

function at<T>(l: Located<T> | undefined): Spanned<T> | undefined {
  return l === undefined ? undefined : { value: l.value, span: spanOf(l.range) };
}

/** Copies the fields that are set, leaving absent ones out (plain data, simple goldens). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function hostDomain(c: DomainConfig, autostart: string | undefined): HostDomain {
  const name = at(c.name);
  const span: Span = name?.span ?? { file: c.file, line: 1, column: 1 };
  const vifAssignment = [...c.assignments].reverse().find((a) => a.key === "vif");
  const hvm = c.builder?.value === "hvm" || c.type?.value === "hvm";
  return defined({
    file: c.file, span, name, memory: at(c.memory), maxmem: at(c.maxmem), vcpus: at(c.vcpus), kernel: at(c.kernel),
    ramdisk: at(c.ramdisk), bootloader: at(c.bootloader), hvm, autostart,
    vifLine: vifAssignment === undefined ? undefined : spanOf(vifAssignment.keyRange),
    onPoweroff: at(c.onPoweroff), onReboot: at(c.onReboot), onCrash: at(c.onCrash),
    vifs: c.vifs.map(hostVif), disks: c.disks.map(hostDisk),
  });
}

function hostVif(v: VifSpec): HostVif {
  const rate = v.options.find((o) => o.key === "rate");
  return defined({
    index: v.index, text: v.text, span: spanOf(v.range), mac: at(v.mac), ip: at(v.ip), bridge: at(v.bridge), script: at(v.script),
    vifname: at(v.vifname), type: at(v.type), model: at(v.model),
    rate: rate === undefined ? undefined : { value: rate.value, span: spanOf(rate.valueRange) },
  });
}

function hostDisk(d: DiskSpec): HostDisk {
  return defined({
    index: d.index, text: d.text, span: spanOf(d.range), target: d.target?.value, attach: d.attach, vdev: d.vdev?.value,
    devtype: d.devtype, readOnly: d.readOnly,
  });
}
