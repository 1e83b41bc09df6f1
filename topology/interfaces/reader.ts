// How the interfaces parser reaches files: a two-call reader interface, so tests and the simulated
// host's in-memory filesystem can supply files, plus a read-only Node implementation confined to a
// root directory (`--root`). Paths are the ones ifupdown itself would open: absolute, or relative
// to the working directory. Nothing here ever writes.

import { readFileSync, readdirSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

/** Read-only access to a filesystem, as ifupdown sees it through fopen(3), stat(2) and scandir(3). */
export interface FileReader {
  /** The text of the regular file at `path`, or undefined when there is none (missing, a directory, unreadable). */
  readFile(path: string): string | undefined;
  /** The entry names of the directory at `path` (without `.` and `..`), sorted, or undefined when it is not a directory. */
  listDir(path: string): readonly string[] | undefined;
}

/** Collapses `.`, `..` and repeated slashes of an absolute path; `..` stops at `/`, as in a chroot. */
export function normalizeAbsolute(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return "/" + out.join("/");
}

/** The absolute form of `path` seen from the working directory `cwd`. */
export function absoluteFrom(cwd: string, path: string): string {
  return normalizeAbsolute(path.startsWith("/") ? path : `${cwd}/${path}`);
}

function parentOf(abs: string): string {
  return abs.slice(0, abs.lastIndexOf("/")) || "/";
}

/** What a memory reader holds: files by path, and directories that exist even when empty. */
export interface MemoryTree {
  readonly files: Readonly<Record<string, string>>;
  readonly dirs?: readonly string[];
  /** Working directory for relative paths (default `/`). */
  readonly cwd?: string;
}

/** A reader over an in-memory tree; parent directories of every file exist implicitly. */
export function memoryReader(tree: MemoryTree): FileReader {
  const cwd = tree.cwd ?? "/";
  const files = new Map<string, string>();
  const dirs = new Map<string, Set<string>>([["/", new Set()]]);
  const addDir = (dir: string): void => {
    if (dirs.has(dir)) return;
    dirs.set(dir, new Set());
    const parent = parentOf(dir);
    addDir(parent);
    dirs.get(parent)?.add(dir.slice(dir.lastIndexOf("/") + 1));
  };
  for (const dir of tree.dirs ?? []) addDir(absoluteFrom(cwd, dir));
  for (const [path, text] of Object.entries(tree.files)) {
    const abs = absoluteFrom(cwd, path);
    addDir(parentOf(abs));
    dirs.get(parentOf(abs))?.add(abs.slice(abs.lastIndexOf("/") + 1));
    files.set(abs, text);
  }
  return {
    readFile: (path) => (path.endsWith("/") ? undefined : files.get(absoluteFrom(cwd, path))),
    listDir: (path) => {
      const entries = dirs.get(absoluteFrom(cwd, path));
      return entries === undefined ? undefined : [...entries].sort();
    },
  };
}

/** Where a Node reader looks: absolute paths under `root`, relative paths from `cwd` (a real directory). */
export interface NodeReaderOptions {
  readonly root: string;
  readonly cwd?: string;
}

/**
 * A reader over the real filesystem. Absolute paths (such as `source /etc/network/interfaces.d/*`)
 * resolve under `root` and may not leave it, not even through a symbolic link; relative paths
 * (the `-i FILE` a user typed, and what is sourced relative to it) resolve from `cwd`.
 */
export function nodeFsReader(opts: NodeReaderOptions): FileReader {
  const root = resolve(opts.root);
  const cwd = resolve(opts.cwd ?? process.cwd());
  const toReal = (path: string): string | undefined => {
    if (!path.startsWith("/")) return resolve(cwd, path);
    const real = join(root, normalizeAbsolute(path));
    try {
      const rel = relative(realpathSync(root), realpathSync(real));
      return rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel) ? undefined : real;
    } catch {
      return undefined;
    }
  };
  return {
    readFile: (path) => {
      const real = toReal(path);
      if (real === undefined || path.endsWith("/")) return undefined;
      try {
        return statSync(real).isFile() ? readFileSync(real).toString("utf8") : undefined;
      } catch {
        return undefined;
      }
    },
    listDir: (path) => {
      const real = toReal(path);
      if (real === undefined) return undefined;
      try {
        return readdirSync(real).sort();
      } catch {
        return undefined;
      }
    },
  };
}
