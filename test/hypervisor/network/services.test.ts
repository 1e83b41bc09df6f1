// dom0's own services at boot (hypervisor/machine/services.ts): the built-in NAT hosts whose DHCP,
// forwarding and MASQUERADE come only from dnsmasq.conf / dhcpd.conf, sysctl.conf and the
// interfaces hooks; iptables-persistent's rules file applied before `ifup -a`; a dnsmasq started
// from a post-up line. Each positive case has a control that fails without the file in question.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ipv4ToString, parseIpv4 } from "../../../netsim/wire/address.ts";
import { memoryReader, nodeFsReader } from "../../../topology/index.ts";
import { Machine } from "../../../hypervisor/index.ts";
import { ping, Recorder, describe as frame } from "./helpers.ts";

const SECOND = 1_000_000;
const EXAMPLES = resolve(import.meta.dirname, "../../../examples");
const MASQ_LINE = "    post-up iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -o eth0 -j MASQUERADE\n";

/** An example's files by absolute path, `changes` applied (null removes a file). */
function exampleFiles(name: string, changes: Record<string, string | null> = {}): Record<string, string> {
  const root = join(EXAMPLES, name);
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out[`/${relative(root, path)}`] = readFileSync(path, "utf8");
    }
  };
  walk(root);
  for (const [path, text] of Object.entries(changes)) {
    if (text === null) delete out[path];
    else out[path] = text;
  }
  return out;
}

/** Boots a machine and lets the guests take their leases. */
function booted(m: Machine): { m: Machine; console: string } {
  const console = m.boot();
  m.sim.runFor(90 * SECOND);
  return { m, console };
}

const bootExample = (name: string) => booted(new Machine({ root: nodeFsReader({ root: join(EXAMPLES, name) }) }));
const bootFiles = (files: Record<string, string>) => booted(new Machine({ root: memoryReader({ files }) }));

/** The guest's eth0 address, as a number and text. */
function guestAddress(m: Machine): number | undefined {
  return m.stackOf("web")?.addresses("eth0")[0]?.address;
}

function defaultRoute(m: Machine): string | undefined {
  const r = m.stackOf("web")?.routes().find((x) => x.prefix === 0);
  return r?.gateway === undefined ? undefined : ipv4ToString(r.gateway);
}

/** The sources of the echo requests to www that the LAN router received while `body` ran. */
function sourcesOnLan(m: Machine, body: () => void): string[] {
  const www = ipv4ToString(m.resolve("www")!);
  const rec = new Recorder(m, (e) => e.kind === "rx" && e.node === "router");
  body();
  rec.stop();
  return [...new Set(rec.events.flatMap((e) => (e.kind === "rx" ? [frame(e.frame)] : [])).filter((f) => f.kind === "icmp" && f.icmp === "echo-request" && f.dst === www).map((f) => f.src))];
}

const inRange = (a: number | undefined, lo: string, hi: string) => a !== undefined && a >= parseIpv4(lo)! && a <= parseIpv4(hi)!;

describe.each(["nat-dnsmasq", "nat-dhcpd"])("the built-in %s host", (name) => {
  it("leases web an address from dom0's DHCP server and routes it out through MASQUERADE (dom0's eth0 address on the LAN)", () => {
    const { m, console } = bootExample(name);
    expect(console).toMatch(/^Setting kernel variables \.\.\.done\.$/m);
    expect(console).toMatch(name === "nat-dnsmasq" ? /^Starting DNS forwarder and DHCP server: dnsmasq\.$/m : /^Starting ISC DHCP server: dhcpd\.$/m);
    // procps runs before networking, the DHCP server after it.
    expect(console.indexOf("Setting kernel variables")).toBeLessThan(console.indexOf("Configuring network interfaces"));
    expect(console.indexOf("Starting")).toBeGreaterThan(console.indexOf("Configuring network interfaces"));
    expect(m.stackOf("dom0")!.readSysctl("net.ipv4.ip_forward")).toBe("1");
    expect(inRange(guestAddress(m), "10.0.0.100", "10.0.0.200")).toBe(true);
    expect(m.stackOf("web")!.addresses("eth0")[0]!.prefix).toBe(24);
    expect(defaultRoute(m)).toBe("10.0.0.1");
    const dom0Eth0 = ipv4ToString(m.stackOf("dom0")!.addresses("eth0")[0]!.address);
    let result = { text: "", exitCode: undefined as number | undefined };
    expect(sourcesOnLan(m, () => (result = ping(m, "web", "www", 2)))).toEqual([dom0Eth0]);
    expect(result.exitCode).toBe(0);
    // www's 64, less one for the LAN router and one for dom0's forwarding.
    expect(result.text).toMatch(/bytes from .* ttl=62 /);
  });

  it("without sysctl.conf ip_forward stays 0 and web cannot get past dom0", () => {
    const { m } = bootFiles(exampleFiles(name, { "/etc/sysctl.conf": null }));
    expect(m.stackOf("dom0")!.readSysctl("net.ipv4.ip_forward")).toBe("0");
    expect(defaultRoute(m)).toBe("10.0.0.1");
    expect(ping(m, "web", "www", 1).exitCode).not.toBe(0);
  });
});

