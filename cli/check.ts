// `xennet check [--json]`: reads the host under --root (never writes), reports every diagnostic as
// `file:line:column: severity: message` (the file as found on disk), then the reachability summary. Exit 0 when there is no
// error, 1 when there is one, 2 when the input is unusable.
import type { Command } from "commander";
import { join, relative } from "node:path";
import { checkHostBoot, formatReport, hasErrors, renameFiles } from "../hypervisor/check/index.ts";
import { globalOptions } from "./host.ts";

/** Adds the `check` subcommand. */
export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("boot the host in simulation and report; exit 0 = no errors, 1 = errors, 2 = unusable input")
    .option("--json", "print the report as JSON")
    .action((options: { json?: boolean }) => {
      const { root, seed, reader, world } = globalOptions(program);
      // Files are named as on disk (under --root, relative to here) so an editor can open them.
      const onDisk = (file: string) => (root === "/" ? file : relative(process.cwd(), join(root, file)));
      const report = renameFiles(checkHostBoot(reader, seed, world), onDisk);
      const text = options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, { colour: process.stdout.isTTY === true });
      process.stdout.write(text);
      process.exitCode = hasErrors(report) ? 1 : 0;
    });
}
