// Which DHCP servers a dom0's boot starts, and with what configuration.
//
// dnsmasq: the Debian package is there when /etc/dnsmasq.conf, /etc/default/dnsmasq or
// /etc/init.d/dnsmasq is; its init script sources /etc/default/dnsmasq (ENABLED=0 keeps it from
// starting; CONFIG_DIR becomes `-7 DIR,SUFFIXES`; DNSMASQ_OPTS is added to the command line).
// Without /etc/default/dnsmasq the packaged one is assumed (ENABLED=1 and
// CONFIG_DIR=/etc/dnsmasq.d,.dpkg-dist,.dpkg-old,.dpkg-new when that directory exists). A
// `dnsmasq ...` command in an interfaces hook is one more dnsmasq, with those arguments (and
// /etc/dnsmasq.conf too, unless it says `-C`).
//
// ISC dhcpd: Squeeze's isc-dhcp-server reads /etc/dhcp/dhcpd.conf and takes its interfaces from
// INTERFACES= in /etc/default/isc-dhcp-server (INTERFACESv4 on later releases; DHCPD_CONF may name
// another file); Lenny's dhcp3-server, and a Squeeze host upgraded without moving its files, uses
// /etc/dhcp3/dhcpd.conf and /etc/default/dhcp3-server. An empty INTERFACES makes dhcpd serve every
// interface whose address a subnet declaration covers.

import { diagnostic, type Diagnostic, type Span } from "../diagnostic.ts";
import type { Setting } from "../host-config.ts";
import { parseDhcpdConf } from "./dhcpd.ts";
import { DNSMASQ_CONF, readDnsmasq, type DnsmasqFiles } from "./dnsmasq.ts";
import { programOf, type HookCommand, type HookWord } from "./hook-commands.ts";
import { readShellVars } from "./shell-vars.ts";
import type { DhcpdConfig, DhcpdParameter, DnsmasqConfig } from "./types.ts";

const DNSMASQ_DEFAULTS = "/etc/default/dnsmasq";
const PACKAGED_CONFIG_DIR = "/etc/dnsmasq.d,.dpkg-dist,.dpkg-old,.dpkg-new";

/** A file's first line, for findings about the file as a whole. */
export function fileStart(file: string): Span {
  return { file, line: 1, column: 1 };
}

/** The dnsmasq service, as its init script starts it; undefined when the package is not there. */
function dnsmasqService(host: DnsmasqFiles, out: Diagnostic[]): DnsmasqConfig | undefined {
  const present = [DNSMASQ_CONF, DNSMASQ_DEFAULTS, "/etc/init.d/dnsmasq"].find((p) => host.exists(p));
  if (present === undefined) return undefined;
  const text = host.readFile(DNSMASQ_DEFAULTS);
  const vars = text === undefined ? undefined : readShellVars(DNSMASQ_DEFAULTS, text);
  const argv: HookWord[] = [];
  const configDir = vars === undefined ? (host.exists("/etc/dnsmasq.d") ? { value: PACKAGED_CONFIG_DIR, span: fileStart(present) } : undefined) : vars.get("CONFIG_DIR");
  if (configDir !== undefined && configDir.value !== "") argv.push({ text: "-7", span: configDir.span }, { text: configDir.value, span: configDir.span });
  for (const w of vars?.get("DNSMASQ_OPTS")?.words ?? []) argv.push({ text: w.value, span: w.span });
  const enabledVar = vars?.get("ENABLED");
  const enabled = enabledVar?.value !== "0";
  const span = host.exists(DNSMASQ_CONF) ? fileStart(DNSMASQ_CONF) : fileStart(present);
  const parsed = readDnsmasq(host, { origin: "init-script", argv, span, enabled });
  out.push(...parsed.diagnostics);
  if (!enabled && enabledVar !== undefined) {
    out.push(diagnostic("dnsmasq/disabled", "info", "ENABLED=0: the dnsmasq init script exits without starting dnsmasq, so its configuration is not used at boot", enabledVar.span));
  }
  return parsed.value;
}

