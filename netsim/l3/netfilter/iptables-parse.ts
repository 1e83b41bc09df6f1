// The option loop of iptables 1.4.8's do_command (iptables.c): getopt_long over the main options
// plus those of every extension loaded so far (-m, -j, and the protocol's match loaded on demand
// when an unknown option follows -p), the command/option legality table, `!` handling old and new,
// and the checks made before the kernel is asked — each failing with iptables' own message and
// exit status 2. Quirks are kept: -p, -s, -d, -i and -o read argv[optind-1], so an attached value
// (`-ptcp`) is misread exactly as the real binary misreads it.
import { checkInverse, type MatchExtension, type ParseContext, type TargetExtension } from "./extension.ts";
import { createMatch, protocolMatchName } from "./ext-matches.ts";
import { createTarget } from "./ext-targets.ts";
import { Getopt, type LongOption } from "./getopt.ts";
import { HELP_TEXT } from "./iptables-help.ts";
import { UNSIMULATED_MATCHES, UNSIMULATED_TARGETS } from "./names.ts";
import { etcHostsResolver, ipparseMultiple, parseInterface, parseProtocol, strtoui, type AddrMask, type HostResolver } from "./xt-parse.ts";
import { Cmd, Opt, cmdChar, illegalOption, mainLongOptions, MAIN_SHORT_OPTIONS, optChar, STANDARD_TARGETS } from "./iptables-options.ts";

/** Everything do_command gathers before touching a table. */
export interface ParsedCommand {
  table: string;
  command: number;
  chain: string | undefined;
  rulenum: number;
  newName: string | undefined;
  policy: string | undefined;
  options: number;
  verbose: number;
  srcSpec: string | undefined;
  dstSpec: string | undefined;
  /** -s / -d parsed (one rule is made per source × destination pair). */
  sources: AddrMask[];
  destinations: AddrMask[];
  srcInvert: boolean;
  dstInvert: boolean;
  inIface: string;
  inInvert: boolean;
  outIface: string;
  outInvert: boolean;
  proto: number;
  protoInvert: boolean;
  fragment: boolean;
  fragmentInvert: boolean;
  matches: MatchExtension[];
  target: TargetExtension | undefined;
  jumpTo: string;
  goto: boolean;
  counters: { packets: number; bytes: number } | undefined;
}

/** What the loop ends with: a command, an early exit (help, version) or a failure. */
export type ParseOutcome =
  | { readonly kind: "command"; readonly cmd: ParsedCommand; readonly warnings: string }
  | { readonly kind: "exit"; readonly stdout: string; readonly stderr: string; readonly exitCode: number };

const TRY_HELP = "Try `iptables -h' or 'iptables --help' for more information.\n";

/** xtables_error(PARAMETER_PROBLEM, …): the message, the hint, exit 2. */
export function parameterProblem(message: string, warnings = ""): ParseOutcome {
  return { kind: "exit", stdout: "", stderr: `${warnings}iptables v1.4.8: ${message}\n${TRY_HELP}`, exitCode: 2 };
}

/** Refusal for an extension iptables 1.4.8 has but this simulator does not model. */
function notSimulated(kind: "match" | "target", name: string, warnings: string): ParseOutcome {
  return { kind: "exit", stdout: "", stderr: `${warnings}xennet: iptables ${kind} extension \`${name}' is not simulated\n`, exitCode: 2 };
}

/** xtables_find_* with XTF_LOAD_MUST_SUCCEED failing on a missing shared object. */
function couldNotLoad(kind: "match" | "target", name: string, warnings: string): ParseOutcome {
  return parameterProblem(`Couldn't load ${kind} \`${name}':/lib/xtables/libipt_${name}.so: cannot open shared object file: No such file or directory\n`, warnings);
}

/** Parses argv (without the program name). */
export function parseIptables(args: readonly string[], resolve: HostResolver = etcHostsResolver): ParseOutcome {
  return new Loop(args, resolve).run();
}

