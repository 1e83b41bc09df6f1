// The routed and NAT models built for real, on this machine's kernel, for kernel-models.test.ts: one
// network namespace per node (`xn-mdl-<pid>-router`, `-inet`, `-dom0`, `-guest1`, `-guest2`), veth
// pairs named like Xen's (`vif1.0` in dom0 ↔ `eth0` in the guest), the same MACs and addresses as
// models.ts, `iptables` MASQUERADE, dnsmasq-base and busybox udhcpc, and `tcpdump -p` on every
// interface. The steps of scenario.ts run at the same seconds, with the real tools: busybox ping
// and traceroute, a python3 UDP echo client and server. The LAN's DHCP server is left out: no step
// of these two models asks it for anything.
//
// Safety: nothing is created in, moved into or linked to the root namespace — every veth is created
// inside one of our namespaces with its peer put straight into another; no command touches a real
// interface or the machine's /etc/resolv.conf (udhcpc's script only sets the address and route
// inside the guest's namespace). The whole run is bounded by `timeout`; a bash trap kills only the
// processes the script started (their PIDs) and deletes our namespaces, and the caller deletes any
// `xn-mdl-*` namespace a killed earlier run left behind.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCapture } from "../../captures/read-capture.ts";
import { ipv4ToString, macToString } from "../../netsim/wire/address.ts";
import { ADDR, MAC, NODES, type Model, type NodeName } from "./models.ts";
import type { Seen } from "./normalise.ts";
import { ECHO_PORT, type Step } from "./scenario.ts";
import { netnsUnavailable, removeNetnsLeftovers } from "../netns-probe.ts";

const PREFIX = "xn-mdl-";
const TOOLS = ["ip", "tcpdump", "dnsmasq", "busybox", "iptables", "python3", "timeout", "tshark"];

/** Why the real models cannot be built here, or undefined when they can. */
export function kernelUnavailable(): string | undefined {
  return netnsUnavailable(PREFIX, TOOLS);
}

/** Deletes the namespaces a killed earlier run left behind (ours only: the xn-mdl- prefix). */
export function removeLeftovers(): void {
  removeNetnsLeftovers(PREFIX);
}

/** The interfaces captured, `node:dev`. */
export const KERNEL_INTERFACES = ["router:eth0", "router:eth1", "inet:eth0", "dom0:eth0", "dom0:vif1.0", "dom0:vif2.0", "guest1:eth0", "guest2:eth0"] as const;

const UDHCPC_SCRIPT = `#!/bin/sh
# Only the address and the default route, inside the guest's namespace: never resolv.conf.
[ "$1" = bound ] || exit 0
ip addr add "$ip/$mask" brd + dev "$interface"
[ -n "$router" ] && ip route add default via "\${router%% *}" dev "$interface"
exit 0
`;

const ECHO_SERVER = `import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", ${ECHO_PORT}))
while True:
    d, a = s.recvfrom(2048)
    s.sendto(d, a)`;

// Datagrams of 32 bytes (a 4-byte sequence number, then zeros) one second apart from a given wall
// clock time (µs), as UdpEchoClient sends them; started a second early, so that the interpreter's
// start-up time does not delay the first one.
const ECHO_CLIENT = `import socket, struct, sys, time
dst, port, sport, count, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]) / 1e6
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", sport))
s.settimeout(0.5)
for i in range(count):
    delay = start + i - time.time()
    if delay > 0:
        time.sleep(delay)
    s.sendto(struct.pack("!I", i + 1) + bytes(28), (dst, port))
    try:
        s.recvfrom(2048)
    except socket.timeout:
        pass`;

const q = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** The namespaces, links, MACs and loopbacks every model shares. */
function worldCommands(): string[] {
  const link = (ns: string, dev: string, peerNs: string, peer: string) => `ip -n $${ns} link add ${dev} type veth peer name ${peer} netns $${peerNs}`;
  const mac = (ns: string, dev: string, m: number) => `ip -n $${ns} link set ${dev} address ${macToString(m)} up`;
  return [
    ...NODES.map((n) => `ns ${n}`),
    link("router", "eth1", "inet", "eth0"),
    link("router", "eth0", "dom0", "eth0"),
    link("dom0", "vif1.0", "guest1", "eth0"),
    link("dom0", "vif2.0", "guest2", "eth0"),
    mac("router", "eth0", MAC.routerLan),
    mac("router", "eth1", MAC.routerInet),
    mac("inet", "eth0", MAC.inet),
    mac("dom0", "eth0", MAC.dom0),
    mac("guest1", "eth0", MAC.guest[0]),
    mac("guest2", "eth0", MAC.guest[1]),
    "ip -n $router addr add 192.0.2.1/24 brd + dev eth0",
    "ip -n $router addr add 198.51.100.1/24 brd + dev eth1",
    "sys $router net.ipv4.ip_forward=1",
    "ip -n $inet addr add 198.51.100.10/24 brd + dev eth0",
    "ip -n $inet route add default via 198.51.100.1",
    "ip -n $dom0 addr add 192.0.2.10/24 brd + dev eth0",
    "ip -n $dom0 route add default via 192.0.2.1",
    "sys $dom0 net.ipv4.ip_forward=1",
  ];
}

