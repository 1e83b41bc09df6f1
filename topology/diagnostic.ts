// Diagnostics: what every config parser returns instead of throwing. A diagnostic points at one
// place in one file (1-based line and column, as compilers and editors count them) and carries a
// stable code that tools and tests can match on.

/** How bad a diagnostic is: `error` breaks the host at boot, `warning` probably does, `info` is a note. */
export type Severity = "error" | "warning" | "info";

/** A place in a source file; lines and columns are 1-based. */
export interface Span {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One finding about the configuration, located in a file. */
export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  /** How to fix it, when there is something useful to say. */
  readonly hint?: string;
}

/** What every parser returns: the value it could build, and what it found wrong on the way. */
export interface Parsed<T> {
  readonly value: T;
  readonly diagnostics: readonly Diagnostic[];
}

/** Builds a diagnostic; a small helper so call sites read as one line. */
export function diagnostic(
  code: string,
  severity: Severity,
  message: string,
  span: Span,
  hint?: string,
): Diagnostic {
  return hint === undefined ? { code, severity, message, span } : { code, severity, message, span, hint };
}

/** `file:line:column: severity: message`, the form compilers print and editors jump to. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.span.file}:${d.span.line}:${d.span.column}: ${d.severity}: ${d.message}`;
}
