// Checks of the guests' own addresses and names (xen-networking.md §1.2, §1.3, §3, §5): the same
// MAC, ip= or vifname on two vifs; MACs outside Xen's 00:16:3e OUI that are not locally
// administered (they may clash with real cards), group MACs (a guest cannot bring its card up with
// one); and, for vif-route, a vif without ip= (no host route, the guest is unreachable) or with an
// ip= outside dom0's subnets (proxy ARP on the uplink cannot answer for it).

import type { Diagnostic, Span } from "../diagnostic.ts";
import type { HostConfig, HostDomain, HostVif } from "../host-config.ts";
import { isLocallyAdministered, isMulticastMac, parseIpv4, parseMac } from "../../netsim/wire/address.ts";
import { domainName, finding, inSubnet, staticSubnets, vifScript, where, type HostCheck } from "./facts.ts";

interface Located {
  readonly d: HostDomain;
  readonly v: HostVif;
  readonly key: string;
  readonly span: Span;
}

/** Reports every value seen a second time; both-started pairs are errors, others warnings. */
function duplicates(items: readonly Located[], code: string, what: string, effect: string, hint: string): Diagnostic[] {
  const first = new Map<string, Located>();
  const out: Diagnostic[] = [];
  for (const it of items) {
    const earlier = first.get(it.key);
    if (earlier === undefined) {
      first.set(it.key, it);
      continue;
    }
    const together = earlier.d === it.d || (earlier.d.autostart !== undefined && it.d.autostart !== undefined);
    const message = `${what} ${it.key} of ${domainName(it.d)} (vif ${it.v.index}) is also used by ${domainName(earlier.d)} (vif ${earlier.v.index}, ${where(earlier.span, it.span)}): ${effect}`;
    out.push(finding(code, together ? "error" : "warning", message, it.span, hint));
  }
  return out;
}

function vifs(c: HostConfig): { d: HostDomain; v: HostVif }[] {
  return c.domains.flatMap((d) => d.vifs.map((v) => ({ d, v })));
}

/** vif/duplicate-mac: the same guest MAC on two vifs. */
export const duplicateMac: HostCheck = (c) => {
  const items = vifs(c).flatMap(({ d, v }) => {
    const mac = v.mac === undefined ? undefined : parseMac(v.mac.value);
    return v.mac === undefined || mac === undefined ? [] : [{ d, v, key: v.mac.value.toLowerCase(), span: v.mac.span }];
  });
  return duplicates(items, "vif/duplicate-mac", "MAC", "when both run, the bridge's table flips between their ports and each loses traffic", "give each vif its own MAC (00:16:3e:xx:xx:xx)");
};

/** vif/duplicate-ip: the same ip= on two vifs. */
export const duplicateIp: HostCheck = (c) => {
  const items = vifs(c).flatMap(({ d, v }) => (v.ip?.value ?? []).map((ip) => ({ d, v, key: ip, span: v.ip?.span ?? v.span })));
  return duplicates(items, "vif/duplicate-ip", "ip=", "the host routes and firewall rules for that address can serve only one of them", "give each guest its own address");
};

/** vif/duplicate-vifname: the same vifname on two vifs. */
export const duplicateVifname: HostCheck = (c) => {
  const items = vifs(c).flatMap(({ d, v }) => (v.vifname === undefined ? [] : [{ d, v, key: v.vifname.value, span: v.vifname.span }]));
  return duplicates(items, "vif/duplicate-vifname", "vifname", "the second rename finds the name taken, so that vif keeps its vifD.N name and rules written for the name miss it", "give each vif its own vifname");
};

/** vif/foreign-mac and vif/multicast-mac: MACs that are not safe guest addresses. */
export const guestMac: HostCheck = (c) => {
  const out: Diagnostic[] = [];
  for (const { d, v } of vifs(c)) {
    const mac = v.mac === undefined ? undefined : parseMac(v.mac.value);
    if (v.mac === undefined || mac === undefined) continue;
    if (isMulticastMac(mac) || mac === 0) {
      const message = `MAC ${v.mac.value} of ${domainName(d)} (vif ${v.index}) is ${mac === 0 ? "all zeros" : "a group (multicast) address"}: the guest kernel refuses it as a card address ("Cannot assign requested address") and its eth${v.index} cannot come up`;
      out.push(finding("vif/multicast-mac", "error", message, v.mac.span, "use 00:16:3e:xx:xx:xx with the fourth byte below 0x80"));
    } else if (Math.floor(mac / 0x1000000) !== 0x00163e && !isLocallyAdministered(mac)) {
      const message = `MAC ${v.mac.value} of ${domainName(d)} (vif ${v.index}) is neither in Xen's 00:16:3e range nor locally administered: it belongs to some vendor's real cards and may clash with one on the LAN`;
      out.push(finding("vif/foreign-mac", "warning", message, v.mac.span, "use 00:16:3e:xx:xx:xx, or set the locally-administered bit (02:xx:...)"));
    }
  }
  return out;
};

/** vif/routed-without-ip and vif/routed-ip-outside: vif-route needs ip=, inside a subnet the LAN reaches through dom0. */
export const routedIp: HostCheck = (c) => {
  const subnets = staticSubnets(c);
  const out: Diagnostic[] = [];
  for (const { d, v } of vifs(c).filter(({ v }) => vifScript(c, v) === "vif-route")) {
    const ips = v.ip?.value ?? [];
    if (ips.length === 0) {
      const message = `vif ${v.index} of ${domainName(d)} uses vif-route but has no ip=: vif-route adds no host route for it, so nothing can reach the guest`;
      out.push(finding("vif/routed-without-ip", "warning", message, v.span, "add ip=ADDRESS to the vif"));
      continue;
    }
    if (subnets.length === 0) continue; // dom0's subnets come from DHCP: nothing to compare with
    for (const ip of ips) {
      const n = parseIpv4(ip);
      if (n === undefined || subnets.some((s) => inSubnet(s, n))) continue;
      const message = `ip=${ip} of ${domainName(d)} (vif ${v.index}) is outside every subnet of dom0 (${subnets.map((s) => s.text).join(", ")}): dom0 answers ARP only for its LAN, so the guest is reachable only if the LAN's router routes ${ip} to dom0`;
      out.push(finding("vif/routed-ip-outside", "warning", message, v.ip?.span ?? v.span, "pick an address in dom0's subnet, or add a route for it on the LAN's router"));
    }
  }
  return out;
};
