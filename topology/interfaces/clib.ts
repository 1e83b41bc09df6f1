// The few C library routines whose exact behaviour shows in ifupdown 0.8.41's results: isspace(3)
// in the C locale, strtok(3), inet_pton(3) for AF_INET, sscanf(3) "%d", and the fixed-size buffers
// (strncpy into char[N]) that silently truncate words and addresses. ifupdown works on bytes, so
// truncation here counts UTF-8 bytes, not UTF-16 code units.

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

/** isspace(3) in the C locale: space, \t, \n, \v, \f, \r. */
export function isCSpace(ch: string | undefined): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\v" || ch === "\f" || ch === "\r";
}

/** The first `max` bytes of `s` as UTF-8 (a cut multi-byte character becomes U+FFFD, as a reader of the C output would see it). */
export function truncateBytes(s: string, max: number): string {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c < 0xdc00 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    const n = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + n > max) return n === 1 ? s.slice(0, i) : decoder.decode(encoder.encode(s).subarray(0, max));
    bytes += n;
    if (pair) i++;
  }
  return s;
}

/** strtok(3) over the whole string: the non-empty runs between delimiter characters. */
export function strtokAll(s: string, delims: string): string[] {
  const tokens: string[] = [];
  let start = -1;
  for (let i = 0; i <= s.length; i++) {
    const isDelim = i === s.length || delims.includes(s.charAt(i));
    if (isDelim && start >= 0) {
      tokens.push(s.slice(start, i));
      start = -1;
    } else if (!isDelim && start < 0) {
      start = i;
    }
  }
  return tokens;
}

/** inet_pton(AF_INET, s): exactly four decimal octets 0-255, no leading zeros, nothing else; the address as an unsigned 32-bit number. */
export function inetPton4(s: string): number | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (part.length === 0 || part.length > 3) return undefined;
    if (part.length > 1 && part.charAt(0) === "0") return undefined;
    let octet = 0;
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return undefined;
      octet = octet * 10 + c;
    }
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** inet_ntop(AF_INET): dotted quad of an unsigned 32-bit number. */
export function inetNtop4(value: number): string {
  const v = value >>> 0;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

/**
 * sscanf(s, "%d", &int): skips blanks, reads an optional sign and decimal digits. glibc converts
 * through strtol (clamped to the 64-bit long range) and then stores the low 32 bits, so huge
 * numbers wrap the way they do on a real amd64 host.
 */
export function scanInt(s: string): number | undefined {
  let i = 0;
  while (i < s.length && isCSpace(s.charAt(i))) i++;
  let negative = false;
  if (s.charAt(i) === "+" || s.charAt(i) === "-") {
    negative = s.charAt(i) === "-";
    i++;
  }
  const start = i;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i === start) return undefined;
  let value = BigInt(s.slice(start, i));
  if (negative) value = -value;
  if (value > LONG_MAX) value = LONG_MAX;
  if (value < LONG_MIN) value = LONG_MIN;
  return Number(BigInt.asIntN(32, value));
}

/**
 * sscanf(s, "%3hhu.%3hhu.%3hhu.%3hhu"): four unsigned numbers of at most three characters each
 * (sign included), reduced modulo 256, separated by literal dots; the four bytes, or undefined
 * unless all four were converted.
 */
export function scanQuad(s: string): [number, number, number, number] | undefined {
  const out: number[] = [];
  let i = 0;
  for (let n = 0; n < 4; n++) {
    if (n > 0) {
      if (s.charAt(i) !== ".") return undefined;
      i++;
    }
    while (i < s.length && isCSpace(s.charAt(i))) i++;
    let width = 3;
    let negative = false;
    if (s.charAt(i) === "+" || s.charAt(i) === "-") {
      negative = s.charAt(i) === "-";
      i++;
      width--;
    }
    const start = i;
    while (width > 0 && i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
      i++;
      width--;
    }
    if (i === start) return undefined;
    const v = Number(s.slice(start, i));
    out.push((((negative ? -v : v) % 256) + 256) % 256);
  }
  return [out[0] ?? 0, out[1] ?? 0, out[2] ?? 0, out[3] ?? 0];
}
