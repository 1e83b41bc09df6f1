// dnsmasq as dom0's DHCP server, read the way dnsmasq 2.55 (Squeeze) reads its configuration
// (src/option.c read_opts, one_file, one_opt): command-line options first — for the Debian
// service these are `-7 /etc/dnsmasq.d,.dpkg-dist,.dpkg-old,.dpkg-new` (CONFIG_DIR) and
// DNSMASQ_OPTS from /etc/default/dnsmasq, so the drop-in directory is read before
// /etc/dnsmasq.conf; for a dnsmasq started from an interfaces hook, its own arguments — then
// /etc/dnsmasq.conf (or the `-C FILE` given), which may pull in more through `conf-file=` and
// `conf-dir=`. conf-dir skips names ending in `~`, starting with `.`, or `#…#`, and the suffixes
// listed after the directory; other files in it are read, backups such as `*.bak` included. Any
// error is fatal: dnsmasq prints "dnsmasq: MESSAGE at line N of FILE" and does not start, so dom0
// serves neither DHCP nor DNS; `dnsmasq --test` reports the same. The man page is dnsmasq(8).

import { diagnostic, type Diagnostic, type Parsed, type Span } from "../diagnostic.ts";
import type { Setting, Spanned } from "../host-config.ts";
import { Getopt, type LongOption } from "../../netsim/l3/netfilter/getopt.ts";
import { dnsmasqOptions, shortOptions, type DnsmasqOptionSpec } from "./dnsmasq-options.ts";
import { confLines, unhide } from "./dnsmasq-file.ts";
import { parseDhcpOption, parseHost, parseRange, splitFields } from "./dnsmasq-dhcp.ts";
import type { HookWord } from "./hook-commands.ts";
import type { DnsmasqConfig, DnsmasqHost, DnsmasqOption, DnsmasqRange, HookOrigin } from "./types.ts";

/** The main configuration file. */
export const DNSMASQ_CONF = "/etc/dnsmasq.conf";

/** How one dnsmasq is started. */
export interface DnsmasqRun {
  readonly origin: "init-script" | "hook";
  /** Its arguments (without the program name), each located. */
  readonly argv: readonly HookWord[];
  readonly span: Span;
  readonly hook?: HookOrigin;
  readonly enabled: boolean;
}

/** Read access to the host, and which dnsmasq it runs. */
export interface DnsmasqFiles {
  readFile(path: string): string | undefined;
  listDir(path: string): readonly string[] | undefined;
  exists(path: string): boolean;
  /** A release after Squeeze (dnsmasq ≥ 2.62): the later options are known. */
  readonly modern: boolean;
}

/** An option value and where each of its characters is. */
interface Arg {
  readonly text: string;
  readonly at: (offset: number) => Span;
}

