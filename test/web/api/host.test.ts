// The host routes of the web API against a real server on 127.0.0.1: the live graph of the booted
// handbook host, the domain panel (create from the cfg xen-create-image wrote, pause), xm and shell
// lines, a trace, the check report, and the status codes of bad requests — unknown domain 404,
// unknown route 404, malformed JSON 400, a path escaping the root 400, an oversized body 413, a
// cfg that does not parse 422 with located diagnostics (and not written).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../web/server/index.ts";
import type { LiveGraph } from "../../../web/api-types.ts";
import { call, CREATE_IMAGE, serve } from "./helpers.ts";

let server: RunningServer;
beforeAll(async () => {
  server = await serve();
});
afterAll(() => server.close());

const ids = (g: LiveGraph) => g.nodes.map((n) => n.id);

describe("the live graph and the domain panel", () => {
  it("draws the booted handbook host: dom0's box with eth0 as a port of xenbr0, the stack, the LAN", async () => {
    const { status, body } = await call<LiveGraph>(server, "GET", "/api/graph");
    expect(status).toBe(200);
    expect(body.model).toBe("bridge");
    expect(ids(body)).toEqual(expect.arrayContaining(["dom0", "dom0-stack", "dom0:xenbr0", "dom0:eth0", "world:lan", "world:router"]));
    expect(body.nodes.find((n) => n.id === "dom0:xenbr0")).toMatchObject({ kind: "bridge", parent: "dom0", data: { ip: expect.stringMatching(/^192\.168\.1\.\d+\/24$/) } });
    expect(body.nodes.find((n) => n.id === "dom0:eth0")).toMatchObject({ kind: "nic", state: "forwarding" });
    expect(body.edges.map((e) => e.id)).toEqual(expect.arrayContaining(["port:dom0:eth0", "link:dom0:eth0", "uplink:dom0:xenbr0"]));
    expect(body.time).toBeGreaterThan(0);
  });

  it("creates testxen from the cfg xen-create-image wrote: the graph gains its box, eth0 and vif1.0", async () => {
    const made = await call(server, "POST", "/api/shell", { line: CREATE_IMAGE });
    expect(made.status).toBe(200);
    expect(made.body.status).toBe(0);
    expect((await call(server, "GET", "/api/domains")).body.configs).toContain("testxen.cfg");
    const created = await call(server, "POST", "/api/domains/testxen/create");
    expect(created).toMatchObject({ status: 200, body: { status: 0, stdout: 'Using config file "/etc/xen/testxen.cfg".\nStarted domain testxen (id=1)\n' } });
    const graph = (await call<LiveGraph>(server, "GET", "/api/graph")).body;
    expect(ids(graph)).toEqual(expect.arrayContaining(["domU:testxen", "testxen:eth0", "dom0:vif1.0"]));
    expect(graph.edges).toContainEqual(expect.objectContaining({ id: "netif:dom0:vif1.0", source: "dom0:vif1.0", target: "testxen:eth0", kind: "netif" }));
    expect(graph.edges).toContainEqual(expect.objectContaining({ id: "port:dom0:vif1.0", target: "dom0:xenbr0", kind: "port" }));
  });

  it("pauses it: xm list shows --p--- and the graph's box is paused", async () => {
    expect((await call(server, "POST", "/api/domains/testxen/pause")).body.status).toBe(0);
    const row = (await call(server, "GET", "/api/domains")).body.domains.find((d: { name: string }) => d.name === "testxen");
    expect(row).toMatchObject({ id: 1, memory: 128, vcpus: 1, state: "--p---" });
    const graph = (await call<LiveGraph>(server, "GET", "/api/graph")).body;
    expect(graph.nodes.find((n) => n.id === "domU:testxen")?.state).toBe("paused");
    expect((await call(server, "POST", "/api/domains/testxen/unpause")).body.status).toBe(0);
  });

  it("answers 404 for an unknown domain, cfg or save file, 400 for an unknown action", async () => {
    expect(await call(server, "POST", "/api/domains/nosuch/pause")).toEqual({ status: 404, body: { error: 'unknown domain "nosuch"' } });
    expect((await call(server, "POST", "/api/domains/nosuch/create")).status).toBe(404);
    expect((await call(server, "POST", "/api/domains/nosuch/restore")).status).toBe(404);
    expect((await call(server, "GET", "/api/domains/nosuch/console")).status).toBe(404);
    expect((await call(server, "POST", "/api/domains/testxen/explode")).status).toBe(400);
  });

  it("runs xm and shell lines as a terminal shows them", async () => {
    const list = await call(server, "POST", "/api/xm", { args: ["list", "testxen"] });
    expect(list.body.stdout).toMatch(/^Name +ID +Mem VCPUs +State +Time\(s\)\ntestxen +1 +128 +1 /);
    const bad = await call(server, "POST", "/api/xm", { args: ["list", "nosuch"] });
    expect(bad).toMatchObject({ status: 200, body: { status: 3, stderr: "Error: Domain 'nosuch' does not exist.\n" } });
    expect((await call(server, "POST", "/api/shell", { line: "brctl show" })).body.stdout).toMatch(/xenbr0\s+8000\.\S+\s+no\s+eth0\n\s+vif1\.0/);
    expect((await call(server, "POST", "/api/xm", { args: "list" })).status).toBe(400);
  });

  it("traces dom0 to the router as `xennet trace --json` does; 400 for an unknown FROM", async () => {
    const trace = await call(server, "POST", "/api/trace", { from: "dom0", to: "router" });
    expect(trace.status).toBe(200);
    expect(trace.body).toMatchObject({ from: "dom0", to: "router", proto: "icmp", delivered: true });
    expect(trace.body.request.length).toBeGreaterThan(0);
    expect(trace.body.reply.length).toBeGreaterThan(0);
    expect((await call(server, "POST", "/api/trace", { from: "nosuch", to: "router" })).status).toBe(400);
    expect((await call(server, "POST", "/api/trace", { from: "dom0", to: "router", proto: "sctp" })).status).toBe(400);
  });

  it("gives the check report of the files as they are now", async () => {
    const { status, body } = await call(server, "GET", "/api/check");
    expect(status).toBe(200);
    expect(body).toMatchObject({ host: "debian", model: "debian-bridge" });
    expect(body.reachability).toContainEqual(expect.objectContaining({ from: "dom0", to: "router", ok: true }));
  });
});

