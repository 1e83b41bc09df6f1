// `ping` and `traceroute` in the dom0 shell (and in a guest, through `on DOMAIN`): the argument
// parsing of iputils-ping and traceroute 2.0, over the netsim applications that print their
// output. Each runs in simulated time until it exits. A `ping` without `-c` runs until Ctrl-C, so
// an unattended shell presses it after PING_UNATTENDED_S seconds, as a person reading the replies
// would.
import { SECOND, type Sim } from "../../netsim/engine/sim.ts";
import type { Ipv4Stack } from "../../netsim/l3/index.ts";
import { Ping, Traceroute, type PingOptions, type TracerouteOptions } from "../../netsim/apps/index.ts";
import type { Ipv4 } from "../../netsim/wire/address.ts";
import type { CommandIo } from "./dom0-shell.ts";

/** Seconds an unattended `ping` (no -c) runs before the shell presses Ctrl-C. */
export const PING_UNATTENDED_S = 4;
/** The longest any one command may run, in simulated seconds. */
const COMMAND_LIMIT_S = 600;

/** Where a network command runs. */
export interface NetTarget {
  readonly sim: Sim;
  readonly stack: Ipv4Stack;
  resolve(name: string): Ipv4 | undefined;
}

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly usage: string };

const PING_USAGE = "Usage: ping [-LRUbdfnqrvVaA] [-c count] [-i interval] [-w deadline]\n            [-p pattern] [-s packetsize] [-t ttl] [-I interface or address]\n            [-M mtu discovery hint] [-S sndbuf]\n            [ -T timestamp option ] [ -Q tos ] [hop1 ...] destination\n";
const TRACEROUTE_USAGE = "Usage: traceroute [ -46dFITnreAUV ] [ -f first_ttl ] [ -g gate,... ] [ -i device ] [ -m max_ttl ] [ -N squeries ] [ -p port ] [ -t tos ] [ -l flow_label ] [ -w waittime ] [ -q nqueries ] [ -s src_addr ] [ -z sendwait ] host [ packetlen ]\n";

/** `ping ARGS`. */
export function ping(t: NetTarget, args: readonly string[], io: CommandIo): number {
  const parsed = parsePing(args);
  if (!parsed.ok) return io.err(parsed.usage), 2;
  const { host, options } = parsed.value;
  const dst = t.resolve(host);
  if (dst === undefined) return io.err(`ping: unknown host ${host}\n`), 2;
  const p = new Ping(t.stack, { ...options, dst, host });
  let finished = false;
  p.start(() => (finished = true));
  const deadline = t.sim.now + (options.count === undefined ? PING_UNATTENDED_S : COMMAND_LIMIT_S) * SECOND;
  while (!finished && t.sim.now < deadline) t.sim.runFor(SECOND / 10);
  if (!finished) {
    p.lines.push("^C");
    p.interrupt();
  }
  io.out(p.text());
  return p.exitCode ?? 1;
}

function parsePing(args: readonly string[]): Parsed<{ host: string; options: Omit<PingOptions, "dst" | "host"> }> {
  const options: { -readonly [K in keyof PingOptions]?: PingOptions[K] } = {};
  let host: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): number | undefined => (i + 1 < args.length ? Number(args[++i]) : undefined);
    if (a === "-c") options.count = value();
    else if (a === "-i") options.interval = value();
    else if (a === "-W") options.linger = value();
    else if (a === "-t") options.ttl = value();
    else if (a === "-s") options.size = value();
    else if (a === "-I") options.dev = args[++i];
    else if (a === "-n" || a === "-q") continue;
    else if (a.startsWith("-") || host !== undefined) return { ok: false, usage: PING_USAGE };
    else host = a;
  }
  const numbers = [options.count, options.interval, options.linger, options.ttl, options.size];
  if (host === undefined || numbers.some((n) => n !== undefined && !(n >= 0))) return { ok: false, usage: PING_USAGE };
  return { ok: true, value: { host, options } };
}

/** `traceroute ARGS`. */
export function traceroute(t: NetTarget, args: readonly string[], io: CommandIo): number {
  const parsed = parseTraceroute(args);
  if (!parsed.ok) return io.err(parsed.usage), 2;
  const { host, options } = parsed.value;
  const dst = t.resolve(host);
  if (dst === undefined) return io.err(`${host}: Name or service not known\nCannot handle "host" cmdline arg \`${host}' on position 1 (argc 1)\n`), 2;
  const tr = new Traceroute(t.stack, { ...options, dst, host });
  let finished = false;
  tr.start(() => (finished = true));
  const deadline = t.sim.now + COMMAND_LIMIT_S * SECOND;
  while (!finished && t.sim.now < deadline) t.sim.runFor(SECOND / 10);
  io.out(tr.text());
  return tr.exitCode ?? 1;
}

function parseTraceroute(args: readonly string[]): Parsed<{ host: string; options: Omit<TracerouteOptions, "dst" | "host"> }> {
  const options: { -readonly [K in keyof TracerouteOptions]?: TracerouteOptions[K] } = {};
  let host: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): number | undefined => (i + 1 < args.length ? Number(args[++i]) : undefined);
    if (a === "-I") options.icmp = true;
    else if (a === "-n") options.numeric = true;
    else if (a === "-m") options.maxHops = value();
    else if (a === "-f") options.firstHop = value();
    else if (a === "-q") options.queries = value();
    else if (a === "-w") options.wait = value();
    else if (a === "-N") options.simProbes = value();
    else if (a === "-p") options.port = value();
    else if (a === "-i") options.dev = args[++i];
    else if (a.startsWith("-") || host !== undefined) return { ok: false, usage: TRACEROUTE_USAGE };
    else host = a;
  }
  const numbers = [options.maxHops, options.firstHop, options.queries, options.wait, options.simProbes, options.port];
  if (host === undefined || numbers.some((n) => n !== undefined && !(n >= 0))) return { ok: false, usage: TRACEROUTE_USAGE };
  return { ok: true, value: { host, options } };
}
