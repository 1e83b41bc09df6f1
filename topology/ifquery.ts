// A drop-in for Debian's `ifquery` (ifupdown 0.8.41, ifup(8)) on an interfaces file: `--list`
// (with `--allow=CLASS`), `IFACE...` queries that print each stanza's variables as `name: value`
// after the method's defaults and conversions, `-v` traces, and the same messages and exit codes.
// It follows main.c select_interfaces()/do_interface(). Two things it never does: run mapping
// scripts (it always behaves as with --no-mappings) and keep state (no interface is "up").
// Interface patterns (`auto /eth*`) are matched against <root>/sys/class/net, as ifupdown does
// against the running kernel's interfaces.

import { truncateBytes } from "./interfaces/clib.ts";
import { fnmatch } from "./interfaces/fnmatch.ts";
import { parseIfqueryArgs, type IfqueryArgs } from "./interfaces/ifquery-args.ts";
import { methodOf } from "./interfaces/methods.ts";
import { readInterfaces } from "./interfaces/parser.ts";
import type { FileReader } from "./interfaces/reader.ts";
import type { IfaceStanza, InterfacesFile } from "./interfaces/types.ts";
import { applyMethod, foldOptions, type Variable } from "./interfaces/variables.ts";

/** What one ifquery run printed and returned. */
export interface IfqueryResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Both streams interleaved in the order they were written (what `2>&1` unbuffered shows). */
  readonly output: string;
  /** The same, line by line with the stream each went to. */
  readonly lines: readonly IfqueryLine[];
  readonly exitCode: number;
}

/** One line ifquery wrote (without its newline). */
export interface IfqueryLine {
  readonly stream: "stdout" | "stderr";
  readonly text: string;
}

interface Printer {
  readonly lines: IfqueryLine[];
}

function print(p: Printer, err: boolean, text: string): void {
  p.lines.push({ stream: err ? "stderr" : "stdout", text });
}

function finish(p: Printer, exitCode: number): IfqueryResult {
  const join = (ls: readonly IfqueryLine[]): string => ls.map((l) => `${l.text}\n`).join("");
  const { lines } = p;
  const stdout = join(lines.filter((l) => l.stream === "stdout"));
  return { stdout, stderr: join(lines.filter((l) => l.stream === "stderr")), output: join(lines), lines, exitCode };
}

const IMPLICIT_LO: IfaceStanza = { name: "lo", family: "inet", method: "loopback", options: [], span: { file: "", line: 1, column: 1 } };

/** Everything one run needs after reading the file. */
interface Run {
  readonly args: IfqueryArgs;
  readonly file: InterfacesFile;
  readonly stanzas: readonly IfaceStanza[];
  readonly reader: FileReader;
  /** Stanza variables, changed in place by each query as ifupdown changes them. */
  readonly vars: Map<IfaceStanza, Variable[]>;
  readonly out: Printer;
}

function classEntries(run: Run, cls: string): string[] | undefined {
  const entries = run.file.classes.find((c) => c.name === cls)?.entries.map((e) => e.name);
  if (cls !== "auto" || run.args.noLoopback) return entries;
  return ["lo", ...(entries ?? []).filter((n) => n !== "lo")];
}

/** archlinux.c variable_match(): the name, or a line of /sys/class/net/NAME/VARIABLE (`mac` is `address`), matches VALUE. */
function patternMatches(reader: FileReader, variable: string, value: string, name: string): boolean {
  if (variable === "") return fnmatch(value, name);
  const file = reader.readFile(`/sys/class/net/${name}/${variable === "mac" ? "address" : variable}`);
  return file !== undefined && file.split("\n").some((line) => fnmatch(value, line));
}

/** Expands `[VARIABLE]/VALUE[/N][=LOGICAL]` against the interfaces the (simulated) kernel knows. */
function expandPattern(target: string, reader: FileReader): string[] {
  const eq = target.indexOf("=");
  const spec = eq < 0 ? target : target.slice(0, eq);
  const logical = eq < 0 ? "" : target.slice(eq);
  const [variable = "", value = "", nth] = spec.split("/");
  const known = reader.listDir("/sys/class/net") ?? [];
  const matches = known.filter((name) => patternMatches(reader, variable, value, name));
  const n = nth === undefined || nth === "" ? 0 : Number.parseInt(nth, 10);
  const chosen = n > 0 ? matches.slice(n - 1, n) : nth === undefined || nth === "" ? matches : [];
  return chosen.map((name) => name + logical);
}

function targetsOf(run: Run): string[] {
  const { args } = run;
  const given = args.targets.length > 0 ? args.targets : classEntries(run, args.allow ?? "auto") ?? [];
  const expanded = given.flatMap((t) => (t.includes("/") ? expandPattern(t, run.reader) : [t]));
  return [...new Set(expanded)];
}

/** Whether `rename CUR=NEW`'s CUR (a name or a pattern) names interface `name`. */
function renameMatches(run: Run, cur: string, name: string): boolean {
  if (!cur.includes("/")) return cur === name;
  const [variable = "", value = ""] = cur.split("/");
  return patternMatches(run.reader, variable, value, name);
}

