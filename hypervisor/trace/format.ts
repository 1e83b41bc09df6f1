// The human form of `xennet trace`: the request's hops, then the reply's, each as a numbered line
// (node, in → out, TTL, what happened) with the details below it, then a one-line verdict.
import type { Hop } from "./path-trace.ts";
import type { TraceResult } from "./run-trace.ts";

/** Prints a trace result for a terminal. */
export function formatTrace(r: TraceResult): string {
  const lines = [`${r.proto} from ${r.from} to ${r.to}`, "request:", ...hops(r.request)];
  if (r.reply.length > 0) lines.push("reply:", ...hops(r.reply));
  lines.push(verdict(r));
  return `${lines.join("\n")}\n`;
}

/** True when the request was delivered and its answer came back to FROM. */
export function answered(r: TraceResult): boolean {
  return r.delivered && r.reply.at(-1)?.action === "deliver" && r.reply.at(-1)?.node === r.from;
}

function hops(list: readonly Hop[]): string[] {
  if (list.length === 0) return ["  (nothing left the sender)"];
  return list.flatMap((h, i) => {
    const ttl = h.ttl !== undefined ? `  ttl ${h.ttl}` : "";
    const head = `  ${String(i + 1).padStart(2)}  ${h.node}  ${h.in ?? "-"} → ${h.out ?? "-"}${ttl}  ${h.action}`;
    return [head, ...h.detail.split("; ").filter((d) => d !== "").map((d) => `        ${d}`)];
  });
}

function verdict(r: TraceResult): string {
  if (answered(r)) return `delivered to ${r.to} and answered (${r.reply[0]?.detail.split("; ")[0]?.replace(/^sends /, "")})`;
  const last = [...r.request, ...r.reply].reverse().find((h) => h.action === "drop");
  const why = last ? `: dropped at ${last.node} (${last.detail.split("; ").at(-1)})` : "";
  if (r.delivered) return `delivered to ${r.to}, no answer came back${why}`;
  return `not delivered${why}`;
}
