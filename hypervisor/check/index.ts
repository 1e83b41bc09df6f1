// `xennet check`: the report and how it is built.
export { checkStatic } from "./check-host.ts";
export { formatReport, hasErrors, renameFiles, reportDiagnostics, type CheckReport, type Reachability, type ReportDiagnostic } from "./report.ts";
