// xend-config.sxp: the S-expression reader (sxp.py's lexical rules and quirks), the typed
// XendConfig with xend's lookup rules, the four corpus files, and never-throw properties.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseXendConfig, readSxp, xendSettings, type SxpNode, type XendConfig } from "../../../topology/sxp/index.ts";
import { corpusFiles, corpusPresent, diagnosticProblem, GRAMMAR_CHARS, labels, mutate, rangeProblem, textAt } from "../xen-cfg/helpers.ts";

/** Atoms as strings, lists as arrays. */
function plain(n: SxpNode): unknown {
  return n.kind === "atom" ? n.value : n.items.map(plain);
}
const forms = (text: string) => readSxp(text, "x.sxp").value.forms.map(plain);
const parse = (text: string) => {
  const r = parseXendConfig(text, "x.sxp");
  for (const d of r.diagnostics) expect(diagnosticProblem(d, text, "x.sxp")).toBeUndefined();
  return r;
};

describe("S-expression reader", () => {
  it("reads atoms, both quotes, nesting, comments and multi-line lists", () => {
    const text = "# comment\n(network-script 'network-bridge netdev=eth1') # trailing\n(vncpasswd \"\")\n(xen-api-server ((9363 pam '^localhost$')\n                 (unix none)))\n(a#comment\n b)\n";
    expect(forms(text)).toEqual([
      ["network-script", "network-bridge netdev=eth1"],
      ["vncpasswd", ""],
      ["xen-api-server", [["9363", "pam", "^localhost$"], ["unix", "none"]]],
      ["a", "b"],
    ]);
  });

  it("decodes escapes as sxp.py does, including dropping the character of an unknown escape", () => {
    const r = readSxp(String.raw`(a 'x\ty\\z\'q\x41\101\.')`, "x.sxp");
    expect(r.value.forms.map(plain)).toEqual([["a", "x\ty\\z'qAA\\"]]);
    expect(labels(r.diagnostics)).toEqual(["sxp-bad-escape@1:23"]);
    expect(r.diagnostics[0]!.severity).toBe("warning");
  });

  it("reports the escapes that stop xend: \\x without two hex digits, octal above \\377", () => {
    expect(labels(readSxp("(a '\\xZ1')", "x.sxp").diagnostics)).toEqual(["sxp-bad-escape@1:5"]);
    expect(labels(readSxp("(a '\\777')", "x.sxp").diagnostics)).toEqual(["sxp-bad-escape@1:5"]);
  });

  it("splits atoms at separators but lets them start one, like sxp.py", () => {
    expect(forms("(a [b] c;d x'y)")).toEqual([["a", "[b", "]", "c", ";d", "x'y"]]);
  });

  it("keeps quotes and non-ASCII inside strings and comments", () => {
    const r = readSxp("# é\n(a 'é')\n", "x.sxp");
    expect(r.diagnostics).toEqual([]);
    expect(r.value.forms.map(plain)).toEqual([["a", "é"]]);
  });

  it("locates unbalanced parentheses, unterminated strings and invalid characters", () => {
    expect(labels(readSxp("(a b))\n(c d)\n", "x.sxp").diagnostics)).toEqual(["sxp-unmatched@1:6"]);
    expect(labels(readSxp("(a b\n", "x.sxp").diagnostics)).toEqual(["sxp-unclosed@1:1"]);
    expect(labels(readSxp("(a é)\n", "x.sxp").diagnostics)).toEqual(["sxp-invalid-character@1:4"]);
    expect(readSxp("(a b))", "x.sxp").diagnostics[0]!.severity).toBe("error");
  });

  it("recovers from an unclosed form or string at the next line starting with `(`", () => {
    const r1 = readSxp("(dom0-min-mem 196\n(vif-script vif-bridge)\n", "x.sxp");
    expect(labels(r1.diagnostics)).toEqual(["sxp-unclosed@1:1"]);
    expect(r1.value.forms.map(plain)).toEqual([["dom0-min-mem", "196"], ["vif-script", "vif-bridge"]]);
    const r2 = readSxp("(vncpasswd 'oops)\n(vif-script vif-bridge)\n", "x.sxp");
    expect(labels(r2.diagnostics)).toEqual(["sxp-unterminated-string@1:12", "sxp-unclosed@1:1"]);
    expect(r2.value.forms.map(plain)).toEqual([["vncpasswd", "oops)"], ["vif-script", "vif-bridge"]]);
  });

  it("gives every node a range over its source text", () => {
    const text = "(network-script 'network-bridge netdev=eth1')";
    const [form] = readSxp(text, "x.sxp").value.forms;
    expect(textAt(text, form!.range)).toBe(text);
    expect(form?.kind === "list" && textAt(text, form.items[1]!.range)).toBe("'network-bridge netdev=eth1'");
  });
});

