// Every command prints --help and exits 0; a bad argument gives one line on stderr and exit
// status 2 (cli/main.ts turns commander's errors into 2; here the error itself is checked).
import { CommanderError } from "commander";
import { describe, expect, it, vi } from "vitest";
import { buildProgram } from "../../cli/program.ts";
import { xennet } from "./run-cli.ts";

/** Runs argv expecting commander to stop it; returns the error and what was printed. */
async function stopped(argv: readonly string[]): Promise<{ error: CommanderError; out: string; err: string }> {
  let out = "";
  let err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s) => ((err += String(s)), true));
  try {
    await buildProgram().parseAsync(["node", "xennet", ...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return { error, out, err };
    throw error;
  } finally {
    vi.restoreAllMocks();
  }
  throw new Error(`xennet ${argv.join(" ")} was not stopped by commander`);
}

describe("xennet's arguments", () => {
  it.each(["check", "trace", "shell"])("%s --help prints its usage", async (command) => {
    const { error, out } = await stopped([command, "--help"]);
    expect(error.exitCode).toBe(0);
    expect(out).toMatch(new RegExp(`^Usage: xennet ${command} `));
  });

  it("xennet --help lists every command", async () => {
    const { out } = await stopped(["--help"]);
    for (const command of ["check", "trace", "shell", "xm", "ifquery"]) expect(out).toMatch(new RegExp(`^  ${command}\\b`, "m"));
  });

  it("xm and ifquery pass --help to the tool they emulate", async () => {
    expect((await xennet(["xm", "--help"])).out).toMatch(/^Usage: xm <subcommand> \[args\]/);
    expect((await xennet(["ifquery", "--help"])).out).toMatch(/^Usage: ifquery /);
  });

  it.each([["bogus"], ["check", "--bogus"], ["trace"], ["trace", "web", "www", "--proto", "sctp"]])("rejects %j with one line", async (...argv) => {
    const outcome: Awaited<ReturnType<typeof stopped>> | Error = await stopped(argv).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    if (outcome instanceof Error) {
      // Checked by the command itself (a UsageError, exit 2 from cli/main.ts): one line.
      expect(outcome.message.split("\n")).toHaveLength(1);
      return;
    }
    expect(outcome.error.exitCode).not.toBe(0);
    expect(outcome.err.trimEnd().split("\n")).toHaveLength(1);
  });
});
