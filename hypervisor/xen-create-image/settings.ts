// xen-create-image 4.2's configuration hash before the checks: the built-in defaults
// (setupDefaultOptions), then /etc/xen-tools/xen-tools.conf read as readConfigurationFile reads it
// (topology's reader), with its backquoted commands run in the simulated dom0 —
// `xt-guess-suite-and-mirror --suite|--mirror` from the first usable `deb` line of
// /etc/apt/sources.list (else squeeze and http://cdn.debian.net/debian/), `uname -r|-m|-n` from the
// host; any other command prints nothing (domains.md §8.1-8.2).

import { readXenToolsConf } from "../../topology/xen-tools/index.ts";
import type { HostSpec } from "../domains/host-spec.ts";
import type { SimFs } from "../sim-fs.ts";

/** The configuration hash (%CONFIG): values are strings; `ip` may hold several addresses. */
export interface XtConfig {
  readonly values: Map<string, string>;
  ips: string[];
}

/** setupDefaultOptions(). */
export function defaultConfig(): XtConfig {
  const values = new Map<string, string>([
    ["dir", ""], ["kernel", ""], ["modules", ""], ["initrd", ""], ["serial_device", "hvc0"], ["disk_device", "xvda"],
    ["memory", "96Mb"], ["size", "2000Mb"], ["swap", "128M"], ["cache", "yes"], ["cachedir", "/var/cache/apt/archives/"], ["image", "sparse"], ["vcpus", "1"],
    ["dist", "stable"], ["mirror", ""], ["arch", ""], ["fs", "ext3"], ["force", "0"], ["install", "1"], ["hooks", "1"], ["partitions", ""], ["template", ""],
    ["roledir", "/etc/xen-tools/role.d"], ["partitionsdir", "/etc/xen-tools/partitions.d"], ["ipfile", "/etc/xen-tools/ips.txt"], ["output", "/etc/xen"],
    ["extension", ".cfg"], ["install-method", "debootstrap"], ["debootstrap-cmd", ""], ["genpass", "1"], ["genpass_len", "8"], ["password", ""],
    ["hash_method", "sha256"], ["nameserver", ""],
  ]);
  for (const d of ["sarge", "etch"]) values.set(`mirror_${d}`, "http://archive.debian.org/debian");
  for (const d of ["dapper", "hardy", "jaunty", "karmic", "lucid", "maverick", "natty"]) values.set(`mirror_${d}`, "http://archive.ubuntu.com/ubuntu");
  for (const d of ["edgy", "feisty", "gutsy", "intrepid"]) values.set(`mirror_${d}`, "http://old-releases.ubuntu.com/ubuntu");
  return { values, ips: [] };
}

/** readConfigurationFile(path): stores every `key = value`; false when the file does not exist. */
export function readConfigurationFile(cfg: XtConfig, fs: SimFs, path: string, host: HostSpec): boolean {
  const text = fs.readFile(path);
  if (text === undefined) return false;
  for (const e of readXenToolsConf(text, path).value.entries) {
    const value = e.command ? `${e.command.pre}${runCommand(e.command.command, fs, host)}${e.command.post}` : e.value;
    if (e.key === "ip") cfg.ips = value === "" ? [] : [value];
    cfg.values.set(e.key, value);
  }
  return true;
}

/** The output of a backquoted command (chomped). */
function runCommand(command: string, fs: SimFs, host: HostSpec): string {
  const words = command.trim().split(/\s+/);
  const name = words[0]?.replace(/^.*\//, "");
  if (name === "uname") {
    if (words.includes("-r")) return host.kernelRelease;
    if (words.includes("-m")) return "x86_64";
    if (words.includes("-n")) return host.hostname;
    return "Linux";
  }
  if (name === "xt-guess-suite-and-mirror") {
    const guess = guessSuiteAndMirror(fs);
    return words.includes("--mirror") ? guess.mirror : guess.suite;
  }
  return "";
}

/** xt-guess-suite-and-mirror: suite and mirror of the first plain `deb` line of the apt sources. */
export function guessSuiteAndMirror(fs: SimFs): { suite: string; mirror: string } {
  const files = ["/etc/apt/sources.list", ...(fs.listDir("/etc/apt/sources.list.d") ?? []).filter((f) => f.endsWith(".list")).map((f) => `/etc/apt/sources.list.d/${f}`)];
  for (const file of files) {
    for (const line of (fs.readFile(file) ?? "").split("\n")) {
      const m = /^\s*deb\s+((?:https?|ftp):\/\/\S+)\s+(\S+)/.exec(line);
      if (m && !/[/-]/.test(m[2]!) && !/security/.test(m[1]!)) return { suite: m[2]!, mirror: m[1]! };
    }
  }
  return { suite: "squeeze", mirror: "http://cdn.debian.net/debian/" };
}

/** A config value, or undefined when unset or empty (Perl's `defined && length`). */
export function cfgValue(cfg: XtConfig, key: string): string | undefined {
  const v = cfg.values.get(key);
  return v === undefined || v === "" ? undefined : v;
}

/** Perl truth of a config value ("" and "0" are false). */
export function cfgTrue(cfg: XtConfig, key: string): boolean {
  const v = cfg.values.get(key);
  return v !== undefined && v !== "" && v !== "0";
}
