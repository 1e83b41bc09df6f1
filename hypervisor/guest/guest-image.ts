// What is installed inside a guest's root filesystem, as far as the simulation needs it. A real
// disk.img holds an ext3 filesystem; here the image file in the SimFs carries this record as its
// attachment (see sim-fs.ts). xen-create-image writes it (domains.md §8.5: the guest's own
// /etc/network/interfaces, /etc/hostname, /etc/hosts, /etc/resolv.conf, /etc/fstab, the root
// password, the ssh host key fingerprint); the guest OS model reads it when it boots — its hostname
// for the login banner, its interfaces file for the network start (read by the GuestHooks).

/** A guest root filesystem (see the file header). */
export interface GuestImage {
  readonly kind: "guest-image";
  readonly hostname: string;
  /** Debian suite (`squeeze`). */
  readonly dist: string;
  readonly arch: string;
  /** Root filesystem type (`ext3`). */
  readonly fs: string;
  /** Root password in clear (the simulation checks logins against it), if one was set. */
  readonly rootPassword?: string;
  /** MD5 fingerprint of /etc/ssh/ssh_host_rsa_key.pub, as ssh-keygen -lf prints it. */
  readonly rsaFingerprint?: string;
  /** Where getty runs (xen-tools `serial_device`, default hvc0). */
  readonly serialDevice: string;
  /** Configuration files by absolute path (/etc/network/interfaces, /etc/hostname, ...). */
  readonly files: Readonly<Record<string, string>>;
  /** Packages installed beyond debootstrap's base (openssh-server, udev for --role=udev, ...). */
  readonly packages: readonly string[];
}

/** Narrows an attachment found on a disk image to a GuestImage. */
export function isGuestImage(x: unknown): x is GuestImage {
  return typeof x === "object" && x !== null && (x as { kind?: unknown }).kind === "guest-image";
}
