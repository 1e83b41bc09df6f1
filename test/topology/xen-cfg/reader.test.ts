// The .cfg reader: the Python literal grammar (quotes, escapes, numbers, containers, comments, line
// joining) and the promise that code is never executed — it is located, reported, and the rest of the
// file still reads.

import { describe, expect, it } from "vitest";
import { readPyConfig, type PyValue } from "../../../topology/xen-cfg/index.ts";
import { diagnosticProblem, labels } from "./helpers.ts";

const read = (text: string, toolstack?: "xm" | "xl") => readPyConfig(text, "t.cfg", toolstack ? { toolstack } : {});

/** The plain meaning of a value (no ranges), for compact expectations. */
function plain(v: PyValue): unknown {
  switch (v.kind) {
    case "str":
    case "int":
    case "float":
    case "bool":
      return v.value;
    case "none":
      return null;
    case "list":
      return v.items.map(plain);
    case "tuple":
      return { tuple: v.items.map(plain) };
    case "dict":
      return Object.fromEntries(v.entries.map((e) => [String(plain(e.key)), plain(e.value)]));
    case "code":
      return { code: v.text };
  }
}

/** name → plain value of every assignment, last one winning. */
function values(text: string): Record<string, unknown> {
  const r = read(text);
  for (const d of r.diagnostics) expect(diagnosticProblem(d, text, "t.cfg")).toBeUndefined();
  return Object.fromEntries(r.value.assignments.map((a) => [a.key, plain(a.value)]));
}

describe("strings", () => {
  it("reads every quote style", () => {
    const v = values(`a = 'single'\nb = "double"\nc = '''tri\nple'''\nd = """it's "quoted" """\ne = ''\nf = ""\n`);
    expect(v).toEqual({ a: "single", b: "double", c: "tri\nple", d: `it's "quoted" `, e: "", f: "" });
  });

  it("decodes Python 2 escapes and keeps unknown ones", () => {
    const v = values(String.raw`a = 'tab\there'
b = "q\"q\'q\\"
c = '\x41\101\0'
d = 'keep\d\.'
e = u'\u00e9\U0001F600'
f = 'no\u00e9'
g = 'a\
b'
`);
    expect(v).toEqual({ a: "tab\there", b: `q"q'q\\`, c: "AA\0", d: "keep\\d\\.", e: "é😀", f: "no\\u00e9", g: "ab" });
  });

  it("keeps backslashes in raw strings, including before a quote", () => {
    expect(values(String.raw`a = r'C:\new\t'` + "\n" + String.raw`b = r"\"x"` + "\nc = R'''\\d+'''\n")).toEqual({ a: "C:\\new\\t", b: '\\"x', c: "\\d+" });
  });

  it("joins adjacent literals, across lines inside brackets", () => {
    expect(values("a = 'x' \"y\" '''z'''\nb = ('long'\n     'er')\n")).toEqual({ a: "xyz", b: "longer" });
  });

  it("warns when a list joins strings over a line break (a missing comma)", () => {
    const text = "vif = [ 'bridge=xenbr0'\n        'bridge=xenbr1' ]\nname = 'x'\n";
    const r = read(text);
    expect(plain(r.value.assignments[0]!.value)).toEqual(["bridge=xenbr0bridge=xenbr1"]);
    expect(labels(r.diagnostics)).toEqual(["cfg-implicit-concat@2:9", "cfg-not-xl@2:9"]);
  });

  it("reports an unterminated string and keeps reading the next line", () => {
    const r = read("a = 'open\nb = 2\n");
    expect(labels(r.diagnostics)).toEqual(["cfg-unterminated-string@1:5"]);
    expect(r.value.assignments.map((a) => [a.key, plain(a.value)])).toEqual([["a", "open"], ["b", 2]]);
  });

  it("reports bad \\x escapes and f-strings", () => {
    expect(labels(read("a = '\\xZZ'\n").diagnostics)).toEqual(["cfg-bad-escape@1:6"]);
    const f = read("a = f'{name}'\nb = 1\n");
    expect(labels(f.diagnostics)).toEqual(["cfg-code@1:5"]);
    expect(plain(f.value.assignments[1]!.value)).toBe(1);
  });
});

