// The result of a differential run and its two renderings: text for people (per interface: agree,
// or the first difference with a few entries of context from each side) and the `--json` shape for
// tools (the DiffReport itself, which is plain data).
import { setupRule, TOLERANCES, type Entry, type FirstDifference } from "./compare.ts";

/** One interface's verdict. */
export type InterfaceResult =
  | { readonly iface: string; readonly status: "agree"; readonly entries: number }
  | {
      readonly iface: string;
      readonly status: "differ";
      readonly why: FirstDifference["why"];
      /** Where the difference is on each side (an index into its entries). */
      readonly simIndex: number;
      readonly realIndex: number;
      /** Entries around the difference on each side (from index - CONTEXT), as `+S.sss text` lines. */
      readonly sim: readonly string[];
      readonly real: readonly string[];
      /** Index of the first line in `sim` / `real`. */
      readonly simFrom: number;
      readonly realFrom: number;
    }
  /** Captured by the simulation only (the real side has no capture point there): not a disagreement. */
  | { readonly iface: string; readonly status: "sim-only"; readonly entries: number };

/** The whole comparison of one script on one host. */
export interface DiffReport {
  readonly script: string;
  readonly agree: boolean;
  readonly interfaces: readonly InterfaceResult[];
  /** The tolerance rules applied, and every comparison made by shape rather than value. */
  readonly notes: readonly string[];
  /** Lines one side did not run: `sim` lists the lines the real side cannot run (they still ran in simulation). */
  readonly skipped: readonly { readonly side: "sim" | "real"; readonly line: number; readonly text: string; readonly reason: string }[];
  readonly transcripts: { readonly sim: string; readonly real: string };
}

/** Entries of context shown before a difference. */
export const CONTEXT = 3;

/** An entry as the report prints it: seconds from the script's start, ms rounded (negative: set-up), then the line. */
export function entryLine(e: Entry): string {
  return `${e.time < 0 ? "" : "+"}${(e.time / 1e6).toFixed(3)}s ${e.text}`;
}

/** The verdict of one interface from its two entry lists. */
export function interfaceResult(iface: string, sim: readonly Entry[], real: readonly Entry[], diff: FirstDifference | undefined): InterfaceResult {
  if (diff === undefined) return { iface, status: "agree", entries: sim.length };
  const simFrom = Math.max(0, diff.simIndex - CONTEXT);
  const realFrom = Math.max(0, diff.realIndex - CONTEXT);
  const lines = (e: readonly Entry[], from: number, at: number) => e.slice(from, at + CONTEXT + 1).map(entryLine);
  return {
    iface, status: "differ", why: diff.why, simIndex: diff.simIndex, realIndex: diff.realIndex,
    simFrom, realFrom, sim: lines(sim, simFrom, diff.simIndex), real: lines(real, realFrom, diff.realIndex),
  };
}

const WHY_TEXT: Readonly<Record<FirstDifference["why"], string>> = {
  "only-sim": "a packet only the simulation has",
  "only-real": "a packet only the real kernel has",
  count: "both have this packet, a different number of times",
  time: "this packet is 0.9 s or more apart",
  order: "packets in another order",
};

/** The report for people. */
export function formatReport(r: DiffReport): string {
  const out: string[] = [`xennet diff ${r.script}: ${r.agree ? "all interfaces agree" : "DIFFERENCES"}`];
  for (const i of r.interfaces) {
    if (i.status === "agree") out.push(`  ${i.iface}: agree (${i.entries} entries)`);
    else if (i.status === "sim-only") out.push(`  ${i.iface}: not captured on the real host (${i.entries} entries in simulation)`);
    else out.push(...formatDifference(i));
  }
  if (r.skipped.length > 0) out.push("skipped lines:", ...r.skipped.map((s) => `  ${s.side === "sim" ? "simulation only" : "not run for real"}: line ${s.line} \`${s.text}\`: ${s.reason}`));
  out.push("comparison rules:", ...r.notes.map((n) => `  - ${n}`));
  return `${out.join("\n")}\n`;
}

function formatDifference(i: Extract<InterfaceResult, { status: "differ" }>): string[] {
  const mark = (lines: readonly string[], from: number, at: number) => lines.map((l, k) => `      ${from + k === at ? ">" : " "} ${from + k}: ${l}`);
  const side = (lines: readonly string[], from: number, at: number) => {
    const marked = mark(lines, from, at);
    return at >= from + lines.length ? [...marked, `      > ${at}: (nothing more)`] : marked;
  };
  return [
    `  ${i.iface}: DIFFER (${WHY_TEXT[i.why]})`,
    "    simulation:",
    ...side(i.sim, i.simFrom, i.simIndex),
    "    real:",
    ...side(i.real, i.realFrom, i.realIndex),
  ];
}

/** The notes every report carries: the comparison rules. */
export function baseNotes(setup: boolean): string[] {
  return [...TOLERANCES, setupRule(setup)];
}
