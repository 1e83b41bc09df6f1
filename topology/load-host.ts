// loadHost: reads a host's own, unmodified files under a root (a directory, read-only, or any
// FileReader) and returns one HostConfig with every parser's diagnostics. It reads what the boot
// of a Squeeze dom0 reads, in that order: the release and host name, the network cards udev knows,
// /etc/network/interfaces with what it sources (ifup -a), xend-config.sxp (xend), then
// /etc/default/xendomains and the domain configs of /etc/xen and its auto directory (xendomains),
// and xen-tools.conf, then dom0's own services (services/: sysctl, dnsmasq, ISC dhcpd,
// iptables-persistent and the interfaces hooks). Missing files are normal and take the programs'
// defaults; files that exist but cannot be read are diagnostics. Nothing is ever executed or
// written. The static checks are separate (checks/): `checkHost(loadHost(root).value)`.

import type { Parsed } from "./diagnostic.ts";
import type { HostConfig, PhysicalNic } from "./host-config.ts";
import type { FileReader } from "./interfaces/index.ts";
import type { Toolstack } from "./xen-cfg/index.ts";
import { readBonds, readBridges, readVlans } from "./host/bridges.ts";
import { readDomains } from "./host/domains.ts";
import { openHost } from "./host/files.ts";
import { defaultRouteDevice, readNetwork } from "./host/network.ts";
import { readHardware, readHostname, readRelease } from "./host/system.ts";
import { readXend } from "./host/xend.ts";
import { readXendomains } from "./host/xendomains.ts";
import { readXenTools } from "./host/xen-tools.ts";
import { readServices } from "./services/services.ts";

/** What loadHost cannot learn from the files. */
export interface LoadOptions {
  /** The host's network cards (e.g. from the world file); by default udev's rules, else one eth0. */
  readonly nics?: readonly PhysicalNic[];
}

const XM_RELEASES = ["etch", "lenny", "squeeze", "wheezy"];

/** Reads the host under `root` into a HostConfig; never throws on file contents. */
export function loadHost(root: string | FileReader, options: LoadOptions = {}): Parsed<HostConfig> {
  const host = openHost(root);
  const release = readRelease(host);
  const hostname = readHostname(host);
  const { hardware, diagnostics: hardwareDiagnostics } = readHardware(host, options.nics);
  host.diagnostics.push(...hardwareDiagnostics);
  const { network, stanzas } = readNetwork(host);
  const defaultRoute = defaultRouteDevice(network);
  const xend = readXend(host, defaultRoute, release?.xen);
  const xendomains = readXendomains(host);
  const toolstack: Toolstack | undefined = release?.codename !== undefined && release.xen !== undefined
    ? (XM_RELEASES.includes(release.codename) ? "xm" : "xl")
    : xend.present ? "xm" : undefined;
  const domains = readDomains(host, xendomains.auto.value, toolstack);
  const xenTools = readXenTools(host);
  const vlans = readVlans(stanzas);
  const bonds = readBonds(stanzas);
  const devices = [...hardware.nics.map((n) => n.name), ...vlans.map((v) => v.name), ...bonds.map((b) => b.name)];
  const bridges = readBridges({ host, network, stanzas, hardware, xend, xen: release?.xen, defaultRoute }, devices);
  const services = readServices(host, { network, stanzas, hardware, ...(release === undefined ? {} : { release }) });
  const value: HostConfig = {
    ...(hostname === undefined ? {} : { hostname }),
    ...(release === undefined ? {} : { release }),
    ...(toolstack === undefined ? {} : { toolstack }),
    hardware, files: host.files, network, bridges, vlans, bonds, xend, domains, xendomains,
    ...(xenTools === undefined ? {} : { xenTools }),
    services,
  };
  return { value, diagnostics: host.diagnostics };
}
