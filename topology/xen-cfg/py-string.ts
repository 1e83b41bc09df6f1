// Python string literals, decoded as the Python 2 tokenizer xm runs them through (Python Language
// Reference 2.7, §2.4.1 "String literals"): single, double and triple quotes, the r/u/b prefixes
// (and f, which makes the literal code), backslash escapes \\ \' \" \a \b \f \n \r \t \v \ooo \xhh,
// \uXXXX \UXXXXXXXX \N{...} in unicode literals only, unknown escapes kept with their backslash,
// and backslash-newline inside a literal joining lines. Nothing here throws: a bad literal ends
// where Python would give up and the problem is reported through `report`.

import type { Severity } from "../diagnostic.ts";
import type { StrPiece } from "./py-value.ts";

/** Receives one problem found at a source offset. */
export type ReportFn = (code: string, severity: Severity, message: string, offset: number) => void;

/** A scanned string literal. */
export interface StringLiteral {
  readonly end: number;
  readonly value: string;
  readonly pieces: readonly StrPiece[];
  /** An f-string: Python formats it at run time, so it is code. */
  readonly formatted: boolean;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

/** Builds a value and its pieces; a run of verbatim characters becomes one piece when it ends. */
class Builder {
  private parts: string[] = [];
  private length = 0;
  private runStart = -1; // source offset where the open verbatim run starts
  private runAt = 0;
  private runLength = 0;
  readonly pieces: StrPiece[] = [];

  verbatim(chars: string, offset: number): void {
    if (this.runStart === -1 || this.runStart + this.runLength !== offset) {
      this.flush();
      this.runStart = offset;
      this.runAt = this.length;
    }
    this.runLength += chars.length;
    this.add(chars);
  }

  escape(decoded: string, offset: number, srcLength: number): void {
    this.flush();
    this.pieces.push({ at: this.length, length: decoded.length, offset, srcLength });
    this.add(decoded);
  }

  /** The value so far, with every piece recorded. */
  finish(): { value: string; pieces: StrPiece[] } {
    this.flush();
    return { value: this.parts.join(""), pieces: this.pieces };
  }

  private add(s: string): void {
    this.parts.push(s);
    this.length += s.length;
  }

  private flush(): void {
    if (this.runStart !== -1 && this.runLength > 0) {
      this.pieces.push({ at: this.runAt, length: this.runLength, offset: this.runStart, srcLength: this.runLength });
    }
    this.runStart = -1;
    this.runLength = 0;
  }
}

/**
 * Scans the literal whose prefix starts at `start` (the prefix is `prefixLength` letters long and
 * the quote follows it). Returns where it ends and what it means.
 */
export function scanString(text: string, start: number, prefixLength: number, report: ReportFn): StringLiteral {
  const prefix = text.slice(start, start + prefixLength).toLowerCase();
  const raw = prefix.includes("r");
  const unicode = prefix.includes("u");
  const quoteAt = start + prefixLength;
  const q = text[quoteAt] ?? "'";
  const triple = text[quoteAt + 1] === q && text[quoteAt + 2] === q;
  const out = new Builder();
  let i = quoteAt + (triple ? 3 : 1);
  for (;;) {
    const ch = text[i];
    if (ch === undefined || (!triple && ch === "\n")) {
      const what = triple ? "EOF while scanning a triple-quoted string" : "end of line while scanning a string";
      report("cfg-unterminated-string", "error", `${what}: the quote at this position is never closed`, quoteAt);
      return { end: i, ...out.finish(), formatted: prefix.includes("f") };
    }
    if (triple ? text.startsWith(q.repeat(3), i) : ch === q) {
      return { end: i + (triple ? 3 : 1), ...out.finish(), formatted: prefix.includes("f") };
    }
    if (ch === "\\") i = backslash(text, i, raw, unicode, out, report);
    else {
      if (ch === "\0") report("cfg-invalid-character", "error", "NUL byte inside a string: Python refuses the file", i);
      out.verbatim(ch, i);
      i += 1;
    }
  }
}

/** Handles the backslash at `i`; returns the offset after the escape. */
function backslash(text: string, i: number, raw: boolean, unicode: boolean, out: Builder, report: ReportFn): number {
  const next = text[i + 1];
  if (next === undefined) return i + 1; // the caller reports the unterminated literal
  if (raw) {
    // A raw literal keeps the backslash and the character after it (even a quote or a newline).
    out.verbatim("\\" + next, i);
    return i + 2;
  }
  if (next === "\n") return i + 2; // backslash-newline joins the lines inside the literal
  if (next === "\r" && text[i + 2] === "\n") return i + 3;
  const simple = SIMPLE_ESCAPES[next];
  if (simple !== undefined) {
    out.escape(simple, i, 2);
    return i + 2;
  }
  if (next >= "0" && next <= "7") return octal(text, i, unicode, out);
  if (next === "x") return hexEscape(text, i, 2, out, report);
  if (unicode && next === "u") return hexEscape(text, i, 4, out, report);
  if (unicode && next === "U") return hexEscape(text, i, 8, out, report);
  if (unicode && next === "N" && text[i + 2] === "{") return namedEscape(text, i, out, report);
  out.verbatim("\\" + next, i); // Python keeps an unknown escape as it is
  return i + 2;
}

/** `\o`, `\oo` or `\ooo`: up to three octal digits (a byte string keeps the low 8 bits). */
function octal(text: string, i: number, unicode: boolean, out: Builder): number {
  let j = i + 1;
  let n = 0;
  while (j < i + 4 && (text[j] ?? "") >= "0" && (text[j] ?? "") <= "7") {
    n = n * 8 + Number(text[j]);
    j += 1;
  }
  out.escape(String.fromCharCode(unicode ? n : n & 0xff), i, j - i);
  return j;
}

/** `\xhh`, `\uXXXX`, `\UXXXXXXXX`: exactly `digits` hex digits, else Python rejects the literal. */
function hexEscape(text: string, i: number, digits: number, out: Builder, report: ReportFn): number {
  const hex = text.slice(i + 2, i + 2 + digits);
  const letter = text[i + 1] ?? "x";
  const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === digits ? parseInt(hex, 16) : -1;
  if (code < 0 || code > 0x10ffff) {
    report("cfg-bad-escape", "error", `invalid \\${letter} escape: it needs ${digits} hex digits (Python rejects the literal)`, i);
    out.verbatim("\\" + letter, i);
    return i + 2;
  }
  out.escape(String.fromCodePoint(code), i, 2 + digits);
  return i + 2 + digits;
}

/** `\N{NAME}`: Python looks the name up in the Unicode database, which xennet does not carry. */
function namedEscape(text: string, i: number, out: Builder, report: ReportFn): number {
  const close = text.indexOf("}", i + 3);
  const lineEnd = text.indexOf("\n", i);
  if (close === -1 || (lineEnd !== -1 && close > lineEnd)) {
    report("cfg-bad-escape", "error", "malformed \\N{...} escape: no closing brace (Python rejects the literal)", i);
    out.verbatim("\\N", i);
    return i + 2;
  }
  report("cfg-bad-escape", "warning", `\\N{${text.slice(i + 3, close)}} is a Unicode character name xennet cannot look up; it reads as U+FFFD`, i);
  out.escape("\uFFFD", i, close + 1 - i);
  return close + 1;
}
