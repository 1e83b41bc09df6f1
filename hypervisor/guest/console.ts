// A domain's PV console as xenconsoled and `xm console` present it (tools/console/daemon/io.c,
// tools/console/client/main.c; domains.md §6). The guest writes to hvc0 — every line ending as
// CR LF, since the kernel's hvc console and the tty's onlcr both turn "\n" into "\r\n"; while no client is
// attached xenconsoled keeps what arrives in a buffer capped at `console-limit` (1024 KiB by
// default; past it the oldest bytes go). A client that attaches first receives that buffer — which
// is why the first `xm console` after `xm create` shows the whole boot log — and from then on the
// output as it comes. Keystrokes go to the guest; the escape byte Ctrl+] (0x1D) is not sent: the
// client detaches there and the guest keeps running.
//
// For the shell: `xm console NAME` attaches a ConsoleSession, prints `backlog`, then passes what the
// user types to `type()` (a line at a time is fine); `type` returns false once it met Ctrl+] (the
// bytes before it were delivered) — return to the dom0 prompt then. Output produced while attached
// arrives through the listener given to `attach`, or can be collected with `take()`.

/** The escape byte that detaches `xm console`: Ctrl+]. */
export const CONSOLE_ESCAPE = "\x1d";

/** One attached `xm console` client. */
export interface ConsoleSession {
  /** What xenconsoled had buffered when the client attached. */
  readonly backlog: string;
  /** Output received since attaching (or since the last `take`), for callers without a listener. */
  take(): string;
  /** Sends keystrokes to the guest; false when a Ctrl+] in them detached the session. */
  type(input: string): boolean;
  /** Leaves the console (as Ctrl+] does). */
  detach(): void;
  readonly attached: boolean;
}

/** The console of one domain (see the file header). */
export class Console {
  private buffer = "";
  private client: { listener: ((text: string) => void) | undefined; pending: string } | null = null;
  /** Where keystrokes go (the guest's getty); unset while nothing reads hvc0. */
  onInput: ((text: string) => void) | null = null;

  constructor(private readonly limitBytes = 1024 * 1024) {}

  /** Output from the guest; line ends become CR LF, as the hvc console and the tty's onlcr make them. */
  write(raw: string): void {
    if (raw === "") return;
    const text = raw.replace(/\r?\n/g, "\r\n");
    if (this.client) {
      if (this.client.listener) this.client.listener(text);
      else this.client.pending += text;
      return;
    }
    this.buffer += text;
    if (this.buffer.length > this.limitBytes) this.buffer = this.buffer.slice(this.buffer.length - this.limitBytes);
  }

  /** True while a client is attached (only one at a time, like xenconsoled's pty). */
  get attached(): boolean {
    return this.client !== null;
  }

  /** Attaches a client: it gets the buffered output, then live output through `listener` or `take()`. */
  attach(listener?: (text: string) => void): ConsoleSession {
    if (this.client) throw new Error("console: a client is already attached");
    const backlog = this.buffer;
    this.buffer = "";
    const client = { listener, pending: "" };
    this.client = client;
    const isMine = () => this.client === client;
    const detach = () => {
      if (isMine()) this.client = null;
    };
    return {
      backlog,
      take: () => {
        const out = client.pending;
        client.pending = "";
        return out;
      },
      type: (input: string) => {
        if (!isMine()) return false;
        const escape = input.indexOf(CONSOLE_ESCAPE);
        const sent = escape === -1 ? input : input.slice(0, escape);
        if (sent !== "") this.onInput?.(sent);
        if (escape !== -1) detach();
        return escape === -1;
      },
      detach,
      get attached() {
        return isMine();
      },
    };
  }

  /** What xenconsoled holds for the next client, without taking it. */
  peek(): string {
    return this.buffer;
  }
}