/** The dnsmasq processes boot starts: the service, then those of the hooks. */
export function readDnsmasqs(host: DnsmasqFiles, hooks: readonly HookCommand[]): { configs: DnsmasqConfig[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const configs: DnsmasqConfig[] = [];
  const service = dnsmasqService(host, diagnostics);
  if (service !== undefined) configs.push(service);
  for (const c of hooks.filter((h) => programOf(h) === "dnsmasq")) {
    const parsed = readDnsmasq(host, { origin: "hook", argv: c.words.slice(1), span: c.words[0]?.span ?? c.span, hook: c.hook, enabled: true });
    diagnostics.push(...parsed.diagnostics.filter((d) => !diagnostics.some((e) => e.message === d.message && e.span.line === d.span.line && e.span.file === d.span.file)));
    const running = configs.filter((x) => x.enabled && x.accepted && x.port.value !== 0 && !x.bindInterfaces.value);
    if (running.length > 0 && parsed.value.port.value !== 0 && !parsed.value.bindInterfaces.value) {
      const message = `a second dnsmasq: this one, started by ${c.hook.iface}'s ${c.hook.option} while \`ifup -a\` runs, takes port 53 on every address first, so the dnsmasq service started later in runlevel 2 exits with "failed to create listening socket for port 53: Address already in use" and its configuration serves nobody`;
      diagnostics.push(diagnostic("dnsmasq/second-instance", "warning", message, c.words[0]?.span ?? c.span, "give both `bind-interfaces` and different interfaces, or add `port=0` to one of them"));
    }
    configs.push(parsed.value);
  }
  return { configs, diagnostics };
}

function seconds(params: readonly DhcpdParameter[], name: string, fallback: number): Setting<number> {
  const p = params.filter((x) => x.name === name && x.number !== undefined).pop();
  return p?.number === undefined ? { value: fallback } : { value: p.number, text: p.value, span: p.span };
}

/** ISC dhcpd, when its package's configuration is there. */
export function readDhcpd(host: DnsmasqFiles): { config?: DhcpdConfig; diagnostics: Diagnostic[] } {
  const isc = host.exists("/etc/dhcp/dhcpd.conf") || host.exists("/etc/default/isc-dhcp-server");
  const old = !isc && (host.exists("/etc/dhcp3/dhcpd.conf") || host.exists("/etc/default/dhcp3-server"));
  if (!isc && !old) return { diagnostics: [] };
  const pkg = isc ? "isc-dhcp-server" : "dhcp3-server";
  const defaultsFile = `/etc/default/${pkg}`;
  const defaults = host.readFile(defaultsFile);
  const vars = defaults === undefined ? undefined : readShellVars(defaultsFile, defaults);
  const file = vars?.get("DHCPD_CONF")?.value || (isc ? "/etc/dhcp/dhcpd.conf" : "/etc/dhcp3/dhcpd.conf");
  const diagnostics: Diagnostic[] = [];
  if (!host.exists(file)) {
    const at = vars?.get("DHCPD_CONF")?.span ?? fileStart(defaultsFile);
    diagnostics.push(diagnostic("dhcpd/fatal", "error", `Can't open ${file}: No such file or directory — dhcpd exits, so the DHCP server does not start`, at));
  }
  const parsed = parseDhcpdConf(file, host);
  diagnostics.push(...parsed.diagnostics);
  const ifaces = vars?.get("INTERFACESv4") ?? vars?.get("INTERFACES");
  const d = parsed.value;
  const config: DhcpdConfig = {
    package: pkg, file, ...(defaults === undefined ? {} : { defaultsFile }), accepted: d.accepted && host.exists(file),
    interfaces: ifaces?.words ?? [], ...(ifaces === undefined ? {} : { interfacesSpan: ifaces.span }),
    subnets: d.subnets, hosts: d.hosts, parameters: d.parameters, authoritative: d.authoritative,
    defaultLeaseTime: seconds(d.parameters, "default-lease-time", 43200), maxLeaseTime: seconds(d.parameters, "max-lease-time", 86400),
  };
  return { config, diagnostics };
}
