// The `NAME=value` lines of an /etc/default file (a POSIX shell fragment the init script sources),
// read without running it: single quotes literal, double quotes with backslash escapes, an
// unquoted word ending at a blank or `;`, `#` at a word start opening a comment; the last
// assignment of a name wins, as in sh. `$VAR` and command substitutions stay as written.
// Each value also comes split into words (the way the init script later uses `$INTERFACES`),
// every word with its place in the file.

import type { Span } from "../diagnostic.ts";
import type { Spanned } from "../host-config.ts";

/** One assignment. */
export interface ShellVar {
  readonly name: string;
  readonly value: string;
  /** Where the value starts. */
  readonly span: Span;
  /** The value split at blanks, each word located (when the value sits on one line). */
  readonly words: readonly Spanned<string>[];
}

/** The value of a word starting at `line[at]`, with the offset of each character kept. */
function shellValue(line: string, at: number): { text: string; offsets: number[] } {
  let text = "";
  const offsets: number[] = [];
  for (let i = at; i < line.length; i++) {
    const ch = line.charAt(i);
    if (ch === " " || ch === "\t" || ch === ";" || ch === "\r") break;
    if (ch === "'" || ch === '"') {
      const close = line.indexOf(ch, i + 1);
      const end = close < 0 ? line.length : close;
      for (let j = i + 1; j < end; j++) {
        const escaped = ch === '"' && line.charAt(j) === "\\" && '\\"$`'.includes(line.charAt(j + 1));
        if (escaped) j++;
        text += line.charAt(j);
        offsets.push(j);
      }
      i = end;
      continue;
    }
    if (ch === "\\" && i + 1 < line.length) i++;
    text += line.charAt(i);
    offsets.push(i);
  }
  return { text, offsets };
}

/** Every `[export] NAME=value` of a file, last one of each name kept. */
export function readShellVars(file: string, text: string): Map<string, ShellVar> {
  const vars = new Map<string, ShellVar>();
  text.split("\n").forEach((line, i) => {
    const m = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=/.exec(line);
    if (m === null) return;
    const start = m[0].length;
    const { text: value, offsets } = shellValue(line, start);
    const at = (col: number): Span => ({ file, line: i + 1, column: col + 1 });
    const words: Spanned<string>[] = [];
    for (const w of value.matchAll(/[^ \t\n]+/g)) words.push({ value: w[0], span: at(offsets[w.index] ?? start) });
    vars.set(m[1] ?? "", { name: m[1] ?? "", value, span: at(start), words });
  });
  return vars;
}
