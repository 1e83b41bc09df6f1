// Writing S-expressions the way xend does: sxp.show / sxp.to_string for the one-line form (the
// config record inside a save file, domains.md §4) and PrettyPrint.prettyprint for `xm list -l` and
// `xm network-list -l`. Atoms that are alphanumeric or free of whitespace, brackets and quotes are
// written bare (the empty string too, hence `(bootloader )`); others as Python's repr() writes a
// str. Integers print as ints, floats as Python 2's str() does (12 significant digits).
// Layout of the pretty form: a list that fits in the 78 columns left is written on one line;
// otherwise its head stays on the first line, each child goes on its own line indented by 4 more,
// and the closing parenthesis gets a line of its own at the list's indent.

/** A Python float, written with str() rules (an int-valued float keeps its `.0`). */
export interface PyFloat {
  readonly float: number;
}

/** An S-expression value. */
export type Sxp = string | number | PyFloat | readonly Sxp[];

const SPECIAL = new Set([..." \t\n\r\v\f()[]<>{}!;'\"\\"]);

/** True when sxp.show writes `s` bare. */
function isBareAtom(s: string): boolean {
  return /^[A-Za-z0-9]+$/.test(s) || s === "@" || ![...s].some((c) => SPECIAL.has(c));
}

/** Python 2 repr() of a byte string. */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    if (ch === "\\" || ch === quote) out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (code < 0x20 || code >= 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + quote;
}

/** Python 2 str() of a float: %.12g, keeping `.0` on integral values. */
export function pyFloatStr(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? "inf" : x < 0 ? "-inf" : "nan";
  if (x === 0) return "0.0";
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 12) {
    const [mant, e] = x.toExponential(11).split("e") as [string, string];
    const m = mant.includes(".") ? mant.replace(/0+$/, "").replace(/\.$/, "") : mant;
    const n = Number(e);
    return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  const fixed = x.toFixed(Math.max(0, 11 - exp));
  const trimmed = fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
  return trimmed.includes(".") ? trimmed : `${trimmed}.0`;
}

function isFloat(x: Sxp): x is PyFloat {
  return typeof x === "object" && !Array.isArray(x) && "float" in x;
}

/** One atom or list, on one line (sxp.show). */
export function sxpToString(x: Sxp): string {
  if (typeof x === "number") return String(Math.trunc(x));
  if (typeof x === "string") return isBareAtom(x) ? x : pyRepr(x);
  if (isFloat(x)) return pyFloatStr(x.float);
  return `(${(x as readonly Sxp[]).map(sxpToString).join(" ")})`;
}

/** The pretty form (PrettyPrint.prettyprint, see the header), ending with a newline. */
export function prettySxp(x: Sxp, width = 78): string {
  return `${pretty(x, 0, width)}\n`;
}

function pretty(x: Sxp, indent: number, width: number): string {
  const flat = sxpToString(x);
  if (!Array.isArray(x) || indent + flat.length <= width) return flat;
  const items = x as readonly Sxp[];
  const [head, ...rest] = items;
  const pad = " ".repeat(indent + 4);
  const first = head !== undefined && !Array.isArray(head) ? `(${sxpToString(head)}` : "(";
  const children = (head !== undefined && Array.isArray(head) ? items : rest).map((c) => pad + pretty(c, indent + 4, width));
  return [first, ...children, `${" ".repeat(indent)})`].join("\n");
}

/** The value of the first `(name value)` child of a list, as sxp.child_value finds it. */
export function childValue(list: readonly Sxp[], name: string): Sxp | undefined {
  for (const item of list) {
    if (Array.isArray(item) && item[0] === name) return (item as readonly Sxp[])[1];
  }
  return undefined;
}
