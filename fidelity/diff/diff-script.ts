// `diffScript`: one script on one host, run twice — in simulation and, through fidelity/realize, on
// the real kernel in namespaces built from an identical simulated host (same files, same seed, so the
// same MACs) — then normalised and compared interface by interface (compare.ts). The realiser can be
// replaced (tests compare the simulation with itself, or with a mutated copy of itself).
import type { FileReader } from "../../topology/interfaces/index.ts";
import type { Machine, WorldSpec } from "../../hypervisor/index.ts";
import { ipv4ToString } from "../../netsim/wire/address.ts";
import type { RealizeOptions, ScriptRun } from "../types.ts";
import { entriesOf, firstDifference } from "./compare.ts";
import { baseNotes, interfaceResult, type DiffReport, type InterfaceResult } from "./report.ts";
import { leasesIn, rolesOf, withLeases, type Roles } from "./roles.ts";
import { loadRealizer } from "./realizer.ts";
import { bootForFidelity, PREPARATION, simulateScript, splitPrelude } from "./simulate.ts";

/** What runs the script for real: fidelity/realize's realizeScript, or a stand-in. */
export type Realizer = (machine: Machine, script: string, options?: RealizeOptions) => Promise<ScriptRun>;

/** What diffScript needs. */
export interface DiffOptions {
  readonly root: FileReader;
  readonly world: WorldSpec;
  readonly seed: number;
  readonly script: string;
  readonly scriptName: string;
  readonly realize?: RealizeOptions;
}

/** Runs `script` in simulation and for real (fidelity/realize, or `realizer`), and compares them. */
export async function diffScript(options: DiffOptions, realizer?: Realizer): Promise<DiffReport> {
  const host = { root: options.root, world: options.world, seed: options.seed };
  const { prelude, body } = splitPrelude(options.script);
  const simulated = bootForFidelity(host, prelude);
  const plan = bootForFidelity(host, prelude).machine;
  const roles = rolesOf(simulated.machine, scriptPorts(options.script));
  const sim = simulateScript(simulated.machine, body);
  const real = await (realizer ?? (await defaultRealizer()))(plan, body, options.realize);
  const report = compareRuns(options.scriptName, roles, sim, real, { setup: comparesSetup(options.script) });
  if (prelude.length === 0) return report;
  const built = `the script's first lines built the host in simulation on both sides before it started (the toolstack is simulation-only): ${prelude.join("; ")}`;
  return { ...report, notes: [built, ...report.notes] };
}

/** True when the script asks for the set-up's frames to be compared too: a `# xennet-diff: setup` line. */
export function comparesSetup(script: string): boolean {
  return /^#\s*xennet-diff:.*\bsetup\b/m.test(script);
}

/** fidelity/realize's realizeScript; throws when this machine cannot realise (callers check loadRealizer first). */
async function defaultRealizer(): Promise<Realizer> {
  const side = await loadRealizer();
  if (!side.ok) throw new Error(`cannot run the script for real: ${side.why}`);
  return side.realize;
}

/** Port numbers the script names (`-p 5000`, `--sport 5000`): printed as numbers, not classes. */
export function scriptPorts(script: string): number[] {
  return [...script.matchAll(/(?:-p|--s?port|--dport)\s+(\d+)/g)].map((m) => Number(m[1])).filter((p) => p > 0 && p < 65536);
}

/** Compares two runs of one script (see compare.ts for the rules). */
export function compareRuns(scriptName: string, roles: Roles, sim: ScriptRun, real: ScriptRun, options: { setup?: boolean } = {}): DiffReport {
  const simRoles = withLeases(roles, sim.captures);
  const realRoles = withLeases(roles, real.captures);
  const keys = [...new Set([...sim.captures.keys(), ...real.captures.keys()])].sort();
  const from = options.setup === true ? -Infinity : 0;
  const interfaces: InterfaceResult[] = keys.map((iface) => {
    const s = entriesOf(simRoles, sim.captures.get(iface) ?? [], from);
    if (!real.captures.has(iface)) return { iface, status: "sim-only", entries: s.length };
    const r = entriesOf(realRoles, real.captures.get(iface)!, from);
    return interfaceResult(iface, s, r, firstDifference(s, r));
  });
  const skipped = [
    ...sim.skipped.map((s) => ({ side: "sim" as const, ...s })),
    ...real.skipped.map((s) => ({ side: "real" as const, ...s })),
  ];
  return {
    script: scriptName,
    agree: interfaces.every((i) => i.status !== "differ"),
    interfaces,
    notes: [...baseNotes(options.setup === true), ...PREPARATION, ...leaseNotes(roles, sim, real)],
    skipped,
    transcripts: { sim: sim.transcript, real: real.transcript },
  };
}

/** One note per holder whose lease differs in value between the sides (compared by holder: not a difference). */
function leaseNotes(base: Roles, sim: ScriptRun, real: ScriptRun): string[] {
  const byHolder = (run: ScriptRun) => {
    const m = new Map<string, string[]>();
    for (const [ip, role] of leasesIn(base, run.captures)) m.set(role, [...(m.get(role) ?? []), ipv4ToString(ip)]);
    return m;
  };
  const s = byHolder(sim);
  const r = byHolder(real);
  const notes: string[] = [];
  for (const role of [...new Set([...s.keys(), ...r.keys()])].sort()) {
    const a = (s.get(role) ?? []).join(", ");
    const b = (r.get(role) ?? []).join(", ");
    if (a !== b) notes.push(`${role} leased ${b || "nothing"} for real and ${a || "nothing"} in simulation: compared as \`${role}\` (shape, not value)`);
  }
  return notes;
}
