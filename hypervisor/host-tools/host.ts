// The node the command-line tools run on (dom0, or a guest with `on DOMAIN`): its IPv4 stack, its
// network devices in ifindex order, and the few kernel-side facts iproute2 and brctl show that the
// NetDev contract does not carry — the flags a user set with `ip link set` (IFF_PROMISC as
// `dev->gflags` keeps it, IFF_NOARP, IFF_MULTICAST), whether a device has ever been up (its qdisc is
// `noop` until the first dev_open attaches pfifo_fast), and the ways `brctl addbr` and
// `ip link add … type dummy|veth` create devices (net/bridge/br_if.c, drivers/net/dummy.c,
// drivers/net/veth.c of Linux 2.6.32).
//
// `stackHost` builds the usual HostNode over one Ipv4Stack: every device the stack was given is a
// device of the node (Xen's scripts register dom0's NICs, bridges and vifs with dom0's stack).
// Build one HostNode per node and keep it: the user-set flags live in it. `ipv6` defaults to true,
// as a Squeeze 2.6.32 kernel has IPv6 built in: `ip addr` then shows the link-local addresses
// addrconf would have given each up device (the simulator itself carries no IPv6 traffic).
// `epochSeconds` should be the host's wall clock (HostSpec.epochSeconds for a Xen host) so that
// tcpdump's times agree with the rest of the host; it defaults to the day Squeeze was released.
import type { Sim } from "../../netsim/engine/sim.ts";
import { Bridge, BridgePort, Dummy, Veth, type BridgeNetfilterHook, type NetDev } from "../../netsim/l2/index.ts";
import type { Ipv4Stack } from "../../netsim/l3/index.ts";
import { readMac, type Mac } from "../../netsim/wire/address.ts";

/** 2011-02-06 00:00:00 UTC, the day Debian 6.0 "Squeeze" was released: the default wall clock at virtual time 0. */
export const SQUEEZE_RELEASE_EPOCH = 1_296_950_400;

/** Interface flags a user sets (`ip link set DEV promisc|arp|multicast|allmulticast on|off`). */
export interface LinkFlags {
  /** IFF_PROMISC in gflags: shown by `ip link`; a bridge port's or a capture's promiscuity is not. */
  promisc: boolean;
  /** IFF_NOARP (`arp off`); display only: the simulated stack still answers ARP (see the report). */
  noarp: boolean;
  multicast: boolean;
  allmulti: boolean;
  /** Packet captures in progress without -p (each holds one promiscuity reference). */
  captures: number;
  /** The device has been up at least once (qdisc `noop` before, pfifo_fast after). */
  activated: boolean;
  /** `ip link set DEV txqueuelen N`; undefined: the driver's default. */
  txqlen: number | undefined;
}

/** One network node as `ip`, `brctl`, `sysctl` and `tcpdump` see it. */
export interface HostNode {
  /** The node name its devices carry in trace events (`dom0`, `testxen`). */
  readonly name: string;
  readonly sim: Sim;
  readonly stack: Ipv4Stack;
  /** Wall-clock seconds since 1970 at virtual time 0; the host runs in UTC. */
  readonly epochSeconds: number;
  /** Show the IPv6 link-local addresses a 2.6.32 kernel autoconfigures (the simulator carries no IPv6 traffic). */
  readonly ipv6: boolean;
  /** /sbin/bridge exists: false on Squeeze (iproute 20100519 predates it). */
  readonly hasBridgeTool: boolean;
  /** Every device, in ifindex order. */
  devices(): readonly NetDev[];
  device(name: string): NetDev | undefined;
  ifindex(dev: NetDev): number;
  flags(dev: NetDev): LinkFlags;
  /** `brctl addbr NAME`: a new bridge device, down, registered with the node. */
  createBridge(name: string): Bridge;
  /** `ip link add NAME type dummy`. */
  createDummy(name: string): NetDev;
  /** `ip link add NAME type veth peer name PEER`: both ends in this node, down. */
  createVethPair(name: string, peer: string): readonly [NetDev, NetDev];
  /** unregister_netdevice (a veth takes its peer with it; a bridge releases its ports first). */
  deleteDevice(dev: NetDev): void;
}

/** Options of {@link stackHost}. */
export interface StackHostOptions {
  readonly epochSeconds?: number;
  readonly ipv6?: boolean;
  readonly hasBridgeTool?: boolean;
  /** Bridge netfilter for the bridges `brctl addbr` makes (dom0: its iptables; absent: none). */
  readonly bridgeNetfilter?: BridgeNetfilterHook;
}

