// `xennet check` on every built-in host: the expected diagnostics at the expected lines for
// broken-reboot (exit 1), a clean bill for the others (exit 0), and --json in the contract's shape.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { xennet } from "./run-cli.ts";


describe("xennet check", () => {
  it("finds the classic reboot mistakes of broken-reboot, each at its line", async () => {
    const { out, code } = await xennet(["--root", "examples/broken-reboot", "check"]);
    expect(code).toBe(1);
    const located = out
      .split("\n")
      .filter((l) => /^\S+:\d+:\d+: /.test(l))
      .map((l) => /^(\S+:\d+:\d+): (\w+): .*\[(.+)\]$/.exec(l)!.slice(1).join(" "));
    expect(located).toEqual([
      "examples/broken-reboot/etc/network/interfaces:9:13 warning bridge/port-address",
      // The boot shows what the STP warning predicted: the lease came late.
      "examples/broken-reboot/etc/network/interfaces:17:1 warning boot/slow-dhcp",
      "examples/broken-reboot/etc/network/interfaces:18:23 error bridge/port-missing",
      "examples/broken-reboot/etc/network/interfaces:19:16 warning bridge/stp-dhcp-delay",
      // ...and the guest the vif error predicts cannot start did not.
      "examples/broken-reboot/etc/xen/web.cfg:13:15 error boot/guest-not-started",
      "examples/broken-reboot/etc/xen/web.cfg:15:47 error vif/unknown-bridge",
    ]);
    expect(out).toContain("hint: use bridge=xenbr0, or define xenbr1 in /etc/network/interfaces");
  });

  it.each(["handbook", "routed", "nat", "xen3-network-bridge", "two-bridges", "nat-dnsmasq", "nat-dhcpd"])("passes the %s host", async (host) => {
    const { out, code } = await xennet(["--root", `examples/${host}`, "check"]);
    expect(out).not.toMatch(/: error: /);
    expect(out).toMatch(/^dom0 +router +ok /m);
    expect(code).toBe(0);
  });

  it("boots the NAT host: both guests get leases from dom0 and reach the internet through it", async () => {
    const { out } = await xennet(["--root", "examples/nat", "check"]);
    for (const guest of ["web", "db"]) expect(out).toMatch(new RegExp(`^${guest} +www +ok +\\d+ s +eth0 via 10\\.0\\.\\d+\\.128$`, "m"));
  });

  it.each(["nat-dnsmasq", "nat-dhcpd"])("boots %s: its own DHCP server and MASQUERADE serve the guest", async (host) => {
    const { out } = await xennet(["--root", `examples/${host}`, "check"]);
    expect(out).toMatch(/^web +www +ok +\d+ s +eth0 via 10\.0\.0\.1$/m);
  });

  it("finds a FORWARD policy DROP that br_netfilter applies to bridged guests, and the lease the guest never got", async () => {
    const root = mkdtempSync(join(tmpdir(), "xennet-fw-"));
    try {
      cpSync("examples/two-bridges", root, { recursive: true, verbatimSymlinks: true });
      mkdirSync(join(root, "etc/iptables"), { recursive: true });
      // Squeeze's iptables-persistent restores /etc/iptables/rules.
      const rules = (accept: string) => `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n${accept}COMMIT\n`;
      writeFileSync(join(root, "etc/iptables/rules"), rules(""));
      const broken = await xennet(["--root", root, "check"]);
      expect(broken.code).toBe(1);
      expect(broken.out).toMatch(/etc\/iptables\/rules:3:2: error: the FORWARD policy DROP drops the bridged guests' traffic.*\[services\/bridged-forward-drop\]/);
      expect(broken.out).toMatch(/etc\/xen\/web\.cfg:15:17: error: web got no DHCP lease on eth0 .*\(xenbr0\).*\[boot\/guest-no-lease\]/);
      writeFileSync(join(root, "etc/iptables/rules"), rules("-A FORWARD -m physdev --physdev-is-bridged -j ACCEPT\n"));
      const fixed = await xennet(["--root", root, "check"]);
      expect(fixed.code).toBe(0);
      expect(fixed.out).toMatch(/^web +www +ok /m);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("gives the contract's JSON shape", async () => {
    const { out, code } = await xennet(["--root", "examples/broken-reboot", "check", "--json"]);
    expect(code).toBe(1);
    const report = JSON.parse(out) as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual(["bootSeconds", "diagnostics", "host", "model", "reachability"]);
    expect(report.host).toBe("xenhost");
    expect(report.model).toBe("debian-bridge");
    expect(report.bootSeconds).toBeGreaterThan(0);
    for (const r of report.reachability as Record<string, unknown>[]) {
      expect(Object.keys(r).sort()).toEqual(["afterSeconds", "from", "ok", "to", "via"]);
      expect(typeof r.ok).toBe("boolean");
    }
    for (const d of report.diagnostics as Record<string, unknown>[]) {
      expect(["error", "warning", "info"]).toContain(d.severity);
      for (const key of ["code", "file", "message"]) expect(typeof d[key]).toBe("string");
      for (const key of ["line", "column"]) expect(Number.isInteger(d[key]) && (d[key] as number) >= 1).toBe(true);
      if ("hint" in d) expect(typeof d.hint).toBe("string");
    }
  });

  it("treats a world file with errors as unusable input, naming line and column", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xennet-world-"));
    const bad = join(dir, "world.json");
    writeFileSync(bad, '{\n  "router": { "address": "192.168.1.300" }\n}\n');
    try {
      await expect(xennet(["--world", bad, "check"])).rejects.toThrow(new RegExp(`${bad}:2:\\d+: error: `));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 on an unusable root", async () => {
    await expect(xennet(["--root", "/nonexistent/xennet", "check"])).rejects.toThrow(/no such directory/);
  });
});
