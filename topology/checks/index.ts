// The static diagnostics catalogue: what an administrator about to reboot a Xen dom0 needs to know,
// found from the files alone. Each check is a pure function HostConfig → Diagnostic[]; each code
// below is stable (tools and tests match on it) and documented with its usual severity. Some codes
// change severity with the situation (e.g. a duplicate MAC is an error only when both guests start
// at boot); the catalogue gives the worst case.

import type { Diagnostic, Severity } from "../diagnostic.ts";
import type { HostConfig } from "../host-config.ts";
import { gatewayUnreachable, overlappingSubnets, secondGateway } from "./addressing.ts";
import { badSetting, dhcpBeforeForwarding, portConfigured, portMissing, portNoLink, portShared, stpDhcpDelay } from "./bridges.ts";
import { duplicateName, noVif, sharedDisk } from "./domains.ts";
import type { HostCheck } from "./facts.ts";
import { autoWithoutStanza, duplicateStanza, hotplugWithoutStanza, neverUp } from "./interfaces.ts";
import { classTwice, cidrAddress, duplicateInterface, duplicateOption, ifaceLine, noLoopback, unknownKeyword } from "./squeeze.ts";
import { duplicateIp, duplicateMac, duplicateVifname, guestMac, routedIp } from "./vif-addresses.ts";
import { defaultBridge, vifBridge } from "./vif-bridges.ts";
import { networkBridgeOverBridge, routeNetdev, scriptMismatch } from "./xend.ts";
import { forwardingOff, masqueradeNoDevice, rangeOutsideSubnet, rulesRejected, twoDhcpServers } from "./services.ts";
import { bridgedForwardDrop } from "./bridged-firewall.ts";

export type { HostCheck } from "./facts.ts";
export { deviceExists, bridgesAtBoot, vifScript } from "./facts.ts";

/** Every check, in the order their findings are reported. */
export const CHECKS: readonly HostCheck[] = [
  unknownKeyword, ifaceLine, duplicateInterface, duplicateOption, classTwice, cidrAddress, noLoopback,
  duplicateStanza, autoWithoutStanza, hotplugWithoutStanza, neverUp,
  portMissing, portConfigured, portShared, badSetting, stpDhcpDelay, dhcpBeforeForwarding, portNoLink,
  gatewayUnreachable, overlappingSubnets, secondGateway,
  scriptMismatch, networkBridgeOverBridge, routeNetdev,
  vifBridge, defaultBridge, duplicateMac, duplicateIp, duplicateVifname, guestMac, routedIp,
  noVif, duplicateName, sharedDisk,
  rangeOutsideSubnet, twoDhcpServers, forwardingOff, masqueradeNoDevice, rulesRejected, bridgedForwardDrop,
];

/** One entry of the catalogue. */
export interface CheckInfo {
  readonly severity: Severity;
  readonly summary: string;
}

