// The bits of text ping and traceroute share with iputils and traceroute 2.0: how iputils prints a
// round-trip time (ping_common.c gather_statistics: three significant decimals, fewer as it grows)
// and how it names an ICMP error (ping.c pr_icmph); traceroute's `!H`-style annotations
// (traceroute.c parse_icmp_res).

/** ` time=…` of iputils: `0.123 ms`, `12.3 ms`, `1.23 ms`, `123 ms`. */
export function timeText(us: number): string {
  if (us >= 100_000) return `${Math.floor(us / 1000)} ms`;
  if (us >= 10_000) return `${Math.floor(us / 1000)}.${Math.floor((us % 1000) / 100)} ms`;
  if (us >= 1000) return `${Math.floor(us / 1000)}.${String(Math.floor((us % 1000) / 10)).padStart(2, "0")} ms`;
  return `${Math.floor(us / 1000)}.${String(us % 1000).padStart(3, "0")} ms`;
}

const UNREACH: readonly string[] = [
  "Destination Net Unreachable",
  "Destination Host Unreachable",
  "Destination Protocol Unreachable",
  "Destination Port Unreachable",
  "", // fragmentation needed: with the MTU
  "Source Route Failed",
  "Destination Net Unknown",
  "Destination Host Unknown",
  "Source Host Isolated",
  "Destination Net Prohibited",
  "Destination Host Prohibited",
  "Destination Net Unreachable for Type of Service",
  "Destination Host Unreachable for Type of Service",
  "Packet filtered",
  "Precedence Violation",
  "Precedence Cutoff",
];

/** pr_icmph's description of an ICMP error (`info` is the next-hop MTU or the redirect gateway). */
export function icmpErrorText(type: number, code: number, info: number): string {
  switch (type) {
    case 3:
      if (code === 4) return `Frag needed and DF set (mtu = ${info})`;
      return UNREACH[code] ?? `Dest Unreachable, Bad Code: ${code}`;
    case 4:
      return "Source Quench";
    case 11:
      return code === 0 ? "Time to live exceeded" : code === 1 ? "Frag reassembly time exceeded" : `Time exceeded, Bad Code: ${code}`;
    case 12:
      return `Parameter problem: pointer = ${info >>> 24}`;
    default:
      return `Bad ICMP type: ${type}`;
  }
}

/** traceroute's annotation of a destination-unreachable code; "" when the destination answered (port unreachable). */
export function unreachMark(code: number, info: number): string {
  switch (code) {
    case 0:
    case 6:
    case 8:
    case 11:
      return "!N";
    case 1:
    case 7:
    case 12:
      return "!H";
    case 9:
    case 10:
    case 13:
      return "!X";
    case 3:
      return "";
    case 2:
      return "!P";
    case 4:
      return `!F-${info}`;
    case 5:
      return "!S";
    case 14:
      return "!V";
    case 15:
      return "!C";
    default:
      return `!<${code}>`;
  }
}
