// The kernel settings a dom0's boot writes, in the order it writes them.
//
// procps (rcS, before `networking`). Squeeze's procps 1:3.2.8 init script does nothing at all
// when /etc/sysctl.conf is not readable; otherwise it runs `sysctl -q -p FILE` for
// /etc/sysctl.conf and then for each /etc/sysctl.d/*.conf in glob order (Squeeze's netbase ships
// /etc/sysctl.d/bindv6only.conf that way; Ubuntu's fork of the same script logs
// "Setting kernel variables (/etc/sysctl.conf)..." then each sysctl.d file). Later releases run
// `sysctl --system`: every *.conf of /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d,
// /usr/lib/sysctl.d and /lib/sysctl.d sorted by file name (a name in an earlier directory hides
// the same name in a later one), then /etc/sysctl.conf (sysctl(8), SYSTEM FILE PRECEDENCE).
// At that point only the network cards, lo, `all` and `default` exist: a key naming a bridge,
// VLAN or bond is "an unknown key" (the interface is made later by ifup), and net.bridge.* exists
// only if the bridge module was loaded from /etc/modules before procps ran.
//
// ifup (`networking`, then hotplug): `echo V > /proc/sys/...`, `sysctl [-w] KEY=V` and
// `sysctl -p [FILE]` in pre-up/up/post-up hooks, in the order ifup runs them.

import { diagnostic, type Diagnostic } from "../diagnostic.ts";
import type { Hardware } from "../host-config.ts";
import { programOf, type HookCommand, type HookWord } from "./hook-commands.ts";
import { keyOfPath, kernelInt, kernelSettings, knownKey, parseSysctlConf, procPath, type SysctlLine } from "./sysctl.ts";
import type { SysctlAssignment, SysctlConfig } from "./types.ts";

/** Where procps reads its main file. */
export const SYSCTL_CONF = "/etc/sysctl.conf";
const SYSTEM_DIRS = ["/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d"];

/** What readSysctl needs from the host. */
export interface SysctlHost {
  readFile(path: string): string | undefined;
  listDir(path: string): readonly string[] | undefined;
  /** procps 3.2.x (Debian up to Squeeze) rather than procps-ng's `sysctl --system`. */
  readonly legacy: boolean;
  readonly hardware: Hardware;
  /** Modules /etc/modules loads before procps runs. */
  readonly modules: readonly string[];
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function confFiles(host: SysctlHost, dir: string): string[] {
  return (host.listDir(dir) ?? []).filter((n) => n.endsWith(".conf") && !n.startsWith(".") && host.readFile(`${dir}/${n}`) !== undefined).sort(byteOrder);
}

/** The files procps applies at boot, in order (see the file header). */
export function bootSysctlFiles(host: SysctlHost): string[] {
  if (host.legacy) {
    if (host.readFile(SYSCTL_CONF) === undefined) return [];
    return [SYSCTL_CONF, ...confFiles(host, "/etc/sysctl.d").map((n) => `/etc/sysctl.d/${n}`)];
  }
  const chosen = new Map<string, string>();
  for (const dir of SYSTEM_DIRS) for (const n of confFiles(host, dir)) if (!chosen.has(n)) chosen.set(n, `${dir}/${n}`);
  const files = [...chosen.keys()].sort(byteOrder).map((n) => chosen.get(n) ?? n);
  return host.readFile(SYSCTL_CONF) === undefined ? files : [...files, SYSCTL_CONF];
}

const PHYSICAL = /^(eth|en|em|wlan|wl|p[0-9])/;

/** Whether a device a procps-time key names exists before `networking` runs. */
function existsBeforeNetworking(host: SysctlHost, dev: string): boolean {
  if (dev === "all" || dev === "default" || dev === "lo") return true;
  if (host.hardware.source === "default") return PHYSICAL.test(dev) && !dev.includes(".") && !dev.includes(":");
  return host.hardware.nics.some((n) => n.name === dev);
}

/** Findings about a key procps sets: what the kernel will not have, or refuse. */
function judgeProcps(host: SysctlHost, line: SysctlLine, out: Diagnostic[]): boolean {
  const parts = line.path.slice("/proc/sys/".length).split("/");
  if (line.ignoreErrors) return true;
  if (parts[0] === "net" && parts[1] === "bridge" && !host.modules.includes("bridge")) {
    out.push(diagnostic("sysctl/unknown-key", "warning", `error: "${line.key}" is an unknown key: /proc/sys/net/bridge exists only once the bridge module is loaded, and at this point of the boot nothing has loaded it, so the setting is lost`, line.span, "add `bridge` to /etc/modules, or set it from the bridge's `post-up` line"));
    return false;
  }
  const dev = parts[0] === "net" && parts[1] === "ipv4" && (parts[2] === "conf" || parts[2] === "neigh") ? parts[3] : undefined;
  if (dev !== undefined && !existsBeforeNetworking(host, dev)) {
    out.push(diagnostic("sysctl/unknown-key", "warning", `error: "${line.key}" is an unknown key: procps runs before \`networking\`, when ${dev} does not exist yet, so the setting is lost`, line.span, `set it once ${dev} exists: \`post-up echo ${line.value} > ${line.path}\` in ${dev}'s stanza`));
    return false;
  }
  if (!knownKey(line.path)) {
    out.push(diagnostic("sysctl/unknown-key", "warning", `error: "${line.key}" is an unknown key: Linux 2.6.32 has no ${line.path}, so nothing is set`, line.span, "check the spelling against `sysctl -a`"));
    return false;
  }
  return true;
}

/** The keys whose value the kernel reads as one integer (proc_dointvec). */
const INT_KEY = /^\/proc\/sys\/net\/(ipv4\/ip_forward|ipv4\/(conf|neigh)\/[^/]+\/[^/]+|bridge\/[^/]+)$/;

function invalid(a: SysctlAssignment, out: Diagnostic[]): void {
  if (!INT_KEY.test(a.path) || !knownKey(a.path) || kernelInt(a.value) !== undefined) return;
  out.push(diagnostic("sysctl/invalid-value", "warning", `error: "Invalid argument" setting key "${a.key}": the kernel wants a number, not "${a.value}", and keeps the old value`, a.valueSpan, "write 0 or 1"));
}

/** The writes of the procps files, with their findings. */
function procpsWrites(host: SysctlHost, files: readonly string[], out: Diagnostic[]): SysctlAssignment[] {
  const writes: SysctlAssignment[] = [];
  for (const file of files) {
    const parsed = parseSysctlConf(file, host.readFile(file) ?? "", !host.legacy);
    out.push(...parsed.diagnostics);
    for (const line of parsed.value) {
      const a: SysctlAssignment = { key: line.key, path: line.path, value: line.value, span: line.span, valueSpan: line.valueSpan, stage: "procps" };
      if (!judgeProcps(host, line, out)) continue;
      invalid(a, out);
      writes.push(a);
    }
  }
  return writes;
}

/** `sysctl` in a hook: `-w K=V`, `K=V`, `-p [FILE]`. */
function sysctlCommand(host: SysctlHost, c: HookCommand, out: Diagnostic[]): SysctlAssignment[] {
  const writes: SysctlAssignment[] = [];
  const args = c.words.slice(1);
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as HookWord;
    if (w.text === "-p" || w.text === "-P") {
      const file = args[i + 1]?.text ?? SYSCTL_CONF;
      const parsed = parseSysctlConf(file, host.readFile(file) ?? "", !host.legacy);
      out.push(...parsed.diagnostics);
      return parsed.value.map((l) => ({ key: l.key, path: l.path, value: l.value, span: l.span, valueSpan: l.valueSpan, stage: "ifup", hook: c.hook }));
    }
    const eq = w.text.indexOf("=");
    if (w.text.startsWith("-") || eq <= 0) continue;
    const { path, key } = procPath(w.text.slice(0, eq));
    const valueSpan = { ...w.span, column: w.span.column + eq + 1 };
    writes.push({ key, path, value: w.text.slice(eq + 1), span: w.span, valueSpan, stage: "ifup", hook: c.hook });
  }
  return writes;
}