/** The codes the checks emit, with their worst severity and what they mean. */
export const CATALOGUE: Readonly<Record<string, CheckInfo>> = {
  "squeeze/unknown-keyword": { severity: "error", summary: "source, source-directory, no-auto-down, no-scripts or rename on a host with ifupdown 0.6" },
  "squeeze/iface-line": { severity: "error", summary: "an iface line that is not exactly NAME FAMILY METHOD (e.g. `inherits`) on ifupdown 0.6" },
  "squeeze/unknown-method": { severity: "error", summary: "a method ifupdown 0.6 does not have (inet6 auto/dhcp, ipv4ll...)" },
  "squeeze/duplicate-interface": { severity: "error", summary: "two stanzas for one name and family, refused by ifupdown 0.6" },
  "squeeze/duplicate-option": { severity: "error", summary: "an option given twice in a stanza, refused by ifupdown 0.6" },
  "squeeze/class-twice": { severity: "error", summary: "a name listed twice for auto or an allow- class, refused by ifupdown 0.6" },
  "squeeze/cidr-address": { severity: "error", summary: "`address A/N` without netmask, which ifupdown 0.6 needs" },
  "squeeze/no-loopback": { severity: "warning", summary: "no auto loopback stanza, and ifupdown 0.6 has no implicit one" },
  "iface/duplicate-stanza": { severity: "warning", summary: "two stanzas configuring the same interface and family" },
  "iface/auto-without-stanza": { severity: "warning", summary: "`auto NAME` with no stanza for NAME" },
  "iface/hotplug-without-stanza": { severity: "info", summary: "`allow-hotplug NAME` with no stanza for NAME" },
  "iface/never-up": { severity: "info", summary: "a stanza nothing brings up at boot" },
  "bridge/port-missing": { severity: "error", summary: "a bridge port that does not exist on the host" },
  "bridge/port-address": { severity: "warning", summary: "a bridge port that keeps its own static address" },
  "bridge/port-dhcp": { severity: "warning", summary: "a bridge port that runs its own DHCP client" },
  "bridge/port-shared": { severity: "error", summary: "one device listed as the port of two bridges" },
  "bridge/bad-setting": { severity: "warning", summary: "a bridge_* value brctl or the bridge hook cannot use" },
  "bridge/stp-dhcp-delay": { severity: "warning", summary: "STP with a forward delay on a bridge where dom0 uses DHCP" },
  "bridge/dhcp-before-forwarding": { severity: "info", summary: "Linux 2.6.32 ports learn for the forward delay even without STP: dom0's first DHCP attempts are lost" },
  "bridge/port-no-link": { severity: "warning", summary: "a bridge port on a card without link: the boot waits MAXWAIT for it" },
  "addr/gateway-unreachable": { severity: "error", summary: "a static gateway outside every connected subnet" },
  "addr/overlapping-subnets": { severity: "warning", summary: "subnets that overlap on different devices" },
  "addr/second-gateway": { severity: "warning", summary: "more than one stanza installing a default route" },
  "xend/script-mismatch": { severity: "warning", summary: "network-script and vif-script from different models" },
  "xend/network-bridge-over-bridge": { severity: "error", summary: "network-bridge enabled on top of a bridge from /etc/network/interfaces" },
  "xend/route-netdev": { severity: "warning", summary: "network-route without netdev= on Xen 4.0 (proxy ARP set on `eth`)" },
  "vif/unknown-bridge": { severity: "error", summary: "a vif bridge= that no bridge provides (the message names vif-bridge's own pick)" },
  "vif/bridge-not-up": { severity: "error", summary: "a vif bridge= whose bridge is defined but not brought up at boot" },
  "vif/default-bridge": { severity: "error", summary: "a vif without bridge=: which bridge vif-bridge picks, or that there is none" },
  "vif/duplicate-mac": { severity: "error", summary: "the same guest MAC on two vifs" },
  "vif/duplicate-ip": { severity: "error", summary: "the same ip= on two vifs" },
  "vif/duplicate-vifname": { severity: "error", summary: "the same vifname on two vifs" },
  "vif/foreign-mac": { severity: "warning", summary: "a guest MAC outside 00:16:3e that is not locally administered" },
  "vif/multicast-mac": { severity: "error", summary: "a group or all-zero guest MAC, which the guest cannot use" },
  "vif/routed-without-ip": { severity: "warning", summary: "a vif-route vif without ip=" },
  "vif/routed-ip-outside": { severity: "warning", summary: "a vif-route ip= outside every dom0 subnet" },
  "domain/no-vif": { severity: "info", summary: "a guest without any network card" },
  "domain/duplicate-name": { severity: "error", summary: "two configs creating the same domain name" },
  "domain/shared-disk": { severity: "warning", summary: "one device or image writable in two guests" },
  "services/range-outside-subnet": { severity: "error", summary: "a dnsmasq dhcp-range or dhcpd subnet that no interface the server serves can use" },
  "services/two-dhcp-servers": { severity: "error", summary: "dnsmasq and ISC dhcpd both serving DHCP on one interface" },
  "services/forwarding-off": { severity: "error", summary: "net.ipv4.ip_forward off at boot on a host that masquerades or routes its guests" },
  "services/masquerade-no-device": { severity: "error", summary: "a MASQUERADE rule whose -o names an interface the host does not have" },
  "services/bridged-forward-drop": { severity: "error", summary: "FORWARD drops by default on a host with bridged guests (br_netfilter passes bridged frames through iptables)" },
  "services/rules-rejected": { severity: "error", summary: "/etc/iptables/rules.v4 (Squeeze: rules) that iptables-restore rejects at boot" },
};

/** Runs every check over the host; findings come in catalogue-family order, each family in file order. */
export function checkHost(config: HostConfig): Diagnostic[] {
  return CHECKS.flatMap((check) => check(config));
}
