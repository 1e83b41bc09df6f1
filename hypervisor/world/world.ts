// The world outside the host, built as netsim nodes from a WorldSpec:
//
//   [www] eth0 ── (internet segment) ── eth1 [router] eth0 ── port1 [lan switch] port2 ── dom0 eth0
//                                          ip_forward, MASQUERADE       │           port3 ── [nas] eth0
//                                          dnsmasq on eth0              (learning bridge or hub)
//
// The LAN switch is a learning bridge that forwards at once (STP off, forward delay 0, like an
// unmanaged switch) or a repeater hub. The router is a Linux box: its LAN address on eth0, its WAN
// address on eth1, ip_forward on, `iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE` when it
// masquerades, dnsmasq serving the DHCP range on eth0. An internet host inside the WAN subnet is
// configured with that prefix and a default route via the router; one outside it gets its address
// as a /32 with an on-link route to the router (and the router a /32 route to it), as an ISP link
// would. dom0's cards are plugged into the switch with `plug`; a card's link needs ~2 s of
// autonegotiation after it is brought up.

import type { Sim } from "../../netsim/engine/index.ts";
import { Bridge, Cable, Hub, Nic } from "../../netsim/l2/index.ts";
import { Ipv4Stack, Netfilter } from "../../netsim/l3/index.ts";
import { DnsmasqServer } from "../../netsim/apps/index.ts";
import { ipv4ToString, type Ipv4 } from "../../netsim/wire/address.ts";
import { inSubnet, type WorldHost, type WorldSpec } from "./world-spec.ts";

/** Autonegotiation of a gigabit link after the card comes up, µs (e1000: "Link is Up" ~2 s later). */
export const NEGOTIATION_US = 2_000_000;
/** Wall-clock seconds at virtual time 0 for the router's dnsmasq lease file (the handbook host's). */
const DEFAULT_EPOCH = 1_297_771_200;

/** A segment's switching device: the learning switch or the hub. */
class Segment {
  private readonly bridge: Bridge | null;
  private readonly hub: Hub | null;
  private ports = 0;

  constructor(
    private readonly sim: Sim,
    readonly node: string,
    kind: "bridge" | "hub",
  ) {
    this.bridge = kind === "bridge" ? new Bridge(sim, node, "switch", { forwardDelay: 0 }) : null;
    this.hub = kind === "hub" ? new Hub(sim, node) : null;
    this.bridge?.setUp(true);
  }

  /** Cables `nic` to a new port. */
  connect(nic: Nic, negotiation = 0): Cable {
    if (this.hub) return this.hub.connect(nic, { negotiation });
    const port = new Nic(this.sim, this.node, `port${++this.ports}`, 0x02_00_00_00_f0_00 + this.ports);
    port.setUp(true);
    const added = this.bridge!.addPort(port, { speedMbps: 1000 });
    if (!added.ok) throw new Error(`${this.node}: ${added.message}`);
    return new Cable(port, nic, { negotiation });
  }

  /** The learning switch, when the segment is one. */
  get switch(): Bridge | null {
    return this.bridge;
  }
}

/** The world, built (see the file header). */
export class World {
  readonly router: Ipv4Stack;
  readonly routerNetfilter: Netfilter;
  readonly dhcp: DnsmasqServer | null;
  /** Every host outside dom0 by name: router, internet and LAN hosts. */
  readonly stacks = new Map<string, Ipv4Stack>();
  private readonly lan: Segment;
  private readonly internet: Segment;
  private readonly cables = new Map<Nic, Cable>();

