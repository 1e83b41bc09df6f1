// The one entry the shell, the CLI and the web view call for the networking commands of a node:
// `runHostTool(host, ["ip", "addr"])` runs the emulation of that program against the node's
// simulated state and returns what the real program would have printed and its exit status.
// tcpdump spans simulated time and has its own session API (tcpdump.ts: startTcpdump).
import { runBridge } from "./bridge-fdb.ts";
import { runBrctl } from "./brctl.ts";
import type { HostNode } from "./host.ts";
import { runIfconfig } from "./ifconfig.ts";
import { runTool, type ToolResult } from "./io.ts";
import { runIp } from "./ip-command.ts";
import { runSysctl, type SysctlContext } from "./sysctl.ts";

/** What a host tool may need from the shell around it. */
export type HostToolContext = SysctlContext;

/** The programs runHostTool knows, by the name they are run as. */
export const HOST_TOOLS = ["ip", "brctl", "bridge", "sysctl", "ifconfig"] as const;

/** Runs argv[0] (a bare name or a path such as /sbin/ip); undefined when it is not one of HOST_TOOLS. */
export function runHostTool(host: HostNode, argv: readonly string[], ctx: HostToolContext = {}): ToolResult | undefined {
  const [program = "", ...args] = argv;
  switch (program.slice(program.lastIndexOf("/") + 1)) {
    case "ip":
      return runTool((io) => runIp(host, io, args));
    case "brctl":
      return runTool((io) => runBrctl(host, io, args));
    case "bridge":
      return runTool((io) => runBridge(host, io, args));
    case "sysctl":
      return runTool((io) => runSysctl(host, io, args, ctx));
    case "ifconfig":
      return runTool((io) => runIfconfig(host, io, args));
    default:
      return undefined;
  }
}
