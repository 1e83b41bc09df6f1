// The typed view of /etc/xen/xend-config.sxp (xen-networking.md §6), read the way xend 4.0's
// XendOptions.py reads it: each setting is `(name value)`, looked up with sxp.child_value, so the
// first form with that name wins and only its first value counts; booleans are yes/y/1/on/true/t or
// no/n/0/off/false/f in any case, integers are Python int(). network-script is split on single
// spaces into the script and the VAR=VALUE arguments network-bridge evaluates. Unknown names are
// kept in `entries`. `xendSettings` applies xend's code defaults to give the values xend would use.

import type { Parsed } from "../diagnostic.ts";
import { emit, type Sink } from "../xen-cfg/sink.ts";
import { lineIndex, type Located, type Range } from "../source-text.ts";
import { readSxp, type SxpList, type SxpNode } from "./sxp-reader.ts";

/** A script with its arguments, as xend would run it. */
export interface ScriptCall {
  readonly script: string;
  readonly args: readonly string[];
  /** The `NAME=VALUE` arguments (network-bridge's netdev=, bridge=, vifnum=...). */
  readonly vars: readonly { readonly name: string; readonly value: string }[];
}

/** One top-level `(name value...)` form. */
export interface XendEntry {
  readonly key: string;
  readonly values: readonly SxpNode[];
  readonly range: Range;
}

type BoolField = "enableDom0Ballooning" | "xendHttpServer" | "xendUnixServer" | "xendTcpXmlrpcServer" | "xendUnixXmlrpcServer" | "xendRelocationServer" | "xendRelocationSslServer" | "xendRelocationSsl" | "enableDump";
type IntField = "dom0MinMem" | "dom0Cpus" | "totalAvailableMemory" | "xendPort" | "xendRelocationPort" | "xendRelocationSslPort" | "xendTcpXmlrpcServerPort" | "consoleLimit";
type StringField = "xendAddress" | "xendRelocationAddress" | "xendRelocationHostsAllow" | "xendUnixPath" | "xendTcpXmlrpcServerAddress" | "vncListen" | "vncpasswd" | "keymap" | "logfile" | "loglevel";

/** xend-config.sxp, typed. An absent field means xend uses its default (see `xendSettings`). */
export type XendConfig = {
  readonly file: string;
  /** Every top-level expression, raw. */
  readonly forms: readonly SxpNode[];
  /** Every `(name ...)` form in file order, including unknown names and repeats. */
  readonly entries: readonly XendEntry[];
  /** `null`: set to an empty string, so no network script runs. */
  readonly networkScript?: Located<ScriptCall | null>;
  readonly vifScript?: Located<ScriptCall>;
} & { readonly [K in BoolField]?: Located<boolean> } & { readonly [K in IntField]?: Located<number> } & { readonly [K in StringField]?: Located<string> };

const BOOLS: Readonly<Record<string, BoolField>> = {
  "enable-dom0-ballooning": "enableDom0Ballooning", "xend-http-server": "xendHttpServer", "xend-unix-server": "xendUnixServer",
  "xend-tcp-xmlrpc-server": "xendTcpXmlrpcServer", "xend-unix-xmlrpc-server": "xendUnixXmlrpcServer", "xend-relocation-server": "xendRelocationServer",
  "xend-relocation-ssl-server": "xendRelocationSslServer", "xend-relocation-ssl": "xendRelocationSsl", "enable-dump": "enableDump",
};
const INTS: Readonly<Record<string, IntField>> = {
  "dom0-min-mem": "dom0MinMem", "dom0-cpus": "dom0Cpus", total_available_memory: "totalAvailableMemory", "xend-port": "xendPort",
  "xend-relocation-port": "xendRelocationPort", "xend-relocation-ssl-port": "xendRelocationSslPort",
  "xend-tcp-xmlrpc-server-port": "xendTcpXmlrpcServerPort", "console-limit": "consoleLimit",
};
const STRINGS: Readonly<Record<string, StringField>> = {
  "xend-address": "xendAddress", "xend-relocation-address": "xendRelocationAddress", "xend-relocation-hosts-allow": "xendRelocationHostsAllow",
  "xend-unix-path": "xendUnixPath", "xend-tcp-xmlrpc-server-address": "xendTcpXmlrpcServerAddress", "vnc-listen": "vncListen",
  vncpasswd: "vncpasswd", keymap: "keymap", logfile: "logfile", loglevel: "loglevel",
};
const TRUE = ["yes", "y", "1", "on", "true", "t"];
const FALSE = ["no", "n", "0", "off", "false", "f"];

/** Reads and types xend-config.sxp; never throws. */
export function parseXendConfig(text: string, file: string): Parsed<XendConfig> {
  const read = readSxp(text, file);
  const sink: Sink = { index: lineIndex(file, text), toolstack: undefined, diagnostics: [...read.diagnostics] };
  const entries = collectEntries(read.value.forms, sink);
  const config: Record<string, unknown> = { file, forms: read.value.forms, entries };
  const seen = new Map<string, XendEntry>();
  for (const e of entries) {
    const first = seen.get(e.key);
    if (first) {
      const message = `xend reads only the first (${e.key} ...), on line ${first.range.line}; this one is ignored`;
      emit(sink, "xend-duplicate", "warning", message, e.range);
      continue;
    }
    seen.set(e.key, e);
    const value = firstValue(e, sink);
    if (value !== undefined) typeEntry(config, e, value, sink);
  }
  return { value: config as XendConfig, diagnostics: sink.diagnostics };
}

