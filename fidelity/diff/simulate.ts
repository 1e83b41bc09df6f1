// The simulated half of a differential run: a host booted from its files with a TraceRecorder on
// the trace bus from power-on (so the captures hold the boot's DHCP and ARP as a real capture started
// during setup would), then the script's lines run one by one in the dom0 shell (cli/shell.ts's
// transcript format). Captures are keyed `node:dev` with times relative to the script's start.
//
// A script's prelude (its leading toolstack lines: xen-create-image, xm create) builds the host on
// both sides before the script starts (splitPrelude, bootForFidelity).
// Lines the real side cannot run (xm, brctl show, iptables -L…) still run here — they may change
// what the simulated host does — but are listed as `skipped` with the reason, so the report can say
// they were simulation-only.
import { TraceRecorder } from "../../captures/tap.ts";
import type { FileReader } from "../../topology/interfaces/index.ts";
import { Machine, type WorldSpec } from "../../hypervisor/index.ts";
import { Dom0Shell, splitCommandLine } from "../../hypervisor/shell/index.ts";
import type { Seen, ScriptRun } from "../types.ts";

/** How a host for a differential run is made: the same three things on both sides. */
export interface FidelityHost {
  readonly root: FileReader;
  readonly world: WorldSpec;
  readonly seed: number;
}

/** The recorder attached to each machine booted by bootForFidelity. */
const recorders = new WeakMap<Machine, TraceRecorder>();

/** The longest a booted host is left to settle before the script starts, µs. */
export const SETTLE_LIMIT_US = 120_000_000;
/** How long the host runs on once settled, µs (a realisation starts 0.2 s after its last lease). */
export const SETTLE_MARGIN_US = 1_000_000;

/** True when every running guest has its network and every DHCP client (dom0's, the guests') has an address. */
export function settled(machine: Machine): boolean {
  const guests = machine.xen.hypervisor.domains().filter((d) => !d.privileged).length;
  if (machine.guests.all().length < guests) return false;
  const clients = [
    ...(machine.dom0 ? [{ stack: machine.dom0.stack, ifupdown: machine.dom0.ifupdown }] : []),
    ...machine.guests.all(),
  ];
  return clients.every((c) => [...(c.ifupdown?.dhcp.keys() ?? [])].every((dev) => c.stack.addresses(dev).length > 0));
}

/**
 * Boots a host with a TraceRecorder listening from power-on, lets it settle — until every guest has
 * its network and every DHCP client its lease (as a realisation waits for its leases), then
 * SETTLE_MARGIN_US more — and prepares it (prepareForScript). simulateScript finds the recorder.
 * Settling no longer than needed matters: timers started by the set-up (a bridge's topology-change
 * flag, 35 s after a port forwards) must still run at the script's start on both sides.
 */
export function bootForFidelity(host: FidelityHost, prelude: readonly string[] = []): { machine: Machine; recorder: TraceRecorder } {
  const machine = new Machine({ seed: host.seed, root: host.root, world: host.world });
  const recorder = new TraceRecorder(machine.sim);
  recorders.set(machine, recorder);
  machine.boot();
  runPrelude(machine, prelude);
  machine.sim.runFor(SETTLE_MARGIN_US);
  prepareForScript(machine);
  return { machine, recorder };
}

/** Runs a script's prelude (splitPrelude) on a booted machine, then lets it settle (see `settled`). */
export function runPrelude(machine: Machine, prelude: readonly string[]): void {
  const shell = new Dom0Shell(machine);
  for (const line of prelude) shell.run(line);
  const limit = machine.sim.now + SETTLE_LIMIT_US;
  while (!settled(machine) && machine.sim.now < limit) machine.sim.runFor(100_000);
}

/** Commands that build the host (the Xen toolstack) rather than use its network. */
const BUILDERS = new Set(["xm", "xen-create-image"]);

/**
 * A script's prelude: its leading lines up to the last toolstack command among them (xen-create-image,
 * xm create… with any sleeps and comments before it). They build the host — in simulation, on both
 * sides, since the toolstack is simulation-only — before the script proper starts, so a guest the
 * script creates is realised too. `body` is the script with the prelude's lines blanked (line
 * numbers stay).
 */