/** The HostNode of one stack (see the file header). */
export function stackHost(sim: Sim, stack: Ipv4Stack, options: StackHostOptions = {}): HostNode {
  return new StackHost(sim, stack, options);
}

class StackHost implements HostNode {
  readonly name: string;
  readonly epochSeconds: number;
  readonly ipv6: boolean;
  readonly hasBridgeTool: boolean;
  private readonly linkFlags = new WeakMap<NetDev, LinkFlags>();
  private readonly bridgeNetfilter: BridgeNetfilterHook | null;

  constructor(
    readonly sim: Sim,
    readonly stack: Ipv4Stack,
    options: StackHostOptions,
  ) {
    this.bridgeNetfilter = options.bridgeNetfilter ?? null;
    this.name = stack.node;
    this.epochSeconds = options.epochSeconds ?? SQUEEZE_RELEASE_EPOCH;
    this.ipv6 = options.ipv6 ?? true;
    this.hasBridgeTool = options.hasBridgeTool ?? false;
  }

  devices(): readonly NetDev[] {
    const devs = this.stack.devices();
    for (const d of devs) this.flags(d);
    return devs;
  }

  device(name: string): NetDev | undefined {
    return this.stack.device(name);
  }

  ifindex(dev: NetDev): number {
    return this.stack.ifaces().find((i) => i.dev === dev)?.index ?? 0;
  }

  flags(dev: NetDev): LinkFlags {
    let f = this.linkFlags.get(dev);
    if (f === undefined) {
      // dummy_setup sets IFF_NOARP and clears IFF_MULTICAST; loopback_setup leaves only IFF_LOOPBACK.
      f = { promisc: false, noarp: dev.kind === "dummy", multicast: dev.kind !== "dummy" && dev.kind !== "loopback", allmulti: false, captures: 0, activated: dev.isUp, txqlen: undefined };
      const flags = f;
      dev.onLinkChange((d) => {
        if (d.isUp) flags.activated = true;
      });
      this.linkFlags.set(dev, f);
    }
    return f;
  }

  createBridge(name: string): Bridge {
    const br = new Bridge(this.sim, this.name, name);
    br.setNetfilterHook(this.bridgeNetfilter);
    this.stack.addDevice(br);
    this.flags(br);
    return br;
  }

  createDummy(name: string): NetDev {
    const dev = new Dummy(this.sim, this.name, name, this.randomMac(name));
    this.stack.addDevice(dev);
    this.flags(dev);
    return dev;
  }

  createVethPair(name: string, peer: string): readonly [NetDev, NetDev] {
    const [a, b] = Veth.pair(this.sim, { node: this.name, name, mac: this.randomMac(name) }, { node: this.name, name: peer, mac: this.randomMac(peer) });
    this.stack.addDevice(a);
    this.stack.addDevice(b);
    return [a, b];
  }

  deleteDevice(dev: NetDev): void {
    if (dev instanceof Bridge) for (const p of [...dev.ports]) dev.removePort(p.dev);
    const port = dev.sink instanceof BridgePort ? dev.sink : undefined;
    port?.bridge.removePort(dev);
    dev.setUp(false);
    this.stack.removeDevice(dev);
    if (dev instanceof Veth && this.stack.devices().includes(dev.peer)) this.deleteDevice(dev.peer);
  }

  /** random_ether_addr: a locally administered unicast MAC from a seeded stream named after the device. */
  private randomMac(name: string): Mac {
    const bytes = this.sim.rng(`link-mac:${this.name}/${name}`).bytes(6);
    bytes[0] = (bytes[0]! & 0xfe) | 0x02;
    return readMac(bytes, 0);
  }
}

/** A device is promiscuous while a user, a capture or a bridge holds it so (dev->promiscuity > 0). */
export function syncPromiscuity(dev: NetDev, flags: LinkFlags): void {
  dev.promiscuous = flags.promisc || flags.captures > 0 || dev.sink instanceof BridgePort;
}

/** dev_valid_name (2.6.32): 1–15 characters, not `.` or `..`, no `/` and no blank. */
export function validDevName(name: string): boolean {
  return name.length > 0 && name.length < 16 && name !== "." && name !== ".." && !/[/\s]/.test(name);
}
