// Splitting a shell command line into words, as bash does for the simple commands a dom0 transcript
// uses: blanks separate words, single quotes keep everything literally, double quotes keep blanks
// (with \" \\ \$ escapes), a backslash outside quotes escapes the next character, and `>`/`>>`
// redirect standard output to a file. No expansion, pipes or command substitution: a line that
// needs them is reported, not half-run.

/** A parsed command line. */
export interface CommandLine {
  readonly words: readonly string[];
  /** `> FILE` or `>> FILE`, when present. */
  readonly redirect?: { readonly path: string; readonly append: boolean };
}

/** The line, or why bash would not run it the way we can. */
export type SplitResult = { readonly ok: true; readonly value: CommandLine } | { readonly ok: false; readonly error: string };

const UNSUPPORTED = new Set(["|", "&", ";", "<", "`", "$("]);

/** Splits `line` into words and an optional output redirection. */
export function splitCommandLine(line: string): SplitResult {
  const words: string[] = [];
  let redirect: { path: string; append: boolean } | undefined;
  let pendingRedirect: boolean | undefined;
  let word: string | undefined;
  const finish = (): void => {
    if (word === undefined) return;
    if (pendingRedirect !== undefined) {
      redirect = { path: word, append: pendingRedirect };
      pendingRedirect = undefined;
    } else words.push(word);
    word = undefined;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === " " || c === "\t") finish();
    else if (c === "#" && word === undefined) break;
    else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { ok: false, error: "unexpected EOF while looking for matching `''" };
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      const closed = readDoubleQuoted(line, i + 1);
      if (!closed) return { ok: false, error: 'unexpected EOF while looking for matching `"\'' };
      word = (word ?? "") + closed.text;
      i = closed.end;
    } else if (c === "\\") {
      word = (word ?? "") + (line[i + 1] ?? "");
      i++;
    } else if (c === ">") {
      finish();
      if (pendingRedirect !== undefined) return { ok: false, error: "syntax error near unexpected token `>'" };
      pendingRedirect = line[i + 1] === ">";
      if (pendingRedirect) i++;
    } else if (UNSUPPORTED.has(c) || (c === "$" && line[i + 1] === "(")) {
      return { ok: false, error: `xennet's shell does not run pipelines, lists or substitutions (\`${c}')` };
    } else word = (word ?? "") + c;
  }
  finish();
  if (pendingRedirect !== undefined) return { ok: false, error: "syntax error near unexpected token `newline'" };
  return { ok: true, value: redirect ? { words, redirect } : { words } };
}

function readDoubleQuoted(line: string, from: number): { text: string; end: number } | undefined {
  let text = "";
  for (let i = from; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') return { text, end: i };
    if (c === "\\" && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) {
      text += line[i + 1];
      i++;
    } else text += c;
  }
  return undefined;
}
