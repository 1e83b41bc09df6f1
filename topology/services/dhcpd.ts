// dhcpd.conf(5) as ISC dhcpd 4.1.1 (Squeeze's isc-dhcp-server; dhcp3-server 3.1 reads the same
// grammar) parses it, statement by statement as server/confpars.c parse_statement() does:
// `subnet NET netmask MASK { ... }` (the pair is checked: "subnet N netmask M: bad subnet
// number/mask combination."), `shared-network`, `group`, `pool`, `host NAME { hardware ethernet
// MAC; fixed-address IP[, IP]; }`, `range [dynamic-bootp] LOW [HIGH];` (only inside a subnet; a
// range outside its subnet is fatal: "Address range L to H not on net N/M!"), `option NAME VALUE;`
// by the option's format ("unknown option dhcp.NAME"), the server parameters written bare
// (`default-lease-time 600;`), `authoritative;` / `not authoritative;` (copied into each subnet
// when it is declared, so it must come first), `allow`/`deny`/`ignore`, `include "FILE";`.
// Class, failover, key, zone and conditional statements are skipped whole. Errors are reported
// at the token dhcpd was reading, with its message; dhcpd reads on and then refuses to start.

import type { Diagnostic, Parsed, Span } from "../diagnostic.ts";
import type { Setting } from "../host-config.ts";
import { maskToPrefix } from "../../netsim/wire/address.ts";
import { isIdentifier, tokenize, type Token } from "./dhcpd-lexer.ts";
import { DHCP_OPTIONS, SERVER_PARAMETERS, SKIPPED_STATEMENTS } from "./dhcpd-names.ts";
import { TokenStream } from "./dhcpd-parser.ts";
import { optionValue } from "./dhcpd-values.ts";
import type { DhcpdHost, DhcpdParameter, DhcpdRange, DhcpdSubnet } from "./types.ts";

/** Read access to the host's files (for `include`). */
export interface DhcpdFiles {
  readFile(path: string): string | undefined;
}

/** What a dhcpd.conf declares. */
export interface DhcpdDeclarations {
  readonly files: readonly string[];
  readonly subnets: readonly DhcpdSubnet[];
  readonly hosts: readonly DhcpdHost[];
  readonly parameters: readonly DhcpdParameter[];
  readonly authoritative: Setting<boolean>;
  /** `dhcpd -t` would pass. */
  readonly accepted: boolean;
}

type ScopeKind = "root" | "shared" | "subnet" | "host" | "group" | "pool";

interface SubnetBuild {
  readonly network: number;
  readonly mask: number;
  readonly ranges: DhcpdRange[];
  readonly scope: Scope;
  readonly span: Span;
  readonly shared?: string;
}

interface Scope {
  readonly kind: ScopeKind;
  readonly parameters: DhcpdParameter[];
  authoritative: boolean;
  authoritativeSpan?: Span;
  readonly subnet?: SubnetBuild;
  readonly shared?: string;
  readonly host?: { mac?: { value: string; span: Span }; fixed: { value: string; span: Span }[] };
}

const dotted = (n: number): string => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const toNumber = (ip: string): number => ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);

/** The state of one parse; lives for one parseDhcpdConf call. */
class DhcpdParser {
  private s: TokenStream;
  readonly diagnostics: Diagnostic[] = [];
  readonly files: string[] = [];
  readonly subnets: SubnetBuild[] = [];
  readonly hosts: DhcpdHost[] = [];
  readonly root: Scope = { kind: "root", parameters: [], authoritative: false };

  constructor(
    private readonly host: DhcpdFiles,
    file: string,
    text: string,
  ) {
    this.files.push(file);
    this.s = new TokenStream(tokenize(file, text));
  }

  run(): void {
    this.block(this.root, false);
    this.diagnostics.push(...this.s.diagnostics);
  }

  private child(parent: Scope, kind: ScopeKind, extra: Partial<Scope> = {}): Scope {
    const base = { kind, parameters: [], authoritative: parent.authoritative };
    const subnet = extra.subnet ?? parent.subnet;
    const shared = extra.shared ?? parent.shared;
    return { ...base, ...extra, ...(subnet === undefined ? {} : { subnet }), ...(shared === undefined ? {} : { shared }) };
  }

