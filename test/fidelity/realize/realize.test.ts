// Real runs: the handbook host (with testxen) and the NAT host built in network namespaces, a guest
// pinging `www`, every interface captured. Checks that the real ping got its replies, that echo
// requests and replies crossed every interface on the path (guest eth0, dom0's vif and the
// bridge or eth0 behind it, the LAN switch, both router interfaces, www), that frames before the
// time origin are the setup's (DHCP), that the run left no `xn-rz-` namespace, and that a run
// killed outright (SIGKILL to its whole process group) leaves namespaces that the next start
// removes. Needs root, `ip netns` and the tools: skipped with the reason otherwise, except under CI
// (env CI set), where a missing prerequisite fails.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeFrame, type DecodedFrame } from "../../../netsim/wire/decode.ts";
import { ipv4ToString } from "../../../netsim/wire/address.ts";
import { ourNamespaces, realizeScript, realizeUnavailable, removeLeftovers } from "../../../fidelity/realize/index.ts";
import type { ScriptRun, Seen } from "../../../fidelity/types.ts";
import { bootExample, handbookWithGuest } from "./hosts.ts";

const reason = realizeUnavailable();
if (reason !== undefined) console.log(`realize against the real kernel ${process.env.CI ? "FAILS (CI)" : "skipped"}: ${reason}`);

if (reason !== undefined && process.env.CI) {
  describe("realize against the real kernel", () => {
    it("can build network namespaces here (required in CI)", () => {
      expect(reason).toBeUndefined();
    });
  });
}

const mine = () => ourNamespaces().filter((n) => n.startsWith(`xn-rz-${process.pid}-`));

/** The decoded frame, when it decodes. */
function decoded(s: Seen): DecodedFrame | undefined {
  const d = decodeFrame(s.frame);
  return d.ok ? d.value : undefined;
}

/** ICMP echo requests and replies among the frames after the time origin. */
function echoes(seen: readonly Seen[] | undefined): { requests: number; replies: number } {
  const kinds = (seen ?? []).filter((s) => s.time >= 0).map((s) => decoded(s)?.icmp?.kind);
  return { requests: kinds.filter((k) => k === "echo-request").length, replies: kinds.filter((k) => k === "echo-reply").length };
}

function expectEchoes(run: ScriptRun, interfaces: readonly string[]): void {
  for (const i of interfaces) {
    const e = echoes(run.captures.get(i));
    expect({ i, ...e }).toEqual({ i, requests: 2, replies: 2 });
  }
}

describe.skipIf(reason !== undefined)("realizeScript against the real kernel", () => {
  beforeAll(() => void removeLeftovers());
  afterAll(() => void removeLeftovers());

  describe("the handbook host: testxen pings www through xenbr0", () => {
    let run: ScriptRun;
    beforeAll(async () => void (run = await realizeScript(handbookWithGuest(), "on testxen ping -c 2 www\nxm list", { timeoutSeconds: 90 })), 120_000);

    it("the real ping got both replies", () => {
      expect(run.side).toBe("real");
      expect(run.transcript).toMatch(/^root@debian:~# on testxen ping -c 2 www\n/);
      expect(run.transcript).toMatch(/2 packets transmitted, 2 (packets )?received/);
      expect(run.skipped).toEqual([{ line: 2, text: "xm list", reason: expect.stringContaining("toolstack") }]);
    });

    it("both echoes crossed the guest's eth0, vif1.0, the bridge's port eth0, the LAN, the router and www", () => {
      expectEchoes(run, ["testxen:eth0", "dom0:vif1.0", "dom0:eth0", "lan:port2", "lan:port1", "router:eth0", "router:eth1", "internet:port1", "www:eth0"]);
    });

    it("the DHCP exchanges happened before the time origin", () => {
      const dhcp = (run.captures.get("testxen:eth0") ?? []).filter((s) => decoded(s)?.dhcp !== undefined);
      expect(dhcp.length).toBeGreaterThanOrEqual(2);
      expect(dhcp.every((s) => s.time < 0)).toBe(true);
    });

    it("left no namespace behind", () => {
      expect(mine()).toEqual([]);
    });
  });

  describe("the NAT host: web pings www through vif2.0 and dom0's MASQUERADE", () => {
    let run: ScriptRun;
    beforeAll(async () => void (run = await realizeScript(bootExample("nat", 30), "on web ping -c 2 www", { timeoutSeconds: 90 })), 120_000);

    it("the real ping got both replies, translated on dom0's eth0", () => {
      expect(run.transcript).toMatch(/2 packets transmitted, 2 (packets )?received/);
      expectEchoes(run, ["web:eth0", "dom0:vif2.0", "dom0:eth0", "router:eth0", "router:eth1", "www:eth0"]);
      const out = (run.captures.get("dom0:eth0") ?? []).flatMap((s) => (s.time >= 0 && decoded(s)?.icmp?.kind === "echo-request" ? [decoded(s)!.ipv4!.src] : []));
      expect(out.map(ipv4ToString)).toEqual(["192.168.1.148", "192.168.1.148"]);
    });

    it("left no namespace behind", () => {
      expect(mine()).toEqual([]);
    });
  });

  describe("a run killed outright", () => {
    let dir: string;
    beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), "xn-rz-killed-"))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("leaves namespaces that the next start removes (and only those of dead runs)", async () => {
      writeFileSync(join(dir, "script"), "on web ping -c 60 www\n");
      const keep = join(dir, "keep");
      const root = resolve(import.meta.dirname, "../../..");
      const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", "--root", "examples/routed", "realize", "--timeout", "60", "--keep", keep, join(dir, "script")], { cwd: root, detached: true, stdio: "ignore" });
      for (let i = 0; i < 600 && !existsSync(join(keep, "t0")); i++) await new Promise((r) => setTimeout(r, 100));
      expect(existsSync(join(keep, "t0"))).toBe(true);
      const theirs = ourNamespaces().filter((n) => n.startsWith(`xn-rz-${child.pid}-`));
      expect(theirs.length).toBeGreaterThan(0);
      process.kill(-child.pid!, "SIGKILL");
      await new Promise((r) => child.on("exit", r));
      // The process group is gone, so nothing cleaned up: its namespaces are still there.
      expect(ourNamespaces().filter((n) => theirs.includes(n))).toEqual(theirs);
      const removed = removeLeftovers();
      expect(removed).toEqual(expect.arrayContaining(theirs));
      expect(ourNamespaces().filter((n) => theirs.includes(n))).toEqual([]);
    }, 90_000);
  });
});
