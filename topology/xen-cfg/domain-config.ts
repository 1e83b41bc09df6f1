// The typed view of a domain .cfg (domains.md §7, xm create.py's option table, xl.cfg(5)): name,
// memory, maxmem, vcpus, kernel, ramdisk, root, extra, bootloader, builder/type, the kernel ip=
// fields, on_poweroff/on_reboot/on_crash, and the vif and disk lists, each with the Range of its
// value. Like xm (which runs the file and then reads its variables) the last assignment of a name
// wins. Every assignment, known or not, stays available raw in `assignments`.

import type { Parsed } from "../diagnostic.ts";
import { parseDiskSpec, type DiskSpec } from "./disk-spec.ts";
import { describeKind, type Assignment, type PyStr, type PyValue } from "./py-value.ts";
import { readPyConfig, type ReadOptions } from "./reader.ts";
import { emit, type Sink } from "./sink.ts";
import { lineIndex, rangeOf, type Located } from "../source-text.ts";
import { parseVifSpec, type VifSpec } from "./vif-spec.ts";

/** What the toolstack does when the guest powers off, reboots or crashes. */
export type LifecycleAction = "destroy" | "restart" | "preserve" | "rename-restart" | "coredump-destroy" | "coredump-restart" | "soft-reset";

/** A domain configuration file, typed. Absent fields take the toolstack's defaults. */
export interface DomainConfig {
  readonly file: string;
  /** Every top-level assignment in file order, including unknown keys and repeated ones. */
  readonly assignments: readonly Assignment[];
  readonly name?: Located<string>;
  /** MiB. */
  readonly memory?: Located<number>;
  /** MiB. */
  readonly maxmem?: Located<number>;
  readonly vcpus?: Located<number>;
  readonly kernel?: Located<string>;
  readonly ramdisk?: Located<string>;
  readonly root?: Located<string>;
  readonly extra?: Located<string>;
  readonly bootloader?: Located<string>;
  /** xm: `linux` (PV, the default) or `hvm`. */
  readonly builder?: Located<string>;
  /** xl: `pv`, `pvh` or `hvm`. */
  readonly type?: Located<string>;
  /** The fields of the guest kernel's `ip=` parameter. */
  readonly dhcp?: Located<string>;
  readonly ip?: Located<string>;
  readonly gateway?: Located<string>;
  readonly netmask?: Located<string>;
  readonly hostname?: Located<string>;
  readonly onPoweroff?: Located<LifecycleAction>;
  readonly onReboot?: Located<LifecycleAction>;
  readonly onCrash?: Located<LifecycleAction>;
  readonly vifs: readonly VifSpec[];
  readonly disks: readonly DiskSpec[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type StringField = "name" | "kernel" | "ramdisk" | "root" | "extra" | "bootloader" | "builder" | "type" | "dhcp" | "ip" | "gateway" | "netmask" | "hostname";

const STRING_FIELDS: readonly StringField[] = ["name", "kernel", "ramdisk", "root", "extra", "bootloader", "builder", "type", "dhcp", "ip", "gateway", "netmask", "hostname"];
const ACTIONS: readonly LifecycleAction[] = ["destroy", "restart", "preserve", "rename-restart", "coredump-destroy", "coredump-restart", "soft-reset"];
const LIFECYCLE = [["on_poweroff", "onPoweroff"], ["on_reboot", "onReboot"], ["on_crash", "onCrash"]] as const;

/** Reads and types a domain .cfg without executing it; never throws. */
export function parseDomainConfig(text: string, file: string, options: ReadOptions = {}): Parsed<DomainConfig> {
  const read = readPyConfig(text, file, options);
  const sink: Sink = { index: lineIndex(file, text), toolstack: options.toolstack, diagnostics: [...read.diagnostics] };
  const assignments = read.value.assignments;
  const last = lastAssignments(assignments, sink);
  const config: Mutable<DomainConfig> = { file, assignments, vifs: [], disks: [] };
  for (const key of STRING_FIELDS) {
    const a = last.get(key);
    if (a) config[key] = stringValue(a, sink);
  }
  if (!last.has("name")) emit(sink, "cfg-missing-name", "error", "no `name =` line: xm and xl refuse to create a domain without a name", rangeOf(sink.index, 0, 0));
  config.memory = intValue(last.get("memory"), sink);
  config.maxmem = intValue(last.get("maxmem"), sink);
  config.vcpus = intValue(last.get("vcpus"), sink);
  for (const [key, field] of LIFECYCLE) config[field] = actionValue(last.get(key), sink);
  config.vifs = listOf(last.get("vif"), sink).map((v, i) => parseVifSpec(v, i, sink));
  config.disks = listOf(last.get("disk"), sink).map((d, i) => parseDiskSpec(d, i, sink));
  checkKinds(config, sink);
  return { value: dropUndefined(config), diagnostics: sink.diagnostics };
}

/** The last assignment of each name (Python semantics), noting reassignments. */
function lastAssignments(assignments: readonly Assignment[], sink: Sink): Map<string, Assignment> {
  const last = new Map<string, Assignment>();
  for (const a of assignments) {
    const before = last.get(a.key);
    if (before) emit(sink, "cfg-reassigned", "info", `\`${a.key}\` is assigned again: the value on line ${before.keyRange.line} is overwritten`, a.keyRange);
    last.set(a.key, a);
  }
  return last;
}

function stringValue(a: Assignment, sink: Sink): Located<string> | undefined {
  if (a.value.kind === "str") return { value: a.value.value, range: a.value.range };
  if (a.value.kind !== "code") emit(sink, "cfg-type", "warning", `\`${a.key}\` should be a string, not ${describeKind(a.value)}`, a.value.range);
  return undefined;
}

/** An int, or a string of decimal digits (xm's set_int does int(v); libxlu stores numbers as text). */
function intValue(a: Assignment | undefined, sink: Sink): Located<number> | undefined {
  if (!a || a.value.kind === "code") return undefined;
  const v = a.value;
  const n = v.kind === "int" ? v.value : v.kind === "str" && /^\s*[+-]?[0-9]+\s*$/.test(v.value) ? Number(v.value) : NaN;
  if (Number.isNaN(n)) {
    const shown = v.kind === "str" ? `\`${v.value}\`` : describeKind(v);
    emit(sink, "cfg-bad-number", "error", `\`${a.key}\` must be a whole number, not ${shown}: xm and xl refuse the domain`, v.range);
    return undefined;
  }
  if (n < 1) {
    emit(sink, "cfg-bad-number", "error", `\`${a.key}\` must be at least 1, not ${n}`, v.range);
    return undefined;
  }
  return { value: n, range: v.range };
}

function actionValue(a: Assignment | undefined, sink: Sink): Located<LifecycleAction> | undefined {
  const s = a ? stringValue(a, sink) : undefined;
  if (!a || !s) return undefined;
  const action = ACTIONS.find((x) => x === s.value);
  if (action === undefined) {
    emit(sink, "cfg-bad-action", "error", `\`${a.key}\` = \`${s.value}\` is not an action (${ACTIONS.join(", ")})`, s.range);
    return undefined;
  }
  if (action === "soft-reset") emit(sink, "cfg-bad-action", { xm: "error", xl: null }, "`soft-reset` is an xl action (Xen 4.6+): xm does not know it", s.range);
  if (action.startsWith("coredump") && a.key !== "on_crash") {
    emit(sink, "cfg-bad-action", { xm: "warning", xl: null }, `xm documents coredump actions for on_crash only; \`${a.key}\` accepts destroy, restart, preserve and rename-restart`, s.range);
  }
  return { value: action, range: s.range };
}

/** The string items of a vif/disk list (xm iterates any sequence; xl wants a list of strings). */
function listOf(a: Assignment | undefined, sink: Sink): Extract<PyValue, { kind: "str" }>[] {
  if (!a || a.value.kind === "code") return [];
  const v = a.value;
  if (v.kind !== "list" && v.kind !== "tuple") {
    emit(sink, "cfg-not-a-list", "error", `\`${a.key}\` must be a list of strings, e.g. ${a.key} = [ '...' ], not ${describeKind(v)}`, v.range);
    return [];
  }
  const items: Extract<PyValue, { kind: "str" }>[] = [];
  for (const item of v.items) {
    if (item.kind === "str") items.push(item);
    else emit(sink, `${a.key}-not-string`, "error", `each ${a.key} entry must be a string, not ${describeKind(item)}`, item.range);
  }
  return items;
}

/** Values outside the sets the builders know. */
function checkKinds(config: DomainConfig, sink: Sink): void {
  if (config.builder && !["linux", "hvm"].includes(config.builder.value)) {
    emit(sink, "cfg-bad-builder", { xm: "error", xl: null, either: "warning" }, `builder \`${config.builder.value}\` is not linux or hvm: xm has no such image builder`, config.builder.range);
  }
  if (config.type && !["pv", "pvh", "hvm"].includes(config.type.value)) {
    emit(sink, "cfg-bad-builder", { xm: null, xl: "error", either: "warning" }, `type \`${config.type.value}\` is not pv, pvh or hvm`, config.type.range);
  }
}

/** Plain data: no keys holding `undefined` (keeps goldens and deep-equality simple). */
function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Reads one vif spec given as plain text (e.g. the words of `xm network-attach`), outside any file. */
export function parseVifText(text: string, file = "<vif>", options: ReadOptions = {}): Parsed<VifSpec> {
  const sink: Sink = { index: lineIndex(file, text), toolstack: options.toolstack, diagnostics: [] };
  return { value: parseVifSpec(plainStr(text, sink), 0, sink), diagnostics: sink.diagnostics };
}

/** Reads one disk spec given as plain text (e.g. from `xm block-attach`), outside any file. */
export function parseDiskText(text: string, file = "<disk>", options: ReadOptions = {}): Parsed<DiskSpec> {
  const sink: Sink = { index: lineIndex(file, text), toolstack: options.toolstack, diagnostics: [] };
  return { value: parseDiskSpec(plainStr(text, sink), 0, sink), diagnostics: sink.diagnostics };
}

/** A whole text as a string value whose characters map one to one onto the source. */
function plainStr(text: string, sink: Sink): PyStr {
  const pieces = text.length > 0 ? [{ at: 0, length: text.length, offset: 0, srcLength: text.length }] : [];
  return { kind: "str", value: text, range: rangeOf(sink.index, 0, text.length), pieces };
}
