// Reads one right-hand side of a .cfg assignment as a Python literal (the subset of Python 2
// grammar, Language Reference 2.7 §5.2 "Atoms", that ast.literal_eval accepts): strings with
// implicit concatenation, signed numbers, True/False/None, lists, tuples and dicts, newlines allowed
// inside brackets. It evaluates nothing: the first token that would need Python to run (a name, a
// call, an operator) stops it with a `code` failure naming that token, and a token Python itself
// would reject stops it with a `syntax` failure. An unclosed bracket is reported here and the
// partial value kept, so one missing `]` costs one value, not the rest of the file.

import type { Token } from "./lexer.ts";
import { closerOf, isOp, next, peek, report, reportDialect, startsStatementAt, tokenRange, where, type Cursor } from "./cursor.ts";
import type { PyStr, PyValue, StrPiece } from "./py-value.ts";
import { spanAt } from "../source-text.ts";

/** Why a literal stopped: code (valid Python, not a literal), syntax (invalid), silent (already reported). */
export type StopKind = "code" | "syntax" | "silent";

/** The outcome of reading a value. */
export type LiteralResult =
  | { readonly ok: true; readonly value: PyValue }
  | { readonly ok: false; readonly at: Token; readonly kind: StopKind; readonly reason: string };

const TRAILERS: Readonly<Record<string, string>> = { "(": "a call", "[": "a subscript", ".": "an attribute access", "`": "a backquote expression" };
const BINARY = new Set(["+", "-", "*", "/", "%", "**", "//", "<<", ">>", "&", "|", "^", "<", ">", "<=", ">=", "==", "!=", "<>", "@", "~"]);
const EXPR_WORDS = new Set(["if", "else", "and", "or", "not", "in", "is", "for", "lambda", "yield", "await"]);
const CLOSING = new Set([")", "]", "}"]);
/** Python 2 keywords that can never start a value (EXPR_WORDS can, as code). */
export const STATEMENT_WORDS = new Set([
  "import", "from", "def", "class", "return", "pass", "break", "continue", "del", "global", "nonlocal",
  "assert", "raise", "try", "except", "finally", "while", "with", "as", "elif", "exec", "print",
]);

const fail = (at: Token, kind: StopKind, reason: string): LiteralResult => ({ ok: false, at, kind, reason });

/**
 * Python literal syntax that xl's libxlu parser (libxlu_cfg_l.l / _y.y: lower-case names, '...' or
 * "..." strings, digit-led numbers, [ ] lists) does not accept, though xm does.
 */
export function notXl(c: Cursor, at: Token, what: string): void {
  reportDialect(c, "cfg-not-xl", { xm: null, xl: "error" }, `${what}: xm reads it, xl's parser does not`, at.start, "xl takes quoted strings, plain numbers and [ ] lists");
}

/** Why `t` cannot come where a value should end or continue. */
export function stopReason(t: Token): { kind: StopKind; reason: string } {
  if (t.kind === "error") return { kind: "silent", reason: "" };
  if (t.kind === "op" && TRAILERS[t.text] !== undefined) return { kind: "code", reason: TRAILERS[t.text]! };
  if (t.kind === "op" && BINARY.has(t.text)) return { kind: "code", reason: `the operator \`${t.text}\`` };
  if (t.kind === "name" && EXPR_WORDS.has(t.text)) return { kind: "code", reason: `the keyword \`${t.text}\`` };
  if (t.kind === "eof") return { kind: "syntax", reason: "the file ends where a value should be" };
  if (t.kind === "newline") return { kind: "syntax", reason: "the line ends where a value should be" };
  return { kind: "syntax", reason: `\`${t.text}\` cannot follow here (is a comma missing?)` };
}

/** Reads `a` or `a, b, ...` (a bare tuple) up to the end of the statement. */
export function readExprList(c: Cursor): LiteralResult {
  const first = peek(c);
  const head = readValue(c);
  if (!head.ok || !isOp(peek(c), ",")) return head;
  const items = [head.value];
  let last = first;
  while (isOp(peek(c), ",")) {
    last = next(c);
    const t = peek(c);
    if (t.kind === "newline" || t.kind === "eof" || isOp(t, ";")) break;
    const item = readValue(c);
    if (!item.ok) return item;
    items.push(item.value);
    last = c.tokens[c.pos - 1] ?? last;
  }
  notXl(c, first, "a tuple");
  return { ok: true, value: { kind: "tuple", items, range: tokenRange(c, first, last) } };
}

