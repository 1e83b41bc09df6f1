// `xennet trace FROM TO`: a guest's ping to the internet host in each model, followed hop by hop
// (golden outputs), the --json shape, UDP and TCP probes, and the exit codes (2 for an unknown
// FROM or TO).
import { describe, expect, it } from "vitest";
import { UsageError } from "../../cli/host.ts";
import { expectGolden } from "../golden.ts";
import { xennet } from "./run-cli.ts";

interface Hop {
  node: string;
  in?: string;
  out?: string;
  action: string;
  detail: string;
  ttl?: number;
}

const path = (hops: Hop[]) => hops.map((h) => `${h.node}:${h.in ?? "-"}>${h.out ?? "-"}`);

describe("xennet trace", () => {
  it.each([
    ["bridge", "xen3-network-bridge"],
    ["routing", "routed"],
    ["nat", "nat"],
  ])("follows a guest's ping to www in the %s model", async (_model, host) => {
    const { out, code } = await xennet(["--root", `examples/${host}`, "trace", "web", "www"]);
    expect(code).toBe(0);
    expectGolden(`cli/trace-${host}.txt`, out);
  });

  it("bridge model: vif → xenbr0 → peth0 → LAN → router, no routing in dom0", async () => {
    const { out } = await xennet(["--root", "examples/xen3-network-bridge", "trace", "web", "www", "--json"]);
    const r = JSON.parse(out) as { request: Hop[]; reply: Hop[] };
    expect(path(r.request).slice(0, 4)).toEqual(["web:->eth0", "dom0:vif1.0>peth0", "lan:port2>port1", "router:eth0>eth1"]);
    expect(r.request[1]).toMatchObject({ action: "bridge", ttl: 64 });
    expect(r.request[1]!.detail).toContain("xenbr0: destination MAC known on peth0, forwarded");
    expect(path(r.reply).slice(-2)).toEqual(["dom0:peth0>vif1.0", "web:eth0>-"]);
  });

  it("routing model: dom0 routes and answers ARP for the guest by proxy", async () => {
    const { out } = await xennet(["--root", "examples/routed", "trace", "web", "www", "--json"]);
    const r = JSON.parse(out) as { request: Hop[]; reply: Hop[] };
    expect(r.request[1]).toMatchObject({ node: "dom0", in: "vif1.0", out: "eth0", action: "route", ttl: 63 });
    const router = r.reply.find((h) => h.node === "router")!;
    expect(router.detail).toMatch(/proxy ARP: dom0 answered for 192\.168\.1\.\d+ on eth0/);
  });

  it("NAT model: dom0 masquerades, showing the translation before → after", async () => {
    const { out } = await xennet(["--root", "examples/nat", "trace", "web", "www", "--json"]);
    const r = JSON.parse(out) as { request: Hop[]; reply: Hop[] };
    expect(r.request[1]!.detail).toMatch(/NAT \(SNAT\/MASQUERADE\): icmp 10\.0\.2\.1 > 203\.0\.113\.80 .* → icmp 192\.168\.1\.\d+ > 203\.0\.113\.80/);
    // ...and on the way back, conntrack undoes it in dom0 before the reply goes out of the vif.
    const back = r.reply.find((h) => h.node === "dom0");
    expect(back?.out).toBe("vif2.0");
    expect(back?.detail).toMatch(/NAT undone for the reply \(conntrack\): 203\.0\.113\.80 > 192\.168\.1\.\d+ id \d+ → 203\.0\.113\.80 > 10\.0\.2\.1 id \d+/);
  });

  it("gives the contract's JSON shape", async () => {
    const { out, code } = await xennet(["--root", "examples/nat", "trace", "web", "www", "--json"]);
    expect(code).toBe(0);
    const r = JSON.parse(out) as Record<string, unknown>;
    expect(Object.keys(r).sort()).toEqual(["delivered", "from", "proto", "reply", "request", "to"]);
    expect(r).toMatchObject({ from: "web", to: "www", proto: "icmp", delivered: true });
    for (const h of [...(r.request as Hop[]), ...(r.reply as Hop[])]) {
      for (const k of Object.keys(h)) expect(["node", "in", "out", "action", "detail", "ttl"]).toContain(k);
      expect(typeof h.node).toBe("string");
      expect(["send", "answer", "bridge", "route", "deliver", "drop", "pass"]).toContain(h.action);
      if (h.ttl !== undefined) expect(Number.isInteger(h.ttl)).toBe(true);
    }
    expect((r.reply as Hop[]).at(-1)).toMatchObject({ node: "web", action: "deliver" });
  });

  it("a UDP probe to a closed port is refused by the host itself: delivered, answered by port unreachable", async () => {
    const { out, code } = await xennet(["--root", "examples/nat", "trace", "web", "www", "--proto", "udp"]);
    expect(code).toBe(0);
    expect(out).toContain("sends UDP 45000 → 33434");
    expect(out).toContain("dropped: no-socket");
    expect(out).toMatch(/answered \(ICMP destination unreachable code 3\)$/m);
  });

  it("a TCP SYN from dom0 to a guest gets the guest's answer", async () => {
    const { out, code } = await xennet(["--root", "examples/nat", "trace", "dom0", "web", "--proto", "tcp", "--port", "80"]);
    expect(code).toBe(0);
    expect(out).toContain("sends TCP [S] 45000 → 80");
    expect(out).toContain("sends TCP [R.] 80 → 45000");
  });

  it("exits 1 when the packet is not delivered", async () => {
    const { out, code } = await xennet(["--root", "examples/nat", "trace", "web", "198.51.100.7"]);
    expect(code).toBe(1);
    expect(out).toMatch(/^not delivered/m);
  });

  it.each([
    [["trace", "nobody", "www"], /unknown FROM "nobody"/],
    [["trace", "web", "nowhere"], /unknown TO "nowhere"/],
    [["trace", "web", "www", "--proto", "sctp"], /--proto must be icmp, udp or tcp/],
  ])("rejects bad arguments %j as usage errors (exit 2)", async (args, message) => {
    await expect(xennet(["--root", "examples/nat", ...args])).rejects.toThrow(message);
    await expect(xennet(["--root", "examples/nat", ...args])).rejects.toBeInstanceOf(UsageError);
  });
});