/** The state of one do_command run. Long-lived only for the duration of a parse. */
class Loop {
  private readonly g: Getopt;
  private readonly c: ParsedCommand = {
    table: "filter", command: 0, chain: undefined, rulenum: 0, newName: undefined, policy: undefined, options: 0, verbose: 0,
    srcSpec: undefined, dstSpec: undefined, sources: [], destinations: [], srcInvert: false, dstInvert: false, inIface: "", inInvert: false, outIface: "", outInvert: false,
    proto: 0, protoInvert: false, fragment: false, fragmentInvert: false, matches: [], target: undefined, jumpTo: "", goto: false, counters: undefined,
  };
  private longs: LongOption[] = mainLongOptions();
  private readonly owners = new Map<string, { ext: MatchExtension | TargetExtension; option: string }>();
  private invert = false;
  private protocolText: string | undefined;
  private protoUsed = false;
  private warnings = "";

  constructor(
    args: readonly string[],
    private readonly resolve: HostResolver,
  ) {
    this.g = new Getopt(["iptables", ...args], MAIN_SHORT_OPTIONS);
  }

  run(): ParseOutcome {
    for (;;) {
      const step = this.g.next(this.longs);
      if (step.kind === "end") break;
      let failure: ParseOutcome | undefined;
      if (step.kind === "arg") {
        if (step.arg === "!") {
          if (this.invert) return this.fail("multiple consecutive ! not allowed");
          this.invert = true;
          continue;
        }
        return { kind: "exit", stdout: "", stderr: `${this.warnings}Bad argument \`${step.arg}'\n${TRY_HELP}`, exitCode: 2 };
      }
      if (step.kind === "error") failure = this.unknown(step.optopt);
      else if (this.owners.has(step.id)) failure = this.extensionOption(step.id, step.arg);
      else failure = this.mainOption(step.id, step.arg);
      if (failure === RETRY) continue;
      if (failure !== undefined) return failure;
      this.invert = false;
    }
    return this.finish();
  }

  private fail(message: string): ParseOutcome {
    return parameterProblem(message, this.warnings);
  }

  private context(): ParseContext {
    return {
      invert: this.invert,
      proto: this.c.proto,
      takeArg: () => (this.g.peek() === undefined ? undefined : this.g.take()),
      peekArg: () => this.g.peek(),
      warn: (text) => {
        this.warnings += text;
      },
    };
  }

  /**
   * Merges an extension's long options (xtables_merge_options). A second instance of a loaded match
   * is a clone: it shares the first one's options, and from now on they are parsed by the newest.
   */
  private load(ext: MatchExtension | TargetExtension): void {
    const clones = [...this.owners.entries()].filter(([, o]) => o.ext.name === ext.name && o.ext !== ext);
    if (clones.length > 0) {
      for (const [id, o] of clones) this.owners.set(id, { ext, option: o.option });
      return;
    }
    const key = `x${this.owners.size}`;
    for (const o of ext.options) {
      const id = `${key}:${o.name}`;
      this.owners.set(id, { ext, option: o.name });
      this.longs = [...this.longs, { name: o.name, hasArg: o.hasArg, id }];
    }
  }

  private extensionOption(id: string, arg: string | undefined): ParseOutcome | undefined {
    const owner = this.owners.get(id)!;
    const error = owner.ext.parse(owner.option, arg, this.context());
    return error === undefined ? undefined : this.fail(error);
  }

  /** An option nobody knows: maybe the protocol's match knows it (load it and look again). */
  private unknown(optopt: string | undefined): ParseOutcome | typeof RETRY {
    const protoMatch = this.protocolText === undefined ? undefined : protocolMatchName(this.c.proto);
    if (protoMatch !== undefined && !this.protoUsed && !this.c.matches.some((m) => m.name === protoMatch)) {
      this.protoUsed = true;
      const ext = createMatch(protoMatch)!;
      this.c.matches.push(ext);
      this.load(ext);
      this.g.unget();
      return RETRY;
    }
    if (optopt !== undefined) return this.fail(`option \`${this.g.previous}' requires an argument`);
    return this.fail(`unknown option \`${this.g.previous}'`);
  }

