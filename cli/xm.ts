// `xennet xm SUBCOMMAND ...`: one xm command against the simulated host, with xm's own output
// and exit status.
import type { Command } from "commander";
import { globalOptions, openHost } from "./host.ts";

/** Adds the `xm` subcommand. */
export function registerXm(program: Command): void {
  program
    .command("xm")
    .description("one xm command against the simulated host")
    .usage("SUBCOMMAND [ARGS...]")
    .helpOption(false)
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .argument("[args...]", "the xm command line")
    .action((_args: string[], _opts: unknown, cmd: Command) => {
      const { shell } = openHost(globalOptions(program));
      const result = shell.run(["xm", ...cmd.args].map(quote).join(" "));
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      process.exitCode = result.exitCode;
    });
}

/** Single-quotes a word for the shell, so arguments reach xm exactly as given. */
function quote(word: string): string {
  return `'${word.replace(/'/g, "'\\''")}'`;
}
