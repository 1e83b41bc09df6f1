// ifquery 0.8.41's command line (main.c parse_options()): glibc getopt_long with its permutation,
// unique-prefix long options and exact error messages, and what each option does when ifupdown is
// called as ifquery (-n, --force and -a without --list are usage errors, --help and --version
// print and exit at once). The option table order matters: glibc lists ambiguous matches in it.

import { setVariable, type Variable } from "./variables.ts";

/** What the command line asks for. */
export interface IfqueryArgs {
  readonly interfaces: string;
  readonly verbose: boolean;
  readonly list: boolean;
  readonly all: boolean;
  readonly state: boolean;
  readonly allow?: string;
  readonly excludes: readonly string[];
  readonly overrides: readonly Variable[];
  readonly noLoopback: boolean;
  /** --state-dir (ifquery creates it; xennet only looks whether it exists). */
  readonly stateDir: string;
  readonly targets: readonly string[];
}

/** Either parsed arguments, or what to print and the exit code (help, version, usage errors). */
export type ArgsOutcome =
  | { readonly ok: true; readonly args: IfqueryArgs }
  | { readonly ok: false; readonly stdout: readonly string[]; readonly stderr: readonly string[]; readonly exitCode: number };

type Kind = "flag" | "arg";
const LONG: readonly (readonly [string, Kind, string])[] = [
  ["help", "flag", "h"], ["version", "flag", "V"], ["verbose", "flag", "v"], ["all", "flag", "a"],
  ["allow", "arg", "allow"], ["interfaces", "arg", "i"], ["exclude", "arg", "X"], ["no-act", "flag", "n"],
  ["no-act-commands", "flag", "no-act-commands"], ["no-mappings", "flag", "no-mappings"],
  ["no-scripts", "flag", "no-scripts"], ["no-loopback", "flag", "no-loopback"], ["force", "flag", "f"],
  ["ignore-errors", "flag", "ignore-errors"], ["option", "arg", "o"], ["list", "flag", "l"],
  ["state", "flag", "state"], ["read-environment", "flag", "read-environment"], ["state-dir", "arg", "state-dir"],
];
const SHORT: Readonly<Record<string, Kind>> = { X: "arg", s: "arg", i: "arg", o: "arg", h: "flag", V: "flag", v: "flag", n: "flag", a: "flag", l: "flag", f: "flag" };

/** `ifquery --help`, as 0.8.41 prints it when called as ifquery. */
export const HELP_TEXT = [
  "Usage: ifquery <options> <ifaces...>",
  "       ifquery <options> --list",
  "       ifquery --state <ifaces...>",
  "",
  "Options:",
  "\t-h, --help             this help",
  "\t-V, --version          copyright and version information",
  '\t-a, --all              process all interfaces marked "auto"',
  '\t--allow CLASS          ignore non-"allow-CLASS" interfaces',
  "\t-i, --interfaces FILE  use FILE for interface definitions",
  "\t--state-dir DIR        use DIR to store state information",
  "\t-X, --exclude PATTERN  exclude interfaces from the list of",
  "\t                       interfaces to operate on by a PATTERN",
  "\t-v, --verbose          print out what would happen before doing it",
  "\t-o OPTION=VALUE        set OPTION to VALUE as though it were in",
  "\t                       /etc/network/interfaces",
  "\t--no-mappings          don't run any mappings",
  "\t--no-scripts           don't run any hook scripts",
  "\t--no-loopback          don't act specially on the loopback device",
  "\t--list                 list all matching known interfaces",
  "\t--state                show the state of specified interfaces",
];

/** `ifquery --version`. */
export const VERSION_TEXT = [
  "ifquery version 0.8.41",
  "",
  "Copyright (c) 1999-2009 Anthony Towns",
  "              2010-2015 Andrej Shadura",
  "              2015-2017 Guus Sliepen",
  "",
  "This program is free software; you can redistribute it and/or modify",
  "it under the terms of the GNU General Public License as published by",
  "the Free Software Foundation; either version 2 of the License, or (at",
  "your option) any later version.",
];

const USAGE = "ifquery: Use --help for help";

interface Opt {
  readonly id: string;
  readonly value?: string;
}

