// A line-by-line port of shared/corpus/regen-expected.sh (the Python part), with the real ifquery
// replaced by a function: it runs the same argument lists, in the same working-directory layout
// (the file alone under its basename in an empty directory, `state/` created by ifquery's
// mkdir(statedir), an empty /etc/network), and builds the JSON the script writes. Comparing its
// output with interfaces-expected/*.json therefore compares our ifquery with the real one.

/** Runs one ifquery invocation; returns its exit status and stdout+stderr merged, as lines. */
export type IfqueryRunner = (args: readonly string[]) => { readonly rc: number; readonly lines: readonly string[] };

/** The script's names_in(): its own small pre-parse, used only to choose what to query. */
export function namesIn(raw: string): { names: string[]; classes: string[] } {
  const logical: string[] = [];
  let cur = "";
  for (const line of raw.split("\n")) {
    if (line.endsWith("\\")) {
      cur += line.slice(0, -1);
      continue;
    }
    logical.push(cur + line);
    cur = "";
  }
  if (cur !== "") logical.push(cur);
  const names: string[] = [];
  const classes: string[] = [];
  for (const line of logical) {
    const s = line.trim();
    if (s === "" || s.startsWith("#")) continue;
    const w = s.split(/\s+/);
    const w0 = w[0] ?? "";
    if (w0 === "iface" && w.length > 1) {
      if (!names.includes(w[1] ?? "")) names.push(w[1] ?? "");
    } else if (w0.startsWith("allow-") && w0 !== "allow-auto" && w0 !== "allow-hotplug") {
      if (!classes.includes(w0.slice(6))) classes.push(w0.slice(6));
    }
  }
  return { names, classes };
}

const OPT = /^([^\s:]+): (.*)$/s;
const MARK = /^ifquery: querying interface (\S+)=(\S+) \((\S+)\)$/s;
const TRACE = /^ifquery: (parsing file|reading directory) /;

type Options = Record<string, string | string[]>;
interface Stanza {
  family: string;
  options: Options;
  logical?: string;
}

function addOption(opts: Options, k: string, v: string): void {
  const old = opts[k];
  if (old === undefined) opts[k] = v;
  else if (Array.isArray(old)) old.push(v);
  else opts[k] = [old, v];
}

function appendContinuation(opts: Options, last: string, line: string): void {
  const old = opts[last];
  if (Array.isArray(old)) old[old.length - 1] += `\n${line}`;
  else opts[last] = `${old ?? ""}\n${line}`;
}

/** The script's parse_query(): splits `ifquery -v NAME` output into stanzas of options. */
export function parseQuery(lines: readonly string[], errors: string[], trace: string[]): Stanza[] {
  const stanzas: Stanza[] = [];
  let cur: Stanza | undefined;
  let last: string | undefined;
  for (const line of lines) {
    const m = MARK.exec(line);
    if (m !== null) {
      cur = { family: m[3] ?? "", options: {} };
      if (m[1] !== m[2]) cur.logical = m[2] ?? "";
      stanzas.push(cur);
      last = undefined;
    } else if (TRACE.test(line)) trace.push(line);
    else if (line.startsWith("ifquery: ") || cur === undefined) errors.push(line);
    else {
      const o = OPT.exec(line);
      if (o !== null) {
        addOption(cur.options, o[1] ?? "", o[2] ?? "");
        last = o[1] ?? "";
      } else if (last !== undefined) appendContinuation(cur.options, last, line);
      else errors.push(line);
    }
  }
  return stanzas;
}

function splitList(lines: readonly string[], errors: string[]): string[] {
  const names: string[] = [];
  for (const line of lines) (line.startsWith("ifquery: ") ? errors : names).push(line);
  return names;
}

/** The script's process(): the JSON object it writes for one corpus file. */
export function regenerate(base: string, raw: string, version: string, run: IfqueryRunner): unknown {
  const common = ["-i", base, "--state-dir", "state", "--no-mappings"];
  const errors: string[] = [];
  const trace: string[] = [];
  const list = run([...common, "--list"]);
  const auto = splitList(list.lines, errors);
  const hot = run([...common, "--list", "--allow=hotplug"]);
  const hotplug = splitList(hot.lines, errors);
  const { names, classes } = namesIn(raw);
  const other: Record<string, string[]> = {};
  const rcOther: Record<string, number> = {};
  for (const cls of classes) {
    const r = run([...common, "--list", `--allow=${cls}`]);
    other[cls] = splitList(r.lines, errors);
    rcOther[cls] = r.rc;
  }
  const qnames = [...names];
  for (const n of [...auto, ...hotplug, ...Object.values(other).flat()]) if (!qnames.includes(n)) qnames.push(n);
  const ifaces: Record<string, unknown> = {};
  const rcQ: Record<string, number> = {};
  for (const n of qnames) {
    const r = run([...common, "-v", n]);
    rcQ[n] = r.rc;
    const st = parseQuery(r.lines, errors, trace);
    const first = st[0];
    if (first === undefined) continue;
    const entry: Record<string, unknown> = { family: first.family, options: first.options };
    if (first.logical !== undefined) entry.logical = first.logical;
    if (st.length > 1) entry.stanzas = st;
    ifaces[n] = entry;
  }
  const dedup = (xs: string[]): string[] => [...new Set(xs)];
  const result: Record<string, unknown> = { source: `interfaces/${base}`, tool: version, auto, hotplug };
  if (classes.length > 0) result.allow = other;
  result.ifaces = ifaces;
  result.errors = dedup(errors).join("\n");
  if (trace.length > 0) result.sourced = dedup(trace);
  result.exitCode = list.rc;
  const exitCodes: Record<string, unknown> = { list: list.rc, hotplug: hot.rc, query: rcQ };
  if (classes.length > 0) exitCodes.allow = rcOther;
  result.exitCodes = exitCodes;
  return result;
}

/** Splits merged output into lines the way the script does (a final newline adds no empty line). */
export function outputLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}
