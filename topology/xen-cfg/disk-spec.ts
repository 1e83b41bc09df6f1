// One entry of a domain's `disk = [...]` list. Two grammars share the list (domains.md §7):
//  * xm's `TYPE:PATH,VDEV[:cdrom],MODE[,BACKEND[,PROTOCOL]]` (create.py preprocess_disk splits on
//    `,` into 3-5 fields; server/blkif.py wants TYPE phy, file, tap or tap2 and MODE r, w or w!);
//  * xl's positional/keyword diskspec (docs/misc/xl-disk-configuration.txt, libxlu_disk_l.l):
//    `target,format,vdev,access` plus `key=value` and flags, with xm's prefixes (phy:, file:,
//    tap:aio:, tap2:..., raw:, qcow2:...) accepted as deprecated forms that drop the format slot.
// The entry is read with xl's rules, which cover both, and each grammar's objections are reported
// for the toolstack that has them.

import { subRange, type PyStr } from "./py-value.ts";
import { emit, type Sink } from "./sink.ts";
import type { Located, Range } from "../source-text.ts";

/** A parsed disk spec. */
export interface DiskSpec {
  readonly index: number;
  readonly text: string;
  readonly range: Range;
  /** The device or image path, prefixes removed. */
  readonly target?: Located<string>;
  /** Deprecated prefixes as written, in order, e.g. ["tap", "aio"] for `tap:aio:/x.img`. */
  readonly prefixes: readonly string[];
  /** How xm attaches it: a block device, a loop-mounted file, or blktap; undefined when no prefix says. */
  readonly attach?: "phy" | "file" | "tap";
  readonly format?: Located<string>;
  readonly vdev?: Located<string>;
  readonly devtype: "disk" | "cdrom";
  /** The access mode as written (r, ro, w, rw, w!). */
  readonly access?: Located<string>;
  readonly readOnly: boolean;
  readonly backendDomain?: Located<string>;
  readonly script?: Located<string>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
interface Part {
  readonly text: string;
  readonly from: number;
  readonly to: number;
}

const FORMATS = ["raw", "qcow", "qcow2", "vhd", "qed"];
const KEYWORDS = ["target", "format", "vdev", "access", "devtype", "backend", "backendtype", "script"];
const FLAGS = ["cdrom", "direct-io-safe", "discard", "no-discard"];
const ACCESS: Readonly<Record<string, boolean>> = { r: true, ro: true, w: false, rw: false, "w!": false, "": false };

/** Reads disk spec number `index` from its string literal. */
export function parseDiskSpec(str: PyStr, index: number, sink: Sink): DiskSpec {
  const spec: Mutable<DiskSpec> = { index, text: str.value, range: str.range, prefixes: [], devtype: "disk", readOnly: false };
  const loc = (p: Part, from = p.from, to = p.to): Located<string> => ({ value: str.value.slice(from, to), range: subRange(sink.index, str, from, Math.max(to, from)) });
  const positional: Part[] = [];
  const before = sink.diagnostics.length;
  for (const part of splitParts(str.value)) {
    const eq = part.text.indexOf("=");
    const key = eq > 0 ? part.text.slice(0, eq) : "";
    if (/^[a-z][a-z0-9_-]*$/.test(key)) keyword(spec, part, key, loc(part, part.from + eq + 1), sink, str);
    else if (FLAGS.includes(part.text)) {
      if (part.text === "cdrom") spec.devtype = "cdrom";
    } else positional.push(part);
  }
  assignPositional(spec, positional, loc, sink, str);
  checkXm(spec, sink, sink.diagnostics.slice(before).some((d) => d.severity === "error"));
  if (spec.access === undefined) spec.readOnly = spec.devtype === "cdrom";
  return spec;
}

/** Splits on commas, trimming each part; `target=` swallows the rest of the spec (commas included). */
function splitParts(s: string): Part[] {
  const parts: Part[] = [];
  let start = 0;
  for (;;) {
    while (start < s.length && /\s/.test(s[start]!)) start += 1;
    const comma = s.startsWith("target=", start) ? -1 : s.indexOf(",", start);
    let end = comma === -1 ? s.length : comma;
    const stop = end;
    while (end > start && /\s/.test(s[end - 1]!)) end -= 1;
    parts.push({ text: s.slice(start, end), from: start, to: end });
    if (comma === -1) return parts;
    start = stop + 1;
  }
}

function keyword(spec: Mutable<DiskSpec>, part: Part, key: string, value: Located<string>, sink: Sink, str: PyStr): void {
  const range = subRange(sink.index, str, part.from, part.to);
  if (!KEYWORDS.includes(key)) {
    emit(sink, "disk-unknown-key", "error", `unknown disk parameter \`${key}=\`: xl refuses the disk, and xm reads it as part of a path`, range);
    return;
  }
  if (key === "target") spec.target = value;
  else if (key === "format") setFormat(spec, value, sink);
  else if (key === "vdev") spec.vdev = value;
  else if (key === "access") setAccess(spec, value, sink);
  else if (key === "devtype") spec.devtype = value.value === "cdrom" ? "cdrom" : "disk";
  else if (key === "backend") spec.backendDomain = value;
  else if (key === "script") spec.script = value;
  emit(sink, "disk-xl-syntax", { xm: "error", xl: null }, `\`${key}=\` is xl syntax: xm reads the disk by position and refuses it`, range);
}

/** Strips deprecated prefixes off the target, then fills target/format/vdev/access in order. */
function assignPositional(spec: Mutable<DiskSpec>, parts: Part[], loc: (p: Part, from?: number, to?: number) => Located<string>, sink: Sink, str: PyStr): void {
  const first = parts[0];
  if (first === undefined) return;
  let from = first.from;
  const prefixes: string[] = [];
  for (let m = prefixAt(str.value, from, first.to); m !== undefined; m = prefixAt(str.value, from, first.to)) {
    if (!/^(raw|qcow2?|vhd|qed|iscsi|e?nbd|drbd|tapdisk|tap2?|aio|ioemu|file|phy)$/.test(m)) {
      emit(sink, "disk-bad-prefix", "error", `unknown disk prefix \`${m}:\`: xm and xl know phy:, file:, tap:aio: and the like`, loc(first, from, from + m.length + 1).range);
      spec.target = loc(first);
      return; // xl stops at the first error
    }
    prefixes.push(m);
    if (FORMATS.includes(m)) spec.format = loc(first, from, from + m.length);
    if (/^(iscsi|e?nbd|drbd)$/.test(m)) spec.script = { value: `block-${m}`, range: loc(first, from, from + m.length).range };
    from += m.length + 1;
  }
  spec.prefixes = prefixes;
  spec.target = loc(first, from, first.to);
  const attach = prefixes.includes("phy") ? "phy" : prefixes.includes("file") ? "file" : prefixes.some((p) => p.startsWith("tap")) ? "tap" : undefined;
  if (attach) spec.attach = attach;
  const deprecated = prefixes.length > 0;
  let slots = deprecated ? ["vdev", "access"] : ["format", "vdev", "access"];
  if (!deprecated && first.to === first.from && parts[1] !== undefined && /:(cdrom|disk)$/.test(parts[1].text)) slots = ["vdev", "access"];
  parts.slice(1).every((p, i) => {
    const slot = slots[i];
    if (slot === "format") return setFormat(spec, loc(p), sink);
    if (slot === "vdev") setVdev(spec, loc(p));
    else if (slot === "access") return setAccess(spec, loc(p), sink);
    else extraPositional(spec, p, i + 1, deprecated, loc(p), sink);
    return true;
  });
}

/** A `name:` prefix at `from` (before `to`), if the text has one. */
function prefixAt(s: string, from: number, to: number): string | undefined {
  const m = /^([a-z][a-z0-9]*):/.exec(s.slice(from, to));
  if (!m) return undefined;
  const known = /^(raw|qcow2?|vhd|qed|iscsi|e?nbd|drbd|tapdisk|tap2?|aio|ioemu|file|phy)$/.test(m[1]!);
  const after = s[from + m[0].length];
  return known || after === undefined || !/[a-z0-9]/.test(after) ? m[1] : undefined;
}

/** xm's 4th and 5th fields are the backend domain and the protocol; xl has no slot for them. */
function extraPositional(spec: Mutable<DiskSpec>, p: Part, field: number, deprecated: boolean, value: Located<string>, sink: Sink): void {
  if (deprecated && field <= 4) {
    if (field === 3) spec.backendDomain = value;
    emit(sink, "disk-xm-syntax", { xm: null, xl: "error" }, `field ${field + 1} (\`${p.text}\`) is xm's ${field === 3 ? "backend domain" : "protocol"}: xl refuses "too many positional parameters"`, value.range);
    return;
  }
  emit(sink, "disk-too-many-fields", "error", `\`${p.text}\`: too many fields in this disk spec (xm takes 3 to 5, xl 4 positional)`, value.range);
}

/** Sets the format; false (and a diagnostic) when xl does not know it, which ends xl's parse. */
function setFormat(spec: Mutable<DiskSpec>, v: Located<string>, sink: Sink): boolean {
  if (v.value === "" || FORMATS.includes(v.value)) {
    if (v.value !== "") spec.format = v;
    return true;
  }
  const xmToo = /^(xvd|hd|sd)[a-z]/.test(v.value) ? `; \`${v.value}\` looks like a device: without a phy:/file: prefix xm refuses the disk too` : "";
  emit(sink, "disk-bad-format", "error", `\`${v.value}\` is not a disk format xl knows (${FORMATS.join(", ")})${xmToo}`, v.range, "write phy:/dev/... or file:/... for the xm form, or target,raw,vdev,access for xl");
  return false;
}

function setVdev(spec: Mutable<DiskSpec>, v: Located<string>): void {
  // The `s` flag: a value may hold a line break (a "\r" in a string literal), which `.` alone skips.
  const m = /^(?:ioemu:)?(.*?)(?::(cdrom|disk))?$/s.exec(v.value)!;
  spec.vdev = { value: m[1]!, range: v.range };
  if (m[2] === "cdrom") spec.devtype = "cdrom";
}

function setAccess(spec: Mutable<DiskSpec>, v: Located<string>, sink: Sink): boolean {
  const ro = ACCESS[v.value];
  if (ro === undefined) {
    emit(sink, "disk-bad-mode", "error", `access mode \`${v.value}\` is not r, w or w! (xl also takes ro and rw)`, v.range);
    return false;
  }
  spec.access = v;
  spec.readOnly = ro;
  return true;
}

/** Objections only xm has (unless xl objected already), then checks of the vdev both need. */
function checkXm(spec: Mutable<DiskSpec>, sink: Sink, xlRejected: boolean): void {
  if (xlRejected) return; // one error per disk: the first thing xl (or both) refused
  const problem = xmProblem(spec, spec.text.split(","));
  if (problem) emit(sink, "disk-xm-syntax", { xm: "error", xl: null }, `${problem.message}; xl accepts this form`, problem.at);
  if (spec.vdev === undefined || spec.vdev.value === "") {
    emit(sink, "disk-no-vdev", "error", "no virtual device (e.g. xvda) in this disk spec: the guest cannot see it", spec.range);
  } else if (!/^((xvd|hd|sd)[a-z]+[0-9]*|d[0-9]+(p[0-9]+)?)$/.test(spec.vdev.value)) {
    emit(sink, "disk-bad-vdev", "warning", `\`${spec.vdev.value}\` is not a virtual device name Xen knows (xvdX, hdX, sdX, dNpM)`, spec.vdev.range);
  }
}

/** What xm (create.py preprocess_disk, server/blkif.py) refuses in TYPE:PATH,VDEV,MODE[,BACKEND[,PROTOCOL]]. */
function xmProblem(spec: DiskSpec, fields: readonly string[]): { message: string; at: Range } | undefined {
  if (fields.some((f) => f.includes("="))) return undefined; // each key=value was reported already
  if (fields.length < 3 || fields.length > 5) {
    return { message: `xm needs TYPE:PATH,VDEV,MODE and refuses ${fields.length} field(s) ("Invalid disk specifier")`, at: spec.range };
  }
  const uname = fields[0]!;
  const type = uname.includes(":") ? uname.slice(0, uname.indexOf(":")) : "";
  if (!(uname === "" && spec.devtype === "cdrom") && !["phy", "file", "tap", "tap2"].includes(type)) {
    const message = "xm needs a phy:, file: or tap: prefix on the path (\"Block device must have phy, file or tap specified\")";
    return { message, at: spec.target?.range ?? spec.range };
  }
  const mode = fields[2]!;
  if (["r", "w", "w!"].includes(mode)) return undefined;
  return { message: `xm accepts only the modes r, w and w! ("Invalid mode"), not \`${mode}\``, at: spec.access?.range ?? spec.range };
}
