#!/usr/bin/env node
// The whole test suite, as `npm test` runs it: type check, then vitest with its usual report plus a
// JSON report from which one plain summary line is printed — `N passed, N failed` — the line CI reads.
// Exits non-zero when the type check or any test fails.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const bin = (name) => join(import.meta.dirname, "..", "node_modules", ".bin", name);

const typecheck = spawnSync(bin("tsc"), ["--noEmit"], { stdio: "inherit" });
if (typecheck.status !== 0) {
  console.log("type check failed");
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), "xennet-tests-"));
const report = join(dir, "report.json");
const vitest = spawnSync(
  bin("vitest"),
  ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: "inherit" },
);

let passed = 0;
let failed = 0;
try {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed = json.numPassedTests;
  failed = json.numFailedTests + suitesThatFailedToLoad(json);
} catch (error) {
  console.log(`no test report was written (${error.message})`);
  failed = 1;
}
rmSync(dir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(vitest.status !== 0 || failed > 0 ? 1 : 0);

/** A test file that fails to load (a syntax error, a throw at import) has no failed test but is a failure. */
function suitesThatFailedToLoad(json) {
  return json.testResults.filter((r) => r.status === "failed" && !r.assertionResults.some((a) => a.status === "failed")).length;
}
