// Differential test against a real Debian ifquery binary, when one is available: set
// XENNET_REAL_IFQUERY to its path (e.g. from `apt-get download ifupdown && dpkg -x`). Generated
// files (with a sourced directory beside them) are written to a temporary directory, both ifquery
// implementations run with the same arguments, and stdout, stderr and the exit code must agree.
// Always with --no-mappings, so the real tool never runs a generated mapping script.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nodeFsReader } from "../../../topology/interfaces/index.ts";
import { runIfquery } from "../../../topology/ifquery.ts";
import { ifqueryArgs, interfacesFile, mutate, mutation, validFile } from "./gen.ts";

const binary = process.env.XENNET_REAL_IFQUERY;
const runs = Number(process.env.XENNET_REAL_IFQUERY_RUNS ?? "200");
const corpusDir = join(dirname(fileURLToPath(import.meta.url)), "../../../../shared/corpus/interfaces");
const corpus = existsSync(corpusDir) ? readdirSync(corpusDir).sort().map((f) => readFileSync(join(corpusDir, f)).toString("utf8")) : [];

function compare(main: string, a: string, b: string, argsList: readonly (readonly string[])[]): void {
  const dir = mkdtempSync(join(tmpdir(), "xennet-ifquery-"));
  try {
    mkdirSync(join(dir, "state"));
    mkdirSync(join(dir, "d", "sub"), { recursive: true });
    const files = { interfaces: main, "d/a": a, "d/b-1": b, "d/x.cfg": a };
    for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
    // The real filesystem for both: absolute paths in mutated files (`source /etc`) then agree.
    const reader = nodeFsReader({ root: "/", cwd: dir });
    for (const args of argsList) {
      const full = ["-i", "interfaces", "--state-dir", "state", "--no-mappings", ...args];
      const real = spawnSync(binary ?? "", full, { cwd: dir, encoding: "utf8", argv0: "ifquery" });
      // ifquery 0.8.41 can crash (an empty `-o NAME=` shifts its option array out of bounds): a
      // segmentation fault is not behaviour to reproduce, so such runs are not compared.
      if (real.signal !== null) continue;
      const ours = runIfquery(full, reader);
      const context = `args ${JSON.stringify(args)}\n--- interfaces\n${main}--- d/a\n${a}--- d/b-1\n${b}`;
      expect({ out: ours.stdout, err: ours.stderr, rc: ours.exitCode }, context).toEqual({ out: real.stdout, err: real.stderr, rc: real.status });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(binary === undefined)("ifquery against the real ifquery binary", () => {
  it("agrees on generated files", () => {
    const arb = fc.tuple(fc.oneof(interfacesFile, validFile), interfacesFile, validFile, fc.array(ifqueryArgs, { minLength: 1, maxLength: 4 }));
    fc.assert(fc.property(arb, ([main, a, b, args]) => compare(main, a, b, args)), { numRuns: runs });
  }, 60_000 + runs * 50);

  it.skipIf(corpus.length === 0)("agrees on mutated corpus files", () => {
    const arb = fc.tuple(fc.nat(corpus.length - 1), fc.array(mutation, { maxLength: 5 }), validFile, fc.array(ifqueryArgs, { minLength: 1, maxLength: 3 }));
    fc.assert(fc.property(arb, ([i, edits, a, args]) => compare(mutate(corpus[i] ?? "", edits), a, a, args)), { numRuns: runs });
  }, 60_000 + runs * 50);
});

if (binary === undefined) console.log("real-ifquery differential test skipped: set XENNET_REAL_IFQUERY to an ifquery binary to run it");
