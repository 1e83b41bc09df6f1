// Runs the real `xennet` command tree (cli/program.ts) in-process, capturing what it prints and the
// exit status it sets. Errors the entry point would turn into exit status 2 (UsageError) reject.
import { vi } from "vitest";
import { buildProgram } from "../../cli/program.ts";

/** What one run printed: each stream, both in order, and the exit status. */
export interface CliRun {
  readonly out: string;
  readonly err: string;
  readonly all: string;
  readonly code: number | undefined;
}

/** `xennet ARGV…` */
export async function xennet(argv: readonly string[]): Promise<CliRun> {
  let out = "";
  let err = "";
  let all = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s) => ((out += String(s)), (all += String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s) => ((err += String(s)), (all += String(s)), true));
  process.exitCode = undefined;
  try {
    await buildProgram().parseAsync(["node", "xennet", ...argv]);
  } finally {
    vi.restoreAllMocks();
  }
  const code = typeof process.exitCode === "number" ? process.exitCode : undefined;
  process.exitCode = undefined;
  return { out, err, all, code };
}
