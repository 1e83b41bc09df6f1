// The `conntrack` command of conntrack-tools 0.9.14 (Debian Squeeze) over the simulated table:
// -L/--dump with the usual filters, -D/--delete and -F/--flush. Entries print as libnetfilter_conntrack's
// default snprintf does (protocol name padded to 8, number, seconds left, TCP state, the original
// tuple, [UNREPLIED], the reply tuple, [ASSURED], mark, use), and the count goes to stderr.
import { ipv4ToString } from "../../wire/address.ts";
import { IpProtocol } from "../../wire/ipv4.ts";
import { Status, type Conn } from "./conn.ts";
import type { ConnTrack } from "./conntrack.ts";
import { TCP_STATE_NAMES } from "./tcp-tracker.ts";
import { hasPorts, icmpTupleType, type Tuple } from "./tuple.ts";
import { numericToIpaddr, parseProtocol, strtoui } from "./xt-parse.ts";

const PREFIX = "conntrack v0.9.14 (conntrack-tools): ";
const PROTO_NAMES: Readonly<Record<number, string>> = { 1: "icmp", 6: "tcp", 17: "udp", 33: "dccp", 47: "gre", 58: "icmpv6", 132: "sctp", 136: "udplite" };

/** What the command printed and its exit status. */
export interface ToolResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

function tupleText(t: Tuple): string {
  let out = `src=${ipv4ToString(t.src)} dst=${ipv4ToString(t.dst)} `;
  if (hasPorts(t.proto)) out += `sport=${t.sport} dport=${t.dport} `;
  else if (t.proto === IpProtocol.Icmp) out += `type=${icmpTupleType(t)} code=${t.dport & 0xff} id=${t.sport} `;
  return out;
}

/** One entry as `conntrack -L` prints it (no trailing space). */
export function conntrackLine(conn: Conn, secondsLeft: number): string {
  const proto = conn.original.proto;
  let out = `${(PROTO_NAMES[proto] ?? "unknown").padEnd(8)} ${proto} ${secondsLeft} `;
  if (conn.tcp !== undefined) out += `${TCP_STATE_NAMES[conn.tcp.state] ?? "NONE"} `;
  out += tupleText(conn.original);
  if (!conn.has(Status.SeenReply)) out += "[UNREPLIED] ";
  out += tupleText(conn.reply);
  if (conn.has(Status.Assured)) out += "[ASSURED] ";
  return `${out}mark=0 use=1`;
}

/** The filters -L and -D understand. */
interface Filter {
  proto?: number;
  origSrc?: number;
  origDst?: number;
  replySrc?: number;
  replyDst?: number;
  sport?: number;
  dport?: number;
}

function matches(conn: Conn, f: Filter): boolean {
  const o = conn.original;
  const r = conn.reply;
  return (
    (f.proto === undefined || o.proto === f.proto) &&
    (f.origSrc === undefined || o.src === f.origSrc) &&
    (f.origDst === undefined || o.dst === f.origDst) &&
    (f.replySrc === undefined || r.src === f.replySrc) &&
    (f.replyDst === undefined || r.dst === f.replyDst) &&
    (f.sport === undefined || (hasPorts(o.proto) && o.sport === f.sport)) &&
    (f.dport === undefined || (hasPorts(o.proto) && o.dport === f.dport))
  );
}

function problem(message: string): ToolResult {
  return { stdout: "", stderr: `${PREFIX}${message}\nTry \`conntrack -h' or 'conntrack --help' for more information.\n`, exitCode: 2 };
}

const ADDRESS_OPTIONS: Readonly<Record<string, keyof Filter>> = {
  "-s": "origSrc", "--orig-src": "origSrc", "--src": "origSrc", "-d": "origDst", "--orig-dst": "origDst", "--dst": "origDst",
  "-r": "replySrc", "--reply-src": "replySrc", "-q": "replyDst", "--reply-dst": "replyDst",
};
const PORT_OPTIONS: Readonly<Record<string, keyof Filter>> = { "--sport": "sport", "--orig-port-src": "sport", "--dport": "dport", "--orig-port-dst": "dport" };

/** Parses the filter options; a ToolResult on error. */
function parseFilter(args: readonly string[]): Filter | ToolResult {
  const f: Filter = {};
  for (let i = 0; i < args.length; i++) {
    const opt = args[i]!;
    const value = args[i + 1];
    if (opt === "conntrack" && i === 0) continue;
    if (value === undefined) return problem(`option \`${opt}' requires an argument`);
    i++;
    if (opt === "-p" || opt === "--proto") {
      const p = parseProtocol(value.toLowerCase());
      if (!p.ok) return problem(`unknown protocol \`${value}'`);
      f.proto = p.value;
    } else if (opt in ADDRESS_OPTIONS) {
      const ip = numericToIpaddr(value);
      if (ip === undefined) return problem(`Bad parameter \`${value}'`);
      f[ADDRESS_OPTIONS[opt]!] = ip;
    } else if (opt in PORT_OPTIONS) {
      const port = strtoui(value, 0, 65535);
      if (port === undefined) return problem(`Bad parameter \`${value}'`);
      f[PORT_OPTIONS[opt]!] = port;
    } else return problem(`unknown option \`${opt}'`);
  }
  return f;
}

/** Runs `conntrack ARGS` against a table. */
export function runConntrack(ct: ConnTrack, argv: readonly string[]): ToolResult {
  const [command, ...rest] = argv;
  switch (command) {
    case "-L":
    case "--dump": {
      const f = parseFilter(rest);
      if ("exitCode" in f) return f;
      const shown = ct.list().filter((c) => matches(c, f));
      const stdout = shown.map((c) => `${conntrackLine(c, ct.secondsLeft(c))}\n`).join("");
      return { stdout, stderr: `${PREFIX}${shown.length} flow entries have been shown.\n`, exitCode: 0 };
    }
    case "-D":
    case "--delete": {
      const f = parseFilter(rest);
      if ("exitCode" in f) return f;
      const n = ct.destroyWhere((c) => matches(c, f), "delete");
      return { stdout: "", stderr: `${PREFIX}${n} flow entries have been deleted.\n`, exitCode: n > 0 ? 0 : 1 };
    }
    case "-F":
    case "--flush":
      ct.destroyWhere(() => true, "flush");
      return { stdout: "", stderr: `${PREFIX}connection tracking table has been emptied.\n`, exitCode: 0 };
    case undefined:
      return problem("no command specified");
    default:
      return problem(`unknown option \`${command}'`);
  }
}
