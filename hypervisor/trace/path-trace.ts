// The hop list of one traced exchange, built from the simulator's trace bus (netsim/engine/trace.ts):
// each node the request (then the reply) passes is one hop — the interface it came in on, what the
// node did with it (bridge learning, forwarding or flooding; the route lookup; ARP resolution,
// answered directly or by proxy ARP; a NAT translation; local delivery; a drop and its reason), the
// interface it left by, and the TTL it left (or arrived) with. Frames are told apart by their
// bytes (flow.ts); events without a frame belong to the hop a node has open for the packet.
import type { TraceEvent } from "../../netsim/engine/trace.ts";
import { ipv4ToString, macToString } from "../../netsim/wire/address.ts";
import { decodeFrame, type DecodedFrame } from "../../netsim/wire/decode.ts";
import { Flow, summary, type FlowKey } from "./flow.ts";

/** One hop as `xennet trace --json` prints it. */
export interface Hop {
  readonly node: string;
  readonly in?: string;
  readonly out?: string;
  readonly action: "send" | "answer" | "bridge" | "route" | "deliver" | "drop" | "pass";
  readonly detail: string;
  readonly ttl?: number;
}

/** Describes the routing-table entry a node used for `dst` (`default via 192.168.1.1 dev eth0`). */
export type RouteDescriber = (node: string, dst: number) => string | undefined;

interface OpenHop {
  readonly node: string;
  in?: string;
  readonly out: string[];
  readonly notes: string[];
  ttl?: number;
  origin: boolean;
  routed?: string;
  bridged: boolean;
  delivered: boolean;
  dropped: boolean;
  /** A flood copy dropped as not for this node: not shown. */
  stray: boolean;
  nextHop?: number;
  arpAsked: boolean;
  /** The addresses and ports the packet arrived with, to show a rewrite on its way out. */
  arrived?: string;
}

interface Path {
  readonly hops: OpenHop[];
  readonly active: Map<string, OpenHop>;
  done: boolean;
}

type Dir = "request" | "reply";
const ICMP_NAMES: Readonly<Record<number, string>> = { 0: "echo reply", 3: "destination unreachable", 11: "time exceeded" };

/** Follows one request and its reply through the trace events it is fed. */
export class PathTracer {
  readonly flow: Flow;
  private readonly paths: Record<Dir, Path> = { request: newPath(), reply: newPath() };
  /** The node the request was delivered to, once it was. */
  deliveredAt: string | undefined;
  /** True once the reply reached the sender's stack. */
  answered = false;

  constructor(
    readonly from: string,
    request: FlowKey,
    private readonly describeRoute: RouteDescriber = () => undefined,
  ) {
    this.flow = new Flow(request);
    this.open("request", from).origin = true;
  }

  /** The request's hops and the reply's. */
  result(): { request: Hop[]; reply: Hop[] } {
    return { request: finish(this.paths.request.hops, "send"), reply: finish(this.paths.reply.hops, "answer") };
  }

  /** The request could not be sent at all (the socket call's errno, e.g. ENETUNREACH). */
  sendFailed(errno: string): void {
    const hop = this.paths.request.hops[0]!;
    hop.dropped = true;
    hop.notes.push(`not sent: ${errno}`);
  }

  /** Feeds one trace event. */
  observe(e: TraceEvent): void {
    switch (e.kind) {
      case "tx":
      case "rx":
      case "drop":
      case "forward":
      case "flood":
      case "local":
        if (e.frame !== undefined) this.onFrame(e, e.frame);
        else if (e.kind === "drop") this.onIpDrop(e.node, e.reason, e.dev, undefined, undefined, e.detail);
        return;
      case "route":
        return this.onRoute(e);
      case "neigh":
        return this.onNeigh(e.node, e.dev, e.ip, e.state, e.mac);
      case "arp":
        if (e.op === "proxy-reply" || e.op === "proxy-delay") this.onProxyArp(e.node, e.dev, e.ip, e.op, e.delay);
        return;
      case "learn":
        for (const h of this.openHops(e.node)) if (h.in === e.port) h.notes.push(`${e.bridge}: learned ${macToString(e.mac)} on ${e.port}`);
        return;
      case "nat":
        if (this.flow.translated(e.before, e.after)) this.hopAt("request", e.node)?.notes.push(`NAT (${e.manip === "src" ? "SNAT/MASQUERADE" : "DNAT"}): ${e.before} → ${e.after}`);
        return;
      case "deliver":
        return this.onDeliver(e.node, e.src, e.dst, e.to);
      case "ip-drop":
        return this.onIpDrop(e.node, e.reason, e.dev, e.src, e.dst, e.detail);
      case "icmp":
        return this.onIcmp(e.node, e.type, e.code, e.dst);
      default:
        return;
    }
  }