/** The state of one read; lives for one readDnsmasq call. */
class DnsmasqReader {
  private readonly options: ReadonlyMap<string, DnsmasqOptionSpec>;
  private readonly used = new Map<string, "cl" | "file">();
  private readonly seen = new Set<string>();
  readonly files: string[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly interfaces: Spanned<string>[] = [];
  readonly except: Spanned<string>[] = [];
  readonly noDhcp: Spanned<string>[] = [];
  readonly listen: Spanned<string>[] = [];
  readonly ranges: DnsmasqRange[] = [];
  readonly hosts: DnsmasqHost[] = [];
  readonly dhcpOptions: DnsmasqOption[] = [];
  readonly flags = new Map<string, Span>();
  readonly numbers = new Map<string, Spanned<number>>();
  domain: Spanned<string> | undefined;

  constructor(private readonly host: DnsmasqFiles) {
    this.options = dnsmasqOptions(host.modern);
  }

  private fail(message: string, span: Span): void {
    const text = `dnsmasq: ${message}: dnsmasq refuses to start, so dom0 serves neither DHCP nor DNS`;
    this.diagnostics.push(diagnostic("dnsmasq/config-error", "error", text, span, "`dnsmasq --test` shows the same message; fix that line"));
  }

  /** Reads the command line, then the main file (see the file header). */
  run(argv: readonly HookWord[], fallback: Span): void {
    let conffile = DNSMASQ_CONF;
    let nest = 0;
    const longs: LongOption[] = [...this.options.values()].map((o) => ({ name: o.name, hasArg: o.arg, id: o.name }));
    const byShort = new Map([...this.options.values()].filter((o) => o.short !== undefined).map((o) => [o.short ?? "", o.name]));
    const g = new Getopt(["dnsmasq", ...argv.map((w) => w.text)], `-${shortOptions(this.options)}`);
    for (;;) {
      const word = argv[g.optind - 1] ?? argv[argv.length - 1];
      const step = g.next(longs);
      if (step.kind === "end") break;
      if (step.kind === "arg") continue;
      const span = word?.span ?? fallback;
      const name = step.kind === "option" ? (byShort.get(step.id) ?? step.id) : undefined;
      if (name === undefined) {
        this.fail("bad command line options: try --help", span);
        continue;
      }
      if (name === "conf-file") {
        conffile = step.kind === "option" && step.arg !== undefined ? step.arg : conffile;
        nest++;
        continue;
      }
      const raw = step.kind === "option" ? step.arg : undefined;
      const text = word?.text ?? "";
      const valueAt = raw === undefined ? 0 : Math.max(0, text.length - raw.length);
      const arg = raw === undefined ? undefined : { text: raw, at: (o: number) => ({ ...span, column: span.column + valueAt + o }) };
      const err = this.option(name, arg, span, 0);
      if (err !== undefined) this.fail(`bad command line options: ${err}`, span);
    }
    this.oneFile(conffile, nest, fallback);
  }

  /** one_file: a configuration file (missing is fine only for the main file). */
  private oneFile(path: string, nest: number, from: Span): void {
    if (this.seen.has(path)) return;
    this.seen.add(path);
    if (nest > 20) return this.fail(`files nested too deep in ${path}`, from);
    const text = this.host.readFile(path);
    if (text === undefined) {
      // fopen succeeds on a directory and fgets then reads nothing: only a missing nested file is fatal.
      if (nest > 0 && !this.host.exists(path)) this.fail(`cannot read ${path}: No such file or directory`, from);
      return;
    }
    this.files.push(path);
    for (const l of confLines(text)) {
      const at = (col: number): Span => ({ file: path, line: l.line, column: col + 1 });
      if (!("name" in l)) {
        this.fail(`${l.message} at line ${l.line} of ${path}`, { file: path, line: l.line, column: l.column });
        continue;
      }
      const spec = this.options.get(l.name);
      const err = spec === undefined ? "bad option"
        : spec.arg === 0 && l.arg !== undefined ? "extraneous parameter"
        : spec.arg === 1 && l.arg === undefined ? "missing parameter"
        : this.option(l.name, l.arg === undefined ? undefined : { text: l.arg, at: (o) => at(l.argColumns[o] ?? l.argColumns[l.argColumns.length - 1] ?? l.nameColumn) }, at(l.nameColumn), nest + 1);
      if (err !== undefined) this.fail(`${err} at line ${l.line} of ${path}`, at(l.nameColumn));
    }
  }

  /** The repeat rule of usage[].rept: once-only options, command line vs files. */
  private repeat(spec: DnsmasqOptionSpec, nest: number): string | undefined {
    const key = spec.short ?? spec.name;
    const state = this.used.get(key);
    if (nest === 0) {
      if (state === "cl" && spec.once === true) return "illegal repeated flag";
      if (spec.once === true) this.used.set(key, "cl");
      return undefined;
    }
    if (state === "file" && spec.once === true) return "illegal repeated keyword";
    if (spec.once === true) this.used.set(key, "file");
    return undefined;
  }

  /** one_opt: one option with its value; returns dnsmasq's complaint, if any. */
  private option(name: string, arg: Arg | undefined, span: Span, nest: number): string | undefined {
    const spec = this.options.get(name);
    if (spec === undefined) return "bad option";
    const rep = this.repeat(spec, nest);
    if (rep !== undefined) return rep;
    const text = arg?.text ?? "";
    const fields = (): Spanned<string>[] => splitFields(text).map((f) => ({ value: unhide(f.text), span: arg?.at(f.offset) ?? span }));
    switch (name) {
      case "conf-file":
        if (text !== "") this.oneFile(unhide(text), nest, span);
        return undefined;
      case "conf-dir":
        return this.confDir(fields(), nest, span);
      case "interface":
        this.interfaces.push(...fields());
        return undefined;
      case "except-interface":
        this.except.push(...fields());
        return undefined;
      case "no-dhcp-interface":
        this.noDhcp.push(...fields());
        return undefined;
      case "listen-address":
        this.listen.push(...fields());
        return undefined;
      case "dhcp-range":
        return this.range(text, span);
      case "dhcp-host":
        return this.dhcpHost(text, span);
      case "dhcp-option":
      case "dhcp-option-force":
        return this.dhcpOption(text, span, name === "dhcp-option-force");
      case "domain":
      case "domain-suffix":
        this.domain = { value: unhide(text), span };
        return undefined;
      default:
        return this.other(spec, text, span);
    }
  }

  private other(spec: DnsmasqOptionSpec, text: string, span: Span): string | undefined {
    if (spec.arg === 0) {
      this.flags.set(spec.name, span);
      return undefined;
    }
    const numeric = ["port", "dhcp-lease-max", "cache-size", "local-ttl", "neg-ttl", "query-port", "dns-forward-max", "edns-packet-max", "min-port", "tftp-max"];
    if (!numeric.includes(spec.name) || (text === "" && spec.arg === 2)) return undefined;
    const value = unhide(text);
    if (!/^[0-9]+$/.test(value)) return "error";
    if (["port", "query-port", "min-port"].includes(spec.name) && Number(value) > 0xffff) return "error";
    this.numbers.set(spec.name, { value: Number(value), span });
    return undefined;
  }

  private range(text: string, span: Span): string | undefined {
    const r = parseRange(text);
    if (!r.ok) return r.error;
    this.ranges.push({ ...r.value, tags: r.value.tags.map(unhide), text: unhide(text), span });
    return undefined;
  }

  private dhcpHost(text: string, span: Span): string | undefined {
    const h = parseHost(text);
    if (!h.ok) return h.error;
    const { hostname, ...rest } = h.value;
    this.hosts.push({ ...rest, macs: rest.macs.map(unhide), ...(hostname === undefined ? {} : { hostname: unhide(hostname) }), text: unhide(text), span });
    return undefined;
  }

  private dhcpOption(text: string, span: Span, force: boolean): string | undefined {
    const o = parseDhcpOption(text);
    if (!o.ok) return o.error;
    if (o.warning !== undefined) this.diagnostics.push(diagnostic("dnsmasq/bad-address", "warning", `dhcp-option=${unhide(text)}: ${o.warning}`, span, "write a dotted IPv4 address"));
    this.dhcpOptions.push({ ...o.value, tags: o.value.tags.map(unhide), value: unhide(o.value.value), force, span });
    return undefined;
  }

  /** conf-dir=DIR[,SUFFIX...]: every regular file of DIR that no rule skips, in name order. */
  private confDir(parts: Spanned<string>[], nest: number, span: Span): string | undefined {
    const [dir, ...suffixes] = parts.map((p) => p.value);
    if (dir === undefined || dir === "") return undefined;
    const names = this.host.listDir(dir);
    if (names === undefined) {
      this.fail(`cannot access directory ${dir}: No such file or directory`, span);
      return undefined;
    }
    const base = dir.replace(/\/+$/, "");
    for (const n of names) {
      if (n === "" || n.endsWith("~") || n.startsWith(".") || (n.startsWith("#") && n.endsWith("#"))) continue;
      if (suffixes.some((s) => s !== "" && !s.startsWith("*") && n.length > s.length && n.endsWith(s))) continue;
      const only = suffixes.filter((s) => s.startsWith("*")).map((s) => s.slice(1));
      if (this.host.modern && only.length > 0 && !only.some((s) => n.length > s.length && n.endsWith(s))) continue;
      const path = `${base}/${n}`;
      if (this.host.readFile(path) === undefined) continue;
      if (/\.(bak|old|orig|save|swp)$|\.dpkg-[a-z]+$/.test(n)) {
        const note = `dnsmasq reads ${path} too: conf-dir skips only names ending in \`~\`, starting with \`.\`, wrapped in \`#\` or ending in ${suffixes.filter((s) => s !== "").join(", ") || "no listed suffix"}`;
        this.diagnostics.push(diagnostic("dnsmasq/backup-read", "warning", note, { file: path, line: 1, column: 1 }, "move backups out of the directory"));
      }
      this.oneFile(path, nest + 1, span);
    }
    return undefined;
  }
}

function flag(r: DnsmasqReader, name: string): Setting<boolean> {
  const span = r.flags.get(name);
  return span === undefined ? { value: false } : { value: true, span };
}

function number(r: DnsmasqReader, name: string, fallback: number): Setting<number> {
  const n = r.numbers.get(name);
  return n === undefined ? { value: fallback } : { value: n.value, span: n.span };
}

/** Reads the configuration one dnsmasq starts with. */
export function readDnsmasq(host: DnsmasqFiles, run: DnsmasqRun): Parsed<DnsmasqConfig> {
  const r = new DnsmasqReader(host);
  r.run(run.argv, run.span);
  const value: DnsmasqConfig = {
    origin: run.origin, span: run.span, ...(run.hook === undefined ? {} : { hook: run.hook }),
    files: r.files, accepted: !r.diagnostics.some((d) => d.severity === "error"), enabled: run.enabled,
    interfaces: r.interfaces, exceptInterfaces: r.except, noDhcpInterfaces: r.noDhcp, listenAddresses: r.listen,
    bindInterfaces: flag(r, "bind-interfaces"), ranges: r.ranges, hosts: r.hosts, options: r.dhcpOptions,
    noPing: flag(r, "no-ping"), authoritative: flag(r, "dhcp-authoritative"),
    leaseMax: number(r, "dhcp-lease-max", 1000), port: number(r, "port", 53),
    ...(r.domain === undefined ? {} : { domain: r.domain }),
  };
  return { value, diagnostics: r.diagnostics };
}
