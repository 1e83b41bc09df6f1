// The S-expression reader for /etc/xen/xend-config.sxp, following xend's own parser character for
// character (tools/python/xen/xend/sxp.py, Xen 4.0): `(` `)` lists; `#` comments to end of line;
// whitespace ` \t\n\v\f\r`; strings in '...' or "..." with escapes \a \b \t \n \v \f \r \\ \' \"
// \ooo and \xhh; atoms that start with any other printable ASCII character and run until whitespace,
// `#` or one of `{}()<>[]!;`. Its quirks are kept and reported: an unknown escape keeps the
// backslash and drops the character after it, `\x` without two hex digits crashes sxp.py (NameError),
// a non-ASCII byte where a token starts is "invalid character". Any error stops xend from starting,
// so errors are `error`s; reading still goes on. If the file ends inside a string or a list, it is
// read again with recovery: a `(` at the start of a line closes whatever was left open.

import { diagnostic, type Diagnostic, type Parsed } from "../diagnostic.ts";
import { lineIndex, rangeOf, spanAt, type LineIndex, type Range } from "../source-text.ts";

/** A word or a quoted string. */
export interface SxpAtom {
  readonly kind: "atom";
  readonly value: string;
  readonly quoted: boolean;
  readonly range: Range;
}

/** A parenthesised list. */
export interface SxpList {
  readonly kind: "list";
  readonly items: readonly SxpNode[];
  readonly range: Range;
}

/** Either node. */
export type SxpNode = SxpAtom | SxpList;

/** All top-level expressions of a file, in order. */
export interface SxpDocument {
  readonly forms: readonly SxpNode[];
}

const SPACE = new Set([" ", "\t", "\n", "\v", "\f", "\r"]);
const SEPARATORS = new Set(["{", "}", "(", ")", "<", ">", "[", "]", "!", ";"]);
const ESCAPES: Readonly<Record<string, string>> = { a: "\x07", b: "\b", t: "\t", n: "\n", v: "\v", f: "\f", r: "\r", "\\": "\\", "'": "'", '"': '"' };
const REFUSED = "xend refuses to start";
/** Lists nested deeper than this are checked for balance but not kept (keeps the tree shallow for its users). */
const MAX_NESTING = 100;

interface Pass {
  readonly text: string;
  readonly index: LineIndex;
  readonly recover: boolean;
  readonly diagnostics: Diagnostic[];
  hitEof: boolean;
}

/** Reads S-expressions from `text` (the contents of `file`); never throws. */
export function readSxp(text: string, file: string): Parsed<SxpDocument> {
  const index = lineIndex(file, text);
  const first = runPass(text, index, false);
  const result = first.pass.hitEof ? runPass(text, index, true) : first;
  return { value: { forms: result.forms }, diagnostics: result.pass.diagnostics };
}

function runPass(text: string, index: LineIndex, recover: boolean): { forms: SxpNode[]; pass: Pass } {
  const pass: Pass = { text, index, recover, diagnostics: [], hitEof: false };
  const top: SxpNode[] = [];
  const stack: { start: number; items: SxpNode[] }[] = [];
  const add = (n: SxpNode) => (stack[stack.length - 1]?.items ?? top).push(n);
  const close = (end: number) => {
    const open = stack.pop()!;
    add({ kind: "list", items: open.items, range: rangeOf(index, open.start, end) });
  };
  let i = 0;
  let hidden = 0; // lists open beyond MAX_NESTING
  while (i < text.length) {
    const c = text[i]!;
    if (hidden > 0 && (c === "(" || c === ")")) {
      hidden += c === "(" ? 1 : -1;
      i += 1;
      continue;
    }
    if (c === "\x04") {
      report(pass, "sxp-eot", "info", "a Ctrl-D (EOT) character: xend stops reading the file here", i);
      break;
    }
    if (SPACE.has(c)) i += 1;
    else if (c === "#") i = lineEnd(text, i);
    else if (c === "(") {
      if (recover && stack.length > 0 && (i === 0 || text[i - 1] === "\n")) {
        report(pass, "sxp-unclosed", "error", `this \`(\` is never closed (unexpected EOF): ${REFUSED}`, stack[0]!.start);
        while (stack.length > 0) close(i);
      }
      if (stack.length >= MAX_NESTING) {
        report(pass, "sxp-too-deep", "error", `lists nested more than ${MAX_NESTING} deep: xennet does not keep what is inside`, i);
        hidden = 1;
      } else stack.push({ start: i, items: [] });
      i += 1;
    } else if (c === ")") {
      if (stack.length === 0) report(pass, "sxp-unmatched", "error", `\`)\` closes nothing ("syntax error: )"): ${REFUSED}`, i);
      else close(i + 1);
      i += 1;
    } else if (c === "'" || c === '"') i = readString(pass, i, add);
    else if (c > " " && c <= "~") i = readAtom(pass, i, add);
    else i = invalid(pass, i);
  }
  if (stack.length > 0) {
    pass.hitEof = true;
    report(pass, "sxp-unclosed", "error", `this \`(\` is never closed (unexpected EOF): ${REFUSED}`, stack[0]!.start);
    while (stack.length > 0) close(text.length);
  }
  return { forms: top, pass };
}

