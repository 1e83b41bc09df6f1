// dom0's own services started at boot from HostConfig.services (topology/services), in Squeeze's
// order. rcS: procps (`X-Start-Before: $network`: `sysctl -q -p /etc/sysctl.conf`, then
// /etc/sysctl.d) and iptables-persistent (`X-Start-Before: $network`: `iptables-restore <
// /etc/iptables/rules`) run before `networking` (`ifup -a`, whose hooks run their own iptables,
// sysctl, `echo > /proc/sys` and `dnsmasq` commands). Runlevel 2: dnsmasq and isc-dhcp-server
// (`Required-Start: $network $remote_fs $syslog`) and xend (`Required-Start: $syslog $remote_fs`)
// end up at the same insserv level, where rc starts them in name order — dnsmasq, isc-dhcp-server,
// then xend, then xendomains (`Required-Start: xend`). Both DHCP servers are the netsim
// dnsmasq-like server: dnsmasq with its own options; ISC dhcpd with its subnets' ranges, its
// fixed-address hosts, default-lease-time, `option routers` (none when not given, as dhcpd sends
// none) and its ping check. Only one process can own UDP port 67: a second server fails as
// dnsmasq does ("failed to bind DHCP server socket: Address already in use").

import { DnsmasqServer, type DhcpHostConfig, type DhcpRangeConfig, type DhcpServerOptions } from "../../netsim/apps/index.ts";
import type { Ipv4Stack, Netfilter } from "../../netsim/l3/index.ts";
import { parseIpv4, parseMac, type Ipv4 } from "../../netsim/wire/address.ts";
import { readDnsmasq, type DhcpdConfig, type DhcpdParameter, type Dom0Services, type DnsmasqConfig, type DnsmasqFiles, type RulesFile } from "../../topology/services/index.ts";
import type { SimFs } from "../sim-fs.ts";
import type { LineCommand } from "./shell-line.ts";

const ip = (text: string | undefined): Ipv4 | undefined => (text === undefined ? undefined : parseIpv4(text));
const defined = <T>(x: T | undefined): x is T => x !== undefined;

/** What the services act on. */
export interface ServicesHost {
  readonly stack: Ipv4Stack;
  readonly netfilter: Netfilter;
  readonly fs: SimFs;
  readonly epochSeconds: number;
  /** The release is later than Squeeze (dnsmasq ≥ 2.62 options). */
  readonly modern: boolean;
}

/** The services of one dom0 boot (see the file header). */
export class BootServices {
  /** The DHCP servers running, by who started them (`dnsmasq`, `dhcpd`). */
  readonly servers: { readonly name: string; readonly server: DnsmasqServer }[] = [];

  constructor(private readonly host: ServicesHost) {}

  /** rcS before `networking`: procps, then iptables-persistent; returns the console lines. */
  rcS(services: Dom0Services): string {
    let text = "";
    const procps = services.sysctl.assignments.filter((a) => a.stage === "procps");
    if (services.sysctl.files.length > 0) {
      for (const a of procps) this.host.stack.writeSysctl(a.path, a.value);
      text += "Setting kernel variables ...done.\n";
    }
    const rules = services.firewall.rulesFile;
    if (rules !== undefined) text += `Loading iptables rules... IPv4...${this.restore(rules) ? "done" : "failed"}.\n`;
    return text;
  }

  /** Runlevel 2 after `networking`, before xend: the dnsmasq service, then ISC dhcpd. */
  rc2(services: Dom0Services): string {
    let text = "";
    const service = services.dnsmasq.find((d) => d.origin === "init-script");
    if (service !== undefined && service.enabled) {
      const ok = service.accepted && this.start("dnsmasq", dnsmasqOptions(service, this.host));
      text += ok ? "Starting DNS forwarder and DHCP server: dnsmasq.\n" : "Starting DNS forwarder and DHCP server: dnsmasq failed!\n";
    }
    const dhcpd = services.dhcpd;
    if (dhcpd !== undefined) {
      const options = dhcpd.accepted ? dhcpdOptions(dhcpd, this.host) : undefined;
      const ok = options !== undefined && this.start("dhcpd", options);
      text += `Starting ISC DHCP server: dhcpd${ok ? "." : "check syslog for diagnostics. ... failed!"}\n`;
    }
    return text;
  }

