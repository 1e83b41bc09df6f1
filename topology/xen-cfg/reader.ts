// Reads a Xen domain .cfg (xm: `execfile`d as Python 2 by xm create, tools/python/xen/xm/create.py;
// xl: parsed by libxlu, tools/libxl/libxlu_cfg_y.y) into its top-level `name = literal` assignments
// without ever executing it. Statements are Python's simple statements separated by newlines or `;`.
// Anything that is code — `import`, `if` blocks and their bodies, calls, names or operators on a
// right-hand side — is skipped with one located `cfg-code` diagnostic (a warning: xm would run it,
// xl would reject it), and an assignment whose value is code is kept as an unevaluated `code` value.
// Syntax errors (which make both toolstacks refuse the whole file) are `error`s; reading resumes at
// the next statement so one bad line never hides the rest of the file.

import { diagnostic, type Diagnostic, type Parsed } from "../diagnostic.ts";
import { tokenize, type Token } from "./lexer.ts";
import { closerOf, isOp, next, peek, report, reportDialect, startsStatementAt, where, type Cursor } from "./cursor.ts";
import { notXl, readExprList, STATEMENT_WORDS, stopReason, type LiteralResult } from "./literal.ts";
import type { Assignment, PyValue } from "./py-value.ts";
import { lineIndex, rangeOf, spanAt } from "../source-text.ts";
import type { Toolstack } from "./toolstack.ts";

/** Options for reading a domain config. */
export interface ReadOptions {
  /** The toolstack that will read the file; unknown when absent (findings one of them minds become info). */
  readonly toolstack?: Toolstack;
}

/** The assignments of a .cfg file, in file order. */
export interface PyModule {
  readonly assignments: readonly Assignment[];
}

const COMPOUND = new Set(["if", "for", "while", "def", "class", "try", "with"]);
const CLAUSES = new Set(["elif", "else", "except", "finally"]);
const XM_XL_CODE = { xm: "warning", xl: "error" } as const;
const CODE_HINT = "write the value as a literal (a quoted string, a number or a list); xl accepts nothing else";

/** Reads `text` (the contents of `file`) as a .cfg without executing anything; never throws. */
export function readPyConfig(text: string, file: string, options: ReadOptions = {}): Parsed<PyModule> {
  const index = lineIndex(file, text);
  const diagnostics: Diagnostic[] = [];
  const tokens = tokenize(text, (code, severity, message, offset) => {
    diagnostics.push(diagnostic(code, severity, message, spanAt(index, offset)));
  });
  const cursor: Cursor = { text, index, tokens, toolstack: options.toolstack, diagnostics, pos: 0, nest: [], resync: false };
  checkEncoding(cursor);
  const assignments: Assignment[] = [];
  while (peek(cursor).kind !== "eof") {
    const t = peek(cursor);
    if (t.kind === "newline" || t.kind === "error" || isOp(t, ";")) next(cursor);
    else readStatement(cursor, assignments);
  }
  return { value: { assignments }, diagnostics };
}

/** PEP 263: Python 2 refuses non-ASCII bytes anywhere (even in comments) without a coding line. */
function checkEncoding(c: Cursor): void {
  const at = c.text.search(/[^\x00-\x7f]/);
  if (at === -1 || c.text.charCodeAt(0) === 0xfeff) return;
  const firstTwo = c.text.split("\n", 2);
  if (firstTwo.some((line) => /^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+/.test(line))) return;
  const message = "non-ASCII character without a `# -*- coding: utf-8 -*-` line: Python 2 (xm) refuses the file; xl does not mind";
  reportDialect(c, "cfg-non-ascii", { xm: "error", xl: null }, message, at, "add `# -*- coding: utf-8 -*-` as the first line");
}

/** One simple statement, and any further ones after `;` on the same line. */
function readStatement(c: Cursor, out: Assignment[]): void {
  for (;;) {
    readSimpleStatement(c, out);
    if (c.resync) {
      c.resync = false;
      return;
    }
    if (!isOp(peek(c), ";")) return;
    next(c);
    const after = peek(c);
    if (after.kind === "newline" || after.kind === "eof") return;
  }
}

