// The real tools the service parsers are compared with, run safely: `dnsmasq --test` (reads only
// the file given), `iptables-restore --test` (never commits; legacy iptables preferred, as it is the
// same code as 1.4.8; run inside a new network namespace all the same) and `sysctl -p` (only inside
// a new network namespace, and only with net.ipv4 keys, which are per namespace). Each helper says
// why it cannot run, so a test can skip with a printed reason.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What a tool printed and its exit status. */
export interface ToolRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function which(name: string): string | undefined {
  for (const dir of ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]) {
    const r = spawnSync("test", ["-x", join(dir, name)]);
    if (r.status === 0) return join(dir, name);
  }
  return undefined;
}

/** Why namespaced runs are impossible here, or undefined when they work. */
export function namespaceProblem(): string | undefined {
  if (process.getuid?.() !== 0) return "not root, so no network namespace can be made";
  if (which("unshare") === undefined) return "unshare(1) is missing";
  const r = spawnSync("unshare", ["--net", "true"]);
  return r.status === 0 ? undefined : `unshare --net fails: ${r.stderr.toString().trim()}`;
}

/** The binary, or why it cannot be used. */
export function tool(name: string): { path: string } | { missing: string } {
  const path = which(name);
  return path === undefined ? { missing: `${name} is not installed` } : { path };
}

function withFile<T>(name: string, text: string, run: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "xennet-tools-"));
  try {
    const path = join(dir, name);
    writeFileSync(path, text);
    return run(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const asRun = (r: ReturnType<typeof spawnSync>): ToolRun => ({ status: r.status ?? -1, stdout: r.stdout?.toString() ?? "", stderr: r.stderr?.toString() ?? "" });

/** `dnsmasq --test --conf-file=FILE`; the file path in messages is replaced by `name`. */
export function dnsmasqTest(binary: string, name: string, text: string): ToolRun {
  return withFile("dnsmasq.conf", text, (path) => {
    const r = asRun(spawnSync(binary, ["--test", `--conf-file=${path}`]));
    return { ...r, stderr: r.stderr.split(path).join(name) };
  });
}

/** `iptables-restore --test < FILE` inside a throw-away network namespace. */
export function restoreTest(binary: string, text: string): ToolRun {
  return asRun(spawnSync("unshare", ["--net", binary, "--test"], { input: text }));
}

/** `sysctl -p FILE` inside a throw-away network namespace, then the values of `read` (paths under /proc/sys). */
export function sysctlInNamespace(text: string, read: readonly string[]): ToolRun & { values: Record<string, string> } {
  return withFile("sysctl.conf", text, (path) => {
    const script = `sysctl -p ${path} >/dev/null; status=$?; for f in ${read.join(" ")}; do printf '%s=%s\\n' "$f" "$(cat $f)"; done; exit $status`;
    const r = asRun(spawnSync("unshare", ["--net", "sh", "-c", script]));
    const values: Record<string, string> = {};
    for (const line of r.stdout.split("\n")) {
      const eq = line.indexOf("=");
      if (eq > 0) values[line.slice(0, eq)] = line.slice(eq + 1);
    }
    return { ...r, stderr: r.stderr.split(path).join("FILE"), values };
  });
}
