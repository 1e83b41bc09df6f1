// The shell script's lines as steps to run for real, parsed as the simulated dom0 shell parses
// them (hypervisor/shell/words.ts; `on NODE CMD…` as machine-commands.ts runs it): `ping`,
// `traceroute`, `udp-echo` (by python3) and `sleep`, on dom0 or `on` a guest or world host, become
// real commands with the same options and the world's names replaced by their addresses (nothing
// here resolves names).
// Every other line — the Xen toolstack, commands that read or change the simulated host's state,
// redirections — is listed as skipped with the reason, never guessed at.
import { splitCommandLine } from "../../hypervisor/shell/words.ts";
import type { RealPlan } from "./plan-types.ts";
import { udpEchoArgv } from "./udp-echo.ts";

/** Which real ping and traceroute this machine has. */
export interface RealTools {
  /** iputils ping (what the simulator models) or busybox's. */
  readonly ping: "iputils" | "busybox";
  /** traceroute 2.x (the simulator's model, with -I and -N) or busybox's (UDP only, one probe at a time). */
  readonly traceroute: "traceroute" | "busybox";
}

/** One line run for real: on `node`, `argv` (or a sleep of `seconds` in the script itself). */
export interface Step {
  readonly line: number;
  readonly text: string;
  readonly node: string;
  readonly argv: readonly string[];
  /** Longest the step may take, seconds (the simulated shell gives up on a command after 600 s). */
  readonly limit: number;
}

/** A line that is not run for real, and why. */
export interface Skipped {
  readonly line: number;
  readonly text: string;
  readonly reason: string;
}

/** How long the simulated shell lets ping or traceroute run before its Ctrl-C (hypervisor/shell/net-commands.ts). */
const COMMAND_LIMIT_S = 600;
const TOOLSTACK = new Set(["xm", "xen-create-image", "reboot"]);
const STATEFUL = new Set(["ip", "brctl", "bridge", "sysctl", "ifconfig", "iptables", "iptables-save", "conntrack", "ifup", "ifdown", "echo", "cat", "hostname", "help", "tcpdump"]);
const PING_VALUE = new Set(["-c", "-i", "-W", "-t", "-s", "-I"]);
const TRACE_VALUE = new Set(["-m", "-f", "-q", "-w", "-N", "-p", "-i"]);

type Parsed = { readonly ok: true; readonly node: string; readonly argv: readonly string[] } | { readonly ok: false; readonly reason: string };

/** The steps and skipped lines of `script` for `plan` and the tools this machine has. */
export function parseSteps(script: string, plan: RealPlan, tools: RealTools): { steps: Step[]; skipped: Skipped[] } {
  const steps: Step[] = [];
  const skipped: Skipped[] = [];
  script.split("\n").forEach((raw, i) => {
    const text = raw.trim();
    if (text === "" || text.startsWith("#")) return;
    const p = parseLine(text, plan, tools);
    if (p.ok) steps.push({ line: i + 1, text, node: p.node, argv: p.argv, limit: p.argv[0] === "sleep" ? Number(p.argv[1]) + 5 : COMMAND_LIMIT_S });
    else skipped.push({ line: i + 1, text, reason: p.reason });
  });
  return { steps, skipped };
}

function parseLine(text: string, plan: RealPlan, tools: RealTools): Parsed {
  const split = splitCommandLine(text);
  if (!split.ok) return { ok: false, reason: `not a simple command (${split.error})` };
  if (split.value.redirect !== undefined) return { ok: false, reason: "output redirection is not realised" };
  const [name, ...args] = split.value.words;
  if (name === undefined) return { ok: false, reason: "empty command" };
  if (name === "on") {
    const [node, command, ...rest] = args;
    if (node === undefined || command === undefined) return { ok: false, reason: "usage: on NODE COMMAND" };
    if (!plan.hosts.includes(node)) return { ok: false, reason: `${node} is not a running guest, dom0 or a world host` };
    if (command === "udp-echo") return udpEcho(node, rest, plan);
    return command === "ping" || command === "traceroute" ? netCommand(node, command, rest, plan, tools) : { ok: false, reason: `on ${node} ${command}: only ping, traceroute and udp-echo run inside a node for real` };
  }
  if (name === "sleep") {
    const s = Number(args[0]);
    return args.length === 1 && Number.isFinite(s) && s >= 0 ? { ok: true, node: "dom0", argv: ["sleep", String(s)] } : { ok: false, reason: "sleep needs one number of seconds" };
  }
  if (name === "ping" || name === "traceroute") return netCommand("dom0", name, args, plan, tools);
  if (name === "udp-echo") return udpEcho("dom0", args, plan);
  if (TOOLSTACK.has(name)) return { ok: false, reason: `${name} is the Xen toolstack: simulation only` };
  if (STATEFUL.has(name)) return { ok: false, reason: `${name} reads or changes the simulated host's state: not realised (every interface is captured instead)` };
  return { ok: false, reason: `${name} is not a command the simulated shell runs` };
}

/** A dotted quad, or a world name's address. */
function addressOf(host: string, plan: RealPlan): string | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return host;
  return plan.names[host];
}

/** udp-echo ARGS on `node`, run by python3 (udp-echo.ts). */
function udpEcho(node: string, args: readonly string[], plan: RealPlan): Parsed {
  const argv = udpEchoArgv(args, (host) => addressOf(host, plan));
  return typeof argv === "string" ? { ok: false, reason: argv } : { ok: true, node, argv };
}

/** ping or traceroute ARGS, the options kept and the host replaced by its address. */
function netCommand(node: string, command: "ping" | "traceroute", args: readonly string[], plan: RealPlan, tools: RealTools): Parsed {
  const valued = command === "ping" ? PING_VALUE : TRACE_VALUE;
  const argv: string[] = [];
  let host: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (valued.has(a)) {
      const v = args[++i];
      if (v === undefined) return { ok: false, reason: `${command}: ${a} needs a value` };
      argv.push(a, v);
    } else if (a.startsWith("-")) argv.push(a);
    else if (host === undefined) host = a;
    else return { ok: false, reason: `${command}: more than one host` };
  }
  if (host === undefined) return { ok: false, reason: `${command}: no host` };
  const address = addressOf(host, plan);
  if (address === undefined) return { ok: false, reason: `${command}: ${host} is not a world name or an address` };
  const real = command === "ping" ? pingArgv(argv, tools) : traceArgv(argv, tools);
  return "reason" in real ? { ok: false, reason: real.reason } : { ok: true, node, argv: [...real.argv, address] };
}

function pingArgv(argv: readonly string[], tools: RealTools): { argv: string[] } | { reason: string } {
  if (tools.ping === "iputils") return { argv: ["ping", ...argv] };
  // busybox ping never resolves addresses back to names, and has no -n.
  return { argv: ["busybox", "ping", ...argv.filter((a) => a !== "-n")] };
}

function traceArgv(argv: readonly string[], tools: RealTools): { argv: string[] } | { reason: string } {
  if (tools.traceroute === "traceroute") return { argv: ["traceroute", ...argv] };
  if (argv.includes("-I")) return { reason: "traceroute -I: this machine's busybox traceroute has no ICMP probes (install the traceroute package)" };
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    // -N (probes in flight at once) is traceroute 2.x's; busybox sends one probe at a time.
    if (argv[i] === "-N") i++;
    else kept.push(argv[i]!);
  }
  return { argv: ["busybox", "traceroute", ...kept] };
}
