// The `xennet` command tree: global options and one registered subcommand per file. Argument
// parsing and printing only; every subcommand calls the libraries. Exit codes follow DESIGN.md's
// command-line contract (0 ok, 1 findings, 2 unusable input or bad arguments).
import { Command } from "commander";
import { registerCheck } from "./check.ts";
import { registerDiff } from "./diff.ts";
import { registerIfquery } from "./ifquery.ts";
import { registerShell } from "./shell.ts";
import { registerRealize } from "./realize.ts";
import { registerServe } from "./serve.ts";
import { registerTrace } from "./trace.ts";
import { registerXm } from "./xm.ts";

/** Builds the command tree; tests run it in-process. */
export function buildProgram(): Command {
  const program = new Command("xennet")
    .description("A packet-level simulator of Xen virtual networking, built from a host's own config files")
    .option("--root <dir>", "the host's filesystem root; configs are read from DIR/etc/...", "examples/handbook")
    .option("--world <file>", "the network outside the host (default: DIR/xennet-world.json, else a standard LAN)")
    .option("--seed <n>", "everything random comes from N", "1")
    .exitOverride();
  registerCheck(program);
  registerShell(program);
  registerXm(program);
  registerIfquery(program);
  registerTrace(program);
  registerRealize(program);
  registerDiff(program);
  registerServe(program);
  return program;
}
