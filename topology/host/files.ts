// How loadHost reaches a host's files: through a FileReader (an in-memory tree, or a real directory
// given as `--root`, read-only and confined to it), recording for each file it looked for whether
// it was read, missing or unreadable. A missing optional file is normal; a file that exists but
// cannot be read (a directory where a file belongs, no permission) is a diagnostic, because the real
// tools would fail on it too. Paths are the host's own (`/etc/network/interfaces`), never the
// directory the tree sits in, so diagnostics and goldens do not depend on where the tree is.

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { diagnostic, type Diagnostic } from "../diagnostic.ts";
import type { HostFile } from "../host-config.ts";
import { nodeFsReader, type FileReader } from "../interfaces/index.ts";
import { normalizeAbsolute } from "../interfaces/reader.ts";

/** A host filesystem being read, with the record of what was looked at. */
export interface HostFiles {
  readonly reader: FileReader;
  readonly files: HostFile[];
  readonly diagnostics: Diagnostic[];
  /** Texts read so far by path (spans can be mapped back to their lines). */
  readonly texts: Map<string, string>;
  /** Whether something (file, directory, anything) exists at `path`, when the reader can tell. */
  readonly exists: (path: string) => boolean;
}

/** Opens a host: a directory on disk (read-only, nothing outside it is reachable) or a reader. */
export function openHost(root: string | FileReader): HostFiles {
  if (typeof root !== "string") {
    return { reader: root, files: [], diagnostics: [], texts: new Map(), exists: (p) => root.readFile(p) !== undefined || root.listDir(p) !== undefined };
  }
  const dir = resolve(root);
  const reader = nodeFsReader({ root: dir, cwd: dir });
  return { reader, files: [], diagnostics: [], texts: new Map(), exists: (p) => existsSync(join(dir, normalizeAbsolute(p))) };
}

function record(host: HostFiles, path: string, status: HostFile["status"]): void {
  if (!host.files.some((f) => f.path === path)) host.files.push({ path, status });
}

/**
 * The text of `path`, or undefined when it is missing or unreadable (recorded either way).
 * `consequence` says what the host loses when the file exists but cannot be read.
 */
export function readHostFile(host: HostFiles, path: string, consequence: string, severity: "error" | "warning" = "warning"): string | undefined {
  const text = host.reader.readFile(path);
  if (text !== undefined) {
    record(host, path, "read");
    host.texts.set(path, text);
    return text;
  }
  if (!host.exists(path)) {
    record(host, path, "missing");
    return undefined;
  }
  record(host, path, "unreadable");
  const what = host.reader.listDir(path) !== undefined ? "is a directory" : "exists but cannot be read";
  host.diagnostics.push(diagnostic("host/unreadable-file", severity, `${path} ${what}: ${consequence}`, { file: path, line: 1, column: 1 }, "make it a readable regular file"));
  return undefined;
}

/** Records a file another reader (the interfaces parser following `source`) has read. */
export function noteRead(host: HostFiles, path: string): void {
  const text = host.reader.readFile(path);
  if (text !== undefined) host.texts.set(path, text);
  record(host, path, "read");
}

/** The names in a directory (sorted in C-locale byte order, as the shell's globs and scandir sort them). */
export function listHostDir(host: HostFiles, path: string): readonly string[] {
  return host.reader.listDir(path) ?? [];
}

const LINES = new WeakMap<HostFiles, Map<string, readonly string[]>>();

/** The text of line `line` (1-based) of a file already read, or "" when unknown. */
export function lineOf(host: HostFiles, file: string, line: number): string {
  const cache = LINES.get(host) ?? new Map<string, readonly string[]>();
  LINES.set(host, cache);
  let lines = cache.get(file);
  if (lines === undefined) {
    lines = host.texts.get(file)?.split("\n") ?? [];
    cache.set(file, lines);
  }
  return lines[line - 1] ?? "";
}
