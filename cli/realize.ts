// `xennet realize [--timeout S] [--keep DIR] SCRIPT`: the host under --root/--world/--seed, booted
// in simulation, built for real in isolated network namespaces (root only), SCRIPT's ping,
// traceroute, udp-echo, sleep and `on NODE …` lines run there with the real tools, every interface
// captured; its leading toolstack lines (xen-create-image, xm create) build the host in simulation first.
// Prints the real transcript, the lines that were not run for real and why, and each interface's
// frame count. With --keep, DIR keeps the pcaps (`node_dev.pcap`), the dnsmasq leases, the logs and
// the generated bash script (run.sh). Exit 2 when it cannot run here (not root, no namespaces, a
// tool missing) or on bad arguments; 1 when the real setup failed.
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { runPrelude, splitPrelude } from "../fidelity/diff/index.ts";
import { realizeScript, realizeUnavailable } from "../fidelity/realize/index.ts";
import { globalOptions, openHost, UsageError } from "./host.ts";

/** Adds the `realize` subcommand. */
export function registerRealize(program: Command): void {
  program
    .command("realize")
    .description("run SCRIPT on the host built for real in isolated network namespaces (root only)")
    .argument("<script>", "a file of shell commands (ping, traceroute, sleep, on NODE …)")
    .option("--timeout <s>", "kill everything and clean up after S seconds", "120")
    .option("--keep <dir>", "keep the pcaps, leases, logs and the generated bash script in DIR")
    .action(async (scriptFile: string, options: { timeout: string; keep?: string }) => {
      const timeoutSeconds = Number(options.timeout);
      if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError(`--timeout must be a whole number of seconds, not "${options.timeout}"`);
      let script: string;
      try {
        script = readFileSync(scriptFile, "utf8");
      } catch {
        throw new UsageError(`cannot read script ${scriptFile}`);
      }
      const why = realizeUnavailable();
      if (why !== undefined) throw new UsageError(`realize needs root and network namespaces: ${why}`);
      const { machine } = openHost(globalOptions(program));
      // The leading toolstack lines (xen-create-image, xm create) build the host in simulation first.
      const { prelude, body } = splitPrelude(script);
      runPrelude(machine, prelude);
      try {
        const run = await realizeScript(machine, body, {
          timeoutSeconds,
          ...(options.keep !== undefined ? { keepDir: resolve(options.keep) } : {}),
          log: (line) => process.stderr.write(`${line}\n`),
        });
        process.stdout.write(run.transcript);
        if (run.skipped.length > 0) process.stdout.write(`\nnot run for real:\n${run.skipped.map((s) => `  line ${s.line}: ${s.text} — ${s.reason}\n`).join("")}`);
        process.stdout.write(`\nframes captured:\n${[...run.captures].map(([k, v]) => `  ${k} ${v.length}\n`).join("")}`);
        process.exitCode = 0;
      } catch (error) {
        process.stderr.write(`xennet: ${(error as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
