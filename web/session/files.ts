// Files of the simulated host as the page reads and edits them: paths are absolute and confined to
// the simulated root (a `..` that would climb above `/` is refused, not clamped as a chroot would),
// reads and writes go to the Machine's SimFs (never to --root), and a save is checked first with the
// host's own parsers (loadHost over the SimFs with the new text laid over it): a file its parser
// refuses (an unbalanced bracket in a domain cfg, an interfaces stanza ifupdown rejects) is answered
// 422 with its located diagnostics and not written; otherwise it is written and the static check of
// the whole host (checkStatic, as `xennet check` without the boot) gives that file's diagnostics.
import { checkStatic, type ReportDiagnostic } from "../../hypervisor/check/index.ts";
import type { SimFs } from "../../hypervisor/sim-fs.ts";
import { loadHost, type Diagnostic, type FileReader } from "../../topology/index.ts";
import type { DiagnosticView, FileSaved, FileView } from "../api-types.ts";
import { RequestError } from "./request-error.ts";

/** The longest path accepted. */
const MAX_PATH = 4096;

/** `path` as an absolute, normalised path under the simulated root; 400 when it is not one. */
export function confinePath(path: unknown): string {
  if (typeof path !== "string" || path === "") throw new RequestError(400, "path: an absolute path is required");
  if (path.length > MAX_PATH || path.includes("\0")) throw new RequestError(400, "path: too long or holds a NUL byte");
  if (!path.startsWith("/")) throw new RequestError(400, `path ${path}: must be absolute (start with /)`);
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part !== "..") parts.push(part);
    else if (parts.pop() === undefined) throw new RequestError(400, `path ${path}: escapes the simulated root`);
  }
  return `/${parts.join("/")}`;
}

/** A file of the simulated filesystem; 404 when there is no regular file there. */
export function readSimFile(fs: SimFs, rawPath: unknown): FileView {
  const path = confinePath(rawPath);
  const text = fs.readFile(path);
  if (text === undefined) throw new RequestError(fs.isDir(path) ? 400 : 404, fs.isDir(path) ? `${path}: is a directory` : `${path}: no such file`);
  return { path, text };
}

/** A reader of `base` in which `path` holds `text` (a file not written yet, or an edited one). */
export function overlayReader(base: FileReader, path: string, text: string): FileReader {
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  const name = path.slice(path.lastIndexOf("/") + 1);
  return {
    readFile: (p) => (p === path ? text : base.readFile(p)),
    listDir: (d) => {
      const names = base.listDir(d);
      if (d !== dir || names?.includes(name)) return names;
      return [...(names ?? []), name].sort();
    },
  };
}

/** Checks and writes a file; 422 with diagnostics when its parser refuses it. */
export function saveSimFile(fs: SimFs, rawPath: unknown, text: unknown): FileSaved {
  const path = confinePath(rawPath);
  if (typeof text !== "string") throw new RequestError(400, "text: a string is required");
  if (fs.isDir(path)) throw new RequestError(400, `${path}: is a directory`);
  const refused = loadHost(overlayReader(fs, path, text)).diagnostics.filter((d) => d.span.file === path && d.severity === "error");
  if (refused.length > 0) throw new RequestError(422, `${path}: the file does not parse; it was not saved`, refused.map(fromDiagnostic));
  const parent = path.slice(0, path.lastIndexOf("/")) || "/";
  const made = fs.mkdir(parent, { parents: true });
  const written = made.ok ? fs.writeFile(path, text) : made;
  if (!written.ok) throw new RequestError(400, `${path}: cannot write it (${written.error})`);
  return { path, diagnostics: checkStatic(fs).diagnostics.filter((d) => d.file === path).map(fromReport) };
}

function fromDiagnostic(d: Diagnostic): DiagnosticView {
  return { severity: d.severity, code: d.code, message: d.message, file: d.span.file, line: d.span.line, column: d.span.column };
}

function fromReport(d: ReportDiagnostic): DiagnosticView {
  return { severity: d.severity, code: d.code, message: d.message, file: d.file, line: d.line, column: d.column };
}
