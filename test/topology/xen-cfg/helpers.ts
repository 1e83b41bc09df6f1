// Test helpers shared by the Xen config reader tests: where the real-world corpus lives (beside the
// checkout, never copied into the repository), and the check that every diagnostic is well formed
// and points inside the text it came from.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Diagnostic } from "../../../topology/diagnostic.ts";
import type { Range } from "../../../topology/xen-cfg/index.ts";

/** The corpus directory (../shared/corpus beside the checkout). */
export const CORPUS = resolve(import.meta.dirname, "../../../../shared/corpus");

/** Whether the corpus is present; when it is not, says so once on stderr. */
export function corpusPresent(kind: string): boolean {
  const present = existsSync(join(CORPUS, kind));
  if (!present) console.warn(`SKIPPED: ${kind} corpus tests: ${join(CORPUS, kind)} is absent (see shared/corpus/README.md)`);
  return present;
}

/** The corpus files of one kind, as [name, text] pairs (empty when absent). */
export function corpusFiles(kind: string): [string, string][] {
  const dir = join(CORPUS, kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name), "utf8")]);
}

/** Why a diagnostic is malformed or points outside `text`, or undefined if it is fine. */
export function diagnosticProblem(d: Diagnostic, text: string, file: string): string | undefined {
  const lines = text.split("\n");
  if (!/^[a-z]+(-[a-z0-9]+)+$/.test(d.code)) return `bad code ${d.code}`;
  if (!["error", "warning", "info"].includes(d.severity)) return `bad severity ${d.severity}`;
  if (d.message.trim() === "") return "empty message";
  if (d.span.file !== file) return `file ${d.span.file} is not ${file}`;
  const line = lines[d.span.line - 1];
  if (!Number.isInteger(d.span.line) || line === undefined) return `line ${d.span.line} outside 1..${lines.length}`;
  if (!Number.isInteger(d.span.column) || d.span.column < 1 || d.span.column > line.length + 1) return `column ${d.span.column} outside line ${d.span.line}`;
  return undefined;
}

/** Why a range is not inside `text` or not ordered, or undefined if it is fine. */
export function rangeProblem(r: Range, text: string): string | undefined {
  const lines = text.split("\n");
  const ok = (line: number, col: number) => lines[line - 1] !== undefined && col >= 1 && col <= lines[line - 1]!.length + 1;
  if (!ok(r.line, r.column) || !ok(r.endLine, r.endColumn)) return `range ${JSON.stringify(r)} outside the text`;
  if (r.endLine < r.line || (r.endLine === r.line && r.endColumn < r.column)) return `range ${JSON.stringify(r)} ends before it starts`;
  return undefined;
}

/** The text a single-line range covers. */
export function textAt(text: string, r: Range): string {
  const line = text.split("\n")[r.line - 1] ?? "";
  return r.endLine === r.line ? line.slice(r.column - 1, r.endColumn - 1) : line.slice(r.column - 1);
}

/** `code@line:column` labels, handy for exact expectations. */
export function labels(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => `${d.code}@${d.span.line}:${d.span.column}`);
}

/** Characters that matter to the config grammars, for mutations and generated text. */
export const GRAMMAR_CHARS = [..."'\"`\\#=,;:()[]{}\n\r\t -+*.!@$%&|<>?/0123456789abcxXmM_=\u00e9\u0000\u0004\uFEFF"];

/** Applies up to `ops` edits (insert, delete, duplicate) at the given positions. */
export function mutate(text: string, ops: readonly (readonly [number, number, number, string])[]): string {
  let out = text;
  for (const [kind, at, len, insert] of ops) {
    const i = out.length === 0 ? 0 : at % (out.length + 1);
    if (kind % 3 === 0) out = out.slice(0, i) + insert + out.slice(i);
    else if (kind % 3 === 1) out = out.slice(0, i) + out.slice(i + len);
    else out = out.slice(0, i) + out.slice(i, i + len) + out.slice(i);
  }
  return out;
}