  /** `dnsmasq ARGS` run from a hook or a shell: reads its configuration now and starts. */
  command(): LineCommand {
    return (argv, io, done) => {
      const span = { file: "/etc/network/interfaces", line: 1, column: 1 };
      const run = { origin: "hook" as const, argv: argv.map((text) => ({ text, span })), span, enabled: true };
      const config = readDnsmasq(this.files(), run).value;
      if (!config.accepted) return io.err("dnsmasq: bad configuration\n"), done(1);
      if (!this.start("dnsmasq", dnsmasqOptions(config, this.host))) {
        return io.err("dnsmasq: failed to bind DHCP server socket: Address already in use\n"), done(2);
      }
      done(0);
    };
  }

  /** Every server exits (the power goes). */
  stop(): void {
    for (const s of this.servers.splice(0)) s.server.close();
  }

  private start(name: string, options: DhcpServerOptions): boolean {
    try {
      this.servers.push({ name, server: new DnsmasqServer(this.host.stack, options) });
      return true;
    } catch {
      return false;
    }
  }

  /** iptables-restore: each table committed last replaces the kernel's (empty at boot). */
  private restore(file: RulesFile): boolean {
    const committed = file.tables.filter((t) => t.committed);
    const last = committed.filter((t, i) => !committed.slice(i + 1).some((u) => u.name === t.name));
    for (const table of last) {
      const end = file.tables.find((t) => t.span.line > table.span.line)?.span.line ?? Number.MAX_SAFE_INTEGER;
      const t = ["-t", table.name];
      for (const c of table.chains) {
        if (c.policy === "-") this.host.netfilter.iptables([...t, "-N", c.name]);
        else if (c.policy !== "ACCEPT") this.host.netfilter.iptables([...t, "-P", c.name, c.policy]);
      }
      for (const r of file.rules.filter((r) => r.table === table.name && r.span.line > table.span.line && r.span.line < end)) {
        this.host.netfilter.iptables([...t, ...r.argv]);
      }
    }
    return file.accepted;
  }

  private files(): DnsmasqFiles {
    const fs = this.host.fs;
    return { readFile: (p) => fs.readFile(p), listDir: (p) => fs.listDir(p), exists: (p) => fs.exists(p), modern: this.host.modern };
  }
}

/** The devices a server without `interface=` serves, minus the excluded ones. */
function allBut(stack: Ipv4Stack, excluded: readonly string[]): string[] {
  return stack.devices().map((d) => d.name).filter((n) => n !== "lo" && !excluded.includes(n));
}

/** A DnsmasqConfig as the netsim server's options. */
export function dnsmasqOptions(c: DnsmasqConfig, host: ServicesHost): DhcpServerOptions {
  const excluded = [...c.exceptInterfaces, ...c.noDhcpInterfaces].map((s) => s.value);
  const named = c.interfaces.map((s) => s.value).filter((n) => !excluded.includes(n));
  const interfaces = c.interfaces.length > 0 ? named : excluded.length > 0 ? allBut(host.stack, excluded) : undefined;
  const ranges: DhcpRangeConfig[] = c.ranges.filter((r) => r.mode === "dynamic").map((r) => {
    const start = ip(r.start);
    const end = ip(r.end);
    const netmask = ip(r.netmask);
    return start === undefined || end === undefined ? undefined : { start, end, leaseTime: r.leaseTime, ...(netmask === undefined ? {} : { netmask }) };
  }).filter(defined);
  const hosts: DhcpHostConfig[] = c.hosts.filter((h) => !h.ignore).flatMap((h) => h.macs.map((m) => parseMac(m)).filter(defined).map((mac) => {
    const address = ip(h.ip);
    return { mac, ...(address === undefined ? {} : { ip: address }), ...(h.hostname === undefined ? {} : { hostname: h.hostname }), ...(h.leaseTime === undefined ? {} : { leaseTime: h.leaseTime }) };
  }));
  const option = (code: number) => c.options.filter((o) => o.code === code && o.tags.length === 0).pop();
  const router = option(3);
  const dns = option(6);
  const broadcast = ip(option(28)?.addresses?.[0]);
  return {
    ...(interfaces === undefined ? {} : { interfaces }), ranges, hosts,
    ...(router === undefined ? {} : { router: ip(router.addresses?.[0]) ?? null }),
    ...(dns === undefined ? {} : { dnsServers: (dns.addresses ?? []).map(ip).filter(defined) }),
    ...(broadcast === undefined ? {} : { broadcast }),
    ...(c.domain === undefined ? {} : { domain: c.domain.value }),
    dns: c.port.value !== 0, noPing: c.noPing.value, authoritative: c.authoritative.value, leaseMax: c.leaseMax.value,
    version: host.modern ? "2.90" : "2.55", epochSeconds: host.epochSeconds,
  };
}

