// /etc/default/xendomains: a shell fragment the xendomains init script sources (domains.md §5).
// It is read, never run: each `NAME=value` line (optionally after `export`) is split the way sh
// would split a plain assignment — single quotes literal, double quotes with backslash escapes,
// an unquoted word ending at a blank, `#` after a blank starting a comment. `$VAR` and command
// substitutions are kept as written and reported, since only a shell could expand them. The
// script tests booleans with `[ "$XENDOMAINS_RESTORE" = "true" ]`, so only the word `true` is true.

import { diagnostic, type Diagnostic, type Span } from "../diagnostic.ts";
import type { Setting, XendomainsSettings } from "../host-config.ts";
import { readHostFile, type HostFiles } from "./files.ts";

/** Where Debian keeps the xendomains settings. */
export const XENDOMAINS = "/etc/default/xendomains";

interface Assignment {
  readonly name: string;
  readonly value: string;
  readonly span: Span;
}

/** Reads /etc/default/xendomains (absent: every default). */
export function readXendomains(host: HostFiles): XendomainsSettings {
  const text = readHostFile(host, XENDOMAINS, "the xendomains init script fails to source it and starts no domain at boot");
  const vars = new Map<string, Assignment>();
  (text ?? "").split("\n").forEach((line, i) => {
    const a = assignment(line, i + 1, host.diagnostics);
    if (a !== undefined) vars.set(a.name, a);
  });
  const str = (name: string, fallback: string): Setting<string> => {
    const a = vars.get(name);
    return a === undefined ? { value: fallback } : { value: a.value, text: a.value, span: a.span };
  };
  const bool = (name: string, fallback: boolean): Setting<boolean> => {
    const a = vars.get(name);
    return a === undefined ? { value: fallback } : { value: a.value === "true", text: a.value, span: a.span };
  };
  const int = (name: string, fallback: number): Setting<number> => {
    const a = vars.get(name);
    return a === undefined ? { value: fallback } : { value: /^[0-9]+$/.test(a.value) ? Number(a.value) : fallback, text: a.value, span: a.span };
  };
  return {
    file: XENDOMAINS, present: text !== undefined,
    save: str("XENDOMAINS_SAVE", "/var/lib/xen/save"), restore: bool("XENDOMAINS_RESTORE", true), auto: str("XENDOMAINS_AUTO", "/etc/xen/auto"),
    stopMaxwait: int("XENDOMAINS_STOP_MAXWAIT", 300), migrate: str("XENDOMAINS_MIGRATE", ""), shutdown: str("XENDOMAINS_SHUTDOWN", "--halt --wait"),
    shutdownAll: str("XENDOMAINS_SHUTDOWN_ALL", "--all --halt --wait"), sysrq: str("XENDOMAINS_SYSRQ", ""),
    autoOnly: bool("XENDOMAINS_AUTO_ONLY", false), createUsleep: int("XENDOMAINS_CREATE_USLEEP", 5_000_000),
  };
}

/** One `[export] NAME=value` line, or undefined (with a note for lines that are not blank or comments). */
function assignment(line: string, n: number, out: Diagnostic[]): Assignment | undefined {
  const m = /^([ \t]*)(export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=/.exec(line);
  if (m === null) {
    const start = /[^ \t\r]/.exec(line);
    if (start !== null && start[0] !== "#") {
      const span = { file: XENDOMAINS, line: n, column: start.index + 1 };
      out.push(diagnostic("xendomains/not-assignment", "info", "not a plain NAME=value line: the init script runs it as shell, xennet does not", span));
    }
    return undefined;
  }
  const start = m[0].length;
  const span = { file: XENDOMAINS, line: n, column: start + 1 };
  const value = shellWord(line.slice(start).replace(/\r$/, ""));
  if (value.expands) {
    out.push(diagnostic("xendomains/expansion", "info", `${m[3]}: \`$\` or \`\`\` expansions are not evaluated; the value is taken as written`, span, "write the value literally"));
  }
  if (value.unterminated) {
    out.push(diagnostic("xendomains/unterminated-quote", "error", `${m[3]}: unterminated quote: sourcing the file fails and xendomains stops`, span, "close the quote"));
  }
  return { name: m[3] ?? "", value: value.text, span };
}

/** The first shell word of `s`, unquoted. */
function shellWord(s: string): { text: string; expands: boolean; unterminated: boolean } {
  let text = "";
  let expands = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charAt(i);
    if (ch === " " || ch === "\t" || ch === ";") break;
    if (ch === "'") {
      const close = s.indexOf("'", i + 1);
      if (close < 0) return { text: text + s.slice(i + 1), expands, unterminated: true };
      text += s.slice(i + 1, close);
      i = close;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < s.length && s.charAt(j) !== '"'; j++) {
        const c = s.charAt(j);
        if (c === "\\" && '$`"\\'.includes(s.charAt(j + 1))) text += s.charAt(++j);
        else {
          if (c === "$" || c === "`") expands = true;
          text += c;
        }
      }
      if (j >= s.length) return { text, expands, unterminated: true };
      i = j;
    } else if (ch === "\\" && i + 1 < s.length) {
      text += s.charAt(++i);
    } else {
      if (ch === "$" || ch === "`") expands = true;
      text += ch;
    }
  }
  return { text, expands, unterminated: false };
}
