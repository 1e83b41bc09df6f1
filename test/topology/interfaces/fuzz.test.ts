// Property tests: whatever the input (generated interfaces files, random text, and the corpus
// files with characters and lines inserted, deleted and replaced), the parser and ifquery never
// throw, and every diagnostic points at a real place: a line of the file it names, column ≥ 1.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../../topology/diagnostic.ts";
import { memoryReader, parseInterfaces, readInterfaces, type FileReader } from "../../../topology/interfaces/index.ts";
import { runIfquery } from "../../../topology/ifquery.ts";
import { ifqueryArgs, interfacesFile, mutate, mutation, validFile } from "./gen.ts";

const corpusDir = join(dirname(fileURLToPath(import.meta.url)), "../../../../shared/corpus/interfaces");
const corpus = existsSync(corpusDir) ? readdirSync(corpusDir).sort().map((f) => readFileSync(join(corpusDir, f)).toString("utf8")) : [];

/** A host tree around a main file: a sourced directory with files from the generator. */
function host(main: string, extra: string): FileReader {
  return memoryReader({
    files: { "/etc/network/interfaces": main, "/etc/network/interfaces.d/eth9": extra, "/etc/network/interfaces.d/x.cfg": extra, "/w/d/a": extra },
    dirs: ["/etc/network/interfaces.d/sub", "/w/state"],
    cwd: "/w",
  });
}

function checkLocations(diagnostics: readonly Diagnostic[], reader: FileReader): void {
  for (const d of diagnostics) {
    expect(d.code).toMatch(/^interfaces\/[a-z-]+$/);
    expect(["error", "warning", "info"]).toContain(d.severity);
    expect(d.message.length).toBeGreaterThan(0);
    const text = reader.readFile(d.span.file);
    expect(text, `${d.code} names a file that exists: ${d.span.file}`).toBeDefined();
    const lines = (text ?? "").split("\n");
    expect(d.span.line).toBeGreaterThanOrEqual(1);
    expect(d.span.line).toBeLessThanOrEqual(lines.length);
    expect(d.span.column).toBeGreaterThanOrEqual(1);
    expect(d.span.column).toBeLessThanOrEqual((lines[d.span.line - 1] ?? "").length + 1);
  }
}

function checkAll(main: string, extra: string, args: readonly string[]): void {
  const reader = host(main, extra);
  const parsed = readInterfaces("/etc/network/interfaces", reader);
  checkLocations(parsed.diagnostics, reader);
  const direct = parseInterfaces(main, "/etc/network/interfaces", { reader });
  checkLocations(direct.diagnostics, reader);
  expect(direct.value.rejected).toBe(parsed.value.rejected);
  const r = runIfquery(["-i", "/etc/network/interfaces", ...args], reader);
  expect([0, 1]).toContain(r.exitCode);
}

describe("interfaces parser and ifquery never throw", () => {
  it("on generated interfaces files", () => {
    fc.assert(fc.property(fc.oneof(interfacesFile, validFile), interfacesFile, ifqueryArgs, checkAll), { numRuns: 400 });
  });

  it("on arbitrary text", () => {
    const text = fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.string({ unit: fc.constantFrom("i", "f", "a", " ", "\n", "\\", "#", "\t", "/", "e", "t", "0", "=") , maxLength: 300 }));
    fc.assert(fc.property(text, text, ifqueryArgs, checkAll), { numRuns: 400 });
  });

  it.skipIf(corpus.length === 0)("on mutated corpus files", () => {
    const arb = fc.tuple(fc.integer({ min: 0, max: Math.max(0, corpus.length - 1) }), fc.array(mutation, { minLength: 1, maxLength: 6 }), ifqueryArgs);
    fc.assert(fc.property(arb, ([i, edits, args]) => checkAll(mutate(corpus[i] ?? "", edits), corpus[(i + 1) % corpus.length] ?? "", args)), { numRuns: 500 });
  });
});

if (corpus.length === 0) console.log(`corpus mutation test skipped: ${corpusDir} is absent`);
