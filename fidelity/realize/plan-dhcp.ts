// The DHCP half of planOf: the simulated DHCP servers (the world router's dnsmasq on the LAN,
// dom0's dnsmasq or ISC dhcpd from its service files, vif-nat's dhcpd) each become one dnsmasq
// command line with the same ranges, fixed hosts and options (dnsmasq(8): --dhcp-range,
// --dhcp-host, --dhcp-option), always `--no-resolv --no-hosts --conf-file=/dev/null --port=0` (no
// DNS: nothing here resolves names, and the machine's own files are never read); the devices whose
// address a DHCP client learnt become busybox udhcpc clients.
import type { DhcpRangeConfig, DnsmasqServer } from "../../netsim/apps/index.ts";
import { ipv4ToString, macToString } from "../../netsim/wire/address.ts";
import type { RealDhcpServer } from "./plan-types.ts";

const lease = (t: number | "infinite" | undefined): string[] => (t === undefined ? [] : [t === "infinite" ? "infinite" : String(t)]);

function rangeArg(r: DhcpRangeConfig): string {
  const mask = r.netmask === undefined ? [] : [ipv4ToString(r.netmask)];
  return `--dhcp-range=${[ipv4ToString(r.start), ipv4ToString(r.end), ...mask, ...lease(r.leaseTime)].join(",")}`;
}

/** The dnsmasq arguments (without the lease and pid files) that serve what `server` serves. */
export function dnsmasqArgs(server: DnsmasqServer): string[] {
  const o = server.options;
  const args = ["--keep-in-foreground", "--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--port=0", "--log-dhcp", "--log-facility=-"];
  const interfaces = o.dev !== undefined ? [o.dev] : (o.interfaces ?? []).map((i) => (typeof i === "string" ? i : i.dev));
  args.push(...interfaces.map((i) => `--interface=${i}`));
  const ranges = [...(o.ranges ?? []), ...(o.interfaces ?? []).flatMap((i) => (typeof i === "string" ? [] : (i.ranges ?? [])))];
  args.push(...ranges.map(rangeArg));
  for (const h of o.hosts ?? []) {
    const fields = [macToString(h.mac), ...(h.ip === undefined ? [] : [ipv4ToString(h.ip)]), ...(h.hostname === undefined ? [] : [h.hostname]), ...lease(h.leaseTime)];
    args.push(`--dhcp-host=${fields.join(",")}`);
  }
  if (o.router === null) args.push("--dhcp-option=3");
  else if (o.router !== undefined) args.push(`--dhcp-option=3,${ipv4ToString(o.router)}`);
  // With --port=0 dnsmasq leaves option 6 out; the simulated one names itself when it serves DNS.
  if (o.dnsServers !== undefined && o.dnsServers !== null) args.push(`--dhcp-option=6,${o.dnsServers.map(ipv4ToString).join(",")}`);
  else if (o.dnsServers === undefined && o.dns !== false) args.push("--dhcp-option=6,0.0.0.0");
  if (o.domain !== undefined) args.push(`--domain=${o.domain}`);
  if (o.broadcast !== undefined) args.push(`--dhcp-option=28,${ipv4ToString(o.broadcast)}`);
  if (o.noPing) args.push("--no-ping");
  if (o.authoritative) args.push("--dhcp-authoritative");
  if (o.leaseMax !== undefined) args.push(`--dhcp-lease-max=${o.leaseMax}`);
  return args;
}

/** One planned server. */
export function dhcpServerOf(node: string, what: string, server: DnsmasqServer): RealDhcpServer {
  return { node, what, args: dnsmasqArgs(server) };
}
