// Checks of dom0's IPv4 addressing (ifupdown.md §2, §7): a static gateway no connected subnet
// reaches (the kernel refuses the default route: "Network is unreachable"), subnets that overlap on
// two devices (two connected routes for the same addresses), and more than one stanza installing a
// default route (the second identical `route add default gw` fails with "File exists", and with
// ifupdown 0.7+, which uses `ip route add`, so does any second default route).

import type { Diagnostic } from "../diagnostic.ts";
import type { HostConfig } from "../host-config.ts";
import { parseIpv4 } from "../../netsim/wire/address.ts";
import { bootInterfaces, cidr, finding, inSubnet, staticSubnets, where, type HostCheck } from "./facts.ts";

/** addr/gateway-unreachable: a static gateway outside every subnet dom0 is connected to. */
export const gatewayUnreachable: HostCheck = (c) => {
  const subnets = staticSubnets(c);
  const dhcp = bootInterfaces(c).some((i) => i.method === "dhcp");
  const out: Diagnostic[] = [];
  for (const i of c.network.interfaces) {
    if (i.family !== "inet" || i.method !== "static" || i.gateway === undefined || i.options.some((o) => o.name === "pointopoint")) continue;
    const gw = parseIpv4(i.gateway.value);
    if (gw === undefined || subnets.some((s) => inSubnet(s, gw))) continue;
    const known = subnets.map((s) => `${cidr(s)} on ${s.iface}`).join(", ") || "none";
    const unless = dhcp ? " (unless a DHCP lease on another interface happens to cover it)" : "";
    const message = `gateway ${i.gateway.value} of ${i.name} is outside every subnet dom0 is connected to (${known}): adding the default route fails with "Network is unreachable"${unless} and ${i.name} is reported as failed`;
    out.push(finding("addr/gateway-unreachable", dhcp ? "warning" : "error", message, i.gateway.span, "the gateway must be inside the interface's own subnet; check the address, netmask and gateway together"));
  }
  return out;
};

/** The bridge a device is a port of, if any. */
function bridgeOf(c: HostConfig, device: string): string | undefined {
  return c.bridges.find((b) => b.ports.some((p) => p.name === device))?.name;
}

/** addr/overlapping-subnets: static subnets on two different devices that share addresses. */
export const overlappingSubnets: HostCheck = (c) => {
  const subnets = staticSubnets(c);
  const out: Diagnostic[] = [];
  subnets.forEach((b, j) => {
    const a = subnets.slice(0, j).find((x) =>
      x.device !== b.device && bridgeOf(c, x.device) !== b.device && bridgeOf(c, b.device) !== x.device && (inSubnet(x, b.network) || inSubnet(b, x.network)));
    if (a === undefined) return;
    const message = `${b.text} on ${b.iface} overlaps ${a.text} on ${a.iface} (${where(a.span, b.span)}): two connected routes cover the same addresses, so traffic for them may leave by the wrong device`;
    out.push(finding("addr/overlapping-subnets", "warning", message, b.span, "give each device its own subnet, or bridge them and put one address on the bridge"));
  });
  return out;
};

/** addr/second-gateway: more than one stanza brought up at boot installs a default route. */
export const secondGateway: HostCheck = (c) => {
  const withGateway = bootInterfaces(c).filter((i) => i.method === "static" && i.gateway !== undefined);
  const first = withGateway[0];
  if (first?.gateway === undefined) return [];
  return withGateway.slice(1).flatMap((i) => {
    if (i.gateway === undefined) return [];
    const same = i.gateway.value === first.gateway?.value;
    const effect = same
      ? `the same default route again: the kernel refuses it ("File exists"), so ${i.name}'s setup fails and ifup reports it as failed`
      : `a second default route: ifupdown 0.7+ (\`ip route add\`) fails with "File exists" and reports ${i.name} as failed; ifupdown 0.6 (\`route add\`) installs both and the kernel uses the first`;
    const message = `${i.name} sets gateway ${i.gateway.value} after ${first.name} set ${first.gateway?.value} (${where(first.gateway?.span ?? first.span, i.gateway.span)}): ${effect}`;
    return [finding("addr/second-gateway", "warning", message, i.gateway.span, "keep one `gateway` line on the host; add other routes with `up ip route add ...`")];
  });
};