  /** Statements up to the closing `}` (or the end of the file at the top level). */
  private block(scope: Scope, braced: boolean): void {
    for (;;) {
      if (this.s.stopped) return;
      const t = this.s.peek();
      if (t.kind === "eof") {
        if (braced) this.s.warn("unexpected end of file", this.s.next());
        return;
      }
      if (braced && this.s.at("}")) {
        this.s.next();
        return;
      }
      this.statement(scope);
    }
  }

  /** parse_statement. Long because it is one case per statement keyword. */
  private statement(scope: Scope): void {
    const t = this.s.peek();
    const word = isIdentifier(t) ? t.text.toLowerCase() : "";
    switch (word) {
      case "include":
        return this.include(scope);
      case "host":
        this.s.next();
        if (scope.kind === "host") return this.notHere("host declarations not allowed here.", t);
        return this.hostDecl(scope, t);
      case "group":
        this.s.next();
        if (scope.kind === "host") return this.notHere("group declarations not allowed here.", t);
        if (isIdentifier(this.s.peek()) || this.s.peek().kind === "string") this.s.next();
        if (this.s.lbrace()) this.block(this.child(scope, "group"), true);
        return;
      case "shared-network":
        this.s.next();
        if (scope.kind !== "root" && scope.kind !== "group") return this.notHere("shared-network parameters not allowed here.", t);
        return this.sharedDecl(scope);
      case "subnet":
        this.s.next();
        if (scope.kind === "host" || scope.kind === "subnet" || scope.kind === "pool") return this.notHere("subnet declarations not allowed here.", t);
        return this.subnetDecl(scope, t);
      case "pool":
        this.s.next();
        if (scope.kind === "pool") return this.notHere("pool declared within pool.", t);
        if (scope.kind !== "subnet" && scope.kind !== "shared") return this.notHere("pool declared outside of network", t);
        if (this.s.lbrace()) this.block(this.child(scope, "pool"), true);
        return;
      case "range":
        this.s.next();
        if (scope.subnet === undefined || (scope.kind !== "subnet" && scope.kind !== "pool")) return this.notHere("range declaration not allowed here.", t);
        return this.range(scope, t);
      case "subnet6":
      case "range6":
      case "prefix6":
      case "fixed-address6":
        this.s.next();
        return this.notHere(`${word} statement is only supported in DHCPv6 mode.`, t);
      case "hardware":
        this.s.next();
        return this.hardware(scope, t);
      case "fixed-address":
        this.s.next();
        return this.fixedAddress(scope, t);
      case "not":
      case "authoritative":
        return this.authoritative(scope, t, word === "not");
      case "option":
        this.s.next();
        return this.option(scope, t);
      case "server-identifier":
        this.s.next();
        return this.parameter(scope, "server-identifier", "I", t);
      case "allow":
      case "deny":
      case "ignore":
        this.s.next();
        this.s.skipToSemi();
        return;
      default:
        return this.other(scope, t, word);
    }
  }

  private notHere(message: string, t: Token): void {
    this.s.warn(message, t);
    this.s.skipToSemi();
  }

  private other(scope: Scope, t: Token, word: string): void {
    const format = SERVER_PARAMETERS[word];
    if (format !== undefined) {
      this.s.next();
      return this.parameter(scope, word, format, t);
    }
    if (SKIPPED_STATEMENTS.includes(word)) {
      this.s.next();
      return this.s.skipToSemi();
    }
    this.s.warn(this.declared.has(scope) ? "expecting a declaration" : "expecting a parameter or declaration", this.s.next());
    this.s.skipToSemi();
  }

  /** Scopes that have seen a declaration (parse_statement's `declaration` flag). */
  private readonly declared = new Set<Scope>();

