// Hosts for the network tests: the built-in handbook host, and variants of it for the routed and NAT
// models (its files read into memory, some replaced), a trace recorder that keeps the events a test
// asserts on, small helpers to run ping from a node and to say which interfaces a kind of frame
// crossed, and addresses as text.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { formatTraceEvent, type TraceEvent } from "../../../netsim/engine/index.ts";
import { Ping } from "../../../netsim/apps/index.ts";
import { decodeFrame } from "../../../netsim/wire/decode.ts";
import { ipv4ToString, macToString } from "../../../netsim/wire/address.ts";
import { memoryReader } from "../../../topology/index.ts";
import { Machine, runXm, type MachineOptions } from "../../../hypervisor/index.ts";

export const HANDBOOK = resolve(import.meta.dirname, "../../../examples/handbook");

/** The handbook host's files, by absolute path inside the root. */
export function handbookFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[`/${relative(HANDBOOK, path)}`] = readFileSync(path, "utf8");
    }
  };
  walk(HANDBOOK);
  return out;
}

/** dom0 on the LAN with a static address, the way the routed and NAT models want it. */
export const STATIC_ETH0 = "auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet static\n    address 192.168.1.10\n    netmask 255.255.255.0\n    gateway 192.168.1.1\n";

/** A machine over the handbook files with `changes` applied (a null removes a file). */
export function machine(changes: Record<string, string | null> = {}, options: Omit<MachineOptions, "root"> = {}): Machine {
  const files = handbookFiles();
  for (const [path, text] of Object.entries(changes)) {
    if (text === null) delete files[path];
    else files[path] = text;
  }
  return new Machine({ ...options, root: memoryReader({ files }) });
}

/** Replaces the xend-config.sxp lines for the two scripts. */
export function xendConfig(networkScript: string | null, vifScript: string): string {
  const base = handbookFiles()["/etc/xen/xend-config.sxp"]!.replace(/^\(vif-script [^)]*\)\n/m, "");
  return `${base}${networkScript ? `(network-script ${networkScript})\n` : ""}(vif-script ${vifScript})\n`;
}

/** Records trace events from now on. */
export class Recorder {
  readonly events: TraceEvent[] = [];
  readonly stop: () => void;
  constructor(m: Machine, keep: (e: TraceEvent) => boolean = () => true) {
    this.stop = m.sim.trace.subscribe((e) => {
      if (keep(e)) this.events.push(e);
    });
  }

  /** The events as text, one per line. */
  text(filter: (e: TraceEvent) => boolean = () => true): string {
    return this.events.filter(filter).map(formatTraceEvent).join("\n");
  }

  /** `node/dev` of every tx/rx of a frame `what` accepts, in order, without repeats. */
  crossings(what: (f: ReturnType<typeof describe>) => boolean): string[] {
    const out: string[] = [];
    for (const e of this.events) {
      if (e.kind !== "tx" && e.kind !== "rx") continue;
      const d = describe(e.frame);
      if (!what(d)) continue;
      const at = `${e.node}/${e.dev}`;
      if (!out.includes(at)) out.push(at);
    }
    return out;
  }
}

/** A frame's protocol and addresses, for crossing filters. */
export function describe(frame: Uint8Array): { kind: "arp" | "dhcp" | "icmp" | "tcp" | "udp" | "other"; src: string; dst: string; ethSrc: string; icmp?: string; arpOp?: number } {
  const d = decodeFrame(frame);
  if (!d.ok) return { kind: "other", src: "", dst: "", ethSrc: "" };
  const v = d.value;
  const ethSrc = macToString(v.eth.src);
  if (v.arp) return { kind: "arp", src: ipv4ToString(v.arp.senderIp), dst: ipv4ToString(v.arp.targetIp), ethSrc, arpOp: v.arp.op };
  const ip = v.ipv4;
  if (ip === undefined) return { kind: "other", src: "", dst: "", ethSrc };
  const base = { src: ipv4ToString(ip.src), dst: ipv4ToString(ip.dst), ethSrc };
  if (v.dhcp) return { kind: "dhcp", ...base };
  if (v.icmp) return { kind: "icmp", ...base, icmp: v.icmp.kind };
  if (v.tcp) return { kind: "tcp", ...base };
  return { kind: v.udp ? "udp" : "other", ...base };
}

/** Pings `dst` from node `from` and lets it finish; returns ping's output. */
export function ping(m: Machine, from: string, dst: string, count = 3): { text: string; exitCode: number | undefined } {
  const stack = m.stackOf(from);
  const address = m.resolve(dst);
  if (stack === undefined || address === undefined) throw new Error(`ping: no ${stack === undefined ? from : dst}`);
  const p = new Ping(stack, { dst: address, count, host: dst });
  p.start();
  m.sim.runFor((count + 12) * 1_000_000);
  return { text: p.text(), exitCode: p.exitCode };
}

/** xen-create-image then xm create; returns xm's output. */
export function createGuest(m: Machine, args: readonly string[], name = "testxen"): string {
  const made = m.xenCreateImage([`--hostname=${name}`, "--dir=/srv/xen", ...args]);
  if (made.status !== 0) throw new Error(`xen-create-image: ${made.stderr}`);
  return runXm(m.toolstack, ["create", `${name}.cfg`]).combined;
}

/** Every address of a stack as `dev a.b.c.d/p`. */
export function addresses(m: Machine, node: string): string[] {
  return (m.stackOf(node)?.addresses() ?? []).map((a) => `${a.dev} ${ipv4ToString(a.address)}/${a.prefix}`);
}

/** The main routing table as `ip route` would print its essentials. */
export function routes(m: Machine, node: string): string[] {
  return (m.stackOf(node)?.routes() ?? []).map((r) => {
    const dst = r.prefix === 0 ? "default" : `${ipv4ToString(r.dst)}${r.prefix === 32 ? "" : `/${r.prefix}`}`;
    const via = r.gateway !== undefined ? ` via ${ipv4ToString(r.gateway)}` : "";
    const src = r.src !== undefined ? ` src ${ipv4ToString(r.src)}` : "";
    return `${dst}${via} dev ${r.dev}${src}`;
  });
}
