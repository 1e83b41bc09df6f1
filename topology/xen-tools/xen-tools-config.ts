// The typed view of xen-tools.conf (domains.md §8, xen-tools 4.2): sizes, storage (dir/lvm/evms),
// install method, networking defaults, mirror, filesystem, kernel/initrd, passwords, devices. Values
// keep their raw text; sizes also get MiB by the rules xen-tools applies to them:
//   disk `size`/`swap` (xen-create-image createLoopbackImages): /^([0-9.]+)Gb*$/i → ×1024 MiB, then
//     /Mb*$/i → dd bs=<N>k count=1024, i.e. N MiB; anything else goes to dd/lvcreate unchanged;
//   `memory`/`maxmem` (xt-create-xen-config): /^(\d+)Gb?.*$/i → ×1024, /^(\d+)Mb?.*$/i → N, plain
//     digits stay MiB; anything else is written into the .cfg as is.
// Flags follow Perl truth (only "" and "0" are false). Values checked by xen-create-image's own
// option types (IPv4, MAC, fs, image, install method...) are checked here with the same rules.

import { Validator } from "ip-num";
import type { Parsed } from "../diagnostic.ts";
import { emit, type Sink } from "../xen-cfg/sink.ts";
import { lineIndex, type Located } from "../source-text.ts";
import { readXenToolsConf, type XtCommand, type XtEntry } from "./conf-reader.ts";

/** A size as written, and its MiB when xen-tools' unit rules give one. */
export interface XtSize {
  readonly text: string;
  readonly mb?: number;
}

const STRING_KEYS = [
  "dist", "dir", "lvm", "evms", "zpool", "image-dev", "swap-dev", "install-method", "install-source", "ip", "gateway", "netmask",
  "broadcast", "bridge", "mirror", "fs", "image", "kernel", "initrd", "modules", "arch", "serial_device", "disk_device", "mac",
  "vifname", "hash_method", "role", "role-args", "roledir", "output", "extension", "template", "partitions", "p2p", "password",
  "cache", "cachedir", "type",
] as const;
const BOOL_KEYS = ["noswap", "dhcp", "boot", "passwd", "pygrub", "accounts", "nohosts", "copyhosts", "force", "keep", "ide", "scsi", "randommac", "genpass"] as const;
const INT_KEYS = ["genpass_len", "vcpus"] as const;
const DISK_SIZE_KEYS = ["size", "swap"] as const;
const MEMORY_KEYS = ["memory", "maxmem"] as const;

type Camel<S extends string> = S extends `${infer A}${"-" | "_"}${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
type Fields<K extends readonly string[], T> = { readonly [P in K[number] as Camel<P>]?: Located<T> };

/** xen-tools.conf, typed; absent fields take xen-create-image's defaults. */
export type XenToolsConfig = {
  readonly file: string;
  /** Every setting in file order, repeats included. */
  readonly entries: readonly XtEntry[];
  /** The backquoted commands xen-tools would run, with the key each belongs to. */
  readonly commands: readonly (XtCommand & { readonly key: string })[];
  /** Space-separated resolvers. */
  readonly nameserver?: Located<readonly string[]>;
  /** `<fs>_options` mount options per filesystem (ext3_options, xfs_options...). */
  readonly fsOptions: readonly { readonly fs: string; readonly options: Located<string> }[];
} & Fields<typeof STRING_KEYS, string> & Fields<typeof BOOL_KEYS, boolean> & Fields<typeof INT_KEYS, number> & Fields<typeof DISK_SIZE_KEYS | typeof MEMORY_KEYS, XtSize>;

const camel = (key: string) => key.replace(/[-_](.)/g, (_, c: string) => c.toUpperCase());

/** Reads and types a xen-tools.conf; never throws and runs no command. */
export function parseXenToolsConfig(text: string, file: string): Parsed<XenToolsConfig> {
  const read = readXenToolsConf(text, file);
  const sink: Sink = { index: lineIndex(file, text), toolstack: undefined, diagnostics: [...read.diagnostics] };
  const entries = read.value.entries;
  const last = new Map<string, XtEntry>();
  for (const e of entries) {
    const before = last.get(e.key);
    if (before) emit(sink, "xt-duplicate", "info", `\`${e.key}\` is set again: the value on line ${before.keyRange.line} is replaced`, e.keyRange);
    last.set(e.key, e);
  }
  const config: Record<string, unknown> = { file, entries, commands: [], fsOptions: [] };
  config.commands = entries.flatMap((e) => (e.command ? [{ ...e.command, key: e.key }] : []));
  config.fsOptions = [...last.values()].filter((e) => /^[a-z0-9]+_options$/.test(e.key)).map((e) => ({ fs: e.key.slice(0, -8), options: at(e, e.value) }));
  for (const e of last.values()) typeEntry(config, e, sink);
  checkCombinations(config as XenToolsConfig, sink);
  return { value: config as XenToolsConfig, diagnostics: sink.diagnostics };
}

