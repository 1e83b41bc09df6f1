// The lines of a dnsmasq configuration file as one_file() in dnsmasq 2.55's option.c reads them:
// `"…"` quotes (with the escapes \\ \" \t \n \e \b \r) hide the characters dnsmasq treats as
// syntax — `,` `:` `.`, blanks, hex digits — from the option parsers ("missing \"" when a quote
// is not closed); `#` starts a comment only at the start of a line or after a blank; trailing
// blanks are dropped; an option is `name`, or `name=value` with blanks allowed around the `=`.
// Hidden characters are kept here as private-use code points (U+E000 + dnsmasq's meta index), so
// the parsers see exactly what dnsmasq's see, and `unhide` restores them for display.

/** dnsmasq's meta[] table: inside quotes, each of these becomes the control code of its index. */
const META = "\u0000123456 \b\t\n78\r90abcdefABCDE\u001bF:,.";
const HIDDEN_BASE = 0xe000;

function hide(ch: string): string {
  const i = META.indexOf(ch);
  return i < 0 ? ch : String.fromCharCode(HIDDEN_BASE + i);
}

/** Restores the characters quoting hid. */
export function unhide(s: string): string {
  return s.replace(/[\ue000-\ue01f]/g, (c) => META.charAt(c.charCodeAt(0) - HIDDEN_BASE));
}

const isSpace = (ch: string): boolean => /^[ \t\n\v\f\r]$/.test(unhide(ch));

/** One option line of a configuration file. */
export interface ConfLine {
  readonly line: number;
  /** 0-based column of the option name. */
  readonly nameColumn: number;
  readonly name: string;
  /** The value after `=` (hidden characters kept), or undefined for a bare name. */
  readonly arg?: string;
  /** 0-based column in the file line of each character of `arg`. */
  readonly argColumns: readonly number[];
}

/** A line dnsmasq cannot read, with its message. */
export interface ConfLineError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Unquotes a line and strips its comment; each character keeps its column. */
function unquote(raw: string): { chars: string[]; cols: number[]; lastQuote: number } | string {
  const chars: string[] = [];
  const cols: number[] = [];
  let lastQuote = 0;
  let white = true;
  const escapes: Readonly<Record<string, string>> = { t: "\t", n: "\n", b: "\b", r: "\r", e: "\u001b", '"': '"', "\\": "\\" };
  for (let i = 0; i < raw.length; i++) {
    const ch = raw.charAt(i);
    if (ch === '"') {
      let j = i + 1;
      for (; j < raw.length && raw.charAt(j) !== '"'; j++) {
        let c = raw.charAt(j);
        const esc = escapes[raw.charAt(j + 1)];
        if (c === "\\" && esc !== undefined) {
          j++;
          c = esc;
        }
        chars.push(hide(c));
        cols.push(j);
      }
      if (j >= raw.length) return 'missing "';
      lastQuote = chars.length;
      i = j;
      white = false;
      continue;
    }
    if (white && ch === "#") break;
    chars.push(ch);
    cols.push(i);
    white = isSpace(ch);
  }
  return { chars, cols, lastQuote };
}

/** Splits a file into option lines and unreadable lines, in order. */
export function confLines(text: string): (ConfLine | ConfLineError)[] {
  const out: (ConfLine | ConfLineError)[] = [];
  text.split("\n").forEach((raw, i) => {
    const u = unquote(raw);
    if (typeof u === "string") {
      out.push({ line: i + 1, column: raw.indexOf('"') + 1, message: u });
      return;
    }
    const { chars, cols } = u;
    while (chars.length > u.lastQuote && isSpace(chars[chars.length - 1] ?? "x")) {
      chars.pop();
      cols.pop();
    }
    const buff = chars.join("");
    if (buff === "") return;
    const eq = buff.indexOf("=");
    const head = eq < 0 ? buff : buff.slice(0, eq);
    const start = head.length - head.trimStart().length;
    const name = head.slice(start).replace(/[ \t\n\v\f\r]+$/, "");
    const base = { line: i + 1, nameColumn: cols[start] ?? 0, name };
    if (eq < 0) {
      out.push({ ...base, argColumns: [] });
      return;
    }
    let a = eq + 1;
    while (a < buff.length && isSpace(buff.charAt(a))) a++;
    out.push({ ...base, arg: buff.slice(a), argColumns: cols.slice(a) });
  });
  return out;
}
