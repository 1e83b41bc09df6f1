// `xennet realize` as a library (issue 8, first half): a booted simulated host built for real out
// of network namespaces (planOf → bashOf), the shell script's ping/traceroute/sleep lines run
// there with the real tools (steps.ts), every interface captured with `tcpdump -p`, and the
// result as a ScriptRun keyed like the simulator's captures (`dom0:vif1.0`, `web:eth0`,
// `router:eth1`, `lan:port2`). Times are µs from the moment setup finished and every DHCP client
// was bound (the script's start); setup frames (DHCP, ARP) have negative times.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Machine } from "../../hypervisor/machine/machine.ts";
import type { RealizeOptions, ScriptRun, Seen } from "../types.ts";
import { bashOf } from "./bash.ts";
import { planOf } from "./plan.ts";
import type { RealPlan } from "./plan-types.ts";
import { NETNS_PREFIX, readFrames, readStep, removeLeftovers, runScriptFile } from "./run.ts";
import { parseSteps, type RealTools, type Skipped, type Step } from "./steps.ts";

export { planOf } from "./plan.ts";
export { bashOf, type RealPaths } from "./bash.ts";
export { parseSteps, type RealTools, type Step, type Skipped } from "./steps.ts";
export { removeLeftovers, ourNamespaces, NETNS_PREFIX } from "./run.ts";
export type * from "./plan-types.ts";

/** The programs a realisation runs. */
export const REAL_TOOLS = ["ip", "bridge", "tcpdump", "dnsmasq", "busybox", "iptables-restore", "timeout", "bash"] as const;
const DEFAULT_TIMEOUT_S = 120;
let runs = 0;

const has = (cmd: string): boolean => spawnSync("sh", ["-c", `command -v ${cmd}`], { timeout: 5_000 }).status === 0;

/** Why a realisation cannot run here (not Linux, not root, a tool missing, no `ip netns`), or undefined. */
export function realizeUnavailable(): string | undefined {
  if (process.platform !== "linux") return "not Linux: network namespaces are a Linux feature";
  if (process.getuid?.() !== 0) return "not root: building network namespaces needs CAP_SYS_ADMIN (run as root)";
  for (const t of REAL_TOOLS) if (!has(t)) return `${t} is not installed (Debian: iproute2, tcpdump, dnsmasq-base, busybox, iptables, coreutils)`;
  const probe = `${NETNS_PREFIX}${process.pid}-probe`;
  const add = spawnSync("ip", ["netns", "add", probe], { encoding: "utf8", timeout: 5_000 });
  if (add.status !== 0) return `ip netns does not work here: ${(add.stderr ?? "").trim()}`;
  spawnSync("ip", ["netns", "del", probe], { timeout: 5_000 });
  return undefined;
}

/** iputils ping and traceroute 2.x when installed (what the simulator models), else busybox's. */
export function realTools(): RealTools {
  const ping = spawnSync("ping", ["-V"], { encoding: "utf8", timeout: 5_000 });
  const iputils = ping.status === 0 && /iputils/.test(`${ping.stdout}${ping.stderr}`);
  const tr = spawnSync("traceroute", ["--version"], { encoding: "utf8", timeout: 5_000 });
  const modern = tr.status === 0 && /Modern traceroute|traceroute \d/i.test(`${tr.stdout}${tr.stderr}`);
  return { ping: iputils ? "iputils" : "busybox", traceroute: modern ? "traceroute" : "busybox" };
}

/** The transcript: every line after the prompt, then its real output (or why it did not run). */
function transcriptOf(plan: RealPlan, script: string, steps: readonly Step[], skipped: readonly Skipped[], dir: string): string {
  const prompt = `root@${plan.hostname}:~# `;
  let text = "";
  script.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    text += `${prompt}${line}\n`;
    const at = steps.findIndex((s) => s.line === i + 1);
    if (at >= 0) text += readStep(dir, at + 1).output;
    const skip = skipped.find((s) => s.line === i + 1);
    if (skip !== undefined) text += `[not run for real: ${skip.reason}]\n`;
  });
  return text;
}

/** Builds `machine` for real, runs `script` there and returns what the real tools printed and the interfaces saw. */
export async function realizeScript(machine: Machine, script: string, options: RealizeOptions = {}): Promise<ScriptRun> {
  const why = realizeUnavailable();
  if (why !== undefined) throw new Error(`realize: cannot build namespaces here: ${why}`);
  removeLeftovers().forEach((n) => options.log?.(`realize: removed leftover namespace ${n}`));
  const plan = planOf(machine);
  const { steps, skipped } = parseSteps(script, plan, realTools());
  const dir = options.keepDir ?? mkdtempSync(join(tmpdir(), NETNS_PREFIX));
  if (options.keepDir !== undefined) mkdirSync(dir, { recursive: true });
  const prefix = `${NETNS_PREFIX}${process.pid}-${++runs}-`;
  try {
    const raw = await runScriptFile(bashOf(plan, steps, { dir, prefix }), dir, prefix, options.timeoutSeconds ?? DEFAULT_TIMEOUT_S, options.log);
    if (raw.t0 === undefined) throw new Error(`realize: setup did not finish (exit ${raw.exitCode}):\n${raw.log.split("\n").slice(-15).join("\n")}`);
    const captures = new Map<string, readonly Seen[]>(plan.captures.map((c) => [c, readFrames(dir, c, raw.t0!)]));
    return { side: "real", captures, transcript: transcriptOf(plan, script, steps, skipped, dir), skipped };
  } finally {
    if (options.keepDir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}