const at = <T>(e: XtEntry, value: T): Located<T> => ({ value, range: e.valueRange });

function typeEntry(config: Record<string, unknown>, e: XtEntry, sink: Sink): void {
  const field = camel(e.key);
  const k = e.key;
  if ((STRING_KEYS as readonly string[]).includes(k)) {
    config[field] = at(e, e.value);
    if (!e.command) CHECKS[k]?.(e, sink);
  } else if ((BOOL_KEYS as readonly string[]).includes(k)) config[field] = at(e, perlTruth(e, sink));
  else if ((INT_KEYS as readonly string[]).includes(k)) {
    if (/^[0-9]+$/.test(e.value)) config[field] = at(e, Number(e.value));
    else if (!e.command) emit(sink, "xt-bad-value", "warning", `\`${k}\` takes a whole number, not \`${e.value}\``, e.valueRange);
  } else if ((DISK_SIZE_KEYS as readonly string[]).includes(k)) config[field] = at(e, sizeOf(e, xenToolsDiskSizeMb(e.value), sink));
  else if ((MEMORY_KEYS as readonly string[]).includes(k)) config[field] = at(e, sizeOf(e, xenToolsMemoryMb(e.value), sink));
  else if (k === "nameserver") {
    const servers = e.value.split(/\s+/).filter((s) => s !== "");
    if (!e.command) servers.forEach((s) => ipv4(e, s, sink));
    config.nameserver = at(e, servers);
  }
}

/** MiB of a disk `size`/`swap` value by createLoopbackImages' rules (undefined: no G/M suffix). */
export function xenToolsDiskSizeMb(text: string): number | undefined {
  const g = /^([0-9.]+)Gb*$/i.exec(text);
  if (g) return perlNumber(g[1]!) * 1024;
  const m = /^([0-9.]+)Mb*$/i.exec(text);
  return m ? perlNumber(m[1]!) : undefined;
}

