// Building the simulated host the way every subcommand does: from the global --root and --seed.
// Configuration is read from the host's files under --root, never written: the simulated host
// writes into its own in-memory filesystem.
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { nodeFsReader } from "../topology/interfaces/index.ts";
import { Machine } from "../hypervisor/index.ts";
import { Dom0Shell } from "../hypervisor/shell/index.ts";

/** A usage problem the CLI reports with exit status 2. */
export class UsageError extends Error {}

/** The global options every subcommand shares. */
export interface GlobalOptions {
  readonly root: string;
  readonly seed: number;
}

/** Reads and checks the global options. */
export function globalOptions(program: Command): GlobalOptions {
  const opts = program.opts() as { root: string; seed: string };
  const seed = Number(opts.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number, not "${opts.seed}"`);
  const root = resolve(opts.root);
  if (!existsSync(root)) throw new UsageError(`--root ${opts.root}: no such directory`);
  return { root, seed };
}

/** The simulated host, booted, and a root shell on its dom0. */
export function openHost(options: GlobalOptions): { machine: Machine; shell: Dom0Shell; bootConsole: string } {
  const machine = new Machine({ seed: options.seed, root: nodeFsReader({ root: options.root }) });
  const bootConsole = machine.boot();
  return { machine, shell: new Dom0Shell(machine), bootConsole };
}
