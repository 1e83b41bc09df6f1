// Positive and negative cases for the checks of dom0's services (topology/checks/services.ts), in
// the shape the shared static-checks harness runs (test/topology/checks/checks.test.ts): a small
// host showing the mistake, where each finding is expected, and the same host fixed. The hosts are
// variations on the built-in nat-dnsmasq example: a host-only bridge br0 at 10.0.0.1/24 whose
// guests dom0 masquerades out of eth0.

import { cfg, IFACES, lines, net, pos, XENBR0, type Case, type Files } from "../checks/case-kit.ts";

/** Paths of the service files. */
export const DNSMASQ = "/etc/dnsmasq.conf";
export const DHCPD = "/etc/dhcp/dhcpd.conf";
export const DHCPD_DEFAULTS = "/etc/default/isc-dhcp-server";
export const SYSCTL = "/etc/sysctl.conf";
export const RULES = "/etc/iptables/rules.v4";

/** The interfaces file of a NAT host; `masquerade` is the post-up rule (empty: none). */
export function natInterfaces(masquerade = "post-up iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -o eth0 -j MASQUERADE"): string {
  return lines(
    "auto lo", "iface lo inet loopback", "auto eth0", "iface eth0 inet dhcp",
    "auto br0", "iface br0 inet static", "    address 10.0.0.1", "    netmask 255.255.255.0", "    bridge_ports none", "    bridge_fd 0",
    ...(masquerade === "" ? [] : [`    ${masquerade}`]),
  );
}

/** A whole NAT host with dnsmasq serving br0. */
export function natHost(extra: Files = {}, range = "10.0.0.100,10.0.0.200,12h"): Files {
  return net(natInterfaces(), { [SYSCTL]: "net.ipv4.ip_forward=1\n", [DNSMASQ]: lines("interface=br0", `dhcp-range=${range}`), ...extra });
}

const DHCPD_BR0 = lines("subnet 10.0.0.0 netmask 255.255.255.0 {", "  range 10.0.0.100 10.0.0.200;", "  option routers 10.0.0.1;", "}");

function c(code: string, title: string, files: Files, at: (f: Files) => string[], rest: Omit<Case, "code" | "title" | "files" | "at">): Case {
  return { code, title, files, at: at(files), ...rest };
}

const noDnsmasq = (f: Files): Files => Object.fromEntries(Object.entries(f).filter(([k]) => k !== DNSMASQ));

/** A bridged host (xenbr0 over eth0, one guest on it) with a filter table from rules.v4. */
function bridgedHost(filter: readonly string[]): Files {
  return net(XENBR0, { ...cfg("web", "[ 'bridge=xenbr0' ]"), [RULES]: lines("*filter", ":INPUT ACCEPT [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]", ...filter, "COMMIT") });
}

/** One case per code of topology/checks/services.ts and bridged-firewall.ts. */
export const SERVICES_CASES: readonly Case[] = [
  c("services/range-outside-subnet", "dhcp-range in 10.1.0.0/24 while br0 is 10.0.0.1/24", natHost({}, "10.1.0.100,10.1.0.200,12h"),
    (f) => [pos(f, DNSMASQ, 2, "dhcp-range")], { severity: "error", says: /br0: 10\.0\.0\.1\/24/, fixed: natHost() }),
  c("services/two-dhcp-servers", "dnsmasq and isc-dhcp-server both on br0", natHost({ [DHCPD]: DHCPD_BR0, [DHCPD_DEFAULTS]: 'INTERFACES="br0"\n' }),
    (f) => [pos(f, DNSMASQ, 1, "br0")], { severity: "error", says: /both serve DHCP on br0/, fixed: noDnsmasq(natHost({ [DHCPD]: DHCPD_BR0, [DHCPD_DEFAULTS]: 'INTERFACES="br0"\n' })) }),
  c("services/forwarding-off", "post-up MASQUERADE without ip_forward", net(natInterfaces(), { [DNSMASQ]: lines("interface=br0", "dhcp-range=10.0.0.100,10.0.0.200,12h") }),
    (f) => [pos(f, IFACES, 11, "iptables")], { severity: "error", says: /stays 0 at boot/, fixed: natHost() }),
  c("services/masquerade-no-device", "MASQUERADE -o eth1 on a host with one card", net(natInterfaces("post-up iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -o eth1 -j MASQUERADE"), { [SYSCTL]: "net.ipv4.ip_forward=1\n" }),
    (f) => [pos(f, IFACES, 11, "eth1")], { severity: "error", says: /does not have \(it has eth0, br0/, fixed: natHost() }),
  c("services/rules-rejected", "rules.v4 with a misspelt target", natHost({ [RULES]: lines("*nat", "-A POSTROUTING -o eth0 -j MASQUERAD", "COMMIT") }),
    (f) => [pos(f, RULES, 2, "-A")], { severity: "error", says: /Couldn't load target `MASQUERAD'/, fixed: natHost({ [RULES]: lines("*nat", "-A POSTROUTING -o eth0 -j MASQUERADE", "COMMIT") }) }),
  c("services/bridged-forward-drop", "FORWARD policy DROP on a bridged host without a physdev rule", bridgedHost(["-A FORWARD -p tcp --dport 22 -j ACCEPT"]),
    (f) => [pos(f, RULES, 3, "FORWARD")], { severity: "error", says: /FORWARD policy DROP drops the bridged guests' traffic: .* web reach nothing/, fixed: bridgedHost(["-A FORWARD -m physdev --physdev-is-bridged -j ACCEPT"]) }),
];