  private onFrame(e: Extract<TraceEvent, { frame?: Uint8Array }>, frame: Uint8Array): void {
    const decoded = decodeFrame(frame, { verifyChecksums: false });
    if (!decoded.ok) return;
    const dir = this.flow.direction(decoded.value);
    if (dir === undefined || this.paths[dir].done) return;
    const ttl = decoded.value.ipv4?.ttl;
    const path = this.paths[dir];
    const current = path.active.get(e.node);
    switch (e.kind) {
      case "rx": {
        const hop = current !== undefined && current.out.length === 0 && !current.dropped ? current : this.open(dir, e.node);
        if (hop.in === undefined) hop.in = e.dev;
        else if (hop.in !== e.dev) hop.notes.push(`up to ${e.dev}`);
        if (ttl !== undefined) hop.ttl = ttl;
        hop.arrived ??= endpoints(decoded.value);
        return;
      }
      case "tx": {
        const hop = current !== undefined && !current.dropped ? current : this.open(dir, e.node);
        if (hop.origin && hop.out.length === 0) hop.notes.unshift(`sends ${summary(decoded.value)}`);
        this.noteRewrite(dir, hop, endpoints(decoded.value));
        if (!hop.out.includes(e.dev)) hop.out.push(e.dev);
        if (ttl !== undefined) hop.ttl = ttl;
        return;
      }
      case "forward":
        return this.bridgeNote(dir, e.node, `${e.bridge}: destination MAC known on ${e.outPort}, forwarded`);
      case "flood":
        return this.bridgeNote(dir, e.node, `${e.bridge}: flooded (${e.why}) to ${e.outPorts.join(", ") || "no port"}`);
      case "local":
        return this.bridgeNote(dir, e.node, `${e.bridge}: for ${e.bridge}'s own address, up to its stack`);
      case "drop": {
        const hop = current ?? this.open(dir, e.node);
        hop.dropped = true;
        hop.stray = e.reason === "not-for-us" && hop.out.length === 0 && hop.notes.length === 0;
        hop.notes.push(`dropped on ${e.dev}: ${e.reason}${e.detail ? ` (${e.detail})` : ""}`);
        return;
      }
    }
  }

  /**
   * A reply leaves a node with other addresses or ports than it came in with: the connection's
   * NAT undone from conntrack (only a connection's first packet passes the nat table and raises a
   * `nat` event, so the reverse translation shows only here).
   */
  private noteRewrite(dir: Dir, hop: OpenHop, leaving: string): void {
    if (dir !== "reply" || hop.arrived === undefined || hop.arrived === leaving) return;
    hop.notes.push(`NAT undone for the reply (conntrack): ${hop.arrived} → ${leaving}`);
    hop.arrived = leaving;
  }

  private bridgeNote(dir: Dir, node: string, note: string): void {
    const hop = this.paths[dir].active.get(node);
    if (hop === undefined) return;
    hop.bridged = true;
    hop.notes.push(note);
  }

  private onRoute(e: Extract<TraceEvent, { kind: "route" }>): void {
    const [src, dst] = [ipv4ToString(e.src), ipv4ToString(e.dst)];
    let dir: Dir | undefined = this.flow.requestAddresses(src, dst) ? "request" : this.isReplyTo(dst, src) ? "reply" : undefined;
    if (dir === undefined) return;
    let hop = this.hopAt(dir, e.node);
    if (hop === undefined && dir === "reply" && e.result === "output" && !this.paths.reply.done) hop = this.open("reply", e.node);
    if (hop === undefined) return;
    hop.routed = e.result;
    if (e.result === "local") {
      hop.notes.push(`route: ${dst} is local`);
      return;
    }
    hop.nextHop = e.via ?? e.dst;
    const used = this.describeRoute(e.node, e.dst);
    const via = e.via !== undefined ? ` via ${ipv4ToString(e.via)}` : "";
    hop.notes.push(`route ${e.result}: ${dst}${via} dev ${e.dev}${used ? ` (route: ${used})` : ""}`);
  }

  private onNeigh(node: string, dev: string, ip: number, state: string, mac: number | undefined): void {
    for (const hop of this.openHops(node)) {
      if (hop.nextHop !== ip) continue;
      if (state === "INCOMPLETE") {
        hop.arpAsked = true;
        hop.notes.push(`ARP: who-has ${ipv4ToString(ip)} on ${dev}`);
      } else if (state === "REACHABLE" && hop.arpAsked && mac !== undefined) hop.notes.push(`ARP: ${ipv4ToString(ip)} is-at ${macToString(mac)}`);
      else if (state === "FAILED") hop.notes.push(`ARP: ${ipv4ToString(ip)} did not answer`);
    }
  }

  private onProxyArp(node: string, dev: string, ip: number, op: string, delay: number | undefined): void {
    for (const dir of ["request", "reply"] as const)
      for (const hop of this.paths[dir].active.values()) {
        if (hop.nextHop !== ip || !hop.arpAsked || hop.out.length > 0) continue;
        hop.notes.push(
          op === "proxy-reply" ? `proxy ARP: ${node} answered for ${ipv4ToString(ip)} on ${dev}` : `proxy ARP: ${node} answers for ${ipv4ToString(ip)} on ${dev} after ${Math.round((delay ?? 0) / 1000)} ms (proxy_delay)`,
        );
      }
  }

