// Which scenario scripts run on which built-in example host (examples/README.md), for
// `npm run fidelity` and test/fidelity/fidelity.test.ts. Each script's header says the same.
// `dhcp` compares the set-up, so it runs only where the boot's DHCP is what a realisation replays
// (its clients all start at once, on the booted devices): not on xen3-network-bridge, whose boot
// leases on eth0 and then moves the address to veth0 (network-bridge's `ifdown eth0` releases the
// lease), nor on two-bridges, where web's and db's segments share the LAN and see dom0's
// boot-time exchange only on the real side (db did not exist yet when the simulated dom0 leased).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The folder of the scenario scripts. */
export const SCENARIO_DIR = dirname(fileURLToPath(import.meta.url));

/** Example host → the scenarios (file names without `.sh`) that apply to it. */
export const MATRIX: Readonly<Record<string, readonly string[]>> = {
  handbook: ["dhcp", "dom0-internet", "handbook-guest"],
  routed: ["guest-gateway-routed", "guest-internet", "traceroute-udp", "traceroute-icmp", "dom0-guest-routed", "dom0-internet"],
  nat: ["dhcp", "guest-gateway-vif-nat", "guest-guest-nat", "guest-internet", "traceroute-udp", "traceroute-icmp", "dom0-guest-nat", "udp-nat-same-port"],
  "nat-dnsmasq": ["dhcp", "guest-gateway-br0", "guest-internet", "traceroute-udp", "traceroute-icmp", "dom0-guest-br0"],
  "nat-dhcpd": ["dhcp", "guest-gateway-br0", "guest-internet", "traceroute-udp", "traceroute-icmp", "dom0-guest-br0"],
  "xen3-network-bridge": ["guest-gateway-router", "guest-internet", "traceroute-udp", "traceroute-icmp"],
  "two-bridges": ["guest-gateway-router", "guest-internet", "traceroute-udp", "traceroute-icmp", "dom0-guest-db"],
  "broken-reboot": ["dhcp", "dom0-internet", "stp"],
};

/** One cell of the matrix. */
export interface Case {
  readonly example: string;
  readonly scenario: string;
}

/** Every cell, example by example. */
export function cases(): Case[] {
  return Object.entries(MATRIX).flatMap(([example, scenarios]) => scenarios.map((scenario) => ({ example, scenario })));
}

/** The text of a scenario script. */
export function scenarioText(scenario: string): string {
  return readFileSync(join(SCENARIO_DIR, `${scenario}.sh`), "utf8");
}
