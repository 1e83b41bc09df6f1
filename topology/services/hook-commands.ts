// The commands that the `pre-up`, `up` and `post-up` lines of /etc/network/interfaces run while
// `ifup -a` brings the boot interfaces up (ifupdown runs each line with `/bin/sh -c`), read
// without running anything: each line is split the way dash splits a command list — `'…'` and
// `"…"` quoting, backslash escapes, `;`, `&&`, `||`, `|` and `&` between simple commands, `#` at a
// word start opening a comment, `N>FILE` redirections — and every word keeps the place it was
// written, so a finding can point at the `-o eth1` of a MASQUERADE rule. `$VAR` and command
// substitutions stay as written: only a shell could expand them.
//
// Order is ifup's: interfaces in the order `auto` lists them (then `allow-hotplug` cards udev
// announces), each stanza's `pre-up` lines before its `up`/`post-up` lines, in file order.

import type { Span } from "../diagnostic.ts";
import type { Hardware, NetworkFile } from "../host-config.ts";
import type { IfaceStanza } from "../interfaces/index.ts";
import type { HookOrigin } from "./types.ts";

/** A word of a hook command and where it was written. */
export interface HookWord {
  readonly text: string;
  readonly span: Span;
}

/** One simple command of a hook line. */
export interface HookCommand {
  readonly hook: HookOrigin;
  /** argv: words[0] is the program as written (`/sbin/iptables`). */
  readonly words: readonly HookWord[];
  /** The file standard output is sent to (`> FILE`), when there is one. */
  readonly redirect?: HookWord;
  /** The option line. */
  readonly span: Span;
}

interface RawWord {
  text: string;
  offset: number;
}

interface RawCommand {
  words: RawWord[];
  redirect?: RawWord;
}

/** The program name of a command (`/usr/sbin/iptables` → `iptables`). */
export function programOf(command: HookCommand): string {
  const first = command.words[0]?.text ?? "";
  return first.slice(first.lastIndexOf("/") + 1);
}

/** Splits one hook line into simple commands (see the file header). */
export function splitCommands(line: string): RawCommand[] {
  return new CommandLexer(line).run();
}

/** The state of one split; lives for one call of splitCommands. */
class CommandLexer {
  private readonly out: RawCommand[] = [];
  private cmd: RawCommand = { words: [] };
  private word: RawWord | null = null;
  /** Set after `>`/`<`: the next word is a redirection target (for this fd; -1: not standard output). */
  private redirectFd: number | null = null;

  constructor(private readonly line: string) {}

  run(): RawCommand[] {
    const line = this.line;
    for (let i = 0; i < line.length; i++) {
      const ch = line.charAt(i);
      if (ch === "'" || ch === '"') {
        const close = line.indexOf(ch, i + 1);
        if (close < 0) break;
        const inner = line.slice(i + 1, close);
        this.add(ch === '"' ? inner.replace(/\\([\\"$`])/g, "$1") : inner, i);
        i = close;
      } else if (ch === "\\") {
        this.add(line.charAt(i + 1), i);
        i++;
      } else if (ch === " " || ch === "\t" || ch === "\r" || ch === "\n") {
        this.endWord();
      } else if (ch === ">" || ch === "<") {
        i = this.redirection(ch, i);
      } else if (ch === ";" || ch === "&" || ch === "|" || ch === "(" || ch === ")") {
        this.endCommand();
        if ((ch === "&" || ch === "|") && line.charAt(i + 1) === ch) i++;
      } else if (ch === "#" && this.word === null) {
        break;
      } else {
        this.add(ch, i);
      }
    }
    this.endCommand();
    return this.out;
  }

  /** `N>`, `>>`, `>&N`, `<`: only a redirection of standard output to a file is kept. */
  private redirection(ch: string, i: number): number {
    const digits = this.word !== null && /^[0-9]+$/.test(this.word.text);
    const fd = digits ? Number(this.word?.text) : ch === ">" ? 1 : -1;
    if (digits) this.word = null;
    this.endWord();
    this.redirectFd = ch === "<" ? -1 : fd;
    let at = i;
    if (this.line.charAt(at + 1) === ">") at++;
    if (this.line.charAt(at + 1) === "&") {
      at++;
      this.redirectFd = -1;
    }
    return at;
  }

  private add(text: string, at: number): void {
    if (this.word === null) this.word = { text: "", offset: at };
    this.word.text += text;
  }

  private endWord(): void {
    const word = this.word;
    if (word === null) return;
    if (this.redirectFd !== null) {
      if (this.redirectFd === 1) this.cmd.redirect = word;
      this.redirectFd = null;
    } else this.cmd.words.push(word);
    this.word = null;
  }

  private endCommand(): void {
    this.endWord();
    if (this.cmd.words.length > 0) this.out.push(this.cmd);
    this.cmd = { words: [] };
  }
}

/** Maps an offset in an option value to a span, clamped to the value's first physical line. */
function spanIn(valueSpan: Span, lineText: string, offset: number): Span {
  const column = Math.min(valueSpan.column + offset, lineText.length + 1);
  return { file: valueSpan.file, line: valueSpan.line, column: Math.max(1, column) };
}

/** The interfaces ifup brings up at boot, in order: `auto`, then `allow-hotplug` cards udev announces. */
function bootOrder(network: NetworkFile, hardware: Hardware): string[] {
  if (network.rejected) return [];
  const auto = network.classes.find((c) => c.name === "auto")?.entries.map((e) => e.value) ?? [];
  const hotplug = network.classes.find((c) => c.name === "hotplug")?.entries.map((e) => e.value) ?? [];
  const cards = hotplug.filter((n) => hardware.nics.some((c) => c.name === n) && !auto.includes(n));
  return [...new Set([...auto, ...cards])];
}

/** The hook commands `ifup -a` runs at boot, in the order it runs them. */
export function bootHookCommands(
  network: NetworkFile,
  stanzas: readonly IfaceStanza[],
  hardware: Hardware,
  lineText: (file: string, line: number) => string,
): HookCommand[] {
  const out: HookCommand[] = [];
  for (const name of bootOrder(network, hardware)) {
    for (const stanza of stanzas.filter((s) => s.name === name)) {
      const hooks = stanza.options.filter((o) => o.name === "pre-up");
      hooks.push(...stanza.options.filter((o) => o.name === "up" || o.name === "post-up"));
      for (const o of hooks) {
        const text = lineText(o.valueSpan.file, o.valueSpan.line);
        for (const raw of splitCommands(o.value)) {
          const located = (w: RawWord): HookWord => ({ text: w.text, span: spanIn(o.valueSpan, text, w.offset) });
          const hook = { iface: stanza.name, option: o.name };
          const words = raw.words.map(located);
          out.push(raw.redirect === undefined ? { hook, words, span: o.span } : { hook, words, redirect: located(raw.redirect), span: o.span });
        }
      }
    }
  }
  return out;
}
