// The three Xen network models of a Debian Squeeze dom0 (Xen 4.0.1 scripts, Linux 2.6.32), wired by
// hand from netsim pieces — no config files, no hypervisor code — in one world outside the host:
//
//   inet 198.51.100.10 ── eth1 198.51.100.1 [router] eth0 192.0.2.1 ── (LAN cable) ── dom0's uplink
//                                            dnsmasq on eth0: 192.0.2.100–199
//
// and two guests (domid 1 and 2) whose netfront `eth0` is joined to netback `vif1.0` / `vif2.0` in
// dom0. What each builder does is what the scripts named in its comment do (reference:
// shared/reference/xen-networking.md §2–4); the NAT model's DHCP server is shared/reference/dhcp-nat.md §5.
import { Sim } from "../../netsim/engine/sim.ts";
import { DnsmasqServer } from "../../netsim/apps/dhcp-server.ts";
import { Bridge, Cable, Netback, Netfront, Nic } from "../../netsim/l2/index.ts";
import { Ipv4Stack } from "../../netsim/l3/ipv4-stack.ts";
import { Netfilter } from "../../netsim/l3/netfilter/index.ts";
import { parseIpv4, type Ipv4, type Mac } from "../../netsim/wire/address.ts";

/** Dotted quad to number; throws on a typo in a test. */
export function ip(text: string): Ipv4 {
  const v = parseIpv4(text);
  if (v === undefined) throw new Error(`bad address ${text}`);
  return v;
}

/** The addresses every model uses. */
export const ADDR = {
  router: ip("192.0.2.1"),
  routerInet: ip("198.51.100.1"),
  inet: ip("198.51.100.10"),
  /** dom0's static uplink address in the routed and NAT models (vif-route's main_ip). */
  dom0: ip("192.0.2.10"),
  /** The routed guests' static addresses (vif `ip=`). */
  routed: [ip("192.0.2.50"), ip("192.0.2.51")],
  /** vif-nat's guest addresses for domid 1 and 2, first vif: 10.<D div 256>.<D mod 256>.<H+1>/16. */
  nat: [ip("10.0.1.1"), ip("10.0.2.1")],
  /** vif-nat's router_ip: the guest address with 127 added to the last octet. */
  natGateway: [ip("10.0.1.128"), ip("10.0.2.128")],
  lanPool: [ip("192.0.2.100"), ip("192.0.2.199")],
} as const;

/** The MACs: locally administered for the world's NICs, Xen's 00:16:3e OUI for the guests. */
export const MAC = {
  routerLan: 0x02_00_00_00_00_01,
  routerInet: 0x02_00_00_00_00_02,
  inet: 0x02_00_00_00_00_10,
  dom0: 0x02_00_00_00_00_20,
  guest: [0x00_16_3e_00_00_01, 0x00_16_3e_00_00_02],
} as const;

/** The nodes of every model. */
export const NODES = ["router", "inet", "dom0", "guest1", "guest2"] as const;
/** A node's name. */
export type NodeName = (typeof NODES)[number];

/** A wired model: the simulator, one IPv4 stack per node, and the pieces tests look into. */
export interface Model {
  readonly kind: "bridge" | "routing" | "nat";
  readonly sim: Sim;
  readonly nodes: Readonly<Record<NodeName, Ipv4Stack>>;
  /** The LAN's DHCP server, on the router's eth0. */
  readonly lanDhcp: DnsmasqServer;
  /** dom0's `xenbr0` (bridge model). */
  readonly xenbr0?: Bridge;
  /** dom0's netfilter (NAT model). */
  readonly netfilter?: Netfilter;
  readonly vifs: readonly Netback[];
}

/** Options shared by the builders. */
export interface ModelOptions {
  readonly seed?: number;
  /** Called with the simulator before anything is wired (to start a TraceRecorder that sees it all). */
  readonly beforeWiring?: (sim: Sim) => void;
  /** Bridge model: xenbr0's forward delay in µs (network-bridge sets 0; the kernel default is 15 s). */
  readonly forwardDelay?: number;
  /** neigh/<dev>/proxy_delay on dom0's proxy-ARP interfaces, in jiffies (Linux default 80 = 0.8 s). */
  readonly proxyDelay?: number;
}

function check(what: string, err: string | undefined): void {
  if (err !== undefined) throw new Error(`${what}: ${err}`);
}

/** A NIC named `dev` on `stack`, up, with an optional `A/P` address (broadcast all host bits). */
function nic(stack: Ipv4Stack, dev: string, mac: Mac, cidr?: string): Nic {
  const n = new Nic(stack.sim, stack.node, dev, mac);
  stack.addDevice(n);
  n.setUp(true);
  if (cidr !== undefined) {
    const [a, p] = cidr.split("/");
    check(`${stack.node} ${dev}`, stack.addAddress(dev, { address: ip(a!), prefix: Number(p), broadcast: "auto" }));
  }
  return n;
}

