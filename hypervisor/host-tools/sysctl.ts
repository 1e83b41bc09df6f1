// sysctl of Debian Squeeze's procps 3.2.8 (sysctl.c: ReadSetting, WriteSetting, DisplayAll, Preload)
// over the simulated /proc/sys/net/ipv4, and the shell's view of the same files (`cat` and
// `echo 1 > /proc/sys/...`). A name is turned into a path by swapping dots and slashes
// (`net.ipv4.conf.vif1/0.proxy_arp` is /proc/sys/net/ipv4/conf/vif1.0/proxy_arp) and printed back
// the other way; a value is written as "VALUE\n", and a refused one fails at fclose:
// `error: "Invalid argument" setting key "net.ipv4.ip_default_ttl"`. Exit status is the last
// setting's result, 255 on error.
//
// Only net.ipv4 is simulated (netsim/l3/sysctl.ts: the keys the stack acts on). A key under another
// real hierarchy (kernel.*, net.bridge.*, net.ipv6.* …) is reported as not simulated rather than as
// unknown; `sysctl -a` lists the simulated subset (all, default, then each device by ifindex).
import type { HostNode } from "./host.ts";
import type { Io, ToolResult } from "./io.ts";

/** The conf/* files the stack keeps, in the order of 2.6.32's devinet sysctl table. */
const CONF_KEYS = ["forwarding", "accept_redirects", "shared_media", "rp_filter", "send_redirects", "accept_local", "proxy_arp", "medium_id", "arp_filter", "arp_announce", "arp_ignore", "arp_accept", "arp_notify", "promote_secondaries"];
/** The neigh/* files, in the order of neigh_sysctl_template. */
const NEIGH_KEYS = ["mcast_solicit", "ucast_solicit", "app_solicit", "retrans_time", "base_reachable_time", "delay_first_probe_time", "gc_stale_time", "unres_qlen", "proxy_qlen", "proxy_delay", "locktime", "retrans_time_ms", "base_reachable_time_ms"];
const TOP_KEYS = ["ip_forward", "ip_default_ttl", "ip_local_port_range", "icmp_echo_ignore_all", "icmp_echo_ignore_broadcasts", "icmp_errors_use_inbound_ifaddr", "icmp_ratelimit", "icmp_ratemask"];
/** The directories directly under /proc/sys on a 2.6.32 Xen dom0. */
const ROOTS = ["abi", "debug", "dev", "fs", "kernel", "net", "sunrpc", "vm", "xen"];

/** What sysctl needs from the shell: the files it may read for `-p`. */
export interface SysctlContext {
  readonly readFile?: (path: string) => string | undefined;
}

/** slashdot(): swaps `old` and `neu` throughout, unless the first separator already is `neu`. */
function slashdot(s: string, old: string, neu: string): string {
  const first = /[./]/.exec(s);
  if (first === null || first[0] === neu) return s;
  return s.replace(/[./]/g, (c) => (c === old ? neu : c === neu ? old : c));
}

type Lookup = { readonly value: string } | "unknown" | "unsimulated";

function lookup(host: HostNode, path: string): Lookup {
  const parts = path.split("/").filter((p) => p !== "");
  const value = host.stack.readSysctl(parts.join("/"));
  if (value !== undefined) return { value };
  if (!ROOTS.includes(parts[0] ?? "")) return "unknown";
  return parts[0] === "net" && parts[1] === "ipv4" && parts[2] !== "tcp" && !(parts[2] ?? "").startsWith("tcp_") ? "unknown" : "unsimulated";
}

interface Flags {
  printName: boolean;
  nameOnly: boolean;
  ignoreError: boolean;
  quiet: boolean;
  newline: boolean;
}

function usage(io: Io): number {
  io.out(
    "usage:  sysctl [-n] [-e] variable ... \n        sysctl [-n] [-e] [-q] -w variable=value ... \n        sysctl [-n] [-e] -a \n        sysctl [-n] [-e] [-q] -p <file>   (default /etc/sysctl.conf) \n        sysctl [-n] [-e] -A\n",
  );
  return -1;
}

function readSetting(host: HostNode, io: Io, f: Flags, name: string): number {
  if (name === "") return (io.err(`error: "" is an unknown key\n`), -1);
  const outname = slashdot(name, "/", ".");
  const found = lookup(host, slashdot(name, ".", "/"));
  if (found === "unsimulated") return (io.err(`xennet: sysctl key "${outname}" is not simulated\n`), -1);
  if (found === "unknown") return f.ignoreError ? 0 : (io.err(`error: "${outname}" is an unknown key\n`), -1);
  if (f.nameOnly) io.out(`${outname}\n`);
  else if (f.printName) io.out(`${outname} = ${found.value}\n`);
  else io.out(f.newline ? `${found.value}\n` : found.value);
  return 0;
}

