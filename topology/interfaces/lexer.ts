// Physical and logical lines of /etc/network/interfaces, exactly as get_line() in ifupdown 0.8.41's
// config.c reads them (interfaces(5), "FILE FORMAT"):
//  - a physical line ends at `\n`; a NUL byte ends its content (fgets + strlen);
//  - leading blanks are stripped; a line whose first non-blank character is `#` is skipped, so
//    there are no end-of-line comments: `address 10.0.0.1 # lan` keeps `# lan` in the value;
//  - a trailing `\` is removed and the next physical line is appended as is (its indentation
//    kept, and even a `#` there is text, not a comment); the comment test is made only once, on
//    the first physical line;
//  - trailing blanks (including the CR of CRLF files) are stripped from the joined line.
// ifupdown numbers its messages with the last physical line it read; spans here point at the
// first character of the logical line, and `locate` maps any offset back to its physical line.

import { isCSpace } from "./clib.ts";

/** Where a piece of a logical line came from: its offset in `text`, and its physical line and column. */
export interface LinePiece {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** One logical line: a keyword or option line after comment removal and continuation joining. */
export interface LogicalLine {
  readonly text: string;
  /** 1-based physical line where the logical line starts. */
  readonly line: number;
  /** 1-based column of `text[0]` on that line. */
  readonly column: number;
  /** ifupdown's line counter after reading this line: the number its error messages print. */
  readonly endLine: number;
  readonly pieces: readonly LinePiece[];
}

function physicalLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((l) => {
    const nul = l.indexOf("\0");
    return nul < 0 ? l : l.slice(0, nul);
  });
}

function trimEnd(s: string): string {
  let end = s.length;
  while (end > 0 && isCSpace(s.charAt(end - 1))) end--;
  return s.slice(0, end);
}

/** Splits a file into non-blank logical lines, in order. */
export function lexLines(text: string): LogicalLine[] {
  const phys = physicalLines(text);
  const out: LogicalLine[] = [];
  let next = 0;
  let counter = 0;
  while (next < phys.length) {
    const raw = phys[next++] ?? "";
    counter++;
    let start = 0;
    while (start < raw.length && isCSpace(raw.charAt(start))) start++;
    let body = raw.slice(start);
    if (body.startsWith("#")) continue;
    const line = counter;
    const pieces: LinePiece[] = [{ offset: 0, line, column: start + 1 }];
    while (body.endsWith("\\")) {
      body = body.slice(0, -1);
      if (next < phys.length) {
        counter++;
        pieces.push({ offset: body.length, line: counter, column: 1 });
        body += phys[next++] ?? "";
      } else if (body.length === 0) {
        return out; // fgets fails at EOF with nothing read: get_line() reports end of file
      } else {
        counter++; // the failed read at EOF still counts a line
      }
    }
    body = trimEnd(body);
    if (body.length > 0) out.push({ text: body, line, column: start + 1, endLine: counter, pieces });
  }
  return out;
}

/** The physical line and column of character `offset` of a logical line. */
export function locate(l: LogicalLine, offset: number): { line: number; column: number } {
  let piece = l.pieces[0] ?? { offset: 0, line: l.line, column: l.column };
  for (const p of l.pieces) if (p.offset <= offset) piece = p;
  return { line: piece.line, column: piece.column + (offset - piece.offset) };
}

/** One whitespace-separated word, as next_word() in config.c reads it (without its 79-byte limit). */
export interface Word {
  readonly text: string;
  /** Offset of the word in the line. */
  readonly start: number;
  /** Offset of the rest of the line after the word and the blanks that follow it. */
  readonly restStart: number;
}

/** The word starting at `from` (blanks before it are already skipped by the caller), or undefined at end of line. */
export function nextWord(text: string, from: number): Word | undefined {
  if (from >= text.length) return undefined;
  let end = from;
  while (end < text.length && !isCSpace(text.charAt(end))) end++;
  let rest = end;
  while (rest < text.length && isCSpace(text.charAt(rest))) rest++;
  return { text: text.slice(from, end), start: from, restStart: rest };
}
