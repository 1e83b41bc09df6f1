// Test cases for the checks of xend-config.sxp and of the guests: network/vif script pairs, the
// bridge each vif joins, guest MACs, addresses and names, and the domains themselves.

import { XEND, XENBR0, cfg, lines, net, pos, type Case, type Files } from "./case-kit.ts";

function c(code: string, title: string, files: Files, at: (f: Files) => string[], rest: Omit<Case, "code" | "title" | "files" | "at">): Case {
  return { code, title, files, at: at(files), ...rest };
}

const sxp = (...forms: string[]): Files => ({ [XEND]: lines("# xend-config.sxp", ...forms) });
const STATIC = lines("auto lo", "iface lo inet loopback", "auto eth0", "iface eth0 inet static", "  address 192.0.2.10/24", "  gateway 192.0.2.1");
const TWO_BRIDGES = lines("auto lo", "iface lo inet loopback", "auto xenbr0", "iface xenbr0 inet dhcp", "  bridge_ports eth0", "  bridge_fd 0", "auto br0", "iface br0 inet manual", "  bridge_ports eth1", "  bridge_fd 0");
const NICS = [{ name: "eth0" }, { name: "eth1" }];
const A = "/etc/xen/a.cfg";
const B = "/etc/xen/b.cfg";

/** xend-config.sxp cases. */
export const XEND_CASES: readonly Case[] = [
  c("xend/script-mismatch", "network-route with vif-bridge", net(STATIC, sxp("(network-script network-route)", "(vif-script vif-bridge)")),
    (f) => [pos(f, XEND, 3, "vif-bridge")], { severity: "warning", fixed: net(STATIC, sxp("(network-script 'network-route netdev=eth0')", "(vif-script vif-route)")) }),
  c("xend/network-bridge-over-bridge", "network-bridge re-enabled on top of the handbook's xenbr0", net(XENBR0, sxp("(network-script network-bridge)", "(vif-script vif-bridge)")),
    (f) => [pos(f, XEND, 2, "network-bridge")], { severity: "error", says: /takes xenbr0 \(the device of the default route\)/, fixed: net(XENBR0, sxp("(vif-script vif-bridge)")) }),
  c("xend/route-netdev", "network-route without netdev= on Xen 4.0", net(STATIC, sxp("(network-script network-route)", "(vif-script vif-route)")),
    (f) => [pos(f, XEND, 2, "network-route")], { severity: "warning", fixed: net(STATIC, sxp("(network-script 'network-route netdev=eth0')", "(vif-script vif-route)")) }),
];

