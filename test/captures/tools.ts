// Finding the Debian tools the validation tests shell out to. In CI (env CI set) a missing tool is a
// failure; on a developer machine the test is skipped with a printed reason.

import { spawnSync } from "node:child_process";

/** True when `tool --version` runs. */
export function hasTool(tool: string): boolean {
  const run = spawnSync(tool, ["--version"], { encoding: "utf8" });
  return run.error === undefined && run.status === 0;
}

/** Whether to run a test that needs `tool`: always in CI (where its absence must fail), else only when present. */
export function shouldRun(tool: string, why: string): boolean {
  if (hasTool(tool) || process.env.CI) return true;
  console.warn(`skipping ${why}: ${tool} is not installed (apt-get install ${tool})`);
  return false;
}

/** Runs a tool and returns its stdout; throws with stderr when it fails or is missing. */
export function run(tool: string, args: readonly string[]): string {
  const result = spawnSync(tool, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`${tool} could not run (${result.error.message}); it is required in CI`);
  if (result.status !== 0) throw new Error(`${tool} ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}