describe("XendConfig", () => {
  it("types network-script with its VAR=VALUE arguments", () => {
    const c = parse("(network-script 'network-bridge netdev=eth1 bridge=xenbr1')\n(vif-script 'vif-bridge bridge=xenbr1')\n").value;
    expect(c.networkScript?.value).toEqual({
      script: "network-bridge", args: ["netdev=eth1", "bridge=xenbr1"],
      vars: [{ name: "netdev", value: "eth1" }, { name: "bridge", value: "xenbr1" }],
    });
    expect(c.vifScript?.value).toMatchObject({ script: "vif-bridge", vars: [{ name: "bridge", value: "xenbr1" }] });
    expect(c.networkScript?.range).toMatchObject({ line: 1, column: 17 });
  });

  it("warns that an unquoted network-script loses its arguments (xend reads one value)", () => {
    const r = parse("(network-script network-bridge netdev=eth1)\n");
    expect(r.value.networkScript?.value).toEqual({ script: "network-bridge", args: [], vars: [] });
    expect(labels(r.diagnostics)).toEqual(["xend-extra-values@1:32"]);
    expect(r.diagnostics[0]!.hint).toBe("quote the whole value: (network-script 'network-bridge netdev=eth1')");
  });

  it("reads network-dummy, an empty network-script, ints and booleans in every spelling", () => {
    expect(parse("(network-script network-dummy)").value.networkScript?.value?.script).toBe("network-dummy");
    expect(parse("(network-script '')").value.networkScript?.value).toBeNull();
    const c = parse("(dom0-min-mem 196)(dom0-cpus ' 2 ')(enable-dom0-ballooning On)(xend-relocation-server t)(xend-http-server 0)(xend-relocation-port 8002)").value;
    expect([c.dom0MinMem?.value, c.dom0Cpus?.value, c.enableDom0Ballooning?.value, c.xendRelocationServer?.value, c.xendHttpServer?.value, c.xendRelocationPort?.value]).toEqual([196, 2, true, true, false, 8002]);
  });

  it.each([
    ["(dom0-min-mem lots)", "xend-bad-value@1:15"],
    ["(enable-dom0-ballooning maybe)", "xend-bad-value@1:25"],
    ["(vif-script (a b))", "xend-bad-value@1:13"],
    ["(dom0-min-mem 1)\n(dom0-min-mem 2)", "xend-duplicate@2:1"],
    ["stray (a b)", "xend-stray@1:1"],
  ])("%j is a located diagnostic", (text, label) => {
    expect(labels(parse(text).diagnostics)).toEqual([label]);
  });

  it("uses the first of two settings, as sxp.child_value does", () => {
    expect(parse("(dom0-min-mem 1)\n(dom0-min-mem 2)").value.dom0MinMem?.value).toBe(1);
  });

  it("keeps unknown settings and applies xend's defaults", () => {
    const c = parse("(xend-foo bar)\n(dom0-min-mem 0)\n").value;
    expect(c.entries.map((e) => e.key)).toEqual(["xend-foo", "dom0-min-mem"]);
    const s = xendSettings(c);
    expect([s.networkScript, s.vifScript.script, s.enableDom0Ballooning, s.relocationPort, s.vncListen]).toEqual([null, "vif-bridge", false, 8002, "127.0.0.1"]);
    expect(xendSettings(parse("(dom0-min-mem 196)").value).enableDom0Ballooning).toBe(true);
  });
});

const present = corpusPresent("xend");
describe.skipIf(!present)("xend corpus", () => {
  const files = corpusFiles("xend");
  it.each(files)("%s reads without a single diagnostic", (name, text) => {
    const r = parseXendConfig(text, name);
    expect(r.diagnostics).toEqual([]);
    expect(r.value.entries.length).toBeGreaterThan(5);
  });

  it("types the settings each host chose", () => {
    const get = (prefix: string): XendConfig => {
      const [name, text] = files.find(([n]) => n.startsWith(prefix))!;
      return parseXendConfig(text, name).value;
    };
    const trimet = get("001");
    expect([trimet.networkScript, trimet.vifScript?.value.script, trimet.dom0MinMem?.value, trimet.enableDom0Ballooning?.value]).toEqual([undefined, "vif-bridge", 2048, false]);
    const acm = get("002");
    expect([acm.networkScript?.value?.script, acm.xendRelocationServer?.value, acm.xendRelocationHostsAllow?.value]).toEqual(["network-bridge", true, "^192\\.0\\.100\\.[0-9]+$"]);
    expect(xendSettings(acm).enableDom0Ballooning).toBe(true);
    expect(get("003").xendUnixServer?.value).toBe(true);
    expect(xendSettings(get("004"))).toMatchObject({ networkScript: null, dom0MinMem: 196, enableDom0Ballooning: true });
  });
});

describe("sxp properties", () => {
  const check = (text: string) => {
    const r = parseXendConfig(text, "x.sxp");
    for (const d of r.diagnostics) expect(diagnosticProblem(d, text, "x.sxp")).toBeUndefined();
    const walk = (n: SxpNode): void => {
      expect(rangeProblem(n.range, text)).toBeUndefined();
      if (n.kind === "list") n.items.forEach(walk);
    };
    r.value.forms.forEach(walk);
  };
  const sxpChars = [...GRAMMAR_CHARS, "(", "(", ")", ")", "'", " "];

  it("never throws on arbitrary text or text of sxp's characters", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), check), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...sxpChars), maxLength: 300 }), check), { numRuns: 500 });
  });

  const corpus = corpusFiles("xend").map(([, t]) => t);
  it.skipIf(corpus.length === 0)("never throws on random edits of the corpus files", () => {
    const op = fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 40 }), fc.string({ unit: fc.constantFrom(...sxpChars), maxLength: 6 }));
    fc.assert(fc.property(fc.constantFrom(...corpus), fc.array(op, { minLength: 1, maxLength: 8 }), (t, ops) => check(mutate(t, ops))), { numRuns: 300 });
  });

  it("reads deep nesting without a stack overflow", () => {
    check("(".repeat(50000) + ")".repeat(50000));
    check("(".repeat(50000));
  });
});
