// The commands a node's hook lines and Xen scripts call, over its simulated kernel: `iptables`
// and `conntrack` (the node's Netfilter), `echo V > /proc/sys/…` and `sysctl -w` (the stack's sysctl files, with
// dash's and procps's messages for a path that does not exist — Xen 4.0 network-route's
// `conf/eth/proxy_arp`), `echo … > FILE` into the simulated filesystem, `sleep`, `true`, `false`,
// iproute2's ip, brctl, bridge, sysctl and ifconfig from hypervisor/host-tools when the caller gives
// the node they run on, and whatever else the caller adds (ifup/ifdown, the Xen scripts).

import type { Sim } from "../../netsim/engine/index.ts";
import type { Ipv4Stack, Netfilter } from "../../netsim/l3/index.ts";
import { HOST_TOOLS, runHostTool, type HostNode } from "../host-tools/index.ts";
import type { SimFs } from "../sim-fs.ts";
import type { LineCommand, LineIo } from "./shell-line.ts";

/** What the commands act on. */
export interface CommandTarget {
  readonly sim: Sim;
  readonly stack: Ipv4Stack;
  readonly netfilter: Netfilter | null;
  /** The node's filesystem (dom0's SimFs); absent for a guest, whose files are not simulated. */
  readonly fs?: SimFs;
  /** The node as host-tools see it: ip, brctl, bridge, sysctl and ifconfig run against it. */
  readonly node?: HostNode;
}

const sync = (fn: (argv: readonly string[], io: LineIo, redirect?: string) => number): LineCommand => (argv, io, done, redirect) => done(fn(argv, io, redirect));

/** The basic command table over `t` (see the file header). */
export function nodeCommands(t: CommandTarget): Map<string, LineCommand> {
  const table = new Map<string, LineCommand>();
  table.set("true", sync(() => 0));
  table.set(":", sync(() => 0));
  table.set("false", sync(() => 1));
  table.set("echo", sync((argv, io, redirect) => echo(t, argv, io, redirect)));
  table.set("sysctl", sync((argv, io) => sysctl(t.stack, argv, io)));
  const nf = t.netfilter;
  if (nf !== null) {
    table.set("iptables", sync((argv, io) => report(io, nf.iptables(argv))));
    table.set("iptables-save", sync((argv, io) => report(io, nf.iptablesSave(argv))));
    table.set("conntrack", sync((argv, io) => report(io, nf.conntrackCommand(argv))));
  }
  const node = t.node;
  if (node !== undefined) {
    const fs = t.fs;
    const readFile = fs ? (path: string) => fs.readFile(path) : undefined;
    for (const name of HOST_TOOLS) {
      table.set(name, sync((argv, io) => report(io, runHostTool(node, [name, ...argv], readFile ? { readFile } : {})!)));
    }
  }
  table.set("sleep", (argv, io, done) => {
    const seconds = Number(argv[0]);
    if (argv.length !== 1 || !(seconds >= 0)) return io.err(`sleep: invalid time interval \`${argv[0] ?? ""}'\n`), done(1);
    t.sim.schedule(Math.round(seconds * 1_000_000), () => done(0));
  });
  return table;
}

function report(io: LineIo, r: { readonly stdout: string; readonly stderr: string; readonly exitCode: number }): number {
  io.out(r.stdout);
  io.err(r.stderr);
  return r.exitCode;
}

/** `echo [-n] WORDS [> FILE]`; /proc/sys files go to the stack. */
function echo(t: CommandTarget, argv: readonly string[], io: LineIo, redirect?: string): number {
  const noNewline = argv[0] === "-n";
  const text = (noNewline ? argv.slice(1) : argv).join(" ") + (noNewline ? "" : "\n");
  if (redirect === undefined) return io.out(text), 0;
  if (redirect.startsWith("/proc/sys/")) {
    const err = t.stack.writeSysctl(redirect, text.trim());
    if (err === undefined) return 0;
    io.err(err === "ENOENT" ? `sh: 1: cannot create ${redirect}: Directory nonexistent\n` : `sh: 1: echo: I/O error\n`);
    return err === "ENOENT" ? 2 : 1;
  }
  if (t.fs === undefined) return 0;
  const written = t.fs.writeFile(redirect, text);
  if (written.ok) return 0;
  io.err(`sh: 1: cannot create ${redirect}: ${written.error === "ENOENT" ? "Directory nonexistent" : "Is a directory"}\n`);
  return 2;
}

/** procps 3.2.8 `sysctl [-q] [-w] NAME=VALUE…` and `sysctl NAME`. */
function sysctl(stack: Ipv4Stack, argv: readonly string[], io: LineIo): number {
  const quiet = argv.includes("-q");
  let status = 0;
  for (const a of argv.filter((x) => !x.startsWith("-"))) {
    const eq = a.indexOf("=");
    const name = (eq < 0 ? a : a.slice(0, eq)).trim();
    if (eq < 0) {
      const v = stack.readSysctl(name);
      if (v === undefined) {
        io.err(`error: "${name}" is an unknown key\n`);
        status = 255;
      } else io.out(`${name} = ${v}\n`);
      continue;
    }
    const value = a.slice(eq + 1).trim();
    const err = stack.writeSysctl(name, value);
    if (err === "ENOENT") {
      io.err(`error: "${name}" is an unknown key\n`);
      status = 255;
    } else if (err !== undefined) {
      io.err(`error: "Invalid argument" setting key "${name}"\n`);
      status = 255;
    } else if (!quiet) io.out(`${name} = ${value}\n`);
  }
  return status;
}