/** The world outside the host; returns the router's LAN NIC for dom0's uplink cable. */
function world(sim: Sim): { router: Ipv4Stack; inet: Ipv4Stack; lanNic: Nic; lanDhcp: DnsmasqServer } {
  const router = new Ipv4Stack(sim, "router");
  const lanNic = nic(router, "eth0", MAC.routerLan, "192.0.2.1/24");
  const upNic = nic(router, "eth1", MAC.routerInet, "198.51.100.1/24");
  router.ipForward = true;
  const inet = new Ipv4Stack(sim, "inet");
  new Cable(upNic, nic(inet, "eth0", MAC.inet, "198.51.100.10/24"));
  check("inet default route", inet.addRoute({ dst: 0, prefix: 0, gateway: ADDR.routerInet }));
  const lanDhcp = new DnsmasqServer(router, { dev: "eth0", ranges: [{ start: ADDR.lanPool[0], end: ADDR.lanPool[1] }], dns: false });
  return { router, inet, lanNic, lanDhcp };
}

/** A guest `guest<domid>` whose netfront eth0 is connected to a new netback `vif<domid>.0` in dom0 (not yet up). */
function guest(sim: Sim, domid: 1 | 2): { stack: Ipv4Stack; vif: Netback } {
  const stack = new Ipv4Stack(sim, `guest${domid}`);
  const front = new Netfront(sim, stack.node, "eth0", MAC.guest[domid - 1]!);
  stack.addDevice(front);
  front.setUp(true);
  const vif = new Netback(sim, "dom0", `vif${domid}.0`);
  vif.connect(front);
  return { stack, vif };
}

interface Parts {
  readonly sim: Sim;
  readonly dom0: Ipv4Stack;
  readonly uplink: Nic;
  readonly guests: readonly { stack: Ipv4Stack; vif: Netback }[];
  readonly w: ReturnType<typeof world>;
}

/** The world, dom0 with its uplink NIC `uplinkName` cabled to the router, and both guests. */
function parts(options: ModelOptions, uplinkName: string): Parts {
  const sim = new Sim(options.seed ?? 1);
  options.beforeWiring?.(sim);
  const w = world(sim);
  const dom0 = new Ipv4Stack(sim, "dom0");
  const uplink = new Nic(sim, "dom0", uplinkName, MAC.dom0);
  new Cable(w.lanNic, uplink);
  return { sim, dom0, uplink, guests: [guest(sim, 1), guest(sim, 2)], w };
}

function model(kind: Model["kind"], p: Parts, extra: Partial<Pick<Model, "xenbr0" | "netfilter">>): Model {
  const [g1, g2] = p.guests;
  const nodes = { router: p.w.router, inet: p.w.inet, dom0: p.dom0, guest1: g1!.stack, guest2: g2!.stack };
  return { kind, sim: p.sim, nodes, lanDhcp: p.w.lanDhcp, vifs: p.guests.map((g) => g.vif), ...extra };
}

/**
 * Bridged model, the Debian way (xen-networking.md §2.3–2.4): `xenbr0` with the NIC `peth0` as its
 * port holds dom0's address (by DHCP, started by the test); vif-bridge adds each vif as a port and
 * brings it up. network-bridge's `brctl setfd 0` by default, so ports forward at once.
 */
export function bridgeModel(options: ModelOptions = {}): Model {
  const p = parts(options, "peth0");
  const br = new Bridge(p.sim, "dom0", "xenbr0", { forwardDelay: options.forwardDelay ?? 0 });
  p.dom0.addDevice(br);
  br.setUp(true);
  p.uplink.setUp(true);
  for (const dev of [p.uplink, ...p.guests.map((g) => g.vif)]) {
    dev.setUp(true);
    const added = br.addPort(dev);
    if (!added.ok) throw new Error(added.message);
  }
  return model("bridge", p, { xenbr0: br });
}

/** `echo V > /proc/sys/net/ipv4/…` on dom0. */
function sysctl(dom0: Ipv4Stack, path: string, value: string): void {
  check(`sysctl ${path}`, dom0.writeSysctl(path, value));
}

/** dom0's uplink eth0 with its static address and default route (ifupdown's `inet static`). */
function staticUplink(p: Parts): void {
  p.dom0.addDevice(p.uplink);
  p.uplink.setUp(true);
  check("dom0 eth0", p.dom0.addAddress("eth0", { address: ADDR.dom0, prefix: 24, broadcast: "auto" }));
  check("dom0 default route", p.dom0.addRoute({ dst: 0, prefix: 0, gateway: ADDR.router }));
}

