// What every real-kernel test needs before it builds namespaces: whether it can (Linux, root, the
// tools, a working `ip netns`), and the removal of namespaces a killed earlier run of the same test
// left behind — each test family under its own name prefix, so one never touches another's.
import { spawnSync } from "node:child_process";

/** Why namespaces named `prefix…` cannot be built here, or undefined when they can. */
export function netnsUnavailable(prefix: string, tools: readonly string[]): string | undefined {
  if (process.platform !== "linux") return "not Linux";
  if (process.getuid?.() !== 0) return "not root (network namespaces need CAP_SYS_ADMIN)";
  for (const t of tools) if (spawnSync("sh", ["-c", `command -v ${t}`], { timeout: 5_000 }).status !== 0) return `${t} is not installed`;
  const probe = `${prefix}probe-${process.pid}`;
  const add = spawnSync("ip", ["netns", "add", probe], { encoding: "utf8", timeout: 5_000 });
  if (add.status !== 0) return `ip netns unavailable: ${add.stderr.trim()}`;
  spawnSync("ip", ["netns", "del", probe], { timeout: 5_000 });
  return undefined;
}

/** Deletes the namespaces whose names start with `prefix` (ours only). */
export function removeNetnsLeftovers(prefix: string): void {
  const list = spawnSync("ip", ["netns", "list"], { encoding: "utf8", timeout: 5_000 });
  for (const line of (list.stdout ?? "").split("\n")) {
    const name = line.split(" ")[0] ?? "";
    if (name.startsWith(prefix)) spawnSync("ip", ["netns", "del", name], { timeout: 5_000 });
  }
}
