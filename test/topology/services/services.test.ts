// dom0's services as loadHost reads them: the two built-in NAT examples (no finding at all, and the
// facts a boot needs: forwarding from sysctl.conf, the MASQUERADE rule of br0's post-up, the DHCP
// server on br0), the hooks ifup runs and how their lines split into commands, iptables-persistent's
// file per release, the hook commands iptables refuses, a second dnsmasq, what is not simulated,
// and the services checks in the situations the shared positive/negative cases do not cover.

import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkHost, loadHost, memoryReader, type Diagnostic } from "../../../topology/index.ts";
import { splitCommands } from "../../../topology/services/index.ts";
import { lines, net, squeeze, type Files } from "../checks/case-kit.ts";
import { DHCPD, DHCPD_DEFAULTS, DNSMASQ, RULES, SYSCTL, natHost, natInterfaces } from "./check-cases.ts";

const EXAMPLES = resolve(import.meta.dirname, "../../../examples");
const at = (d: Diagnostic): string => `${d.span.file}:${d.span.line}:${d.span.column} ${d.code}`;

function load(files: Files) {
  const loaded = loadHost(memoryReader({ files }));
  return { config: loaded.value, load: loaded.diagnostics, checks: checkHost(loaded.value) };
}

describe("the built-in NAT examples", () => {
  it("nat-dnsmasq: no finding; forwarding, masquerading and dnsmasq on br0", () => {
    const loaded = loadHost(`${EXAMPLES}/nat-dnsmasq`);
    expect([...loaded.diagnostics, ...checkHost(loaded.value)].map(at)).toEqual([]);
    const s = loaded.value.services;
    expect(s.sysctl.files).toEqual(["/etc/sysctl.conf"]);
    expect(s.sysctl.settings.ipForward).toEqual({ value: true, text: "1", span: { file: "/etc/sysctl.conf", line: 28, column: 1 } });
    expect(s.firewall.hookRules.map((r) => [r.hook?.iface, r.hook?.option, r.table, r.chain, r.target, r.source, r.outIface?.value, `${r.span.line}:${r.span.column}`, `${r.outIface?.span.column}`])).toEqual([
      ["br0", "post-up", "nat", "POSTROUTING", "MASQUERADE", "10.0.0.0/24", "eth0", "23:13", "62"],
    ]);
    expect(s.dnsmasq.map((d) => [d.origin, d.accepted, d.enabled, d.interfaces.map((i) => `${i.value}@${i.span.line}`), d.ranges.map((r) => `${r.start}-${r.end}/${r.leaseTime}@${r.span.line}`)])).toEqual([
      ["init-script", true, true, ["br0@8"], ["10.0.0.100-10.0.0.200/43200@12"]],
    ]);
    expect(s.dhcpd).toBeUndefined();
    expect(loaded.value.bridges.map((b) => [b.name, b.portSpec, b.upAtBoot])).toEqual([["br0", "none", true]]);
    expect(loaded.value.domains.map((d) => [d.name?.value, d.vifs.map((v) => v.bridge?.value), d.autostart !== undefined])).toEqual([["web", ["br0"], true]]);
  });

  it("nat-dhcpd: no finding; ISC dhcpd on br0 with its subnet", () => {
    const loaded = loadHost(`${EXAMPLES}/nat-dhcpd`);
    expect([...loaded.diagnostics, ...checkHost(loaded.value)].map(at)).toEqual([]);
    const d = loaded.value.services.dhcpd;
    expect([d?.package, d?.file, d?.accepted, d?.interfaces.map((i) => `${i.value}@${i.span.line}:${i.span.column}`)]).toEqual(["isc-dhcp-server", "/etc/dhcp/dhcpd.conf", true, ["br0@11:13"]]);
    expect(d?.subnets.map((s) => [s.network, s.prefix, s.ranges.map((r) => `${r.low}-${r.high}`), s.authoritative])).toEqual([["10.0.0.0", 24, ["10.0.0.100-10.0.0.200"], true]]);
    expect([d?.defaultLeaseTime.value, d?.maxLeaseTime.value]).toEqual([43200, 86400]);
    expect(loaded.value.services.dnsmasq).toEqual([]);
    expect(loaded.value.services.sysctl.settings.ipForward.value).toBe(true);
  });
});

