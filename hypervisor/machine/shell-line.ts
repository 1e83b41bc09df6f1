// The command lines of `pre-up`/`up`/`post-up`/`down` options and of the Xen scripts, run as
// `/bin/sh -c LINE` would: `$VAR`/`${VAR}` expansion from the hook environment (IFACE, IF_*…),
// words with quotes, `> FILE` redirection, and lists joined by `;`, `&&` and `||`. Each command is
// looked up by name (a full path counts by its last component) in the table the caller gives;
// commands run one after another in simulated time, so `sleep 2` or a script that waits for a link
// delays what follows. Unknown commands fail as dash reports them ("sh: 1: X: not found", 127).

/** A command's output streams. */
export interface LineIo {
  out(text: string): void;
  err(text: string): void;
}

/** A command: it calls `done` with its exit status, now or later in simulated time. */
export type LineCommand = (argv: readonly string[], io: LineIo, done: (status: number) => void, redirect?: string) => void;

/** What a line printed and its last status. */
export interface LineResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

interface Simple {
  readonly words: string[];
  readonly redirect?: string;
  /** How it joins the previous command. */
  readonly join: ";" | "&&" | "||";
}

/** Splits a line into simple commands; undefined when it uses shell syntax we do not run (pipes…). */
export function parseLine(line: string, env: Readonly<Record<string, string>>): Simple[] | undefined {
  const out: Simple[] = [];
  let words: string[] = [];
  let word: string | null = null;
  let redirect: string | undefined;
  let wantRedirect = false;
  let join: Simple["join"] = ";";
  const endWord = () => {
    if (word === null) return;
    if (wantRedirect) redirect = word;
    else words.push(word);
    word = null;
    wantRedirect = false;
  };
  const endCommand = (next: Simple["join"]) => {
    endWord();
    if (words.length > 0) out.push({ words, join, ...(redirect !== undefined ? { redirect } : {}) });
    words = [];
    redirect = undefined;
    join = next;
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "'" || ch === '"') {
      const close = line.indexOf(ch, i + 1);
      if (close < 0) return undefined;
      const inner = line.slice(i + 1, close);
      word = (word ?? "") + (ch === '"' ? expand(inner, env) : inner);
      i = close;
    } else if (ch === "$") {
      const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(line.slice(i));
      if (!m) return undefined;
      word = (word ?? "") + (env[m[1] ?? m[2] ?? ""] ?? "");
      i += m[0].length - 1;
    } else if (ch === "\\" && i + 1 < line.length) {
      word = (word ?? "") + line[++i];
    } else if (ch === " " || ch === "\t") {
      endWord();
    } else if (ch === ">") {
      endWord();
      wantRedirect = true;
    } else if (ch === ";") {
      endCommand(";");
    } else if (line.startsWith("&&", i) || line.startsWith("||", i)) {
      endCommand(line.startsWith("&&", i) ? "&&" : "||");
      i++;
    } else if (ch === "|" || ch === "&" || ch === "<" || ch === "`" || ch === "#") {
      if (ch === "#" && word === null) break;
      if (ch === "#") word = `${word}#`;
      else return undefined;
    } else {
      word = (word ?? "") + ch;
    }
  }
  endCommand(";");
  return out;
}

function expand(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, a?: string, b?: string) => env[a ?? b ?? ""] ?? "");
}

/** Runs `line` with `commands`; calls `done` once every command has run. */
export function runLine(line: string, env: Readonly<Record<string, string>>, commands: ReadonlyMap<string, LineCommand>, done: (r: LineResult) => void): void {
  const parsed = parseLine(line, env);
  let stdout = "";
  let stderr = "";
  const io: LineIo = { out: (t) => (stdout += t), err: (t) => (stderr += t) };
  if (parsed === undefined) {
    done({ stdout, stderr: `sh: 1: Syntax error: the simulator runs simple commands, lists and > redirections only: ${line}\n`, status: 2 });
    return;
  }
  let status = 0;
  const step = (i: number): void => {
    const cmd = parsed[i];
    if (cmd === undefined) return done({ stdout, stderr, status });
    if ((cmd.join === "&&" && status !== 0) || (cmd.join === "||" && status === 0)) return step(i + 1);
    const [name, ...args] = cmd.words;
    const base = (name ?? "").slice((name ?? "").lastIndexOf("/") + 1);
    const command = commands.get(name ?? "") ?? commands.get(base);
    if (command === undefined) {
      io.err(`sh: 1: ${name}: not found\n`);
      status = 127;
      return step(i + 1);
    }
    command(args, io, (s) => {
      status = s;
      step(i + 1);
    }, cmd.redirect);
  };
  step(0);
}
