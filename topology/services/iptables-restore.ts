// /etc/iptables/rules.v4 as iptables-restore 1.4.8 reads it (iptables-restore.c; format of
// iptables-save(8)): lines are read with fgets and numbered; a line that is exactly empty or
// starts with `#` is skipped; `*TABLE` opens a table (names the kernel lacks: "iptables-restore:
// unable to initialize table 'X'"); `:CHAIN POLICY [p:b]` declares a chain (a user chain with a
// policy other than `-` is "Can't set policy `P' on `C' line N: Bad built-in chain name", a bad
// policy "Bad policy name", a chain declared twice "error creating chain 'C':File exists");
// exactly `COMMIT` ends the table and commits it; every other line in a table is an iptables
// command, split at blanks with `"…"` quoting and an optional `[p:b]` prefix, given `-t TABLE`
// and run through iptables' own parser ("Line N seems to have a -t table option." if it names a
// table itself). A word is only taken when a blank follows it, so a last line without a newline
// loses its last word. The first failure ends the run: parameter problems print iptables'
// message with "Error occurred at line: N" (exit 2), libiptc failures and lines outside a table
// print "iptables-restore: line N failed" (exit 1), an open table at the end "COMMIT expected at
// line N". At boot (not --test) COMMIT also hands the table to the kernel, which refuses targets
// used from the wrong chain (EINVAL, "line N failed" at the COMMIT line).

import type { Diagnostic, Parsed, Span } from "../diagnostic.ts";
import { diagnostic } from "../diagnostic.ts";
import { checkTable, type Table } from "../../netsim/l3/netfilter/index.ts";
import { addsRule, ruleFacts, runIptables, type LocatedWord, type SimTables } from "./firewall-rules.ts";
import type { FirewallRule, RestoreFailure, RulesChain, RulesFile, RulesTable } from "./types.ts";

const BUILTINS: Readonly<Record<string, readonly string[]>> = {
  filter: ["INPUT", "FORWARD", "OUTPUT"],
  nat: ["PREROUTING", "POSTROUTING", "OUTPUT"],
  mangle: ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
  raw: ["PREROUTING", "OUTPUT"],
  security: ["INPUT", "FORWARD", "OUTPUT"],
};

const TRY = "Try `iptables-restore -h' or 'iptables-restore --help' for more information.\n";

/** Options of a restore. */
export interface RestoreOptions {
  /** `--test`: parse and build, never commit (so the kernel's commit-time checks do not run). */
  readonly test?: boolean;
  /** Receives the filter and nat tables the file commits (what the kernel holds afterwards). */
  readonly into?: SimTables;
}

/** xtables_error(PARAMETER_PROBLEM) inside iptables-restore. */
function parameterProblem(message: string, line: number): string {
  return `iptables-restore v1.4.8: ${message}\nError occurred at line: ${line}\n${TRY}`;
}

/** An `iptables` parser message as iptables-restore prints it. */
function asRestore(stderr: string, line: number): string {
  return stderr.replace(/^iptables v1\.4\.8:/m, "iptables-restore v1.4.8:").replace("Try `iptables -h' or 'iptables --help' for more information.\n", `Error occurred at line: ${line}\n${TRY}`);
}