describe("numbers and constants", () => {
  it("reads decimal, hex, octal, binary, long, floats and signs", () => {
    const v = values("a = 42\nb = 0x1F\nc = 0o17\nd = 0b101\ne = 10L\nf = 1.5\ng = .5e1\nh = -3\ni = +7\nj = 0\n");
    expect(v).toEqual({ a: 42, b: 31, c: 15, d: 5, e: 10, f: 1.5, g: 5, h: -3, i: 7, j: 0 });
  });

  it("reads Python 2's leading-zero octal, with a note", () => {
    const r = read("memory = 0755\n");
    expect(plain(r.value.assignments[0]!.value)).toBe(493);
    expect(labels(r.diagnostics)).toEqual(["cfg-octal@1:10"]);
    expect(labels(read("a = 089\n").diagnostics)).toEqual(["cfg-bad-number@1:5"]);
  });

  it("reads True, False and None", () => {
    expect(values("a = True\nb = False\nc = None\n")).toEqual({ a: true, b: false, c: null });
  });

  it("reports malformed numbers", () => {
    expect(labels(read("a = 12ab\nb = 1\n").diagnostics)).toEqual(["cfg-bad-number@1:5"]);
  });
});

describe("containers and line joining", () => {
  it("reads lists, tuples, dicts, nesting and trailing commas", () => {
    const v = values("a = [1, 'x', [2, 3],]\nb = (1,)\nc = ()\nd = (5)\ne = 1, 2\nf = {'k': [1], 2: 'v'}\ng = []\n");
    expect(v).toEqual({ a: [1, "x", [2, 3]], b: { tuple: [1] }, c: { tuple: [] }, d: 5, e: { tuple: [1, 2] }, f: { k: [1], 2: "v" }, g: [] });
  });

  it("continues lines inside brackets and after a backslash, with comments between", () => {
    const text = "disk = [\n    'phy:/dev/vg/a,xvda,w',  # root\n# 'file:/x,xvdb,w',\n    'phy:/dev/vg/b,xvdb,w',\n      ]\nmemory = \\\n  512\n";
    expect(values(text)).toEqual({ disk: ["phy:/dev/vg/a,xvda,w", "phy:/dev/vg/b,xvdb,w"], memory: 512 });
  });

  it("reads `;`-separated statements, chained assignment, CRLF and a BOM", () => {
    expect(values("a = 1; b = 'x';\r\nc = d = [1]\r\n")).toEqual({ a: 1, b: "x", c: [1], d: [1] });
    expect(values("\uFEFFname = 'bom'\n")).toEqual({ name: "bom" });
  });

  it("reads a file without a final newline, and an empty file", () => {
    expect(values("name = 'x'")).toEqual({ name: "x" });
    expect(read("").value.assignments).toEqual([]);
  });

  it("recovers from an unclosed bracket at the next `name =` line", () => {
    const r = read("vif = [ 'bridge=xenbr0'\nname = 'guest'\nmemory = 256\n");
    expect(labels(r.diagnostics)).toEqual(["cfg-unclosed-bracket@1:7"]);
    expect(r.value.assignments.map((a) => [a.key, plain(a.value)])).toEqual([["vif", ["bridge=xenbr0"]], ["name", "guest"], ["memory", 256]]);
  });

  it("reports an unclosed bracket at the end of the file and a stray closer", () => {
    expect(labels(read("disk = [ 'a',\n").diagnostics)).toEqual(["cfg-unclosed-bracket@1:8"]);
    expect(labels(read("a = 1\n]\nb = 2\n").diagnostics)).toEqual(["cfg-unmatched-bracket@2:1"]);
    expect(labels(read("a = [1)\nb = 2\n").diagnostics)).toEqual(["cfg-unmatched-bracket@1:7"]);
  });
});

