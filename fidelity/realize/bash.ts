// bashOf: the plan and the steps as one bash script (bash-prelude.ts has its helpers and safety
// rules). In order: the namespaces; the links as veth pairs (each created inside one namespace with
// its peer put straight into the other) with the simulator's MACs; the bridges with their brctl
// timers (centiseconds: `ip link … type bridge` takes clock_t) and ports; the sysctls; the static
// addresses and routes; iptables-restore of each node's rules; tcpdump -p on every interface; the
// DHCP servers (dnsmasq) and the clients (busybox udhcpc) the simulator has bound, waiting until
// they are bound; then the marker $DIR/t0 (µs since 1970) — the script's time origin — the clients
// the simulator has still asking, and the steps, one after another.
//
// What the real kernel (6.x here) does differently from a 2010 dom0, and what is done about it:
// - A bridge port with STP off goes straight to forwarding (br_make_forwarding: NO_STP or
//   forward_delay 0), observed with `bridge link show` right after `ip link set … up`; 2.6.32 held
//   it in learning for the forward delay. Where the simulated port is still learning when the plan
//   is made, the port is put in learning by hand (`type bridge_slave state 2`, allowed with STP off)
//   and set forwarding after the time the simulator had left.
// - With STP on, a modern bridge clamps forward delay to at least 2 s (br_stp_start); the setup
//   waits (at most 2 × forward delay + 5 s) for the ports the simulator has forwarding.
// - br_netfilter: bridged IPv4 frames go through iptables (bridge-nf-call-iptables = 1) in every
//   new namespace, as on 2.6.32, where it was the default; left as it is.
// - unres_qlen is written in packets, but a modern kernel keeps unres_qlen_bytes (= packets ×
//   the truesize of a full frame), so more small packets may wait for ARP than 2.6.32's 3.
// - IPv6 is off in every namespace: the simulator has no IPv6, a 2010 dom0 did (router
//   solicitations and MLD reports would be the real side's only).
// - The DHCP servers are dnsmasq 2.90 whatever the simulator runs (dnsmasq 2.55, ISC dhcpd): the
//   same addresses, lease times and options; T1/T2 fuzz follows 2.90.
import { q, prelude } from "./bash-prelude.ts";
import type { RealBridge, RealDhcpClient, RealLink, RealPlan } from "./plan-types.ts";
import type { Step } from "./steps.ts";

/** Where a run keeps its files and how its namespaces are named. */
export interface RealPaths {
  /** The directory of the pcaps, leases, logs and markers. */
  readonly dir: string;
  /** The namespaces' name prefix: `xn-rz-<pid>-<run>-`. */
  readonly prefix: string;
}

/** How long setup waits for DHCP clients to be bound, seconds. */
export const DHCP_WAIT_S = 40;
const cs = (us: number): number => Math.round(us / 10_000);

// Devices are always named with `name`/`dev`: iproute2 reads a bare first word that abbreviates a
// keyword as that keyword (`ip link add a type veth …` failed with `"type" is invalid lladdr`: `a`
// was taken for `address`).
function linkLines(links: readonly RealLink[]): string[] {
  const out: string[] = [];
  links.forEach((l, i) => {
    const b = l.b ?? { node: "void", dev: `xnv${i}`, mac: undefined, up: false };
    const peerNs = b.node === l.a.node ? "" : ` netns "$P"${q(b.node)}`;
    out.push(`ip -n "$P"${q(l.a.node)} link add name ${q(l.a.dev)} type veth peer name ${q(b.dev)}${peerNs} || die "link ${l.a.node}:${l.a.dev}"`);
    for (const e of [l.a, b]) if (e.mac !== undefined) out.push(`ip -n "$P"${q(e.node)} link set dev ${q(e.dev)} address ${e.mac} || die "mac ${e.node}:${e.dev}"`);
  });
  return out;
}

