// Golden HostConfig of the corpus's six Xen hosts (test/topology/host-trees.ts): everything loadHost
// makes of each tree, plus every diagnostic of the parsers and the static checks, as reviewable JSON
// in test/golden/host-config/NAME.json (a Span is written `file:line:column`). UPDATE_GOLDEN=1
// rewrites the files; review that diff.

import { describe, expect, it } from "vitest";
import { expectGolden as expectSharedGolden } from "../golden.ts";
import { checkHost, hostGraph, loadHost, memoryReader } from "../../topology/index.ts";
import { corpusPresent, xenHosts } from "./host-trees.ts";


/** JSON with every Span written as `file:line:column`. */
function goldenJson(value: unknown): string {
  const isSpan = (x: unknown): x is { file: string; line: number; column: number } =>
    typeof x === "object" && x !== null && Object.keys(x).length === 3 && "file" in x && "line" in x && "column" in x;
  return `${JSON.stringify(value, (_k, x: unknown) => (isSpan(x) ? `${x.file}:${x.line}:${x.column}` : x), 2)}\n`;
}


if (!corpusPresent) console.warn("SKIPPED: golden HostConfig tests: ../shared/corpus is absent (see shared/corpus/README.md)");

describe.skipIf(!corpusPresent)("golden HostConfig of the corpus's Xen hosts", () => {
  it.each(corpusPresent ? xenHosts().map((t) => [t.name, t] as const) : [])("%s", (name, tree) => {
    const loaded = loadHost(memoryReader({ files: tree.files }));
    const diagnostics = [...loaded.diagnostics, ...checkHost(loaded.value)].map((d) => `${d.span.file}:${d.span.line}:${d.span.column} ${d.severity} ${d.code}: ${d.message}`);
    expectSharedGolden(`host-config/${name}.json`, goldenJson({ config: loaded.value, diagnostics }));
    const again = loadHost(memoryReader({ files: tree.files }));
    expect(goldenJson(again.value)).toBe(goldenJson(loaded.value));
    expect(hostGraph(again.value)).toEqual(hostGraph(loaded.value));
  });
});
