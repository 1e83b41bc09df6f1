// A root shell on the simulated dom0 of a running Machine: `root@HOST:~#`, one command line at a
// time, printing what the real tools print on a Debian Squeeze host. Commands are registered by
// name: the toolstack's xm and xen-create-image and the shell's own builtins here, the dom0 kernel's
// tools, ping, traceroute, tcpdump, `on DOMAIN` and reboot in machine-commands.ts. Unknown commands
// get bash's `bash: X: command not found`, exit 127.
import { SECOND } from "../../netsim/engine/sim.ts";
import type { FsError, SimFs } from "../sim-fs.ts";
import type { ConsoleSession } from "../guest/console.ts";
import type { Machine } from "../machine/machine.ts";
import { readProcSys } from "../host-tools/index.ts";
import { runXm } from "../xm/xm-cli.ts";
import { registerMachineCommands } from "./machine-commands.ts";
import { splitCommandLine } from "./words.ts";

/** What one command line printed and its exit status. */
export interface ShellResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Both streams in the order they were written, as a terminal shows them. */
  readonly combined: string;
  readonly exitCode: number;
}

/** Where a command writes; `out` is redirected when the line has `> FILE`. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

/** A command: its arguments (without its name), where to print, and the whole line as typed; returns the exit status. */
export type ShellCommand = (args: readonly string[], io: CommandIo, line: string) => number;

function failure(stderr: string, exitCode: number): ShellResult {
  return { stdout: "", stderr, combined: stderr, exitCode };
}

/** The status a command returns when it has written its own `> FILE` redirection (it exits 0). */
export const REDIRECT_DONE = -1;

/** Seconds of console silence after which an unattended `xm console` gives up waiting. */
const CONSOLE_IDLE = 30;

const FS_ERROR_TEXT: Readonly<Record<FsError, string>> = {
  ENOENT: "No such file or directory",
  ENOTDIR: "Not a directory",
  EISDIR: "Is a directory",
  EEXIST: "File exists",
  ENOTEMPTY: "Directory not empty",
  ELOOP: "Too many levels of symbolic links",
};

/** The dom0 shell. */
export class Dom0Shell {
  private readonly commands = new Map<string, ShellCommand>();
  /** A job left running by one command that ends after the next one (a `tcpdump` without -c). */
  private pendingJob: ((io: CommandIo) => void) | null = null;
  readonly cwd = "/root";

  constructor(readonly machine: Machine) {
    this.register("xm", (args, io) => this.xm(args, io));
    this.register("xen-create-image", (args, io) => {
      const r = machine.xenCreateImage(args);
      io.out(r.stdout);
      io.err(r.stderr);
      return r.status;
    });
    this.register("cat", (args, io) => this.cat(args, io));
    this.register("echo", (args, io) => (io.out(`${args.join(" ")}\n`), 0));
    this.register("sleep", (args, io) => this.sleep(args, io));
    this.register("hostname", (_args, io) => (io.out(`${this.hostname}\n`), 0));
    this.register("help", (_args, io) => (io.out(this.help()), 0));
    registerMachineCommands(this, machine);
  }

  /** The host name the prompt shows (dom0's, as its boot set it). */
  get hostname(): string {
    return this.machine.files?.config.hostname?.value ?? this.machine.spec.hostname;
  }

  /** dom0's filesystem (the same across reboots). */
  private get fs(): SimFs {
    return this.machine.xen.fs;
  }

  /** `root@debian:~# ` */
  get prompt(): string {
    return `root@${this.hostname}:~# `;
  }

  /** Adds (or replaces) a command. */
  register(name: string, command: ShellCommand): void {
    this.commands.set(name, command);
  }

  /** Names of the commands this shell knows, sorted. */
  commandNames(): string[] {
    return [...this.commands.keys()].sort();
  }

  /** Runs one command line. */
  run(line: string): ShellResult {
    const job = this.pendingJob;
    this.pendingJob = null;
    const result = this.runCommand(line);
    return job === null ? result : this.finishJob(job, result);
  }

  /**
   * Lets `job` run through the next command line, then end and print after that line's output —
   * how a capture left running in another terminal while the next command runs reads in a transcript.
   */
  afterNextCommand(job: (io: CommandIo) => void): void {
    this.pendingJob = job;
  }

  /** Ends a job still running (the script or the session is over), as Ctrl-C would. */
  finishPending(): ShellResult {
    const job = this.pendingJob;
    this.pendingJob = null;
    return job === null ? failure("", 0) : this.finishJob(job, failure("", 0));
  }