describe("files of the simulated filesystem", () => {
  it("reads a file; 404 when missing; 400 for a relative path or one escaping the root", async () => {
    const file = await call(server, "GET", "/api/files?path=/etc/network/interfaces");
    expect(file.status).toBe(200);
    expect(file.body.text).toContain("bridge_ports eth0");
    expect((await call(server, "GET", "/api/files?path=/etc/nosuch")).status).toBe(404);
    expect((await call(server, "GET", "/api/files?path=etc/hostname")).status).toBe(400);
    expect((await call(server, "GET", "/api/files?path=/etc/../../etc/passwd")).status).toBe(400);
    expect((await call(server, "PUT", "/api/files", { path: "/../x", text: "" })).status).toBe(400);
  });

  it("saves an edit in memory and re-checks it: a bridge port that does not exist is located", async () => {
    const text = "auto lo\niface lo inet loopback\n\nauto xenbr0\niface xenbr0 inet dhcp\n    bridge_ports eth9\n";
    const saved = await call(server, "PUT", "/api/files", { path: "/etc/network/interfaces", text });
    expect(saved.status).toBe(200);
    expect(saved.body.path).toBe("/etc/network/interfaces");
    expect(saved.body.diagnostics).toContainEqual(expect.objectContaining({ severity: "error", code: "bridge/port-missing", file: "/etc/network/interfaces", line: 6 }));
    expect((await call(server, "GET", "/api/files?path=/etc/network/interfaces")).body.text).toBe(text);
  });

  it("refuses a cfg that does not parse with 422 and located diagnostics, and does not write it", async () => {
    const bad = await call(server, "PUT", "/api/files", { path: "/etc/xen/x.cfg", text: "name = 'x'\nmemory = 128\nvif = [ 'bridge=xenbr0'\n" });
    expect(bad.status).toBe(422);
    expect(bad.body.diagnostics).toEqual([expect.objectContaining({ severity: "error", code: "cfg-unclosed-bracket", file: "/etc/xen/x.cfg", line: 3, column: 7 })]);
    expect((await call(server, "GET", "/api/files?path=/etc/xen/x.cfg")).status).toBe(404);
    const good = await call(server, "PUT", "/api/files", { path: "/etc/xen/x.cfg", text: "name = 'x'\nmemory = 128\nvif = [ 'bridge=xenbr0' ]\n" });
    expect(good.status).toBe(200);
    expect((await call(server, "GET", "/api/domains")).body.configs).toContain("x.cfg");
  });

  it("answers an oversized body 413, malformed JSON 400, a missing body 400, all as JSON", async () => {
    const huge = await call(server, "PUT", "/api/files", { path: "/root/big", text: "x".repeat(300 * 1024) });
    expect(huge).toEqual({ status: 413, body: { error: "request body too large" } });
    const malformed = await call(server, "POST", "/api/shell", "{ not json");
    expect(malformed.status).toBe(400);
    expect(typeof malformed.body.error).toBe("string");
    expect((await call(server, "POST", "/api/shell")).status).toBe(400);
  });

  it("saves testxen: the graph keeps its box as saved, without vif1.0; restore brings it back as vif2.0", async () => {
    expect((await call(server, "POST", "/api/domains/testxen/save")).body.status).toBe(0);
    let graph = (await call<LiveGraph>(server, "GET", "/api/graph")).body;
    expect(graph.nodes.find((n) => n.id === "domU:testxen")).toMatchObject({ state: "saved", data: { file: "/var/lib/xen/save/testxen" } });
    expect(graph.nodes.some((n) => n.id === "dom0:vif1.0" || n.parent === "domU:testxen")).toBe(false);
    expect((await call(server, "POST", "/api/domains/testxen/restore")).body.status).toBe(0);
    graph = (await call<LiveGraph>(server, "GET", "/api/graph")).body;
    expect(graph.nodes.find((n) => n.id === "domU:testxen")?.state).not.toBe("saved");
    expect(graph.nodes.some((n) => n.id === "dom0:vif2.0")).toBe(true);
  });

  it("answers unknown API routes 404 as JSON", async () => {
    expect(await call(server, "GET", "/api/nosuch")).toEqual({ status: 404, body: { error: "no route GET /nosuch" } });
    expect((await call(server, "DELETE", "/api/graph")).status).toBe(404);
  });
});
