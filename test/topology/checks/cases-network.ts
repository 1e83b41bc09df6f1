// Test cases for the checks of /etc/network/interfaces: ifupdown 0.6 on a Squeeze host, stanzas,
// bridges and addressing. Each case is a small host showing the mistake and the host with it fixed.

import { IFACES, XENBR0, lines, net, pos, squeeze, type Case, type Files } from "./case-kit.ts";

const LO = ["auto lo", "iface lo inet loopback"];

function c(code: string, title: string, files: Files, at: (f: Files) => string[], rest: Omit<Case, "code" | "title" | "files" | "at">): Case {
  return { code, title, files, at: at(files), ...rest };
}

const sourced = squeeze(net(lines("source /etc/network/interfaces.d/*", ...LO, "auto eth0", "iface eth0 inet dhcp", "source-directory /etc/network/interfaces.d")));
const inherits = squeeze(net(lines(...LO, "iface base inet static", "  netmask 255.255.255.0", "auto eth0", "iface eth0 inet static inherits base", "  address 192.0.2.10")));
const twoStatic = lines(...LO, "auto eth0", "iface eth0 inet static", "  address 192.0.2.10", "  netmask 255.255.255.0", "iface eth0 inet static", "  address 192.0.2.11", "  netmask 255.255.255.0");
const bridgeOn = (port: string, extra: string[] = []) => lines(...LO, ...extra, "auto br0", "iface br0 inet dhcp", `  bridge_ports ${port}`, "  bridge_maxwait 0");

/** Squeeze (ifupdown 0.6) cases. */
export const SQUEEZE_CASES: readonly Case[] = [
  c("squeeze/unknown-keyword", "source before any stanza rejects the file; inside a stanza it is an ignored option", sourced,
    (f) => [pos(f, IFACES, 1, "source"), pos(f, IFACES, 6, "source-directory")],
    { severity: "error", says: /misplaced option/, fixed: { ...sourced, "/etc/debian_version": "7.11\n" } }),
  c("squeeze/iface-line", "`inherits` makes the iface line too long for 0.6", inherits, (f) => [pos(f, IFACES, 6, "iface")],
    { severity: "error", says: /too many parameters/, fixed: squeeze(net(lines(...LO, "auto eth0", "iface eth0 inet static", "  address 192.0.2.10", "  netmask 255.255.255.0"))) }),
  c("squeeze/unknown-method", "inet6 auto is an 0.7 method", squeeze(net(lines(...LO, "auto eth0", "iface eth0 inet dhcp", "iface eth0 inet6 auto"))),
    (f) => [pos(f, IFACES, 5, "iface")], { severity: "error", fixed: squeeze(net(lines(...LO, "auto eth0", "iface eth0 inet dhcp", "iface eth0 inet6 manual"))) }),
  c("squeeze/duplicate-interface", "a second inet stanza for eth0", squeeze(net(twoStatic)), (f) => [pos(f, IFACES, 7, "iface")],
    { severity: "error", fixed: squeeze(net(twoStatic.replace("iface eth0 inet static\n  address 192.0.2.11", "iface eth0:1 inet static\n  address 192.0.2.11"))) }),
  c("squeeze/duplicate-option", "address given twice", squeeze(net(lines(...LO, "auto eth0", "iface eth0 inet static", "  address 192.0.2.10", "  netmask 255.255.255.0", "  address 192.0.2.11", "  up echo a", "  up echo b"))),
    (f) => [pos(f, IFACES, 7, "address")], { severity: "error", fixed: squeeze(net(lines(...LO, "auto eth0", "iface eth0 inet static", "  address 192.0.2.10", "  netmask 255.255.255.0", "  up echo a", "  up echo b"))) }),
  c("squeeze/class-twice", "eth0 on two auto lines", squeeze(net(lines("auto lo eth0", "iface lo inet loopback", "auto eth0", "iface eth0 inet dhcp"))),
    (f) => [pos(f, IFACES, 3, "auto")], { severity: "error", fixed: squeeze(net(lines("auto lo eth0", "iface lo inet loopback", "iface eth0 inet dhcp"))) }),
  c("squeeze/cidr-address", "address A/N with no netmask line", squeeze(net(lines(...LO, "auto eth0", "iface eth0 inet static", "  address 192.0.2.10/24"))),
    (f) => [pos(f, IFACES, 5, "address")], { severity: "error", fixed: squeeze(net(lines(...LO, "auto eth0", "iface eth0 inet static", "  address 192.0.2.10", "  netmask 255.255.255.0"))) }),
  c("squeeze/no-loopback", "no lo stanza on 0.6", squeeze(net(lines("auto eth0", "iface eth0 inet dhcp"))), (f) => [pos(f, IFACES, 1, "auto")],
    { severity: "warning", fixed: squeeze(net(lines(...LO, "auto eth0", "iface eth0 inet dhcp"))) }),
];

