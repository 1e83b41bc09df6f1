// `udp-echo [-p SPORT] [-c COUNT] [-s SIZE] HOST [PORT]`: xennet's own UDP probe (like `on`, not a
// Debian tool), in the dom0 shell and inside a guest through `on`. It sends COUNT datagrams (default
// 3) of SIZE bytes (default 32: a 4-byte sequence number, then zeros) one second apart from source
// port SPORT (default: an ephemeral port) to HOST:PORT (default 7, the echo service), waits a second
// after the last, and reports which were echoed. A fixed source port is what makes NAT visible: two
// guests sending from the same port through dom0's MASQUERADE get different public ports.
// `xennet realize` runs the same probe for real (fidelity/realize/steps.ts) with python3, printing
// the same lines, so transcripts of both sides read alike.
import { SECOND } from "../../netsim/engine/sim.ts";
import { UdpEchoClient } from "../../netsim/apps/index.ts";
import { ipv4ToString } from "../../netsim/wire/address.ts";
import type { CommandIo } from "./dom0-shell.ts";
import type { NetTarget } from "./net-commands.ts";

const USAGE = "usage: udp-echo [-p SPORT] [-c COUNT] [-s SIZE] HOST [PORT]\n";

/** What `udp-echo` was asked to do. */
export interface UdpEchoRequest {
  readonly host: string;
  readonly port: number;
  readonly srcPort?: number;
  readonly count: number;
  readonly size: number;
}

/** Parses udp-echo's arguments; a string is the usage error. */
export function parseUdpEcho(args: readonly string[]): UdpEchoRequest | string {
  let srcPort: number | undefined;
  let count = 3;
  let size = 32;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = Number(args[i + 1]);
    if (a === "-p" || a === "-c" || a === "-s") {
      if (!Number.isInteger(value)) return USAGE;
      i++;
      if (a === "-p") srcPort = value;
      else if (a === "-c") count = value;
      else size = value;
    } else if (a.startsWith("-")) return USAGE;
    else rest.push(a);
  }
  const [host, portText] = rest;
  const port = portText === undefined ? 7 : Number(portText);
  const ports = [port, srcPort ?? 1];
  if (host === undefined || rest.length > 2 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) return USAGE;
  if (count < 1 || count > 100 || size < 4 || size > 1472) return USAGE;
  return { host, port, ...(srcPort === undefined ? {} : { srcPort }), count, size };
}

/** `udp-echo ARGS` on a node (see the file header). */
export function udpEcho(t: NetTarget, args: readonly string[], io: CommandIo): number {
  const req = parseUdpEcho(args);
  if (typeof req === "string") return io.err(req), 2;
  const dst = t.resolve(req.host);
  if (dst === undefined) return io.err(`udp-echo: unknown host ${req.host}\n`), 2;
  const client = new UdpEchoClient(t.stack, dst, req.port, { ...(req.srcPort === undefined ? {} : { srcPort: req.srcPort }), size: req.size });
  client.send(req.count, SECOND);
  t.sim.runFor(req.count * SECOND);
  io.out(`udp-echo: ${req.count} datagrams of ${req.size} bytes from port ${client.localPort} to ${ipv4ToString(dst)}:${req.port}\n`);
  let echoed = 0;
  for (const r of client.results) {
    const answered = r.repliedAt !== undefined;
    if (answered) echoed++;
    io.out(`seq ${r.seq}: ${r.error !== undefined ? `error ${r.error}` : answered ? "echoed" : "no answer"}\n`);
  }
  client.close();
  io.out(`${client.results.length} sent, ${echoed} echoed\n`);
  return echoed > 0 ? 0 : 1;
}
