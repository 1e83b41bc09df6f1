// Perl's Getopt::Long as xen-create-image 4.2 configures it (the defaults: options may start with
// `--` or `-`, names are case-insensitive, any unique prefix of a name is accepted, `--` ends the
// options). Specs: `name` (a flag), `name=s` (a mandatory string: the next word is taken even if it
// starts with `-`, which is how `--debootstrap` becomes `--debootstrap-cmd` and swallows the next
// option, domains.md §8.3), `name=i` (an integer), `name=s@` (repeatable). Problems produce
// Getopt::Long's warnings ("Unknown option: x", "Option x is ambiguous (a, b)", "Option x requires
// an argument", 'Value "x" invalid for option y (number expected)'); parsing goes on and the
// caller learns that GetOptions failed.

/** One option of the spec. */
export interface OptionSpec {
  readonly name: string;
  readonly type: "flag" | "string" | "integer" | "strings";
}

/** Reads `name`, `name=s`, `name=i`, `name=s@`. */
export function optionSpec(text: string): OptionSpec {
  const [name = "", kind] = text.split("=");
  const type = kind === undefined ? "flag" : kind === "i" ? "integer" : kind === "s@" ? "strings" : "string";
  return { name, type };
}

/** An option found on the command line, in order. */
export interface FoundOption {
  readonly name: string;
  /** "1" for a flag. */
  readonly value: string;
}

/** The options, the non-option words, and Getopt::Long's warnings (non-empty: GetOptions returned false). */
export interface GetOptionsResult {
  readonly options: readonly FoundOption[];
  readonly rest: readonly string[];
  readonly warnings: readonly string[];
}

/** GetOptions over `args` with `specs` (see the file header). */
export function getOptions(args: readonly string[], specs: readonly OptionSpec[]): GetOptionsResult {
  const options: FoundOption[] = [];
  const rest: string[] = [];
  const warnings: string[] = [];
  const names = specs.map((s) => s.name).sort();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      rest.push(...args.slice(i + 1));
      break;
    }
    const m = /^--?([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!m || arg === "-") {
      rest.push(arg);
      continue;
    }
    const typed = m[1]!;
    const lower = typed.toLowerCase();
    const exact = names.filter((n) => n.toLowerCase() === lower);
    const hits = exact.length > 0 ? exact : names.filter((n) => n.toLowerCase().startsWith(lower));
    if (hits.length === 0) {
      warnings.push(`Unknown option: ${lower}\n`);
      continue;
    }
    if (hits.length > 1) {
      warnings.push(`Option ${lower} is ambiguous (${hits.join(", ")})\n`);
      continue;
    }
    const spec = specs.find((s) => s.name === hits[0])!;
    if (spec.type === "flag") {
      if (m[2] !== undefined) warnings.push(`Option ${spec.name} does not take an argument\n`);
      else options.push({ name: spec.name, value: "1" });
      continue;
    }
    let value = m[2];
    if (value === undefined) {
      value = args[i + 1];
      if (value === undefined) {
        warnings.push(`Option ${spec.name} requires an argument\n`);
        continue;
      }
      i += 1;
    }
    if (spec.type === "integer" && !/^[-+]?[0-9]+$/.test(value)) {
      warnings.push(`Value "${value}" invalid for option ${spec.name} (number expected)\n`);
      continue;
    }
    options.push({ name: spec.name, value });
  }
  return { options, rest, warnings };
}
