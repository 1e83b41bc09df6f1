// `xennet diff [--json] [--timeout S] [--keep DIR] SCRIPT`: runs SCRIPT on the host under --root both
// in simulation and for real (network namespaces built from the same simulated host, fidelity/realize),
// then compares every interface's normalised capture (fidelity/diff). Exit 0 when all agree, 1 on
// differences, 2 on unusable input or when this machine cannot realise (not root, no namespaces).
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { diffScript, formatReport, loadRealizer } from "../fidelity/diff/index.ts";
import { globalOptions, UsageError } from "./host.ts";

/** Adds the `diff` subcommand. */
export function registerDiff(program: Command): void {
  program
    .command("diff")
    .description("run SCRIPT in simulation and on the real kernel (namespaces) and compare the captures; exit 0 = all agree, 1 = differences, 2 = cannot run")
    .argument("<script>", "a file of dom0 shell commands (ping, traceroute, sleep, on DOMAIN ...)")
    .option("--json", "print the report as JSON")
    .option("--timeout <s>", "bound the real run to S seconds", "120")
    .option("--keep <dir>", "keep the real run's pcaps, leases and generated script in DIR")
    .action(async (scriptPath: string, options: { json?: boolean; timeout: string; keep?: string }) => {
      const { reader, world, seed } = globalOptions(program);
      const timeoutSeconds = Number(options.timeout);
      if (!(timeoutSeconds > 0)) throw new UsageError(`--timeout must be a positive number of seconds, not "${options.timeout}"`);
      const script = readScript(scriptPath);
      const side = await loadRealizer();
      if (!side.ok) throw new UsageError(`cannot run the script for real here: ${side.why}`);
      const realize = { timeoutSeconds, ...(options.keep !== undefined ? { keepDir: options.keep } : {}), log: (line: string) => process.stderr.write(`${line}\n`) };
      const report = await diffScript({ root: reader, world, seed, script, scriptName: basename(scriptPath), realize }, side.realize);
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      process.exitCode = report.agree ? 0 : 1;
    });
}

function readScript(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`cannot read script ${path}`);
  }
}