/** vif-route / vif-nat for one vif: up, a /32, proxy ARP without delay, a host route to the guest. */
function vifCommands(vif: string, local: string, guest: string): string[] {
  const conf = (path: string, v: string) => `ip netns exec $dom0 sh -c 'echo ${v} > /proc/sys/net/ipv4/${path}'`;
  return [
    `ip -n $dom0 link set ${vif} address ${macToString(0xfe_ff_ff_ff_ff_ff)} up`,
    `ip -n $dom0 addr add ${local}/32 dev ${vif}`,
    conf(`conf/${vif}/proxy_arp`, "1"),
    conf(`neigh/${vif}/proxy_delay`, "0"),
    `ip -n $dom0 route add ${guest} dev ${vif} src ${local}`,
  ];
}

/** What models.ts wires for `kind`, as commands (proxy_delay 0: see kernel-models.test.ts). */
function modelCommands(kind: "routing" | "nat", dir: string): string[] {
  const s = ipv4ToString;
  if (kind === "routing") {
    return [
      "ip netns exec $dom0 sh -c 'echo 1 > /proc/sys/net/ipv4/conf/eth0/proxy_arp; echo 0 > /proc/sys/net/ipv4/neigh/eth0/proxy_delay'",
      ...vifCommands("vif1.0", s(ADDR.dom0), s(ADDR.routed[0])),
      ...vifCommands("vif2.0", s(ADDR.dom0), s(ADDR.routed[1])),
      ...[1, 2].flatMap((n) => [`ip -n $guest${n} addr add ${s(ADDR.routed[n - 1]!)}/24 brd + dev eth0`, `ip -n $guest${n} route add default via 192.0.2.1`]),
    ];
  }
  const hosts = [0, 1].map((i) => `--dhcp-host=${macToString(MAC.guest[i]!)},${s(ADDR.nat[i]!)},guest${i + 1}`).join(" ");
  return [
    "ip netns exec $dom0 iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE",
    ...vifCommands("vif1.0", s(ADDR.natGateway[0]), s(ADDR.nat[0])),
    ...vifCommands("vif2.0", s(ADDR.natGateway[1]), s(ADDR.nat[1])),
    `bg $dom0 dnsmasq --keep-in-foreground --no-resolv --no-hosts --conf-file=/dev/null --port=0 --bind-interfaces ` +
      `--interface=vif1.0 --interface=vif2.0 --dhcp-range=10.0.0.0,static,255.255.0.0 ${hosts} ` +
      `--dhcp-leasefile=${dir}/dnsmasq.leases --pid-file=${dir}/dnsmasq.pid`,
  ];
}

/** A step as the command the real node runs in the background, and when to start it (µs after T0). */
function stepCommand(s: Step, resolve: (to: NodeName) => string, dir: string): { readonly at: number; readonly cmd: string } {
  const at = Math.round(s.at * 1e6);
  return { at: s.run === "udp-echo" ? at - 1_000_000 : at, cmd: stepLine(s, resolve, dir, at) };
}

/** The command line of one step (`at`: its time, for the echo client's own schedule). */
function stepLine(s: Step, resolve: (to: NodeName) => string, dir: string, at: number): string {
  const ns = `$${s.node}`;
  switch (s.run) {
    case "udhcpc":
      return `bg ${ns} busybox udhcpc -f -q -n -i ${s.dev} -s ${dir}/udhcpc.sh -x hostname:${s.node}`;
    case "ping":
      return `bg ${ns} busybox ping -c ${s.count} ${resolve(s.to)}`;
    case "traceroute":
      return `bg ${ns} busybox traceroute -n ${resolve(s.to)}`;
    case "udp-echo":
      return `bg ${ns} python3 -c ${q(ECHO_CLIENT)} ${resolve(s.to)} ${ECHO_PORT} ${s.srcPort} ${s.count} $((T0 + ${at}))`;
  }
}

// The script's frame: namespaces, a helper that starts a background job and writes its PID down
// (in PIDS and in $DIR/pids), `at` (sleep until T0 + µs), and the trap that stops those processes
// and deletes our namespaces.
const PRELUDE = `
set -u
P=$1; DIR=$2
PIDS=()
cleanup() {
  for p in "\${PIDS[@]}"; do kill -INT "$p" 2>/dev/null; done
  sleep 0.5
  for p in "\${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  for n in ${NODES.join(" ")}; do ip netns del "$P$n" 2>/dev/null; done
}
trap cleanup EXIT
ns() { eval "$1=$P$1"; ip netns add "$P$1" || exit 1; ip netns exec "$P$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; ip -n "$P$1" link set lo up; }
sys() { ip netns exec "$1" sysctl -qw "$2"; }
started() { PIDS+=("$1"); echo "$1" >>"$DIR/pids"; }
bg() { local n=$1; shift; ip netns exec "$n" "$@" >>"$DIR/jobs.log" 2>&1 & started $!; }
cap() { ip netns exec "$1" tcpdump -p -U --immediate-mode -n -i "$2" -w "$DIR/$3.pcap" 2>"$DIR/$3.err" & started $!; }
us() { local t=$EPOCHREALTIME; echo $(( \${t/./} )); }
at() { local w=$(( T0 + $1 - $(us) )); if (( w > 0 )); then sleep "$(printf '%d.%06d' $((w / 1000000)) $((w % 1000000)))"; fi; }
`;

