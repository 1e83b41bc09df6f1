// A JSON reader (RFC 8259) that remembers where every value was written, so that the world file's
// checks can point at the line and column of a bad value, and a syntax error is reported at the
// line:column of the character that broke it (JSON.parse only gives a byte position, and no
// position at all for values that parse but mean nothing). It never throws on its input: a syntax
// error ends the parse with one diagnostic and no value. Duplicate keys are kept (the last wins, as
// in JSON.parse) and reported as a warning.

import { diagnostic, type Diagnostic, type Parsed, type Span } from "../../topology/index.ts";

/** A JSON value with the place it starts. */
export type JsonNode =
  | { readonly kind: "object"; readonly span: Span; readonly members: readonly JsonMember[] }
  | { readonly kind: "array"; readonly span: Span; readonly items: readonly JsonNode[] }
  | { readonly kind: "string"; readonly span: Span; readonly value: string }
  | { readonly kind: "number"; readonly span: Span; readonly value: number }
  | { readonly kind: "boolean"; readonly span: Span; readonly value: boolean }
  | { readonly kind: "null"; readonly span: Span };

/** One `"key": value` of an object. */
export interface JsonMember {
  readonly key: string;
  readonly keySpan: Span;
  readonly value: JsonNode;
}

/** The value of member `key`, if the object has one (the last, as JSON.parse keeps). */
export function member(node: JsonNode, key: string): JsonNode | undefined {
  if (node.kind !== "object") return undefined;
  for (let i = node.members.length - 1; i >= 0; i--) if (node.members[i]!.key === key) return node.members[i]!.value;
  return undefined;
}

class SyntaxFailure {
  constructor(
    readonly at: number,
    readonly message: string,
  ) {}
}

const MAX_DEPTH = 256;

/** Parses `text` (the file `file`); the value is undefined after a syntax error. */
export function parseJson(text: string, file: string): Parsed<JsonNode | undefined> {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const spanAt = (offset: number): Span => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  const reader = new Reader(text, spanAt);
  try {
    reader.skipBlanks();
    const value = reader.value(0);
    reader.skipBlanks();
    if (reader.pos < text.length) throw new SyntaxFailure(reader.pos, `unexpected ${describe(text[reader.pos])} after the end of the JSON value`);
    return { value, diagnostics: reader.warnings };
  } catch (e) {
    if (!(e instanceof SyntaxFailure)) throw e;
    return { value: undefined, diagnostics: [...reader.warnings, diagnostic("world/json-syntax", "error", e.message, spanAt(e.at))] };
  }
}

function describe(ch: string | undefined): string {
  if (ch === undefined) return "end of file";
  if (ch === "\n") return "end of line";
  return `character '${ch}'`;
}

/** The recursive-descent reader over one text. */
class Reader {
  pos = 0;
  readonly warnings: Diagnostic[] = [];

  constructor(
    private readonly text: string,
    private readonly spanAt: (offset: number) => Span,
  ) {}

  skipBlanks(): void {
    while (this.pos < this.text.length && " \t\r\n".includes(this.text[this.pos]!)) this.pos++;
  }

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) throw new SyntaxFailure(this.pos, "values nested too deeply");
    const start = this.pos;
    const span = this.spanAt(start);
    const ch = this.text[start];
    if (ch === "{") return this.object(depth, span);
    if (ch === "[") return this.array(depth, span);
    if (ch === '"') return { kind: "string", span, value: this.string() };
    if (ch === "-" || (ch !== undefined && ch >= "0" && ch <= "9")) return { kind: "number", span, value: this.number() };
    for (const [word, node] of [["true", { kind: "boolean", span, value: true }], ["false", { kind: "boolean", span, value: false }], ["null", { kind: "null", span }]] as const) {
      if (this.text.startsWith(word, start)) {
        this.pos += word.length;
        return node;
      }
    }
    throw new SyntaxFailure(start, `expected a JSON value, found ${describe(ch)}`);
  }

  private object(depth: number, span: Span): JsonNode {
    this.pos++;
    const members: JsonMember[] = [];
    this.skipBlanks();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return { kind: "object", span, members };
    }
    for (;;) {
      this.skipBlanks();
      if (this.text[this.pos] !== '"') throw new SyntaxFailure(this.pos, `expected a key in double quotes, found ${describe(this.text[this.pos])}`);
      const keySpan = this.spanAt(this.pos);
      const key = this.string();
      this.skipBlanks();
      if (this.text[this.pos] !== ":") throw new SyntaxFailure(this.pos, `expected ':' after the key "${key}", found ${describe(this.text[this.pos])}`);
      this.pos++;
      this.skipBlanks();
      const value = this.value(depth + 1);
      if (members.some((m) => m.key === key)) this.warnings.push(diagnostic("world/duplicate-key", "warning", `the key "${key}" appears twice in this object; the last one is used`, keySpan));
      members.push({ key, keySpan, value });
      this.skipBlanks();
      const sep = this.text[this.pos];
      this.pos++;
      if (sep === "}") return { kind: "object", span, members };
      if (sep !== ",") throw new SyntaxFailure(this.pos - 1, `expected ',' or '}' after a member, found ${describe(sep)}`);
    }
  }

  private array(depth: number, span: Span): JsonNode {
    this.pos++;
    const items: JsonNode[] = [];
    this.skipBlanks();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return { kind: "array", span, items };
    }
    for (;;) {
      this.skipBlanks();
      items.push(this.value(depth + 1));
      this.skipBlanks();
      const sep = this.text[this.pos];
      this.pos++;
      if (sep === "]") return { kind: "array", span, items };
      if (sep !== ",") throw new SyntaxFailure(this.pos - 1, `expected ',' or ']' after an element, found ${describe(sep)}`);
    }
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    let out = "";
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) throw new SyntaxFailure(start, "string not closed before the end of the file");
      if (ch === '"') {
        this.pos++;
        return out;
      }
      if (ch < " ") throw new SyntaxFailure(this.pos, "control character inside a string (write it as an escape such as \\n)");
      if (ch !== "\\") {
        out += ch;
        this.pos++;
        continue;
      }
      out += this.escape();
    }
  }

  private escape(): string {
    const ch = this.text[this.pos + 1];
    const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
    if (ch !== undefined && simple[ch] !== undefined) {
      this.pos += 2;
      return simple[ch]!;
    }
    const hex = this.text.slice(this.pos + 2, this.pos + 6);
    if (ch !== "u" || !/^[0-9a-fA-F]{4}$/.test(hex)) throw new SyntaxFailure(this.pos, "invalid escape in a string");
    this.pos += 6;
    return String.fromCharCode(parseInt(hex, 16));
  }

  private number(): number {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (m === null) throw new SyntaxFailure(this.pos, "invalid number");
    this.pos += m[0].length;
    return Number(m[0]);
  }
}
