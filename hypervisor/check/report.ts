// The report of `xennet check`: every diagnostic (static ones from the host's files, dynamic ones
// from the simulated boot) in one flat, located form, then the reachability summary. The JSON shape
// is the command-line contract's: { host, model, diagnostics, reachability, bootSeconds }.
import type { Diagnostic, Severity } from "../../topology/diagnostic.ts";

/** One diagnostic as the report (and `--json`) gives it. */
export interface ReportDiagnostic {
  readonly severity: Severity;
  readonly code: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly hint?: string;
}

/** Whether `from` could reach `to` after boot, how soon, and by which path. */
export interface Reachability {
  readonly from: string;
  readonly to: string;
  readonly ok: boolean;
  /** Seconds after boot began when it first worked; null when it never did. */
  readonly afterSeconds: number | null;
  /** The path in a few words, e.g. "vif1.0 → xenbr0 → eth0 → 192.168.1.1". */
  readonly via: string;
}

/** The whole report. */
export interface CheckReport {
  readonly host: string;
  readonly model: string;
  readonly diagnostics: readonly ReportDiagnostic[];
  readonly reachability: readonly Reachability[];
  /** Simulated seconds the boot took to settle. */
  readonly bootSeconds: number;
}

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** Flattens diagnostics, in file, line, column order (errors first on one spot), without repeats. */
export function reportDiagnostics(diagnostics: readonly Diagnostic[]): ReportDiagnostic[] {
  const seen = new Set<string>();
  const flat: ReportDiagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${d.code}\u0000${d.span.file}:${d.span.line}:${d.span.column}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const base = { severity: d.severity, code: d.code, file: d.span.file, line: d.span.line, column: d.span.column, message: d.message };
    flat.push(d.hint === undefined ? base : { ...base, hint: d.hint });
  }
  return flat.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
}

/** The report with each file named by `rename` (e.g. under the --root it was read from). */
export function renameFiles(report: CheckReport, rename: (file: string) => string): CheckReport {
  return { ...report, diagnostics: report.diagnostics.map((d) => ({ ...d, file: rename(d.file) })) };
}

/** What `via` says of a source that has no route at all to the destination (not a breakage). */
export const NO_ROUTE = "no route";

/** A failed path the host is configured to use: its source has a route, yet no reply came. */
export function isBroken(r: Reachability): boolean {
  return !r.ok && r.via !== NO_ROUTE;
}

/** True when the report holds an error or a broken path: `xennet check` then exits 1. */
export function hasErrors(report: CheckReport): boolean {
  return report.diagnostics.some((d) => d.severity === "error") || report.reachability.some(isBroken);
}

const COLOURS: Readonly<Record<Severity, string>> = { error: "\u001b[1;31m", warning: "\u001b[1;35m", info: "\u001b[1;36m" };
const RESET = "\u001b[0m";

/** The human report: `file:line:column: severity: message` lines (with hints), then the reachability table. */
export function formatReport(report: CheckReport, options: { readonly colour?: boolean } = {}): string {
  const lines: string[] = [];
  for (const d of report.diagnostics) {
    const severity = options.colour ? `${COLOURS[d.severity]}${d.severity}:${RESET}` : `${d.severity}:`;
    lines.push(`${d.file}:${d.line}:${d.column}: ${severity} ${d.message} [${d.code}]`);
    if (d.hint !== undefined) lines.push(`    hint: ${d.hint}`);
  }
  if (report.diagnostics.length > 0) lines.push("");
  if (report.reachability.length > 0) {
    lines.push(`host ${report.host}, ${report.model} model, booted in ${report.bootSeconds} s (simulated)`, "", ...reachabilityTable(report.reachability));
  } else lines.push(`host ${report.host}, ${report.model} model: configuration files checked (no boot simulated)`);
  const errors = report.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = report.diagnostics.filter((d) => d.severity === "warning").length;
  const broken = report.reachability.filter(isBroken).length;
  const unrouted = report.reachability.filter((r) => !r.ok && !isBroken(r)).length;
  lines.push("", `${errors} error(s), ${warnings} warning(s), ${broken} unreachable, ${unrouted} not routed`);
  return `${lines.join("\n")}\n`;
}

function reachabilityTable(rows: readonly Reachability[]): string[] {
  const cells = rows.map((r) => [r.from, r.to, r.ok ? "ok" : isBroken(r) ? "FAIL" : "-", r.afterSeconds === null ? "-" : `${r.afterSeconds} s`, r.via]);
  const header = ["from", "to", "result", "after", "via"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const row = (c: readonly string[]) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]!))).join("  ").trimEnd();
  return [row(header), ...cells.map(row)];
}
