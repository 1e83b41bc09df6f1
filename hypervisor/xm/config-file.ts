// How `xm create` finds and reads a domain .cfg (xm create.py and opts.py, Xen 4.0.1; domains.md
// §1 and §7). The file is looked for as given, then in `.`, then in /etc/xen; a relative name is
// printed as `./NAME`, one found in /etc/xen as `/etc/xen/NAME`: `Using config file "…".`, or
// `Unable to open config file: NAME`. It is read without being executed (topology's reader), then
// given xm's defaults and turned into the DomainSpec xend builds: the name defaults to the file's
// base name, `VAR=VAL` words on the command line override the file, vifs get xend's random MAC and
// the vif-script of xend-config.sxp, the `ip=` kernel parameter is assembled (preprocess_ip), and
// the errors xm itself raises are reported with its words.

import { posix } from "node:path";
import { parseDomainConfig, type Assignment, type DiskSpec, type VifSpec } from "../../topology/xen-cfg/index.ts";
import type { XendSettings } from "../../topology/sxp/index.ts";
import type { RandomStream } from "../../netsim/engine/index.ts";
import type { SimFs } from "../sim-fs.ts";
import { blkdevNumber, randomUuid, randomXendMac, type DiskDevice, type DomainSpec, type VifDevice } from "../domains/domain-spec.ts";

/** A config file found: the path xm prints and the absolute path it reads. */
export interface FoundConfig {
  readonly shown: string;
  readonly absolute: string;
}

