// glibc's getopt_long as iptables 1.4.8 drives it: an option string starting with `-` (arguments
// that are not options are returned in order, as code 1), opterr = 0 (errors come back as `?` with
// optopt set), long options abbreviable to an unambiguous prefix, `--` ending the scan, short
// options clustered (`-nvL`), `::` optional arguments only when attached. The long option table can
// grow between calls, as iptables merges the options of each extension it loads.

/** A long option: its name, whether it takes an argument (0 no, 1 required, 2 optional) and an id. */
export interface LongOption {
  readonly name: string;
  readonly hasArg: 0 | 1 | 2;
  /** What the caller gets back: a short option letter for iptables' own options, else an extension key. */
  readonly id: string;
}

/** One step of the scan. */
export type GetoptResult =
  | { readonly kind: "end" }
  | { readonly kind: "arg"; readonly arg: string }
  | { readonly kind: "option"; readonly id: string; readonly arg: string | undefined }
  | { readonly kind: "error"; readonly optopt: string | undefined };

/** The scanner state (optind, nextchar) over an argv whose [0] is the program name. */
export class Getopt {
  /** Index of the next argv element to scan. */
  optind = 1;
  private nextchar = "";

  constructor(
    readonly argv: readonly string[],
    private readonly shortSpec: string,
  ) {}

  /** The next option, argument or error. */
  next(longs: readonly LongOption[]): GetoptResult {
    if (this.nextchar === "") {
      if (this.optind < this.argv.length && this.argv[this.optind] === "--") {
        this.optind++;
        return { kind: "end" };
      }
      if (this.optind >= this.argv.length) return { kind: "end" };
      const arg = this.argv[this.optind]!;
      if (arg[0] !== "-" || arg.length === 1) {
        this.optind++;
        return { kind: "arg", arg };
      }
      if (arg.startsWith("--")) return this.long(arg.slice(2), longs);
      this.nextchar = arg.slice(1);
    }
    return this.short();
  }

  /** A long option `--name[=value]`. */
  private long(body: string, longs: readonly LongOption[]): GetoptResult {
    this.optind++;
    const eq = body.indexOf("=");
    const name = eq < 0 ? body : body.slice(0, eq);
    const found = longs.find((o) => o.name === name) ?? this.uniquePrefix(name, longs);
    if (found === undefined) return { kind: "error", optopt: undefined };
    if (eq >= 0) {
      if (found.hasArg === 0) return { kind: "error", optopt: found.id };
      return { kind: "option", id: found.id, arg: body.slice(eq + 1) };
    }
    if (found.hasArg === 1) {
      if (this.optind >= this.argv.length) return { kind: "error", optopt: found.id };
      return { kind: "option", id: found.id, arg: this.argv[this.optind++] };
    }
    return { kind: "option", id: found.id, arg: undefined };
  }

  /** glibc: a prefix naming options that differ in argument kind or result is ambiguous. */
  private uniquePrefix(name: string, longs: readonly LongOption[]): LongOption | undefined {
    let found: LongOption | undefined;
    for (const o of longs) {
      if (!o.name.startsWith(name)) continue;
      if (found === undefined) found = o;
      else if (found.hasArg !== o.hasArg || found.id !== o.id) return undefined;
    }
    return found;
  }

  /** The next letter of a short-option cluster. */
  private short(): GetoptResult {
    const c = this.nextchar[0]!;
    this.nextchar = this.nextchar.slice(1);
    const at = c === ":" || c === "-" ? -1 : this.shortSpec.indexOf(c, 1);
    if (at < 0) {
      if (this.nextchar === "") this.optind++;
      return { kind: "error", optopt: c };
    }
    const colons = this.shortSpec[at + 1] === ":" ? (this.shortSpec[at + 2] === ":" ? 2 : 1) : 0;
    if (colons === 0) {
      if (this.nextchar === "") this.optind++;
      return { kind: "option", id: c, arg: undefined };
    }
    const attached = this.nextchar;
    this.nextchar = "";
    this.optind++;
    if (attached !== "") return { kind: "option", id: c, arg: attached };
    if (colons === 2) return { kind: "option", id: c, arg: undefined };
    if (this.optind >= this.argv.length) return { kind: "error", optopt: c };
    return { kind: "option", id: c, arg: this.argv[this.optind++] };
  }

  /** Whether arguments remain after a `--` (iptables then complains about them). */
  get leftover(): boolean {
    return this.optind < this.argv.length;
  }

  /** The argv element before optind (iptables names it in its error messages). */
  get previous(): string {
    return this.argv[this.optind - 1] ?? "";
  }

  /** The next argv element, if any (for `-L chain`, `-I chain num` etc.). */
  peek(): string | undefined {
    return this.argv[this.optind];
  }

  /** Steps back one element (iptables re-scans an option after loading the protocol's match). */
  unget(): void {
    this.optind--;
  }

  /** Consumes the element peek returned. */
  take(): string {
    return this.argv[this.optind++] ?? "";
  }
}
