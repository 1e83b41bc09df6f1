// The contract between iptables' option loop and its extensions (struct xtables_match /
// xtables_target in iptables 1.4.8): each extension brings long options, parses those it owns,
// checks itself at the end (final_check) and yields the match or target data it stands for.
import type { Match, Target } from "./rule.ts";

/** What an extension's parser may use from the command line around its option. */
export interface ParseContext {
  /** A `!` came before the option. */
  readonly invert: boolean;
  /** The rule's -p so far (targets accept ports only with TCP, UDP, SCTP, DCCP or ICMP). */
  readonly proto: number;
  /** The next argv element, consumed (for --tcp-flags' second argument and `--opt ! value`). */
  takeArg(): string | undefined;
  /** The next argv element, not consumed. */
  peekArg(): string | undefined;
  /** A line iptables writes to stderr without failing. */
  warn(text: string): void;
}

/** One long option of an extension. */
export interface ExtensionOption {
  readonly name: string;
  readonly hasArg: 0 | 1;
}

/** A loaded extension instance with its parse state. */
export interface Extension<T> {
  readonly name: string;
  readonly options: readonly ExtensionOption[];
  /** Parses one of its options; an error message (as after `iptables v1.4.8: `) fails the command. */
  parse(option: string, arg: string | undefined, ctx: ParseContext): string | undefined;
  /** final_check: an error when a required option is missing. */
  finalCheck(): string | undefined;
  /** The match or target this instance describes. */
  build(): T;
}

/** A match extension instance. */
export type MatchExtension = Extension<Match>;
/** A target extension instance. */
export type TargetExtension = Extension<Target>;

/** Result of xtables_check_inverse on an option argument: the value to use and the new invert flag. */
export type InverseCheck = { readonly ok: true; readonly arg: string; readonly invert: boolean } | { readonly ok: false; readonly error: string };

/** The warning xtables_check_inverse prints for `--option ! value`. */
export const INTRAPOSITIONED_WARNING = "Using intrapositioned negation (`--option ! this`) is deprecated in favor of extrapositioned (`! --option this`).\n";

/** xtables_check_inverse with an optind: `--opt ! value` inverts and takes the next argument. */
export function checkInverse(arg: string | undefined, ctx: ParseContext): InverseCheck {
  if (arg !== "!") return { ok: true, arg: arg ?? "", invert: ctx.invert };
  ctx.warn(INTRAPOSITIONED_WARNING);
  if (ctx.invert) return { ok: false, error: "Multiple `!' flags not allowed" };
  const next = ctx.takeArg();
  if (next === undefined) return { ok: false, error: "no argument following `!'" };
  return { ok: true, arg: next, invert: true };
}

/** Targets' form: a `!` right after the option is refused with `message`. */
export function refuseInverse(arg: string | undefined, ctx: ParseContext, message: string): string | undefined {
  if (arg !== "!") return undefined;
  ctx.warn(INTRAPOSITIONED_WARNING);
  return ctx.invert ? "Multiple `!' flags not allowed" : message;
}

/** strncasecmp(name, given, strlen(given)) == 0: `given` is a case-insensitive prefix of `name`. */
export function prefixOf(given: string, name: string): boolean {
  return given.length <= name.length && name.slice(0, given.length).toUpperCase() === given.toUpperCase();
}