describe("code is never executed", () => {
  const trimet = [
    "import os, re",
    "arch = os.uname()[4]",
    "if re.search('64', arch):",
    "    arch_libdir = 'lib64'",
    "else:",
    "    arch_libdir = 'lib'",
    "",
    "kernel = \"/usr/lib/xen-4.1/boot/hvmloader\"",
    "device_model = '/usr/' + arch_libdir + '/xen-4.1/bin/qemu-dm'",
    "name = \"serverex\"",
    "",
  ].join("\n");

  it("names the line and column of each piece of code and reads the rest", () => {
    const r = read(trimet);
    expect(labels(r.diagnostics)).toEqual(["cfg-code@1:1", "cfg-code@2:8", "cfg-code@3:1", "cfg-code@9:24"]);
    expect(r.diagnostics.every((d) => d.severity === "warning")).toBe(true);
    expect(r.diagnostics[2]!.message).toContain("lines 3-6");
    expect(r.value.assignments.map((a) => [a.key, plain(a.value)])).toEqual([
      ["arch", { code: "os.uname()[4]" }],
      ["kernel", "/usr/lib/xen-4.1/boot/hvmloader"],
      ["device_model", { code: "'/usr/' + arch_libdir + '/xen-4.1/bin/qemu-dm'" }],
      ["name", "serverex"],
    ]);
  });

  it("makes code an error for xl, which rejects it, and a warning for xm, which would run it", () => {
    expect(read(trimet, "xl").diagnostics.every((d) => d.severity === "error")).toBe(true);
    expect(read(trimet, "xm").diagnostics.every((d) => d.severity === "warning")).toBe(true);
  });

  it.each([
    ["a = open('/etc/passwd').read()\n", "cfg-code@1:5", "open"],
    ["a = 1 + 2\n", "cfg-code@1:7", "`+`"],
    ["a = x\n", "cfg-code@1:5", "`x`"],
    ["a = [1, __import__('os')]\n", "cfg-code@1:9", "__import__"],
    ["a = 'x' if y else 'z'\n", "cfg-code@1:9", "`if`"],
    ["a = 'x' % 3\n", "cfg-code@1:9", "`%`"],
    ["a = `1`\n", "cfg-code@1:5", "`"],
    ["a = lambda: 1\n", "cfg-code@1:5", "lambda"],
    ["a = {1, 2}\n", "cfg-code@1:7", "set"],
    ["a = [i for i in x]\n", "cfg-code@1:6", "`i`"],
    ["os.system('rm -rf /')\n", "cfg-code@1:1", "expression"],
    ["from os import *\n", "cfg-code@1:1", "from"],
    ["def f():\n    return 1\n", "cfg-code@1:1", "line"],
    ["a += [1]\n", "cfg-code@1:3", "+="],
    ["a.b = 1\n", "cfg-code@1:1", "a.b"],
    ["a, b = 1, 2\n", "cfg-code@1:1", "a, b"],
  ])("%j is reported, not run", (text, label, word) => {
    const r = read(text + "name = 'still read'\n");
    expect(labels(r.diagnostics)).toEqual([label]);
    expect(r.diagnostics[0]!.message).toContain(word);
    expect(r.value.assignments.at(-1)).toMatchObject({ key: "name", value: { value: "still read" } });
  });

  it("treats an operator left of `=` as the syntax error it is (xen-tools' install-method)", () => {
    const r = read("install-method = debootstrap\nname = 'krs23'\n");
    expect(labels(r.diagnostics)).toEqual(["cfg-syntax@1:8"]);
    expect(r.diagnostics[0]!.severity).toBe("error");
    expect(r.value.assignments.map((a) => a.key)).toEqual(["name"]);
  });

  it("reports a missing comma inside a list as a syntax error", () => {
    expect(labels(read("a = [1 2]\nb = 3\n").diagnostics)).toEqual(["cfg-syntax@1:8"]);
  });
});

describe("what only one toolstack accepts", () => {
  it("grades Python literal syntax xl's parser lacks: error for xl, nothing for xm, info when unknown", () => {
    const text = "a = '''x'''\nb = r'y'\nc = 'p' 'q'\nd = 1.5\ne = -1\nf = True\ng = (1, 2)\nh = {'k': 1}\nI = 1\nj = k = 2\nl = 0x1f\nm = 3, 4\n";
    const xl = read(text, "xl").diagnostics;
    expect(labels(xl)).toEqual([
      "cfg-not-xl@1:5", "cfg-not-xl@2:5", "cfg-not-xl@3:9", "cfg-not-xl@4:5", "cfg-not-xl@5:5", "cfg-not-xl@6:5",
      "cfg-not-xl@7:5", "cfg-not-xl@8:5", "cfg-not-xl@9:1", "cfg-not-xl@10:5", "cfg-not-xl@12:5",
    ]);
    expect(xl.every((d) => d.severity === "error")).toBe(true);
    expect(read(text, "xm").diagnostics).toEqual([]);
    expect(read(text).diagnostics.every((d) => d.severity === "info")).toBe(true);
  });
});

describe("lexical rules Python 2 adds", () => {
  it("reports unexpected indentation for xm only", () => {
    expect(labels(read("name = 'a'\n  memory = 128\n").diagnostics)).toEqual(["cfg-unexpected-indent@2:3"]);
    expect(read("  memory = 128\n", "xm").diagnostics[0]!.severity).toBe("error");
    expect(read("  memory = 128\n", "xl").diagnostics).toEqual([]);
  });

  it("reports non-ASCII text without a coding line (PEP 263), even in a comment", () => {
    const r = read("name = 'a'\n# комментарий\n");
    expect(labels(r.diagnostics)).toEqual(["cfg-non-ascii@2:3"]);
    expect(r.diagnostics[0]!.severity).toBe("info");
    expect(read("# -*- coding: utf-8 -*-\n# комментарий\n").diagnostics).toEqual([]);
  });

  it("reports invalid characters and stray backslashes, reading on", () => {
    const r = read("a = 1 $\nb = 2 \\ x\nc = 3\n");
    expect(labels(r.diagnostics)).toEqual(["cfg-invalid-character@1:7", "cfg-stray-backslash@2:7", "cfg-syntax@2:9"]);
    expect(r.value.assignments.map((a) => a.key)).toEqual(["a", "b", "c"]);
  });
});