function report(pass: Pass, code: string, severity: "error" | "warning" | "info", message: string, offset: number): void {
  pass.diagnostics.push(diagnostic(code, severity, message, spanAt(pass.index, offset)));
}

function lineEnd(text: string, i: number): number {
  const nl = text.indexOf("\n", i);
  return nl === -1 ? text.length : nl;
}

/** An atom: its first character unconditionally, then up to whitespace, `#` or a separator. */
function readAtom(pass: Pass, i: number, add: (n: SxpNode) => void): number {
  let j = i + 1;
  while (j < pass.text.length && !SPACE.has(pass.text[j]!) && !SEPARATORS.has(pass.text[j]!) && pass.text[j] !== "#") j += 1;
  add({ kind: "atom", value: pass.text.slice(i, j), quoted: false, range: rangeOf(pass.index, i, j) });
  return j;
}

function invalid(pass: Pass, i: number): number {
  const cp = pass.text.codePointAt(i) ?? 0;
  const what = cp > 0x7f ? `non-ASCII character U+${cp.toString(16).toUpperCase().padStart(4, "0")}` : `control character ${cp}`;
  report(pass, "sxp-invalid-character", "error", `${what} where a token starts ("invalid character"): ${REFUSED}`, i);
  return i + (cp > 0xffff ? 2 : 1);
}

/** A quoted string with sxp.py's escapes; returns the offset after it. */
function readString(pass: Pass, i: number, add: (n: SxpNode) => void): number {
  const { text } = pass;
  const delim = text[i]!;
  let value = "";
  let j = i + 1;
  for (;;) {
    const ch = text[j];
    const cut = pass.recover && ch === "\n" && text[j + 1] === "(";
    if (ch === undefined || cut) {
      pass.hitEof = true;
      report(pass, "sxp-unterminated-string", "error", `this string is never closed (unexpected EOF): ${REFUSED}`, i);
      add({ kind: "atom", value, quoted: true, range: rangeOf(pass.index, i, j) });
      return j;
    }
    if (ch === delim) {
      add({ kind: "atom", value, quoted: true, range: rangeOf(pass.index, i, j + 1) });
      return j + 1;
    }
    if (ch === "\\") {
      const [decoded, next] = escape(pass, j);
      value += decoded;
      j = next;
    } else {
      value += ch;
      j += 1;
    }
  }
}

/** The escape at `j` (a backslash): what it adds to the value and where scanning resumes. */
function escape(pass: Pass, j: number): [string, number] {
  const { text } = pass;
  const e = text[j + 1];
  if (e === undefined) return ["", j + 1];
  const simple = ESCAPES[e];
  if (simple !== undefined) return [simple, j + 2];
  if (e === "x") {
    const hex = text.slice(j + 2, j + 4);
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) return [String.fromCharCode(parseInt(hex, 16)), j + 4];
    report(pass, "sxp-bad-escape", "error", `\`\\x\` must be followed by two hex digits: sxp.py crashes on this (NameError) and ${REFUSED}`, j);
    return ["", j + 2];
  }
  if (e >= "0" && e <= "7") {
    let k = j + 1;
    let n = 0;
    while (k < j + 4 && (text[k] ?? "") >= "0" && (text[k] ?? "") <= "7") n = n * 8 + Number(text[k++]);
    if (n > 0xff) report(pass, "sxp-bad-escape", "error", `octal escape \`${text.slice(j, k)}\` is above \\377 ("invalid octal escape: out of range"): ${REFUSED}`, j);
    return [String.fromCharCode(n & 0xff), k];
  }
  const message = `unknown escape \`\\${e}\`: xend keeps the backslash and drops \`${e}\``;
  report(pass, "sxp-bad-escape", "warning", message, j);
  return ["\\", j + 2];
}
