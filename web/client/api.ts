// The page's client of the JSON API in web/api-types.ts: one typed function per route, errors
// turned into `ApiFailure` carrying the server's message (and located diagnostics when it has them).

import type {
  CheckReport, ClockCommand, ClockState, CommandResult, ConsoleView, DiagnosticView, DomainsView, FileSaved, FileView,
  FrameDetail, LiveGraph, SimEvent, TraceRequestBody, TraceResult,
} from "../api-types.ts";

/** A failed API call: the HTTP status and the server's `ApiError`. */
export class ApiFailure extends Error {
  constructor(readonly status: number, message: string, readonly diagnostics: readonly DiagnosticView[] = []) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "content-type": "application/json" };
  }
  const res = await fetch(path, init);
  const text = await res.text();
  const json: unknown = text === "" ? {} : JSON.parse(text);
  if (!res.ok) {
    const err = json as { error?: string; diagnostics?: DiagnosticView[] };
    throw new ApiFailure(res.status, err.error ?? `${method} ${path}: HTTP ${res.status}`, err.diagnostics ?? []);
  }
  return json as T;
}

const enc = encodeURIComponent;

/** The API, one function per route. */
export const api = {
  graph: (model?: string) => call<LiveGraph>("GET", model ? `/api/graph?model=${enc(model)}` : "/api/graph"),
  domains: () => call<DomainsView>("GET", "/api/domains"),
  domainAction: (name: string, action: string) => call<CommandResult>("POST", `/api/domains/${enc(name)}/${enc(action)}`),
  console: (name: string) => call<ConsoleView>("GET", `/api/domains/${enc(name)}/console`),
  xm: (args: readonly string[]) => call<CommandResult>("POST", "/api/xm", { args }),
  shell: (line: string) => call<CommandResult>("POST", "/api/shell", { line }),
  trace: (body: TraceRequestBody) => call<TraceResult>("POST", "/api/trace", body),
  check: () => call<CheckReport>("GET", "/api/check"),
  file: (path: string) => call<FileView>("GET", `/api/files?path=${enc(path)}`),
  saveFile: (path: string, text: string) => call<FileSaved>("PUT", "/api/files", { path, text }),
  clock: () => call<ClockState>("GET", "/api/clock"),
  clockCommand: (cmd: ClockCommand) => call<ClockState>("POST", "/api/clock", cmd),
  events: (after: number) => call<{ events: SimEvent[] }>("GET", `/api/events?after=${after}`),
  frame: (seq: number) => call<FrameDetail>("GET", `/api/frames/${seq}`),
  pcapUrl: (node: string, dev: string) => `/api/pcap/${enc(node)}/${enc(dev)}`,
  pcapngUrl: () => "/api/pcapng",
};
