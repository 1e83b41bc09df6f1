// `source` and `source-directory` path resolution, as ifupdown 0.8.41's config.c does it: the rest
// of the line is put after the including file's directory (unless it starts with `/`), expanded
// with wordexp(3) under WRDE_NOCMD (quotes, field splitting, globbing; command substitution and
// unquoted shell operators make the whole expansion fail, and then nothing is sourced), and for
// source-directory each resulting directory is scanned for names matching ^[a-zA-Z0-9_-]+$ (the
// run-parts rule) in strcmp order. Environment variables are not modelled: `$VAR` expands to "",
// and `~` is kept as written.

import { fnmatch, hasWildcard, unescapeGlob } from "./fnmatch.ts";
import type { FileReader } from "./reader.ts";

/** dirname(3): the directory part of a path, "." when there is none. */
export function dirnameC(path: string): string {
  let end = path.length;
  while (end > 1 && path.charAt(end - 1) === "/") end--;
  const slash = path.lastIndexOf("/", end - 1);
  if (slash < 0) return ".";
  let cut = slash;
  while (cut > 0 && path.charAt(cut - 1) === "/") cut--;
  return cut === 0 ? "/" : path.slice(0, cut);
}

/**
 * The pattern ifupdown builds from a `source` line: absolute as written, else under the including
 * file's directory. Only the start of the line gets the directory, so in `source a b` the second
 * word `b` is relative to the working directory, not to the file: a bug, which we keep.
 */
export function sourcePattern(rest: string, includingFile: string): string {
  return rest.startsWith("/") ? rest : `${dirnameC(includingFile)}/${rest}`;
}

const BAD_CHARS = "|&;<>(){}\n";
const SPECIALS = "*?[\\";

/** The words of wordexp(3) as glob patterns (quoted characters escaped), or undefined when wordexp fails. */
function wordexpPatterns(text: string): string[] | undefined {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  const lit = (ch: string): void => {
    word += SPECIALS.includes(ch) ? `\\${ch}` : ch;
    inWord = true;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === " " || ch === "\t") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if (BAD_CHARS.includes(ch) || ch === "`" || (ch === "$" && text.charAt(i + 1) === "(")) {
      return undefined;
    } else if (ch === "\\") {
      if (i + 1 < text.length) lit(text.charAt(++i));
    } else if (ch === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return undefined;
      for (const c of text.slice(i + 1, close)) lit(c);
      inWord = true;
      i = close;
    } else if (ch === '"') {
      const end = doubleQuoted(text, i + 1, lit);
      if (end === undefined) return undefined;
      inWord = true;
      i = end;
    } else if (ch === "$" && skipVariable(text, i) !== undefined) {
      i = skipVariable(text, i) ?? i;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Consumes a double-quoted string starting after its quote; returns the index of the closing quote. */
function doubleQuoted(text: string, start: number, lit: (ch: string) => void): number | undefined {
  for (let i = start; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === '"') return i;
    if (ch === "`" || (ch === "$" && text.charAt(i + 1) === "(")) return undefined;
    if (ch === "$" && skipVariable(text, i) !== undefined) i = skipVariable(text, i) ?? i;
    else if (ch === "\\" && '$`"\\\n'.includes(text.charAt(i + 1))) lit(text.charAt(++i));
    else lit(ch);
  }
  return undefined;
}

/** Skips `$NAME` or `${...}` (expanded to nothing); the index of its last character, or undefined when `$` is literal. */
function skipVariable(text: string, dollar: number): number | undefined {
  if (text.charAt(dollar + 1) === "{") {
    const close = text.indexOf("}", dollar + 2);
    return close < 0 ? text.length : close;
  }
  let i = dollar + 1;
  while (i < text.length && /[A-Za-z0-9_]/.test(text.charAt(i))) i++;
  return i === dollar + 1 ? undefined : i - 1;
}

function strcmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function exists(reader: FileReader, path: string): boolean {
  return reader.readFile(path) !== undefined || reader.listDir(path) !== undefined;
}

/** glob(3) with GLOB_NOCHECK as wordexp uses it: the sorted matches, or the pattern itself (unescaped) when none. */
export function glob(pattern: string, reader: FileReader): string[] {
  if (!hasWildcard(pattern)) return [unescapeGlob(pattern)];
  const parts = pattern.split("/");
  const absolute = parts[0] === "";
  let prefixes: string[] = [absolute ? "" : "."];
  let first = !absolute;
  for (const part of absolute ? parts.slice(1) : parts) {
    const next: string[] = [];
    for (const prefix of prefixes) {
      const join = (name: string): string => (first ? name : `${prefix}/${name}`);
      if (!hasWildcard(part)) {
        next.push(join(unescapeGlob(part)));
        continue;
      }
      const entries = reader.listDir(prefix === "" ? "/" : prefix) ?? [];
      for (const name of entries) if (fnmatch(part, name, { period: true })) next.push(join(name));
    }
    prefixes = next;
    first = false;
  }
  const found = prefixes.filter((p) => exists(reader, p)).sort(strcmp);
  return found.length > 0 ? found : [unescapeGlob(pattern)];
}

/** wordexp(3) of a source pattern: every resulting path in order, or undefined when the expansion fails. */
export function expandSource(pattern: string, reader: FileReader): string[] | undefined {
  const words = wordexpPatterns(pattern);
  return words?.flatMap((w) => glob(w, reader));
}

/** The run-parts name rule that source-directory applies: ASCII letters, digits, `_` and `-` only. */
export function isRunPartsName(name: string): boolean {
  return name.length > 0 && /^[A-Za-z0-9_-]+$/.test(name);
}

/** The files source-directory reads from one directory: run-parts names, strcmp order, `DIR/NAME`. */
export function directoryEntries(dir: string, reader: FileReader): string[] | undefined {
  const names = reader.listDir(dir);
  if (names === undefined) return undefined;
  return names.filter(isRunPartsName).sort(strcmp).map((n) => `${dir}/${n}`);
}

/** True when a path exists at all (stat(2) succeeds). */
export function pathExists(path: string, reader: FileReader): boolean {
  return exists(reader, path);
}