  private addCommand(cmd: number, others: number): ParseOutcome | undefined {
    if (this.invert) return this.fail("unexpected ! flag");
    if (this.c.command & ~others) return this.fail(`Cannot use -${cmdChar(cmd)} with -${cmdChar(this.c.command & ~others)}\n`);
    this.c.command |= cmd;
    return undefined;
  }

  /** set_option: once only; `!` only where the option has an inverse. */
  private setOption(opt: number): ParseOutcome | undefined {
    if (this.c.options & opt) return this.fail(`multiple -${optChar(opt)} flags not allowed`);
    this.c.options |= opt;
    const invertible = Opt.Source | Opt.Destination | Opt.Protocol | Opt.ViaIn | Opt.ViaOut | Opt.Fragment;
    if (this.invert && !(opt & invertible)) return this.fail(`cannot have ! before -${optChar(opt)}`);
    return undefined;
  }

  /** An optional following argument that does not look like an option. */
  private followingWord(): string | undefined {
    const next = this.g.peek();
    return next !== undefined && !next.startsWith("-") && !next.startsWith("!") ? this.g.take() : undefined;
  }

  private ruleNumber(text: string): number | ParseOutcome {
    const n = strtoui(text, 1, 2 ** 31 - 1);
    return n ?? this.fail(`Invalid rule number \`${text}'`);
  }

  /** Commands: -A -D -R -I -L -S -F -Z -N -X -E -P. Long because iptables' switch is: one table of cases. */
  private commandOption(id: string, arg: string | undefined): ParseOutcome | undefined {
    const c = this.c;
    const simple: Record<string, number> = { A: Cmd.Append, D: Cmd.Delete, R: Cmd.Replace, I: Cmd.Insert, N: Cmd.NewChain, E: Cmd.RenameChain, P: Cmd.SetPolicy, F: Cmd.Flush, X: Cmd.DeleteChain };
    const others = id === "L" || id === "S" ? Cmd.Zero | Cmd.ZeroNum : id === "Z" ? Cmd.List | Cmd.ListRules : 0;
    if (id === "N") {
      if (arg !== undefined && (arg.startsWith("-") || arg.startsWith("!"))) return this.fail(`chain name not allowed to start with \`${arg[0]}'\n`);
      if (arg !== undefined && (STANDARD_TARGETS.includes(arg) || createTarget(arg) !== undefined || UNSIMULATED_TARGETS.includes(arg))) return this.fail("chain name may not clash with target name\n");
    }
    const cmd = simple[id] ?? (id === "L" ? Cmd.List : id === "S" ? Cmd.ListRules : Cmd.Zero);
    const bad = this.addCommand(cmd, others);
    if (bad !== undefined) return bad;
    c.chain = arg ?? (["L", "S", "F", "Z", "X"].includes(id) ? this.followingWord() : undefined) ?? c.chain;
    const word = ["D", "R", "I", "L", "S", "Z", "E", "P"].includes(id) ? this.followingWord() : undefined;
    if (id === "E" || id === "P") {
      if (word === undefined) return this.fail(id === "E" ? "-E requires old-chain-name and new-chain-name" : "-P requires a chain and a policy");
      if (id === "E") c.newName = word;
      else c.policy = word;
      return undefined;
    }
    if (word === undefined) {
      if (id === "R") return this.fail("-R requires a rule number");
      if (id === "I") c.rulenum = 1;
      return undefined;
    }
    const n = this.ruleNumber(word);
    if (typeof n !== "number") return n;
    c.rulenum = n;
    if (id === "D") c.command = Cmd.DeleteNum;
    if (id === "Z") c.command = Cmd.ZeroNum;
    return undefined;
  }

