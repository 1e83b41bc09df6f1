// GET /api/graph?model=…: the served host's files under the bridge, routing and NAT models, each a
// fresh simulation (xend's scripts switched in memory), here on the NAT example host whose guests
// web and db start at boot: vif-nat joins each vif to dom0's stack, vif-route likewise as routed,
// network-bridge (Xen 4.0) renames eth0 to peth0 and bridges the vifs. The served host and its
// files are left as they were.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../web/server/index.ts";
import type { LiveGraph } from "../../../web/api-types.ts";
import { call, CREATE_IMAGE, serve } from "./helpers.ts";

let server: RunningServer;
beforeAll(async () => {
  server = await serve("examples/nat");
});
afterAll(() => server.close());

const graph = async (query = "") => (await call<LiveGraph>(server, "GET", `/api/graph${query}`)).body;
const edge = (g: LiveGraph, id: string) => g.edges.find((e) => e.id === id);

describe("the same host under other network models", () => {
  it("draws the served NAT host: both guests' vifs joined to dom0's stack by nat edges", async () => {
    const live = await graph();
    expect(live.model).toBe("nat");
    expect(live.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(["domU:web", "domU:db", "web:eth0", "db:eth0"]));
    expect(edge(live, "nat:dom0:vif1.0")).toMatchObject({ source: "dom0-stack", target: "dom0:vif1.0", kind: "nat" });
  });

  it("routes: vif-route joins each vif to dom0's stack as a routed link", async () => {
    const routed = await graph("?model=route");
    expect(routed.model).toBe("route");
    expect(edge(routed, "route:dom0:vif1.0")).toMatchObject({ source: "dom0-stack", kind: "route" });
    expect(edge(routed, "route:dom0:vif2.0")).toBeDefined();
    expect(routed.edges.some((e) => e.kind === "nat" || e.kind === "port")).toBe(false);
    expect(routed.notes).toBeUndefined();
  });

  it("bridges: network-bridge renames eth0 to peth0 and makes the bridge eth0 with the vifs as ports", async () => {
    const bridged = await graph("?model=bridge");
    expect(bridged.model).toBe("bridge");
    expect(bridged.nodes.find((n) => n.id === "dom0:eth0")?.kind).toBe("bridge");
    expect(edge(bridged, "port:dom0:peth0")).toMatchObject({ target: "dom0:eth0" });
    expect(edge(bridged, "port:dom0:vif1.0")).toMatchObject({ target: "dom0:eth0", kind: "port" });
    expect(edge(bridged, "link:dom0:peth0")).toMatchObject({ target: "world:lan" });
  });

  it("leaves the served host and its xend-config.sxp as they were; 400 for an unknown model", async () => {
    expect((await graph()).model).toBe("nat");
    expect((await call(server, "GET", "/api/files?path=/etc/xen/xend-config.sxp")).body.text).toContain("(vif-script 'vif-nat dhcp=yes')");
    expect((await call(server, "GET", "/api/graph?model=token-ring")).status).toBe(400);
    expect((await call(server, "GET", "/api/graph?model=route&model=nat")).status).toBe(400);
  });
});

describe("a guest another model cannot start", () => {
  it("says why: the handbook's testxen under vif-route, whose netdev eth0 is a bridge port without an address", async () => {
    const handbook = await serve();
    try {
      await call(handbook, "POST", "/api/shell", { line: CREATE_IMAGE });
      expect((await call(handbook, "POST", "/api/domains/testxen/create")).body.status).toBe(0);
      const routed = (await call<LiveGraph>(handbook, "GET", "/api/graph?model=route")).body;
      expect(routed.nodes.some((n) => n.id === "domU:testxen")).toBe(false);
      expect(routed.notes).toEqual([expect.stringMatching(/^testxen does not start under route: Error: Device 0 \(vif\) could not be connected\. eth0 is not up\./)]);
    } finally {
      await handbook.close();
    }
  });
});