export function splitPrelude(script: string): { prelude: string[]; body: string } {
  const lines = script.split("\n");
  let end = 0;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.trim();
    if (text === "" || text.startsWith("#")) continue;
    const split = splitCommandLine(text);
    const name = split.ok ? split.value.words[0] : undefined;
    if (name !== undefined && BUILDERS.has(name)) end = i + 1;
    else if (name !== "sleep") break;
  }
  const prelude = lines.slice(0, end).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  return { prelude, body: [...lines.slice(0, end).map(() => ""), ...lines.slice(end)].join("\n") };
}

/** What prepareForScript does to both sides, for the report. */
export const PREPARATION: readonly string[] = [
  "every node's ARP cache is emptied at the script's start (both sides then resolve every neighbour afresh, whatever their set-ups left)",
  "proxy_delay is 0 on every device of both sides: proxy ARP answers at once instead of after a random 0–0.8 s, so the order of packets around a proxied answer does not depend on a dice roll",
];

/**
 * The common starting point of both sides (PREPARATION): every node's ARP cache emptied (but for
 * permanent entries), and proxy_delay 0 everywhere — set in the simulated host, which the
 * realisation reads its neigh/<dev>/* settings from.
 */
export function prepareForScript(machine: Machine): void {
  for (const name of ["dom0", ...machine.guests.all().map((g) => g.name), ...machine.world.stacks.keys()]) {
    const stack = machine.stackOf(name);
    for (const iface of stack?.ifaces() ?? []) {
      stack!.flushNeighbours(iface.name);
      stack!.writeSysctl(`net/ipv4/neigh/${iface.name}/proxy_delay`, "0");
    }
  }
}

/** How long the captures go on after the last line, µs: the realisation also captures one more second. */
export const TAIL_US = 1_000_000;

/** Commands the real side can run (realize's script runner); anything else is simulation-only. */
const REAL_COMMANDS = new Set(["ping", "traceroute", "udp-echo", "sleep", "on"]);
/** Commands `on DOMAIN …` can run for real. */
const REAL_GUEST_COMMANDS = new Set(["ping", "traceroute", "udp-echo"]);

/** Why the real side will not run `line`, or undefined when it will. */
export function simOnlyReason(line: string): string | undefined {
  const split = splitCommandLine(line);
  if (!split.ok) return `not a simple command (${split.error})`;
  const [name, , sub] = split.value.words;
  if (name === undefined) return undefined;
  if (!REAL_COMMANDS.has(name)) return `${name} is simulation-only (the real host is built, not administered)`;
  if (name === "on" && (sub === undefined || !REAL_GUEST_COMMANDS.has(sub))) return `on DOMAIN ${sub ?? ""} is simulation-only`;
  return undefined;
}

/** The script's command lines: blank lines and comments dropped, each with its 1-based line number. */
export function scriptLines(script: string): { line: number; text: string }[] {
  return script.split("\n").map((text, i) => ({ line: i + 1, text: text.trimEnd() })).filter((l) => l.text.trim() !== "" && !l.text.trim().startsWith("#"));
}

/**
 * Runs `script` on a booted machine in simulation. A machine not booted by bootForFidelity gets a
 * recorder now, so its captures start at the script (no boot frames).
 */
export function simulateScript(machine: Machine, script: string): ScriptRun {
  const recorder = recorders.get(machine) ?? new TraceRecorder(machine.sim);
  const start = machine.sim.now;
  const shell = new Dom0Shell(machine);
  let transcript = "";
  const skipped: { line: number; text: string; reason: string }[] = [];
  for (const { line, text } of scriptLines(script)) {
    transcript += `${shell.prompt}${text}\n`;
    if (text.trim() === "exit" || text.trim() === "logout") break;
    transcript += shell.run(text).combined;
    const reason = simOnlyReason(text);
    if (reason !== undefined) skipped.push({ line, text, reason });
  }
  transcript += shell.finishPending().combined;
  machine.sim.runFor(TAIL_US);
  recorder.stop();
  return { side: "sim", captures: capturesOf(recorder, start), transcript, skipped };
}

/** The recorder's frames per `node:dev`, times relative to `start`. */
function capturesOf(recorder: TraceRecorder, start: number): Map<string, Seen[]> {
  const captures = new Map<string, Seen[]>();
  for (const r of recorder.records()) {
    const key = `${r.node}:${r.dev}`;
    let list = captures.get(key);
    if (list === undefined) captures.set(key, (list = []));
    list.push({ time: r.timeMicros - start, frame: r.frame });
  }
  return captures;
}
