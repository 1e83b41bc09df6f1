// iptables commands as dom0's boot gives them — the `-A ...` lines of a rules file and the
// `iptables ...` of interfaces hooks — run through the netsim iptables 1.4.8 parser
// (parseIptables, applyCommand) against private tables, so every verdict and message is the one
// iptables 1.4.8 gives, and reduced to the facts the static checks use (table, chain, target,
// `-o`, `-s`). Tables other than filter and nat exist on the kernel but are not simulated: their
// lines are parsed, not applied. `xennet: ... not simulated` refusals mean iptables itself would
// accept the line; they are noted, not counted as failures.

import type { Span } from "../diagnostic.ts";
import type { Spanned } from "../host-config.ts";
import { parseIptables, Table, type ParsedCommand, type TableName } from "../../netsim/l3/netfilter/index.ts";
import { applyCommand } from "../../netsim/l3/netfilter/iptables-command.ts";
import { Cmd } from "../../netsim/l3/netfilter/iptables-options.ts";
import type { FirewallRule, HookOrigin } from "./types.ts";

/** A word of a command and where it was written. */
export interface LocatedWord {
  readonly text: string;
  readonly span: Span;
}

/** What one iptables command did. */
export type CommandOutcome =
  | { readonly kind: "ok"; readonly cmd: ParsedCommand }
  /** iptables refused it: its stderr (as `iptables ...` prints it) and exit status. */
  | { readonly kind: "refused"; readonly stderr: string; readonly exitCode: number; readonly libiptc: boolean }
  /** Valid for iptables, but it uses something xennet does not simulate. */
  | { readonly kind: "unsimulated"; readonly stderr: string };

/** The kernel's tables, as far as xennet models them. */
export type SimTables = Map<string, Table>;

/** Runs one iptables command (argv without the program) against `tables` (changed on success). */
export function runIptables(argv: readonly string[], tables: SimTables): CommandOutcome {
  const parsed = parseIptables(argv);
  if (parsed.kind === "exit") {
    if (parsed.stderr.includes("xennet:")) return { kind: "unsimulated", stderr: parsed.stderr };
    return { kind: "refused", stderr: parsed.stderr, exitCode: parsed.exitCode, libiptc: false };
  }
  const name = parsed.cmd.table;
  if (name !== "filter" && name !== "nat") {
    return ["mangle", "raw", "security"].includes(name)
      ? { kind: "unsimulated", stderr: `xennet: the iptables \`${name}' table is not simulated\n` }
      : { kind: "refused", stderr: `iptables v1.4.8: can't initialize iptables table \`${name}': Table does not exist (do you need to insmod?)\nPerhaps iptables or your kernel needs to be upgraded.\n`, exitCode: 3, libiptc: false };
  }
  const table = tables.get(name) ?? new Table(name as TableName);
  const copy = table.clone();
  const applied = applyCommand(parsed.cmd, copy, parsed.warnings);
  if (applied.result.exitCode !== 0) return { kind: "refused", stderr: applied.result.stderr, exitCode: applied.result.exitCode, libiptc: applied.result.exitCode === 1 };
  tables.set(name, copy);
  return { kind: "ok", cmd: parsed.cmd };
}

/** The word giving `-o`'s value (`-o IF`, `--out-interface IF`, `-oIF`), if any. */
function outWord(words: readonly LocatedWord[]): Spanned<string> | undefined {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]?.text ?? "";
    if (w === "-o" || (w.startsWith("--out") && "--out-interface".startsWith(w.split("=")[0] ?? ""))) {
      const eq = w.indexOf("=");
      if (eq >= 0) return { value: w.slice(eq + 1), span: { ...(words[i]?.span ?? { file: "", line: 1, column: 1 }), column: (words[i]?.span.column ?? 1) + eq + 1 } };
      const next = words[i + 1];
      return next === undefined ? undefined : { value: next.text, span: next.span };
    }
    if (/^-o./.test(w) && !w.startsWith("--")) return { value: w.slice(2), span: words[i]?.span ?? { file: "", line: 1, column: 1 } };
  }
  return undefined;
}

/** The facts of a parsed rule command. */
export function ruleFacts(
  cmd: ParsedCommand,
  words: readonly LocatedWord[],
  span: Span,
  origin: "rules-file" | "hook",
  hook?: HookOrigin,
): FirewallRule {
  const out = outWord(words);
  return {
    table: cmd.table, chain: cmd.chain ?? "", argv: words.map((w) => w.text), span,
    ...(cmd.jumpTo === "" ? {} : { target: cmd.jumpTo }),
    ...(out === undefined || cmd.outIface === "" ? {} : { outIface: { value: cmd.outIface, span: out.span } }),
    outInvert: cmd.outInvert,
    ...(cmd.srcSpec === undefined ? {} : { source: cmd.srcSpec }),
    origin, ...(hook === undefined ? {} : { hook }),
  };
}

/** Whether a command adds a rule (-A, -I, -R). */
export function addsRule(cmd: ParsedCommand): boolean {
  return (cmd.command & (Cmd.Append | Cmd.Insert | Cmd.Replace)) !== 0;
}
