// /etc/network/interfaces as ifupdown 0.8.41 reads it (interfaces(5); config.c read_interfaces()):
// keyword lines (`iface`, `mapping`, `auto`, `allow-CLASS`, `source`, `source-dir*`,
// `no-auto-down`, `no-scripts`, `rename`) and option lines, with sourced files merged in place.
// A fatal error in the main file makes ifupdown refuse the whole file (nothing comes up at boot,
// not even lo); in a sourced file it only stops reading that file. After a fatal error we keep
// reading, without adding anything, so the user sees every fatal line at once.

import { diagnostic, type Diagnostic, type Parsed, type Span } from "../diagnostic.ts";
import { lexLines, locate, type LogicalLine } from "./lexer.ts";
import { methodOf } from "./methods.ts";
import type { FileReader } from "./reader.ts";
import { recogniseStanza } from "./recognise.ts";
import { directoryEntries, expandSource, pathExists, sourcePattern } from "./source.ts";
import {
  EMPTY_VALUE, MISPLACED, firstWord, freezeMapping, mappingLine, optionOf, parseIfaceLine, wordsFrom,
  type Fatal, type MappingDraft, type StanzaDraft,
} from "./stanza-lines.ts";
import type { ClassEntry, InterfacesFile, NamedEntry, ReadEvent, SourcedFile } from "./types.ts";

/** How to parse: a reader lets `source` lines be followed (without one they are only recorded). */
export interface ParseOptions {
  readonly reader?: FileReader;
}

/** Nesting and volume limits: ifupdown has none (it recurses until a path grows too long), a simulator must stop. */
const MAX_DEPTH = 32;
const MAX_FILES = 1000;

interface Context {
  readonly reader: FileReader | undefined;
  readonly seen: Set<string>;
  readonly stanzas: StanzaDraft[];
  readonly classes: Map<string, ClassEntry[]>;
  readonly mappings: MappingDraft[];
  readonly noAutoDown: NamedEntry[];
  readonly noScripts: NamedEntry[];
  readonly renames: NamedEntry[];
  readonly sourced: SourcedFile[];
  readonly events: ReadEvent[];
  readonly diagnostics: Diagnostic[];
  loopbackDefined: boolean;
  depth: number;
  filesRead: number;
}

interface FileState {
  readonly file: string;
  readonly main: boolean;
  mode: "none" | "iface" | "mapping";
  stanza?: StanzaDraft;
  mapping?: MappingDraft;
  /** The first fatal error: from here on nothing is added (ifupdown has stopped reading). */
  stopped?: { readonly span: Span; readonly line: number };
}

function newContext(reader: FileReader | undefined): Context {
  return {
    reader, seen: new Set(), stanzas: [], classes: new Map(), mappings: [], noAutoDown: [], noScripts: [],
    renames: [], sourced: [], events: [], diagnostics: [], loopbackDefined: false, depth: 0, filesRead: 0,
  };
}

function spanAt(st: FileState, line: LogicalLine, offset: number): Span {
  return { file: st.file, ...locate(line, offset) };
}

function fatal(ctx: Context, st: FileState, line: LogicalLine, f: Fatal): void {
  const span = spanAt(st, line, 0);
  if (st.stopped !== undefined) {
    const msg = `${f.message} (ifupdown already stopped reading this file at line ${st.stopped.line})`;
    ctx.diagnostics.push(diagnostic(f.code, "error", msg, span, f.hint));
    return;
  }
  st.stopped = { span, line: line.line };
  ctx.events.push({ kind: "message", text: `${st.file}:${line.endLine}: ${f.message}` });
  const consequence = st.main
    ? "ifupdown rejects the whole file, so on a real boot no interface in it comes up, not even lo"
    : `ifupdown stops reading ${st.file} here: its stanzas after this line are ignored, the rest of the configuration still applies`;
  ctx.diagnostics.push(diagnostic(f.code, "error", `${f.message}: ${consequence}`, span, f.hint));
}

function handleIface(ctx: Context, st: FileState, line: LogicalLine, restStart: number): void {
  const parsed = parseIfaceLine(wordsFrom(line.text, restStart));
  if ("code" in parsed) {
    st.mode = "iface"; // ifupdown has stopped; its options are swallowed rather than cascade
    st.stanza = undefined;
    fatal(ctx, st, line, parsed);
    return;
  }
  const span = spanAt(st, line, 0);
  if (parsed.extra !== undefined && st.stopped === undefined) {
    const text = `extra parameter for the iface line not understood and ignored: ${parsed.extra}`;
    ctx.events.push({ kind: "message", text: `${st.file}:${line.endLine}: ${text}` });
    ctx.diagnostics.push(diagnostic("interfaces/extra-parameter", "warning", text, span, "an iface line is `iface NAME FAMILY METHOD [inherits TEMPLATE]`"));
  }
  let parent: StanzaDraft | undefined;
  if (parsed.parent !== undefined) {
    parent = ctx.stanzas.find((s) => s.name === parsed.parent && (parsed.family === undefined || s.family === parsed.family));
    if (parent === undefined) {
      const message = `unknown iface to inherit from: ${parsed.parent} (${parsed.family ?? "*"})`;
      fatal(ctx, st, line, { code: "interfaces/unknown-inherits", message, hint: "the template stanza must come earlier in the file, with the same family" });
      st.mode = "iface";
      st.stanza = undefined;
      return;
    }
  }
  const family = parsed.family ?? parent?.family ?? "inet";
  const method = parsed.method ?? parent?.method ?? "manual";
  const inherited = (parent?.options ?? []).map((o) => ({ ...o, inheritedFrom: parent?.name ?? "" }));
  const stanza: StanzaDraft = parsed.parent === undefined
    ? { name: parsed.name, family, method, options: inherited, span }
    : { name: parsed.name, family, method, inherits: parsed.parent, options: inherited, span };
  if ((parsed.familyWord === "inet" || parsed.familyWord === "inet6") && parsed.methodWord === "loopback" && st.stopped === undefined) {
    ctx.loopbackDefined = true;
  }
  if (st.stopped === undefined) ctx.stanzas.push(stanza);
  st.stanza = stanza;
  st.mode = "iface";
}

