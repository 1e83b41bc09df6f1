// Checks of the guests as a whole (domains.md §1, §5, §7): a guest with no network card, two
// configs with the same domain name (xm refuses the second while the first runs: "Domain 'NAME'
// already exists"), and one block device or image written by two guests (mode `w` refuses write
// sharing; only `w!` forces it, at the price of a corrupted filesystem).

import type { Diagnostic } from "../diagnostic.ts";
import type { HostDisk, HostDomain } from "../host-config.ts";
import { domainName, finding, where, type HostCheck } from "./facts.ts";

/** domain/no-vif: a guest config without any vif. */
export const noVif: HostCheck = (c) =>
  c.domains.filter((d) => d.vifs.length === 0).map((d) => {
    const why = d.vifLine === undefined ? "has no `vif =` line" : "has an empty vif list";
    const message = `${domainName(d)} ${why}: the guest gets no network card at all`;
    return finding("domain/no-vif", "info", message, d.vifLine ?? d.span, "add vif = [ 'bridge=xenbr0' ] (or the host's bridge)");
  });

/** domain/duplicate-name: two configs creating the same domain name. */
export const duplicateName: HostCheck = (c) => {
  const out: Diagnostic[] = [];
  const first = new Map<string, HostDomain>();
  for (const d of c.domains) {
    if (d.name === undefined) continue;
    const earlier = first.get(d.name.value);
    if (earlier === undefined) {
      first.set(d.name.value, d);
      continue;
    }
    const both = earlier.autostart !== undefined && d.autostart !== undefined;
    const effect = both ? "both are started at boot and the second fails" : "the second cannot be created while the first runs";
    const message = `${d.file} names its domain ${d.name.value}, like ${earlier.file} (${where(earlier.span, d.name.span)}): xm refuses a name already in use ("Domain '${d.name.value}' already exists"), so ${effect}`;
    out.push(finding("domain/duplicate-name", both ? "error" : "warning", message, d.name.span, "give each guest its own name"));
  }
  return out;
};

/** domain/shared-disk: the same device or image writable in two guests. */
export const sharedDisk: HostCheck = (c) => {
  const out: Diagnostic[] = [];
  const first = new Map<string, { d: HostDomain; disk: HostDisk }>();
  for (const d of c.domains) {
    for (const disk of d.disks) {
      if (disk.readOnly || disk.devtype === "cdrom" || disk.target === undefined || disk.target === "") continue;
      const earlier = first.get(disk.target);
      if (earlier === undefined) {
        first.set(disk.target, { d, disk });
        continue;
      }
      if (earlier.d === d) continue;
      const message = `${disk.target} is writable in ${domainName(d)} and in ${domainName(earlier.d)} (${where(earlier.disk.span, disk.span)}): mode w refuses write sharing, so the two cannot run together (w! would force it and corrupt the filesystem)`;
      out.push(finding("domain/shared-disk", "warning", message, disk.span, "give each guest its own volume, or attach it read-only (r) to one"));
    }
  }
  return out;
};
