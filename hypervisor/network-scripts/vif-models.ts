// The bodies of Xen 4.0's three vif hotplug scripts (xen-networking.md §2.4, §3, §4), run by udev
// with `online` or `offline` for one backend device. Each returns the `fatal` message that makes
// the script write hotplug-error, or undefined on success.
//
// vif-bridge: the bridge is xenstore's `bridge` (the vif's bridge=), else the command line's, else
//   the first line of `brctl show` (bridges in C-locale order); none → "Could not find bridge, and
//   none was specified"; `xenbrN` missing while `ethN` is a bridge → ethN (3.2+ naming); a bridge
//   that does not exist → "Could not find bridge device X". online: the vif down and flushed,
//   enslaved, up. offline: released and down (errors ignored).
// vif-route: main_ip = the first address of `netdev` (default eth0), else fatal "… is not up";
//   online: the vif takes main_ip/32 and proxy_arp, and a route `ip route add ADDR dev VIF src
//   main_ip` per `ip=` address (none without ip=: the guest is unreachable). offline: down, routes
//   deleted.
// vif-nat: the guest address is ip= or 10.<domid/256>.<domid%256>.<devid+1>/16, the router
//   address its last octet + 127; online (unless a route already names the vif): link up, the
//   router address as a /32, a host route to the guest, proxy_arp, and with dhcp=yes a dhcpd host
//   entry, the vif in INTERFACES and dhcpd restarted. offline: the entry removed, the vif down.

import { Bridge, type Netback } from "../../netsim/l2/index.ts";
import { parseIpv4, type Ipv4 } from "../../netsim/wire/address.ts";
import type { VifInfo } from "../domains/vif-backend.ts";
import { dhcpdHosts, editDhcpdArgs, findDhcpdFiles, type Dhcpd } from "./dhcpd.ts";
import type { ScriptHost } from "./script-host.ts";

/** What a vif script is run with: the device, the backend, and its variables (command line, then xenstore). */
export interface VifRun {
  readonly h: ScriptHost;
  readonly vif: VifInfo;
  readonly back: Netback;
  readonly vars: Readonly<Record<string, string>>;
  readonly dhcpd: Dhcpd;
}

/** The bridge vif-bridge would use, or its fatal message. */
export function vifBridgeTarget(r: VifRun): { bridge: Bridge } | { error: string } {
  const bridges = r.h.node.devices().filter((d): d is Bridge => d instanceof Bridge).map((b) => b.name);
  bridges.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let name = r.vif.device.bridge ?? r.vars["bridge"] ?? bridges[0];
  if (name === undefined) return { error: "Could not find bridge, and none was specified" };
  const m = /^xenbr([0-9]+)$/.exec(name);
  if (m && r.h.node.device(name) === undefined && r.h.node.device(`eth${m[1]}`) instanceof Bridge) name = `eth${m[1]}`;
  const dev = r.h.node.device(name);
  if (!(dev instanceof Bridge)) return { error: `Could not find bridge device ${name}` };
  return { bridge: dev };
}

/** vif-bridge online|offline. */
export function vifBridge(r: VifRun, command: "online" | "offline"): string | undefined {
  if (command === "offline") {
    const port = r.h.node.devices().find((d): d is Bridge => d instanceof Bridge && d.portOf(r.back) !== undefined);
    port?.removePort(r.back);
    r.back.setUp(false);
    return undefined;
  }
  const target = vifBridgeTarget(r);
  if ("error" in target) return target.error;
  r.back.setUp(false);
  r.h.stack.flushAddresses(r.back.name);
  const added = target.bridge.addPort(r.back);
  if (!added.ok) r.h.log(`${added.message}\n`);
  r.back.setUp(true);
  return undefined;
}

/** The vif's `ip=` addresses (space-separated words, each possibly with a /prefix). */
function vifAddresses(r: VifRun): string[] {
  return [...(r.vif.device.ip ?? []), ...(r.vars["ip"] ?? "").split(/\s+/)].flatMap((w) => w.split(/\s+/)).filter((w) => w !== "");
}

function addrAndPrefix(text: string): { address: Ipv4; prefix: number } | undefined {
  const [a, p] = text.split("/");
  const address = parseIpv4(a ?? "");
  const prefix = p === undefined ? 32 : Number(p);
  return address === undefined || !(prefix >= 0 && prefix <= 32) ? undefined : { address, prefix };
}

