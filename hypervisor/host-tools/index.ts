// Public surface of the host tools: the Linux networking commands of a simulated Debian Squeeze
// node (iproute 20100519's ip, bridge-utils 1.4's brctl, procps 3.2.8's sysctl, net-tools'
// ifconfig, tcpdump 4.1.1) as emulations over the simulator's objects, shared by the shell, the
// CLI and the web view.
export { stackHost, syncPromiscuity, SQUEEZE_RELEASE_EPOCH, type HostNode, type LinkFlags, type StackHostOptions } from "./host.ts";
export { runHostTool, HOST_TOOLS, type HostToolContext } from "./run-host-tool.ts";
export { runTool, Io, type ToolResult } from "./io.ts";
export { startTcpdump, TcpdumpSession } from "./tcpdump.ts";
export { LinePrinter, type LineOptions } from "./tcpdump-print.ts";
export { compileFilter, type FramePredicate } from "./tcpdump-filter.ts";
export { readProcSys, writeProcSys } from "./sysctl.ts";
