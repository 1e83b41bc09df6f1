// Running a generated script and reading what it left: spawns `timeout -k 5 T bash run.sh` (the
// whole run bounded), passes its progress lines on, then — whatever happened — kills anything
// still running in this run's namespaces and deletes them, reads the time origin, every
// interface's pcap (captures/read-capture.ts) with times made relative to the origin, and each
// step's output. Leftovers of a run that was itself killed (namespaces `xn-rz-<pid>-…` whose
// process is gone) are removed by `removeLeftovers` at the next start.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readCapture } from "../../captures/read-capture.ts";
import type { Seen } from "../types.ts";

/** Every realisation's namespaces start with this. */
export const NETNS_PREFIX = "xn-rz-";

/** Our namespaces that exist now. */
export function ourNamespaces(): string[] {
  const list = spawnSync("ip", ["netns", "list"], { encoding: "utf8", timeout: 5_000 });
  return (list.stdout ?? "").split("\n").map((l) => l.split(" ")[0] ?? "").filter((n) => n.startsWith(NETNS_PREFIX));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Kills every process inside the namespace (only our programs run there) and deletes it. */
export function deleteNamespace(name: string): void {
  const pids = spawnSync("ip", ["netns", "pids", name], { encoding: "utf8", timeout: 5_000 }).stdout ?? "";
  for (const p of pids.split("\n").filter((l) => /^\d+$/.test(l))) {
    try {
      process.kill(Number(p), "SIGKILL");
    } catch {
      // gone already
    }
  }
  spawnSync("ip", ["netns", "del", name], { timeout: 5_000 });
}

/** Deletes the namespaces of realisations whose process is gone (a killed run's); a running one's are left alone. */
export function removeLeftovers(): string[] {
  const removed: string[] = [];
  for (const name of ourNamespaces()) {
    const pid = Number(/^xn-rz-(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) continue;
    if (pid === process.pid) continue;
    deleteNamespace(name);
    removed.push(name);
  }
  return removed;
}

/** What a finished script left. */
export interface RawRun {
  readonly exitCode: number | null;
  readonly log: string;
  /** µs since 1970 of the time origin; undefined when setup did not finish. */
  readonly t0: number | undefined;
}

/** Runs `dir/run.sh` under `timeout`, then removes the run's namespaces (those starting with `prefix`). */
export async function runScriptFile(script: string, dir: string, prefix: string, timeoutSeconds: number, log?: (line: string) => void): Promise<RawRun> {
  const file = join(dir, "run.sh");
  writeFileSync(file, script, { mode: 0o700 });
  let out = "";
  let pending = "";
  const child = spawn("timeout", ["-k", "5", String(timeoutSeconds), "bash", file], { stdio: ["ignore", "pipe", "pipe"] });
  const take = (chunk: Buffer): void => {
    out += String(chunk);
    pending += String(chunk);
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const l of lines) log?.(l);
  };
  child.stdout.on("data", take);
  child.stderr.on("data", take);
  const exitCode = await new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  for (const name of ourNamespaces()) if (name.startsWith(prefix)) deleteNamespace(name);
  const t0File = join(dir, "t0");
  const t0 = existsSync(t0File) ? Number(readFileSync(t0File, "utf8").trim()) : undefined;
  return { exitCode, log: out, t0 };
}

/** The frames of one interface's pcap, times in µs from `t0` (empty when tcpdump wrote nothing). */
export function readFrames(dir: string, key: string, t0: number): Seen[] {
  const file = join(dir, `${key.replace(":", "_")}.pcap`);
  if (!existsSync(file)) return [];
  const cap = readCapture(readFileSync(file));
  if (!cap.ok) return [];
  return cap.value.packets.map((p) => ({ time: p.timeMicros - t0, frame: p.data }));
}

/** A step's output and exit status, as its files hold them. */
export function readStep(dir: string, index: number): { readonly output: string; readonly status: number | undefined } {
  const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), "utf8") : undefined);
  const status = read(`step-${index}.status`);
  return { output: read(`step-${index}.out`) ?? "", status: status === undefined ? undefined : Number(status.trim()) };
}