const param = (params: readonly DhcpdParameter[], name: string) => params.filter((p) => p.name === name).pop();

/** ISC dhcpd's configuration as the netsim server's options; undefined when dhcpd has no interface to listen on. */
export function dhcpdOptions(c: DhcpdConfig, host: ServicesHost): DhcpServerOptions | undefined {
  const covered = (dev: string) => host.stack.addresses(dev).some((a) => c.subnets.some((s) => {
    const net = ip(s.network);
    const mask = ip(s.netmask);
    return net !== undefined && mask !== undefined && ((a.address & mask) >>> 0) === net;
  }));
  const listed = c.interfaces.map((w) => w.value);
  const interfaces = (listed.length > 0 ? listed : host.stack.devices().map((d) => d.name)).filter((d) => host.stack.device(d) !== undefined && covered(d));
  if (interfaces.length === 0) return undefined;
  const ranges: DhcpRangeConfig[] = [];
  for (const s of c.subnets) {
    const netmask = ip(s.netmask);
    const leaseTime = param(s.parameters, "default-lease-time")?.number ?? c.defaultLeaseTime.value;
    for (const r of s.ranges) {
      const start = ip(r.low);
      const end = ip(r.high);
      if (start !== undefined && end !== undefined && netmask !== undefined) ranges.push({ start, end, netmask, leaseTime });
    }
  }
  const hosts: DhcpHostConfig[] = [];
  for (const h of c.hosts) {
    const mac = parseMac(h.mac?.value ?? "");
    const fixed = ip(h.fixedAddresses[0]?.value);
    if (mac === undefined || fixed === undefined) continue;
    hosts.push({ mac, ip: fixed, hostname: h.name });
    const subnet = c.subnets.find((s) => ((fixed & (ip(s.netmask) ?? 0)) >>> 0) === ip(s.network));
    const netmask = ip(subnet?.netmask);
    ranges.push({ start: fixed, end: fixed, leaseTime: c.defaultLeaseTime.value, ...(netmask === undefined ? {} : { netmask }) });
  }
  const scoped = (name: string) => c.subnets.map((s) => param(s.parameters, name)).find(defined) ?? param(c.parameters, name);
  const router = ip(scoped("routers")?.addresses?.[0]);
  const dns = scoped("domain-name-servers")?.addresses?.map(ip).filter(defined);
  const broadcast = ip(scoped("broadcast-address")?.addresses?.[0]);
  const domain = scoped("domain-name")?.value.replace(/^"|"$/g, "");
  return {
    interfaces, ranges, hosts, router: router ?? null, dnsServers: dns ?? null, dns: false,
    ...(broadcast === undefined ? {} : { broadcast }), ...(domain === undefined ? {} : { domain }),
    noPing: param(c.parameters, "ping-check")?.value === "false", authoritative: c.authoritative.value, epochSeconds: host.epochSeconds,
  };
}