describe("the dnsmasq.conf options", () => {
  it("serves the configured router and static host, and records the lease", () => {
    const conf = "interface=br0\ndhcp-range=10.0.0.100,10.0.0.200,10m\ndhcp-option=3,10.0.0.254\ndhcp-host=00:16:3e:00:0a:01,10.0.0.150\n";
    const { m } = bootFiles(exampleFiles("nat-dnsmasq", { "/etc/dnsmasq.conf": conf }));
    expect(ipv4ToString(guestAddress(m) ?? 0)).toBe("10.0.0.150");
    expect(defaultRoute(m)).toBe("10.0.0.254");
    expect(m.dom0!.services.servers[0]!.server.leaseFile()).toEqual([expect.stringMatching(/ 00:16:3e:00:0a:01 10\.0\.0\.150 /)]);
  });

  it("ENABLED=0 in /etc/default/dnsmasq starts no server, so web gets no lease", () => {
    const { m, console } = bootFiles(exampleFiles("nat-dnsmasq", { "/etc/default/dnsmasq": "ENABLED=0\n" }));
    expect(console).not.toMatch(/dnsmasq/);
    expect(guestAddress(m)).toBeUndefined();
  });
});

describe("iptables-persistent", () => {
  const interfaces = () => exampleFiles("nat-dnsmasq")["/etc/network/interfaces"]!.replace(MASQ_LINE, "");

  it("restores /etc/iptables/rules before ifup -a, so the MASQUERADE rule is there from boot", () => {
    const rules = "*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A POSTROUTING -s 10.0.0.0/24 -o eth0 -j MASQUERADE\nCOMMIT\n";
    expect(interfaces()).not.toContain("MASQUERADE");
    const { m, console } = bootFiles(exampleFiles("nat-dnsmasq", { "/etc/network/interfaces": interfaces(), "/etc/iptables/rules": rules }));
    expect(console.indexOf("Loading iptables rules... IPv4...done.")).toBeGreaterThanOrEqual(0);
    expect(console.indexOf("Loading iptables rules")).toBeLessThan(console.indexOf("Configuring network interfaces"));
    expect(m.run("iptables -t nat -S POSTROUTING").stdout).toContain("-A POSTROUTING -s 10.0.0.0/24 -o eth0 -j MASQUERADE");
    const dom0Eth0 = ipv4ToString(m.stackOf("dom0")!.addresses("eth0")[0]!.address);
    expect(sourcesOnLan(m, () => expect(ping(m, "web", "www", 1).exitCode).toBe(0))).toEqual([dom0Eth0]);
  });

  it("keeps a table committed before the line iptables-restore rejects, and reports the failure", () => {
    const rules = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n*nat\n-A POSTROUTING -j NOSUCHTARGET\nCOMMIT\n";
    const { m, console } = bootFiles(exampleFiles("nat-dnsmasq", { "/etc/iptables/rules": rules }));
    expect(console).toContain("Loading iptables rules... IPv4...failed.");
    expect(m.run("iptables -S FORWARD").stdout).toContain("-P FORWARD DROP");
    expect(ping(m, "web", "www", 1).exitCode).not.toBe(0);
  });

  it("without the rules file or the post-up line, web's packets leave unmasqueraded and get no reply", () => {
    const { m } = bootFiles(exampleFiles("nat-dnsmasq", { "/etc/network/interfaces": interfaces() }));
    const web = ipv4ToString(guestAddress(m) ?? 0);
    expect(sourcesOnLan(m, () => expect(ping(m, "web", "www", 1).exitCode).not.toBe(0))).toEqual([web]);
  });
});

describe("a dnsmasq started by a post-up line", () => {
  it("serves br0 with the options of its command line", () => {
    const line = "    post-up dnsmasq --interface=br0 --bind-interfaces --dhcp-range=10.0.0.50,10.0.0.60,1h --no-ping\n";
    const text = exampleFiles("nat-dnsmasq")["/etc/network/interfaces"]!.replace(MASQ_LINE, MASQ_LINE + line);
    const { m } = bootFiles(exampleFiles("nat-dnsmasq", { "/etc/network/interfaces": text, "/etc/dnsmasq.conf": null }));
    expect(m.dom0!.services.servers.map((s) => s.name)).toEqual(["dnsmasq"]);
    expect(inRange(guestAddress(m), "10.0.0.50", "10.0.0.60")).toBe(true);
    expect(ping(m, "web", "www", 1).exitCode).toBe(0);
  });
});
