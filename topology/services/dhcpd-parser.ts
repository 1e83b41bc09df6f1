// The low-level pieces of ISC DHCP 4.1.1's configuration parser (common/parse.c, server/confpars.c)
// that every statement uses, with their exact messages: a token stream with peek and next, the
// parse_warn() that records "FILE line N: MESSAGE" at the token being read, skip_to_semi() (skips
// to a `;` at brace depth 0, or past the `}` closing a brace it saw open, or stops before a `}` it
// did not), parse_semi() ("semicolon expected."), parse_lbrace() ("expecting left brace."),
// numeric aggregates ("expecting numeric value.", "too few numbers.", "N exceeds max (255) for
// precision.") for addresses and MAC addresses, and host names.

import { diagnostic, type Diagnostic } from "../diagnostic.ts";
import { isIdentifier, type Token } from "./dhcpd-lexer.ts";

/** A token stream with dhcpd's error reporting. */
export class TokenStream {
  private pos = 0;
  readonly diagnostics: Diagnostic[] = [];
  /** A log_fatal() happened: dhcpd has exited, nothing more is read. */
  stopped = false;

  constructor(private readonly tokens: readonly Token[]) {}

  /** The next token, not consumed. */
  peek(): Token {
    return this.tokens[this.pos] ?? this.tokens[this.tokens.length - 1] ?? { kind: "eof", text: "", span: { file: "", line: 1, column: 1 } };
  }

  /** Consumes the next token. */
  next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  /** Whether the next token is punctuation `ch`. */
  at(ch: string): boolean {
    const t = this.peek();
    return t.kind === "punct" && t.text === ch;
  }

  /** Whether the next token is the keyword `word` (case-insensitive). */
  atWord(word: string): boolean {
    const t = this.peek();
    return isIdentifier(t) && t.text.toLowerCase() === word;
  }

  /** parse_warn at `token`: dhcpd prints it and, at the end of the file, refuses to start. */
  warn(message: string, token: Token): void {
    const text = `${token.span.file} line ${token.span.line}: ${message}`;
    const d = diagnostic("dhcpd/parse-error", "error", `${text} — dhcpd then exits ("Configuration file errors encountered -- exiting"), so the DHCP server does not start`, token.span);
    this.diagnostics.push(d);
  }

  /** log_fatal at `token`: dhcpd exits at once, whatever follows. */
  die(message: string, token: Token): void {
    this.diagnostics.push(diagnostic("dhcpd/fatal", "error", `${message} — dhcpd exits at once while reading ${token.span.file}, so the DHCP server does not start`, token.span));
    this.stopped = true;
  }

  /** skip_to_semi. */
  skipToSemi(): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === "eof" || this.stopped) return;
      if (t.kind === "punct" && t.text === "}") {
        if (depth === 0) return;
        this.next();
        if (--depth === 0) return;
        continue;
      }
      if (t.kind === "punct" && t.text === "{") depth++;
      else if (t.kind === "punct" && t.text === ";" && depth === 0) {
        this.next();
        return;
      }
      this.next();
    }
  }

  /** parse_semi. */
  semi(message = "semicolon expected."): boolean {
    const t = this.next();
    if (t.kind === "punct" && t.text === ";") return true;
    this.warn(message, t);
    this.skipToSemi();
    return false;
  }

  /** parse_lbrace. */
  lbrace(): boolean {
    const t = this.next();
    if (t.kind === "punct" && t.text === "{") return true;
    this.warn("expecting left brace.", t);
    this.skipToSemi();
    return false;
  }

  /** parse_numeric_aggregate: `count` numbers (0: any) joined by `sep`, each at most `max`. */
  numbers(sep: string, base: 10 | 16, count: number): number[] | undefined {
    const out: number[] = [];
    for (;;) {
      if (out.length > 0) {
        if (!this.at(sep)) {
          if (count === 0) return out;
          const t = this.at("{") || this.at("}") ? this.peek() : this.next();
          this.warn("too few numbers.", t);
          if (!(t.kind === "punct" && t.text === ";")) this.skipToSemi();
          return undefined;
        }
        this.next();
      }
      const t = this.next();
      if (t.kind === "eof") {
        this.warn("unexpected end of file", t);
        return out;
      }
      if (t.kind !== "number" && !(base === 16 && t.kind === "number-or-name")) {
        this.warn("expecting numeric value.", t);
        this.skipToSemi();
        return undefined;
      }
      const n = parseInt(t.text, base);
      if (Number.isNaN(n) || !new RegExp(base === 16 ? "^[0-9a-fA-F]+$" : "^[0-9]+$").test(t.text)) this.warn(`Bogus number: ${t.text}.`, t);
      else if (n > 255) this.warn(`${base === 16 ? n.toString(16) : n} exceeds max (255) for precision.`, t);
      out.push(n);
      if (out.length === count) return out;
    }
  }

  /** An IPv4 address as four dotted numbers. */
  address(): string | undefined {
    return this.numbers(".", 10, 4)?.join(".");
  }

  /** parse_host_name: identifiers (or numbers) joined by dots. */
  hostName(): string | undefined {
    const parts: string[] = [];
    for (;;) {
      const t = this.peek();
      if (!isIdentifier(t) && t.kind !== "number") break;
      parts.push(this.next().text);
      if (!this.at(".")) break;
      this.next();
    }
    return parts.length === 0 ? undefined : parts.join(".");
  }

  /** parse_ip_addr_or_hostname. */
  addressOrName(): string | undefined {
    const t = this.peek();
    const after = this.tokens[this.pos + 1];
    if (t.kind === "number" && after?.kind === "punct" && after.text === ".") {
      const next2 = this.tokens[this.pos + 2];
      if (next2?.kind === "number") return this.address();
    }
    if (isIdentifier(t) || t.kind === "number") return this.hostName();
    const bad = this.at("{") || this.at("}") ? t : this.next();
    this.warn(`${bad.text}: expecting IP address or hostname`, bad);
    if (!(bad.kind === "punct" && bad.text === ";")) this.skipToSemi();
    return undefined;
  }
}
