// The dom0 shell's commands that act on the running machine: the dom0 kernel's tools (ip, brctl,
// sysctl, ifconfig, iptables, conntrack, ifup, ifdown, `echo … > /proc/sys/…`) run as dom0 runs them
// from its hook lines; ping, traceroute and udp-echo (xennet's own UDP probe); tcpdump; `on DOMAIN COMMAND` for a guest; reboot.
import { SECOND } from "../../netsim/engine/sim.ts";
import { runHostTool, startTcpdump, type TcpdumpSession } from "../host-tools/index.ts";
import type { Machine } from "../machine/machine.ts";
import { REDIRECT_DONE, type CommandIo, type Dom0Shell } from "./dom0-shell.ts";
import { ping, traceroute, type NetTarget } from "./net-commands.ts";
import { udpEcho } from "./udp-command.ts";
import { splitCommandLine } from "./words.ts";

/** Commands dom0's own command runner knows (hypervisor/machine/node-commands.ts and dom0.ts). */
const DOM0_TOOLS = ["ip", "brctl", "bridge", "sysctl", "ifconfig", "iptables", "iptables-save", "conntrack", "ifup", "ifdown"];
/** Commands `on DOMAIN` runs inside a guest. */
const GUEST_TOOLS = ["ip", "ifconfig"];
/** How long an unattended `tcpdump -c N` waits for its packets, simulated seconds. */
const TCPDUMP_LIMIT_S = 60;

/** Registers the machine's commands on `shell`. */
export function registerMachineCommands(shell: Dom0Shell, machine: Machine): void {
  const onDom0 = (_args: readonly string[], io: CommandIo, line: string) => runOnDom0(machine, line, io);
  for (const name of DOM0_TOOLS) shell.register(name, onDom0);
  shell.register("echo", (args, io, line) => {
    const split = splitCommandLine(line);
    // A write into /proc/sys is a kernel setting: dom0 applies it (or prints dash's error).
    if (split.ok && split.value.redirect?.path.startsWith("/proc/")) return runOnDom0(machine, line, io) === 0 ? REDIRECT_DONE : 1;
    io.out(`${args.join(" ")}\n`);
    return 0;
  });
  const dom0Net = (): NetTarget | undefined => netTarget(machine, "dom0");
  shell.register("ping", (args, io) => withTarget(dom0Net(), io, (t) => ping(t, args, io)));
  shell.register("traceroute", (args, io) => withTarget(dom0Net(), io, (t) => traceroute(t, args, io)));
  shell.register("udp-echo", (args, io) => withTarget(dom0Net(), io, (t) => udpEcho(t, args, io)));
  shell.register("tcpdump", (args, io) => tcpdump(shell, machine, args, io));
  shell.register("on", (args, io) => onGuest(machine, args, io));
  shell.register("reboot", (_args, io) => {
    io.out("\nBroadcast message from root@" + shell.hostname + " (pts/0):\n\nThe system is going down for reboot NOW!\n");
    io.out(machine.reboot());
    return 0;
  });
}

function runOnDom0(machine: Machine, line: string, io: CommandIo): number {
  const r = machine.run(line);
  io.out(r.stdout);
  io.err(r.stderr);
  return r.status;
}

function netTarget(machine: Machine, node: string): NetTarget | undefined {
  const stack = machine.stackOf(node);
  return stack === undefined ? undefined : { sim: machine.sim, stack, resolve: (name) => machine.resolve(name) };
}

function withTarget(target: NetTarget | undefined, io: CommandIo, run: (t: NetTarget) => number): number {
  if (target === undefined) return io.err("connect: Network is unreachable\n"), 2;
  return run(target);
}

/** `on DOMAIN COMMAND ARGS…`: a command inside a running guest (xennet's own, not a Xen tool). */
function onGuest(machine: Machine, args: readonly string[], io: CommandIo): number {
  const [domain, command, ...rest] = args;
  if (domain === undefined || command === undefined) return io.err("usage: on DOMAIN COMMAND [ARGS...]\n"), 2;
  const target = netTarget(machine, domain);
  const node = machine.hostNode(domain);
  if (target === undefined || node === undefined) return io.err(`on: ${domain}: no running guest of that name\n`), 1;
  if (command === "ping") return ping(target, rest, io);
  if (command === "traceroute") return traceroute(target, rest, io);
  if (command === "udp-echo") return udpEcho(target, rest, io);
  if (GUEST_TOOLS.includes(command)) {
    const r = runHostTool(node, [command, ...rest]);
    if (r === undefined) return io.err(`-bash: ${command}: command not found\n`), 127;
    io.out(r.stdout);
    io.err(r.stderr);
    return r.exitCode;
  }
  return io.err(`on: ${command}: not simulated inside a guest (ping, traceroute, udp-echo, ${GUEST_TOOLS.join(", ")})\n`), 127;
}

/**
 * `tcpdump ARGS` on a dom0 interface. With `-c N` it captures until N packets (or TCPDUMP_LIMIT_S)
 * and exits; without it, it keeps capturing while the next command runs and stops after it (Ctrl-C),
 * its lines printed after that command's output.
 */
function tcpdump(shell: Dom0Shell, machine: Machine, args: readonly string[], io: CommandIo): number {
  const node = machine.hostNode("dom0");
  if (node === undefined) return io.err("tcpdump: no devices available\n"), 1;
  const started = startTcpdump(node, args);
  if (!("banner" in started)) return io.out(started.stdout), io.err(started.stderr), started.exitCode;
  const session: TcpdumpSession = started;
  io.err(session.banner);
  if (!args.includes("-c")) {
    // The person at the terminal presses Ctrl-C once the next command is done; the tty echoes ^C.
    shell.afterNextCommand((later) => finishCapture(machine, session, { out: (t) => later.out(t.startsWith("\n") ? `^C${t}` : t), err: later.err }));
    return 0;
  }
  const deadline = machine.sim.now + TCPDUMP_LIMIT_S * SECOND;
  while (!session.done && machine.sim.now < deadline) {
    machine.sim.runFor(SECOND / 10);
    io.out(session.takeOutput());
  }
  return finishCapture(machine, session, io);
}

/** Stops a capture: its remaining lines, the counters, and the -w file into dom0's filesystem. */
function finishCapture(machine: Machine, session: TcpdumpSession, io: CommandIo): number {
  io.out(session.takeOutput());
  const end = session.stop();
  const pcap = session.pcap();
  if (pcap !== undefined && session.writeFile !== undefined) machine.xen.fs.writeFile(session.writeFile, pcap);
  io.out(end.stdout);
  io.err(end.stderr);
  return end.exitCode;
}
