// planOf: a booted simulated Machine, read (never changed), as the plan of the same host built for
// real (plan-types.ts): the nodes and links (plan-topology.ts), each stack's addresses, routes,
// sysctls and iptables (plan-net.ts), the DHCP servers and clients (plan-dhcp.ts), and the world's
// names. Nodes are dom0, the running guests by domain name, the world's hosts (`router`, `www`…)
// and its segments (`lan`, `internet`). A pure function of the machine.
import type { Machine } from "../../hypervisor/machine/machine.ts";
import type { Ifupdown } from "../../hypervisor/machine/ifupdown.ts";
import { ipv4ToString } from "../../netsim/wire/address.ts";
import { dhcpServerOf } from "./plan-dhcp.ts";
import { addressesOf, iptablesOf, routesOf, sysctlsOf, type NetNode } from "./plan-net.ts";
import { topologyOf } from "./plan-topology.ts";
import type { RealDhcpClient, RealDhcpServer, RealPlan } from "./plan-types.ts";

const dhcpDevs = (ifupdown: Ifupdown | null | undefined): string[] => [...(ifupdown?.dhcp.keys() ?? [])];

/** The stacks of the machine: dom0, running guests, world hosts, each with its netfilter and DHCP devices. */
function netNodes(machine: Machine): NetNode[] {
  const nodes: NetNode[] = [];
  const dom0 = machine.dom0;
  if (dom0 !== null) nodes.push({ name: "dom0", stack: dom0.stack, netfilter: dom0.netfilter, dhcpDevs: dhcpDevs(dom0.ifupdown) });
  for (const g of machine.guests.all()) nodes.push({ name: g.name, stack: g.stack, netfilter: g.netfilter, dhcpDevs: dhcpDevs(g.ifupdown) });
  for (const [name, stack] of machine.world.stacks) {
    nodes.push({ name, stack, ...(name === "router" ? { netfilter: machine.world.routerNetfilter } : {}), dhcpDevs: [] });
  }
  return nodes;
}

function dhcpServers(machine: Machine): RealDhcpServer[] {
  const out: RealDhcpServer[] = [];
  if (machine.world.dhcp !== null) out.push(dhcpServerOf("router", "the LAN's dnsmasq", machine.world.dhcp));
  const dom0 = machine.dom0;
  if (dom0 === null) return out;
  for (const s of dom0.services.servers) out.push(dhcpServerOf("dom0", s.name, s.server));
  if (dom0.dhcpd.running !== null) out.push(dhcpServerOf("dom0", "vif-nat's dhcpd", dom0.dhcpd.running));
  return out;
}

/** The world's host names and their addresses (`router`, `www`, LAN hosts). */
function namesOf(machine: Machine): Record<string, string> {
  const spec = machine.world.spec;
  const names: Record<string, string> = { router: ipv4ToString(spec.router.address) };
  for (const h of [...spec.internet, ...spec.lanHosts]) names[h.name] = ipv4ToString(h.address);
  return names;
}

/** The plan of `machine` built for real (see the file header). */
export function planOf(machine: Machine): RealPlan {
  const nodes = netNodes(machine);
  const topo = topologyOf(nodes, machine.sim.now);
  const clients: RealDhcpClient[] = nodes.flatMap((n) => n.dhcpDevs.map((dev) => ({ node: n.name, dev, bound: n.stack.addresses(dev).length > 0 })));
  return {
    hostname: machine.files?.config.hostname?.value ?? machine.spec.hostname,
    nodes: topo.nodes,
    hosts: nodes.map((n) => n.name),
    links: topo.links,
    bridges: topo.bridges,
    addresses: nodes.flatMap(addressesOf),
    routes: nodes.flatMap(routesOf),
    sysctls: nodes.flatMap(sysctlsOf),
    iptables: nodes.flatMap((n) => iptablesOf(n) ?? []),
    dhcpServers: dhcpServers(machine),
    dhcpClients: clients,
    names: namesOf(machine),
    captures: topo.captures,
  };
}
