// Building the simulated host the way every subcommand does: from the global --root and --seed.
// Configuration is read from the host's files under --root, never written: the simulated host
// writes into its own in-memory filesystem.
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { readFileSync } from "node:fs";
import { formatDiagnostic } from "../topology/diagnostic.ts";
import { nodeFsReader, type FileReader } from "../topology/interfaces/index.ts";
import { Machine, readWorld, worldOfRoot, worldUsable, type WorldSpec } from "../hypervisor/index.ts";
import { Dom0Shell } from "../hypervisor/shell/index.ts";

/** A usage problem the CLI reports with exit status 2. */
export class UsageError extends Error {}

/** The global options every subcommand shares. */
export interface GlobalOptions {
  readonly root: string;
  readonly seed: number;
  /** The host's files, read-only, confined to the root. */
  readonly reader: FileReader;
  /** The network outside: --world, else the root's /xennet-world.json, else the standard LAN. */
  readonly world: WorldSpec;
}

/** Reads and checks the global options. */
export function globalOptions(program: Command): GlobalOptions {
  const opts = program.opts() as { root: string; seed: string };
  const seed = Number(opts.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number, not "${opts.seed}"`);
  const root = resolve(opts.root);
  if (!existsSync(root)) throw new UsageError(`--root ${opts.root}: no such directory`);
  const reader = nodeFsReader({ root });
  return { root, seed, reader, world: loadWorld(reader, (program.opts() as { world?: string }).world) };
}

/** The world file, checked: a world with errors is unusable input (exit 2), listed line by line. */
function loadWorld(reader: FileReader, path: string | undefined): WorldSpec {
  let parsed;
  if (path === undefined) parsed = worldOfRoot(reader);
  else {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      throw new UsageError(`--world ${path}: cannot read it`);
    }
    parsed = readWorld(text, path);
  }
  if (!worldUsable(parsed.diagnostics)) throw new UsageError(`the world file has errors:\n${parsed.diagnostics.map(formatDiagnostic).join("\n")}`);
  return parsed.value;
}

/** The simulated host, booted, and a root shell on its dom0; `beforeBoot` sees the machine at power-on. */
export function openHost(options: GlobalOptions, beforeBoot?: (machine: Machine) => void): { machine: Machine; shell: Dom0Shell; bootConsole: string } {
  const machine = new Machine({ seed: options.seed, root: options.reader, world: options.world });
  beforeBoot?.(machine);
  const bootConsole = machine.boot();
  return { machine, shell: new Dom0Shell(machine), bootConsole };
}
