// inet_aton(3) and inet_addr(3) as glibc implements them: the address parsers dnsmasq 2.55 uses for
// every dotted address in its configuration (option.c calls inet_addr). Unlike inet_pton they take
// one to four parts, each decimal, octal (leading 0) or hex (0x), the last part filling the
// remaining bytes (`10.1` is 10.0.0.1), and allow trailing white space. inet_addr also refuses
// 255.255.255.255, because its error value INADDR_NONE is that very address.

/** strtoul(3) with base 0 over the start of `s`: the value and how many characters it used (0 = none). */
function strtoulBase0(s: string): { value: number; used: number } {
  let i = 0;
  let base = 10;
  if (s.startsWith("0x") || s.startsWith("0X")) {
    if (/^0[xX][0-9a-fA-F]/.test(s)) {
      base = 16;
      i = 2;
    } else return { value: 0, used: 1 };
  } else if (s.startsWith("0")) base = 8;
  let value = 0;
  const start = i;
  for (; i < s.length; i++) {
    const d = parseInt(s.charAt(i), base);
    if (Number.isNaN(d)) break;
    value = Math.min(value * base + d, 2 ** 33);
  }
  return { value, used: i > start || base === 8 ? i : 0 };
}

/** inet_aton: the address as an unsigned 32-bit number, or undefined. */
export function inetAton(text: string): number | undefined {
  const parts: number[] = [];
  let rest = text;
  for (;;) {
    if (!/^[0-9]/.test(rest)) return undefined;
    const { value, used } = strtoulBase0(rest);
    if (used === 0) return undefined;
    parts.push(value);
    rest = rest.slice(used);
    if (rest.startsWith(".") && parts.length < 4) {
      rest = rest.slice(1);
      continue;
    }
    break;
  }
  if (rest !== "" && !/^[ \t\n\v\f\r]/.test(rest)) return undefined;
  const last = parts[parts.length - 1] ?? 0;
  const head = parts.slice(0, -1);
  if (head.some((p) => p > 255)) return undefined;
  const lastBits = 8 * (4 - head.length);
  if (last >= 2 ** lastBits) return undefined;
  let value = 0;
  head.forEach((p, i) => {
    value += p * 2 ** (24 - 8 * i);
  });
  return value + last;
}

/** inet_addr: inet_aton, except that 255.255.255.255 reads as the error it cannot be told from. */
export function inetAddr(text: string): number | undefined {
  const value = inetAton(text);
  return value === 0xffffffff ? undefined : value;
}
