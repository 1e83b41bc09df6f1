// The plan of a realisation: a booted simulated host described as plain data that a bash script
// can build for real out of network namespaces (one per node: dom0, each running guest, each world
// host, and one per world segment — the LAN switch or hub, the internet switch). Every name is the
// simulator's: node names, device names (`vif1.0`, `peth0`, `xenbr0`), MACs as `ip link` prints
// them, so captures on both sides are keyed alike (`node:dev`). Times are µs, as in the simulator.

/** One end of a link: a device of a node, its MAC (undefined: let the kernel choose) and whether it is up. */
export interface RealEnd {
  readonly node: string;
  readonly dev: string;
  readonly mac: string | undefined;
  readonly up: boolean;
}

/**
 * A point-to-point link, built as a veth pair: a cable (NIC ↔ switch port), a Xen split driver
 * (netback `vifD.N` ↔ netfront `eth0`), a netloop or other veth pair. `b` null: nothing at the
 * other end (an unplugged card, a vif whose guest is gone) — its peer is parked in the `void` node.
 */
export interface RealLink {
  readonly a: RealEnd;
  readonly b: RealEnd | null;
  /** What the simulator has there: "cable", "xen", "veth", "unplugged". */
  readonly what: "cable" | "xen" | "veth" | "unplugged";
}

/** A port of a bridge and, with STP off, how long it stays learning (2.6.32) after the script starts. */
export interface RealPort {
  readonly dev: string;
  /** The simulator's port state at planning time. */
  readonly state: string;
  /** µs after the script's start at which a learning port starts forwarding (undefined: forwarding already, or STP decides). */
  readonly forwardingAfter?: number;
}

/** A Linux bridge with its brctl settings (µs); a hub is a bridge that never learns (ageing 0). */
export interface RealBridge {
  readonly node: string;
  readonly dev: string;
  readonly mac: string;
  readonly up: boolean;
  readonly stp: boolean;
  readonly forwardDelay: number;
  readonly helloTime: number;
  readonly maxAge: number;
  readonly ageing: number;
  readonly priority: number;
  readonly ports: readonly RealPort[];
  readonly hub: boolean;
}

/** A static address (`ip addr add A/P [brd B] dev D`). */
export interface RealAddress {
  readonly node: string;
  readonly dev: string;
  readonly address: string;
  readonly prefix: number;
  readonly broadcast: string | undefined;
}

/** A static route (`ip route add DST/P [via G] dev D [src S] [metric M] scope S proto P`). */
export interface RealRoute {
  readonly node: string;
  readonly dst: string;
  readonly prefix: number;
  readonly dev: string;
  readonly gateway: string | undefined;
  readonly src: string | undefined;
  readonly metric: number;
  readonly scope: string;
  readonly proto: string;
}

/** A sysctl of one node's namespace, by its path under /proc/sys (`net/ipv4/conf/vif1.0/proxy_arp` = `1`). */
export interface RealSysctl {
  readonly node: string;
  readonly path: string;
  readonly value: string;
}

/** A node's netfilter, as `iptables-save` prints it in the simulator, for `iptables-restore`. */
export interface RealIptables {
  readonly node: string;
  readonly save: string;
}

/** A DHCP server run as dnsmasq (the files — leases, pid — are added when the script is written). */
export interface RealDhcpServer {
  readonly node: string;
  /** What the simulator runs there: `dnsmasq`, `dhcpd` (ISC, served by dnsmasq here), `vif-nat dhcpd`, `lan dnsmasq`. */
  readonly what: string;
  readonly args: readonly string[];
}

/**
 * A device that gets its address by DHCP: busybox udhcpc there. A client the simulator has bound
 * is bound before the script starts; one still asking is started when the script starts.
 */
export interface RealDhcpClient {
  readonly node: string;
  readonly dev: string;
  readonly bound: boolean;
}

/** Everything a realisation builds. */
export interface RealPlan {
  /** dom0's hostname, for the transcript's prompt. */
  readonly hostname: string;
  /** Every node, in build order: dom0, guests, world hosts, segments, and `void` when a link needs it. */
  readonly nodes: readonly string[];
  /** The nodes a command can run on (`on NODE`): dom0, the running guests, the world's hosts. */
  readonly hosts: readonly string[];
  readonly links: readonly RealLink[];
  readonly bridges: readonly RealBridge[];
  readonly addresses: readonly RealAddress[];
  readonly routes: readonly RealRoute[];
  readonly sysctls: readonly RealSysctl[];
  readonly iptables: readonly RealIptables[];
  readonly dhcpServers: readonly RealDhcpServer[];
  readonly dhcpClients: readonly RealDhcpClient[];
  /** The world's names (`www`, `router`, LAN hosts) and their addresses, for ping and traceroute. */
  readonly names: Readonly<Record<string, string>>;
  /** The interfaces captured (every device that is up, not loopbacks), `node:dev`. */
  readonly captures: readonly string[];
}
