// A root shell on the simulated dom0: `root@HOST:~#`, one command line at a time, printing what
// the real tools print on a Debian Squeeze host. Commands are registered by name, so each layer
// adds its own (the toolstack's xm and xen-create-image here; the running machine adds ip, brctl,
// iptables, ping, tcpdump…). Unknown commands get bash's `bash: X: command not found`, exit 127.
import { SECOND } from "../../netsim/engine/sim.ts";
import type { XenHost } from "../domains/host.ts";
import type { FsError } from "../sim-fs.ts";
import { xenCreateImage } from "../domains/host.ts";
import type { ConsoleSession } from "../guest/console.ts";
import { runXm } from "../xm/xm-cli.ts";
import { splitCommandLine } from "./words.ts";

/** What one command line printed and its exit status. */
export interface ShellResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Where a command writes; `out` is redirected when the line has `> FILE`. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

/** A command: its arguments (without its name) and where to print; returns the exit status. */
export type ShellCommand = (args: readonly string[], io: CommandIo) => number;

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
  readonly cwd = "/root";

  constructor(
    readonly host: XenHost,
    readonly hostname = host.hypervisor.host.hostname,
  ) {
    this.register("xm", (args, io) => this.xm(args, io));
    this.register("xen-create-image", (args, io) => {
      const r = xenCreateImage(host, args);
      io.out(r.stdout);
      io.err(r.stderr);
      return r.status;
    });
    this.register("cat", (args, io) => this.cat(args, io));
    this.register("echo", (args, io) => (io.out(`${args.join(" ")}\n`), 0));
    this.register("sleep", (args, io) => this.sleep(args, io));
    this.register("hostname", (_args, io) => (io.out(`${this.hostname}\n`), 0));
    this.register("help", (_args, io) => (io.out(this.help()), 0));
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
    const split = splitCommandLine(line);
    if (!split.ok) return { stdout: "", stderr: `bash: ${split.error}\n`, exitCode: 2 };
    const { words, redirect } = split.value;
    const [name, ...args] = words;
    if (name === undefined) return { stdout: "", stderr: "", exitCode: 0 };
    const command = this.commands.get(name);
    if (command === undefined) return { stdout: "", stderr: `bash: ${name}: command not found\n`, exitCode: 127 };
    let stdout = "";
    let stderr = "";
    const exitCode = command(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
    if (redirect === undefined) return { stdout, stderr, exitCode };
    const path = this.absolute(redirect.path);
    const written = redirect.append ? this.host.fs.appendFile(path, stdout) : this.host.fs.writeFile(path, stdout);
    if (!written.ok) return { stdout: "", stderr: `${stderr}bash: ${redirect.path}: ${FS_ERROR_TEXT[written.error]}\n`, exitCode: 1 };
    return { stdout: "", stderr, exitCode };
  }

  /** A path as bash would open it from the shell's working directory. */
  absolute(path: string): string {
    return path.startsWith("/") ? path : `${this.cwd}/${path}`;
  }

  private xm(args: readonly string[], io: CommandIo): number {
    const r = runXm(this.host.toolstack, args);
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
      this.host.sim.runFor(SECOND);
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
      const text = this.host.fs.readFile(path);
      if (text !== undefined) io.out(text);
      else {
        io.err(`cat: ${arg}: ${this.host.fs.isDir(path) ? "Is a directory" : "No such file or directory"}\n`);
        status = 1;
      }
    }
    return status;
  }

  /** `sleep N`: lets N seconds of simulated time pass. */
  private sleep(args: readonly string[], io: CommandIo): number {
    const seconds = Number(args[0]);
    if (args.length !== 1 || !Number.isFinite(seconds) || seconds < 0) {
      io.err(args.length === 0 ? "sleep: missing operand\nTry `sleep --help' for more information.\n" : `sleep: invalid time interval \`${args[0]}'\nTry \`sleep --help' for more information.\n`);
      return 1;
    }
    this.host.sim.runFor(Math.round(seconds * SECOND));
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
