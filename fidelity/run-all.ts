// `npm run fidelity`: every built-in example host × the scenario scripts that apply to it
// (fidelity/scenarios/matrix.ts), each run in simulation and on the real kernel and compared
// (`xennet diff`), two realisations at a time. Prints a table, the first difference of every cell
// that disagrees, and `fidelity: N/M agreeing`; exits 1 on any disagreement. Where this machine
// cannot realise (not root, no network namespaces, a tool missing) it says why and exits 0 —
// or 1 under CI=1, where the capability is required.
import { formatReport } from "./diff/report.ts";
import { loadRealizer } from "./diff/realizer.ts";
import { agrees, formatMatrix, runMatrix } from "./diff/matrix-run.ts";

const side = await loadRealizer();
if (!side.ok) {
  process.stdout.write(`fidelity: cannot run the real side here: ${side.why}\n`);
  process.exit(process.env.CI === "1" || process.env.CI === "true" ? 1 : 0);
}
const started = Date.now();
const results = await runMatrix(side.realize, {
  concurrency: Number(process.env.FIDELITY_CONCURRENCY ?? 2),
  done: (r) => process.stderr.write(`${r.example} ${r.scenario}: ${agrees(r) ? "agree" : "differ"} (${r.seconds.toFixed(1)} s)\n`),
});
for (const r of results.filter((x) => !agrees(x))) {
  process.stdout.write(`\n## ${r.example} × ${r.scenario}\n${r.report ? formatReport(r.report) : `error: ${r.error}\n`}`);
}
process.stdout.write(`\n${formatMatrix(results)}`);
process.stdout.write(`(${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
process.exit(results.every(agrees) ? 0 : 1);
