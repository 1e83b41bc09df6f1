// `xennet check`: what an admin learns before rebooting a Xen host. Today it gathers the static
// diagnostics — every parser's and every check of topology/checks — into the report; the dynamic
// half (booting the host in simulation and measuring reachability) adds to the same report.
import type { FileReader } from "../../topology/interfaces/index.ts";
import { checkHost, loadHost } from "../../topology/index.ts";
import { reportDiagnostics, type CheckReport } from "./report.ts";

/** The report of the host's files alone: no boot, so no reachability yet. */
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
