// The running simulated host: the Machine (boot, shutdown, reboot over the host's own files, the
// world outside, dom0 and the guests' networks), dom0's kernel state for one boot, and the pieces
// dom0 and the guests share — ifupdown 0.6.10 with the bridge-utils hook, dhclient with its output,
// and the command lines of hooks and scripts.

export { FIRMWARE_US, KERNEL_US, Machine, type MachineEvent, type MachineOptions } from "./machine.ts";
export { Dom0, NLOOPBACKS, type Dom0Options } from "./dom0.ts";
export { readBootFiles, rebootedHost, type BootFiles } from "./boot-files.ts";
export { Ifupdown, type IfupHost } from "./ifupdown.ts";
export { bridgeMaxWait, bridgePorts } from "./bridge-hook.ts";
export { DhclientRun, lastLeasedAddress, type DhclientHooks } from "./dhclient-run.ts";
export { nodeCommands, type CommandTarget } from "./node-commands.ts";
export { parseLine, runLine, type LineCommand, type LineIo, type LineResult } from "./shell-line.ts";
