// Positions in a config file: turns character offsets into the 1-based line:column pairs of
// diagnostic.ts, and describes a value's extent as a Range so later code can underline exactly the
// `bridge=xenbr1` inside a vif string. Lines end at "\n" (a "\r" before it is an ordinary character
// of the line); columns count UTF-16 code units, as JavaScript strings and LSP editors do.
// Shared by the three Xen config readers (xen-cfg, sxp, xen-tools) and by HostConfig.

import type { Span } from "./diagnostic.ts";

/** A Span that also knows where it ends (end column exclusive, 1-based like the start). */
export interface Range extends Span {
  readonly endLine: number;
  readonly endColumn: number;
}

/** A value together with the place in the file it was read from. */
export interface Located<T> {
  readonly value: T;
  readonly range: Range;
}

/** The offsets at which each line of a text starts, for offset → line:column lookups. */
export interface LineIndex {
  readonly file: string;
  readonly length: number;
  readonly starts: readonly number[];
}

/** Indexes the line starts of `text`, which came from `file`. */
export function lineIndex(file: string, text: string): LineIndex {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return { file, length: text.length, starts };
}

/** The Span of the character at `offset` (offsets past the end clamp to the end of the text). */
export function spanAt(index: LineIndex, offset: number): Span {
  const line = lineOf(index, offset);
  return { file: index.file, line: line + 1, column: clamp(index, offset) - (index.starts[line] ?? 0) + 1 };
}

/** The Range covering offsets [start, end). */
export function rangeOf(index: LineIndex, start: number, end: number): Range {
  const from = lineOf(index, start);
  const to = lineOf(index, Math.max(start, end));
  return {
    file: index.file,
    line: from + 1,
    column: clamp(index, start) - (index.starts[from] ?? 0) + 1,
    endLine: to + 1,
    endColumn: clamp(index, Math.max(start, end)) - (index.starts[to] ?? 0) + 1,
  };
}

function clamp(index: LineIndex, offset: number): number {
  return Math.max(0, Math.min(offset, index.length));
}

/** 0-based line holding `offset` (binary search over the line starts). */
function lineOf(index: LineIndex, offset: number): number {
  const at = clamp(index, offset);
  let lo = 0;
  let hi = index.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((index.starts[mid] ?? 0) <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A Range reduced to the plain Span a Diagnostic carries. */
export function spanOf(range: Range): Span {
  return { file: range.file, line: range.line, column: range.column };
}
