// The second half of iptables 1.4.8's do_command and libiptc: resolving the target (built-in
// verdict, user chain, extension), building one rule per source × destination pair, and applying the
// command to a table with libiptc's errno for each failure, printed by iptables' main as
// `iptables: <iptc_strerror>.` (plus "Run `dmesg' for more information." for EINVAL), exit 1.
import { type ListFormat, listRules, listTable, ruleLine } from "./format.ts";
import { Cmd, Opt, STANDARD_TARGETS } from "./iptables-options.ts";
import { parameterProblem, type ParsedCommand } from "./iptables-parse.ts";
import { sameRule, type Rule, type StandardVerdict, type Target } from "./rule.ts";
import type { RuleEntry, Table } from "./tables.ts";

/** What a command printed and its exit status. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** libiptc's failure messages (iptc_strerror for the failing call and errno). */
export const IptcError = {
  NoChain: "No chain/target/match by that name",
  BadRule: "Bad rule (does a matching rule exist in that chain?)",
  ChainExists: "Chain already exists",
  FileExists: "File exists",
  InsertIndex: "Index of insertion too big",
  ReplaceIndex: "Index of replacement too big",
  DeleteIndex: "Index of deletion too big",
  CounterIndex: "Index of counter too big",
  BuiltinChain: "Can't delete built-in chain",
  TooManyLinks: "Too many links",
  NotEmpty: "Directory not empty",
  BadBuiltin: "Bad built-in chain name",
  BadPolicy: "Bad policy name",
  Invalid: "Invalid argument",
  Loop: "Too many levels of symbolic links",
} as const;

/** Messages whose errno is EINVAL get iptables' dmesg hint. */
const EINVAL_MESSAGES: readonly string[] = [IptcError.BuiltinChain, IptcError.BadPolicy, IptcError.Invalid];

/** iptables' main on failure: `iptables: <message>.` and exit 1. */
export function iptcFailure(message: string, stdout = "", stderr = ""): CommandResult {
  const hint = EINVAL_MESSAGES.includes(message) ? " Run `dmesg' for more information." : "";
  return { stdout, stderr: `${stderr}iptables: ${message}.${hint}\n`, exitCode: 1 };
}

/** The outcome of applying a command to a (copied) table. */
export interface Applied {
  readonly result: CommandResult;
  /** The table was modified (and must be committed, i.e. checked by the kernel). */
  readonly changed: boolean;
}

function exitOf(outcome: ReturnType<typeof parameterProblem>): CommandResult {
  if (outcome.kind !== "exit") throw new Error("iptables: expected an exit outcome");
  return { stdout: outcome.stdout, stderr: outcome.stderr, exitCode: outcome.exitCode };
}

/** Applies a parsed command to `table` (a private copy the caller commits on success). */
export function applyCommand(cmd: ParsedCommand, table: Table, warnings: string): Applied {
  const ruleCommand = (cmd.command & (Cmd.Append | Cmd.Delete | Cmd.Insert | Cmd.Replace)) !== 0;
  let stderr = warnings;
  let target: Target | undefined;
  if (ruleCommand) {
    const chain = cmd.chain ?? "";
    if ((chain === "PREROUTING" || chain === "INPUT") && cmd.options & Opt.ViaOut) return fail(parameterProblem(`Can't use -o with ${chain}\n`, stderr));
    if ((chain === "POSTROUTING" || chain === "OUTPUT") && cmd.options & Opt.ViaIn) return fail(parameterProblem(`Can't use -i with ${chain}\n`, stderr));
    if (cmd.target !== undefined && table.chain(cmd.jumpTo) !== undefined) {
      stderr += `Warning: using chain ${cmd.jumpTo}, not extension\n`;
    }
    const resolved = resolveTarget(cmd, table);
    if (typeof resolved === "string") return fail(parameterProblem(resolved, stderr));
    target = resolved;
  }
  const run = new Runner(cmd, table, target);
  const out = run.execute();
  if (out.error !== undefined) return { result: iptcFailure(out.error, out.stdout, stderr), changed: false };
  return { result: { stdout: out.stdout, stderr, exitCode: 0 }, changed: out.changed };
}

function fail(outcome: ReturnType<typeof parameterProblem>): Applied {
  return { result: exitOf(outcome), changed: false };
}

