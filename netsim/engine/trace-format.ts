// One stable line of text per trace event, for golden traces and for printing a run:
//
//   <seconds with 6 decimals> <node> <device or bridge> <kind> <details>
//
// e.g. `15.000000 dom0 xenbr0 port-state vif1.0 forwarding` or
// `1.000000 dom0 xenbr0 flood unknown-unicast vif1.0 -> peth0,vif2.0 00:16:3e:00:00:01 > 00:16:3e:00:00:02 ipv4 len 98`.
// MACs are printed as text (lower case, colon separated), frames as a one-field-per-word summary of
// their Ethernet header; STP BPDUs are decoded because their fields are what a spanning tree trace
// is about. Golden files depend on this text: change it only on purpose and rewrite the goldens.
import { macToString, readMac } from "../wire/address.ts";
import { bridgeIdToString, parseBpduFrame } from "../wire/stp.ts";
import type { BpduRepr } from "../wire/stp.ts";
import type { TraceEvent } from "./trace.ts";

/** Virtual µs as seconds with six decimals, e.g. 1500000 → `1.500000`. */
export function formatTime(us: number): string {
  return `${Math.floor(us / 1_000_000)}.${String(us % 1_000_000).padStart(6, "0")}`;
}

const ETHER_TYPES: Readonly<Record<number, string>> = { 0x0800: "ipv4", 0x0806: "arp", 0x86dd: "ipv6", 0x8100: "802.1q" };

/** `src > dst <type> len N`; an 802.3 frame shows `llc`, or the BPDU it carries. */
export function formatFrame(frame: Uint8Array): string {
  if (frame.length < 14) return `runt len ${frame.length}`;
  const head = `${macToString(readMac(frame, 6))} > ${macToString(readMac(frame, 0))}`;
  const type = (frame[12]! << 8) | frame[13]!;
  if (type >= 0x0600) {
    const name = ETHER_TYPES[type] ?? `0x${type.toString(16).padStart(4, "0")}`;
    return `${head} ${name} len ${frame.length}`;
  }
  const stp = parseBpduFrame(frame);
  return `${head} ${stp.ok ? formatBpdu(stp.value.bpdu) : "llc"} len ${frame.length}`;
}

/** `stp config root 8000.… cost N bridge 8000.… port 0x8001 age 0.000 [tc] [tca]`, or `stp tcn`. */
export function formatBpdu(bpdu: BpduRepr): string {
  if (bpdu.type === "tcn") return "stp tcn";
  const flags = `${bpdu.topologyChange ? " tc" : ""}${bpdu.topologyChangeAck ? " tca" : ""}`;
  const port = `0x${bpdu.portId.toString(16).padStart(4, "0")}`;
  const age = (bpdu.messageAge / 1_000_000).toFixed(3);
  return `stp config root ${bridgeIdToString(bpdu.root)} cost ${bpdu.rootPathCost} bridge ${bridgeIdToString(bpdu.bridge)} port ${port} age ${age}${flags}`;
}

/** The event's line, without a trailing newline. */
export function formatTraceEvent(e: TraceEvent): string {
  const t = formatTime(e.time);
  switch (e.kind) {
    case "tx":
    case "rx":
      return `${t} ${e.node} ${e.dev} ${e.kind} ${formatFrame(e.frame)}`;
    case "drop": {
      const detail = e.detail === undefined ? "" : ` (${e.detail})`;
      const frame = e.frame === undefined ? "" : ` ${formatFrame(e.frame)}`;
      return `${t} ${e.node} ${e.dev} drop ${e.reason}${detail}${frame}`;
    }
    case "learn":
      return `${t} ${e.node} ${e.bridge} learn ${macToString(e.mac)} port ${e.port}${e.moved ? " moved" : ""}`;
    case "age-out":
      return `${t} ${e.node} ${e.bridge} age-out ${macToString(e.mac)} port ${e.port}`;
    case "forward":
      return `${t} ${e.node} ${e.bridge} forward ${e.inPort} -> ${e.outPort} ${formatFrame(e.frame)}`;
    case "flood": {
      const out = e.outPorts.length === 0 ? "none" : e.outPorts.join(",");
      return `${t} ${e.node} ${e.bridge} flood ${e.why} ${e.inPort} -> ${out} ${formatFrame(e.frame)}`;
    }
    case "local":
      return `${t} ${e.node} ${e.bridge} local ${e.inPort} ${formatFrame(e.frame)}`;
    case "port-state":
      return `${t} ${e.node} ${e.bridge} port-state ${e.port} ${e.state}${e.role === undefined ? "" : ` role ${e.role}`}`;
    case "stp":
      return `${t} ${e.node} ${e.bridge} stp ${e.detail}`;
    case "storm":
      return `${t} ${e.node} ${e.bridge} storm frames ${e.frames}`;
    case "link":
      return `${t} ${e.node} ${e.dev} link ${e.up ? "up" : "down"} carrier ${e.carrier ? "on" : "off"}`;
    case "note":
      return `${t} ${e.node} - note ${e.text}`;
    default:
      return formatOther(t, e);
  }
}

/** Kinds added later than this file: `key=value` for every field, in alphabetical order. */
function formatOther(t: string, e: { readonly kind: string; readonly node: string }): string {
  const fields = Object.entries(e)
    .filter(([key]) => key !== "kind" && key !== "time" && key !== "node")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]: [string, unknown]) => `${key}=${value instanceof Uint8Array ? formatFrame(value).replaceAll(" ", "_") : String(value)}`);
  return `${t} ${e.node} - ${e.kind} ${fields.join(" ")}`;
}
