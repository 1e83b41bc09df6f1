// The tokens of dhcpd.conf(5) as ISC DHCP 4.1.1's common/conflex.c cuts them: blanks separate,
// `#` comments run to the end of the line, `"…"` is a STRING (with \t \r \n \b and octal/hex
// escapes), a run starting with a digit or `-` is a NUMBER while it stays decimal, a
// NUMBER_OR_NAME while it stays hexadecimal and a NAME once it holds other letters, `-` or `_`; a
// run starting with a letter is a NAME (keywords are NAMEs dhcpd knows, case-insensitively); any
// other character is a token of its own (`;` `{` `}` `,` `.` `:` `/` `=` ...). Each token keeps
// the line and column dhcpd's parse_warn() prints and points its caret at.

import type { Span } from "../diagnostic.ts";

/** A token kind. */
export type TokenKind = "string" | "number" | "number-or-name" | "name" | "punct" | "eof";

/** One token. */
export interface Token {
  readonly kind: TokenKind;
  /** The text (a string's contents, unescaped; a punctuation character). */
  readonly text: string;
  readonly span: Span;
}

const isDigit = (c: string): boolean => c >= "0" && c <= "9";
const isHex = (c: string): boolean => /^[0-9a-fA-F]$/.test(c);
const isAlnum = (c: string): boolean => /^[0-9a-zA-Z]$/.test(c);
const isBlank = (c: string): boolean => c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\v" || c === "\f";

/** read_number's promotion NUMBER → NUMBER_OR_NAME → NAME, never back (except the `0x` prefix). */
function numberKind(word: string): TokenKind {
  let kind: TokenKind = "number";
  for (let i = 1; i < word.length; i++) {
    const c = word.charAt(i);
    if (kind === "number" && isDigit(c)) continue;
    if (kind !== "name" && isHex(c)) {
      kind = "number-or-name";
      continue;
    }
    kind = i === 2 && isHex(c) && word.charAt(0) === "0" && (word.charAt(1) === "x" || word.charAt(1) === "X") ? "number-or-name" : "name";
  }
  return word === "-" ? "name" : kind;
}

function unescape(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e.startsWith("x") && e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return e === "t" ? "\t" : e === "r" ? "\r" : e === "n" ? "\n" : e === "b" ? "\b" : e;
  });
}

/** Cuts a whole file into tokens, ending with one `eof` token. */
export function tokenize(file: string, text: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let lineStart = 0;
  const at = (i: number): Span => ({ file, line, column: i - lineStart + 1 });
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === "\n") {
      i++;
      line++;
      lineStart = i;
    } else if (isBlank(c)) {
      i++;
    } else if (c === "#") {
      while (i < text.length && text.charAt(i) !== "\n") i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text.charAt(j) !== '"') j += text.charAt(j) === "\\" ? 2 : 1;
      const span = at(i);
      const body = text.slice(i + 1, Math.min(j, text.length));
      out.push({ kind: "string", text: unescape(body), span });
      for (const nl of body.matchAll(/\n/g)) {
        line++;
        lineStart = i + 1 + nl.index + 1;
      }
      i = Math.min(j + 1, text.length);
    } else if (isDigit(c) || c === "-" || /[a-zA-Z]/.test(c)) {
      let j = i + 1;
      while (j < text.length && (isAlnum(text.charAt(j)) || text.charAt(j) === "-" || text.charAt(j) === "_")) j++;
      const word = text.slice(i, j);
      out.push({ kind: isDigit(c) || c === "-" ? numberKind(word) : /^[0-9a-fA-F]+$/.test(word) ? "number-or-name" : "name", text: word, span: at(i) });
      i = j;
    } else {
      out.push({ kind: "punct", text: c, span: at(i) });
      i++;
    }
  }
  out.push({ kind: "eof", text: "", span: at(Math.min(i, text.length)) });
  return out;
}

/** Whether the token is an identifier (a NAME, or a NUMBER_OR_NAME such as `ab`). */
export function isIdentifier(t: Token): boolean {
  return t.kind === "name" || t.kind === "number-or-name";
}
