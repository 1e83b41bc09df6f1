// The fidelity matrix in CI (CI runs only `npm test`): one case per example × scenario
// (fidelity/scenarios/matrix.ts) that runs the scenario in simulation and on the real kernel in
// network namespaces and asserts that every interface agrees, printing the report's differences on
// failure. The realisations run FIDELITY_CONCURRENCY (default 4) at a time — each in its own
// namespaces (`xn-rz-<pid>-<n>-`), so they are independent — started together in beforeAll; each
// case awaits its own. Where namespaces cannot be built here (not root, no netns, a tool missing),
// every case is skipped with the reason printed — except under CI, where that fails.
import { beforeAll, describe, expect, it } from "vitest";
import { formatReport, loadRealizer } from "../../fidelity/diff/index.ts";
import { runMatrix, type CaseResult } from "../../fidelity/diff/matrix-run.ts";
import { cases, type Case } from "../../fidelity/scenarios/matrix.ts";

const side = await loadRealizer();
const inCi = process.env.CI === "1" || process.env.CI === "true";
if (!side.ok) console.log(`fidelity matrix ${inCi ? "FAILS (CI)" : "skipped"}: ${side.why}`);

const all = cases();
const key = (c: Case) => `${c.example} × ${c.scenario}`;

if (!side.ok && inCi) {
  describe("fidelity matrix", () => {
    it("can realise scripts here (required in CI)", () => {
      expect(side.ok ? undefined : side.why).toBeUndefined();
    });
  });
}

describe.skipIf(!side.ok)("fidelity matrix: simulation against the real kernel", () => {
  const results = new Map<string, Promise<CaseResult>>();

  beforeAll(() => {
    if (!side.ok) return;
    const resolvers = new Map<string, (r: CaseResult) => void>();
    for (const c of all) results.set(key(c), new Promise((resolve) => resolvers.set(key(c), resolve)));
    void runMatrix(side.realize, { concurrency: Number(process.env.FIDELITY_CONCURRENCY ?? 4), done: (r) => resolvers.get(key(r))!(r) });
  });

  it.each(all.map((c) => [key(c), c] as const))("%s agrees", async (name) => {
    const r = await results.get(name)!;
    if (r.error !== undefined) throw new Error(`${name}: ${r.error}`);
    expect(r.report!.agree, formatReport(r.report!)).toBe(true);
  }, 900_000);
});