/** Stanza, bridge and address cases. */
export const NETWORK_CASES: readonly Case[] = [
  c("iface/duplicate-stanza", "vmbr0 as dhcp and then static (corpus 036)", net(lines(...LO, "auto eth0", "iface eth0 inet dhcp", "iface eth0 inet static", "  address 192.0.2.10/24")),
    (f) => [pos(f, IFACES, 5, "iface")], { severity: "warning", says: /dhcp set-up and then the static/, fixed: net(lines(...LO, "auto eth0", "iface eth0 inet static", "  address 192.0.2.10/24")) }),
  c("iface/auto-without-stanza", "auto vmbr1 but iface vmb1 (corpus 034)", net(lines(...LO, "auto vmbr1", "iface vmb1 inet manual")),
    (f) => [pos(f, IFACES, 3, "vmbr1")], { severity: "warning", says: /did you mean vmb1 \(stanza at line 4\)/, fixed: net(lines(...LO, "auto vmbr1", "iface vmbr1 inet manual")) }),
  c("iface/hotplug-without-stanza", "allow-hotplug eth1 without a stanza", net(lines(...LO, "allow-hotplug eth0 eth1", "iface eth0 inet dhcp")),
    (f) => [pos(f, IFACES, 3, "eth1")], { severity: "info", fixed: net(lines(...LO, "allow-hotplug eth0", "iface eth0 inet dhcp")) }),
  c("iface/never-up", "a bridge stanza without auto (corpus 001's xenbr1)", net(lines(...LO, "auto eth0", "iface eth0 inet dhcp", "iface xenbr1 inet dhcp", "  bridge_ports eth1")),
    (f) => [pos(f, IFACES, 5, "iface")], { severity: "info", fixed: net(lines(...LO, "auto eth0", "iface eth0 inet dhcp", "auto xenbr1", "iface xenbr1 inet dhcp", "  bridge_ports eth1")) }),
  c("bridge/port-missing", "bridge_ports eth1 on a host with one card", net(bridgeOn("eth0 eth1")), (f) => [pos(f, IFACES, 5, "eth1")],
    { severity: "error", says: /interface eth1 does not exist!/, fixed: net(bridgeOn("eth0 eth1")), fixedNics: [{ name: "eth0" }, { name: "eth1" }] }),
  c("bridge/port-address", "eth0 keeps a static address while enslaved (corpus 012)",
    net(bridgeOn("eth0", ["auto eth0", "iface eth0 inet static", "  address 192.0.2.10", "  netmask 255.255.255.0"])),
    (f) => [pos(f, IFACES, 5, "192.0.2.10")], { severity: "warning", fixed: net(bridgeOn("eth0", ["iface eth0 inet manual"])) }),
  c("bridge/port-dhcp", "the old `iface eth0 inet dhcp` left in place (corpus 005)", net(bridgeOn("eth0", ["auto eth0", "iface eth0 inet dhcp"])),
    (f) => [pos(f, IFACES, 4, "iface")], { severity: "warning", fixed: net(bridgeOn("eth0", ["iface eth0 inet manual"])) }),
  c("bridge/port-shared", "eth0 in two bridges", net(lines(...LO, "auto br0", "iface br0 inet manual", "  bridge_ports eth0", "auto br1", "iface br1 inet manual", "  bridge_ports eth0")),
    (f) => [pos(f, IFACES, 8, "eth0")], { severity: "error", fixed: net(lines(...LO, "auto br0", "iface br0 inet manual", "  bridge_ports eth0", "auto br1", "iface br1 inet manual", "  bridge_ports none")) }),
  c("bridge/bad-setting", "bridge_stp maybe and bridge_fd x", net(lines(...LO, "auto br0", "iface br0 inet manual", "  bridge_ports eth0", "  bridge_stp maybe", "  bridge_fd x")),
    (f) => [pos(f, IFACES, 6, "maybe"), pos(f, IFACES, 7, "x")], { severity: "warning", says: /expect on\/off for argument/, fixed: net(lines(...LO, "auto br0", "iface br0 inet manual", "  bridge_ports eth0", "  bridge_stp yes", "  bridge_fd 0.0")) }),
  c("bridge/stp-dhcp-delay", "STP on, forward delay 15 s, dom0 on DHCP", net(lines(...LO, "auto br0", "iface br0 inet dhcp", "  bridge_ports eth0", "  bridge_stp on", "  bridge_maxwait 5")),
    (f) => [pos(f, IFACES, 6, "on")], { severity: "warning", says: /DISCOVERs are lost/, fixed: net(lines(...LO, "auto br0", "iface br0 inet dhcp", "  bridge_ports eth0", "  bridge_stp on", "  bridge_fd 0")) }),
  c("bridge/dhcp-before-forwarding", "the handbook's bridge_maxwait 0 on a 2.6.32 kernel", squeeze(net(bridgeOn("eth0"))), (f) => [pos(f, IFACES, 6, "0")],
    { severity: "info", says: /learns for the forward delay \(15 s\)/, fixed: squeeze(net(XENBR0)) }),
  c("bridge/port-no-link", "the uplink has no cable", net(bridgeOn("eth0")), (f) => [pos(f, IFACES, 5, "eth0")],
    { severity: "warning", nics: [{ name: "eth0", link: false }], fixed: net(bridgeOn("eth0")), fixedNics: [{ name: "eth0", link: true }] }),
  c("addr/gateway-unreachable", "gateway outside the /24", net(lines(...LO, "auto eth0", "iface eth0 inet static", "  address 192.0.2.10/24", "  gateway 198.51.100.1")),
    (f) => [pos(f, IFACES, 6, "198")], { severity: "error", says: /Network is unreachable/, fixed: net(lines(...LO, "auto eth0", "iface eth0 inet static", "  address 192.0.2.10/24", "  gateway 192.0.2.1")) }),
  c("addr/overlapping-subnets", "a /24 on eth0 and a /25 inside it on eth1", net(lines(...LO, "auto eth0", "iface eth0 inet static", "  address 192.0.2.10/24", "auto eth1", "iface eth1 inet static", "  address 192.0.2.130/25")),
    (f) => [pos(f, IFACES, 8, "192")], { severity: "warning", nics: [{ name: "eth0" }, { name: "eth1" }], fixed: net(lines(...LO, "auto eth0", "iface eth0 inet static", "  address 192.0.2.10/24", "auto eth1", "iface eth1 inet static", "  address 198.51.100.1/25")) }),
  c("addr/second-gateway", "the same gateway on two stanzas", net(lines(...LO, "auto eth0", "iface eth0 inet static", "  address 192.0.2.10/24", "  gateway 192.0.2.1", "auto eth0:1", "iface eth0:1 inet static", "  address 192.0.2.11/24", "  gateway 192.0.2.1")),
    (f) => [pos(f, IFACES, 10, "192")], { severity: "warning", says: /File exists/, fixed: net(lines(...LO, "auto eth0", "iface eth0 inet static", "  address 192.0.2.10/24", "  gateway 192.0.2.1", "auto eth0:1", "iface eth0:1 inet static", "  address 192.0.2.11/24")) }),
];
