// The tokenizer for Xen domain .cfg files, following the Python 2 tokenizer that xm's `execfile`
// uses (Python Language Reference 2.7, chapter 2 "Lexical analysis"): names, numbers (decimal,
// 0x hex, 0o/legacy 0777 octal, 0b binary, floats, L and j suffixes), strings (py-string.ts),
// operators, `#` comments, backslash line continuation. Unlike Python it emits a `newline` token for
// every physical line end, even inside brackets: the reader decides what a newline means, which
// lets it recover from an unclosed bracket instead of swallowing the rest of the file.
// Every token records whether it starts its physical line and whether whitespace precedes it there
// (Python's "unexpected indent"). Nothing throws; bad input becomes `error` tokens and reports.

import { scanString, type ReportFn, type StringLiteral } from "./py-string.ts";

/** What a token is. */
export type TokenKind = "name" | "number" | "string" | "op" | "newline" | "eof" | "error";

/** A number literal's meaning. */
export interface NumberLiteral {
  readonly value: number;
  readonly float: boolean;
  readonly imaginary: boolean;
  /** Python 2's leading-zero octal, e.g. `0755` = 493. */
  readonly legacyOctal: boolean;
}

/** One token; `start`/`end` are source offsets. */
export interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** First token on its physical line (not counting lines joined by a backslash). */
  readonly lineStart: boolean;
  /** Whitespace comes before this token on its line. */
  readonly indented: boolean;
  readonly str?: StringLiteral;
  readonly num?: NumberLiteral;
}

const OPERATORS = [
  "**=", "//=", ">>=", "<<=",
  "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "<>", "->", ":=",
  "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
  "+", "-", "*", "/", "%", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]", "{", "}",
  ",", ":", ".", ";", "@", "=", "`",
];

const STRING_PREFIXES = new Set(["r", "u", "b", "f", "br", "rb", "ur", "fr", "rf"]);

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const isIdentStart = (c: string | undefined) => c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_");
const isIdentChar = (c: string | undefined) => isIdentStart(c) || isDigit(c);

/** Splits `text` into tokens, always ending with one `eof` token. */
export function tokenize(text: string, report: ReportFn): Token[] {
  const tokens: Token[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a UTF-8 BOM: Python 2 reads it as a coding mark
  let lineStart = true;
  let indented = false;
  const push = (kind: TokenKind, start: number, end: number, extra?: Partial<Token>) => {
    tokens.push({ kind, start, end, text: text.slice(start, end), lineStart, indented, ...extra });
    lineStart = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\f" || c === "\r") {
      indented = true;
      i += 1;
    } else if (c === "\n") {
      push("newline", i, i + 1);
      lineStart = true;
      indented = false;
      i += 1;
    } else if (c === "#") {
      i = skipComment(text, i, report);
    } else if (c === "\\") {
      i = continuation(text, i, report);
    } else if (isIdentStart(c)) {
      i = scanWord(text, i, report, push);
    } else if (isDigit(c) || (c === "." && isDigit(text[i + 1]))) {
      const end = scanNumber(text, i, report, push);
      i = end;
    } else if (c === "'" || c === '"') {
      const lit = scanString(text, i, 0, report);
      push("string", i, lit.end, { str: lit });
      i = lit.end;
    } else {
      i = scanOperator(text, i, report, push);
    }
  }
  push("eof", text.length, text.length);
  return tokens;
}

type PushFn = (kind: TokenKind, start: number, end: number, extra?: Partial<Token>) => void;

function skipComment(text: string, i: number, report: ReportFn): number {
  const end = text.indexOf("\n", i);
  const stop = end === -1 ? text.length : end;
  const nul = text.indexOf("\0", i);
  if (nul !== -1 && nul < stop) report("cfg-invalid-character", "error", "NUL byte in a comment: Python refuses the file", nul);
  return stop;
}

/** A backslash outside a string must end its line (explicit line joining). */
function continuation(text: string, i: number, report: ReportFn): number {
  if (text[i + 1] === "\n") return i + 2;
  if (text[i + 1] === "\r" && text[i + 2] === "\n") return i + 3;
  report("cfg-stray-backslash", "error", "unexpected character after line continuation character `\\` (a syntax error)", i);
  return i + 1;
}

/** A name, or a string prefix followed by its literal. */
function scanWord(text: string, i: number, report: ReportFn, push: PushFn): number {
  let j = i;
  while (isIdentChar(text[j])) j += 1;
  const word = text.slice(i, j).toLowerCase();
  if ((text[j] === "'" || text[j] === '"') && STRING_PREFIXES.has(word)) {
    const lit = scanString(text, i, j - i, report);
    push("string", i, lit.end, { str: lit });
    return lit.end;
  }
  push("name", i, j);
  return j;
}

function scanOperator(text: string, i: number, report: ReportFn, push: PushFn): number {
  const op = OPERATORS.find((o) => text.startsWith(o, i));
  if (op !== undefined) {
    push("op", i, i + op.length);
    return i + op.length;
  }
  const cp = text.codePointAt(i) ?? 0;
  const width = cp > 0xffff ? 2 : 1;
  const shown = cp < 0x20 || cp === 0x7f ? `U+${cp.toString(16).toUpperCase().padStart(4, "0")}` : `\`${text.slice(i, i + width)}\``;
  report("cfg-invalid-character", "error", `invalid character ${shown} outside a string or comment (a syntax error)`, i);
  push("error", i, i + width);
  return i + width;
}

/** Scans a number literal at `i`; malformed ones become an `error` token. */
function scanNumber(text: string, i: number, report: ReportFn, push: PushFn): number {
  const based = /^0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)/.exec(text.slice(i, i + 64));
  let j = i;
  let value: number;
  let float = false;
  let legacyOctal = false;
  let bad = "";
  if (based) {
    j = i + based[0].length;
    const radix = { x: 16, o: 8, b: 2 }[based[1]![0]!.toLowerCase() as "x" | "o" | "b"];
    value = parseInt(based[1]!.slice(1), radix);
  } else {
    while (isDigit(text[j])) j += 1;
    if (text[j] === ".") {
      float = true;
      j += 1;
      while (isDigit(text[j])) j += 1;
    }
    const exp = /^[eE][+-]?[0-9]+/.exec(text.slice(j, j + 32));
    if (exp) {
      float = true;
      j += exp[0].length;
    }
    const digits = text.slice(i, j);
    value = Number(digits);
    if (!float && digits.length > 1 && digits.startsWith("0")) {
      legacyOctal = true;
      if (/^[0-7]+$/.test(digits)) value = parseInt(digits, 8);
      else bad = `\`${digits}\` has a leading zero but is not octal (a syntax error)`;
    }
  }
  let imaginary = false;
  if ((text[j] === "l" || text[j] === "L") && !float) j += 1;
  else if (text[j] === "j" || text[j] === "J") {
    imaginary = true;
    j += 1;
  }
  if (isIdentChar(text[j]) || (text[j] === "." && !float && !based)) {
    while (isIdentChar(text[j]) || text[j] === ".") j += 1;
    bad = `malformed number \`${text.slice(i, j)}\` (a syntax error)`;
  }
  if (bad) {
    report("cfg-bad-number", "error", bad, i);
    push("error", i, j);
  } else push("number", i, j, { num: { value, float, imaginary, legacyOctal } });
  return j;
}