describe("hook lines", () => {
  it("split into commands as sh splits them", () => {
    const cmds = splitCommands(`echo 1 > /proc/sys/net/ipv4/ip_forward; iptables -A "a b" 2>/dev/null && echo 'x;y' # no`);
    expect(cmds.map((c) => [c.words.map((w) => `${w.text}@${w.offset}`), c.redirect?.text])).toEqual([
      [["echo@0", "1@5"], "/proc/sys/net/ipv4/ip_forward"],
      [["iptables@40", "-A@49", "a b@52"], undefined],
      [["echo@73", "x;y@78"], undefined],
    ]);
    expect(splitCommands("echo 1>/proc/sys/net/ipv4/ip_forward").map((c) => [c.words.map((w) => w.text), c.redirect?.text])).toEqual([[["echo"], "/proc/sys/net/ipv4/ip_forward"]]);
  });

  it("run in ifup's order: the auto list, each stanza's pre-up before its up and post-up", () => {
    const text = lines(
      "auto lo br0 eth0", "iface lo inet loopback",
      "iface eth0 inet dhcp", "  post-up sysctl -w net.ipv4.ip_forward=1",
      "iface br0 inet static", "  address 10.0.0.1", "  netmask 255.255.255.0", "  bridge_ports none",
      "  post-up echo 0 > /proc/sys/net/ipv4/ip_forward", "  pre-up echo 1 > /proc/sys/net/ipv4/conf/all/rp_filter",
    );
    const { config } = load(net(text));
    expect(config.services.sysctl.assignments.map((a) => `${a.hook?.iface} ${a.hook?.option} ${a.key}=${a.value}`)).toEqual([
      "br0 pre-up net.ipv4.conf.all.rp_filter=1", "br0 post-up net.ipv4.ip_forward=0", "eth0 post-up net.ipv4.ip_forward=1",
    ]);
    expect(config.services.sysctl.settings.ipForward.value).toBe(true);
  });

  it("report an iptables command iptables refuses, and one it accepts but xennet does not simulate", () => {
    const { load: found } = load(net(natInterfaces("post-up iptables -t nat -A POSTROUTING -o eth0 -j MASQUERAD; iptables -t mangle -A FORWARD -j ACCEPT"), { [SYSCTL]: "net.ipv4.ip_forward=1\n" }));
    expect(found.map(at)).toEqual(["/etc/network/interfaces:11:13 iptables/hook-command", "/etc/network/interfaces:11:66 iptables/not-simulated"]);
    expect(found[0]?.message).toMatch(/Couldn't load target `MASQUERAD'/);
  });

  it("start a second dnsmasq that cannot bind port 53 next to the service's", () => {
    const { load: found, config } = load(net(natInterfaces("post-up dnsmasq -i br0 -F 10.0.0.100,10.0.0.200"), { [DNSMASQ]: "interface=br0\n", [SYSCTL]: "net.ipv4.ip_forward=1\n" }));
    expect(config.services.dnsmasq.map((d) => d.origin)).toEqual(["init-script", "hook"]);
    expect(found.filter((d) => d.code === "dnsmasq/second-instance").map(at)).toEqual(["/etc/network/interfaces:11:13 dnsmasq/second-instance"]);
  });
});

