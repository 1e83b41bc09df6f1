// The errors a TCP socket reports (tcp(7), errno(3)): the stack's errnos — ICMP errors converted by
// icmp_err_convert, routing failures — plus TCP's own, with glibc's strerror text.
import type { Errno } from "../errno.ts";

/** What a TCP socket reports: the stack's errnos plus TCP's own. */
export type TcpErrno = Errno | "ETIMEDOUT" | "ECONNRESET" | "EPIPE";

const TCP_TEXT: Readonly<Record<"ETIMEDOUT" | "ECONNRESET" | "EPIPE", string>> = {
  ETIMEDOUT: "Connection timed out",
  ECONNRESET: "Connection reset by peer",
  EPIPE: "Broken pipe",
};

/** strerror for TCP's own errnos (the others: errnoText). */
export function tcpErrnoText(errno: "ETIMEDOUT" | "ECONNRESET" | "EPIPE"): string {
  return TCP_TEXT[errno];
}
