// What happens in each model, as data: a timeline of steps (start udhcpc, ping, a UDP echo flow,
// traceroute) that runs in the simulator here and, translated to commands, on the real kernel
// (netns.ts) — the same steps at the same seconds on both sides. Also the roles of every address
// and MAC, and the frames each interface saw, for normalise.ts.
//
// traceroute runs with -N 1 (one probe at a time): the real side runs busybox's traceroute, which
// only works that way, and with it both send the same nine probes.
import { createDhcpClient, type DhcpClient } from "../../netsim/apps/dhcp-client.ts";
import { Ping } from "../../netsim/apps/ping.ts";
import { Traceroute } from "../../netsim/apps/traceroute.ts";
import { UdpEchoClient, UdpEchoServer } from "../../netsim/apps/udp-echo.ts";
import { SECOND } from "../../netsim/engine/sim.ts";
import { formatTime } from "../../netsim/engine/trace-format.ts";
import type { Ipv4 } from "../../netsim/wire/address.ts";
import type { TraceRecorder } from "../../captures/tap.ts";
import { ADDR, MAC, type Model, type NodeName } from "./models.ts";
import { describe, type Roles, type Seen } from "./normalise.ts";

/** Whom a step talks to: a node (its main address at the time), or the LAN router's LAN side. */
export type Target = NodeName;

/** One thing a node starts at second `at`. */
export type Step =
  | { readonly at: number; readonly node: NodeName; readonly run: "udhcpc"; readonly dev: string }
  | { readonly at: number; readonly node: NodeName; readonly run: "ping"; readonly to: Target; readonly count: number }
  | { readonly at: number; readonly node: NodeName; readonly run: "udp-echo"; readonly to: Target; readonly srcPort: number; readonly count: number }
  | { readonly at: number; readonly node: NodeName; readonly run: "traceroute"; readonly to: Target };

/** The UDP echo service's port (inetd's `echo dgram`). */
export const ECHO_PORT = 7;
/** The source port both guests' UDP flows use, so that the second one clashes in the NAT. */
export const FLOW_PORT = 5000;

/** Bridge model: everyone leases from the LAN's dnsmasq (its 3 s ping checks queue them), then traffic. */
export const BRIDGE_STEPS: readonly Step[] = [
  { at: 1, node: "dom0", run: "udhcpc", dev: "xenbr0" },
  { at: 2, node: "guest1", run: "udhcpc", dev: "eth0" },
  { at: 3, node: "guest2", run: "udhcpc", dev: "eth0" },
  { at: 20, node: "guest1", run: "ping", to: "router", count: 2 },
  { at: 22, node: "guest1", run: "ping", to: "guest2", count: 2 },
  { at: 24, node: "guest1", run: "ping", to: "inet", count: 2 },
  { at: 26, node: "guest1", run: "traceroute", to: "inet" },
];
/** The bridge timeline's end. */
export const BRIDGE_END = 32;

/**
 * Routed model: static addresses; the first use of every path resolves ARP through dom0's proxy.
 * Everything ends within 13 s of the first ARP exchange, before any entry can go stale (reachable
 * time is random, 15–45 s), so no host sends random unicast re-probes.
 */
export const ROUTING_STEPS: readonly Step[] = [
  { at: 1, node: "guest1", run: "ping", to: "router", count: 2 },
  { at: 3, node: "router", run: "ping", to: "guest2", count: 2 },
  { at: 5, node: "guest1", run: "ping", to: "inet", count: 2 },
  { at: 7, node: "guest1", run: "ping", to: "guest2", count: 2 },
  { at: 9, node: "guest1", run: "traceroute", to: "inet" },
];
/** The routed timeline's end. */
export const ROUTING_END = 13;

/**
 * NAT model: the guests lease from dom0, then ping, two clashing UDP flows, traceroute. dnsmasq
 * puts each guest's MAC in dom0's ARP cache as STALE when it answers; the OFFER moves the entry to
 * DELAY and dom0 probes the guest 5 s later (at 6 and 9 s). Each guest's first traffic comes after
 * that probe, which taught it its gateway's MAC: an ARP request from the guest while dom0's entry
 * is in DELAY would put the entry back to STALE on 2.6.32 but not on a modern kernel (see
 * kernel-models.test.ts), and the two would probe at different times.
 */
export const NAT_STEPS: readonly Step[] = [
  { at: 1, node: "guest1", run: "udhcpc", dev: "eth0" },
  { at: 4, node: "guest2", run: "udhcpc", dev: "eth0" },
  { at: 6.5, node: "guest1", run: "ping", to: "inet", count: 2 },
  { at: 8, node: "guest1", run: "udp-echo", to: "inet", srcPort: FLOW_PORT, count: 2 },
  { at: 9.5, node: "guest2", run: "udp-echo", to: "inet", srcPort: FLOW_PORT, count: 2 },
  { at: 11, node: "guest1", run: "traceroute", to: "inet" },
];
/** The NAT timeline's end. */
export const NAT_END = 14;

/** The address `to` answers on, as the node's stack has it now (the LAN side for the router). */
export function addressOf(m: Model, to: Target): Ipv4 {
  if (to === "router") return ADDR.router;
  const stack = m.nodes[to];
  const dev = to === "dom0" ? (m.kind === "bridge" ? "xenbr0" : "eth0") : "eth0";
  const a = stack.addresses(dev)[0];
  if (a === undefined) throw new Error(`${to} has no address on ${dev}`);
  return a.address;
}

