// The simulated host's filesystem: an in-memory overlay over a read-only `FileReader` of `--root`
// (the user's files). Reads fall through to the root; every write (xen-create-image's images and
// .cfg, xm save files, logs) stays in memory and never reaches the real disk (DESIGN.md
// invariants). Deleting a file of the root leaves a whiteout, as an overlayfs upper layer does.
//
// A file is a materialised prefix of bytes plus an apparent size: a sparse image made with
// `dd ... count=0 seek=N` (xen-create-image, domains.md §8.5) records its size without allocating
// anything, and a save file keeps its header in bytes while its page stream is counted, not stored.
// A file may carry an `attachment`: simulation state that stands for content too rich to encode
// (the guest filesystem inside disk.img, the guest memory image inside a save file). Renames keep
// it; rewriting the file drops it, as overwriting real bytes would.
// Paths are absolute (relative ones are taken from `/`); `.`/`..` and repeated slashes collapse.

import { normalizeAbsolute, type FileReader } from "../topology/interfaces/reader.ts";

/** Why a filesystem call failed, as errno names it. */
export type FsError = "ENOENT" | "ENOTDIR" | "EISDIR" | "EEXIST" | "ENOTEMPTY" | "ELOOP";

/** The result of a call that changes the filesystem. */
export type FsResult = { readonly ok: true } | { readonly ok: false; readonly error: FsError };

/** What `stat` reports. */
export interface FsStat {
  readonly kind: "file" | "dir" | "symlink";
  /** Apparent size in bytes (`ls -l`). */
  readonly size: number;
  /** Bytes really allocated (`du`): 0 for a sparse image. */
  readonly allocated: number;
  readonly mode: number;
}

/** Options for a file write. */
export interface WriteOptions {
  readonly mode?: number;
  /** Apparent size, when larger than the bytes given (the rest reads as zeros). */
  readonly size?: number;
  /** Whether the part beyond the bytes is allocated (written with zeros) or a hole, or the bytes allocated. */
  readonly allocated?: boolean | number;
  readonly attachment?: unknown;
}

type Node =
  | { kind: "file"; data: Uint8Array; size: number; allocated: number; mode: number; attachment?: unknown }
  | { kind: "dir"; mode: number }
  | { kind: "symlink"; target: string }
  | { kind: "whiteout" };

const MAX_TEXT = 16 * 1024 * 1024;
const MAX_LINKS = 40;
const OK: FsResult = { ok: true };
const fail = (error: FsError): FsResult => ({ ok: false, error });
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/")) || "/";
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** The simulated host's filesystem (see the file header). */
export class SimFs implements FileReader {
  private readonly upper = new Map<string, Node>();

  constructor(private readonly lower: FileReader | undefined = undefined) {
    this.upper.set("/", { kind: "dir", mode: 0o755 });
  }

  /** Text of the regular file at `path` (UTF-8), or undefined (missing, a directory, or over 16 MiB). */
  readFile(path: string): string | undefined {
    const node = this.lookup(path);
    if (node?.kind !== "file" || node.size > MAX_TEXT) return undefined;
    return decoder.decode(fileWindow(node, 0, node.size));
  }

  /** Bytes `[offset, offset + length)` of a file (holes read as zeros), or undefined when it is not a file. */
  readBytes(path: string, offset = 0, length?: number): Uint8Array | undefined {
    const node = this.lookup(path);
    if (node?.kind !== "file") return undefined;
    const end = Math.min(node.size, length === undefined ? node.size : offset + length);
    return fileWindow(node, offset, Math.max(0, end - offset));
  }

  /** Entry names of a directory, sorted, or undefined when it is not one. */
  listDir(path: string): readonly string[] | undefined {
    const abs = this.resolve(path);
    if (abs === undefined || this.lookupNoFollow(abs)?.kind !== "dir") return undefined;
    const names = new Set(this.hidden(abs) ? [] : (this.lower?.listDir(abs) ?? []));
    const prefix = abs === "/" ? "/" : `${abs}/`;
    for (const [p, n] of this.upper) {
      if (!p.startsWith(prefix) || p === "/" || p.slice(prefix.length).includes("/")) continue;
      if (n.kind === "whiteout") names.delete(baseName(p));
      else names.add(baseName(p));
    }
    return [...names].sort();
  }

  /** Size, allocation and type of what `path` names (symbolic links followed). */
  stat(path: string): FsStat | undefined {
    const node = this.lookup(path);
    if (node?.kind === "file") return { kind: "file", size: node.size, allocated: node.allocated, mode: node.mode };
    if (node?.kind === "dir") return { kind: "dir", size: 4096, allocated: 4096, mode: node.mode };
    return undefined;
  }

  /** True when `path` names anything (after following links). */
  exists(path: string): boolean {
    return this.stat(path) !== undefined;
  }

  /** True for a directory. */
  isDir(path: string): boolean {
    return this.stat(path)?.kind === "dir";
  }

  /** The simulation state attached to a file (see the header), if any. */
  attachment(path: string): unknown {
    const node = this.lookup(path);
    return node?.kind === "file" ? node.attachment : undefined;
  }

  /** Creates or replaces a regular file; its directory must exist. */
  writeFile(path: string, data: string | Uint8Array, options: WriteOptions = {}): FsResult {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    const size = Math.max(bytes.length, options.size ?? 0);
    const allocated = typeof options.allocated === "number" ? Math.min(size, Math.max(bytes.length, options.allocated)) : options.allocated === false ? bytes.length : size;
    const file: Node = { kind: "file", data: bytes, size, allocated, mode: options.mode ?? 0o644 };
    if (options.attachment !== undefined) file.attachment = options.attachment;
    return this.place(path, file, true);
  }