function handleOption(ctx: Context, st: FileState, line: LogicalLine): void {
  const first = firstWord(line.text);
  if (first === undefined) return;
  const rest = line.text.slice(first.restStart);
  if (st.mode === "mapping" && st.mapping !== undefined) {
    const err = mappingLine(st.mapping, first.text, rest);
    if (err !== undefined) fatal(ctx, st, line, err);
  } else if (st.mode === "iface") {
    if (rest === "") fatal(ctx, st, line, EMPTY_VALUE);
    else st.stanza?.options.push(optionOf(line, first, (o) => spanAt(st, line, o)));
  } else {
    fatal(ctx, st, line, MISPLACED);
  }
}

// A bare `auto`, `allow-CLASS`, `no-auto-down` or `no-scripts` line inside an iface stanza names
// that stanza's interface and leaves the stanza open (ifupdown 0.8.41, checked with the real
// ifquery for auto and allow-*); elsewhere, and always for `rename`, the line closes the stanza.
function namedWords(st: FileState, line: LogicalLine, restStart: number, bareNamesStanza: boolean): { name: string; span: Span }[] {
  const words = wordsFrom(line.text, restStart).map((w) => ({ name: w.text, span: spanAt(st, line, w.start) }));
  if (words.length > 0 || !bareNamesStanza || st.mode !== "iface") {
    st.mode = "none";
    return words;
  }
  return st.stanza === undefined ? [] : [{ name: st.stanza.name, span: spanAt(st, line, 0) }];
}

function handleList(ctx: Context, st: FileState, line: LogicalLine, restStart: number, into: NamedEntry[]): void {
  const words = namedWords(st, line, restStart, into !== ctx.renames);
  if (st.stopped === undefined) into.push(...words);
}

function handleClass(ctx: Context, st: FileState, line: LogicalLine, restStart: number, cls: string): void {
  const words = namedWords(st, line, restStart, true);
  if (st.stopped !== undefined) return;
  const entries = ctx.classes.get(cls) ?? [];
  ctx.classes.set(cls, entries);
  for (const { name, span } of words) {
    const earlier = entries.find((e) => e.name === name);
    if (earlier === undefined) {
      entries.push({ name, span });
      continue;
    }
    const where = earlier.span.file === span.file ? `line ${earlier.span.line}` : `${earlier.span.file}:${earlier.span.line}`;
    const msg = `${name} is already listed for ${cls} (${where}); ifupdown 0.8 ignores the repeat, ifupdown 0.6 (Squeeze) rejects the whole file`;
    ctx.diagnostics.push(diagnostic("interfaces/duplicate-class-entry", "info", msg, span, "list each interface once"));
  }
}

function handleSource(ctx: Context, st: FileState, line: LogicalLine, restStart: number, directory: boolean): void {
  st.mode = "none";
  if (st.stopped !== undefined) return;
  const span = spanAt(st, line, 0);
  const reader = ctx.reader;
  if (reader === undefined) {
    ctx.diagnostics.push(diagnostic("interfaces/source-not-read", "info", "sourced files are not read (no filesystem given to the parser)", span));
    return;
  }
  if (ctx.depth >= MAX_DEPTH || ctx.filesRead >= MAX_FILES) {
    ctx.diagnostics.push(diagnostic("interfaces/source-too-deep", "warning", `source nesting deeper than ${MAX_DEPTH} levels or more than ${MAX_FILES} files: not followed (ifupdown would recurse until a path grows too long)`, span, "a file probably sources itself under another path"));
    return;
  }
  const words = expandSource(sourcePattern(line.text.slice(restStart), st.file), reader);
  if (words === undefined) {
    ctx.diagnostics.push(diagnostic("interfaces/source-invalid", "warning", "wordexp(3) refuses this path (shell operators or command substitution): ifupdown sources nothing", span));
    return;
  }
  let found = false;
  for (const w of words) {
    const files = directory ? directoryEntries(w, reader) : pathExists(w, reader) ? [w] : undefined;
    if (files === undefined) continue;
    found = true;
    if (directory) ctx.events.push({ kind: "reading-directory", path: w });
    for (const f of files) {
      ctx.events.push({ kind: "parsing-file", path: f });
      readInto(ctx, f, span, false);
    }
  }
  if (!found) {
    const what = directory ? "no such directory" : "matches no file";
    ctx.diagnostics.push(diagnostic("interfaces/source-not-found", "info", `${line.text}: ${what}; ifupdown skips it silently`, span));
  }
}