/** What the steps started, by label (`guest1 ping inet`, `guest2 udhcpc`, …). */
export interface Runs {
  readonly dhcp: Map<string, DhcpClient>;
  readonly pings: Map<string, Ping>;
  readonly traces: Map<string, Traceroute>;
  readonly flows: Map<string, UdpEchoClient>;
  readonly echo?: UdpEchoServer;
}

/** A step's label. */
export function label(s: Step): string {
  return "to" in s ? `${s.node} ${s.run} ${s.to}` : `${s.node} ${s.run}`;
}

/** Schedules every step in the model's simulator (an echo server on inet if a flow needs one). */
export function schedule(m: Model, steps: readonly Step[]): Runs {
  const sim = m.sim;
  const runs: Runs = { dhcp: new Map(), pings: new Map(), traces: new Map(), flows: new Map(), ...(steps.some((s) => s.run === "udp-echo") ? { echo: new UdpEchoServer(m.nodes.inet, ECHO_PORT) } : {}) };
  for (const s of steps) {
    const stack = m.nodes[s.node];
    const at = Math.round(s.at * SECOND);
    if (s.run === "udhcpc") {
      const client = createDhcpClient(stack, { dev: s.dev, hostname: s.node });
      runs.dhcp.set(label(s), client);
      sim.at(at, () => client.start());
    } else {
      sim.at(at, () => {
        const dst = addressOf(m, s.to);
        if (s.run === "udp-echo") {
          const client = new UdpEchoClient(stack, dst, ECHO_PORT, { srcPort: s.srcPort });
          runs.flows.set(label(s), client);
          client.send(s.count, SECOND);
        } else if (s.run === "ping") {
          const p = new Ping(stack, { dst, count: s.count });
          runs.pings.set(label(s), p);
          p.start();
        } else {
          const t = new Traceroute(stack, { dst, numeric: true, simProbes: 1 });
          runs.traces.set(label(s), t);
          t.start();
        }
      });
    }
  }
  return runs;
}

/** The roles of the model's addresses and MACs; `leased` adds addresses handed out by DHCP. */
export function rolesOf(m: Model, leased: Readonly<Record<string, Ipv4>> = {}): Roles {
  const ips = new Map<Ipv4, string>([
    [ADDR.router, "router"],
    [ADDR.routerInet, "router.inet"],
    [ADDR.inet, "inet"],
    [ADDR.dom0, "dom0"],
    [ADDR.routed[0], "guest1"],
    [ADDR.routed[1], "guest2"],
    [ADDR.nat[0], "guest1"],
    [ADDR.nat[1], "guest2"],
    [ADDR.natGateway[0], "dom0.vif1"],
    [ADDR.natGateway[1], "dom0.vif2"],
  ]);
  for (const [role, a] of Object.entries(leased)) ips.set(a, role);
  const macs = new Map<number, string>([
    [MAC.routerLan, "router.eth0"],
    [MAC.routerInet, "router.eth1"],
    [MAC.inet, "inet"],
    [MAC.dom0, "dom0"],
    [MAC.guest[0], "guest1"],
    [MAC.guest[1], "guest2"],
    [0xfe_ff_ff_ff_ff_ff, "vif"],
  ]);
  return { ips, macs, ports: new Set([ECHO_PORT, 67, 68, FLOW_PORT]) };
}

/** The frames one interface saw (sent and received), in order. */
export function seenOn(rec: TraceRecorder, node: string, dev: string): Seen[] {
  return rec.records().filter((r) => r.node === node && r.dev === dev).map((r) => ({ time: r.timeMicros, frame: r.frame }));
}

/** Every frame every interface saw, in time order: `<s.µs> <node> <dev> <tx|rx> <description>`. */
export function frameLines(rec: TraceRecorder, roles: Roles): string[] {
  return rec.records().map((r) => `${formatTime(r.timeMicros)} ${r.node} ${r.dev} ${r.direction} ${describe(roles, r.frame)}`);
}

/**
 * The path of one frame: the first frame sent by `node` whose description matches `pattern`, and
 * every interface that saw that same frame (a bridge, a cable and a Xen ring pass the very bytes
 * on; a router sends a new frame), as `node:dev tx|rx`.
 */
export function crossings(rec: TraceRecorder, roles: Roles, node: string, pattern: RegExp): string[] {
  const records = rec.records();
  const first = records.find((r) => r.node === node && r.direction === "tx" && pattern.test(describe(roles, r.frame)));
  if (first === undefined) throw new Error(`${node} sent no frame matching ${pattern}`);
  return records.filter((r) => r.frame === first.frame).map((r) => `${r.node}:${r.dev} ${r.direction}`);
}

/** The TTLs of the frames `node` received on `dev` whose description matches `pattern`. */
export function ttlsSeen(rec: TraceRecorder, roles: Roles, node: string, dev: string, pattern: RegExp): number[] {
  return rec
    .records()
    .filter((r) => r.node === node && r.dev === dev && r.direction === "rx")
    .map((r) => describe(roles, r.frame))
    .filter((d) => pattern.test(d))
    .map((d) => Number(/ ttl (\d+)/.exec(d)?.[1]));
}