/** A vif brought up in dom0 with a /32 address, proxy ARP, and a host route to its guest (vif-route / vif-nat). */
function routedVif(p: Parts, vif: Netback, local: Ipv4, guestIp: Ipv4, proxyDelay: number | undefined): void {
  p.dom0.addDevice(vif);
  vif.setUp(true);
  check(`${vif.name} address`, p.dom0.addAddress(vif.name, { address: local, prefix: 32 }));
  sysctl(p.dom0, `net/ipv4/conf/${vif.name}/proxy_arp`, "1");
  if (proxyDelay !== undefined) sysctl(p.dom0, `net/ipv4/neigh/${vif.name}/proxy_delay`, String(proxyDelay));
  check(`${vif.name} host route`, p.dom0.addRoute({ dst: guestIp, prefix: 32, dev: vif.name, src: local }));
}

/** A guest's static address and default route (what its /etc/network/interfaces says). */
function staticGuest(g: Ipv4Stack, address: Ipv4, prefix: number, gateway: Ipv4): void {
  check(`${g.node} eth0`, g.addAddress("eth0", { address, prefix, broadcast: "auto" }));
  check(`${g.node} default route`, g.addRoute({ dst: 0, prefix: 0, gateway }));
}

/**
 * Routed model (§3): `network-route netdev=eth0` (ip_forward=1, proxy_arp on eth0 — with the
 * netdev given, so Xen 4.0's `conf/eth/proxy_arp` bug does not bite), then `vif-route` per vif:
 * the vif carries dom0's address as a /32, proxy_arp on it, a host route to the guest's `ip=`.
 * The guests are configured statically on the LAN's subnet, their gateway the LAN router.
 */
export function routingModel(options: ModelOptions = {}): Model {
  const p = parts(options, "eth0");
  staticUplink(p);
  p.dom0.ipForward = true;
  sysctl(p.dom0, "net/ipv4/conf/eth0/proxy_arp", "1");
  if (options.proxyDelay !== undefined) sysctl(p.dom0, "net/ipv4/neigh/eth0/proxy_delay", String(options.proxyDelay));
  p.guests.forEach((g, i) => {
    routedVif(p, g.vif, ADDR.dom0, ADDR.routed[i]!, options.proxyDelay);
    staticGuest(g.stack, ADDR.routed[i]!, 24, ADDR.router);
  });
  return model("routing", p, {});
}

/**
 * NAT model (§4): `network-nat` (ip_forward=1, `iptables -t nat -A POSTROUTING -o eth0 -j
 * MASQUERADE`), then `vif-nat` per vif: link up, router_ip 10.0.D.128 as a /32, a host route to the
 * guest's 10.0.D.1, proxy_arp. dom0 serves DHCP with one dnsmasq on both vifs, as the real side
 * runs it (`--interface=vif1.0 --interface=vif2.0 --dhcp-range=10.0.0.0,static,255.255.0.0` and a
 * `--dhcp-host` per guest, netns.ts): `dhcp-host` entries give each guest its vif-nat address (as
 * vif-nat's `host … fixed-address` lines do for dhcpd), from a one-address /16 range per guest that
 * stands for the static range and matches both vifs' subnets; the router option is dnsmasq's own
 * address on the vif the request came in on, the router_ip; it behaves as dnsmasq 2.90, the
 * version the kernel comparison runs. The guests run udhcpc (started by the test).
 */
export function natModel(options: ModelOptions = {}): Model & { readonly natDhcp: DnsmasqServer } {
  const p = parts(options, "eth0");
  staticUplink(p);
  p.dom0.ipForward = true;
  const nf = new Netfilter({ sim: p.sim, view: p.dom0 });
  p.dom0.hooks = nf;
  const rule = nf.iptables(["-t", "nat", "-A", "POSTROUTING", "-o", "eth0", "-j", "MASQUERADE"]);
  if (rule.exitCode !== 0) throw new Error(`iptables: ${rule.stderr}`);
  p.guests.forEach((g, i) => routedVif(p, g.vif, ADDR.natGateway[i]!, ADDR.nat[i]!, options.proxyDelay));
  const netmask = ip("255.255.0.0");
  const natDhcp = new DnsmasqServer(p.dom0, {
    interfaces: ["vif1.0", "vif2.0"],
    ranges: ADDR.nat.map((a) => ({ start: a, end: a, netmask })),
    hosts: [0, 1].map((i) => ({ mac: MAC.guest[i]!, ip: ADDR.nat[i]!, hostname: `guest${i + 1}` })),
    dns: false,
    version: "2.90",
  });
  return { ...model("nat", p, { netfilter: nf }), natDhcp };
}