/** Dispatches one logical line on its first word, in config.c's order. */
function handleLine(ctx: Context, st: FileState, line: LogicalLine): void {
  const first = firstWord(line.text);
  if (first === undefined) return;
  const kw = first.text;
  const rest = first.restStart;
  if (kw === "mapping") {
    st.mode = "mapping";
    st.mapping = { patterns: wordsFrom(line.text, rest).map((w) => w.text), maps: [], span: spanAt(st, line, 0) };
    if (st.stopped === undefined) ctx.mappings.push(st.mapping);
  } else if (kw === "source") handleSource(ctx, st, line, rest, false);
  else if (kw.startsWith("source-dir")) handleSource(ctx, st, line, rest, true);
  else if (kw === "iface") handleIface(ctx, st, line, rest);
  else if (kw === "auto") handleClass(ctx, st, line, rest, "auto");
  else if (kw.startsWith("allow-") && kw.length > 6) handleClass(ctx, st, line, rest, kw.slice(6));
  else if (kw === "no-auto-down") handleList(ctx, st, line, rest, ctx.noAutoDown);
  else if (kw === "no-scripts") handleList(ctx, st, line, rest, ctx.noScripts);
  else if (kw === "rename") handleList(ctx, st, line, rest, ctx.renames);
  else handleOption(ctx, st, line);
}

function parseText(ctx: Context, text: string, file: string, main: boolean): FileState {
  const st: FileState = { file, main, mode: "none" };
  ctx.filesRead++;
  for (const line of lexLines(text)) handleLine(ctx, st, line);
  return st;
}

/**
 * read_interfaces_defn() on a sourced path: already-read paths are skipped, directories are a
 * warning. "Already read" compares path strings, as ifupdown does, so `./d/a` and `d/a` are read
 * twice and their stanzas appear twice (a real ifquery shows the duplicate too).
 */
function readInto(ctx: Context, path: string, by: Span, main: boolean): FileState | undefined {
  if (ctx.seen.has(path) || ctx.reader === undefined) return undefined;
  ctx.seen.add(path);
  const text = ctx.reader.readFile(path);
  if (text === undefined) {
    const isDir = ctx.reader.listDir(path) !== undefined;
    const msg = isDir ? `${path}: Is a directory` : `couldn't open interfaces file "${path}": No such file or directory`;
    ctx.events.push({ kind: "message", text: msg });
    const code = isDir ? "interfaces/unreadable" : "interfaces/missing-file";
    ctx.diagnostics.push(diagnostic(code, main && isDir ? "error" : "warning", msg, by));
    return undefined;
  }
  ctx.depth++;
  const entry: { path: string; by: Span; stoppedAt?: Span } = { path, by };
  if (!main) ctx.sourced.push(entry);
  const st = parseText(ctx, text, path, main);
  ctx.depth--;
  if (st.stopped !== undefined) entry.stoppedAt = st.stopped.span;
  return st;
}

function finish(ctx: Context, file: string, rejected: boolean): Parsed<InterfacesFile> {
  const diagnostics = [...ctx.diagnostics];
  const stanzas = ctx.stanzas.map((s) => {
    const r = recogniseStanza(s, methodOf(s.family, s.method));
    diagnostics.push(...r.diagnostics);
    return r.stanza;
  });
  const value: InterfacesFile = {
    file, stanzas,
    classes: [...ctx.classes].map(([name, entries]) => ({ name, entries })),
    mappings: ctx.mappings.map(freezeMapping),
    noAutoDown: ctx.noAutoDown, noScripts: ctx.noScripts, renames: ctx.renames, sourced: ctx.sourced,
    rejected, loopbackDefined: ctx.loopbackDefined, events: ctx.events,
  };
  return { value, diagnostics };
}

/** Parses the text of an interfaces file named `file`; never throws. */
export function parseInterfaces(text: string, file: string, opts: ParseOptions = {}): Parsed<InterfacesFile> {
  const ctx = newContext(opts.reader);
  ctx.seen.add(file);
  const st = parseText(ctx, text, file, true);
  return finish(ctx, file, st.stopped !== undefined);
}

/** Reads `path` through the reader and parses it with everything it sources, as `ifup -i PATH` would. */
export function readInterfaces(path: string, reader: FileReader): Parsed<InterfacesFile> {
  const ctx = newContext(reader);
  const here: Span = { file: path, line: 1, column: 1 };
  const st = readInto(ctx, path, here, true);
  const rejected = st === undefined ? reader.listDir(path) !== undefined : st.stopped !== undefined;
  return finish(ctx, path, rejected);
}