  private include(scope: Scope): void {
    const kw = this.s.next();
    const name = this.s.next();
    if (name.kind !== "string") return this.notHere("filename string expected.", name);
    const text = this.host.readFile(name.text);
    if (text === undefined) return this.s.die(`Can't open ${name.text}: No such file or directory`, kw);
    this.files.push(name.text);
    const outer = this.s;
    this.s = new TokenStream(tokenize(name.text, text));
    this.block(scope, false);
    this.diagnostics.push(...this.s.diagnostics);
    const failed = this.s.diagnostics.length > 0;
    const stopped = this.s.stopped;
    this.s = outer;
    if (stopped) this.s.stopped = true;
    if (failed && !stopped) this.s.warn(`${name.text}: bad parse.`, name);
    if (!stopped) this.s.semi();
  }

  private hostDecl(scope: Scope, kw: Token): void {
    const first = this.s.peek();
    const name = first.kind === "string" ? this.s.next().text : this.s.hostName();
    if (name === undefined) return this.notHere("expecting a name for host declaration.", this.s.next());
    this.declared.add(scope);
    if (!this.s.lbrace()) return;
    const h = this.child(scope, "host", { host: { fixed: [] } });
    this.block(h, true);
    const facts = h.host ?? { fixed: [] };
    this.hosts.push({ name, ...(facts.mac === undefined ? {} : { mac: facts.mac }), fixedAddresses: facts.fixed, parameters: h.parameters, span: kw.span });
  }

  private sharedDecl(scope: Scope): void {
    const first = this.s.peek();
    const name = first.kind === "string" ? this.s.next().text : this.s.hostName();
    if (name === undefined) return this.notHere("expecting a name for shared-network", this.s.next());
    this.declared.add(scope);
    if (this.s.lbrace()) this.block(this.child(scope, "shared", { shared: name }), true);
  }

  private subnetDecl(scope: Scope, kw: Token): void {
    const net = this.s.address();
    if (net === undefined) return;
    const nm = this.s.next();
    if (!(isIdentifier(nm) && nm.text.toLowerCase() === "netmask")) return this.notHere("Expecting netmask", nm);
    const maskTok = this.s.peek();
    const mask = this.s.address();
    if (mask === undefined) return;
    const [n, m] = [toNumber(net), toNumber(mask)];
    if ((n & ~m) >>> 0 !== 0) return this.notHere(`subnet ${net} netmask ${mask}: bad subnet number/mask combination.`, maskTok);
    this.declared.add(scope);
    const build: { -readonly [K in keyof SubnetBuild]: SubnetBuild[K] } = { network: n, mask: m, ranges: [], scope, span: kw.span, ...(scope.shared === undefined ? {} : { shared: scope.shared }) };
    const own = this.child(scope, "subnet", { subnet: build });
    build.scope = own;
    this.subnets.push(build);
    if (this.s.lbrace()) this.block(own, true);
  }

  private range(scope: Scope, kw: Token): void {
    const dynamicBootp = this.s.atWord("dynamic-bootp");
    if (dynamicBootp) this.s.next();
    const low = this.s.address();
    if (low === undefined) return;
    const high = this.s.at(";") ? low : this.s.address();
    if (high === undefined) return;
    if (!this.s.semi()) return;
    const subnet = scope.subnet;
    if (subnet === undefined) return;
    const [lo, hi] = [toNumber(low), toNumber(high)];
    const net = (lo & subnet.mask) >>> 0;
    if (net !== ((hi & subnet.mask) >>> 0)) return this.s.die(`Address range ${low} to ${high}, netmask ${dotted(subnet.mask)} spans multiple subnets!`, kw);
    if (net !== subnet.network) return this.s.die(`Address range ${low} to ${high} not on net ${dotted(subnet.network)}/${dotted(subnet.mask)}!`, kw);
    subnet.ranges.push({ low, high, dynamicBootp, span: kw.span });
  }

