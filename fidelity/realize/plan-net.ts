// The layer-3 half of planOf, read from each node's simulated IPv4 stack: its static addresses and
// routes (not those a DHCP client learnt, nor the kernel's own subnet routes, which the real kernel
// makes from the addresses), its /proc/sys/net/ipv4 settings as the files print them (ip_forward,
// the globals, conf/all and each device's conf/* — proxy_arp, rp_filter… — and neigh/<dev>/* —
// proxy_delay, unres_qlen, the ARP timers), and its netfilter as `iptables-save` prints it.
import type { Ipv4Stack, Netfilter } from "../../netsim/l3/index.ts";
import { ipv4ToString } from "../../netsim/wire/address.ts";
import type { RealAddress, RealIptables, RealRoute, RealSysctl } from "./plan-types.ts";

/** A node's stack, its netfilter if it has one, and the devices its DHCP clients configure. */
export interface NetNode {
  readonly name: string;
  readonly stack: Ipv4Stack;
  readonly netfilter?: Netfilter;
  readonly dhcpDevs: readonly string[];
}

const GLOBALS = ["ip_forward", "ip_default_ttl", "icmp_ratelimit", "icmp_ratemask", "icmp_echo_ignore_all", "icmp_echo_ignore_broadcasts", "icmp_errors_use_inbound_ifaddr", "ip_local_port_range"];
const CONF = ["forwarding", "proxy_arp", "rp_filter", "arp_ignore", "arp_announce", "arp_filter", "arp_accept", "arp_notify", "send_redirects", "accept_redirects", "shared_media", "accept_local", "promote_secondaries", "medium_id"];
// proxy_delay and retrans_time in USER_HZ, the rest as named; unres_qlen in packets (see bash.ts on its limits).
const NEIGH = ["base_reachable_time_ms", "retrans_time_ms", "delay_first_probe_time", "gc_stale_time", "unres_qlen", "ucast_solicit", "mcast_solicit", "app_solicit", "proxy_delay", "proxy_qlen", "locktime"];

/** The node's devices other than loopback, in ifindex order. */
function devNames(n: NetNode): string[] {
  return n.stack.devices().filter((d) => d.kind !== "loopback").map((d) => d.name);
}

/** Static addresses: every address but loopback's and those on a DHCP client's device. */
export function addressesOf(n: NetNode): RealAddress[] {
  return n.stack
    .addresses()
    .filter((a) => a.dev !== "lo" && !n.dhcpDevs.includes(a.dev))
    .map((a) => ({ node: n.name, dev: a.dev, address: ipv4ToString(a.address), prefix: a.prefix, broadcast: a.broadcast === 0 ? undefined : ipv4ToString(a.broadcast) }));
}

/** Static routes: the main table without the kernel's subnet routes and without a DHCP client's routes; link routes first. */
export function routesOf(n: NetNode): RealRoute[] {
  const routes = n.stack
    .routes()
    .filter((r) => r.proto !== "kernel" && !n.dhcpDevs.includes(r.dev))
    .map((r) => ({
      node: n.name, dst: ipv4ToString(r.dst), prefix: r.prefix, dev: r.dev, gateway: r.gateway === undefined ? undefined : ipv4ToString(r.gateway),
      src: r.src === undefined ? undefined : ipv4ToString(r.src), metric: r.metric, scope: r.scope, proto: r.proto,
    }));
  return [...routes.filter((r) => r.gateway === undefined), ...routes.filter((r) => r.gateway !== undefined)];
}

/** The br_netfilter switches the simulated dom0 has (netsim/l3/bridge-sysctl.ts). */
const BRIDGE_NF = ["bridge-nf-call-iptables", "bridge-nf-call-arptables", "bridge-nf-filter-vlan-tagged"];

/** The /proc/sys/net/ipv4 and net/bridge files, as the simulated stack prints them, in an order that writes cleanly. */
export function sysctlsOf(n: NetNode): RealSysctl[] {
  const out: RealSysctl[] = [];
  const add = (path: string): void => {
    const value = n.stack.readSysctl(path);
    if (value !== undefined) out.push({ node: n.name, path, value });
  };
  for (const g of GLOBALS) add(`net/ipv4/${g}`);
  for (const c of CONF) add(`net/ipv4/conf/all/${c}`);
  for (const dev of devNames(n)) for (const c of CONF) add(`net/ipv4/conf/${dev}/${c}`);
  for (const dev of devNames(n)) for (const k of NEIGH) add(`net/ipv4/neigh/${dev}/${k}`);
  // Squeeze's br_netfilter passes bridged frames through iptables (bridge-nf-call-iptables=1). The
  // files exist in a namespace only when this machine's kernel has br_netfilter loaded — realize
  // never loads a module (it would change every bridge of the machine); without it the write fails,
  // the run logs it, and bridged frames skip iptables, which only a FORWARD rule would show.
  for (const k of BRIDGE_NF) add(`net/bridge/${k}`);
  return out;
}

/** The node's iptables-save text, when it has a rule or a policy other than ACCEPT. */
export function iptablesOf(n: NetNode): RealIptables | undefined {
  if (n.netfilter === undefined) return undefined;
  const save = n.netfilter.iptablesSave([]).stdout;
  const lines = save.split("\n");
  const used = lines.some((l) => l.startsWith("-A ") || (/^:\S+ (DROP|REJECT)/.test(l)));
  return used ? { node: n.name, save } : undefined;
}
