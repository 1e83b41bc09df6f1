// /etc/xen-tools/xen-tools.conf as the defaults xen-create-image will use (domains.md §8): the
// storage, sizes in MiB, installation, and networking keys, each with its line. Backquoted commands
// are never run; a value that needs one stays out of the typed fields.

import type { Spanned, XenToolsDefaults } from "../host-config.ts";
import { spanOf, type Located } from "../source-text.ts";
import { parseXenToolsConfig, type XtSize } from "../xen-tools/index.ts";
import { readHostFile, type HostFiles } from "./files.ts";

/** Where xen-create-image reads its defaults. */
export const XEN_TOOLS_CONF = "/etc/xen-tools/xen-tools.conf";

function at<T>(l: Located<T> | undefined): Spanned<T> | undefined {
  return l === undefined ? undefined : { value: l.value, span: spanOf(l.range) };
}

function mb(l: Located<XtSize> | undefined): Spanned<number> | undefined {
  return l?.value.mb === undefined ? undefined : { value: l.value.mb, span: spanOf(l.range) };
}

/** Reads xen-tools.conf, or undefined when the host has none. */
export function readXenTools(host: HostFiles): XenToolsDefaults | undefined {
  const text = readHostFile(host, XEN_TOOLS_CONF, "xen-create-image fails to read its defaults");
  if (text === undefined) return undefined;
  const parsed = parseXenToolsConfig(text, XEN_TOOLS_CONF);
  host.diagnostics.push(...parsed.diagnostics);
  const c = parsed.value;
  const fields: Record<string, Spanned<unknown> | undefined> = {
    dist: at(c.dist), installMethod: at(c.installMethod), dir: at(c.dir), lvm: at(c.lvm), sizeMb: mb(c.size), memoryMb: mb(c.memory),
    swapMb: mb(c.swap), fs: at(c.fs), image: at(c.image), dhcp: at(c.dhcp), gateway: at(c.gateway), netmask: at(c.netmask),
    bridge: at(c.bridge), mirror: at(c.mirror), kernel: at(c.kernel), initrd: at(c.initrd),
  };
  const computed = new Set(c.commands.map((x) => x.key.replace(/[-_](.)/g, (_, ch: string) => ch.toUpperCase())));
  const typed = Object.fromEntries(Object.entries(fields).filter(([k, v]) => v !== undefined && !computed.has(k.replace(/Mb$/, ""))));
  return { file: XEN_TOOLS_CONF, ...typed } as XenToolsDefaults;
}
