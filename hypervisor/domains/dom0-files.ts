// Files the Squeeze packages put on dom0 that a user's `--root` (usually just /etc) lacks: the
// running Xen kernel and its initrd in /boot (linux-image-2.6.32-5-xen-amd64), xen-tools' hook
// directories per distribution and its role scripts (xen-tools 4.2), pygrub (xen-utils-4.0), the
// state and log directories xend and xen-tools write to, root's home and /tmp. Each is added to the
// simulated filesystem only when the root does not already have it.

import type { SimFs } from "../sim-fs.ts";

/** Distributions xen-tools 4.2 has a hook directory for (/usr/lib/xen-tools/<dist>.d). */
export const XEN_TOOLS_DISTS = [
  "sarge", "etch", "lenny", "squeeze", "wheezy", "sid", "testing", "stable", "dapper", "edgy", "feisty", "gutsy", "hardy", "intrepid",
  "jaunty", "karmic", "lucid", "maverick", "centos-4", "centos-5", "fedora-core-6", "fedora-core-7", "fedora-core-8",
] as const;

/** xen-tools 4.2's role scripts (/etc/xen-tools/role.d). */
export const XEN_TOOLS_ROLES = ["builder", "cfengine", "editor", "gdm", "minimal", "puppet", "resolv", "sudoers", "tmpfs", "udev", "xdm"] as const;

/** Adds the package-owned files that are missing (see the file header). */
export function installDom0Files(fs: SimFs, kernelRelease: string): void {
  const file = (path: string, text: string, mode = 0o644) => {
    if (fs.exists(path)) return;
    fs.mkdir(path.slice(0, path.lastIndexOf("/")), { parents: true });
    fs.writeFile(path, text, { mode });
  };
  const dir = (path: string, mode = 0o755) => {
    if (!fs.exists(path)) fs.mkdir(path, { parents: true, mode });
  };
  file(`/boot/vmlinuz-${kernelRelease}`, "", 0o644);
  file(`/boot/initrd.img-${kernelRelease}`, "", 0o644);
  for (const dist of XEN_TOOLS_DISTS) dir(`/usr/lib/xen-tools/${dist}.d`);
  for (const role of XEN_TOOLS_ROLES) file(`/etc/xen-tools/role.d/${role}`, "#!/bin/sh\n", 0o755);
  file("/usr/lib/xen-4.0/bin/pygrub", "#!/usr/bin/python\n", 0o755);
  dir("/root", 0o700);
  dir("/tmp", 0o1777);
  dir("/var/lib/xen");
  dir("/var/log/xen");
}
