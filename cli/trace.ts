// `xennet trace FROM TO [--proto icmp|udp|tcp] [--port N] [--json]`: boots the host, lets it settle,
// sends one packet from FROM to TO and prints every hop of it and of its reply. Exit 0 when it was
// delivered and answered, 1 otherwise, 2 on bad arguments (an unknown FROM or TO included).
import type { Command } from "commander";
import { SECOND } from "../netsim/engine/sim.ts";
import { answered, formatTrace, runTrace, type TraceProto } from "../hypervisor/trace/index.ts";
import { globalOptions, openHost, UsageError } from "./host.ts";

/** Simulated seconds after boot for guests to start and take their leases (as `check` waits). */
const SETTLE_S = 90;

/** Adds the `trace` subcommand. */
export function registerTrace(program: Command): void {
  program
    .command("trace")
    .description("send one packet from FROM (dom0 or a domain) to TO and show every hop; exit 0 = delivered and answered")
    .argument("<from>", "dom0 or a running domain's name")
    .argument("<to>", "an address, a world host (www, router) or a domain's name")
    .option("--proto <proto>", "icmp, udp or tcp", "icmp")
    .option("--port <n>", "destination port for udp (default 33434) or tcp (default 22)")
    .option("--json", "print { from, to, proto, request, reply, delivered }")
    .action((from: string, to: string, options: { proto: string; port?: string; json?: boolean }) => {
      const proto = options.proto;
      if (proto !== "icmp" && proto !== "udp" && proto !== "tcp") throw new UsageError(`--proto must be icmp, udp or tcp, not "${proto}"`);
      const port = options.port === undefined ? undefined : Number(options.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new UsageError(`--port must be 1-65535, not "${options.port}"`);
      const { machine } = openHost(globalOptions(program));
      machine.sim.runFor(SETTLE_S * SECOND);
      const result = runTrace(machine, { from, to, proto: proto as TraceProto, ...(port !== undefined ? { port } : {}) });
      if (typeof result === "string") throw new UsageError(result);
      process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatTrace(result));
      process.exitCode = answered(result) ? 0 : 1;
    });
}
