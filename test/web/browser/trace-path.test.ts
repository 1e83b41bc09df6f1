// web/client/trace-path.ts in headless cytoscape: the hops of `xennet trace --json testxen www`
// on the handbook host map onto the live graph's ids (graph-ids.ts), each hop lighting the edges
// from the previous hop's device to its own, through dom0's bridge and out over the world.

import cytoscape from "cytoscape";
import { describe, expect, it } from "vitest";
import type { TraceHop } from "../../../web/api-types.ts";
import { resolveDevice, resolveNode, tracePath } from "../../../web/client/trace-path.ts";

/** The handbook host with testxen, as web/session/live-graph.ts draws it. */
function handbook(): cytoscape.Core {
  const n = (id: string, kind: string, parent?: string) => ({ group: "nodes" as const, data: { id, kind, label: id.split(":").pop(), ...(parent ? { parent } : {}) } });
  const e = (id: string, source: string, target: string) => ({ group: "edges" as const, data: { id, source, target } });
  return cytoscape({
    headless: true,
    elements: [
      n("world:lan", "lan"), n("world:router", "router"), n("world:dhcp", "dhcp-server", "world:router"), n("world:internet", "internet"), n("world:www", "world-host"),
      n("dom0", "host"), n("dom0-stack", "dom0-stack", "dom0"), n("dom0:eth0", "nic", "dom0"), n("dom0:xenbr0", "bridge", "dom0"), n("dom0:vif1.0", "vif", "dom0"),
      n("domU:testxen", "domain"), n("testxen:eth0", "guest-nic", "domU:testxen"),
      e("link:router:eth0", "world:router", "world:lan"), e("link:router:eth1", "world:router", "world:internet"), e("link:www:eth0", "world:www", "world:internet"),
      e("port:dom0:eth0", "dom0:eth0", "dom0:xenbr0"), e("uplink:dom0:xenbr0", "dom0-stack", "dom0:xenbr0"), e("port:dom0:vif1.0", "dom0:vif1.0", "dom0:xenbr0"),
      e("netif:dom0:vif1.0", "dom0:vif1.0", "testxen:eth0"), e("link:dom0:eth0", "dom0:eth0", "world:lan"),
    ],
  });
}

const hop = (node: string, action: TraceHop["action"], io: { in?: string; out?: string }): TraceHop => ({ node, action, detail: "", ...io });

describe("tracePath", () => {
  it("resolves trace names to drawn ids: dom0's devices, a guest's, the world's nodes", () => {
    const cy = handbook();
    expect(resolveNode(cy, "dom0")?.id()).toBe("dom0");
    expect(resolveNode(cy, "testxen")?.id()).toBe("domU:testxen");
    expect(resolveNode(cy, "router")?.id()).toBe("world:router");
    expect(resolveDevice(cy, "dom0", "vif1.0")?.id()).toBe("dom0:vif1.0");
    expect(resolveDevice(cy, "testxen", "eth0")?.id()).toBe("testxen:eth0");
    expect(resolveDevice(cy, "lan", "port2")).toBeUndefined();
  });

  it("lights testxen → www hop by hop", () => {
    const hops = [
      hop("testxen", "send", { out: "eth0" }),
      hop("dom0", "bridge", { in: "vif1.0", out: "eth0" }),
      hop("lan", "bridge", { in: "port2", out: "port1" }),
      hop("router", "route", { in: "eth0", out: "eth1" }),
      hop("internet", "bridge", { in: "port1", out: "port2" }),
      hop("www", "deliver", { in: "eth0" }),
    ];
    const path = tracePath(handbook(), hops);
    expect(path.map((p) => p.edges)).toEqual([
      [],
      ["netif:dom0:vif1.0", "port:dom0:vif1.0", "port:dom0:eth0"],
      ["link:dom0:eth0"],
      ["link:router:eth0"],
      ["link:router:eth1"],
      ["link:www:eth0"],
    ]);
    expect(path[1]?.nodes).toEqual(["testxen:eth0", "dom0:vif1.0", "dom0:xenbr0", "dom0:eth0"]);
  });

  it("starts dom0's own packets at its IP stack", () => {
    const path = tracePath(handbook(), [hop("dom0", "send", { out: "xenbr0,eth0" }), hop("lan", "bridge", { in: "port2", out: "port1" })]);
    expect(path[0]?.nodes).toEqual(["dom0-stack", "dom0:xenbr0", "dom0:eth0"]);
    expect(path[0]?.edges).toEqual(["uplink:dom0:xenbr0", "port:dom0:eth0"]);
    expect(path[1]?.edges).toEqual(["link:dom0:eth0"]);
  });
});