/** MiB of a `memory`/`maxmem` value by xt-create-xen-config's rules (undefined: left as text). */
export function xenToolsMemoryMb(text: string): number | undefined {
  const g = /^(\d+)Gb?.*$/i.exec(text);
  if (g) return Number(g[1]) * 1024;
  const m = /^(\d+)(Mb?.*)?$/i.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Perl's numeric value of a string of digits and dots: the leading number ("1.2.3" is 1.2). */
function perlNumber(s: string): number {
  const m = /^[0-9]*\.?[0-9]*/.exec(s)![0];
  return m === "" || m === "." ? 0 : Number(m);
}

function sizeOf(e: XtEntry, mb: number | undefined, sink: Sink): XtSize {
  if (mb !== undefined || e.command) return mb === undefined ? { text: e.value } : { text: e.value, mb };
  const memory = (MEMORY_KEYS as readonly string[]).includes(e.key);
  const message = memory
    ? `\`${e.value}\` is not a whole number with an optional M or G: xen-tools writes memory = '${e.value}' into the .cfg and xm refuses it`
    : `\`${e.value}\` has no G or M suffix: xen-tools hands it unchanged to dd (bs=${e.value} count=1024) or lvcreate -L`;
  emit(sink, "xt-bad-size", "warning", message, e.valueRange, "write e.g. 4G or 512M");
  return { text: e.value };
}

/** Perl truth: only "" and "0" are false; "no" or "false" is a classic surprise. */
function perlTruth(e: XtEntry, sink: Sink): boolean {
  if (/^(no|n|false|off)$/i.test(e.value)) {
    emit(sink, "xt-perl-truth", "warning", `\`${e.key} = ${e.value}\` means yes: xen-tools is Perl, where only 0 and an empty value are false`, e.valueRange, `write ${e.key} = 0`);
  }
  return e.value !== "" && e.value !== "0";
}

function ipv4(e: XtEntry, s: string, sink: Sink): void {
  if (!Validator.isValidIPv4String(s)[0]) emit(sink, "xt-bad-address", "error", `\`${s}\` in ${e.key} is not an IPv4 address (dotted quad)`, e.valueRange);
}

const oneOf = (values: readonly string[], what: string, severity: "error" | "warning" = "error", ci = false) => (e: XtEntry, sink: Sink) => {
  if (!values.includes(ci ? e.value.toLowerCase() : e.value)) emit(sink, "xt-bad-value", severity, `${e.key} = ${e.value}: ${what} (${values.join(", ")})`, e.valueRange);
};
const matches = (re: RegExp, what: string) => (e: XtEntry, sink: Sink) => {
  if (!re.test(e.value)) emit(sink, "xt-bad-value", "warning", `${e.key} = ${e.value}: ${what}`, e.valueRange);
};

/** Per-key checks, with xen-create-image's option types (checkOption) where it has one. */
const CHECKS: Readonly<Record<string, (e: XtEntry, sink: Sink) => void>> = {
  "install-method": oneOf(["copy", "debootstrap", "cdebootstrap", "rinse", "rpmstrap", "tar"], "xen-create-image knows only these methods", "error", true),
  fs: oneOf(["ext2", "ext3", "ext4", "xfs", "reiserfs", "btrfs"], "xen-create-image makes only these filesystems"),
  image: oneOf(["sparse", "full"], "image must be sparse or full"),
  cache: oneOf(["yes", "no"], "cache must be yes or no", "warning"),
  hash_method: oneOf(["md5", "sha256", "sha512"], "not a hash method xen-tools knows", "warning", true),
  gateway: (e, sink) => ipv4(e, e.value, sink),
  netmask: (e, sink) => ipv4(e, e.value, sink),
  broadcast: (e, sink) => ipv4(e, e.value, sink),
  mac: matches(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i, "not a MAC address (xx:xx:xx:xx:xx:xx)"),
  bridge: matches(/^[^/:\s]{1,15}$/, "not a valid Linux interface name (1-15 characters, no `/`, `:` or spaces)"),
  mirror: matches(/^(https?|ftp|file):\/\//, "a mirror is a URL such as http://deb.debian.org/debian"),
  serial_device: matches(/^(?:\/dev\/)?(?:tty|[xh]vc)[0-9]+$/, "not a serial device (ttyN, hvcN or xvcN)"),
  disk_device: matches(/^(?:\/dev\/)?(?:xvd|sd|hd)[a-z]+$/, "not a disk device (xvdX, sdX or hdX)"),
  type: oneOf(["pv", "pvh", "hvm"], "type must be pv, pvh or hvm", "warning"),
};

/** Settings that contradict each other (xen-create-image checkArguments). */
function checkCombinations(c: XenToolsConfig, sink: Sink): void {
  const storage = [c.dir, c.lvm, c.evms, c.zpool, c.imageDev].filter((s) => s !== undefined && s.value !== "");
  if (storage.length > 1) {
    emit(sink, "xt-storage-conflict", "warning", "more than one storage backend (dir, lvm, evms, zpool, image-dev) is set; only one is used, and --dir/--lvm on the command line override them", storage[1]!.range);
  }
  const method = c.installMethod?.value.toLowerCase();
  if ((method === "copy" || method === "tar") && !c.installSource) {
    emit(sink, "xt-bad-value", "error", `install-method = ${method} needs install-source: xen-create-image stops ("Please specify the installation method")`, c.installMethod!.range);
  }
  checkIp(c, sink);
}

/** `ip` must be an address (or `auto`), except that a partial one gives way to `dhcp`. */
function checkIp(c: XenToolsConfig, sink: Sink): void {
  const ip = c.ip;
  if (!ip || ip.value === "" || c.commands.some((x) => x.key === "ip")) return;
  const partial = /^([0-9]+)\.([0-9]+)\.([0-9]+)\.*$/.test(ip.value);
  if (c.dhcp?.value && partial) emit(sink, "xt-dhcp-and-ip", "info", `ip = ${ip.value} is partial, so xen-create-image drops it in favour of DHCP`, ip.range);
  else if (c.dhcp?.value) emit(sink, "xt-dhcp-and-ip", "error", "both dhcp and ip are set: xen-create-image stops (\"Please choose either DHCP or static usage, not both!\")", ip.range);
  else if (ip.value.toLowerCase() !== "auto" && !Validator.isValidIPv4String(ip.value)[0]) {
    emit(sink, "xt-bad-address", "error", `\`${ip.value}\` in ip is not an IPv4 address (dotted quad) or auto`, ip.range);
  }
}
