// Public surface of the diff half of differential fidelity (issue 8): run a script in simulation
// (simulate.ts), normalise captures to role lines (roles.ts, normalise.ts), compare them per
// interface (compare.ts) against a real run from fidelity/realize (diff-script.ts), and report
// (report.ts).
export { bootForFidelity, runPrelude, simulateScript, simOnlyReason, scriptLines, splitPrelude, type FidelityHost } from "./simulate.ts";
export { diffScript, compareRuns, scriptPorts, type DiffOptions, type Realizer } from "./diff-script.ts";
export { formatReport, type DiffReport, type InterfaceResult } from "./report.ts";
export { rolesOf, withLeases, leasesIn, type Roles } from "./roles.ts";
export { describe, isIpv6 } from "./normalise.ts";
export { entriesOf, firstDifference, TOLERANCES, type Entry } from "./compare.ts";
export { loadRealizer, type RealSide } from "./realizer.ts";
