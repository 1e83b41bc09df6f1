// hostGraph: the host as plain nodes and edges with stable ids. A bridged vif is drawn in the bridge
// vif-bridge will choose (its bridge=, else the alphabetically first), a routed one through dom0;
// network-bridge's renamed card appears as p<netdev>; every edge joins two existing nodes.

import { describe, expect, it } from "vitest";
import { hostGraph, loadHost, memoryReader, type HostGraph } from "../../topology/index.ts";
import { XEND, XENBR0, cfg, lines, net } from "./checks/case-kit.ts";
import { corpusPresent, xenHosts } from "./host-trees.ts";

const graph = (files: Record<string, string>, nics?: { name: string }[]): HostGraph =>
  hostGraph(loadHost(memoryReader({ files }), nics === undefined ? {} : { nics }).value);
const edges = (g: HostGraph) => g.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}${e.label === undefined ? "" : ` (${e.label})`}`);

function wellFormed(g: HostGraph): void {
  const ids = g.nodes.map((n) => n.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(new Set(g.edges.map((e) => e.id)).size).toBe(g.edges.length);
  for (const e of g.edges) expect([ids.includes(e.from), ids.includes(e.to)]).toEqual([true, true]);
}

describe("hostGraph", () => {
  it("draws the handbook host: eth0 in xenbr0, the guest's vif in xenbr0, dom0 on DHCP", () => {
    const g = graph({ ...net(XENBR0), ...cfg("testxen", "[ 'mac=00:16:3E:E8:F0:07' ]"), "/etc/hostname": "debian\n" });
    wellFormed(g);
    expect(g.nodes.map((n) => `${n.kind}:${n.id}:${n.label}`)).toEqual([
      "host:host:debian", "bridge:br:xenbr0:xenbr0", "interface:if:eth0:eth0", "network:net:lan:LAN", "network:net:dhcp:xenbr0:DHCP on xenbr0",
      "domain:dom:testxen:testxen", "vif:vif:testxen:0:vif 0",
    ]);
    expect(edges(g)).toEqual([
      "host -has-> br:xenbr0", "host -has-> if:eth0", "if:eth0 -uplink-> net:lan", "if:eth0 -port-> br:xenbr0", "br:xenbr0 -dhcp-> net:dhcp:xenbr0",
      "dom:testxen -nic-> vif:testxen:0", "vif:testxen:0 -port-> br:xenbr0",
    ]);
    expect(g.nodes.find((n) => n.kind === "vif")?.data).toEqual({ index: 0, mac: "00:16:3E:E8:F0:07" });
  });

  it("puts a vif without bridge= into the alphabetically first bridge, and a routed vif behind dom0", () => {
    const two = lines("auto br0", "iface br0 inet manual", "  bridge_ports eth1", "auto xenbr0", "iface xenbr0 inet static", "  address 192.0.2.10/24", "  bridge_ports eth0");
    const g = graph({ ...net(two), ...cfg("a", "[ '', 'bridge=xenbr0', 'script=vif-route,ip=192.0.2.50' ]") }, [{ name: "eth0" }, { name: "eth1" }]);
    wellFormed(g);
    expect(edges(g).filter((e) => e.startsWith("vif:"))).toEqual(["vif:a:0 -port-> br:br0", "vif:a:1 -port-> br:xenbr0", "vif:a:2 -routed-> host (192.0.2.50)"]);
    expect(edges(g)).toContain("br:xenbr0 -address-> net:192.0.2.0/24 (192.0.2.10/24)");
  });

  it("shows network-bridge's renamed card peth0 as the port of the bridge eth0", () => {
    const g = graph({ [XEND]: lines("(network-script network-bridge)"), ...cfg("a", "[ 'bridge=xenbr0' ]") });
    wellFormed(g);
    expect(edges(g)).toEqual(["host -has-> br:eth0", "host -has-> if:peth0", "if:peth0 -uplink-> net:lan", "if:peth0 -port-> br:eth0", "dom:a -nic-> vif:a:0", "vif:a:0 -port-> br:eth0"]);
  });

  it.skipIf(!corpusPresent)("is well formed and deterministic for every corpus Xen host", () => {
    for (const t of xenHosts()) {
      const g = graph(t.files);
      wellFormed(g);
      expect(graph(t.files)).toEqual(g);
    }
  });
});