function writeSetting(host: HostNode, io: Io, f: Flags, setting: string): number {
  const eq = setting.indexOf("=");
  if (eq < 0) return (io.err(`error: "${setting}" must be of the form name=value\n`), -1);
  const name = setting.slice(0, eq);
  const value = setting.slice(eq + 1);
  if (name === "" || value === "") return (io.err(`error: Malformed setting "${setting}"\n`), -2);
  const outname = slashdot(name, "/", ".");
  const path = slashdot(name, ".", "/");
  const found = lookup(host, path);
  if (found === "unsimulated") return (io.err(`xennet: sysctl key "${outname}" is not simulated\n`), -1);
  if (found === "unknown") return f.ignoreError ? 0 : (io.err(`error: "${outname}" is an unknown key\n`), -1);
  const err = host.stack.writeSysctl(path.split("/").filter((p) => p !== "").join("/"), `${value}\n`);
  if (err !== undefined) return (io.err(`error: "Invalid argument" setting key "${outname}"\n`), -1);
  if (f.quiet) return 0;
  if (f.nameOnly) io.out(`${outname}\n`);
  else if (f.printName) io.out(`${outname} = ${value}\n`);
  else io.out(f.newline ? `${value}\n` : value);
  return 0;
}

/** The simulated keys `-a` walks (see the file header). */
function allKeys(host: HostNode): string[] {
  const devs = host.devices().map((d) => d.name);
  const conf = ["all", "default", ...devs].flatMap((d) => CONF_KEYS.map((k) => `net/ipv4/conf/${d}/${k}`));
  const neigh = devs.flatMap((d) => NEIGH_KEYS.map((k) => `net/ipv4/neigh/${d}/${k}`));
  return [...conf, ...neigh, ...TOP_KEYS.map((k) => `net/ipv4/${k}`)].filter((k) => host.stack.readSysctl(k) !== undefined);
}

function preload(host: HostNode, io: Io, f: Flags, file: string, ctx: SysctlContext): number {
  const text = ctx.readFile?.(file);
  if (text === undefined) return (io.err(`error: unable to open preload file "${file}"\n`), -1);
  let rc = 0;
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line.length < 2 || line.startsWith("#") || line.startsWith(";")) return;
    const eq = line.indexOf("=");
    const name = eq < 0 ? line : line.slice(0, eq).trim();
    const value = eq < 0 ? "" : line.slice(eq + 1).replace(/^[ \t]+/, "");
    if (name === "" || value === "") return void io.err(`warning: ${file}(${i + 1}): invalid syntax, continuing...\n`);
    rc |= writeSetting(host, io, f, `${name}=${value}`);
  });
  return rc;
}

/** Runs `sysctl ARGS…` (argv without the program name). */
export function runSysctl(host: HostNode, io: Io, argv: readonly string[], ctx: SysctlContext = {}): number {
  if (argv.length === 0) return usage(io);
  const f: Flags = { printName: true, nameOnly: false, ignoreError: false, quiet: false, newline: true };
  let switches = true;
  let write = false;
  let rc = 0;
  for (let i = 0; i < argv.length && argv[i] !== ""; i++) {
    const arg = argv[i]!;
    if (switches && arg.startsWith("-")) {
      if (arg.length > 2) {
        if (arg === "--help") return (usage(io), io.exit(0));
        if (arg === "--version") return (io.out("sysctl (procps version 3.2.8)\n"), io.exit(0));
        io.err(`error: Unknown parameter "${arg}"\n`);
        return usage(io);
      }
      switch (arg[1]) {
        case "b":
          f.newline = false;
          f.printName = false;
          break;
        case "n":
          f.printName = false;
          break;
        case "e":
          f.ignoreError = true;
          break;
        case "N":
          f.nameOnly = true;
          break;
        case "q":
          f.quiet = true;
          break;
        case "w":
          [switches, write] = [false, true];
          break;
        case "p":
        case "f":
          return preload(host, io, f, argv[i + 1] || "/etc/sysctl.conf", ctx);
        case "o":
        case "x":
          break;
        case "a":
        case "A":
        case "X":
          return allKeys(host).reduce((acc, k) => acc | readSetting(host, io, f, k), 0);
        case "V":
          return (io.out("sysctl (procps version 3.2.8)\n"), io.exit(0));
        case "d":
        case "h":
        case "?":
          return usage(io);
        default:
          io.err(`error: Unknown parameter "${arg}"\n`);
          return usage(io);
      }
    } else {
      if (f.nameOnly && f.quiet) return usage(io);
      switches = false;
      rc = write || arg.includes("=") ? writeSetting(host, io, f, arg) : readSetting(host, io, f, arg);
    }
  }
  return rc;
}

/** `cat /proc/sys/...` on the node: the file's text, or undefined when it does not exist (or is not simulated). */
export function readProcSys(host: HostNode, path: string): string | undefined {
  const value = host.stack.readSysctl(path);
  return value === undefined ? undefined : `${value}\n`;
}

/** `echo VALUE > /proc/sys/...` as bash reports it: a missing file, or a value the kernel refuses. */
export function writeProcSys(host: HostNode, path: string, data: string, command = "echo"): ToolResult {
  if (host.stack.readSysctl(path) === undefined) return { stdout: "", stderr: `bash: ${path}: No such file or directory\n`, exitCode: 1 };
  const err = host.stack.writeSysctl(path, data);
  if (err !== undefined) return { stdout: "", stderr: `bash: ${command}: write error: Invalid argument\n`, exitCode: 1 };
  return { stdout: "", stderr: "", exitCode: 0 };
}
