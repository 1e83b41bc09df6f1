// Every cell of the fidelity matrix does in simulation what its script says: each ping gets all its
// replies, each traceroute reaches www with an answer at every hop, no line fails, and every line
// is one the real side can run (nothing simulation-only but the prelude that builds the host).
import { describe, expect, it } from "vitest";
import { nodeFsReader } from "../../../topology/interfaces/index.ts";
import { worldOfRoot } from "../../../hypervisor/index.ts";
import { bootForFidelity, simulateScript, splitPrelude } from "../../../fidelity/diff/index.ts";
import { cases, scenarioText } from "../../../fidelity/scenarios/matrix.ts";
import { EXAMPLES_DIR } from "../../../fidelity/diff/matrix-run.ts";

describe("fidelity scenarios in simulation", () => {
  it.each(cases().map((c) => [`${c.example} × ${c.scenario}`, c] as const))("%s does what it says", (_name, c) => {
    const root = nodeFsReader({ root: `${EXAMPLES_DIR}/${c.example}` });
    const { prelude, body } = splitPrelude(scenarioText(c.scenario));
    const { machine } = bootForFidelity({ root, world: worldOfRoot(root).value, seed: 1 }, prelude);
    const run = simulateScript(machine, body);
    expect(run.skipped).toEqual([]);
    expect(run.transcript).not.toMatch(/not found|no running guest|Unreachable|unreachable|Usage|\* \* \*/);
    for (const m of run.transcript.matchAll(/(\d+) packets transmitted, (\d+) received/g)) expect(m[2]).toBe(m[1]);
    const traces = run.transcript.split("traceroute to ").slice(1);
    for (const t of traces) expect(t).toMatch(/\n\s*\d+\s+203\.0\.113\.80\s/);
  });
});
