// Python 2's getopt module, which xm's subcommands use to read their options: gnu_getopt (options
// and arguments may be mixed; `--` ends options) and getopt (options stop at the first argument).
// Short options are letters, `x:` takes a value (attached `-xV` or the next word); long options may
// be abbreviated to a unique prefix, `name=` takes a value (`--name=V` or the next word). Errors are
// GetoptError's messages, which xm prints after `Error: `.

/** Parsed options, in order, and the remaining arguments. */
export type GetoptResult =
  | { readonly ok: true; readonly options: readonly (readonly [string, string])[]; readonly params: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** getopt.gnu_getopt (or getopt.getopt with `gnu` false). */
export function getopt(args: readonly string[], shortopts: string, longopts: readonly string[], gnu = true): GetoptResult {
  const options: [string, string][] = [];
  const params: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      params.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const r = longOpt(arg.slice(2), longopts, args[i + 1]);
      if (typeof r === "string") return { ok: false, error: r };
      options.push([r.name, r.value]);
      i += r.used;
    } else if (arg.startsWith("-") && arg !== "-") {
      const r = shortOpts(arg.slice(1), shortopts, args[i + 1]);
      if (typeof r === "string") return { ok: false, error: r };
      options.push(...r.options);
      i += r.used;
    } else if (gnu) {
      params.push(arg);
    } else {
      params.push(...args.slice(i));
      break;
    }
  }
  return { ok: true, options, params };
}

function longOpt(text: string, longopts: readonly string[], next: string | undefined): { name: string; value: string; used: number } | string {
  const eq = text.indexOf("=");
  const name = eq === -1 ? text : text.slice(0, eq);
  const exact = longopts.find((o) => o === name || o === `${name}=`);
  const matches = exact ? [exact] : longopts.filter((o) => o.startsWith(name));
  if (matches.length === 0) return `option --${name} not recognized`;
  if (matches.length > 1) return `option --${name} not a unique prefix`;
  const spec = matches[0]!;
  const full = spec.endsWith("=") ? spec.slice(0, -1) : spec;
  if (spec.endsWith("=")) {
    if (eq !== -1) return { name: `--${full}`, value: text.slice(eq + 1), used: 0 };
    if (next === undefined) return `option --${full} requires argument`;
    return { name: `--${full}`, value: next, used: 1 };
  }
  if (eq !== -1) return `option --${full} must not have an argument`;
  return { name: `--${full}`, value: "", used: 0 };
}

function shortOpts(text: string, shortopts: string, next: string | undefined): { options: [string, string][]; used: number } | string {
  const options: [string, string][] = [];
  for (let j = 0; j < text.length; j++) {
    const c = text[j]!;
    const at = shortopts.indexOf(c);
    if (at === -1 || c === ":") return `option -${c} not recognized`;
    if (shortopts[at + 1] !== ":") {
      options.push([`-${c}`, ""]);
      continue;
    }
    const rest = text.slice(j + 1);
    if (rest !== "") return { options: [...options, [`-${c}`, rest]], used: 0 };
    if (next === undefined) return `option -${c} requires argument`;
    return { options: [...options, [`-${c}`, next]], used: 1 };
  }
  return { options, used: 0 };
}