  /** The main switch of do_command. */
  private mainOption(id: string, arg: string | undefined): ParseOutcome | undefined {
    if ("ADRILSFZNXEP".includes(id)) return this.commandOption(id, arg);
    switch (id) {
      case "p":
        return this.protocolOption(arg);
      case "s":
      case "d":
      case "i":
      case "o":
        return this.addressOrInterface(id, arg);
      case "j":
      case "g":
        return this.jumpOption(id, arg ?? "");
      case "f":
        this.c.fragment = true;
        this.c.fragmentInvert = this.invert;
        return this.setOption(Opt.Fragment);
      case "v":
        this.c.verbose++;
        return this.c.verbose === 1 ? this.setOption(Opt.Verbose) : undefined;
      case "m":
        return this.matchOption(arg ?? "");
      case "n":
        return this.setOption(Opt.Numeric);
      case "x":
        return this.setOption(Opt.Expanded);
      case "0":
        return this.setOption(Opt.LineNumbers);
      case "c":
        return this.countersOption(arg ?? "");
      case "t":
        if (this.invert) return this.fail("unexpected ! flag before --table");
        this.c.table = arg ?? "";
        return undefined;
      case "V":
        return { kind: "exit", stdout: this.invert ? "Not 1.4.8 ;-)\n" : "iptables v1.4.8\n", stderr: this.warnings, exitCode: 0 };
      case "h":
        return { kind: "exit", stdout: HELP_TEXT, stderr: this.warnings, exitCode: 0 };
      case "M":
        return undefined;
      default:
        return this.fail(`Unknown arg \`${arg ?? "(null)"}'`);
    }
  }

  private protocolOption(arg: string | undefined): ParseOutcome | undefined {
    const inv = checkInverse(arg, this.context());
    if (!inv.ok) return this.fail(inv.error);
    this.invert = inv.invert;
    const bad = this.setOption(Opt.Protocol);
    if (bad !== undefined) return bad;
    this.protocolText = this.g.previous.toLowerCase();
    const p = parseProtocol(this.protocolText);
    if (!p.ok) return this.fail(p.error);
    this.c.proto = p.value;
    this.c.protoInvert = this.invert;
    if (p.value === 0 && this.invert) return this.fail("rule would never match protocol");
    return undefined;
  }

  private addressOrInterface(id: "s" | "d" | "i" | "o", arg: string | undefined): ParseOutcome | undefined {
    const inv = checkInverse(arg, this.context());
    if (!inv.ok) return this.fail(inv.error);
    this.invert = inv.invert;
    const bad = this.setOption({ s: Opt.Source, d: Opt.Destination, i: Opt.ViaIn, o: Opt.ViaOut }[id]);
    if (bad !== undefined) return bad;
    const value = this.g.previous;
    if (id === "s") [this.c.srcSpec, this.c.srcInvert] = [value, this.invert];
    else if (id === "d") [this.c.dstSpec, this.c.dstInvert] = [value, this.invert];
    else {
      const dev = parseInterface(value);
      if (!dev.ok) return this.fail(dev.error);
      if (dev.value.warning !== undefined) this.warnings += dev.value.warning;
      if (id === "i") [this.c.inIface, this.c.inInvert] = [dev.value.name, this.invert];
      else [this.c.outIface, this.c.outInvert] = [dev.value.name, this.invert];
    }
    return undefined;
  }

