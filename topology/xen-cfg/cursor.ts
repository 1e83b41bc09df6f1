// The state the .cfg reader walks the token list with: position, bracket nesting, the diagnostics
// found so far, and the "resync" flag set when an unclosed bracket was detected and the next token
// starts a new statement. Shared by literal.ts (values) and reader.ts (statements).

import { diagnostic, type Diagnostic, type Severity } from "../diagnostic.ts";
import type { Token } from "./lexer.ts";
import { rangeOf, spanAt, type LineIndex, type Range } from "../source-text.ts";
import { severityFor, type DialectSeverity, type Toolstack } from "./toolstack.ts";

/** Parser state over one file's tokens. */
export interface Cursor {
  readonly text: string;
  readonly index: LineIndex;
  readonly tokens: readonly Token[];
  readonly toolstack: Toolstack | undefined;
  readonly diagnostics: Diagnostic[];
  pos: number;
  /** Opening brackets of the literal being parsed, innermost last. */
  readonly nest: string[];
  /** An unclosed bracket ended the previous statement early; the current token starts a new one. */
  resync: boolean;
}

/** The token `k` places ahead (the final `eof` repeats past the end). */
export function peek(c: Cursor, k = 0): Token {
  return c.tokens[Math.min(c.pos + k, c.tokens.length - 1)]!;
}

/** Consumes and returns the current token. */
export function next(c: Cursor): Token {
  const t = peek(c);
  if (c.pos < c.tokens.length - 1) c.pos += 1;
  return t;
}

/** Whether `t` is the operator `op`. */
export function isOp(t: Token, op: string): boolean {
  return t.kind === "op" && t.text === op;
}

/** Whether `t` begins a new `name = ...` statement at the left margin (used to resync). */
export function startsStatementAt(c: Cursor, k: number): boolean {
  const t = peek(c, k);
  return t.lineStart && !t.indented && t.kind === "name" && isOp(peek(c, k + 1), "=");
}

/** Records a diagnostic at a source offset. */
export function report(c: Cursor, code: string, severity: Severity, message: string, offset: number, hint?: string): void {
  c.diagnostics.push(diagnostic(code, severity, message, spanAt(c.index, offset), hint));
}

/** Records a diagnostic whose severity depends on the toolstack (nothing if it does not matter). */
export function reportDialect(c: Cursor, code: string, s: DialectSeverity, message: string, offset: number, hint?: string): void {
  const severity = severityFor(c.toolstack, s);
  if (severity !== null) report(c, code, severity, message, offset, hint);
}

/** The Range of tokens [from, to] (inclusive). */
export function tokenRange(c: Cursor, from: Token, to: Token): Range {
  return rangeOf(c.index, from.start, to.end);
}

const CLOSERS: Readonly<Record<string, string>> = { "(": ")", "[": "]", "{": "}" };

/** The closing bracket for an opening one. */
export function closerOf(opener: string): string {
  return CLOSERS[opener] ?? "";
}

/** A `line:column` label for a token, for messages that point at a second place. */
export function where(c: Cursor, t: Token): string {
  const s = spanAt(c.index, t.start);
  return `${s.line}:${s.column}`;
}