function upLines(plan: RealPlan): string[] {
  const ends = plan.links.flatMap((l) => (l.b === null ? [l.a] : [l.a, l.b])).filter((e) => e.up);
  return [...ends, ...plan.bridges.filter((b) => b.up).map((b) => ({ node: b.node, dev: b.dev }))].map((e) => `ip -n "$P"${q(e.node)} link set dev ${q(e.dev)} up || die "up ${e.node}:${e.dev}"`);
}

function bridgeLines(b: RealBridge): string[] {
  const n = `"$P"${q(b.node)}`;
  const timers = `forward_delay ${cs(b.forwardDelay)} hello_time ${cs(b.helloTime)} max_age ${cs(b.maxAge)} ageing_time ${cs(b.ageing)} priority ${b.priority}`;
  return [
    `ip -n ${n} link add name ${q(b.dev)} type bridge stp_state 0 ${timers} || die "bridge ${b.node}:${b.dev}"`,
    ...(b.mac === "" ? [] : [`ip -n ${n} link set dev ${q(b.dev)} address ${b.mac} || die "bridge mac ${b.dev}"`]),
    ...b.ports.map((p) => `ip -n ${n} link set dev ${q(p.dev)} master ${q(b.dev)} || die "port ${p.dev} of ${b.dev}"`),
    ...(b.stp ? [`ip -n ${n} link set dev ${q(b.dev)} type bridge stp_state 1 || die "stp ${b.dev}"`] : []),
  ];
}

function sysctlLines(plan: RealPlan): string[] {
  return plan.hosts.flatMap((node) => {
    const mine = plan.sysctls.filter((s) => s.node === node);
    if (mine.length === 0) return [];
    return [
      `ip netns exec "$P"${q(node)} bash -s <<'XN_EOF'`,
      `w() { printf '%s\\n' "$2" > "/proc/sys/$1" 2>/dev/null || echo "realize: ${node}: cannot write $1 = $2"; }`,
      ...mine.map((s) => `w ${q(s.path)} ${q(s.value)}`),
      "XN_EOF",
    ];
  });
}

function addressRouteLines(plan: RealPlan): string[] {
  return [
    ...plan.addresses.map((a) => `ip -n "$P"${q(a.node)} addr add ${a.address}/${a.prefix}${a.broadcast ? ` brd ${a.broadcast}` : ""} dev ${q(a.dev)} || die "address ${a.address} on ${a.node}:${a.dev}"`),
    ...plan.routes.map((r) => {
      const via = r.gateway === undefined ? "" : ` via ${r.gateway}`;
      const src = r.src === undefined ? "" : ` src ${r.src}`;
      return `rt ${q(r.node)} ${r.dst}/${r.prefix}${via} dev ${q(r.dev)}${src} metric ${r.metric} scope ${r.scope} proto ${r.proto}`;
    }),
  ];
}

function iptablesLines(plan: RealPlan): string[] {
  return plan.iptables.flatMap((t) => [`ip netns exec "$P"${q(t.node)} iptables-restore <<'XN_EOF' || die "iptables-restore in ${t.node}"`, t.save.trimEnd(), "XN_EOF"]);
}

function captureLines(plan: RealPlan): string[] {
  const parts = plan.captures.map((c) => c.split(":") as [string, string]);
  return [
    ...parts.map(([n, d]) => `cap ${q(n)} ${q(d)}`),
    ...parts.map(([n, d]) => `waitgrep listening "$DIR/"${q(`${n}_${d}.err`)} 10 || die "tcpdump on ${n}:${d}"`),
  ];
}

function clientLine(c: RealDhcpClient): string {
  return `bg ${q(c.node)} env XN_MARK="$DIR/"${q(`bound.${c.node}.${c.dev}`)} busybox udhcpc -f -C -V "" -i ${q(c.dev)} -s "$DIR/udhcpc.sh" -t 20 -T 2 -A 5`;
}

