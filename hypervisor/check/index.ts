// `xennet check`: the report and how it is built.
export { checkHostBoot, checkStatic } from "./check-host.ts";
export { bootCheck, SETTLE_S, type BootFindings } from "./boot-check.ts";
export { formatReport, hasErrors, isBroken, NO_ROUTE, renameFiles, reportDiagnostics, type CheckReport, type Reachability, type ReportDiagnostic } from "./report.ts";