/** Top-level lists whose head is an atom; anything else at top level is ignored by xend. */
function collectEntries(forms: readonly SxpNode[], sink: Sink): XendEntry[] {
  const entries: XendEntry[] = [];
  for (const f of forms) {
    const head = f.kind === "list" ? f.items[0] : undefined;
    if (f.kind === "list" && head?.kind === "atom") entries.push({ key: head.value, values: f.items.slice(1), range: f.range });
    else {
      const what = f.kind === "atom" ? `the word \`${f.value}\` outside parentheses` : "a list without a name";
      emit(sink, "xend-stray", "warning", `${what}: xend ignores it`, f.range, "settings are written (name value)");
    }
  }
  return entries;
}

/** sxp.child_value: the first value; more values are ignored (a classic unquoted network-script mistake). */
function firstValue(e: XendEntry, sink: Sink): SxpNode | undefined {
  const [value, ...extra] = e.values;
  if (value && extra.length > 0) {
    const ignored = extra.map(show).join(" ");
    const hint = value.kind === "atom" ? `quote the whole value: (${e.key} '${[value, ...extra].map(show).join(" ")}')` : undefined;
    emit(sink, "xend-extra-values", "warning", `xend reads only the first value of (${e.key} ...); \`${ignored}\` is ignored`, extra[0]!.range, hint);
  }
  return value;
}

function show(n: SxpNode): string {
  return n.kind === "atom" ? n.value : "(...)";
}

function typeEntry(config: Record<string, unknown>, e: XendEntry, value: SxpNode, sink: Sink): void {
  if (e.key === "network-script" || e.key === "vif-script") {
    const atom = expectAtom(e, value, sink);
    if (atom === undefined) return;
    const call = scriptCall(e, atom, value.range, sink);
    if (e.key === "network-script") config.networkScript = { value: call, range: value.range };
    else if (call) config.vifScript = { value: call, range: value.range };
    return;
  }
  const bool = BOOLS[e.key];
  const int = INTS[e.key];
  const str = STRINGS[e.key];
  if (!bool && !int && !str) return;
  const atom = expectAtom(e, value, sink);
  if (atom === undefined) return;
  if (str) config[str] = { value: atom, range: value.range };
  if (bool) {
    const v = atom.toLowerCase();
    if (TRUE.includes(v) || FALSE.includes(v)) config[bool] = { value: TRUE.includes(v), range: value.range };
    else emit(sink, "xend-bad-value", "error", `(${e.key} ${atom}): expected yes or no ("invalid xend config: expected bool"); xend refuses to start`, value.range);
  }
  if (int) {
    if (/^\s*[+-]?[0-9]+\s*$/.test(atom)) config[int] = { value: Number(atom), range: value.range };
    else emit(sink, "xend-bad-value", "error", `(${e.key} ${atom}): expected an integer ("invalid xend config: expected int"); xend refuses to start`, value.range);
  }
}

function expectAtom(e: XendEntry, value: SxpNode, sink: Sink): string | undefined {
  if (value.kind === "atom") return value.value;
  emit(sink, "xend-bad-value", "error", `(${e.key} ...) takes a single word or string, not a list`, value.range);
  return undefined;
}

/** `'network-bridge netdev=eth1'` → script + args, split on single spaces as XendOptions does. */
function scriptCall(e: XendEntry, s: string, range: Range, sink: Sink): ScriptCall | null {
  if (s === "") {
    if (e.key === "vif-script") emit(sink, "xend-bad-value", "error", "(vif-script '') names no script: every vif's hotplug fails", range);
    return null;
  }
  const words = e.key === "network-script" ? s.split(" ") : s.split(/\s+/).filter((w) => w !== "");
  const [script = "", ...args] = words;
  if (script === "") emit(sink, "xend-bad-value", "error", `(${e.key} '${s}') starts with a space: xend runs the scripts directory itself and fails`, range);
  const vars = args.filter((a) => a.includes("=")).map((a) => ({ name: a.slice(0, a.indexOf("=")), value: a.slice(a.indexOf("=") + 1) }));
  return { script, args, vars };
}

/** The settings xend would run with: the file's values, else XendOptions' code defaults. */
export interface XendSettings {
  readonly networkScript: ScriptCall | null;
  readonly vifScript: ScriptCall;
  readonly dom0MinMem: number;
  readonly enableDom0Ballooning: boolean;
  readonly dom0Cpus: number;
  readonly totalAvailableMemory: number;
  readonly relocationServer: boolean;
  readonly relocationPort: number;
  readonly relocationAddress: string;
  readonly relocationHostsAllow: string;
  readonly httpServer: boolean;
  readonly unixXmlrpcServer: boolean;
  readonly consoleLimit: number;
  readonly vncListen: string;
}

/** Applies xend 4.0's defaults (ballooning defaults to no when dom0-min-mem is 0). */
export function xendSettings(c: XendConfig): XendSettings {
  const dom0MinMem = c.dom0MinMem?.value ?? 0;
  return {
    networkScript: c.networkScript?.value ?? null,
    vifScript: c.vifScript?.value ?? { script: "vif-bridge", args: [], vars: [] },
    dom0MinMem,
    enableDom0Ballooning: c.enableDom0Ballooning?.value ?? dom0MinMem !== 0,
    dom0Cpus: c.dom0Cpus?.value ?? 0,
    totalAvailableMemory: c.totalAvailableMemory?.value ?? 0,
    relocationServer: c.xendRelocationServer?.value ?? false,
    relocationPort: c.xendRelocationPort?.value ?? 8002,
    relocationAddress: c.xendRelocationAddress?.value ?? "",
    relocationHostsAllow: c.xendRelocationHostsAllow?.value ?? "",
    httpServer: c.xendHttpServer?.value ?? false,
    unixXmlrpcServer: c.xendUnixXmlrpcServer?.value ?? true,
    consoleLimit: c.consoleLimit?.value ?? 1024,
    vncListen: c.vncListen?.value ?? "127.0.0.1",
  };
}