/** Reads one value and checks that no operator or trailer continues it. */
export function readValue(c: Cursor): LiteralResult {
  const result = readAtom(c);
  if (!result.ok || c.resync) return result;
  const t = peek(c);
  const stop = stopReason(t);
  const continues = t.kind === "op" ? TRAILERS[t.text] !== undefined || BINARY.has(t.text) : t.kind === "name" && EXPR_WORDS.has(t.text);
  return continues ? fail(t, stop.kind, stop.reason) : result;
}

function readAtom(c: Cursor): LiteralResult {
  const t = peek(c);
  if (t.kind === "string") return readStrings(c);
  if (t.kind === "number") return readNumber(c, next(c), 1, t);
  if (t.kind === "op" && (t.text === "-" || t.text === "+") && peek(c, 1).kind === "number") {
    next(c);
    return readNumber(c, next(c), t.text === "-" ? -1 : 1, t);
  }
  if (t.kind === "name") return readName(c, t);
  if (isOp(t, "[")) return readSeq(c, "list");
  if (isOp(t, "(")) return readSeq(c, "tuple");
  if (isOp(t, "{")) return readDict(c);
  if (t.kind === "op" && (TRAILERS[t.text] !== undefined || BINARY.has(t.text))) return fail(t, "code", `the operator \`${t.text}\``);
  if (t.kind === "error") return fail(t, "silent", "");
  if (t.kind === "op" && CLOSING.has(t.text)) return fail(t, "silent", ""); // the line skipper reports brackets
  if (t.kind === "newline" || t.kind === "eof") return fail(t, "syntax", stopReason(t).reason);
  return fail(t, "syntax", `\`${t.text}\` where a value should be`);
}

function readName(c: Cursor, t: Token): LiteralResult {
  const constants: Readonly<Record<string, PyValue["kind"]>> = { True: "bool", False: "bool", None: "none" };
  const kind = constants[t.text];
  next(c);
  const range = tokenRange(c, t, t);
  if (kind !== undefined) notXl(c, t, `\`${t.text}\` is a Python constant`);
  if (kind === "bool") return { ok: true, value: { kind: "bool", value: t.text === "True", range } };
  if (kind === "none") return { ok: true, value: { kind: "none", range } };
  if (EXPR_WORDS.has(t.text)) return fail(t, "code", `the keyword \`${t.text}\``);
  if (STATEMENT_WORDS.has(t.text)) return fail(t, "syntax", `\`${t.text}\` is a Python keyword, not a value`);
  return fail(t, "code", `the name \`${t.text}\` used as a value`);
}

function readNumber(c: Cursor, t: Token, sign: number, first: Token): LiteralResult {
  const num = t.num!;
  if (num.imaginary) return fail(t, "code", "a complex number");
  if (num.legacyOctal && /[1-9]/.test(t.text)) {
    report(c, "cfg-octal", "info", `\`${t.text}\` has a leading zero, so Python 2 and xl read it as octal: ${num.value}`, t.start);
  }
  const range = tokenRange(c, first, t);
  const text = c.text.slice(first.start, t.end);
  if (first !== t || !/^[0-9][0-9a-fx]*$/.test(t.text)) notXl(c, first, `the number \`${text}\``);
  const value = sign * num.value;
  return { ok: true, value: num.float ? { kind: "float", value, text, range } : { kind: "int", value, text, range } };
}

