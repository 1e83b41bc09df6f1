// Checks of dom0's own services (services/types.ts): a DHCP range no served interface can use
// (dnsmasq only offers from a dhcp-range on the interface whose subnet holds it and logs "no address
// range available for DHCP request via IF"; dhcpd answers only on interfaces a subnet declaration
// covers: "No subnet declaration for IF (ADDR)"), dnsmasq and dhcpd both serving one interface,
// forwarding left off on a host that masquerades or routes guests (Linux 2.6.32's ip_forward
// defaults to 0; xend's network-route and network-nat turn it on), a MASQUERADE rule whose `-o`
// names no interface of the host, and a rules file iptables-restore rejects (iptables-persistent
// then loads nothing after the failing line).

import type { Diagnostic, Span } from "../diagnostic.ts";
import type { HostConfig } from "../host-config.ts";
import type { DhcpdConfig, DnsmasqConfig, FirewallRule } from "../services/types.ts";
import { inetAddr } from "../services/inet-addr.ts";
import { deviceExists, finding, inSubnet, staticSubnets, where, type HostCheck, type Subnet } from "./facts.ts";

const describe = (subnets: readonly Subnet[]): string => subnets.map((s) => `${s.device}: ${s.text}`).join(", ") || "none with a static address";

/** The interfaces a dnsmasq hands out leases on, and the dom0 subnets it can draw ranges from. */
function dnsmasqServes(c: HostConfig, d: DnsmasqConfig): Subnet[] {
  const subnets = staticSubnets(c);
  const names = d.interfaces.map((i) => i.value);
  const skip = [...d.exceptInterfaces, ...d.noDhcpInterfaces].map((i) => i.value);
  return subnets.filter((s) => (names.length === 0 || names.includes(s.device)) && !skip.includes(s.device));
}

/** The subnets a dhcpd listens on: INTERFACES, else every interface with an address. */
function dhcpdServes(c: HostConfig, d: DhcpdConfig): Subnet[] {
  const names = d.interfaces.map((i) => i.value);
  return staticSubnets(c).filter((s) => names.length === 0 || names.includes(s.device));
}

const running = (d: DnsmasqConfig): boolean => d.enabled && d.accepted;

function dnsmasqRanges(c: HostConfig, d: DnsmasqConfig): Diagnostic[] {
  const served = dnsmasqServes(c, d);
  const named = d.interfaces.map((i) => i.value);
  if (served.length === 0 && named.length === 0) return [];
  return d.ranges.filter((r) => r.mode !== "proxy").flatMap((r) => {
    const start = inetAddr(r.start) ?? 0;
    if (served.some((s) => inSubnet(s, start))) return [];
    const via = named.length > 0 ? named.join(", ") : "any interface";
    const message = `dhcp-range=${r.text} lies outside every subnet of the interfaces this dnsmasq serves (${describe(served)}): dnsmasq never offers from it, and requests on ${via} get "no address range available for DHCP request"`;
    return [finding("services/range-outside-subnet", "error", message, r.span, "make the range part of the served interface's subnet, or give that interface an address in the range's subnet")];
  });
}

function dhcpdRanges(c: HostConfig, d: DhcpdConfig): Diagnostic[] {
  const served = dhcpdServes(c, d);
  const out: Diagnostic[] = [];
  for (const s of d.subnets) {
    const net = inetAddr(s.network) ?? 0;
    if (served.some((i) => inSubnet({ network: net, prefix: s.prefix }, i.address))) continue;
    if (served.length === 0 && d.interfaces.length === 0) continue;
    const message = `subnet ${s.network}/${s.prefix}${s.ranges.length > 0 ? ` and its range ${s.ranges.map((r) => `${r.low}-${r.high}`).join(", ")}` : ""} covers no address of the interfaces dhcpd serves (${describe(served)}): dhcpd answers nobody from it`;
    out.push(finding("services/range-outside-subnet", "error", message, s.ranges[0]?.span ?? s.span, "declare the subnet of the interface dhcpd serves"));
  }
  for (const w of d.interfaces) {
    const own = served.filter((s) => s.device === w.value);
    const covered = own.some((i) => d.subnets.some((s) => inSubnet({ network: inetAddr(s.network) ?? 0, prefix: s.prefix }, i.address)));
    if (own.length === 0 || covered) continue;
    const first = own[0];
    const message = `No subnet declaration for ${w.value} (${first === undefined ? "" : first.text.split("/")[0]}): dhcpd ignores requests on ${w.value}${d.subnets.length > 0 ? ` — its subnets are ${d.subnets.map((s) => `${s.network}/${s.prefix}`).join(", ")}` : ""}`;
    out.push(finding("services/range-outside-subnet", "error", message, w.span, `add \`subnet ${first === undefined ? "NET" : first.text} { range ...; }\` to ${d.file}`));
  }
  return out;
}

/** services/range-outside-subnet: a DHCP range or subnet no served interface can use. */
export const rangeOutsideSubnet: HostCheck = (c) => {
  const dns = c.services.dnsmasq.filter(running).flatMap((d) => dnsmasqRanges(c, d));
  const dhcpd = c.services.dhcpd?.accepted === true ? dhcpdRanges(c, c.services.dhcpd) : [];
  return [...dns, ...dhcpd];
};

