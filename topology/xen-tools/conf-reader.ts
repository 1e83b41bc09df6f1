// The line reader for /etc/xen-tools/xen-tools.conf, reproducing xen-tools' readConfigurationFile
// (bin/xen-create-image in 4.2, Xen::Tools::Common later) step by step:
//   chomp; a trailing `\` joins the next physical line (re-checked until the file ends);
//   skip /^[ \t]*#/ and empty lines; cut at the LAST `#` (greedy /(.*)\#(.*)/);
//   match /([^=]+)=([^\n]+)/, trim both sides; the last `` `cmd` `` pair is command output.
// Lines that do not match are silently ignored by xen-tools; here they get a warning. The command in
// backticks is recorded, never run. Later assignments of a key replace earlier ones, as in the hash.

import { diagnostic, type Diagnostic, type Parsed } from "../diagnostic.ts";
import { lineIndex, rangeOf, spanOf, type LineIndex, type Range } from "../source-text.ts";

/** The backquoted command xen-tools would run to build a value (`pre` + output + `post`). */
export interface XtCommand {
  readonly command: string;
  readonly pre: string;
  readonly post: string;
  readonly range: Range;
}

/** One `key = value` setting. */
export interface XtEntry {
  readonly key: string;
  /** The value as xen-tools stores it before running any backquoted command. */
  readonly value: string;
  readonly keyRange: Range;
  readonly valueRange: Range;
  readonly command?: XtCommand;
}

/** A logical line: its characters, and for each joined physical line where its part starts. */
interface Logical {
  readonly text: string;
  /** `from`: index in `text`; `src`: source offset of that character. */
  readonly segments: readonly { readonly from: number; readonly src: number }[];
}

const PERL_SPACE = /[ \t\n\r\f\v]/;

/** Reads the settings of a xen-tools.conf; never throws. */
export function readXenToolsConf(text: string, file: string): Parsed<{ readonly entries: readonly XtEntry[] }> {
  const index = lineIndex(file, text);
  const diagnostics: Diagnostic[] = [];
  const entries: XtEntry[] = [];
  for (const logical of logicalLines(text)) {
    const entry = readLine(logical, index, diagnostics);
    if (entry) entries.push(entry);
  }
  return { value: { entries }, diagnostics };
}

/** Physical lines joined by trailing backslashes, exactly as the Perl loop with `redo` joins them. */
function logicalLines(text: string): Logical[] {
  const physical = [...text.matchAll(/[^\n]*\n|[^\n]+$/g)].map((m) => ({ raw: m[0], at: m.index }));
  const out: Logical[] = [];
  let i = 0;
  while (i < physical.length) {
    const first = physical[i++]!;
    const parts = [chomp(first.raw)];
    const starts = [first.at];
    while (parts[parts.length - 1]!.endsWith("\\")) {
      parts[parts.length - 1] = parts[parts.length - 1]!.slice(0, -1);
      const nextLine = physical[i++];
      if (nextLine === undefined) break; // `$line .= <FILE>` appends nothing at end of file
      const atEof = i >= physical.length;
      parts.push(atEof ? nextLine.raw : chomp(nextLine.raw)); // no `redo` (nor chomp) at end of file
      starts.push(nextLine.at);
      if (atEof) break;
    }
    let from = 0;
    const segments = parts.map((p, k) => ({ from: (from += k === 0 ? 0 : parts[k - 1]!.length), src: starts[k]! }));
    out.push({ text: parts.join(""), segments });
  }
  return out;
}

function chomp(s: string): string {
  return s.endsWith("\n") ? s.slice(0, -1) : s;
}

function readLine(line: Logical, index: LineIndex, diagnostics: Diagnostic[]): XtEntry | undefined {
  const offsetAt = (p: number) => {
    const seg = line.segments.findLast((g) => g.from <= p) ?? line.segments[0]!;
    return seg.src + (p - seg.from);
  };
  const range = (from: number, to: number): Range => rangeOf(index, offsetAt(from), to > from ? offsetAt(to - 1) + 1 : offsetAt(from));
  const warn = (code: string, severity: "warning" | "info", message: string, r: Range, hint?: string) => diagnostics.push(diagnostic(code, severity, message, spanOf(r), hint));
  let text = line.text;
  if (/^[ \t]*#/.test(text)) {
    if (line.segments.length > 1 && text.includes("=")) {
      warn("xt-continued-comment", "warning", "this comment ends with `\\`, so xen-tools joins the next line into it and ignores that setting", range(0, text.length));
    }
    return undefined;
  }
  if (text.length < 1) return undefined;
  const hash = text.replace(/\n$/, "").lastIndexOf("#");
  if (hash !== -1) text = text.slice(0, hash);
  const m = /([^=]+)=([^\n]+)/.exec(text);
  if (!m) {
    const shown = text.trim();
    const why = shown.startsWith("=") ? "nothing comes before `=`" : shown.endsWith("=") ? "nothing follows `=`" : "there is no `=`";
    if (shown !== "") warn("xt-no-assignment", "warning", `\`${shown}\`: ${why}, so xen-tools ignores this line`, range(0, text.length), "write key = value");
    return undefined;
  }
  const [kFrom, kTo] = trimBounds(text, m.index, m.index + m[1]!.length);
  const [vFrom, vTo] = trimBounds(text, m.index + m[1]!.length + 1, m.index + m[0].length);
  const key = text.slice(kFrom, kTo);
  const value = text.slice(vFrom, vTo);
  const keyRange = range(kFrom, Math.max(kTo, kFrom + 1));
  if (key === "") warn("xt-no-assignment", "warning", "nothing before `=`: xen-tools stores this value under an empty name", keyRange);
  if (hash !== -1 && value.includes("#")) {
    warn("xt-hash-in-value", "warning", "xen-tools cuts a line at its last `#`, so the earlier `#` stays in this value", range(vFrom, vTo), "a value cannot contain `#` in xen-tools.conf");
  }
  const command = backquoted(value);
  const entry: XtEntry = { key, value, keyRange, valueRange: range(vFrom, vTo) };
  if (!command) return entry;
  const cRange = range(vFrom + command.at, vFrom + command.at + command.command.length + 2);
  return { ...entry, command: { command: command.command, pre: command.pre, post: command.post, range: cRange } };
}

/** Perl's s/^\s+//; s/\s+$// as offsets. */
function trimBounds(s: string, a: number, b: number): [number, number] {
  while (a < b && PERL_SPACE.test(s[a]!)) a += 1;
  while (b > a && PERL_SPACE.test(s[b - 1]!)) b -= 1;
  return [a, b];
}

/** /(.*)`([^`]+)`(.*)/: the last backquoted run (greedy prefix), non-empty and without backquotes. */
function backquoted(value: string): { command: string; pre: string; post: string; at: number } | undefined {
  let open = value.lastIndexOf("`");
  while (open !== -1) {
    const close = value.indexOf("`", open + 1);
    if (close > open + 1) return { command: value.slice(open + 1, close), pre: value.slice(0, open), post: value.slice(close + 1), at: open };
    open = open === 0 ? -1 : value.lastIndexOf("`", open - 1);
  }
  return undefined;
}
