// A synthetic LiveGraph (web/api-types.ts) of a bridged host with N guests, for the web view's
// 1 000-guest render benchmark: dom0 with eth0, xenbr0 and its stack, one vif per guest, each
// guest's box with its eth0, and the standard world (LAN, router with dnsmasq, internet, www).

import type { LiveEdge, LiveGraph, LiveNode } from "../web/api-types.ts";

/** The handbook host's shape with `guests` guests on xenbr0 (every seventh paused). */
export function syntheticGraph(guests: number): LiveGraph {
  const nodes: LiveNode[] = [
    { id: "world:lan", kind: "lan", label: "LAN 192.168.0.0/16" },
    { id: "world:router", kind: "router", label: "router" },
    { id: "world:dhcp", kind: "dhcp-server", label: "dnsmasq", parent: "world:router" },
    { id: "world:internet", kind: "internet", label: "internet" },
    { id: "world:www", kind: "world-host", label: "www" },
    { id: "dom0", kind: "host", label: "bighost", state: "running" },
    { id: "dom0-stack", kind: "dom0-stack", label: "IP stack", parent: "dom0" },
    { id: "dom0:eth0", kind: "nic", label: "eth0", parent: "dom0", state: "forwarding" },
    { id: "dom0:xenbr0", kind: "bridge", label: "xenbr0", parent: "dom0", state: "up" },
  ];
  const edges: LiveEdge[] = [
    { id: "link:router:eth0", source: "world:router", target: "world:lan", kind: "link", state: "up" },
    { id: "link:router:eth1", source: "world:router", target: "world:internet", kind: "link", state: "up" },
    { id: "link:www:eth0", source: "world:www", target: "world:internet", kind: "link", state: "up" },
    { id: "port:dom0:eth0", source: "dom0:eth0", target: "dom0:xenbr0", kind: "port", state: "up" },
    { id: "uplink:dom0:xenbr0", source: "dom0-stack", target: "dom0:xenbr0", kind: "uplink", state: "up" },
    { id: "link:dom0:eth0", source: "dom0:eth0", target: "world:lan", kind: "link", state: "up" },
  ];
  for (let i = 1; i <= guests; i++) {
    const vif = `dom0:vif${i}.0`;
    const name = `guest${i}`;
    nodes.push({ id: vif, kind: "vif", label: `vif${i}.0`, parent: "dom0", state: "forwarding" });
    nodes.push({ id: `domU:${name}`, kind: "domain", label: name, state: i % 7 === 0 ? "paused" : "blocked", data: { domid: i } });
    nodes.push({ id: `${name}:eth0`, kind: "guest-nic", label: "eth0", parent: `domU:${name}`, state: "up" });
    edges.push({ id: `port:${vif}`, source: vif, target: "dom0:xenbr0", kind: "port", state: "up" });
    edges.push({ id: `netif:${vif}`, source: vif, target: `${name}:eth0`, kind: "netif", state: "up" });
  }
  return { model: "bridge", nodes, edges, time: 0 };
}