/** What a real run left: its start (µs since 1970), the frames and the pcap file per interface, and each node's `ip neigh`. */
export interface KernelRun {
  readonly t0: number;
  readonly seen: ReadonlyMap<string, Seen[]>;
  readonly pcaps: ReadonlyMap<string, Uint8Array>;
  readonly neigh: Readonly<Record<string, string>>;
}

const CAPTURED = KERNEL_INTERFACES.map((i) => i.split(":") as [string, string]);

/** The whole run as a bash script: world, model, echo server, captures, then the steps on time. */
function script(m: Model & { kind: "routing" | "nat" }, steps: readonly Step[], end: number, resolve: (to: NodeName) => string, dir: string): string {
  const errs = CAPTURED.map(([n, d]) => `"$DIR/${n}_${d}.err"`).join(" ");
  return [
    PRELUDE,
    ...worldCommands(),
    ...modelCommands(m.kind, dir),
    `bg $inet python3 -c ${q(ECHO_SERVER)}`,
    ...CAPTURED.map(([node, dev]) => `cap $${node} ${dev} ${node}_${dev}`),
    `for f in ${errs}; do for i in $(seq 100); do grep -q listening "$f" && break; sleep 0.1; done; done`,
    "sleep 0.5; T0=$(us); echo $T0 > $DIR/t0",
    ...steps
      .map((s) => stepCommand(s, resolve, dir))
      .sort((a, b) => a.at - b.at)
      .map((c) => `at ${c.at}; ${c.cmd}`),
    `at ${end * 1e6}`,
    ...NODES.map((n) => `ip -n $${n} neigh show > $DIR/${n}.neigh`),
  ].join("\n");
}

/** The captures and ARP tables a finished run left in `dir`. */
function collect(dir: string): KernelRun {
  const seen = new Map<string, Seen[]>();
  const pcaps = new Map<string, Uint8Array>();
  for (const [node, dev] of CAPTURED) {
    const file = readFileSync(join(dir, `${node}_${dev}.pcap`));
    const cap = readCapture(file);
    if (!cap.ok) throw new Error(`${node}_${dev}.pcap: ${cap.error.message}`);
    seen.set(`${node}:${dev}`, cap.value.packets.map((p) => ({ time: p.timeMicros, frame: p.data })));
    pcaps.set(`${node}:${dev}`, file);
  }
  const neigh = Object.fromEntries(NODES.map((n) => [n, readFileSync(join(dir, `${n}.neigh`), "utf8")]));
  return { t0: Number(readFileSync(join(dir, "t0"), "utf8")), seen, pcaps, neigh };
}

/**
 * After a run that had to be killed: SIGKILL to every process the script started that still lives
 * in one of this run's namespaces (checked by the namespace's inode, so a PID reused meanwhile by
 * someone else is left alone), then the namespaces go.
 */
function killStragglers(dir: string, prefix: string): void {
  const inodes = new Set(NODES.flatMap((n) => (existsSync(`/run/netns/${prefix}${n}`) ? [statSync(`/run/netns/${prefix}${n}`).ino] : [])));
  const pids = existsSync(join(dir, "pids")) ? readFileSync(join(dir, "pids"), "utf8").split("\n").filter((l) => l !== "").map(Number) : [];
  for (const pid of pids) {
    try {
      if (inodes.has(statSync(`/proc/${pid}/ns/net`).ino)) process.kill(pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
  for (const n of NODES) spawnSync("ip", ["netns", "del", `${prefix}${n}`], { timeout: 5_000 });
}

/** Builds `m.kind` for real, runs the steps on its timeline (`resolve` gives a target's address), and returns the captures. */
export function runKernel(m: Model, steps: readonly Step[], end: number, resolve: (to: NodeName) => string): KernelRun {
  if (m.kind === "bridge") throw new Error("the bridge model is not built for real");
  const dir = mkdtempSync(join(tmpdir(), "xn-mdl-"));
  const prefix = `${PREFIX}${process.pid}-`;
  try {
    writeFileSync(join(dir, "udhcpc.sh"), UDHCPC_SCRIPT, { mode: 0o755 });
    writeFileSync(join(dir, "run.sh"), script({ ...m, kind: m.kind }, steps, end, resolve, dir));
    const r = spawnSync("timeout", ["-k", "5", String(end + 40), "bash", join(dir, "run.sh"), prefix, dir], { encoding: "utf8", timeout: (end + 60) * 1000 });
    if (r.status !== 0) throw new Error(`real ${m.kind} model failed (${r.status ?? r.signal}): ${r.stderr}`);
    return collect(dir);
  } finally {
    killStragglers(dir, prefix);
    rmSync(dir, { recursive: true, force: true });
  }
}
