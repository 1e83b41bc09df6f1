// Property tests: no text, however broken, makes the domain config reader throw, and every
// diagnostic and every range it reports points inside that text. Inputs are random strings, strings
// built from the grammar's own characters and tokens, and random edits of the real corpus files.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDomainConfig, type DomainConfig, type Range, type Toolstack } from "../../../topology/xen-cfg/index.ts";
import { corpusFiles, diagnosticProblem, GRAMMAR_CHARS, mutate, rangeProblem } from "./helpers.ts";

const TOKENS = [
  "name", "vif", "disk", "memory", " = ", "=", "[", "]", "(", ")", "{", "}", ",", ":", ";", "\n", "\n    ", "\\\n", "#c\n",
  "'", '"', "'''", '"""', "r'", "u'", "f'", "'bridge=xenbr0,mac=00:16:3e:00:00:01'", "'phy:/dev/vg/a,xvda,w'", "'/x,raw,xvda,rw'",
  "'rate=10Mb/s@20ms'", "0x1F", "0755", "1.5e3", "-1", "True", "None", "import os", "if x:", "else:", "os.uname()", "+", "`",
  "'\\x4", "'\\N{", "u'\\U0010FFFF'", "\u00e9", "\t", "\r\n", "on_crash = 'rename-restart'",
];

const toolstacks: fc.Arbitrary<Toolstack | undefined> = fc.constantFrom(undefined, "xm", "xl");

/** Every Range reachable from a typed config. */
function ranges(c: DomainConfig): Range[] {
  const out: Range[] = c.assignments.flatMap((a) => [a.keyRange, a.value.range]);
  for (const v of c.vifs) out.push(v.range, ...v.options.flatMap((o) => [o.keyRange, o.valueRange]));
  for (const d of c.disks) out.push(d.range, ...[d.target, d.vdev, d.access, d.format, d.backendDomain].flatMap((l) => (l ? [l.range] : [])));
  for (const l of [c.name, c.memory, c.vcpus, c.kernel, c.onCrash]) if (l) out.push(l.range);
  return out;
}

function check(text: string, toolstack: Toolstack | undefined): void {
  const r = parseDomainConfig(text, "f.cfg", toolstack ? { toolstack } : {});
  for (const d of r.diagnostics) expect(diagnosticProblem(d, text, "f.cfg")).toBeUndefined();
  for (const range of ranges(r.value)) expect(rangeProblem(range, text)).toBeUndefined();
}

describe("domain config reader properties", () => {
  it("never throws on arbitrary text", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), toolstacks, check), { numRuns: 400 });
  });

  it("never throws on text made of the grammar's characters", () => {
    const text = fc.string({ unit: fc.constantFrom(...GRAMMAR_CHARS), maxLength: 300 });
    fc.assert(fc.property(text, toolstacks, check), { numRuns: 600 });
  });

  it("never throws on sequences of the grammar's tokens", () => {
    const text = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => t.join(""));
    fc.assert(fc.property(text, toolstacks, check), { numRuns: 600 });
  });

  const corpus = corpusFiles("xen-cfg").map(([, t]) => t);
  it.skipIf(corpus.length === 0)("never throws on random edits of the corpus files", () => {
    const op = fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 40 }), fc.string({ unit: fc.constantFrom(...GRAMMAR_CHARS), maxLength: 6 }));
    const text = fc.tuple(fc.constantFrom(...corpus), fc.array(op, { minLength: 1, maxLength: 8 })).map(([t, ops]) => mutate(t, ops));
    fc.assert(fc.property(text, toolstacks, check), { numRuns: 400 });
  });

  it("reads deep nesting and long inputs without a stack overflow or slowdown", () => {
    check("a = " + "[".repeat(5000) + "]".repeat(5000) + "\n", undefined);
    check("a = " + "(".repeat(20000) + "\n", undefined);
    check("vif = [" + "'x', ".repeat(20000) + "]\n", undefined);
  });
});