/** Adjacent string literals form one string, even across lines inside brackets. */
function readStrings(c: Cursor): LiteralResult {
  const first = peek(c);
  let value = "";
  const pieces: StrPiece[] = [];
  let last = first;
  for (;;) {
    const t = next(c);
    if (t.str!.formatted) return fail(t, "code", "an f-string (formatted when Python runs)");
    if (t !== first && t.lineStart && c.nest[c.nest.length - 1] === "[") {
      const line = spanAt(c.index, last.start).line;
      report(c, "cfg-implicit-concat", "warning", `this string is joined to the one on line ${line}, as Python joins adjacent strings: is a comma missing?`, t.start);
    }
    if (t !== first) notXl(c, t, "joining adjacent strings");
    else if (!/^(['"])(?!\1\1)/.test(t.text)) notXl(c, t, "a prefixed or triple-quoted string");
    for (const p of t.str!.pieces) pieces.push({ ...p, at: p.at + value.length });
    value += t.str!.value;
    last = t;
    const ahead = newlinesBefore(c);
    if (peek(c, ahead).kind !== "string") break;
    c.pos += ahead;
  }
  const str: PyStr = { kind: "str", value, range: tokenRange(c, first, last), pieces };
  return { ok: true, value: str };
}

/** How many newline tokens come next inside brackets (none outside: there a newline ends the statement). */
function newlinesBefore(c: Cursor): number {
  let k = 0;
  while (c.nest.length > 0 && peek(c, k).kind === "newline" && !startsStatementAt(c, k + 1)) k += 1;
  return k;
}

/** Skips newlines inside brackets; reports and resyncs when the bracket was evidently never closed. */
function skipNewlines(c: Cursor, opener: Token): boolean {
  while (peek(c).kind === "newline" && !startsStatementAt(c, 1)) next(c);
  const t = peek(c);
  const unclosed = t.kind === "eof" || (t.kind === "newline" && startsStatementAt(c, 1));
  if (!unclosed) return false;
  const what = `\`${opener.text}\` opened at ${where(c, opener)} is never closed (a syntax error: xm and xl refuse the file)`;
  report(c, "cfg-unclosed-bracket", "error", what, opener.start);
  if (t.kind === "newline") next(c);
  c.resync = true;
  return true;
}

/** Nesting beyond this is not read (no config needs it; it keeps deep input off the call stack). */
const MAX_NESTING = 100;

/** Runs `body` with `opener` pushed on the bracket stack. */
function nested(c: Cursor, opener: Token, body: () => LiteralResult): LiteralResult {
  if (c.nest.length >= MAX_NESTING) {
    report(c, "cfg-too-deep", "error", `brackets nested more than ${MAX_NESTING} deep: xennet does not read this value`, opener.start);
    return fail(opener, "silent", "");
  }
  c.nest.push(opener.text);
  const result = body();
  c.nest.pop();
  return result;
}

/** `[...]` or `(...)`; a parenthesised single value without a comma is that value. */
function readSeq(c: Cursor, kind: "list" | "tuple"): LiteralResult {
  const opener = next(c);
  const closer = closerOf(opener.text);
  const items: PyValue[] = [];
  let comma = false;
  let last = opener;
  const done = (end: Token): LiteralResult => {
    if (kind === "tuple" && items.length === 1 && !comma) return { ok: true, value: items[0]! };
    if (kind === "tuple") notXl(c, opener, "a tuple");
    return { ok: true, value: { kind, items, range: tokenRange(c, opener, end) } };
  };
  return nested(c, opener, () => {
    for (;;) {
      if (skipNewlines(c, opener)) return done(last);
      if (isOp(peek(c), closer)) return done(next(c));
      const item = readValue(c);
      if (!item.ok) return item;
      items.push(item.value);
      last = c.tokens[c.pos - 1] ?? last;
      if (c.resync || skipNewlines(c, opener)) return done(last);
      if (isOp(peek(c), closer)) return done(next(c));
      if (!isOp(peek(c), ",")) return mismatch(c, opener);
      last = next(c);
      comma = true;
    }
  });
}

/** `{key: value, ...}`; a set display `{a, b}` is code (literal_eval would accept it, xm never needs it). */
function readDict(c: Cursor): LiteralResult {
  const opener = next(c);
  const entries: { key: PyValue; value: PyValue }[] = [];
  let last = opener;
  const done = (end: Token): LiteralResult => {
    notXl(c, opener, "a dict");
    return { ok: true, value: { kind: "dict", entries, range: tokenRange(c, opener, end) } };
  };
  return nested(c, opener, () => {
    for (;;) {
      if (skipNewlines(c, opener)) return done(last);
      if (isOp(peek(c), "}")) return done(next(c));
      const key = readValue(c);
      if (!key.ok) return key;
      if (c.resync || skipNewlines(c, opener)) return done(last);
      if (isOp(peek(c), ",") || isOp(peek(c), "}")) return fail(peek(c), "code", "a set display");
      if (!isOp(peek(c), ":")) return mismatch(c, opener);
      next(c);
      if (skipNewlines(c, opener)) return done(last);
      const value = readValue(c);
      if (!value.ok) return value;
      entries.push({ key: key.value, value: value.value });
      last = c.tokens[c.pos - 1] ?? last;
      if (c.resync || skipNewlines(c, opener)) return done(last);
      if (isOp(peek(c), "}")) return done(next(c));
      if (!isOp(peek(c), ",")) return mismatch(c, opener);
      last = next(c);
    }
  });
}

/** The token after an item is neither `,` nor the closer. */
function mismatch(c: Cursor, opener: Token): LiteralResult {
  const t = peek(c);
  if (t.kind === "op" && CLOSING.has(t.text)) return fail(t, "silent", ""); // the line skipper reports brackets
  const stop = stopReason(t);
  if (stop.kind === "syntax") return fail(t, "syntax", `${stop.reason} inside \`${opener.text}\` opened at ${where(c, opener)}`);
  return fail(t, stop.kind, stop.reason);
}
