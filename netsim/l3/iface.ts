// The IPv4 side of one network device (Linux's struct in_device): its addresses, its conf/*
// settings, its ARP parameters and its share of the neighbour table. The stack keeps one per
// device it was given; devices are compared by object identity, never by name, because Xen's
// scripts rename them (eth0 → peth0) while they keep their addresses.
import type { NetDev } from "../l2/net-dev.ts";
import type { Ipv4 } from "../wire/address.ts";
import type { IfAddress } from "./interface-addresses.ts";
import { ARP_DEFAULTS, type DevConf, type NeighParms } from "./linux-params.ts";
import type { Neighbour } from "./neighbour.ts";
import type { PacketSocket } from "./packet-sockets.ts";

/** One device as the IPv4 stack sees it. */
export class Iface {
  addrs: IfAddress[] = [];
  /** The ARP cache entries of this device, by IPv4 address. */
  readonly neigh = new Map<Ipv4, Neighbour>();
  /** Proxy ARP entries (`ip neigh add proxy X dev D`). */
  readonly proxyEntries = new Set<Ipv4>();
  packetSockets: PacketSocket[] = [];
  /** The name the stack last saw, to notice a rename. */
  knownName: string;
  /** Whether the stack has seen the device up (routes added) — NETDEV_UP / NETDEV_DOWN edges. */
  wasUp = false;
  readonly parms: NeighParms;
  /** Removes the link-change subscription. */
  unsubscribe: () => void = () => undefined;

  constructor(
    readonly dev: NetDev,
    readonly conf: DevConf,
    /** Position in the stack's device list (ifindex order): inet_select_addr's fallback walks it. */
    readonly index: number,
    reachableTime: number,
  ) {
    this.knownName = dev.name;
    this.parms = { ...ARP_DEFAULTS, reachableTime };
  }

  /** The device name now. */
  get name(): string {
    return this.dev.name;
  }

  /** True for the loopback device (IFF_LOOPBACK). */
  get isLoopback(): boolean {
    return this.dev.kind === "loopback";
  }
}