/** services/two-dhcp-servers: dnsmasq and dhcpd both answering DHCP on one interface. */
export const twoDhcpServers: HostCheck = (c) => {
  const d = c.services.dhcpd;
  if (d === undefined || !d.accepted) return [];
  const dhcpdDevices = new Set(dhcpdServes(c, d).filter((s) => d.subnets.some((n) => inSubnet({ network: inetAddr(n.network) ?? 0, prefix: n.prefix }, s.address))).map((s) => s.device));
  return c.services.dnsmasq.filter((m) => running(m) && m.ranges.length > 0).flatMap((m) => {
    const both = dnsmasqServes(c, m).filter((s) => m.ranges.some((r) => inSubnet(s, inetAddr(r.start) ?? 0)) && dhcpdDevices.has(s.device));
    const dev = both[0]?.device;
    if (dev === undefined) return [];
    const span = m.interfaces.find((i) => i.value === dev)?.span ?? m.ranges[0]?.span ?? m.span;
    const at = d.interfacesSpan ?? d.subnets[0]?.span ?? span;
    const message = `dnsmasq and ISC dhcpd (${where(at, span)}) both serve DHCP on ${dev}: the one that starts second cannot bind port 67 ("Address already in use") or, if both run, guests take whichever offer arrives first and the two servers' leases collide`;
    return [finding("services/two-dhcp-servers", "error", message, span, `keep one DHCP server for ${dev}: remove its range from dnsmasq, or its subnet from ${d.file}`)];
  });
};

/** The NAT rules (MASQUERADE, SNAT, DNAT) boot installs (from a rejected file, those of the tables it committed). */
function natRules(c: HostConfig): FirewallRule[] {
  const file = c.services.firewall.rulesFile;
  const committed = (r: FirewallRule): boolean => file?.accepted === true || (file?.tables ?? []).some((t) => t.committed && t.name === r.table && t.span.line < r.span.line);
  const fromFile = (file?.rules ?? []).filter(committed);
  return [...fromFile, ...c.services.firewall.hookRules].filter((r) => r.table === "nat" && ["MASQUERADE", "SNAT", "DNAT"].includes(r.target ?? ""));
}

/** services/forwarding-off: ip_forward 0 at boot on a host that NATs or routes for its guests. */
export const forwardingOff: HostCheck = (c) => {
  const fwd = c.services.sysctl.settings.ipForward;
  const script = c.xend.present ? c.xend.networkScript?.script : undefined;
  if (fwd.value || script === "network-route" || script === "network-nat") return [];
  const nat = natRules(c)[0];
  const routed = c.domains.some((d) => d.vifs.some((v) => /^vif-(route|nat)$/.test((v.script?.value ?? c.xend.vifScript.script).replace(/.*\//, ""))));
  if (nat === undefined && !(routed && fwd.span !== undefined)) return [];
  const why = nat !== undefined ? `this host ${nat.target === "DNAT" ? "forwards a port to a guest" : "masquerades its guests"} (${nat.target}${nat.outIface === undefined ? "" : ` -o ${nat.outIface.value}`}, ${where(nat.span, fwd.span ?? nat.span)})` : "its guests are routed through dom0 (vif-route/vif-nat)";
  const state = fwd.span === undefined ? "net.ipv4.ip_forward stays 0 at boot (the kernel default; nothing sets it)" : `net.ipv4.ip_forward is ${fwd.text ?? "0"} here, and nothing later turns it on`;
  const span: Span = fwd.span ?? nat?.span ?? { file: c.xend.file, line: 1, column: 1 };
  return [finding("services/forwarding-off", "error", `${state}, but ${why}: dom0 drops every packet it should forward, so guests reach nothing beyond dom0`, span, "set `net.ipv4.ip_forward=1` in /etc/sysctl.conf")];
};

/** Devices created at run time (vifs, taps), which a rule may name before they exist. */
const DYNAMIC = /^(vif|tap|veth|ppp|tun)/;

/** services/masquerade-no-device: a MASQUERADE rule whose -o names no interface of the host. */
export const masqueradeNoDevice: HostCheck = (c) => {
  const names = [...c.hardware.nics.map((n) => n.name), ...c.bridges.map((b) => b.name), ...c.vlans.map((v) => v.name), ...c.bonds.map((b) => b.name), ...c.network.interfaces.map((i) => i.name)];
  return natRules(c).filter((r) => r.target === "MASQUERADE" && r.outIface !== undefined && !r.outInvert).flatMap((r) => {
    const dev = r.outIface?.value ?? "";
    if (DYNAMIC.test(dev)) return [];
    const exists = dev.endsWith("+") ? names.some((n) => n.startsWith(dev.slice(0, -1))) : deviceExists(c, dev);
    if (exists) return [];
    const message = `MASQUERADE -o ${dev} names an interface this host does not have (it has ${[...new Set(names)].join(", ") || "none"}): no packet ever leaves by ${dev}, so nothing is masqueraded and guests reach nothing beyond dom0`;
    return [finding("services/masquerade-no-device", "error", message, r.outIface?.span ?? r.span, "name the uplink that carries dom0's default route")];
  });
};

/** services/rules-rejected: a rules file iptables-restore rejects at boot. */
export const rulesRejected: HostCheck = (c) => {
  const file = c.services.firewall.rulesFile;
  const failure = file?.failure;
  if (file === undefined || failure === undefined) return [];
  const first = failure.stderr.split("\n").find((l) => l.trim() !== "") ?? "";
  const kept = file.tables.filter((t) => t.committed).map((t) => t.name);
  const effect = kept.length > 0 ? `the ${kept.join(" and ")} table${kept.length > 1 ? "s" : ""} committed before line ${failure.line} stay loaded; nothing after it is` : "iptables-persistent loads none of its rules at boot";
  return [finding("services/rules-rejected", "error", `iptables-restore rejects ${file.file} at line ${failure.line}: ${first.trim()} — ${effect}`, failure.span, "check the file with `iptables-restore --test < FILE`")];
};
