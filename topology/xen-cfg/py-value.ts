// The values a Xen domain .cfg can hold without running any code: the Python literal subset that
// xm's `execfile` and xl's libxlu parser both accept (strings, numbers, booleans, None, lists,
// tuples, dicts), plus `code` for a right-hand side that only running Python could compute. These
// are plain data, each with the Range it came from; a string also remembers where each run of its
// characters sits in the source, so a part of it (one `key=value` of a vif) can be located exactly.

import { rangeOf, type LineIndex, type Range } from "../source-text.ts";

/**
 * Where a run of a string's characters came from: `length` characters of the value starting at
 * index `at` were written as `srcLength` source characters starting at source offset `offset`.
 * A verbatim run has `length === srcLength`; an escape such as `\x41` is one run of its own.
 */
export interface StrPiece {
  readonly at: number;
  readonly length: number;
  readonly offset: number;
  readonly srcLength: number;
}

/** A string literal (adjacent literals already joined, as Python joins `'a' 'b'`). */
export interface PyStr {
  readonly kind: "str";
  readonly value: string;
  readonly range: Range;
  readonly pieces: readonly StrPiece[];
}

/** An integer literal (any base); `text` is the literal as written. */
export interface PyInt {
  readonly kind: "int";
  readonly value: number;
  readonly text: string;
  readonly range: Range;
}

/** A float literal. */
export interface PyFloat {
  readonly kind: "float";
  readonly value: number;
  readonly text: string;
  readonly range: Range;
}

/** `True` or `False`. */
export interface PyBool {
  readonly kind: "bool";
  readonly value: boolean;
  readonly range: Range;
}

/** `None`. */
export interface PyNone {
  readonly kind: "none";
  readonly range: Range;
}

/** A list `[...]` or a tuple `(...)` / bare `a, b`. */
export interface PySeq {
  readonly kind: "list" | "tuple";
  readonly items: readonly PyValue[];
  readonly range: Range;
}

/** A dict display `{k: v, ...}`. */
export interface PyDict {
  readonly kind: "dict";
  readonly entries: readonly { readonly key: PyValue; readonly value: PyValue }[];
  readonly range: Range;
}

/** A right-hand side that is code (a call, a name, an operator...): kept as text, never evaluated. */
export interface PyCode {
  readonly kind: "code";
  readonly text: string;
  readonly range: Range;
}

/** Any value a config assignment can have. */
export type PyValue = PyStr | PyInt | PyFloat | PyBool | PyNone | PySeq | PyDict | PyCode;

/** One top-level `name = value` statement (`a = b = 1` gives one per name). */
export interface Assignment {
  readonly key: string;
  readonly keyRange: Range;
  readonly value: PyValue;
}

/** The Range of value characters [from, to) of a string, mapped back through its pieces. */
export function subRange(index: LineIndex, str: PyStr, from: number, to: number): Range {
  if (str.pieces.length === 0) return str.range;
  const start = sourceOffset(str, from, false);
  const end = to > from ? sourceOffset(str, to - 1, true) : start;
  return rangeOf(index, start, end);
}

/** Source offset of value character `i` (its start, or just past it when `after`). */
function sourceOffset(str: PyStr, i: number, after: boolean): number {
  let piece = str.pieces[0]!;
  for (const p of str.pieces) {
    if (p.at > i) break;
    piece = p;
  }
  const verbatim = piece.length === piece.srcLength;
  if (verbatim) return piece.offset + Math.min(i - piece.at, piece.length) + (after ? 1 : 0);
  return piece.offset + (after ? piece.srcLength : 0);
}

/** A short human description of a value's type, for messages ("a string", "a list"...). */
export function describeKind(value: PyValue): string {
  switch (value.kind) {
    case "str":
      return "a string";
    case "int":
      return "an integer";
    case "float":
      return "a float";
    case "bool":
      return "a boolean";
    case "none":
      return "None";
    case "list":
      return "a list";
    case "tuple":
      return "a tuple";
    case "dict":
      return "a dict";
    case "code":
      return "code";
  }
}
