// What xen-tools 4.2's debian hooks leave inside a new guest (hooks/debian/: 40-setup-networking,
// 50-setup-hostname, 30-disable-gettys with serial_device, 70-install-ssh, 20-setup-fstab...), kept
// as the GuestImage attached to the root disk image: /etc/network/interfaces (DHCP or static on eth0,
// extra addresses as eth0:1, eth0:2 …), /etc/hostname, /etc/hosts, /etc/resolv.conf (dom0's copy, or
// the --nameserver list), /etc/fstab, the packages installed, the root password and the ssh host
// key fingerprint.

import type { GuestImage } from "../guest/guest-image.ts";

/** The facts the hooks use. */
export interface GuestFacts {
  readonly hostname: string;
  readonly dist: string;
  readonly arch: string;
  readonly fs: string;
  readonly dhcp: boolean;
  readonly ips: readonly string[];
  readonly gateway?: string;
  readonly netmask?: string;
  readonly broadcast?: string;
  readonly p2p?: string;
  readonly nameservers: readonly string[];
  readonly dom0Resolv?: string;
  readonly rootDev: string;
  readonly swapDev?: string;
  readonly serialDevice: string;
  readonly roles: readonly string[];
}

const HEAD = [
  "# This file describes the network interfaces available on your system",
  "# and how to activate them. For more information, see interfaces(5).",
  "",
  "# The loopback network interface",
  "auto lo",
  "iface lo inet loopback",
  "",
  "# The primary network interface",
];

/** hooks/debian/40-setup-networking's /etc/network/interfaces. */
export function interfacesFile(f: GuestFacts): string {
  if (f.dhcp) return [...HEAD, "auto eth0", "iface eth0 inet dhcp", ""].join("\n");
  const lines = [...HEAD, "auto eth0", "iface eth0 inet static", ` address ${f.ips[0] ?? ""}`, ` gateway ${f.gateway ?? ""}`, ` netmask ${f.netmask ?? ""}`];
  lines.push(` ${f.broadcast ? `broadcast ${f.broadcast}` : ""}`, ` ${f.p2p ? `pointopoint ${f.p2p}` : ""}`);
  lines.push("        # post-up  ethtool -K eth0 tx off", "", "#", "# The commented out line above will disable TCP checksumming which");
  lines.push("# might resolve problems for some users.  It is disabled by default", "#");
  f.ips.slice(1).forEach((ip, i) => lines.push("", `auto eth0:${i + 1}`, `iface eth0:${i + 1} inet static`, ` address ${ip}`, ` netmask ${f.netmask ?? ""}`));
  return `${lines.join("\n")}\n`;
}

/** The GuestImage for a new guest. */
export function guestImage(f: GuestFacts, password: string | undefined, fingerprint: string): GuestImage {
  const hosts = ["127.0.0.1\tlocalhost", ...(f.dhcp || !f.ips[0] ? [] : [`${f.ips[0]}\t${f.hostname}`]), "", "# The following lines are desirable for IPv6 capable hosts"];
  hosts.push("::1     ip6-localhost ip6-loopback", "fe00::0 ip6-localnet", "ff00::0 ip6-mcastprefix", "ff02::1 ip6-allnodes", "ff02::2 ip6-allrouters", "");
  const resolv = f.nameservers.length > 0 ? f.nameservers.map((n) => `nameserver ${n}\n`).join("") : (f.dom0Resolv ?? "");
  const fstab = [`/dev/${f.rootDev}     /     ${f.fs}     errors=remount-ro  0     1`, "proc        /proc   proc    defaults        0       0"];
  if (f.swapDev) fstab.unshift(`/dev/${f.swapDev}     none  swap    sw                 0     0`);
  return {
    kind: "guest-image",
    hostname: f.hostname,
    dist: f.dist,
    arch: f.arch,
    fs: f.fs,
    ...(password !== undefined ? { rootPassword: password } : {}),
    rsaFingerprint: fingerprint,
    serialDevice: f.serialDevice.replace(/^\/dev\//, ""),
    files: {
      "/etc/network/interfaces": interfacesFile(f),
      "/etc/hostname": `${f.hostname}\n`,
      "/etc/hosts": hosts.join("\n"),
      "/etc/resolv.conf": resolv,
      "/etc/fstab": `${fstab.join("\n")}\n`,
    },
    packages: ["openssh-server", ...(f.roles.includes("udev") || !/^(sarge|etch)$/.test(f.dist) ? ["udev"] : [])],
  };
}