  private finishJob(job: (io: CommandIo) => void, result: ShellResult): ShellResult {
    let { stdout, stderr, combined } = result;
    job({ out: (t) => ((stdout += t), (combined += t)), err: (t) => ((stderr += t), (combined += t)) });
    return { ...result, stdout, stderr, combined };
  }

  private runCommand(line: string): ShellResult {
    const split = splitCommandLine(line);
    if (!split.ok) return failure(`bash: ${split.error}\n`, 2);
    const { words, redirect } = split.value;
    const [name, ...args] = words;
    if (name === undefined) return failure("", 0);
    const command = this.commands.get(name);
    if (command === undefined) return failure(`bash: ${name}: command not found\n`, 127);
    let stdout = "";
    let stderr = "";
    let combined = "";
    const redirected = redirect !== undefined;
    const io: CommandIo = {
      out: (t) => ((stdout += t), redirected ? undefined : (combined += t)),
      err: (t) => ((stderr += t), (combined += t)),
    };
    const exitCode = command(args, io, line);
    if (redirect === undefined || exitCode === REDIRECT_DONE) return { stdout, stderr, combined, exitCode: exitCode === REDIRECT_DONE ? 0 : exitCode };
    if (redirect.path === "/dev/null") return { stdout: "", stderr, combined, exitCode };
    const path = this.absolute(redirect.path);
    const written = redirect.append ? this.fs.appendFile(path, stdout) : this.fs.writeFile(path, stdout);
    if (!written.ok) return { stdout: "", stderr: `${stderr}bash: ${redirect.path}: ${FS_ERROR_TEXT[written.error]}\n`, combined: `${combined}bash: ${redirect.path}: ${FS_ERROR_TEXT[written.error]}\n`, exitCode: 1 };
    return { stdout: "", stderr, combined, exitCode };
  }

  /** A path as bash would open it from the shell's working directory. */
  absolute(path: string): string {
    return path.startsWith("/") ? path : `${this.cwd}/${path}`;
  }

  private xm(args: readonly string[], io: CommandIo): number {
    const r = runXm(this.machine.toolstack, args);
    io.out(r.stdout);
    io.err(r.stderr);
    if (r.session) io.out(this.watchConsole(r.session));
    return r.status;
  }

  /**
   * `xm console` without a keyboard: what a person would see watching the console until the login
   * prompt appears (or the console stays silent for CONSOLE_IDLE), after which they press Ctrl+].
   */
  private watchConsole(session: ConsoleSession): string {
    let seen = session.backlog + session.take();
    let quiet = 0;
    while (!/login: $/.test(seen) && quiet < CONSOLE_IDLE) {
      this.machine.sim.runFor(SECOND);
      const more = session.take();
      seen += more;
      quiet = more === "" ? quiet + 1 : 0;
    }
    session.detach();
    return `${seen}\n`;
  }

  private cat(args: readonly string[], io: CommandIo): number {
    let status = 0;
    for (const arg of args) {
      const path = this.absolute(arg);
      const text = this.readKernelFile(path) ?? this.fs.readFile(path);
      if (text !== undefined) io.out(text);
      else {
        io.err(`cat: ${arg}: ${this.fs.isDir(path) ? "Is a directory" : "No such file or directory"}\n`);
        status = 1;
      }
    }
    return status;
  }

  /** /proc/sys files come from dom0's running kernel, not from the filesystem. */
  private readKernelFile(path: string): string | undefined {
    const node = path.startsWith("/proc/sys/") ? this.machine.hostNode("dom0") : undefined;
    return node === undefined ? undefined : readProcSys(node, path);
  }

  /** `sleep N`: lets N seconds of simulated time pass. */
  private sleep(args: readonly string[], io: CommandIo): number {
    const seconds = Number(args[0]);
    if (args.length !== 1 || !Number.isFinite(seconds) || seconds < 0) {
      io.err(args.length === 0 ? "sleep: missing operand\nTry `sleep --help' for more information.\n" : `sleep: invalid time interval \`${args[0]}'\nTry \`sleep --help' for more information.\n`);
      return 1;
    }
    this.machine.sim.runFor(Math.round(seconds * SECOND));
    return 0;
  }

  private help(): string {
    return [
      "xennet: a root shell on the simulated dom0. Commands print what they print on a Debian Squeeze host.",
      `Commands: ${this.commandNames().join(", ")}.`,
      "`sleep N` lets N seconds of simulated time pass; `> FILE` writes into the simulated filesystem.",
      "",
    ].join("\n");
  }
}