describe("iptables-persistent's file", () => {
  const good = lines("*nat", "-A POSTROUTING -o eth0 -j MASQUERADE", "COMMIT");

  it("is /etc/iptables/rules on Squeeze: rules.v4 is never restored there", () => {
    const { config, load: found } = load(squeeze(natHost({ [RULES]: good })));
    expect(config.services.firewall.rulesFile).toBeUndefined();
    expect(found.map(at)).toContain("/etc/iptables/rules.v4:1:1 iptables/file-not-read");
    const old = load(squeeze(natHost({ "/etc/iptables/rules": good })));
    expect(old.config.services.firewall.rulesFile?.file).toBe("/etc/iptables/rules");
  });

  it("is rules.v4 from Wheezy on", () => {
    const { config } = load({ ...natHost({ [RULES]: good }), "/etc/debian_version": "7.11\n" });
    expect(config.services.firewall.rulesFile?.rules.map((r) => r.target)).toEqual(["MASQUERADE"]);
  });
});

describe("what is not simulated", () => {
  it("is reported once each, as info", () => {
    const files = natHost({ "/etc/init.d/radvd": "#!/bin/sh\n", "/etc/default/shorewall": "startup=1\n", "/etc/iptables/rules.v6": "*filter\nCOMMIT\n" });
    const withV6 = { ...files, "/etc/network/interfaces": `${files["/etc/network/interfaces"]}iface br0 inet6 static\n    address fd00::1\n    netmask 64\n` };
    const { load: found, config } = load(withV6);
    expect(found.filter((d) => d.code === "services/not-simulated").map((d) => `${at(d)} ${d.severity}`)).toEqual([
      "/etc/init.d/radvd:1:1 services/not-simulated info",
      "/etc/default/shorewall:1:1 services/not-simulated info",
      "/etc/network/interfaces:12:1 services/not-simulated info",
      "/etc/iptables/rules.v6:1:1 services/not-simulated info",
    ]);
    expect(config.services.notSimulated.map((n) => n.name)).toEqual(["radvd", "shorewall", "IPv6 interfaces", "/etc/iptables/rules.v6"]);
  });
});

describe("the services checks, beyond the shared cases", () => {
  const codes = (files: Files, prefix = "services/") => load(files).checks.filter((d) => d.code.startsWith(prefix)).map(at);

  it("finds dhcpd INTERFACES naming an interface no subnet declaration covers", () => {
    const files = net(natInterfaces(), { [SYSCTL]: "net.ipv4.ip_forward=1\n", [DHCPD]: lines("subnet 10.9.0.0 netmask 255.255.255.0 {", "  range 10.9.0.100 10.9.0.200;", "}"), [DHCPD_DEFAULTS]: 'INTERFACES="br0"\n' });
    expect(codes(files)).toEqual(["/etc/dhcp/dhcpd.conf:2:3 services/range-outside-subnet", "/etc/default/isc-dhcp-server:1:13 services/range-outside-subnet"]);
    expect(load(files).checks[1]?.message).toMatch(/^No subnet declaration for br0 \(10\.0\.0\.1\)/);
  });

  it("points at the sysctl line that turns forwarding off", () => {
    expect(codes(natHost({ [SYSCTL]: "net.ipv4.ip_forward = 1\nnet.ipv4.ip_forward = 0\n" }))).toEqual(["/etc/sysctl.conf:2:1 services/forwarding-off"]);
  });

  it("leaves forwarding to network-nat, and accepts -o eth+", () => {
    const nat = net(natInterfaces("post-up iptables -t nat -A POSTROUTING -o eth+ -j MASQUERADE"), { [DNSMASQ]: lines("interface=br0", "dhcp-range=10.0.0.100,10.0.0.200"), "/etc/xen/xend-config.sxp": "(network-script network-nat)\n(vif-script vif-nat)\n" });
    expect(codes(nat)).toEqual([]);
  });

  it("says which tables a rejected file still loaded", () => {
    const files = natHost({ [RULES]: lines("*nat", "-A POSTROUTING -o eth0 -j MASQUERADE", "COMMIT", "*filter", ":FORWARD DROPPED [0:0]", "COMMIT") });
    const found = load(files).checks.filter((d) => d.code === "services/rules-rejected");
    expect(found.map(at)).toEqual(["/etc/iptables/rules.v4:5:10 services/rules-rejected"]);
    expect(found[0]?.message).toMatch(/the nat table committed before line 5 stay loaded/);
  });
});
