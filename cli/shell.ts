// `xennet shell [SCRIPT]`: a root shell on the simulated dom0. On a terminal it is interactive, with
// line editing and history (node:readline); otherwise it reads SCRIPT, or standard input, and
// prints a transcript: each command after the prompt, as a terminal would show it, then its output.
import type { Command } from "commander";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Dom0Shell } from "../hypervisor/shell/index.ts";
import { TraceRecorder } from "../captures/tap.ts";
import { globalOptions, openHost, UsageError } from "./host.ts";

/** Adds the `shell` subcommand. */
export function registerShell(program: Command): void {
  program
    .command("shell")
    .description("a root shell on the simulated dom0; reads SCRIPT, or stdin when it is not a terminal")
    .argument("[script]", "a file of shell commands to run as a transcript")
    .option("--capture-dir <dir>", "when the shell ends, write DIR/<node>_<iface>.pcap for every interface and DIR/host.pcapng")
    .action(async (script: string | undefined, options: { captureDir?: string }) => {
      let recorder: TraceRecorder | undefined;
      const { shell } = openHost(globalOptions(program), (machine) => {
        if (options.captureDir !== undefined) recorder = new TraceRecorder(machine.sim, { hostNode: "dom0" });
      });
      if (script !== undefined) runScript(shell, readScript(script));
      else if (process.stdin.isTTY) await interactive(shell);
      else runScript(shell, await readAll(process.stdin));
      if (recorder !== undefined) writeCaptures(recorder, options.captureDir!);
    });
}

/** Writes one classic pcap per interface that saw a frame, and the whole host as pcapng. */
function writeCaptures(recorder: TraceRecorder, dir: string): void {
  recorder.stop();
  try {
    mkdirSync(dir, { recursive: true });
    for (const { node, dev } of recorder.interfaces()) writeFileSync(join(dir, `${node}_${dev}.pcap`), recorder.pcapOf(node, dev));
    writeFileSync(join(dir, "host.pcapng"), recorder.pcapng());
  } catch (error) {
    throw new UsageError(`--capture-dir ${dir}: ${(error as Error).message}`);
  }
}

function readScript(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`cannot read script ${path}`);
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/**
 * Runs each line, echoing it after the prompt; the exit status is the last command's. A transcript
 * is what a terminal shows, so errors are printed in place, on standard output.
 */
export function runScript(shell: Dom0Shell, text: string): void {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (const line of lines) {
    process.stdout.write(`${shell.prompt}${line}\n`);
    if (line.trim() === "exit" || line.trim() === "logout") break;
    const result = shell.run(line);
    process.stdout.write(result.combined);
    process.exitCode = result.exitCode;
  }
  process.stdout.write(shell.finishPending().combined);
}

async function interactive(shell: Dom0Shell): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: shell.prompt, historySize: 1000 });
  rl.prompt();
  for await (const line of rl) {
    if (line.trim() === "exit" || line.trim() === "logout") break;
    const result = shell.run(line);
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    rl.prompt();
  }
  rl.close();
  process.stdout.write(shell.finishPending().combined);
  process.stdout.write("logout\n");
}
