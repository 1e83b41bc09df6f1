// `xennet trace FROM TO`: on a booted, settled machine, sends one packet from FROM's stack — an ICMP
// echo request as ping sends it (raw socket, RFC 792), a UDP datagram as traceroute sends it (to
// port 33434 by default), or a TCP SYN (connect(2), port 22 by default) — and follows it and its
// reply through the trace bus (path-trace.ts) for up to ten simulated seconds.
import { SECOND } from "../../netsim/engine/sim.ts";
import type { Ipv4Stack } from "../../netsim/l3/index.ts";
import { TcpLayer } from "../../netsim/l3/tcp/index.ts";
import { ipv4ToString, type Ipv4 } from "../../netsim/wire/address.ts";
import { encodeIcmp } from "../../netsim/wire/icmp.ts";
import type { Machine } from "../machine/machine.ts";
import type { TraceProto } from "./flow.ts";
import { PathTracer, type Hop } from "./path-trace.ts";

/** What `xennet trace` asks for. */
export interface TraceRequest {
  readonly from: string;
  readonly to: string;
  readonly proto: TraceProto;
  readonly port?: number;
}

/** The result, in `--json`'s shape. */
export interface TraceResult {
  readonly from: string;
  readonly to: string;
  readonly proto: TraceProto;
  readonly request: Hop[];
  readonly reply: Hop[];
  readonly delivered: boolean;
}

/** The default destination ports: traceroute's first UDP port, and ssh. */
export const DEFAULT_PORT: Readonly<Record<"udp" | "tcp", number>> = { udp: 33434, tcp: 22 };
/** The echo identifier the trace uses (ping uses its pid; any fixed value keeps runs reproducible). */
const ECHO_IDENT = 0x7872;
/** The UDP and TCP source port (traceroute and connect(2) pick one; a fixed one keeps runs reproducible). */
const SOURCE_PORT = 45_000;
const WAIT_US = 10 * SECOND;

/** Sends the packet and follows it; a string is a one-line usage error (unknown FROM or TO). */
export function runTrace(machine: Machine, req: TraceRequest): TraceResult | string {
  const stack = machine.stackOf(req.from);
  if (stack === undefined || (req.from !== "dom0" && machine.guests.of(req.from) === undefined)) return `unknown FROM "${req.from}": not dom0 or a running domain`;
  const dst = destination(machine, req.to);
  if (dst === undefined) return `unknown TO "${req.to}": not an address, a world host or a running domain`;
  const route = stack.routeGet(dst);
  const src = typeof route === "string" ? 0 : route.src;
  const port = req.proto === "icmp" ? ECHO_IDENT : (req.port ?? DEFAULT_PORT[req.proto]);
  const sport = req.proto === "icmp" ? ECHO_IDENT : SOURCE_PORT;
  const tracer = new PathTracer(req.from, { proto: req.proto, src: ipv4ToString(src), sport, dst: ipv4ToString(dst), dport: port }, (node, to) => describeRoute(machine.stackOf(node), to));
  const unsubscribe = machine.sim.trace.subscribe((e) => tracer.observe(e));
  const finish = send(machine, stack, req, dst, port, tracer);
  const deadline = machine.sim.now + WAIT_US;
  while (!tracer.answered && machine.sim.now < deadline) machine.sim.runFor(SECOND / 10);
  unsubscribe();
  finish();
  const { request, reply } = tracer.result();
  return { from: req.from, to: req.to, proto: req.proto, request, reply, delivered: tracer.deliveredAt !== undefined };
}

/** TO as an address: a dotted quad, a world host, or a running domain's first address. */
function destination(machine: Machine, to: string): Ipv4 | undefined {
  const named = machine.resolve(to);
  if (named !== undefined) return named;
  const stack = machine.guests.of(to) !== undefined || to === "dom0" ? machine.stackOf(to) : undefined;
  return stack?.addresses().find((a) => a.dev !== "lo")?.address;
}

/** Sends the request; returns what closes the socket afterwards. */
function send(machine: Machine, stack: Ipv4Stack, req: TraceRequest, dst: Ipv4, port: number, tracer: PathTracer): () => void {
  if (req.proto === "icmp") {
    const socket = stack.openRawIcmp();
    const data = new TextEncoder().encode("xennet trace");
    const err = socket.send(dst, encodeIcmp({ kind: "echo-request", ident: ECHO_IDENT, seq: 1, data }));
    if (err !== undefined) tracer.sendFailed(err);
    return () => socket.close();
  }
  if (req.proto === "udp") {
    const socket = stack.openUdp();
    const err = socket.bind(0, SOURCE_PORT) ?? socket.connect(dst, port);
    const sent = err ?? socket.send(new Uint8Array(32));
    if (sent !== undefined) tracer.sendFailed(sent);
    return () => socket.close();
  }
  const tcp = tcpOf(machine, req.from, stack);
  const conn = tcp.connect(dst, port, { srcPort: SOURCE_PORT });
  if (typeof conn === "string") {
    tracer.sendFailed(conn);
    return () => undefined;
  }
  return () => conn.abort();
}

/** The node's own TCP layer: a guest's (guest-net made it), else the one registered, else a new one. */
function tcpOf(machine: Machine, node: string, stack: Ipv4Stack): TcpLayer {
  const guest = machine.guests.of(node);
  if (guest !== undefined) return guest.tcp;
  const registered = stack.protocols.get(6);
  return registered instanceof TcpLayer ? registered : new TcpLayer(stack);
}

/** The main-table entry used for `dst`, as `ip route` prints it. */
function describeRoute(stack: Ipv4Stack | undefined, dst: number): string | undefined {
  const r = stack?.routeGet(dst);
  if (r === undefined || typeof r === "string" || r.route === undefined) return undefined;
  const { route } = r;
  const prefix = route.prefix === 0 ? "default" : `${ipv4ToString(route.dst)}/${route.prefix}`;
  return `${prefix}${route.gateway !== undefined ? ` via ${ipv4ToString(route.gateway)}` : ""} dev ${route.dev}`;
}