  private onDeliver(node: string, src: number, dst: number, to: string): void {
    const [s, d] = [ipv4ToString(src), ipv4ToString(dst)];
    if (this.flow.requestAddresses(s, d)) {
      const hop = this.hopAt("request", node);
      if (hop === undefined) return;
      hop.delivered = true;
      hop.notes.push(`delivered to ${to}`);
      this.deliveredAt = node;
      this.paths.request.done = true;
    } else if (node === this.from && this.isReplyTo(d, s)) {
      const hop = this.hopAt("reply", node);
      if (hop === undefined) return;
      hop.delivered = true;
      hop.notes.push(`delivered to ${to}`);
      this.answered = true;
      this.paths.reply.done = true;
    }
  }

  private onIpDrop(node: string, reason: string, dev: string | undefined, src: number | undefined, dst: number | undefined, detail: string | undefined): void {
    for (const dir of ["request", "reply"] as const) {
      const hop = this.hopAt(dir, node);
      if (hop === undefined || this.paths[dir].done) continue;
      if (src !== undefined && dst !== undefined) {
        const [s, d] = [ipv4ToString(src), ipv4ToString(dst)];
        if (dir === "request" ? !this.flow.requestAddresses(s, d) : !this.isReplyTo(d, s)) continue;
      } else if (dev !== undefined && hop.in !== dev && !hop.out.includes(dev) && hop.nextHop === undefined) continue;
      hop.dropped = true;
      hop.notes.push(`dropped: ${reason}${detail ? ` (${detail})` : ""}`);
      // Refused by the destination host itself (no socket on that port): it was delivered there.
      if (dir === "request" && reason === "no-socket" && hop.routed === "local") this.deliveredAt = node;
      return;
    }
  }

  /** A node answers the request (echo reply) or reports an error about it (unreachable, TTL). */
  private onIcmp(node: string, type: number, code: number, dst: number): void {
    const d = ipv4ToString(dst);
    if (!this.flow.requestForms().some((k) => k.src === d) || this.paths.reply.active.has(node) || this.paths.reply.done) return;
    const name = ICMP_NAMES[type] ?? `type ${type}`;
    const request = this.paths.request.active.get(node);
    if (request !== undefined && type !== 0) request.notes.push(`answered with ICMP ${name} (code ${code})`);
    this.open("reply", node);
  }

  /** True when a packet to `dst` from `src` is the reply (or an error about the request). */
  private isReplyTo(dst: string, src: string): boolean {
    return this.flow.replyAddresses(src, dst) || (this.paths.reply.hops.length > 0 && this.flow.requestForms().some((k) => k.src === dst));
  }

  private hopAt(dir: Dir, node: string): OpenHop | undefined {
    const hop = this.paths[dir].active.get(node);
    return hop !== undefined && hop.out.length === 0 && !hop.dropped ? hop : undefined;
  }

  private openHops(node: string): OpenHop[] {
    return (["request", "reply"] as const).map((d) => this.hopAt(d, node)).filter((h): h is OpenHop => h !== undefined);
  }

  private open(dir: Dir, node: string): OpenHop {
    const hop: OpenHop = { node, out: [], notes: [], origin: false, bridged: false, delivered: false, dropped: false, stray: false, arpAsked: false };
    if (dir === "reply" && this.paths.reply.hops.length === 0) hop.origin = true;
    this.paths[dir].hops.push(hop);
    this.paths[dir].active.set(node, hop);
    return hop;
  }
}

/** `10.0.2.1 > 203.0.113.80 id 30834` / `10.0.2.1:5000 > 203.0.113.80:53`: what NAT can change. */
function endpoints(frame: DecodedFrame): string {
  const ip = frame.ipv4;
  if (ip === undefined) return "";
  const port = frame.udp ?? frame.tcp;
  if (port !== undefined) return `${ipv4ToString(ip.src)}:${port.srcPort} > ${ipv4ToString(ip.dst)}:${port.dstPort}`;
  const id = frame.icmp && (frame.icmp.kind === "echo-request" || frame.icmp.kind === "echo-reply") ? ` id ${frame.icmp.ident}` : "";
  return `${ipv4ToString(ip.src)} > ${ipv4ToString(ip.dst)}${id}`;
}

function newPath(): Path {
  return { hops: [], active: new Map(), done: false };
}

function finish(hops: readonly OpenHop[], originAction: "send" | "answer"): Hop[] {
  return hops
    .filter((h) => !h.stray)
    .map((h) => {
      const action = h.dropped ? "drop" : h.delivered ? "deliver" : h.origin ? originAction : h.routed === "forward" ? "route" : h.bridged ? "bridge" : "pass";
      return {
        node: h.node,
        ...(h.in !== undefined ? { in: h.in } : {}),
        ...(h.out.length > 0 ? { out: h.out.join(",") } : {}),
        action,
        detail: h.notes.join("; "),
        ...(h.ttl !== undefined ? { ttl: h.ttl } : {}),
      };
    });
}
