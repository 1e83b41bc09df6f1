// Shell wildcard matching as glibc's fnmatch(3) does it: `*`, `?`, bracket expressions with `!`/`^`
// negation, ranges and `[:class:]`, backslash escapes. ifupdown uses it for `mapping` patterns and
// `--exclude`; glob(3) uses it per path component with FNM_PERIOD (a leading dot must be matched
// literally). The matcher is the classic two-pointer walk that remembers only the last `*`, so it is
// O(pattern × name) on any input: there is no regex to backtrack exponentially.

type Token =
  | { readonly kind: "char"; readonly ch: string }
  | { readonly kind: "any" }
  | { readonly kind: "star" }
  | { readonly kind: "set"; readonly negate: boolean; readonly test: (ch: string) => boolean };

const CLASSES: Readonly<Record<string, (c: number) => boolean>> = {
  alnum: (c) => isDigit(c) || isAlpha(c),
  alpha: (c) => isAlpha(c),
  blank: (c) => c === 32 || c === 9,
  cntrl: (c) => c < 32 || c === 127,
  digit: (c) => isDigit(c),
  graph: (c) => c > 32 && c < 127,
  lower: (c) => c >= 97 && c <= 122,
  print: (c) => c >= 32 && c < 127,
  punct: (c) => c > 32 && c < 127 && !isDigit(c) && !isAlpha(c),
  space: (c) => c === 32 || (c >= 9 && c <= 13),
  upper: (c) => c >= 65 && c <= 90,
  xdigit: (c) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102),
};

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Parses a bracket expression starting at `pattern[start] === "["`; undefined when it never closes (then `[` is literal). */
function parseSet(pattern: string, start: number): { token: Token; end: number } | undefined {
  let i = start + 1;
  const negate = pattern.charAt(i) === "!" || pattern.charAt(i) === "^";
  if (negate) i++;
  const tests: ((c: number) => boolean)[] = [];
  let first = true;
  while (i < pattern.length) {
    let ch = pattern.charAt(i);
    if (ch === "]" && !first) {
      const test = (s: string): boolean => tests.some((t) => t(s.charCodeAt(0)));
      return { token: { kind: "set", negate, test }, end: i + 1 };
    }
    first = false;
    if (ch === "[" && pattern.charAt(i + 1) === ":") {
      const close = pattern.indexOf(":]", i + 2);
      const cls = close < 0 ? undefined : CLASSES[pattern.slice(i + 2, close)];
      if (cls === undefined) return undefined;
      tests.push(cls);
      i = close + 2;
      continue;
    }
    if (ch === "\\" && i + 1 < pattern.length) ch = pattern.charAt(++i);
    const lo = ch.charCodeAt(0);
    if (pattern.charAt(i + 1) === "-" && i + 2 < pattern.length && pattern.charAt(i + 2) !== "]") {
      let hiCh = pattern.charAt(i + 2);
      let skip = 3;
      if (hiCh === "\\" && i + 3 < pattern.length) {
        hiCh = pattern.charAt(i + 3);
        skip = 4;
      }
      const hi = hiCh.charCodeAt(0);
      tests.push((c) => c >= lo && c <= hi);
      i += skip;
    } else {
      tests.push((c) => c === lo);
      i += 1;
    }
  }
  return undefined;
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern.charAt(i);
    if (ch === "*") {
      if (tokens[tokens.length - 1]?.kind !== "star") tokens.push({ kind: "star" });
      i++;
    } else if (ch === "?") {
      tokens.push({ kind: "any" });
      i++;
    } else if (ch === "[") {
      const set = parseSet(pattern, i);
      tokens.push(set === undefined ? { kind: "char", ch } : set.token);
      i = set === undefined ? i + 1 : set.end;
    } else if (ch === "\\" && i + 1 < pattern.length) {
      tokens.push({ kind: "char", ch: pattern.charAt(i + 1) });
      i += 2;
    } else {
      tokens.push({ kind: "char", ch });
      i++;
    }
  }
  return tokens;
}

function matchOne(token: Token, ch: string): boolean {
  switch (token.kind) {
    case "char":
      return token.ch === ch;
    case "any":
      return true;
    case "set":
      return token.test(ch) !== token.negate;
    case "star":
      return false;
  }
}

/** fnmatch(pattern, name, flags): with `period`, a leading `.` in name must be matched by a literal `.`. */
export function fnmatch(pattern: string, name: string, opts: { readonly period?: boolean } = {}): boolean {
  const tokens = tokenize(pattern);
  if (opts.period === true && name.startsWith(".")) {
    const first = tokens[0];
    if (first === undefined || first.kind !== "char" || first.ch !== ".") return false;
  }
  let t = 0;
  let n = 0;
  let starT = -1;
  let starN = 0;
  while (n < name.length) {
    const token = tokens[t];
    if (token !== undefined && token.kind === "star") {
      starT = t++;
      starN = n;
    } else if (token !== undefined && matchOne(token, name.charAt(n))) {
      t++;
      n++;
    } else if (starT >= 0) {
      t = starT + 1;
      n = ++starN;
    } else {
      return false;
    }
  }
  while (tokens[t]?.kind === "star") t++;
  return t === tokens.length;
}

/** True when the pattern has an unescaped `*`, `?` or `[` (glob(3) only searches directories for such components). */
export function hasWildcard(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === "\\") i++;
    else if (ch === "*" || ch === "?" || ch === "[") return true;
  }
  return false;
}

/** Removes the backslash escapes of a glob pattern (what glob(3) returns for a literal component). */
export function unescapeGlob(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === "\\" && i + 1 < pattern.length) out += pattern.charAt(++i);
    else out += ch;
  }
  return out;
}
