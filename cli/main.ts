#!/usr/bin/env -S npx tsx
// The `xennet` command: argument parsing and printing only. Each subcommand lives in its own file
// and calls the libraries; exit codes follow DESIGN.md's command-line contract (0 ok, 1 findings,
// 2 unusable input or bad arguments).
import { Command, CommanderError } from "commander";
import { registerIfquery } from "./ifquery.ts";

/** Builds the command tree; exported so tests can run it in-process. */
export function buildProgram(): Command {
  const program = new Command("xennet")
    .description("A packet-level simulator of Xen virtual networking, built from a host's own config files")
    .option("--root <dir>", "the host's filesystem root; configs are read from DIR/etc/...", "examples/handbook")
    .option("--world <file>", "the network outside the host (default: DIR/xennet-world.json, else a standard LAN)")
    .option("--seed <n>", "everything random comes from N", "1")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerIfquery(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; every argument error exits 2, as the contract says.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    throw error;
  }
}

await main(process.argv);
