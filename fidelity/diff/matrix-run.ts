// Running the fidelity matrix (fidelity/scenarios/matrix.ts): every example × its scenarios through
// diffScript, a few at a time, each bounded; and the table `npm run fidelity` prints.
import { resolve } from "node:path";
import { nodeFsReader } from "../../topology/interfaces/index.ts";
import { worldOfRoot } from "../../hypervisor/index.ts";
import { cases, scenarioText, type Case } from "../scenarios/matrix.ts";
import { diffScript, type Realizer } from "./diff-script.ts";
import type { DiffReport } from "./report.ts";

/** One cell's outcome: its report, or the error that stopped it. */
export interface CaseResult extends Case {
  readonly report?: DiffReport;
  readonly error?: string;
  readonly seconds: number;
}

/** The examples folder of this checkout. */
export const EXAMPLES_DIR = resolve(new URL("../../examples", import.meta.url).pathname);

/** Runs one cell: the example's files, its world, seed 1, the scenario's script. */
export async function runCase(c: Case, realizer: Realizer, timeoutSeconds = 90): Promise<CaseResult> {
  const started = Date.now();
  const root = nodeFsReader({ root: resolve(EXAMPLES_DIR, c.example) });
  try {
    const script = scenarioText(c.scenario);
    const report = await diffScript({ root, world: worldOfRoot(root).value, seed: 1, script, scriptName: `${c.scenario}.sh`, realize: { timeoutSeconds } }, realizer);
    return { ...c, report, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    return { ...c, error: (error as Error).message, seconds: (Date.now() - started) / 1000 };
  }
}

/** Runs every cell (or `only`), `concurrency` at a time; `done` hears each as it ends. */
export async function runMatrix(realizer: Realizer, options: { concurrency?: number; only?: readonly Case[]; done?: (r: CaseResult) => void } = {}): Promise<CaseResult[]> {
  const todo = [...(options.only ?? cases())];
  const results: CaseResult[] = new Array(todo.length);
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const i = next++;
      results[i] = await runCase(todo[i]!, realizer);
      options.done?.(results[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  return results;
}

/** True when a cell agrees. */
export function agrees(r: CaseResult): boolean {
  return r.report?.agree === true;
}

/** The verdict column: `agree`, the differing interfaces, or the error. */
function verdict(r: CaseResult): string {
  if (r.error !== undefined) return `ERROR ${r.error.split("\n")[0]}`;
  if (r.report!.agree) return "agree";
  return `DIFFER ${r.report!.interfaces.filter((i) => i.status === "differ").map((i) => i.iface).join(" ")}`;
}

/** The table and the score line. */
export function formatMatrix(results: readonly CaseResult[]): string {
  const w1 = Math.max(7, ...results.map((r) => r.example.length));
  const w2 = Math.max(8, ...results.map((r) => r.scenario.length));
  const rows = results.map((r) => `${r.example.padEnd(w1)}  ${r.scenario.padEnd(w2)}  ${r.seconds.toFixed(1).padStart(5)}s  ${verdict(r)}`);
  const score = results.filter(agrees).length;
  return [`${"example".padEnd(w1)}  ${"scenario".padEnd(w2)}  ${"time".padStart(6)}  result`, ...rows, `fidelity: ${score}/${results.length} agreeing`, ""].join("\n");
}