/** `echo V > /proc/sys/...` in a hook. */
function echoCommand(c: HookCommand, out: Diagnostic[]): SysctlAssignment[] {
  const target = c.redirect;
  if (target === undefined || !target.text.startsWith("/proc/sys/")) return [];
  const args = c.words.slice(1).filter((w, i) => !(i === 0 && /^-[neE]+$/.test(w.text)));
  const key = keyOfPath(target.text);
  if (args.length === 0) {
    const message = `\`echo\` writes only a newline to ${target.text}: sh read the digit before \`>\` as the file descriptor to redirect (\`1>\`), so the kernel refuses the empty value (Invalid argument) and ${key} is not set`;
    out.push(diagnostic("sysctl/empty-echo", "warning", message, c.words[0]?.span ?? c.span, "put a space between the value and `>`: `echo 1 > FILE`"));
    return [];
  }
  const first = args[0] as HookWord;
  return [{ key, path: target.text, value: args.map((w) => w.text).join(" "), span: first.span, valueSpan: first.span, stage: "ifup", hook: c.hook }];
}

/** Every boot-time write to /proc/sys and the settings they leave. */
export function readSysctl(host: SysctlHost, hooks: readonly HookCommand[]): { config: SysctlConfig; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const files = bootSysctlFiles(host);
  if (host.legacy && files.length === 0) {
    const dropped = confFiles(host, "/etc/sysctl.d");
    if (dropped.length > 0) {
      const span = { file: `/etc/sysctl.d/${dropped[0]}`, line: 1, column: 1 };
      diagnostics.push(diagnostic("sysctl/no-sysctl-conf", "warning", `there is no /etc/sysctl.conf, and Squeeze's procps init script then exits before reading /etc/sysctl.d: ${dropped.join(", ")} ${dropped.length === 1 ? "is" : "are"} never applied`, span, "create /etc/sysctl.conf (it may be empty)"));
    }
  }
  const assignments = procpsWrites(host, files, diagnostics);
  for (const c of hooks) {
    const program = programOf(c);
    const writes = program === "sysctl" ? sysctlCommand(host, c, diagnostics) : program === "echo" ? echoCommand(c, diagnostics) : [];
    for (const w of writes) invalid(w, diagnostics);
    assignments.push(...writes);
  }
  const seen = new Set<string>();
  const unique = diagnostics.filter((d) => {
    const id = `${d.code} ${d.span.file}:${d.span.line}:${d.span.column}`;
    return !seen.has(id) && seen.add(id) !== undefined;
  });
  return { config: { files, assignments, settings: kernelSettings(assignments) }, diagnostics: unique };
}
