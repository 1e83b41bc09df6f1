// sysctl (procps 3.2.8) and the shell's /proc/sys files over the simulated net.ipv4: the name
// and dot/slash conventions, the messages and exit statuses, and that writes change the stack.
import { describe, expect, it } from "vitest";
import { readProcSys, runHostTool, writeProcSys } from "../../../hypervisor/host-tools/index.ts";
import { buildDom0, sh } from "./dom0.ts";

describe("sysctl", () => {
  it("reads and writes keys, with sysctl's `name = value` lines", () => {
    const { host } = buildDom0();
    expect(sh(host, "sysctl net.ipv4.ip_forward")).toEqual({ stdout: "net.ipv4.ip_forward = 0\n", stderr: "", exitCode: 0 });
    expect(sh(host, "sysctl -w net.ipv4.ip_forward=1")).toEqual({ stdout: "net.ipv4.ip_forward = 1\n", stderr: "", exitCode: 0 });
    expect(host.stack.ipForward).toBe(true);
    expect(sh(host, "sysctl -n net.ipv4.conf.xenbr0.forwarding").stdout).toBe("1\n");
    expect(sh(host, "sysctl net/ipv4/conf/vif1.0/proxy_arp").stdout).toBe("net.ipv4.conf.vif1/0.proxy_arp = 0\n");
    expect(sh(host, "sysctl -w net.ipv4.conf.vif1/0.proxy_arp=1").stdout).toBe("net.ipv4.conf.vif1/0.proxy_arp = 1\n");
    expect(host.stack.conf("vif1.0")?.proxyArp).toBe(true);
    expect(sh(host, "sysctl -q -w net.ipv4.ip_default_ttl=32").stdout).toBe("");
    expect(sh(host, "sysctl net.ipv4.ip_local_port_range").stdout).toBe("net.ipv4.ip_local_port_range = 32768\t61000\n");
  });

  it("reports unknown keys, refused values and bad settings as procps does", () => {
    const { host } = buildDom0();
    expect(sh(host, "sysctl net.ipv4.no_such_key")).toEqual({ stdout: "", stderr: 'error: "net.ipv4.no_such_key" is an unknown key\n', exitCode: 255 });
    expect(sh(host, "sysctl -e net.ipv4.no_such_key")).toEqual({ stdout: "", stderr: "", exitCode: 0 });
    expect(sh(host, "sysctl -w net.ipv4.ip_default_ttl=0")).toEqual({ stdout: "", stderr: 'error: "Invalid argument" setting key "net.ipv4.ip_default_ttl"\n', exitCode: 255 });
    expect(sh(host, "sysctl -w net.ipv4.ip_forward")).toEqual({ stdout: "", stderr: 'error: "net.ipv4.ip_forward" must be of the form name=value\n', exitCode: 255 });
    expect(sh(host, "sysctl -w net.ipv4.ip_forward=")).toEqual({ stdout: "", stderr: 'error: Malformed setting "net.ipv4.ip_forward="\n', exitCode: 254 });
    expect(sh(host, "sysctl -w foo.bar=1")).toEqual({ stdout: "", stderr: 'error: "foo.bar" is an unknown key\n', exitCode: 255 });
    expect(sh(host, "sysctl kernel.hostname")).toEqual({ stdout: "", stderr: 'xennet: sysctl key "kernel.hostname" is not simulated\n', exitCode: 255 });
    expect(sh(host, "sysctl -k")).toMatchObject({ stderr: 'error: Unknown parameter "-k"\n', exitCode: 255 });
    expect(sh(host, "sysctl").stdout).toMatch(/^usage:  sysctl \[-n\] \[-e\] variable \.\.\. \n/);
    expect(sh(host, "sysctl -V").stdout).toBe("sysctl (procps version 3.2.8)\n");
  });

  it("lists the simulated subset with -a, devices in ifindex order", () => {
    const { host } = buildDom0();
    const lines = sh(host, "sysctl -a").stdout.split("\n");
    expect(lines[0]).toBe("net.ipv4.conf.all.forwarding = 0");
    expect(lines).toContain("net.ipv4.conf.vif1/0.proxy_arp = 0");
    expect(lines).toContain("net.ipv4.neigh.xenbr0.unres_qlen = 3");
    expect(lines.at(-2)).toBe("net.ipv4.icmp_ratemask = 6168");
    const confDevs = lines.filter((l) => l.endsWith(".forwarding = 0")).map((l) => l.split(".")[3]);
    expect(confDevs).toEqual(["all", "default", "lo", "eth0", "vif1/0", "xenbr0"]);
  });

  it("preloads /etc/sysctl.conf with -p", () => {
    const { host } = buildDom0();
    const files: Record<string, string> = { "/etc/sysctl.conf": "# comment\nnet.ipv4.ip_forward = 1\n;other\nnet.ipv4.conf.all.rp_filter=1\nbroken\n" };
    const r = runHostTool(host, ["sysctl", "-p"], { readFile: (p) => files[p] });
    expect(r).toEqual({ stdout: "net.ipv4.ip_forward = 1\nnet.ipv4.conf.all.rp_filter = 1\n", stderr: "warning: /etc/sysctl.conf(5): invalid syntax, continuing...\n", exitCode: 0 });
    expect(runHostTool(host, ["sysctl", "-p", "/etc/none"], {})).toEqual({ stdout: "", stderr: 'error: unable to open preload file "/etc/none"\n', exitCode: 255 });
  });
});

describe("/proc/sys from the shell", () => {
  it("reads and writes files as cat and echo redirection do, with bash's messages", () => {
    const { host } = buildDom0();
    expect(readProcSys(host, "/proc/sys/net/ipv4/ip_forward")).toBe("0\n");
    expect(writeProcSys(host, "/proc/sys/net/ipv4/ip_forward", "1\n")).toEqual({ stdout: "", stderr: "", exitCode: 0 });
    expect(readProcSys(host, "/proc/sys/net/ipv4/ip_forward")).toBe("1\n");
    // Xen 4.0 network-route's bug: conf/eth/proxy_arp does not exist (xen-networking.md §3).
    expect(writeProcSys(host, "/proc/sys/net/ipv4/conf/eth/proxy_arp", "1\n")).toEqual({ stdout: "", stderr: "bash: /proc/sys/net/ipv4/conf/eth/proxy_arp: No such file or directory\n", exitCode: 1 });
    expect(writeProcSys(host, "/proc/sys/net/ipv4/ip_default_ttl", "300\n")).toEqual({ stdout: "", stderr: "bash: echo: write error: Invalid argument\n", exitCode: 1 });
    expect(readProcSys(host, "/proc/sys/net/ipv4/conf/eth/proxy_arp")).toBeUndefined();
  });
});
