// `xennet ifquery -i FILE [--list [--allow=CLASS]] [IFACE...]`: Debian's ifquery (ifupdown 0.8.41)
// on an interfaces file, with its output and exit codes. The arguments go untouched to
// topology/ifquery.ts, which parses them as ifquery's own getopt_long does. FILE and relative
// `source` paths are read from the current directory; absolute paths (`source /etc/...`, or
// `-i /etc/network/interfaces`) are read under the global `--root` when it is given on the command
// line — not under its default (the built-in example host), since `ifquery -i /path/file` names a
// real file, as with Debian's own ifquery.

import type { Command } from "commander";
import { nodeFsReader } from "../topology/interfaces/index.ts";
import { runIfquery } from "../topology/ifquery.ts";

/** Adds the `ifquery` subcommand to the xennet program. */
export function registerIfquery(program: Command): void {
  program
    .command("ifquery")
    .description("Debian's ifquery on an interfaces file: same output and exit codes")
    .usage("-i FILE [--list [--allow=CLASS]] [IFACE...]")
    .helpOption(false)
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .argument("[args...]", "ifquery's own options and interface names")
    .action((_args: string[], _opts: unknown, cmd: Command) => {
      const root = (program.opts() as { root?: unknown }).root;
      const given = program.getOptionValueSource("root") === "cli" && typeof root === "string";
      const reader = nodeFsReader({ root: given ? root : "/", cwd: process.cwd() });
      const result = runIfquery(cmd.args, reader);
      for (const line of result.lines) {
        (line.stream === "stdout" ? process.stdout : process.stderr).write(`${line.text}\n`);
      }
      process.exitCode = result.exitCode;
    });
}
