// The stanza-level lines of read_interfaces_defn() in ifupdown 0.8.41's config.c: `iface` lines
// (NAME FAMILY METHOD, `inherits`, the extra-word warning), option lines inside an iface or mapping
// stanza, and the fatal errors each can raise. The keyword dispatch and file reading live in
// parser.ts; this file only turns one logical line into stanza data or a fatal error.

import { truncateBytes } from "./clib.ts";
import { nextWord, type LogicalLine, type Word } from "./lexer.ts";
import { FAMILIES, familyOf, methodOf } from "./methods.ts";
import type { Family, IfaceOption, MappingStanza } from "./types.ts";
import type { Span } from "../diagnostic.ts";

/** ifupdown copies every word into a char[80]: longer words are cut to 79 bytes. */
export const WORD_MAX = 79;

/** A stanza while it is being read; frozen into an IfaceStanza at the end. */
export interface StanzaDraft {
  readonly name: string;
  readonly family: Family;
  readonly method: string;
  readonly inherits?: string;
  readonly options: IfaceOption[];
  readonly span: Span;
}

/** A mapping stanza while it is being read. */
export interface MappingDraft {
  readonly patterns: string[];
  script?: string;
  readonly maps: string[];
  readonly span: Span;
}

/** A fatal error: ifupdown's own message, our code and a hint. */
export interface Fatal {
  readonly code: string;
  readonly message: string;
  readonly hint: string;
}

/** Every word of `text` from offset `from`, each cut to 79 bytes as next_word() does. */
export function wordsFrom(text: string, from: number): Word[] {
  const out: Word[] = [];
  for (let w = nextWord(text, from); w !== undefined; w = nextWord(text, w.restStart)) {
    out.push({ ...w, text: truncateBytes(w.text, WORD_MAX) });
  }
  return out;
}

/** The first word of a line (cut to 79 bytes), or undefined for an empty line. */
export function firstWord(text: string): Word | undefined {
  const w = nextWord(text, 0);
  return w === undefined ? undefined : { ...w, text: truncateBytes(w.text, WORD_MAX) };
}

/** The environment-style key of an option name (setlocalenv() in execute.c, lower-cased). */
export function optionKey(name: string): string {
  let key = "";
  for (const ch of name) {
    const c = ch === "-" ? "_" : ch.toLowerCase();
    if (/^[a-z0-9_]$/.test(c)) key += c;
  }
  return key;
}

/** What an `iface` line declares once its words are understood. */
export interface IfaceLine {
  readonly name: string;
  readonly family?: Family;
  readonly method?: string;
  /** The template named after `inherits`. */
  readonly parent?: string;
  /** The word ifupdown warns about and ignores. */
  readonly extra?: string;
  /** The family and method words as written (ifupdown checks them for `loopback`). */
  readonly familyWord?: string;
  readonly methodWord?: string;
}

/** Parses the words after `iface`, with ifupdown's order of checks and messages. */
export function parseIfaceLine(words: readonly Word[]): IfaceLine | Fatal {
  const [nameW, famW, methodW] = words;
  if (nameW === undefined) {
    return { code: "interfaces/iface-too-few-parameters", message: "too few parameters for iface line", hint: "write `iface NAME FAMILY METHOD`, e.g. `iface eth0 inet dhcp`" };
  }
  const family = famW === undefined ? undefined : familyOf(famW.text);
  let inherits = family === undefined && famW?.text === "inherits";
  let method: string | undefined;
  let next = 2;
  if (family !== undefined) {
    next = 3;
    if (methodW !== undefined && methodOf(family, methodW.text) !== undefined) method = methodW.text;
    else inherits = methodW?.text === "inherits";
  }
  if (family === undefined && !inherits) {
    return { code: "interfaces/unknown-family", message: "unknown or no address type and no inherits keyword specified", hint: "the word after the interface name must be inet, inet6, ipx, can or meta" };
  }
  if (family !== undefined && method === undefined && !inherits) {
    const known = Object.keys(FAMILIES[family]).join(", ");
    return { code: "interfaces/unknown-method", message: "unknown or no method and no inherits keyword specified", hint: `${family} methods are: ${known}` };
  }
  let extra: string | undefined;
  if (!inherits && words[next] !== undefined) {
    inherits = words[next]?.text === "inherits";
    if (!inherits) extra = words[next]?.text;
    next++;
  }
  const line = { name: nameW.text, family, method, extra, familyWord: famW?.text, methodWord: methodW?.text };
  if (!inherits) return line;
  const parent = words[next]?.text;
  if (parent === undefined) {
    return { code: "interfaces/inherits-missing-parameter", message: "'inherits' keyword is missing a parameter", hint: "name the stanza to copy options from: `inherits TEMPLATE`" };
  }
  return { ...line, parent };
}

/** The fatal error for an option line that belongs to no stanza. */
export const MISPLACED: Fatal = {
  code: "interfaces/misplaced-option",
  message: "misplaced option",
  hint: "options belong after an `iface` or `mapping` line; after `auto`, `allow-*`, `source*` or `no-*` lines, and for unknown keywords, ifupdown refuses them",
};

/** The fatal error for an option without a value. */
export const EMPTY_VALUE: Fatal = {
  code: "interfaces/empty-value",
  message: "option with empty value",
  hint: "give the option a value, or turn the line into a comment with `#` at its start",
};

/** One line inside a mapping stanza: `script PATH` (once) or `map ...`; anything else is misplaced. */
export function mappingLine(mapping: MappingDraft, keyword: string, rest: string): Fatal | undefined {
  if (keyword === "script") {
    if (mapping.script !== undefined) {
      return { code: "interfaces/duplicate-mapping-script", message: "duplicate script in mapping", hint: "a mapping stanza takes one `script` line" };
    }
    mapping.script = rest;
    return undefined;
  }
  if (keyword === "map") {
    mapping.maps.push(rest);
    return undefined;
  }
  return MISPLACED;
}

/** One option line of an iface stanza, with the spans of its name and value. */
export function optionOf(line: LogicalLine, first: Word, span: (offset: number) => Span): IfaceOption {
  return {
    name: first.text,
    value: line.text.slice(first.restStart),
    key: optionKey(first.text),
    span: span(first.start),
    valueSpan: span(first.restStart),
  };
}

/** Freezes a mapping draft. */
export function freezeMapping(m: MappingDraft): MappingStanza {
  return m.script === undefined
    ? { patterns: m.patterns, maps: m.maps, span: m.span }
    : { patterns: m.patterns, script: m.script, maps: m.maps, span: m.span };
}
