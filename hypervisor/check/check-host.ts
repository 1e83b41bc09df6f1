// `xennet check`: what an admin learns before rebooting a Xen host — the static diagnostics (every
// parser's and every check of topology/checks), then what a simulated boot shows and whether each
// path works (boot-check.ts), in one report.
import type { FileReader } from "../../topology/interfaces/index.ts";
import { checkHost, loadHost } from "../../topology/index.ts";
import type { Diagnostic } from "../../topology/diagnostic.ts";
import type { WorldSpec } from "../world/index.ts";
import { bootCheck } from "./boot-check.ts";
import { reportDiagnostics, type CheckReport, type ReportDiagnostic } from "./report.ts";

/** The whole check: the files' diagnostics, then a simulated boot's findings and reachability. */
export function checkHostBoot(root: FileReader, seed: number, world?: WorldSpec): CheckReport {
  const statics = checkStatic(root);
  const loaded = loadHost(root);
  const boot = bootCheck(root, loaded.value, seed, world);
  return {
    ...statics,
    diagnostics: reportDiagnostics([...statics.diagnostics.map(toDiagnostic), ...boot.diagnostics]),
    reachability: boot.reachability,
    bootSeconds: boot.bootSeconds,
  };
}

function toDiagnostic(d: ReportDiagnostic): Diagnostic {
  const base = { code: d.code, severity: d.severity, message: d.message, span: { file: d.file, line: d.line, column: d.column } };
  return d.hint === undefined ? base : { ...base, hint: d.hint };
}

/** The report of the host's files alone: no boot, so no reachability. */
export function checkStatic(root: FileReader): CheckReport {
  const loaded = loadHost(root);
  const config = loaded.value;
  return {
    host: config.hostname?.value ?? "localhost",
    model: config.xend.model,
    diagnostics: reportDiagnostics([...loaded.diagnostics, ...checkHost(config)]),
    reachability: [],
    bootSeconds: 0,
  };
}