/** vif-route online|offline. */
export function vifRoute(r: VifRun, command: "online" | "offline"): string | undefined {
  const netdev = r.vars["netdev"] ?? "eth0";
  const main = r.h.stack.addresses(netdev).find((a) => !a.secondary)?.address;
  if (main === undefined) return `${netdev} is not up.  Bring it up or specify another interface with netdev=<if> as a parameter to vif-route.`;
  const vif = r.back.name;
  if (command === "offline") {
    r.back.setUp(false);
    for (const a of vifAddresses(r).map(addrAndPrefix)) if (a) r.h.stack.deleteRoute({ dst: a.address, prefix: a.prefix, dev: vif });
    return undefined;
  }
  r.h.stack.flushAddresses(vif);
  r.h.stack.addAddress(vif, { address: main, prefix: 32 });
  r.back.setUp(true);
  r.h.stack.writeSysctl(`net/ipv4/conf/${vif}/proxy_arp`, "1");
  for (const text of vifAddresses(r)) {
    const a = addrAndPrefix(text);
    const err = a === undefined ? "EINVAL" : r.h.stack.addRoute({ dst: a.address, prefix: a.prefix, dev: vif, src: main, scope: "link" });
    if (err !== undefined) r.h.log(err === "EEXIST" ? "RTNETLINK answers: File exists\n" : `Error: an inet prefix is expected rather than "${text}".\n`);
  }
  return undefined;
}

/** vif-nat's addresses: the guest's (ip= or 10.D/256.D%256.H+1/16) and the router's (last octet + 127). */
export function vifNatAddresses(vif: VifInfo, ip: string | undefined): { guest: Ipv4; prefix: number; router: Ipv4; text: string } | undefined {
  const text = ip ?? `10.${Math.floor(vif.domid / 256)}.${vif.domid % 256}.${vif.devid + 1}/16`;
  const a = addrAndPrefix(text.split(/\s+/)[0] ?? "");
  if (a === undefined) return undefined;
  const prefix = text.includes("/") ? a.prefix : 32;
  // routing_ip: awk adds 127 to the fourth field; a result above 255 is written as is and is not an address.
  const last = (a.address & 0xff) + 127;
  if (last > 255) return undefined;
  return { guest: a.address, prefix, router: ((a.address & 0xffffff00) | last) >>> 0, text };
}

/** The host name vif-nat writes in dhcpd.conf: the domain name with `_ . : / +` turned into `-`. */
export function vifNatHostname(vif: VifInfo): string {
  const base = vif.domainName.replace(/[_.:/+]/g, "-");
  return vif.devid === 0 ? base : `${base}-${vif.devid + 1}`;
}

/** vif-nat online|offline. */
export function vifNat(r: VifRun, command: "online" | "offline"): string | undefined {
  const dhcp = (r.vars["dhcp"] ?? "no") !== "no";
  const files = findDhcpdFiles(r.h.fs);
  if (dhcp && (files.conf === undefined || files.init === undefined || files.args === undefined)) return "Failed to find dhcpd configuration or init or args file.";
  const ips = vifAddresses(r);
  const a = vifNatAddresses(r.vif, ips.length > 0 ? ips.join(" ") : undefined);
  if (a === undefined) return `ip route add ${ips[0] ?? ""} failed`;
  const vif = r.back.name;
  const hostname = vifNatHostname(r.vif);
  if (command === "offline") {
    if (dhcp) dhcpEntry(r, files, hostname, undefined);
    r.back.setUp(false);
    return undefined;
  }
  if (r.h.stack.routes().some((x) => x.dev === vif)) return undefined;
  r.back.setUp(true);
  r.h.stack.addAddress(vif, { address: a.router, prefix: 32 });
  const err = r.h.stack.addRoute({ dst: a.guest, prefix: 32, dev: vif, src: a.router, scope: "link" });
  if (err !== undefined) return `ip route add ${a.text.split("/")[0]} dev ${vif} src failed`;
  r.h.stack.writeSysctl(`net/ipv4/conf/${vif}/proxy_arp`, "1");
  if (dhcp) dhcpEntry(r, files, hostname, { ip: a.guest, router: a.router });
  return undefined;
}

/** dhcp_up / dhcp_down: the host line replaced (or removed), INTERFACES edited, dhcpd restarted. */
function dhcpEntry(r: VifRun, files: ReturnType<typeof findDhcpdFiles>, hostname: string, add: { ip: Ipv4; router: Ipv4 } | undefined): void {
  const { conf, args } = files;
  if (conf === undefined || args === undefined) return;
  const fs = r.h.fs;
  const kept = (fs.readFile(conf) ?? "").split("\n").filter((l) => !l.includes(`host ${hostname}`)).join("\n");
  const q = (ip: Ipv4) => `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`;
  const line = add === undefined ? "" : `host ${hostname} { hardware ethernet ${r.vif.device.mac}; fixed-address ${q(add.ip)}; option routers ${q(add.router)}; option host-name "${hostname}"; }\n`;
  fs.writeFile(conf, `${kept === "" ? "" : kept.replace(/\n*$/, "\n")}${line}`);
  fs.writeFile(args, editDhcpdArgs(fs.readFile(args) ?? "", r.back.name, add !== undefined));
  if (!r.dhcpd.restart(files) && dhcpdHosts(fs.readFile(conf) ?? "").length > 0) r.h.log("dhcpd: no interface to serve\n");
}
