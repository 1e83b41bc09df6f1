// Who owns which address: every MAC and IPv4 address of every interface of a booted simulated
// Machine (dom0, each running guest, the world's router and hosts) mapped to a role name — the
// node's name (`dom0`, `web`, `router`, `www`), or `node.dev` for a node that holds addresses on
// several interfaces (`dom0.br0`, `dom0.eth0`) — so that a capture of the simulation and one of the
// real kernel, which share the MACs but not IP ids, checksums, ports or DHCP's choices, read alike.
//
// A leased address is the one value the two sides may legitimately differ in (dnsmasq picks it by a
// hash, ISC dhcpd by its own order): `withLeases` adds, per side, the yiaddr of every DHCP ACK that
// side's captures hold under the role of the client (its chaddr), so a guest's lease reads `web`
// on both sides whatever its value. An address inside a DHCP pool that nobody was seen to lease
// reads `dhcp-pool`.
import { decodeFrame } from "../../netsim/wire/decode.ts";
import { DhcpMessageType } from "../../netsim/wire/dhcp.ts";
import type { Ipv4, Mac } from "../../netsim/wire/address.ts";
import type { Machine } from "../../hypervisor/machine/machine.ts";
import type { CaptureSet } from "../types.ts";

/** A range of addresses a DHCP server hands out. */
export interface Pool {
  readonly start: Ipv4;
  readonly end: Ipv4;
}

/** Who owns which address and MAC, and which ports are printed as numbers. */
export interface Roles {
  readonly ips: ReadonlyMap<Ipv4, string>;
  readonly macs: ReadonlyMap<Mac, string>;
  readonly ports: ReadonlySet<number>;
  readonly pools: readonly Pool[];
}

/** Well-known ports every scenario may use: echo, ssh, DNS, DHCP. */
export const KNOWN_PORTS: readonly number[] = [7, 22, 53, 67, 68];

/** The nodes of a running machine, dom0 first, then guests in start order, then the world's hosts. */
function nodeNames(machine: Machine): string[] {
  return ["dom0", ...machine.guests.all().map((g) => g.name), ...machine.world.stacks.keys()];
}

/** The roles of a booted machine (see the file header); `ports` adds the script's own port numbers. */
export function rolesOf(machine: Machine, ports: readonly number[] = []): Roles {
  const ips = new Map<Ipv4, string>();
  const macs = new Map<Mac, string>();
  for (const name of nodeNames(machine)) {
    const node = machine.hostNode(name);
    if (node === undefined) continue;
    for (const dev of node.devices()) if (dev.mac !== 0 && !macs.has(dev.mac)) macs.set(dev.mac, name);
    const owned = node.stack.ifaces().flatMap((i) => i.addrs.filter((a) => a.scope !== "host").map((a) => ({ dev: i.name, address: a.address })));
    const devs = new Set(owned.map((o) => o.dev));
    for (const o of owned) if (!ips.has(o.address)) ips.set(o.address, devs.size > 1 ? `${name}.${o.dev}` : name);
  }
  const dhcp = machine.world.spec.router.dhcp;
  const pools = dhcp === null ? [] : [{ start: dhcp.start, end: dhcp.end }];
  return { ips, macs, ports: new Set([...KNOWN_PORTS, ...ports]), pools };
}

/** Every lease the captures show: a DHCP ACK's yiaddr → the role of its client (the ACK's chaddr). */
export function leasesIn(roles: Roles, captures: CaptureSet): Map<Ipv4, string> {
  const leases = new Map<Ipv4, string>();
  for (const seen of captures.values()) {
    for (const s of seen) {
      const d = decodeFrame(s.frame, { verifyChecksums: false });
      const dhcp = d.ok ? d.value.dhcp : undefined;
      if (dhcp === undefined || dhcp.messageType !== DhcpMessageType.Ack || dhcp.yiaddr === 0) continue;
      const owner = roles.macs.get(dhcp.chaddr);
      if (owner !== undefined) leases.set(dhcp.yiaddr, owner);
    }
  }
  return leases;
}

/** The roles with the captures' leases named after their holders, over what the simulated machine holds. */
export function withLeases(roles: Roles, captures: CaptureSet): Roles {
  return { ...roles, ips: new Map([...roles.ips, ...leasesIn(roles, captures)]) };
}

/** True when `address` lies in one of the roles' DHCP pools. */
export function inPool(roles: Roles, address: Ipv4): boolean {
  return roles.pools.some((p) => address >= p.start && address <= p.end);
}