/** The rule target: an extension, a built-in verdict, a user chain, or an error message. */
function resolveTarget(cmd: ParsedCommand, table: Table): Target | string {
  if (cmd.target !== undefined && table.chain(cmd.jumpTo) === undefined) return cmd.target.build();
  if (cmd.jumpTo === "") return { kind: "none" };
  if (!cmd.goto && STANDARD_TARGETS.includes(cmd.jumpTo)) return { kind: "standard", verdict: cmd.jumpTo as StandardVerdict };
  if (table.chain(cmd.jumpTo) !== undefined) return { kind: "jump", chain: cmd.jumpTo, goto: cmd.goto };
  if (cmd.goto) return `goto '${cmd.jumpTo}' is not a chain\n`;
  return `Couldn't load target \`${cmd.jumpTo}':/lib/xtables/libipt_${cmd.jumpTo}.so: cannot open shared object file: No such file or directory\n`;
}

/** Executes one command against the table. */
class Runner {
  private stdout = "";
  private changed = false;

  constructor(
    private readonly cmd: ParsedCommand,
    private readonly table: Table,
    private readonly target: Target | undefined,
  ) {}

  /** The rules the command describes: one per source × destination. */
  private rules(): Rule[] {
    const c = this.cmd;
    const matches = c.matches.map((m) => m.build());
    const out: Rule[] = [];
    for (const src of c.sources) {
      for (const dst of c.destinations) {
        out.push({
          src, srcInvert: c.srcInvert, dst, dstInvert: c.dstInvert, inIface: c.inIface, inInvert: c.inInvert, outIface: c.outIface, outInvert: c.outInvert,
          proto: c.proto, protoInvert: c.protoInvert, fragment: c.fragment, fragmentInvert: c.fragmentInvert, matches, target: this.target ?? { kind: "none" },
        });
      }
    }
    return out;
  }

  private entry(rule: Rule): RuleEntry {
    const echo: ListFormat = { numeric: true, verbose: false, via: true, exact: false, lineNumbers: false, noTable: true };
    const entry = { rule, packets: this.cmd.counters?.packets ?? 0, bytes: this.cmd.counters?.bytes ?? 0 };
    if (this.cmd.verbose > 0) this.stdout += ruleLine(entry, 0, echo);
    return entry;
  }

  execute(): { stdout: string; changed: boolean; error?: string } {
    const error = this.dispatch();
    return error === undefined ? { stdout: this.stdout, changed: this.changed } : { stdout: this.stdout, changed: false, error };
  }

  /** The switch (command) of do_command. Long because it is one case per command. */
  private dispatch(): string | undefined {
    const c = this.cmd;
    const chain = c.chain === undefined ? undefined : this.table.chain(c.chain);
    switch (c.command) {
      case Cmd.Append:
      case Cmd.Insert: {
        const rules = this.rules().map((r) => this.entry(r));
        if (chain === undefined) return IptcError.NoChain;
        const at = c.command === Cmd.Append ? chain.rules.length : c.rulenum - 1;
        if (at > chain.rules.length) return IptcError.InsertIndex;
        for (const e of rules) chain.rules.splice(c.command === Cmd.Append ? chain.rules.length : at, 0, e);
        return this.touched();
      }
      case Cmd.Replace: {
        const [rule] = this.rules().map((r) => this.entry(r));
        if (chain === undefined) return IptcError.NoChain;
        if (c.rulenum - 1 >= chain.rules.length) return IptcError.ReplaceIndex;
        chain.rules[c.rulenum - 1] = rule!;
        return this.touched();
      }
      case Cmd.Delete:
        return this.deleteBySpec();
      case Cmd.DeleteNum:
        if (chain === undefined) return IptcError.NoChain;
        if (c.rulenum - 1 >= chain.rules.length) return IptcError.DeleteIndex;
        chain.rules.splice(c.rulenum - 1, 1);
        return this.touched();
      case Cmd.Flush:
      case Cmd.Zero:
        return this.flushOrZero(c.command === Cmd.Flush);
      case Cmd.ZeroNum: {
        if (chain === undefined) return IptcError.NoChain;
        const e = chain.rules[c.rulenum - 1];
        if (e === undefined) return IptcError.CounterIndex;
        e.packets = e.bytes = 0;
        return this.touched();
      }
      case Cmd.NewChain:
        if (chain !== undefined || STANDARD_TARGETS.includes(c.chain!)) return IptcError.ChainExists;
        this.table.addUserChain(c.chain!);
        return this.touched();
      case Cmd.DeleteChain:
        return this.deleteChains();
      case Cmd.RenameChain:
        return this.rename();
      case Cmd.SetPolicy:
        return this.setPolicy();
      default:
        return this.list();
    }
  }

