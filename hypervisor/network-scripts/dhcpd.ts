// The DHCP side of Xen's NAT model: where network-nat and vif-nat 4.0 look for ISC dhcpd's files
// (xen-network-common.sh: conf /etc/dhcp3/dhcpd.conf or /etc/dhcpd.conf; init script
// /etc/init.d/dhcp3-server, dhcp or dhcpd; arguments /etc/sysconfig/dhcpd, /etc/defaults/dhcp or
// /etc/default/dhcp3-server — Squeeze's isc-dhcp-server paths are not among them), the lines they
// add (network-nat's `subnet 10.0.0.0 netmask 255.255.0.0 {…}`, vif-nat's `host NAME { hardware
// ethernet MAC; fixed-address IP; option routers R; option host-name "NAME"; }` and the vif in
// INTERFACES=), and the daemon `/etc/init.d/… restart` starts: it serves the fixed addresses of
// the host lines on every interface INTERFACES lists that exists, with dhcpd's default lease of
// 43200 s. Like dhcpd, which answers a host on any interface whose subnet declaration holds its
// fixed-address (network-nat declares 10.0.0.0/16, which holds every vif-nat address), it gives
// each host its address on whichever listed vif it asks from, as server the address of that vif.

import type { Ipv4Stack } from "../../netsim/l3/index.ts";
import { DnsmasqServer } from "../../netsim/apps/index.ts";
import { parseIpv4, parseMac, prefixToMask, type Ipv4, type Mac } from "../../netsim/wire/address.ts";
import type { SimFs } from "../sim-fs.ts";

/** The dhcpd files vif-nat needs; undefined members were not found. */
export interface DhcpdFiles {
  readonly conf?: string;
  readonly init?: string;
  readonly args?: string;
}

/** The find_dhcpd_*_file functions of xen-network-common.sh 4.0. */
export function findDhcpdFiles(fs: SimFs): DhcpdFiles {
  const first = (paths: readonly string[]) => paths.find((p) => fs.stat(p)?.kind === "file");
  const conf = first(["/etc/dhcp3/dhcpd.conf", "/etc/dhcpd.conf"]);
  const init = first(["/etc/init.d/dhcp3-server", "/etc/init.d/dhcp", "/etc/init.d/dhcpd"]);
  const args = first(["/etc/sysconfig/dhcpd", "/etc/defaults/dhcp", "/etc/default/dhcp3-server"]);
  return { ...(conf ? { conf } : {}), ...(init ? { init } : {}), ...(args ? { args } : {}) };
}

/** One `host` line of dhcpd.conf. */
export interface DhcpdHost {
  readonly name: string;
  readonly mac: Mac;
  readonly ip: Ipv4;
  readonly router?: Ipv4;
}

/** The `host` lines of a dhcpd.conf text. */
export function dhcpdHosts(text: string): DhcpdHost[] {
  const out: DhcpdHost[] = [];
  for (const m of text.matchAll(/host\s+(\S+)\s*\{([^}]*)\}/g)) {
    const body = m[2] ?? "";
    const mac = parseMac(/hardware ethernet\s+([0-9a-fA-F:]+)/.exec(body)?.[1] ?? "");
    const ip = parseIpv4(/fixed-address\s+([0-9.]+)/.exec(body)?.[1] ?? "");
    const router = parseIpv4(/option routers\s+([0-9.]+)/.exec(body)?.[1] ?? "");
    if (mac !== undefined && ip !== undefined) out.push({ name: m[1]!, mac, ip, ...(router !== undefined ? { router } : {}) });
  }
  return out;
}

/** The interfaces of the `INTERFACES=` (or DHCPDARGS=, DHCPD_INTERFACE=) line of the args file. */
export function dhcpdInterfaces(text: string): string[] {
  const m = /^(?:INTERFACES|DHCPDARGS|DHCPD_INTERFACE)="?([^"\n]*)"?/m.exec(text);
  return (m?.[1] ?? "").split(/\s+/).filter((w) => w !== "");
}

/** dhcparg_add_entry / dhcparg_remove_entry: `VIF ` added to or removed from the interfaces lines. */
export function editDhcpdArgs(text: string, vif: string, add: boolean): string {
  const removed = text.split(`${vif} `).join("");
  if (!add) return removed;
  return removed.replace(/^(DHCPDARGS|DHCPD_INTERFACE|INTERFACES)="?([^"\n]*)"?/gm, (_m, key: string, value: string) => `${key}="${value}${vif} "`);
}

/** ISC dhcpd as `/etc/init.d/dhcp3-server restart` starts it on dom0 (see the file header). */
export class Dhcpd {
  private server: DnsmasqServer | null = null;

  constructor(
    private readonly stack: Ipv4Stack,
    private readonly fs: SimFs,
  ) {}

  /** The running server, if any. */
  get running(): DnsmasqServer | null {
    return this.server;
  }

  /** Re-reads the files and starts again; false when there is nothing to serve (dhcpd 3 refuses). */
  restart(files: DhcpdFiles): boolean {
    this.stop();
    const hosts = dhcpdHosts(this.fs.readFile(files.conf ?? "") ?? "");
    const interfaces = dhcpdInterfaces(this.fs.readFile(files.args ?? "") ?? "").filter((d) => this.stack.device(d) !== undefined);
    if (interfaces.length === 0 || hosts.length === 0) return false;
    const mask = prefixToMask(16);
    this.server = new DnsmasqServer(this.stack, {
      interfaces,
      ranges: hosts.map((h) => ({ start: h.ip, end: h.ip, netmask: mask, leaseTime: 43_200 })),
      hosts: hosts.map((h) => ({ mac: h.mac, ip: h.ip, hostname: h.name })),
      dns: false,
      noPing: true,
    });
    return true;
  }

  /** `/etc/init.d/… stop`. */
  stop(): void {
    this.server?.close();
    this.server = null;
  }
}
