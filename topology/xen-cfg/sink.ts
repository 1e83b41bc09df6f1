// Where the typed readers of a domain config (domain-config.ts, vif-spec.ts, disk-spec.ts) put their
// findings: a diagnostics list plus what is needed to locate and grade them (the file's line index
// and the toolstack the file is for).

import { diagnostic, type Diagnostic, type Severity } from "../diagnostic.ts";
import { spanOf, type LineIndex, type Range } from "../source-text.ts";
import { severityFor, type DialectSeverity, type Toolstack } from "./toolstack.ts";

/** Collects diagnostics for one file. */
export interface Sink {
  readonly index: LineIndex;
  readonly toolstack: Toolstack | undefined;
  readonly diagnostics: Diagnostic[];
}

/** Records a finding at `range`; a DialectSeverity is graded for the sink's toolstack. */
export function emit(sink: Sink, code: string, severity: Severity | DialectSeverity, message: string, range: Range, hint?: string): void {
  const s = typeof severity === "string" ? severity : severityFor(sink.toolstack, severity);
  if (s !== null) sink.diagnostics.push(diagnostic(code, s, message, spanOf(range), hint));
}