/** Vif and domain cases. */
export const GUEST_CASES: readonly Case[] = [
  c("vif/unknown-bridge", "bridge=xenbr1 where only br0 and xenbr0 exist", net(TWO_BRIDGES, cfg("a", "[ 'bridge=xenbr1' ]")),
    (f) => [pos(f, A, 3, "xenbr1")], { severity: "error", says: /would take br0, the alphabetically first bridge/, nics: NICS, fixed: net(TWO_BRIDGES, cfg("a", "[ 'bridge=xenbr0' ]")), fixedNics: NICS }),
  c("vif/bridge-not-up", "bridge=xenbr1, whose stanza has no auto (corpus 001 with cfg 002)",
    net(lines("auto lo", "iface lo inet loopback", "iface xenbr1 inet dhcp", "  bridge_ports eth0"), cfg("a", "[ '', 'bridge=xenbr1' ]")),
    (f) => [pos(f, A, 3, "xenbr1")], { severity: "error", says: /no `auto xenbr1` line/, fixed: net(lines("auto lo", "iface lo inet loopback", "auto xenbr1", "iface xenbr1 inet dhcp", "  bridge_ports eth0"), cfg("a", "[ '', 'bridge=xenbr1' ]")) }),
  c("vif/default-bridge", "no bridge= with two bridges: vif-bridge takes br0", net(TWO_BRIDGES, cfg("a", "[ 'mac=00:16:3e:00:00:01' ]")),
    (f) => [pos(f, A, 3, "'mac=")], { severity: "info", says: /takes br0, the alphabetically first of br0, xenbr0/, nics: NICS, fixed: net(TWO_BRIDGES, cfg("a", "[ 'mac=00:16:3e:00:00:01,bridge=br0' ]")), fixedNics: NICS }),
  c("vif/duplicate-mac", "two auto-started guests with one MAC",
    net(XENBR0, { ...cfg("a", "[ 'mac=00:16:3e:00:00:01' ]"), ...cfg("b", "[ 'mac=00:16:3E:00:00:01' ]"), "/etc/xen/auto/a.cfg": "", "/etc/xen/auto/b.cfg": "" }),
    (f) => [pos(f, B, 3, "00:16")], { severity: "error", fixed: net(XENBR0, { ...cfg("a", "[ 'mac=00:16:3e:00:00:01' ]"), ...cfg("b", "[ 'mac=00:16:3e:00:00:02' ]") }) }),
  c("vif/duplicate-ip", "two guests routed to one address", net(XENBR0, { ...cfg("a", "[ 'ip=192.0.2.50' ]"), ...cfg("b", "[ 'ip=192.0.2.50' ]") }),
    (f) => [pos(f, B, 3, "192")], { severity: "warning", fixed: net(XENBR0, { ...cfg("a", "[ 'ip=192.0.2.50' ]"), ...cfg("b", "[ 'ip=192.0.2.51' ]") }) }),
  c("vif/duplicate-vifname", "one vifname on two vifs of a guest", net(XENBR0, cfg("a", "[ 'vifname=web', 'vifname=web' ]")),
    (f) => [pos(f, A, 3, "web", 1)], { severity: "error", fixed: net(XENBR0, cfg("a", "[ 'vifname=web', 'vifname=web1' ]")) }),
  c("vif/foreign-mac", "a VirtualBox MAC (corpus 007's commented vif)", net(XENBR0, cfg("a", "[ 'mac=08:00:27:D5:29:6E' ]")),
    (f) => [pos(f, A, 3, "08:")], { severity: "warning", fixed: net(XENBR0, cfg("a", "[ 'mac=02:00:27:d5:29:6e' ]")) }),
  c("vif/multicast-mac", "a group address as a card's MAC", net(XENBR0, cfg("a", "[ 'mac=01:00:5e:00:00:01' ]")),
    (f) => [pos(f, A, 3, "01:")], { severity: "error", fixed: net(XENBR0, cfg("a", "[ 'mac=00:16:3e:00:00:01' ]")) }),
  c("vif/routed-without-ip", "vif-route and no ip=", net(STATIC, { ...sxp("(network-script 'network-route netdev=eth0')", "(vif-script vif-route)"), ...cfg("a", "[ 'mac=00:16:3e:00:00:01' ]") }),
    (f) => [pos(f, A, 3, "'mac=")], { severity: "warning", fixed: net(STATIC, { ...sxp("(network-script 'network-route netdev=eth0')", "(vif-script vif-route)"), ...cfg("a", "[ 'ip=192.0.2.50' ]") }) }),
  c("vif/routed-ip-outside", "a routed guest outside dom0's /24", net(STATIC, { ...sxp("(network-script 'network-route netdev=eth0')", "(vif-script vif-route)"), ...cfg("a", "[ 'ip=10.9.9.9' ]") }),
    (f) => [pos(f, A, 3, "10.9")], { severity: "warning", fixed: net(STATIC, { ...sxp("(network-script 'network-route netdev=eth0')", "(vif-script vif-route)"), ...cfg("a", "[ 'ip=192.0.2.50' ]") }) }),
  c("domain/no-vif", "a guest without vif", net(XENBR0, cfg("a", undefined)), (f) => [pos(f, A, 1, "'a'")],
    { severity: "info", fixed: net(XENBR0, cfg("a", "[ '' ]")) }),
  c("domain/duplicate-name", "two files naming the domain a", net(XENBR0, { ...cfg("a", "[ '' ]"), [B]: lines("name = 'a'", "vif = [ '' ]") }),
    (f) => [pos(f, B, 1, "'a'")], { severity: "warning", fixed: net(XENBR0, { ...cfg("a", "[ '' ]"), [B]: lines("name = 'b'", "vif = [ '' ]") }) }),
  c("domain/shared-disk", "one LV writable in two guests",
    net(XENBR0, { ...cfg("a", "[ '' ]", ["disk = [ 'phy:/dev/vg0/a-disk,xvda2,w' ]"]), ...cfg("b", "[ '' ]", ["disk = [ 'phy:/dev/vg0/a-disk,xvda2,w' ]"]) }),
    (f) => [pos(f, B, 3, "'phy")], { severity: "warning", fixed: net(XENBR0, { ...cfg("a", "[ '' ]", ["disk = [ 'phy:/dev/vg0/a-disk,xvda2,w' ]"]), ...cfg("b", "[ '' ]", ["disk = [ 'phy:/dev/vg0/a-disk,xvda2,r' ]"]) }) }),
];