  private hardware(scope: Scope, kw: Token): void {
    const type = this.s.next();
    if (!(isIdentifier(type) && ["ethernet", "token-ring", "fddi"].includes(type.text.toLowerCase()))) {
      return this.notHere("expecting a network hardware type", type);
    }
    const macTok = this.s.peek();
    const octets = this.s.at(";") ? [] : this.s.numbers(":", 16, 0);
    if (octets === undefined) return;
    const end = this.s.next();
    if (!(end.kind === "punct" && end.text === ";")) {
      this.s.warn("expecting semicolon.", end);
      this.s.skipToSemi();
    }
    if (scope.host === undefined) return this.s.warn("hardware address parameter not allowed here.", end);
    if (scope.host.mac !== undefined) return this.s.warn(`Host hardware address already configured.`, kw);
    scope.host.mac = { value: octets.map((o) => o.toString(16).padStart(2, "0")).join(":"), span: macTok.span };
  }

  private fixedAddress(scope: Scope, kw: Token): void {
    const found: { value: string; span: Span }[] = [];
    for (;;) {
      const at = this.s.peek();
      const a = this.s.addressOrName();
      if (a === undefined) return;
      found.push({ value: a, span: at.span });
      if (!this.s.at(",")) break;
      this.s.next();
    }
    if (!this.s.semi()) return;
    if (scope.host === undefined) return this.s.warn("fixed-address parameter not allowed here.", kw);
    if (scope.host.fixed.length > 0) return this.s.warn("Only one fixed address declaration per host.", kw);
    scope.host.fixed.push(...found);
  }

  private authoritative(scope: Scope, t: Token, negated: boolean): void {
    this.s.next();
    if (negated) {
      const kw = this.s.next();
      if (!(isIdentifier(kw) && kw.text.toLowerCase() === "authoritative")) return this.notHere("expecting assertion", kw);
    }
    if (scope.kind === "host") this.s.warn("authority makes no sense here.", t);
    scope.authoritative = !negated;
    scope.authoritativeSpan = t.span;
    this.s.semi();
  }

  private option(scope: Scope, kw: Token): void {
    const nameTok = this.s.next();
    if (!isIdentifier(nameTok)) return this.notHere("expecting identifier after option keyword.", nameTok);
    let name = nameTok.text.toLowerCase();
    if (name === "space") return this.s.skipToSemi();
    let space = "dhcp";
    if (this.s.at(".")) {
      this.s.next();
      space = name;
      const sub = this.s.next();
      if (!isIdentifier(sub)) return this.notHere("expecting identifier after '.'", sub);
      name = sub.text.toLowerCase();
    }
    if (this.s.atWord("code")) return this.s.skipToSemi();
    const format = space === "dhcp" ? DHCP_OPTIONS[name] : space === "server" ? SERVER_PARAMETERS[name] : "X";
    if (format === undefined) return this.notHere(`unknown option ${space}.${name}`, nameTok);
    this.parameter(scope, name, format, kw);
  }

  /** An option or server parameter's value by its format, then the `;`. */
  private parameter(scope: Scope, name: string, format: string, start: Token): void {
    const parsed = optionValue(this.s, name, format);
    if (parsed === undefined || !this.s.semi()) return;
    scope.parameters.push({ name, value: parsed.text, ...parsed.typed, span: start.span });
  }

  /** The subnets with their final parameters. */
  result(): DhcpdSubnet[] {
    return this.subnets.map((b) => ({
      network: dotted(b.network), netmask: dotted(b.mask), prefix: maskToPrefix(b.mask) ?? 32,
      ...(b.shared === undefined ? {} : { sharedNetwork: b.shared }),
      ranges: b.ranges, parameters: b.scope.parameters, authoritative: b.scope.authoritative, span: b.span,
    }));
  }
}

/** Parses a dhcpd.conf (with what it includes). */
export function parseDhcpdConf(file: string, host: DhcpdFiles): Parsed<DhcpdDeclarations> {
  const text = host.readFile(file) ?? "";
  const p = new DhcpdParser(host, file, text);
  p.run();
  const root = p.root;
  const authoritative: Setting<boolean> = root.authoritativeSpan === undefined ? { value: false } : { value: root.authoritative, span: root.authoritativeSpan };
  const value: DhcpdDeclarations = {
    files: p.files, subnets: p.result(), hosts: p.hosts, parameters: root.parameters, authoritative,
    accepted: !p.diagnostics.some((d) => d.severity === "error"),
  };
  return { value, diagnostics: p.diagnostics };
}