/** Splits a rule line as iptables-restore's hand-written parser does (see the file header). */
function ruleWords(buffer: string, from: number, at: (col: number) => Span): LocatedWord[] {
  const words: LocatedWord[] = [];
  let param = "";
  let start = -1;
  let quote = false;
  let escaped = false;
  for (let i = from; i < buffer.length; i++) {
    let c = buffer.charAt(i);
    if (quote) {
      if (escaped || (c !== "\\" && c !== '"')) {
        param += c;
        escaped = false;
        continue;
      }
      if (c === "\\") {
        escaped = true;
        continue;
      }
      quote = false;
      c = " ";
    } else if (c === '"') {
      quote = true;
      if (start < 0) start = i;
      continue;
    }
    if (c === " " || c === "\t" || c === "\n") {
      if (param.length > 0) words.push({ text: param, span: at(start) });
      param = "";
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    param += c;
  }
  return words;
}

/** The state of one restore; lives for one parseRulesFile call. */
class Restore {
  readonly tables: RulesTable[] = [];
  readonly rules: FirewallRule[] = [];
  readonly notes: Diagnostic[] = [];
  failure: RestoreFailure | undefined;
  private current: { name: string; span: Span; chains: RulesChain[]; sim: SimTables } | undefined;

  constructor(
    private readonly file: string,
    private readonly options: RestoreOptions,
  ) {}

  private fail(line: number, column: number, stderr: string, exitCode: number): void {
    this.failure = { line, span: { file: this.file, line, column }, stderr, exitCode };
  }

  private closeTable(committed: boolean): void {
    const t = this.current;
    if (t !== undefined) this.tables.push({ name: t.name, span: t.span, chains: t.chains, committed });
    this.current = undefined;
  }

  /** One fgets line; returns false when iptables-restore stops. */
  line(n: number, raw: string, newline: boolean): boolean {
    const at = (col: number): Span => ({ file: this.file, line: n, column: col + 1 });
    const buffer = newline ? `${raw}\n` : raw;
    if (buffer === "\n" || raw.startsWith("#")) return true;
    if (buffer === "COMMIT\n" && this.current !== undefined) return this.commit(n);
    if (raw.startsWith("*") && this.current === undefined) return this.table(n, raw, at);
    if (raw.startsWith(":") && this.current !== undefined) return this.chain(n, raw, at);
    if (this.current === undefined) {
      this.fail(n, 1, `iptables-restore: line ${n} failed\n`, 1);
      return false;
    }
    return this.rule(n, raw, newline, at);
  }

  private commit(n: number): boolean {
    const sim = this.current?.sim;
    const refused = this.options.test === true || sim === undefined ? undefined : [...sim.values()].map((t: Table) => checkTable(t)).find((r) => r !== undefined);
    this.closeTable(refused === undefined);
    if (refused === undefined) {
      for (const [name, table] of sim ?? []) this.options.into?.set(name, table);
      return true;
    }
    this.fail(n, 1, `iptables-restore: line ${n} failed\n`, 1);
    return false;
  }

  private table(n: number, raw: string, at: (col: number) => Span): boolean {
    const name = /^\*([^ \t\n]*)/.exec(raw)?.[1] ?? "";
    if (name === "") {
      this.fail(n, 1, parameterProblem(`iptables-restore: line ${n} table name invalid\n`, n), 2);
      return false;
    }
    if (BUILTINS[name] === undefined) {
      this.fail(n, 2, parameterProblem(`iptables-restore: unable to initialize table '${name}'\n`, n), 2);
      return false;
    }
    if (name !== "filter" && name !== "nat") {
      this.notes.push(diagnostic("iptables/not-simulated", "info", `the \`${name}' table is restored at boot but not simulated by xennet: its rules are checked, not applied`, at(0)));
    }
    this.current = { name, span: at(0), chains: (BUILTINS[name] ?? []).map((c) => ({ name: c, policy: "ACCEPT", span: at(0) })), sim: new Map() };
    return true;
  }

  private chain(n: number, raw: string, at: (col: number) => Span): boolean {
    const t = this.current;
    if (t === undefined) return false;
    const fields = [...raw.slice(1).matchAll(/[^ \t\n]+/g)];
    const name = fields[0]?.[0];
    if (name === undefined) return this.stop(n, 1, parameterProblem(`iptables-restore: line ${n} chain name invalid\n`, n), 2);
    const col = (fields[0]?.index ?? 0) + 1;
    if (name.length >= 29) return this.stop(n, col + 1, parameterProblem(`Invalid chain name \`${name}' (28 chars max)`, n), 2);
    const builtin = (BUILTINS[t.name] ?? []).includes(name);
    if (!builtin && t.chains.some((c) => c.name === name)) return this.stop(n, col + 1, parameterProblem(`error creating chain '${name}':File exists\n`, n), 2);
    const policy = fields[1]?.[0];
    if (policy === undefined) return this.stop(n, col + 1, parameterProblem(`iptables-restore: line ${n} policy invalid\n`, n), 2);
    const policyCol = (fields[1]?.index ?? 0) + 2;
    if (policy !== "-" && !builtin) return this.stop(n, policyCol, `iptables-restore v1.4.8: Can't set policy \`${policy}' on \`${name}' line ${n}: Bad built-in chain name\n\n`, 1);
    if (policy !== "-" && policy !== "ACCEPT" && policy !== "DROP") return this.stop(n, policyCol, `iptables-restore v1.4.8: Can't set policy \`${policy}' on \`${name}' line ${n}: Bad policy name\n\n`, 1);
    if (!builtin) runIptables(["-t", t.name, "-N", name], t.sim);
    else if (t.name === "filter" || t.name === "nat") runIptables(["-t", t.name, "-P", name, policy], t.sim);
    const chain = { name, policy, span: at(col) };
    t.chains = builtin ? t.chains.map((c) => (c.name === name ? chain : c)) : [...t.chains, chain];
    return true;
  }

  private stop(n: number, column: number, stderr: string, exitCode: number): boolean {
    this.fail(n, column, stderr, exitCode);
    return false;
  }

  private rule(n: number, raw: string, newline: boolean, at: (col: number) => Span): boolean {
    const t = this.current;
    if (t === undefined) return false;
    let from = 0;
    if (raw.startsWith("[")) {
      const close = raw.indexOf("]");
      if (close < 0) return this.stop(n, 1, parameterProblem(`Bad line ${n}: need ]\n`, n), 2);
      from = close + 1;
    }
    const words = ruleWords(newline ? `${raw}\n` : raw, from, at);
    const table = words.find((w) => w.text.startsWith("-t") || w.text === "--table");
    if (table !== undefined) return this.stop(n, table.span.column, parameterProblem(`Line ${n} seems to have a -t table option.\n`, n), 2);
    const outcome = runIptables(["-t", t.name, ...words.map((w) => w.text)], t.sim);
    if (outcome.kind === "refused") {
      const stderr = outcome.libiptc ? `iptables-restore: line ${n} failed\n` : asRestore(outcome.stderr, n);
      return this.stop(n, words[0]?.span.column ?? 1, stderr, outcome.libiptc ? 1 : outcome.exitCode);
    }
    if (outcome.kind === "unsimulated") {
      this.notes.push(diagnostic("iptables/not-simulated", "info", `${outcome.stderr.trim().replace(/^xennet: /, "")}: iptables accepts this line, xennet does not apply it`, words[0]?.span ?? at(0)));
      return true;
    }
    if (addsRule(outcome.cmd)) this.rules.push(ruleFacts(outcome.cmd, words, words[0]?.span ?? at(0), "rules-file"));
    return true;
  }

  finish(lines: number): void {
    if (this.failure !== undefined || this.current === undefined) return;
    this.closeTable(false);
    this.fail(lines, 1, `iptables-restore: COMMIT expected at line ${lines + 1}\n`, 1);
  }
}

/** Reads a rules file as iptables-restore does (at boot, or with `--test`). */
export function parseRulesFile(file: string, text: string, options: RestoreOptions = {}): Parsed<RulesFile> {
  const r = new Restore(file, options);
  const lines = text.split("\n");
  const last = lines.length - 1;
  if (lines[last] === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    if (!r.line(i + 1, lines[i] ?? "", i < last)) break;
  }
  r.finish(Math.max(1, lines.length));
  const value: RulesFile = {
    file, accepted: r.failure === undefined, tables: r.tables, rules: r.rules,
    ...(r.failure === undefined ? {} : { failure: r.failure }),
  };
  return { value, diagnostics: r.notes };
}
