// The values of dhcpd.conf options and server parameters, by the format letter of their definition
// (ISC DHCP 4.1.1 common/parse.c parse_option_token): addresses or host names (`I`, lists `IA`,
// pairs `IIA`), numbers (`L`/`l`/`T` 32-bit, `T` also `infinite`, `S`/`s` 16-bit, `B`/`b` 8-bit:
// "expecting number.", "N exceeds max (M) for precision."), booleans (`f`: "expecting boolean."),
// text (`t`: "expecting string."), enumerations (`N`: "unknown value"); other formats are taken as
// the words up to the `;`.

import { isIdentifier, type Token } from "./dhcpd-lexer.ts";
import { BOOLEANS, ENUMERATIONS } from "./dhcpd-names.ts";
import type { TokenStream } from "./dhcpd-parser.ts";

/** A value as written, with its typed reading. */
export interface OptionValue {
  readonly text: string;
  readonly typed: { readonly addresses?: string[]; readonly number?: number };
}

/** An option's or parameter's value by its format (parse_option_token), not its `;`; undefined after a parse_warn. */
export function optionValue(s: TokenStream, name: string, format: string): OptionValue | undefined {
  const base = format.replace(/A$/, "");
  if (base === "I" || base === "II") {
    const addresses: string[] = [];
    do {
      if (addresses.length > 0) s.next();
      for (let k = 0; k < base.length; k++) {
        const a = s.addressOrName();
        if (a === undefined) return undefined;
        addresses.push(a);
      }
    } while (format.endsWith("A") && s.at(","));
    return { text: addresses.join(", "), typed: { addresses } };
  }
  if ("LlTSsBb".includes(base) && base.length === 1) return numberValue(s, base);
  const t = s.peek();
  if (base === "f") {
    if (!isIdentifier(t)) return bad(s, "expecting identifier.", t);
    if (!BOOLEANS.includes(t.text.toLowerCase())) return bad(s, "expecting boolean.", s.next());
    return { text: s.next().text, typed: {} };
  }
  if (base === "t") {
    if (t.kind !== "string" && !isIdentifier(t)) return bad(s, "expecting string.", t);
    return { text: s.next().text, typed: {} };
  }
  if (base === "N") {
    if (!isIdentifier(t)) return bad(s, "identifier expected", t);
    if (!(ENUMERATIONS[name] ?? []).includes(t.text.toLowerCase())) return bad(s, "unknown value", s.next());
    return { text: s.next().text, typed: {} };
  }
  const words: string[] = [];
  while (!s.at(";") && !s.at("{") && !s.at("}") && s.peek().kind !== "eof") words.push(s.next().text);
  return { text: words.join(" "), typed: {} };
}

function numberValue(s: TokenStream, format: string): OptionValue | undefined {
  const t = s.next();
  if (format === "T" && isIdentifier(t) && t.text.toLowerCase() === "infinite") return { text: t.text, typed: { number: 0xffffffff } };
  if (t.kind !== "number" && t.kind !== "number-or-name") return bad(s, "expecting number.", t, true);
  const n = /^-?0[xX]/.test(t.text) ? parseInt(t.text, 16) : /^-?0[0-7]+$/.test(t.text) ? parseInt(t.text, 8) : Number(t.text);
  const max = "Bb".includes(format) ? 255 : "Ss".includes(format) ? 65535 : 0xffffffff;
  if (Number.isNaN(n)) s.warn(`Bogus number: ${t.text}.`, t);
  else if (Math.abs(n) > max) s.warn(`${t.text} exceeds max (${max}) for precision.`, t);
  return { text: t.text, typed: { number: n } };
}

function bad(s: TokenStream, message: string, t: Token, consumed = false): undefined {
  s.warn(message, t);
  if (!(t.kind === "punct" && t.text === ";") || !consumed) s.skipToSemi();
  return undefined;
}