function readSimpleStatement(c: Cursor, out: Assignment[]): void {
  const t = peek(c);
  if (t.lineStart && t.indented) {
    const message = "unexpected indent: Python (xm) refuses the file; xl ignores indentation";
    reportDialect(c, "cfg-unexpected-indent", { xm: "error", xl: null }, message, t.start, "start the line at the left margin");
  }
  if (t.kind === "name" && COMPOUND.has(t.text)) return compound(c, t);
  if (t.kind === "name" && (STATEMENT_WORDS.has(t.text) || CLAUSES.has(t.text))) {
    codeStatement(c, t, `the \`${t.text}\` statement`);
    skipLogicalLine(c);
  } else if (t.kind === "name" && isOp(peek(c, 1), "=")) assignment(c, out);
  else otherStatement(c);
}

/** `name = name2 = value`: one Assignment per name. */
function assignment(c: Cursor, out: Assignment[]): void {
  const targets: Token[] = [];
  while (peek(c).kind === "name" && isOp(peek(c, 1), "=")) {
    const name = next(c);
    if (!/^[a-z][_0-9a-z]*$/.test(name.text)) notXl(c, name, `the name \`${name.text}\` (xl's names are lower-case letters, digits and _)`);
    if (targets.length === 1) notXl(c, name, "a chained assignment");
    targets.push(name);
    next(c);
  }
  const startPos = c.pos;
  const valueStart = peek(c);
  let result: LiteralResult = readExprList(c);
  if (result.ok && !c.resync) {
    const end = peek(c);
    if (end.kind !== "newline" && end.kind !== "eof" && !isOp(end, ";")) result = { ok: false, at: end, ...stopReason(end) };
  }
  let value: PyValue;
  if (result.ok) value = result.value;
  else {
    const keys = targets.map((k) => `\`${k.text}\``).join(" and ");
    notLiteral(c, result, keys);
    c.pos = startPos;
    c.resync = false;
    const last = skipLogicalLine(c) ?? valueStart;
    value = { kind: "code", text: c.text.slice(valueStart.start, last.end), range: rangeOf(c.index, valueStart.start, last.end) };
  }
  for (const k of targets) out.push({ key: k.text, keyRange: rangeOf(c.index, k.start, k.end), value });
}

/** Reports why an assignment's value is not a literal. */
function notLiteral(c: Cursor, result: Extract<LiteralResult, { ok: false }>, keys: string): void {
  if (result.kind === "silent") return;
  if (result.kind === "syntax") {
    report(c, "cfg-syntax", "error", `syntax error in the value of ${keys}: ${result.reason}; xm and xl refuse the whole file`, result.at.start);
    return;
  }
  const message = `${keys} is not a literal: ${result.reason} is code, which xennet never runs, so the value is left unevaluated (xm would run it; xl rejects it)`;
  reportDialect(c, "cfg-code", XM_XL_CODE, message, result.at.start, CODE_HINT);
}

/** A statement that is not `name = ...`: an expression, an augmented or a non-name assignment. */
function otherStatement(c: Cursor): void {
  const start = c.pos;
  const first = peek(c);
  if (first.kind === "op" && ")]}".includes(first.text)) return void skipLogicalLine(c); // reported there
  let depth = 0;
  let k = 0;
  for (let t = first; t.kind !== "eof"; t = peek(c, ++k)) {
    if (depth === 0 && (t.kind === "newline" || isOp(t, ";"))) break;
    if (t.kind === "newline" && startsStatementAt(c, k + 1)) break;
    if (t.kind === "op" && "([{".includes(t.text)) depth += 1;
    if (t.kind === "op" && ")]}".includes(t.text)) depth = Math.max(0, depth - 1);
    if (depth === 0 && t.kind === "op" && t.text.length >= 2 && t.text.endsWith("=") && !["==", "!=", "<=", ">="].includes(t.text)) {
      codeStatement(c, t, `the augmented assignment \`${t.text}\``);
      return void skipLogicalLine(c);
    }
    if (depth === 0 && isOp(t, "=")) return assignToExpression(c, start, c.pos + k);
  }
  codeStatement(c, peek(c), "an expression statement");
  skipLogicalLine(c);
}

