// The two toolstacks that read a domain .cfg disagree on some inputs: xm (Xen ≤ 4.1, Debian
// Squeeze) runs the file as Python 2 and checks each option itself; xl (Xen ≥ 4.1) parses it with
// libxlu and its own option parsers. A finding can therefore be fatal for one and harmless for the
// other. Callers say which toolstack the file is for; when they do not know, a finding that only one
// of them minds is reported as `info` naming that toolstack (or at the severity given for `either`).

import type { Severity } from "../diagnostic.ts";

/** Which program will read the file. */
export type Toolstack = "xm" | "xl";

/** How bad a finding is for each toolstack (`null`: that toolstack accepts it silently). */
export interface DialectSeverity {
  readonly xm: Severity | null;
  readonly xl: Severity | null;
  /** Severity when the toolstack is unknown; by default the milder of the two, or `info`. */
  readonly either?: Severity | null;
}

const RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, error: 2 };

/** The severity to report for `toolstack` (undefined = not known), or null to report nothing. */
export function severityFor(toolstack: Toolstack | undefined, s: DialectSeverity): Severity | null {
  if (toolstack === "xm") return s.xm;
  if (toolstack === "xl") return s.xl;
  if (s.either !== undefined) return s.either;
  if (s.xm === null && s.xl === null) return null;
  if (s.xm === null || s.xl === null) return "info";
  return RANK[s.xm] <= RANK[s.xl] ? s.xm : s.xl;
}