  /** Appends to a file, creating it when missing (like `>>`). */
  appendFile(path: string, data: string): FsResult {
    const before = this.readBytes(path);
    const added = encoder.encode(data);
    const joined = new Uint8Array((before?.length ?? 0) + added.length);
    if (before) joined.set(before);
    joined.set(added, before?.length ?? 0);
    return this.writeFile(path, joined, { mode: this.stat(path)?.mode ?? 0o644 });
  }

  /** A file of apparent size `size` bytes with nothing allocated (`dd if=/dev/zero of=F bs=1 count=0 seek=N`). */
  createSparse(path: string, size: number, mode = 0o644): FsResult {
    return this.writeFile(path, new Uint8Array(0), { size, allocated: false, mode });
  }

  /** Makes a directory; with `parents`, also its missing parents and no error if it exists (`mkdir -p`). */
  mkdir(path: string, options: { parents?: boolean; mode?: number } = {}): FsResult {
    const abs = normalizeAbsolute(path);
    if (this.exists(abs)) return options.parents && this.isDir(abs) ? OK : fail("EEXIST");
    if (options.parents && !this.exists(parentOf(abs))) {
      const made = this.mkdir(parentOf(abs), { parents: true, mode: options.mode ?? 0o755 });
      if (!made.ok) return made;
    }
    return this.place(abs, { kind: "dir", mode: options.mode ?? 0o755 }, false);
  }

  /** Removes a file or symbolic link (not a directory). */
  unlink(path: string): FsResult {
    const abs = normalizeAbsolute(path);
    const node = this.lookupNoFollow(abs);
    if (node === undefined) return fail("ENOENT");
    if (node.kind === "dir") return fail("EISDIR");
    this.upper.set(abs, { kind: "whiteout" });
    return OK;
  }

  /** Renames a file (its attachment goes with it). */
  rename(from: string, to: string): FsResult {
    const src = normalizeAbsolute(from);
    const node = this.lookupNoFollow(src);
    if (node === undefined) return fail("ENOENT");
    if (node.kind === "dir") return fail("EISDIR");
    const placed = this.place(to, node, true);
    if (placed.ok) this.upper.set(src, { kind: "whiteout" });
    return placed;
  }

  /** `ln -s target path`. */
  symlink(target: string, path: string): FsResult {
    return this.place(path, { kind: "symlink", target }, false);
  }

  /** The target of a symbolic link made in this filesystem. */
  readlink(path: string): string | undefined {
    const node = this.upper.get(normalizeAbsolute(path));
    return node?.kind === "symlink" ? node.target : undefined;
  }

  /** Every path written in memory, sorted (for tests and for saving the simulated host). */
  writtenPaths(): readonly string[] {
    return [...this.upper.entries()].filter(([p, n]) => p !== "/" && n.kind !== "whiteout").map(([p]) => p).sort();
  }

  private place(path: string, node: Node, replace: boolean): FsResult {
    const abs = normalizeAbsolute(path);
    const parent = this.resolve(parentOf(abs));
    if (parent === undefined) return fail("ELOOP");
    if (!this.isDir(parent)) return fail(this.exists(parent) ? "ENOTDIR" : "ENOENT");
    const target = `${parent === "/" ? "" : parent}/${baseName(abs)}`;
    const existing = this.lookupNoFollow(target);
    if (existing !== undefined && !replace) return fail("EEXIST");
    if (existing?.kind === "dir") return fail("EISDIR");
    this.upper.set(target, node);
    return OK;
  }

  /** The absolute path with symbolic links (of this layer) resolved, or undefined on a loop. */
  private resolve(path: string, hops = 0): string | undefined {
    const parts = normalizeAbsolute(path).split("/").filter((p) => p !== "");
    let done = "";
    for (let i = 0; i < parts.length; i++) {
      const here = `${done}/${parts[i]}`;
      const node = this.upper.get(here);
      if (node?.kind === "symlink") {
        if (hops >= MAX_LINKS) return undefined;
        const target = node.target.startsWith("/") ? node.target : `${done}/${node.target}`;
        return this.resolve([target, ...parts.slice(i + 1)].join("/"), hops + 1);
      }
      done = here;
    }
    return done === "" ? "/" : done;
  }

  private lookup(path: string): Node | undefined {
    const abs = this.resolve(path);
    return abs === undefined ? undefined : this.lookupNoFollow(abs);
  }

  /** The node at `path`; a file or directory of the root is presented as a (transient) node. */
  private lookupNoFollow(path: string): Node | undefined {
    const abs = normalizeAbsolute(path);
    const node = this.upper.get(abs);
    if (node !== undefined) return node.kind === "whiteout" ? undefined : node;
    if (this.lower === undefined || this.hidden(abs)) return undefined;
    if (this.lower.listDir(abs) !== undefined) return { kind: "dir", mode: 0o755 };
    const text = this.lower.readFile(abs);
    if (text === undefined) return undefined;
    const data = encoder.encode(text);
    return { kind: "file", data, size: data.length, allocated: data.length, mode: 0o644 };
  }

  /** True when an ancestor of `path` was deleted or replaced in memory, hiding the root's subtree. */
  private hidden(path: string): boolean {
    for (let p = path; p !== "/"; p = parentOf(p)) {
      const node = this.upper.get(p);
      if (node !== undefined && p !== path) return node.kind !== "dir";
      if (node?.kind === "whiteout") return true;
    }
    return false;
  }
}

/** Bytes [offset, offset + length) of a file node, holes as zeros. */
function fileWindow(node: Extract<Node, { kind: "file" }>, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (offset < node.data.length) out.set(node.data.subarray(offset, Math.min(node.data.length, offset + length)));
  return out;
}