/** Resolves `--name[=value]` against the table; returns the option, or an error line. */
function longOption(arg: string, next: string | undefined): { opt?: Opt; used: number; error?: string } {
  const eq = arg.indexOf("=");
  const name = arg.slice(2, eq < 0 ? undefined : eq);
  const inline = eq < 0 ? undefined : arg.slice(eq + 1);
  const exact = LONG.find(([n]) => n === name);
  const matches = exact !== undefined ? [exact] : LONG.filter(([n]) => n.startsWith(name));
  if (matches.length === 0) return { used: 1, error: `ifquery: unrecognized option '${arg}'` };
  if (matches.length > 1) {
    const list = matches.map(([n]) => ` '--${n}'`).join("");
    return { used: 1, error: `ifquery: option '--${name}' is ambiguous; possibilities:${list}` };
  }
  const [full, kind, id] = matches[0] ?? ["", "flag", ""];
  if (kind === "flag") {
    return inline === undefined ? { opt: { id }, used: 1 } : { used: 1, error: `ifquery: option '--${full}' doesn't allow an argument` };
  }
  if (inline !== undefined) return { opt: { id, value: inline }, used: 1 };
  if (next === undefined) return { used: 1, error: `ifquery: option '--${full}' requires an argument` };
  return { opt: { id, value: next }, used: 2 };
}

/** Splits argv the way getopt_long does: options in order (or the first error), and the operands. */
function getopt(argv: readonly string[]): { opts: Opt[]; operands: string[]; error?: string } {
  const opts: Opt[] = [];
  const operands: string[] = [];
  for (let i = 0; i < argv.length; ) {
    const arg = argv[i] ?? "";
    if (arg === "--") {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const r = longOption(arg, argv[i + 1]);
      if (r.error !== undefined) return { opts, operands, error: r.error };
      if (r.opt !== undefined) opts.push(r.opt);
      i += r.used;
    } else if (arg.startsWith("-") && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const ch = arg.charAt(j);
        const kind = Object.hasOwn(SHORT, ch) ? SHORT[ch] : undefined;
        if (kind === undefined) return { opts, operands, error: `ifquery: invalid option -- '${ch}'` };
        if (kind === "flag") {
          opts.push({ id: ch });
          continue;
        }
        const attached = arg.slice(j + 1);
        const value = attached !== "" ? attached : argv[i + 1];
        if (value === undefined) return { opts, operands, error: `ifquery: option requires an argument -- '${ch}'` };
        opts.push({ id: ch, value });
        if (attached === "") i++;
        break;
      }
      i++;
    } else {
      operands.push(arg);
      i++;
    }
  }
  return { opts, operands };
}

function fail(stderr: string[], exitCode = 1): ArgsOutcome {
  return { ok: false, stdout: [], stderr, exitCode };
}

/** Parses ifquery's argv (without the program name) and applies parse_options() and select_interfaces() checks. */
export function parseIfqueryArgs(argv: readonly string[]): ArgsOutcome {
  const { opts, operands, error } = getopt(argv);
  const a = { interfaces: "/etc/network/interfaces", verbose: false, list: false, all: false, state: false, allow: undefined as string | undefined, excludes: [] as string[], overrides: [] as Variable[], noLoopback: false, stateDir: "/run/network" };
  for (const o of opts) {
    const v = o.value ?? "";
    if (o.id === "h") return { ok: false, stdout: HELP_TEXT, stderr: [], exitCode: 0 };
    if (o.id === "V") return { ok: false, stdout: VERSION_TEXT, stderr: [], exitCode: 0 };
    if (o.id === "i") a.interfaces = v;
    else if (o.id === "v") a.verbose = true;
    else if (o.id === "a") a.all = true;
    else if (o.id === "allow") a.allow = v;
    else if (o.id === "X") a.excludes.push(v);
    else if (o.id === "no-loopback") a.noLoopback = true;
    else if (o.id === "state-dir") a.stateDir = v;
    else if (o.id === "n" || o.id === "f" || o.id === "s") return fail([USAGE]);
    else if (o.id === "l") {
      if (a.list) return fail([USAGE]);
      a.list = true;
    } else if (o.id === "state") {
      if (a.list) return fail([USAGE]);
      a.state = true;
    } else if (o.id === "o") {
      const eq = v.indexOf("=");
      if (eq < 0) return fail([`ifquery: error in --option "${v}" -- no "=" character`]);
      const name = v.slice(0, eq);
      setVariable(a.overrides, name === "post-up" ? "up" : name === "pre-down" ? "down" : name, v.slice(eq + 1));
    }
  }
  if (error !== undefined) return fail([error, USAGE]);
  return selectCheck({ ...a, targets: operands });
}

function selectCheck(args: IfqueryArgs): ArgsOutcome {
  if (args.state) return { ok: true, args };
  if (args.targets.length > 0 && args.all) {
    return fail(["ifquery: either use the --all option, or specify interface(s), but not both", USAGE]);
  }
  if (args.targets.length === 0 && !args.all && !args.list) return fail(["ifquery: no interface(s) specified", USAGE]);
  if (args.all && !args.list) return fail([USAGE]);
  return { ok: true, args };
}
