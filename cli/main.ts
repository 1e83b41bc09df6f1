#!/usr/bin/env -S npx tsx
// Entry point of the `xennet` command: runs the command tree and turns argument errors into exit
// status 2, as the command-line contract says.
import { CommanderError } from "commander";
import { UsageError } from "./host.ts";
import { buildProgram } from "./program.ts";

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`xennet: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    if (!(error instanceof CommanderError)) throw error;
    // --help and --version exit 0; every argument error exits 2.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  }
}

await main(process.argv);
