// Keeps the architecture of DESIGN.md: imports point one way (web, cli → fidelity → hypervisor → topology →
// netsim; captures uses only netsim), and nothing inside the simulation reads the wall clock or
// Math.random. A failing case names the file and the offending line.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, dirname, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const SOURCE_DIRS = ["netsim", "captures", "topology", "hypervisor", "fidelity", "cli", "web", "bench"] as const;

/** Which top folders each top folder may import from (besides itself and npm packages). */
const ALLOWED: Record<string, readonly string[]> = {
  netsim: [],
  captures: ["netsim"],
  topology: ["netsim"],
  hypervisor: ["topology", "netsim", "captures"],
  // fidelity realises a simulated host in namespaces and diffs the two: it runs real processes.
  fidelity: ["hypervisor", "topology", "netsim", "captures"],
  cli: ["hypervisor", "topology", "netsim", "captures", "web", "fidelity"],
  web: ["hypervisor", "topology", "netsim", "captures"],
  bench: ["web", "hypervisor", "topology", "netsim", "captures"],
};

/** Folders that must stay deterministic: no wall clock, no unseeded randomness, no real timers. */
const DETERMINISTIC = ["netsim", "hypervisor", "topology"];
const FORBIDDEN: readonly [RegExp, string][] = [
  [/\bMath\.random\b/, "Math.random"],
  [/\bDate\b/, "Date"],
  [/\bsetTimeout\b/, "setTimeout"],
  [/\bsetInterval\b/, "setInterval"],
  [/\bperformance\.now\b/, "performance.now"],
];

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : sourceFiles(path);
    return /\.(ts|tsx|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** Strips comments so a comment mentioning `Date` or an old import path does not count. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " ")).replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

function importsOf(text: string): { spec: string; line: number }[] {
  const found: { spec: string; line: number }[] = [];
  const re = /(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
  for (const m of text.matchAll(re)) {
    const spec = m[1] ?? m[2] ?? "";
    found.push({ spec, line: text.slice(0, m.index).split("\n").length });
  }
  return found;
}

function topFolderOf(absPath: string): string {
  return relative(ROOT, absPath).split(sep)[0] ?? "";
}

describe("architecture", () => {
  const files = SOURCE_DIRS.flatMap((d) => sourceFiles(join(ROOT, d)));

  it("finds the source tree", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it("imports point the way DESIGN.md says", () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = topFolderOf(file);
      const allowed = ALLOWED[from] ?? [];
      for (const { spec, line } of importsOf(withoutComments(readFileSync(file, "utf8")))) {
        if (!spec.startsWith(".")) continue;
        const to = topFolderOf(resolve(dirname(file), spec));
        if (to !== from && !allowed.includes(to)) {
          violations.push(`${relative(ROOT, file)}:${line}: ${from}/ must not import ${to}/ ("${spec}")`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it("keeps wall-clock time and unseeded randomness out of the simulation", () => {
    const violations: string[] = [];
    for (const file of files.filter((f) => DETERMINISTIC.includes(topFolderOf(f)))) {
      const lines = withoutComments(readFileSync(file, "utf8")).split("\n");
      lines.forEach((text, i) => {
        for (const [re, what] of FORBIDDEN) {
          if (re.test(text)) violations.push(`${relative(ROOT, file)}:${i + 1}: uses ${what}`);
        }
      });
    }
    expect(violations).toEqual([]);
  });

  it("detects a violation (the checker itself can fail)", () => {
    const bad = withoutComments('const t = Date.now(); // fine in a comment: Math.random\nimport x from "../web/server.ts";');
    expect(FORBIDDEN.some(([re]) => re.test(bad))).toBe(true);
    expect(bad.includes("Math.random")).toBe(false);
    expect(importsOf(bad)).toEqual([{ spec: "../web/server.ts", line: 2 }]);
  });
});