/**
 * `rename` lines turn a target into its new name, entry by entry in file order (one pass). A
 * target written PHYS=LOGICAL whose PHYS would be renamed makes ifquery 0.8.41 stop with
 * "asprintf: " and a stale errno, before it prints anything else: that is kept.
 */
function renameTargets(run: Run, targets: readonly string[]): string[] | undefined {
  const renamed: string[] = [];
  for (const t of targets) {
    let name = t.includes("=") ? t.slice(0, t.indexOf("=")) : t;
    let hit = false;
    for (const r of run.file.renames) {
      const eq = r.name.indexOf("=");
      const cur = eq < 0 ? r.name : r.name.slice(0, eq);
      if (!renameMatches(run, cur, name)) continue;
      name = eq < 0 ? "" : r.name.slice(eq + 1);
      hit = true;
    }
    if (hit && t.includes("=")) return undefined;
    renamed.push(hit ? name : t);
  }
  return renamed;
}

/** ignore_interface(): not in the --allow class (compared by physical name), or --exclude'd. */
function ignored(run: Run, phys: string): boolean {
  const { allow, excludes } = run.args;
  if (allow !== undefined) {
    const entries = classEntries(run, allow);
    if (entries === undefined || !entries.some((e) => e.split("=")[0] === phys)) return true;
  }
  return excludes.some((pattern) => fnmatch(pattern, phys));
}

function mappingMatches(run: Run, logical: string): number {
  let n = 0;
  for (const m of run.file.mappings) if (m.patterns.some((p) => fnmatch(p, logical))) n++;
  return n;
}

function query(run: Run, phys: string, logical: string): boolean {
  const mappings = mappingMatches(run, logical);
  if (run.args.verbose) for (let i = 0; i < mappings; i++) print(run.out, true, `ifquery: not running mapping scripts for ${logical}`);
  let okay = false;
  for (const s of run.stanzas) {
    if (s.name !== logical) continue;
    okay = true;
    const vars = run.vars.get(s) ?? foldOptions(s.options);
    run.vars.set(s, vars);
    const spec = methodOf(s.family, s.method);
    if (spec !== undefined) applyMethod(vars, spec, phys, run.args.overrides);
    if (run.args.verbose) print(run.out, true, `ifquery: querying interface ${phys}=${logical} (${s.family})`);
    for (const v of vars) print(run.out, false, `${v.name}: ${v.value}`);
  }
  if (okay || mappings > 0) return true;
  print(run.out, true, `ifquery: unknown interface ${phys}`);
  return false;
}

/** do_interface() for ifquery and ifquery --list. */
function doInterface(run: Run, target: string): boolean {
  const eq = target.indexOf("=");
  const phys = truncateBytes(eq < 0 ? target : target.slice(0, eq), 79);
  const logical = truncateBytes(eq < 0 ? target : target.slice(eq + 1), 79);
  if (ignored(run, phys)) return true;
  const known = run.stanzas.some((s) => s.name === logical) || mappingMatches(run, logical) > 0;
  if (!known) {
    print(run.out, true, `ifquery: unknown interface ${logical}`);
    return false;
  }
  if (run.args.list) {
    print(run.out, false, phys);
    return true;
  }
  return query(run, phys, logical);
}

/** Runs `ifquery ARGV...` (argv without the program name) on files the reader provides. */
export function runIfquery(argv: readonly string[], reader: FileReader): IfqueryResult {
  const out: Printer = { lines: [] };
  const parsed = parseIfqueryArgs(argv);
  if (!parsed.ok) {
    for (const l of parsed.stdout) print(out, false, l);
    for (const l of parsed.stderr) print(out, true, l);
    return finish(out, parsed.exitCode);
  }
  const { args } = parsed;
  // --state reports the state directory; xennet keeps none, so nothing is configured.
  if (args.state) return finish(out, args.targets.length === 0 ? 0 : 1);
  const file = readInterfaces(args.interfaces, reader).value;
  for (const e of file.events) {
    if (e.kind === "message") print(out, true, `ifquery: ${e.text}`);
    else if (args.verbose) print(out, true, `ifquery: ${e.kind === "parsing-file" ? "parsing file" : "reading directory"} ${e.path}`);
  }
  if (file.rejected) {
    print(out, true, `ifquery: couldn't read interfaces file "${args.interfaces}"`);
    return finish(out, 1);
  }
  const implicitLo = !args.noLoopback && !file.loopbackDefined;
  const stanzas = implicitLo ? [IMPLICIT_LO, ...file.stanzas] : file.stanzas;
  const run: Run = { args, file, stanzas, reader, vars: new Map(), out };
  const targets = renameTargets(run, targetsOf(run));
  if (targets === undefined) {
    // errno is EEXIST from mkdir(statedir) when the state directory already existed.
    const errno = reader.listDir(args.stateDir) === undefined ? "Success" : "File exists";
    print(out, true, `ifquery: asprintf: ${errno}`);
    return finish(out, 1);
  }
  let success = true;
  for (const target of targets) success = doInterface(run, target) && success;
  return finish(out, success ? 0 : 1);
}