  /** parse_target, then the target's own options (xtables_find_target with XTF_TRY_LOAD). */
  private jumpOption(id: "j" | "g", name: string): ParseOutcome | undefined {
    const bad = this.setOption(Opt.Jump);
    if (bad !== undefined) return bad;
    if (name.length < 1) return this.fail("Invalid target name (too short)");
    if (name.length > 31) return this.fail(`Invalid target name \`${name}' (31 chars max)`);
    if (/\s/.test(name)) return this.fail(`Invalid target name \`${name}'`);
    this.c.jumpTo = name;
    if (id === "g") {
      this.c.goto = true;
      return undefined;
    }
    if (UNSIMULATED_TARGETS.includes(name)) return notSimulated("target", name, this.warnings);
    const ext = createTarget(name);
    if (ext !== undefined) {
      this.c.target = ext;
      this.load(ext);
    }
    return undefined;
  }

  private matchOption(name: string): ParseOutcome | undefined {
    if (this.invert) return this.fail("unexpected ! flag before --match");
    if (UNSIMULATED_MATCHES.includes(name)) return notSimulated("match", name, this.warnings);
    const ext = createMatch(name);
    if (ext === undefined) return couldNotLoad("match", name, this.warnings);
    this.c.matches.push(ext);
    this.load(ext);
    return undefined;
  }

  /** -c PKTS BYTES (or PKTS,BYTES). */
  private countersOption(arg: string): ParseOutcome | undefined {
    const bad = this.setOption(Opt.Counters);
    if (bad !== undefined) return bad;
    const comma = arg.indexOf(",", 1);
    const bytesText = comma >= 0 ? arg.slice(comma + 1) : this.followingWord();
    if (bytesText === undefined) return this.fail("-c requires packet and byte counter");
    const packets = /^\s*\+?(\d+)/.exec(arg);
    if (!packets) return this.fail("-c packet counter not numeric");
    const bytes = /^\s*\+?(\d+)/.exec(bytesText);
    if (!bytes) return this.fail("-c byte counter not numeric");
    this.c.counters = { packets: Number(packets[1]), bytes: Number(bytes[1]) };
    return undefined;
  }

  /** The checks after the loop, up to (not including) opening the table. */
  private finish(): ParseOutcome {
    const c = this.c;
    if (c.table === "nat" && (c.policy === "DROP" || c.jumpTo === "DROP")) {
      return this.fail('\nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n');
    }
    for (const m of c.matches) {
      const err = m.finalCheck();
      if (err !== undefined) return this.fail(err);
    }
    const targetErr = c.target?.finalCheck();
    if (targetErr !== undefined) return this.fail(targetErr);
    if (this.g.leftover) return this.fail("unknown arguments found on commandline");
    if (c.command === 0) return this.fail("no command specified");
    if (this.invert) return this.fail("nothing appropriate following !");
    const ruleCommand = (c.command & (Cmd.Replace | Cmd.Insert | Cmd.Delete | Cmd.Append)) !== 0;
    for (const [spec, into] of [[c.srcSpec ?? (ruleCommand ? "0.0.0.0/0" : undefined), c.sources], [c.dstSpec ?? (ruleCommand ? "0.0.0.0/0" : undefined), c.destinations]] as const) {
      if (spec === undefined) continue;
      const list = ipparseMultiple(spec, this.resolve);
      if (!list.ok) return this.fail(list.error);
      into.push(...list.value);
    }
    if ((c.sources.length > 1 || c.destinations.length > 1) && (c.srcInvert || c.dstInvert)) return this.fail("! not allowed with multiple source or destination IP addresses");
    if (c.command === Cmd.Replace && (c.sources.length !== 1 || c.destinations.length !== 1)) return this.fail("Replacement rule does not specify a unique address");
    const illegal = illegalOption(c.command, c.options);
    if (illegal !== undefined) return this.fail(illegal);
    if (c.chain !== undefined && c.chain.length > 30) return this.fail(`chain name \`${c.chain}' too long (must be under 30 chars)`);
    return { kind: "command", cmd: c, warnings: this.warnings };
  }
}

/** Sentinel: the option loop should scan again (the protocol's match was just loaded). */
const RETRY = { kind: "exit", stdout: "", stderr: "", exitCode: -1 } as const satisfies ParseOutcome;