  constructor(
    readonly sim: Sim,
    readonly spec: WorldSpec,
    options: { readonly epochSeconds?: number } = {},
  ) {
    this.lan = new Segment(sim, "lan", spec.lan.device);
    this.internet = new Segment(sim, "internet", "bridge");
    const r = spec.router;
    this.router = new Ipv4Stack(sim, "router");
    this.stacks.set("router", this.router);
    this.lan.connect(this.nic(this.router, "eth0", r.mac, r.address, spec.lan.prefix));
    this.internet.connect(this.nic(this.router, "eth1", r.wanMac, r.wan.address, r.wan.prefix));
    this.router.ipForward = true;
    this.routerNetfilter = new Netfilter({ sim, view: this.router, epoch: options.epochSeconds ?? DEFAULT_EPOCH });
    this.router.hooks = this.routerNetfilter;
    if (r.masquerade) this.iptables(["-t", "nat", "-A", "POSTROUTING", "-o", "eth1", "-j", "MASQUERADE"]);
    for (const h of spec.internet) this.internetHost(h);
    for (const h of spec.lanHosts) this.lanHost(h);
    this.dhcp = r.dhcp === null ? null : new DnsmasqServer(this.router, {
      dev: "eth0", ranges: [{ start: r.dhcp.start, end: r.dhcp.end, leaseTime: r.dhcp.lease }], dns: false, epochSeconds: options.epochSeconds ?? DEFAULT_EPOCH,
    });
  }

  /** The LAN's learning switch (undefined when the LAN is a hub). */
  get lanSwitch(): Bridge | null {
    return this.lan.switch;
  }

  /** Plugs one of dom0's cards into the LAN switch (its link comes up once both ends are up). */
  plug(nic: Nic): Cable {
    const cable = this.lan.connect(nic, NEGOTIATION_US);
    this.cables.set(nic, cable);
    return cable;
  }

  /** The cable of a card plugged with `plug`. */
  cableOf(nic: Nic): Cable | undefined {
    return this.cables.get(nic);
  }

  /** The address of a world host by name (`www`, `router`), for ping and traceroute. */
  resolve(name: string): Ipv4 | undefined {
    if (name === "router") return this.spec.router.address;
    return [...this.spec.internet, ...this.spec.lanHosts].find((h) => h.name === name)?.address;
  }

  private nic(stack: Ipv4Stack, dev: string, mac: number, address: Ipv4, prefix: number): Nic {
    const n = new Nic(this.sim, stack.node, dev, mac);
    stack.addDevice(n);
    n.setUp(true);
    this.check(`${stack.node} ${dev}`, stack.addAddress(dev, { address, prefix, broadcast: "auto" }));
    return n;
  }

  private internetHost(h: WorldHost): void {
    const s = new Ipv4Stack(this.sim, h.name);
    this.stacks.set(h.name, s);
    const wan = this.spec.router.wan;
    const inside = inSubnet(h.address, wan.address, wan.prefix);
    this.internet.connect(this.nic(s, "eth0", h.mac, h.address, inside ? wan.prefix : 32));
    if (!inside) {
      this.check(`${h.name} route`, s.addRoute({ dst: wan.address, prefix: 32, dev: "eth0", scope: "link" }));
      this.check(`router route to ${h.name}`, this.router.addRoute({ dst: h.address, prefix: 32, dev: "eth1", scope: "link" }));
    }
    this.check(`${h.name} default route`, s.addRoute({ dst: 0, prefix: 0, gateway: wan.address }));
  }

  private lanHost(h: WorldHost): void {
    const s = new Ipv4Stack(this.sim, h.name);
    this.stacks.set(h.name, s);
    this.lan.connect(this.nic(s, "eth0", h.mac, h.address, this.spec.lan.prefix));
    this.check(`${h.name} default route`, s.addRoute({ dst: 0, prefix: 0, gateway: this.spec.router.address }));
  }

  private iptables(argv: readonly string[]): void {
    const r = this.routerNetfilter.iptables(argv);
    if (r.exitCode !== 0) throw new Error(`router: iptables ${argv.join(" ")}: ${r.stderr}`);
  }

  private check(what: string, err: string | undefined): void {
    if (err !== undefined) throw new Error(`world: ${what} (${ipv4ToString(this.spec.router.address)}): ${err}`);
  }
}
