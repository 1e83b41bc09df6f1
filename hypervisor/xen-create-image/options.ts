// xen-create-image 4.2's command line: the GetOptions spec (parseCommandLineArguments) and the value
// checks of checkOption, whose failures die with `ERROR: '<option>' argument <reason>` (Getopt::Long
// prints the message as a warning and GetOptions fails). Options with no type listed are stored
// unchecked. Where each option lands: the configuration hash, or the storage choice (--dir, --lvm,
// --evms, --image-dev, --swap-dev), which is applied after parsing so it overrides the config file.

import type { SimFs } from "../sim-fs.ts";
import { optionSpec, type OptionSpec } from "./getopt-long.ts";

/** Where a parsed option is stored. */
export type OptionTarget = "check" | "config" | "install" | "help";

const SPEC: readonly (readonly [string, OptionTarget])[] = [
  ["dist=s", "check"], ["size=s", "check"], ["swap=s", "check"], ["noswap", "check"], ["image=s", "check"], ["memory=s", "check"], ["vcpus=i", "check"],
  ["dir=s", "install"], ["evms=s", "install"], ["kernel=s", "check"], ["initrd=s", "check"], ["mirror=s", "check"], ["modules=s", "check"], ["lvm=s", "install"],
  ["image-dev=s", "install"], ["swap-dev=s", "install"], ["serial_device=s", "check"], ["disk_device=s", "check"],
  ["nohosts", "config"], ["copyhosts", "config"], ["no-hosts", "config"], ["copy-hosts", "config"],
  ["dhcp", "config"], ["bridge=s", "check"], ["gateway=s", "check"], ["hostname=s", "check"], ["ip=s@", "check"], ["mac=s", "check"], ["netmask=s", "check"],
  ["broadcast=s", "check"], ["nameserver=s", "check"], ["vifname=s", "check"], ["p2p=s", "check"],
  ["install-method=s", "config"], ["install-source=s", "config"], ["debootstrap-cmd=s", "config"],
  ["accounts", "config"], ["admins=s", "check"], ["arch=s", "check"], ["fs=s", "check"], ["boot", "config"], ["cache=s", "check"], ["cachedir=s", "check"],
  ["config=s", "check"], ["ide", "config"], ["scsi", "config"], ["install=i", "check"], ["hooks=i", "check"], ["pygrub", "config"], ["passwd", "config"],
  ["genpass=i", "check"], ["genpass-len=i", "check"], ["genpass_len=i", "check"], ["password=s", "check"], ["hash_method=s", "check"], ["partitions=s", "check"],
  ["role=s", "check"], ["role-args=s", "check"], ["roledir=s", "check"], ["force", "config"], ["keep", "config"], ["template=s", "check"], ["output=s", "check"],
  ["extension=s", "check"], ["debug", "config"], ["help", "help"], ["manual", "help"], ["verbose", "config"], ["version", "help"],
];

/** The GetOptions spec. */
export const OPTION_SPECS: readonly OptionSpec[] = SPEC.map(([s]) => optionSpec(s));

/** Where option `name` is stored. */
export function targetOf(name: string): OptionTarget {
  return SPEC.find(([s]) => optionSpec(s).name === name)?.[1] ?? "config";
}

/** The config key an option sets (the deprecated spellings map to the current ones). */
export function configKey(name: string): string {
  return ({ "no-hosts": "nohosts", "copy-hosts": "copyhosts" } as Record<string, string>)[name] ?? name;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$/;

type Check = { readonly ok: (value: string, fs: SimFs) => boolean; readonly message: string };
const re = (r: RegExp, message: string): Check => ({ ok: (v) => r.test(v), message });

const TYPES: Readonly<Record<string, Check>> = {
  integerWithSuffix: re(/^[0-9.]+[GgMmKk]b?$/, "takes a suffixed integer."),
  distribution: { ok: (v, fs) => fs.isDir(`/usr/lib/xen-tools/${v}.d`), message: "takes a distribution name (see /usr/lib/xen-tools for valid values)." },
  imageType: re(/^sparse|full$/, "must be 'sparse' or 'full'."),
  existingFile: { ok: (v, fs) => fs.exists(v), message: "must be an existing file." },
  existingDir: { ok: (v, fs) => fs.isDir(v), message: "must be an existing directory." },
  serialDev: re(/^(?:\/dev\/)?(?:tty|[xh]vc)[0-9]+$/, "must be a serial device (tty*, hvc* or xvc*)."),
  diskDev: re(/^(?:\/dev\/)?(?:xvd|sd)[a-z][0-9]+$/, "must be a disk device (xvd*, sd*)."),
  ipv4: re(IPV4, "must be valid IPv4."),
  ipv4_or_auto: { ok: (v) => v === "auto" || IPV4.test(v), message: "must be valid IPv4 or the keyword 'auto'." },
  hostname: re(/^[a-z0-9][a-z0-9.-]{0,254}$/i, "must be a valid hostname."),
  supportedFs: re(/^(ext[234]|xfs|reiserfs|btrfs)$/, "must be a supported filesystem (ext2, ext3, ext4, xfs, reiserfs or btrfs)."),
  yesNo: re(/^yes|no$/i, "must be 'yes' or 'no'."),
  zeroOne: re(/^0|1$/i, "must be '0' or '1'."),
  configFile: { ok: (v, fs) => fs.exists(v) || fs.exists(`/etc/xen-tools/${v}`), message: "must be an existing file." },
  filename: re(/^[a-z0-9_.-]*$/, "must be a valid filename."),
  mac: re(/^(?:[0-9a-f]{2}:){5}[0-9a-f]{2}$/i, "must be a valid ethernet mac address."),
  hashMethod: re(/^md5|sha256|sha512$/i, "must be md5, sha256 or sha512."),
};

const OPTION_TYPES: Readonly<Record<string, string>> = {
  size: "integerWithSuffix", dist: "distribution", swap: "integerWithSuffix", image: "imageType", memory: "integerWithSuffix", kernel: "existingFile",
  initrd: "existingFile", modules: "existingDir", serial_device: "serialDev", disk_device: "diskDev", gateway: "ipv4", netmask: "ipv4", broadcast: "ipv4",
  hostname: "hostname", nameserver: "ipv4", pointopoint: "ipv4", fs: "supportedFs", cache: "yesNo", cachedir: "existingDir", config: "configFile",
  install: "zeroOne", hooks: "zeroOne", roledir: "existingDir", template: "configFile", output: "existingDir", extension: "filename", mac: "mac",
  ip: "ipv4_or_auto", hash_method: "hashMethod",
};

/** checkOption: undefined when `value` is acceptable for `option`, else the message it dies with. */
export function checkOption(option: string, value: string, fs: SimFs): string | undefined {
  const type = OPTION_TYPES[option];
  const check = type === undefined ? undefined : TYPES[type];
  if (!check || check.ok(value, fs)) return undefined;
  return `ERROR: '${option}' argument ${check.message}\n`;
}
