// getty, login and a root shell on the guest's console (util-linux agetty's /etc/issue banner
// "Debian GNU/Linux 6.0 \n \l", login(1) with Squeeze's motd, bash's prompt). The terminal echoes
// what is typed, except the password; a wrong password costs login's 3-second delay and prints
// "Login incorrect". In the shell, halt, poweroff, reboot, `shutdown -h|-r now`, exit and logout are
// handled here; any other command goes to `GettyHost.run`, and is "command not found" without one.

import type { GuestClock } from "./guest-clock.ts";

/** What getty needs from the guest. */
export interface GettyHost {
  readonly clock: GuestClock;
  hostname(): string;
  /** The tty getty runs on (hvc0). */
  tty(): string;
  rootPassword(): string | undefined;
  print(text: string): void;
  /** halt / poweroff / reboot typed in the shell. */
  down(kind: "halt" | "poweroff" | "reboot"): void;
  /** Any other command: its output, or undefined when the guest does not know it. */
  run(command: string): string | undefined;
}

const MOTD = [
  "",
  "The programs included with the Debian GNU/Linux system are free software;",
  "the exact distribution terms for each program are described in the",
  "individual files in /usr/share/doc/*/copyright.",
  "",
  "Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent",
  "permitted by applicable law.",
].join("\r\n");

type State = { kind: "login" } | { kind: "password"; user: string } | { kind: "waiting" } | { kind: "shell" } | { kind: "off" };

/** The console login (see the file header). */
export class Getty {
  private state: State = { kind: "off" };
  private line = "";

  constructor(private readonly host: GettyHost) {}

  /** getty starts (end of boot) or starts again (after logout): banner and prompt. */
  start(): void {
    this.state = { kind: "login" };
    this.line = "";
    this.host.print(`\r\nDebian GNU/Linux 6.0 ${this.host.hostname()} ${this.host.tty()}\r\n\r\n${this.loginPrompt()}`);
  }

  /** getty stops (shutdown). */
  stop(): void {
    this.state = { kind: "off" };
  }

  /** Keystrokes from the console, line-buffered like a tty in canonical mode. */
  input(text: string): void {
    for (const ch of text) {
      if (this.state.kind === "off" || this.state.kind === "waiting") return;
      if (ch === "\r" || ch === "\n") {
        if (this.state.kind !== "password") this.host.print("\r\n");
        const line = this.line;
        this.line = "";
        this.enter(line);
      } else if (ch === "\x7f" || ch === "\b") {
        if (this.line.length > 0 && this.state.kind !== "password") this.host.print("\b \b");
        this.line = this.line.slice(0, -1);
      } else {
        this.line += ch;
        if (this.state.kind !== "password") this.host.print(ch);
      }
    }
  }

  private loginPrompt(): string {
    return `${this.host.hostname()} login: `;
  }

  private prompt(): string {
    return `root@${this.host.hostname()}:~# `;
  }

  private enter(line: string): void {
    const state = this.state;
    if (state.kind === "login") {
      if (line === "") return this.host.print(this.loginPrompt());
      this.state = { kind: "password", user: line };
      return this.host.print("Password: ");
    }
    if (state.kind === "password") return this.checkPassword(state.user, line);
    if (state.kind === "shell") this.command(line.trim());
  }

  private checkPassword(user: string, password: string): void {
    this.host.print("\r\n");
    const expected = this.host.rootPassword();
    if (user === "root" && expected !== undefined && password === expected) {
      this.state = { kind: "shell" };
      this.host.print(`Linux ${this.host.hostname()} 2.6.32-5-xen-amd64 #1 SMP Wed Jan 12 05:46:49 UTC 2011 x86_64\r\n${MOTD}\r\n${this.prompt()}`);
      return;
    }
    this.state = { kind: "waiting" };
    this.host.clock.after(3_000_000, () => {
      this.state = { kind: "login" };
      this.host.print(`\r\nLogin incorrect\r\n${this.loginPrompt()}`);
    });
  }

  private command(line: string): void {
    const word = line.split(/\s+/)[0] ?? "";
    const down = DOWN[line] ?? DOWN[word];
    if (line === "") return this.host.print(this.prompt());
    if (down) {
      this.state = { kind: "off" };
      return this.host.down(down);
    }
    if (word === "exit" || word === "logout") {
      this.host.print("logout\r\n");
      return this.start();
    }
    const out = this.host.run(line);
    const text = out ?? `-bash: ${word}: command not found\n`;
    this.host.print(text.replace(/\r?\n/g, "\r\n") + this.prompt());
  }
}

const DOWN: Readonly<Record<string, "halt" | "poweroff" | "reboot">> = {
  halt: "halt",
  poweroff: "poweroff",
  reboot: "reboot",
  "shutdown -h now": "poweroff",
  "shutdown -r now": "reboot",
  "init 0": "poweroff",
  "init 6": "reboot",
};