/** The servers, and the clients the simulator has bound, waited for; those still asking start with the script. */
function dhcpLines(plan: RealPlan): { before: string[]; after: string[] } {
  const servers = plan.dhcpServers.map((s, i) => {
    const files = `--dhcp-leasefile="$DIR/dnsmasq-${i}.leases" --pid-file="$DIR/dnsmasq-${i}.pid"`;
    return `log "dhcp server: ${s.what} on ${s.node}"; bg ${q(s.node)} dnsmasq ${s.args.map(q).join(" ")} ${files}`;
  });
  const bound = plan.dhcpClients.filter((c) => c.bound);
  const waits = bound.map((c) => `waitfile "$DIR/"${q(`bound.${c.node}.${c.dev}`)} ${DHCP_WAIT_S} && log "lease: ${c.node}:${c.dev}" || log "no lease for ${c.node}:${c.dev} after ${DHCP_WAIT_S} s"`);
  return {
    before: [...servers, ...(servers.length > 0 ? ["sleep 0.5"] : []), ...bound.map(clientLine), ...waits],
    after: plan.dhcpClients.filter((c) => !c.bound).map(clientLine),
  };
}

/** Bridge ports: the STP wait before the start, and the learning ports 2.6.32 still holds, released after the start. */
function portLines(plan: RealPlan): { before: string[]; after: string[] } {
  const before: string[] = [];
  const after: string[] = [];
  for (const b of plan.bridges) {
    const n = `"$P"${q(b.node)}`;
    for (const p of b.ports) {
      if (b.stp && p.state === "forwarding") {
        const limit = Math.ceil((2 * Math.max(b.forwardDelay, 2_000_000)) / 1_000_000) + 5;
        before.push(`for i in $(seq ${limit * 10}); do bridge -n ${n} link show dev ${q(p.dev)} | grep -q 'state forwarding' && break; sleep 0.1; done`);
      }
      if (p.forwardingAfter !== undefined) {
        before.push(`ip -n ${n} link set dev ${q(p.dev)} type bridge_slave state 2 || log "cannot hold ${b.node}:${p.dev} in learning"`);
        after.push(`( sleep ${(p.forwardingAfter / 1e6).toFixed(6)}; ip -n ${n} link set dev ${q(p.dev)} type bridge_slave state 3 ) & started $!`);
      }
    }
  }
  return { before, after };
}

function stepLines(steps: readonly Step[]): string[] {
  return steps.map((s, i) => {
    const head = `log "step ${i + 1} (line ${s.line}): ${s.text.replaceAll(/["$`\\]/g, "")}"`;
    if (s.argv[0] === "sleep") return `${head}; pause ${i + 1} ${q(s.argv[1]!)}`;
    return `${head}; step ${i + 1} ${q(s.node)} ${s.limit} ${s.argv.map(q).join(" ")}`;
  });
}

/** The whole run as one bash script (see the file header). */
export function bashOf(plan: RealPlan, steps: readonly Step[], paths: RealPaths): string {
  const ports = portLines(plan);
  const dhcp = dhcpLines(plan);
  return [
    prelude(paths.dir, paths.prefix, plan.nodes),
    ...plan.nodes.map((n) => `ns ${q(n)}`),
    ...linkLines(plan.links),
    ...plan.bridges.flatMap(bridgeLines),
    ...upLines(plan),
    ...sysctlLines(plan),
    ...addressRouteLines(plan),
    ...iptablesLines(plan),
    ...captureLines(plan),
    ...dhcp.before,
    "retry_routes",
    ...ports.before,
    "sleep 0.2",
    // Both sides start the script with empty neighbour caches (fidelity/diff's prepareForScript
    // flushes the simulated ones): entries the set-up made would otherwise reach DELAY/PROBE
    // during the script on one side only.
    ...plan.nodes.map((n) => `ip -n "$P"${q(n)} neigh flush all 2>/dev/null`),
    'T0=$(us); echo "$T0" > "$DIR/t0"; log "ready: time origin $T0"',
    ...ports.after,
    ...dhcp.after,
    ...stepLines(steps),
    "sleep 1",
    'log "done"',
    "",
  ].join("\n");
}