  private touched(): undefined {
    this.changed = true;
    return undefined;
  }

  private deleteBySpec(): string | undefined {
    const chain = this.table.chain(this.cmd.chain!);
    let error: string | undefined;
    for (const rule of this.rules()) {
      this.entry(rule);
      const at = chain?.rules.findIndex((e) => sameRule(e.rule, rule)) ?? -1;
      if (chain === undefined || at < 0) error = IptcError.BadRule;
      else {
        chain.rules.splice(at, 1);
        this.changed = true;
      }
    }
    return error;
  }

  private flushOrZero(flush: boolean): string | undefined {
    const names = this.cmd.chain === undefined ? this.table.chains.map((c) => c.name) : [this.cmd.chain];
    for (const name of names) {
      const chain = this.table.chain(name);
      if (chain === undefined) return IptcError.NoChain;
      if (this.cmd.verbose > 0) this.stdout += `${flush ? "Flushing" : "Zeroing"} chain \`${name}'\n`;
      if (flush) chain.rules = [];
      else {
        for (const e of chain.rules) e.packets = e.bytes = 0;
        chain.policyPackets = chain.policyBytes = 0;
      }
    }
    return this.touched();
  }

  /** TC_DELETE_CHAIN (for one chain, or every user chain). */
  private deleteChains(): string | undefined {
    const names = this.cmd.chain === undefined ? this.table.chains.filter((c) => !c.builtin).map((c) => c.name) : [this.cmd.chain];
    let error: string | undefined;
    for (const name of names) {
      if (this.cmd.verbose > 0) this.stdout += `Deleting chain \`${name}'\n`;
      const chain = this.table.chain(name);
      const why = chain === undefined ? IptcError.NoChain : chain.builtin ? IptcError.BuiltinChain : this.table.references(name) > 0 ? IptcError.TooManyLinks : chain.rules.length > 0 ? IptcError.NotEmpty : undefined;
      if (why !== undefined) error = why;
      else {
        this.table.chains = this.table.chains.filter((c) => c !== chain);
        this.changed = true;
      }
    }
    return error;
  }

  /** TC_RENAME_CHAIN: jumps follow the chain to its new name. */
  private rename(): string | undefined {
    const { chain: oldName, newName } = this.cmd;
    if (this.table.chain(newName!) !== undefined || STANDARD_TARGETS.includes(newName!)) return IptcError.FileExists;
    const chain = this.table.chain(oldName!);
    if (chain === undefined || chain.builtin) return IptcError.NoChain;
    if (newName!.length > 31) return IptcError.Invalid;
    chain.name = newName!;
    for (const c of this.table.chains) {
      c.rules = c.rules.map((e) => (e.rule.target.kind === "jump" && e.rule.target.chain === oldName ? { ...e, rule: { ...e.rule, target: { ...e.rule.target, chain: newName! } } } : e));
    }
    this.table.sortUserChains();
    return this.touched();
  }

  private setPolicy(): string | undefined {
    const chain = this.table.chain(this.cmd.chain!);
    if (chain === undefined || !chain.builtin) return IptcError.BadBuiltin;
    if (this.cmd.policy !== "ACCEPT" && this.cmd.policy !== "DROP") return IptcError.BadPolicy;
    chain.policy = this.cmd.policy;
    if (this.cmd.counters !== undefined) [chain.policyPackets, chain.policyBytes] = [this.cmd.counters.packets, this.cmd.counters.bytes];
    return this.touched();
  }

  /** -L / -S, possibly with -Z. */
  private list(): string | undefined {
    const c = this.cmd;
    const f: ListFormat = { numeric: (c.options & Opt.Numeric) !== 0, verbose: c.verbose > 0, exact: (c.options & Opt.Expanded) !== 0, lineNumbers: (c.options & Opt.LineNumbers) !== 0 };
    const text = c.command & Cmd.ListRules ? listRules(this.table, c.chain, c.rulenum, c.verbose > 0) : listTable(this.table, c.chain, c.rulenum, f);
    if (text === undefined) return IptcError.NoChain;
    this.stdout += text;
    if (c.command & Cmd.Zero) return this.flushOrZero(false);
    return undefined;
  }
}