/** create.py's search (`--path` defaults to `.:/etc/xen`). */
export function findConfig(fs: SimFs, cwd: string, name: string, searchPath = ".:/etc/xen"): FoundConfig | undefined {
  for (const dir of ["", ...searchPath.split(":")]) {
    let shown = dir === "" ? name : posix.join(dir, name);
    if (name.startsWith("/")) shown = name;
    if (!shown.startsWith("/")) shown = `./${posix.normalize(shown)}`.replace(/^\.\/\.\//, "./");
    const absolute = posix.resolve(cwd, shown);
    if (fs.stat(absolute)?.kind === "file") return { shown, absolute };
  }
  return undefined;
}

/** The outcome of reading a config: a spec, or the message xm prints after `Error: `. */
export type ReadConfig = { readonly ok: true; readonly spec: DomainSpec } | { readonly ok: false; readonly message: string };

/** What the conversion needs besides the file. */
export interface ConfigContext {
  readonly cwd: string;
  readonly xend: XendSettings;
  readonly rng: RandomStream;
}

/** Reads `text` (the file at `found`) with `vars` (`VAR=VAL` words) as xm would. */
export function readConfig(text: string, found: FoundConfig, vars: readonly string[], ctx: ConfigContext): ReadConfig {
  const overrides = vars.map((v) => overrideLine(v)).join("");
  const parsed = parseDomainConfig(`${text}\n${overrides}`, found.shown, { toolstack: "xm" });
  const fatal = parsed.diagnostics.find((d) => d.severity === "error" && d.code !== "cfg-missing-name");
  if (fatal) return { ok: false, message: xmMessage(fatal.code, fatal.span.line, text, found.shown, parsed.value.assignments) };
  const c = parsed.value;
  const raw = rawStrings(c.assignments);
  const memoryMiB = c.memory?.value ?? 128;
  const name = c.name?.value ?? posix.basename(found.shown);
  const spec: DomainSpec = {
    name,
    uuid: raw.get("uuid") ?? randomUuid(ctx.rng),
    memoryMiB,
    maxmemMiB: c.maxmem?.value ?? memoryMiB,
    vcpus: c.vcpus?.value ?? 1,
    ...(c.kernel ? { kernel: posix.resolve(ctx.cwd, c.kernel.value) } : {}),
    ...(c.ramdisk && c.ramdisk.value !== "" ? { ramdisk: posix.resolve(ctx.cwd, c.ramdisk.value) } : {}),
    ...(c.bootloader ? { bootloader: c.bootloader.value === "pygrub" ? "/usr/lib/xen-4.0/bin/pygrub" : c.bootloader.value } : {}),
    ...(c.root && c.root.value !== "" ? { root: c.root.value.replace(/^root=/, "") } : {}),
    ...ipParameter(c.ip?.value ?? "", raw, c.dhcp?.value ?? "off", c.gateway?.value ?? "", c.netmask?.value ?? "", c.hostname?.value ?? ""),
    extra: c.extra?.value ?? "",
    onPoweroff: c.onPoweroff?.value ?? "destroy",
    onReboot: c.onReboot?.value ?? "restart",
    onCrash: c.onCrash?.value ?? "restart",
    vifs: c.vifs.map((v) => vifDevice(v, ctx)),
    disks: [],
    configFile: found.absolute,
  };
  const disks: DiskDevice[] = [];
  for (const d of c.disks) {
    const disk = diskDevice(d, ctx);
    if (!disk) return { ok: false, message: `Invalid disk specifier: ${d.text}` };
    disks.push(disk);
  }
  return { ok: true, spec: { ...spec, disks } };
}

/** A `VAR=VAL` word as an assignment that wins over the file's (xm's specified options do). */
function overrideLine(word: string): string {
  const eq = word.indexOf("=");
  const key = word.slice(0, eq).trim();
  const value = word.slice(eq + 1).trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return "";
  if (key === "vif" || key === "disk") return `${key} = [ ${JSON.stringify(value)} ]\n`;
  return /^[0-9]+$/.test(value) ? `${key} = ${value}\n` : `${key} = ${JSON.stringify(value)}\n`;
}

/** String values of every assignment (for keys DomainConfig does not type: uuid, interface, nfs_server). */
function rawStrings(assignments: readonly Assignment[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of assignments) if (a.value.kind === "str") out.set(a.key, a.value.value);
  return out;
}

/** preprocess_ip: `ip:nfs_server:gateway:netmask:hostname:interface:dhcp` when ip or dhcp is set. */
function ipParameter(ip: string, raw: Map<string, string>, dhcp: string, gateway: string, netmask: string, hostname: string): { ip?: string } {
  if (ip === "" && dhcp === "off") return {};
  const nfs = raw.get("nfs_server") || "127.0.255.255";
  return { ip: [ip, nfs, gateway, netmask, hostname, raw.get("interface") ?? "eth0", dhcp].join(":") };
}

function vifDevice(v: VifSpec, ctx: ConfigContext): VifDevice {
  const script = v.script?.value ?? ctx.xend.vifScript.script;
  const text = (key: string) => v.options.find((o) => o.key === key)?.value;
  const optional: Record<string, unknown> = {};
  for (const key of ["bridge", "vifname", "type", "model", "rate", "backend", "accel"]) {
    const value = text(key);
    if (value !== undefined) optional[key] = value;
  }
  if (v.ip) optional.ip = v.ip.value;
  return {
    devid: v.index,
    mac: v.mac?.value ?? randomXendMac(ctx.rng),
    script: script.startsWith("/") ? script : `/etc/xen/scripts/${script}`,
    uuid: randomUuid(ctx.rng),
    ...optional,
  } as VifDevice;
}

function diskDevice(d: DiskSpec, ctx: ConfigContext): DiskDevice | undefined {
  const devid = d.vdev ? blkdevNumber(d.vdev.value) : undefined;
  if (devid === undefined || d.target === undefined || d.attach === undefined) return undefined;
  const uname = `${d.prefixes.join(":")}:${d.target.value}`;
  return { devid, uname, dev: d.vdev!.value, mode: d.access?.value ?? "w", path: d.target.value, kind: d.attach, uuid: randomUuid(ctx.rng) };
}

/** xm's own wording for what makes it refuse a config. */
function xmMessage(code: string, line: number, text: string, file: string, assignments: readonly Assignment[]): string {
  const source = text.split("\n")[line - 1] ?? "";
  if (code.startsWith("cfg-syntax") || code.startsWith("cfg-unclosed") || code.startsWith("cfg-unmatched") || code === "cfg-unterminated-string" || code === "cfg-unexpected-indent") {
    return `Errors were found at line ${line} while processing ${file}:\n\t${source}\n`;
  }
  if (code === "vif-unknown-key") return `Invalid vif option: ${unknownVifKey(source) ?? ""}`;
  if (code === "vif-not-pair" || code === "vif-empty-item") return `${source.trim()} should be a pair, separated by an equals sign.`;
  if (code === "cfg-bad-number") {
    const a = assignments.find((x) => x.keyRange.line === line);
    return `Invalid value: ${a?.value.kind === "str" ? a.value.value : source.slice(source.indexOf("=") + 1).trim()}`;
  }
  if (code.startsWith("disk-")) return `Invalid disk specifier: ${/'([^']*)'/.exec(source)?.[1] ?? source.trim()}`;
  return `Errors were found at line ${line} while processing ${file}:\n\t${source}\n`;
}

const VIF_KEYS = ["backend", "bridge", "ip", "mac", "script", "type", "vifname", "rate", "model", "accel", "policy", "label"];

function unknownVifKey(source: string): string | undefined {
  for (const item of /'([^']*)'/.exec(source)?.[1]?.split(",") ?? []) {
    const key = item.split("=")[0]?.trim();
    if (key && !VIF_KEYS.includes(key)) return key;
  }
  return undefined;
}
