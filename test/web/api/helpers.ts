// Helpers of the web API tests: a real server on 127.0.0.1 (port 0) over a built-in example host,
// JSON requests with fetch, and a minimal server-sent-events reader over node:http (the protocol of
// the WHATWG EventSource: `id:`, `event:`, `data:` lines, a blank line ends a message).
import { get, type IncomingMessage } from "node:http";
import { startServer, type RunningServer } from "../../../web/server/index.ts";

/** The handbook host (no guest yet), as `npm start` serves it. */
export const HANDBOOK = "examples/handbook";
/** The handbook's xen-create-image line: it writes /etc/xen/testxen.cfg. */
export const CREATE_IMAGE = "xen-create-image --hostname=testxen --dhcp --dir=/srv/testxen --size=2G --dist=squeeze --role=udev";

/** A server on a free port, over `root`. */
export function serve(root = HANDBOOK, seed = 1): Promise<RunningServer> {
  return startServer({ root, seed, port: 0 });
}

/** A JSON answer: status and parsed body. */
export interface Answer<T = any> {
  readonly status: number;
  readonly body: T;
}

/** Sends a request with an optional JSON body and parses the JSON answer. */
export async function call<T = any>(server: RunningServer, method: string, path: string, body?: unknown): Promise<Answer<T>> {
  const init: RequestInit = body === undefined ? { method } : { method, headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) };
  const res = await fetch(server.url + path, init);
  const text = await res.text();
  return { status: res.status, body: text === "" ? undefined : JSON.parse(text) };
}

/** One server-sent message. */
export interface SseMessage {
  readonly event: string;
  readonly data: string;
  readonly id?: string;
}

/** An open event stream that collects its messages. */
export class SseClient {
  readonly messages: SseMessage[] = [];
  private buffer = "";
  private waiters: (() => void)[] = [];
  error: Error | undefined;
  response: IncomingMessage | undefined;
  private readonly request;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.request = get(url, { headers: { accept: "text/event-stream", ...headers } }, (res) => {
      this.response = res;
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => this.take(chunk));
      res.on("error", (e) => (this.error = e));
    });
    this.request.on("error", (e) => (this.error = e));
  }

  /** Resolves once `test` holds of the messages so far (rejects after `ms`). */
  async until(test: (messages: readonly SseMessage[]) => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test(this.messages)) {
      if (this.error) throw this.error;
      if (Date.now() > deadline) throw new Error(`SSE: timed out with ${this.messages.length} messages`);
      await new Promise<void>((done) => {
        this.waiters.push(done);
        setTimeout(done, 50);
      });
    }
  }

  /** The data events, parsed. */
  events(): any[] {
    return this.messages.filter((m) => m.event === "message").map((m) => JSON.parse(m.data));
  }

  /** The clock events, parsed. */
  clocks(): any[] {
    return this.messages.filter((m) => m.event === "clock").map((m) => JSON.parse(m.data));
  }

  close(): void {
    this.request.destroy();
  }

  private take(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf("\n\n")) !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const message = parseBlock(block);
      if (message) this.messages.push(message);
    }
    for (const w of this.waiters.splice(0)) w();
  }
}

function parseBlock(block: string): SseMessage | undefined {
  let event = "message";
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":") || line === "") continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = value;
  }
  if (data.length === 0) return undefined;
  return id === undefined ? { event, data: data.join("\n") } : { event, data: data.join("\n"), id };
}