/** `a.b = 1`, `a, b = 1, 2` (code) or `install-method = x` (a syntax error: an operator left of `=`). */
function assignToExpression(c: Cursor, start: number, eq: number): void {
  let depth = 0;
  const left = c.tokens.slice(start, eq);
  const leftText = c.text.slice(left[0]?.start ?? 0, left[left.length - 1]?.end ?? 0);
  for (const t of left) {
    if (t.kind === "op" && "([{".includes(t.text)) depth += 1;
    else if (t.kind === "op" && ")]}".includes(t.text)) depth -= 1;
    else if (depth === 0 && t.kind === "op" && ![".", ",", "*"].includes(t.text)) {
      const message = `\`${leftText}\` cannot be assigned to: \`${t.text}\` is an operator, so this is a syntax error and xm and xl refuse the whole file`;
      report(c, "cfg-syntax", "error", message, t.start, "config keys are Python names: letters, digits and `_`");
      return void skipLogicalLine(c);
    }
  }
  codeStatement(c, left[0] ?? peek(c), `the assignment to \`${leftText}\``);
  skipLogicalLine(c);
}

/** Reports a statement that is code. */
function codeStatement(c: Cursor, t: Token, what: string): void {
  const message = `${what} is code, which xennet never runs, so it is skipped (xm would run it; xl rejects it)`;
  reportDialect(c, "cfg-code", XM_XL_CODE, message, t.start, CODE_HINT);
}

/** `if ...:` and its indented body (with elif/else clauses): skipped with one diagnostic. */
function compound(c: Cursor, header: Token): void {
  const indent = columnOf(c, header);
  let last = skipLogicalLine(c) ?? header;
  let blockFollows = isOp(last, ":");
  while (blockFollows) {
    while (peek(c).kind === "newline") next(c);
    const t = peek(c);
    if (t.kind === "eof" || !t.lineStart) break;
    const col = columnOf(c, t);
    if (col > indent || (col === indent && t.kind === "name" && CLAUSES.has(t.text))) last = skipLogicalLine(c) ?? last;
    else blockFollows = false;
  }
  const from = spanAt(c.index, header.start).line;
  const to = spanAt(c.index, last.start).line;
  const lines = from === to ? `line ${from}` : `lines ${from}-${to}`;
  codeStatement(c, header, `the \`${header.text}\` statement (${lines})`);
}

/** Width of the indentation before a token on its line. */
function columnOf(c: Cursor, t: Token): number {
  return spanAt(c.index, t.start).column;
}

/**
 * Consumes the rest of a logical line (to a newline or `;` outside brackets), checking bracket
 * balance; an unclosed bracket followed by a `name =` line ends the line there. Returns the last
 * token consumed.
 */
function skipLogicalLine(c: Cursor): Token | undefined {
  const stack: Token[] = [];
  let last: Token | undefined;
  for (;;) {
    const t = peek(c);
    if (t.kind === "eof") {
      if (stack.length > 0) unclosed(c, stack[stack.length - 1]!);
      return last;
    }
    if (stack.length === 0 && (t.kind === "newline" || isOp(t, ";"))) return last;
    if (t.kind === "newline" && startsStatementAt(c, 1)) {
      unclosed(c, stack[stack.length - 1]!);
      next(c);
      return last;
    }
    if (t.kind === "op" && "([{".includes(t.text)) stack.push(t);
    else if (t.kind === "op" && ")]}".includes(t.text)) closeBracket(c, stack, t);
    last = t.kind === "newline" ? last : t;
    next(c);
  }
}

function closeBracket(c: Cursor, stack: Token[], t: Token): void {
  const open = stack.pop();
  if (open === undefined) report(c, "cfg-unmatched-bracket", "error", `\`${t.text}\` closes nothing (a syntax error: xm and xl refuse the file)`, t.start);
  else if (closerOf(open.text) !== t.text) {
    report(c, "cfg-unmatched-bracket", "error", `\`${t.text}\` does not match \`${open.text}\` opened at ${where(c, open)} (a syntax error)`, t.start);
  }
}

function unclosed(c: Cursor, opener: Token): void {
  report(c, "cfg-unclosed-bracket", "error", `\`${opener.text}\` opened at ${where(c, opener)} is never closed (a syntax error: xm and xl refuse the file)`, opener.start);
}
