// What one run of a command-line tool produces — its standard output, its standard error and its
// exit status — and the `exit()` the C tools call from deep inside their argument parsers. A tool
// writes through an `Io`; `io.exit(code)` ends the run at once (it throws a ToolExit that only
// `runTool` catches), so an emulation can follow the C code's control flow line for line. Exit
// codes are what the shell sees: C's `exit(-1)` and `return -1` from main are 255.
import { errnoText, type Errno } from "../../netsim/l3/index.ts";

/** The result of running a tool. */
export interface ToolResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Thrown by `Io.exit`; caught by `runTool` only. */
class ToolExit {
  constructor(readonly code: number) {}
}

/** Output streams of one tool run. */
export class Io {
  stdout = "";
  stderr = "";

  out(text: string): void {
    this.stdout += text;
  }

  err(text: string): void {
    this.stderr += text;
  }

  /** exit(3): ends the run with `code` (taken modulo 256, as the shell sees it). */
  exit(code: number): never {
    throw new ToolExit(((code % 256) + 256) % 256);
  }

  /** Writes `message` to stderr and exits. */
  fail(message: string, code = 255): never {
    this.err(message);
    return this.exit(code);
  }
}

/** Runs `body` with a fresh Io; its return value (or the code given to `io.exit`) is the exit status. */
export function runTool(body: (io: Io) => number): ToolResult {
  const io = new Io();
  let code: number;
  try {
    code = ((body(io) % 256) + 256) % 256;
  } catch (e) {
    if (!(e instanceof ToolExit)) throw e;
    code = e.code;
  }
  return { stdout: io.stdout, stderr: io.stderr, exitCode: code };
}

/** errno values the kernel returns to these tools that the IPv4 stack's Errno does not name. */
export type MoreErrno = "EBUSY" | "ENXIO" | "ERANGE" | "ENOBUFS" | "EXFULL" | "ELOOP" | "ENOSPC" | "EAFNOSUPPORT";

const MORE_TEXT: Readonly<Record<MoreErrno, string>> = {
  EBUSY: "Device or resource busy",
  ENXIO: "No such device or address",
  ERANGE: "Numerical result out of range",
  ENOBUFS: "No buffer space available",
  EXFULL: "Exchange full",
  ELOOP: "Too many levels of symbolic links",
  ENOSPC: "No space left on device",
  EAFNOSUPPORT: "Address family not supported by protocol",
};

/** strerror for either kind of errno. */
export function strerror(errno: Errno | MoreErrno): string {
  return (MORE_TEXT as Record<string, string>)[errno] ?? errnoText(errno as Errno);
}

/** rtnl_talk's report of a kernel error: `RTNETLINK answers: File exists`, then exit(2) by the caller. */
export function rtnetlinkError(io: Io, errno: Errno | MoreErrno): never {
  io.err(`RTNETLINK answers: ${strerror(errno)}\n`);
  return io.exit(2);
}
