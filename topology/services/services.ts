// dom0's own services, read from their files under the host's root in the order boot uses them
// (see types.ts): the interfaces hooks `ifup -a` will run, procps' sysctl files and the hooks'
// /proc/sys writes, iptables-persistent's rules file and the hooks' iptables commands, the dnsmasq
// and ISC dhcpd servers. iptables-persistent reads /etc/iptables/rules on Squeeze (0.0.x, IPv4
// only) and /etc/iptables/rules.v4 from Wheezy on. What affects networking but is not simulated —
// other network daemons found in /etc/init.d or /etc/default, and everything IPv6 — is listed once
// each and reported as info.

import { diagnostic, type Diagnostic } from "../diagnostic.ts";
import type { DebianRelease, Hardware, NetworkFile } from "../host-config.ts";
import type { IfaceStanza } from "../interfaces/index.ts";
import { lineOf, noteRead, type HostFiles } from "../host/files.ts";
import { fileStart, readDhcpd, readDnsmasqs } from "./dhcp-services.ts";
import type { DnsmasqFiles } from "./dnsmasq.ts";
import { addsRule, ruleFacts, runIptables, type SimTables } from "./firewall-rules.ts";
import { bootHookCommands, programOf, type HookCommand } from "./hook-commands.ts";
import { parseRulesFile } from "./iptables-restore.ts";
import { readSysctl } from "./sysctl-boot.ts";
import type { Dom0Services, FirewallConfig, FirewallRule, UnsimulatedService } from "./types.ts";

/** What readServices needs besides the files. */
export interface ServicesContext {
  readonly network: NetworkFile;
  readonly stanzas: readonly IfaceStanza[];
  readonly hardware: Hardware;
  readonly release?: DebianRelease;
}

const LEGACY_CODENAMES = ["sarge", "etch", "lenny", "squeeze"];

/** Network daemons xennet does not simulate: init script name → what it does. */
const DAEMONS: Readonly<Record<string, string>> = {
  radvd: "IPv6 router advertisements", bind9: "a DNS server", unbound: "a DNS resolver", pdnsd: "a DNS cache",
  "wide-dhcpv6-server": "a DHCPv6 server", "isc-dhcp-relay": "a DHCP relay", "dhcp3-relay": "a DHCP relay", "dhcp-helper": "a DHCP relay",
  openvpn: "VPN tunnels", quagga: "dynamic routing", bird: "dynamic routing", shorewall: "a firewall", ufw: "a firewall", ferm: "a firewall",
  firehol: "a firewall", "arno-iptables-firewall": "a firewall", fail2ban: "firewall rules added at run time", "network-manager": "interface management",
  wicd: "interface management", hostapd: "a wireless access point", "openvswitch-switch": "Open vSwitch bridges", ebtables: "bridge filtering rules",
  "avahi-daemon": "mDNS and link-local addresses", squid: "a proxy", squid3: "a proxy",
};

/** The host's files as the service readers see them; every file read is recorded. */
function facade(host: HostFiles, modern: boolean): DnsmasqFiles {
  return {
    readFile: (path) => {
      const text = host.reader.readFile(path);
      if (text !== undefined) noteRead(host, path);
      return text;
    },
    listDir: (path) => host.reader.listDir(path),
    exists: (path) => host.exists(path),
    modern,
  };
}

/** Modules /etc/modules loads in rcS (one name per line, `#` comments). */
function bootModules(files: DnsmasqFiles): string[] {
  const text = files.exists("/etc/modules") ? (files.readFile("/etc/modules") ?? "") : "";
  return text.split("\n").map((l) => l.replace(/#.*/, "").trim().split(/[ \t]+/)[0] ?? "").filter((m) => m !== "");
}

/** iptables-persistent's file, and its rules; then the hooks' iptables commands on top. */
function readFirewall(files: DnsmasqFiles, legacy: boolean | undefined, hooks: readonly HookCommand[], out: Diagnostic[]): FirewallConfig {
  const v4 = "/etc/iptables/rules.v4";
  const old = "/etc/iptables/rules";
  const path = legacy === true ? old : legacy === false ? v4 : files.exists(v4) ? v4 : old;
  const other = path === v4 ? old : v4;
  const tables: SimTables = new Map();
  const text = files.exists(path) ? files.readFile(path) : undefined;
  const parsed = text === undefined ? undefined : parseRulesFile(path, text, { into: tables });
  if (parsed !== undefined) out.push(...parsed.diagnostics);
  if (legacy !== undefined && files.exists(other) && files.readFile(other) !== undefined) {
    const why = legacy ? "Squeeze's iptables-persistent (0.0.x) restores /etc/iptables/rules only" : "iptables-persistent restores /etc/iptables/rules.v4 since Wheezy";
    out.push(diagnostic("iptables/file-not-read", "warning", `${other} is never restored at boot: ${why}`, fileStart(other), `move the rules to ${path}`));
  }
  const hookRules: FirewallRule[] = [];
  for (const c of hooks.filter((h) => programOf(h) === "iptables")) {
    const words = c.words.slice(1);
    const outcome = runIptables(words.map((w) => w.text), tables);
    const at = c.words[0]?.span ?? c.span;
    if (outcome.kind === "refused") {
      const first = outcome.stderr.split("\n").find((l) => l.trim() !== "") ?? "";
      out.push(diagnostic("iptables/hook-command", "warning", `\`${c.hook.option}\` of ${c.hook.iface} runs an iptables command that fails at boot (${first.trim()}), so ifup reports ${c.hook.iface} as failed and skips its later hook lines`, at));
    } else if (outcome.kind === "unsimulated") {
      out.push(diagnostic("iptables/not-simulated", "info", `${outcome.stderr.trim().replace(/^xennet: /, "")}: iptables accepts this command, xennet does not apply it`, at));
    } else if (addsRule(outcome.cmd)) hookRules.push(ruleFacts(outcome.cmd, words, at, "hook", c.hook));
  }
  return parsed === undefined ? { hookRules } : { rulesFile: parsed.value, hookRules };
}

/** Daemons and IPv6 configuration that affect networking but are not simulated. */
function unsimulated(files: DnsmasqFiles, ctx: ServicesContext, services: Omit<Dom0Services, "notSimulated">): UnsimulatedService[] {
  const out: UnsimulatedService[] = [];
  for (const [name, what] of Object.entries(DAEMONS)) {
    const where = [`/etc/init.d/${name}`, `/etc/default/${name}`].find((p) => files.readFile(p) !== undefined);
    if (where !== undefined) out.push({ name, what, span: fileStart(where) });
  }
  const inet6 = ctx.network.interfaces.find((i) => i.family === "inet6");
  if (inet6 !== undefined) out.push({ name: "IPv6 interfaces", what: `inet6 stanzas (${inet6.name}...)`, span: inet6.span });
  const v6sysctl = services.sysctl.assignments.find((a) => a.key.startsWith("net.ipv6."));
  if (v6sysctl !== undefined) out.push({ name: "IPv6 kernel settings", what: `net.ipv6.* sysctl settings (${v6sysctl.key}...)`, span: v6sysctl.span });
  for (const [file, what] of [["/etc/iptables/rules.v6", "ip6tables rules"], ["/etc/dhcp/dhcpd6.conf", "a DHCPv6 server"]] as const) {
    if (files.readFile(file) !== undefined) out.push({ name: file, what, span: fileStart(file) });
  }
  return out;
}

/** Reads dom0's services; every finding goes into the host's diagnostics. */
export function readServices(host: HostFiles, ctx: ServicesContext): Dom0Services {
  const codename = ctx.release?.codename;
  const legacy = codename === undefined ? undefined : LEGACY_CODENAMES.includes(codename);
  const files = facade(host, legacy === false);
  const hooks = bootHookCommands(ctx.network, ctx.stanzas, ctx.hardware, (file, line) => lineOf(host, file, line));
  const diagnostics: Diagnostic[] = [];
  const sysctlHost = { ...files, legacy: legacy === true, hardware: ctx.hardware, modules: bootModules(files) };
  const sysctl = readSysctl(sysctlHost, hooks);
  diagnostics.push(...sysctl.diagnostics);
  const firewall = readFirewall(files, legacy, hooks, diagnostics);
  const dnsmasq = readDnsmasqs(files, hooks);
  diagnostics.push(...dnsmasq.diagnostics);
  const dhcpd = readDhcpd(files);
  diagnostics.push(...dhcpd.diagnostics);
  const base = { sysctl: sysctl.config, dnsmasq: dnsmasq.configs, ...(dhcpd.config === undefined ? {} : { dhcpd: dhcpd.config }), firewall };
  const notSimulated = unsimulated(files, ctx, base);
  for (const n of notSimulated) {
    diagnostics.push(diagnostic("services/not-simulated", "info", `${n.name}: ${n.what} — not simulated by xennet, which ignores its effect on this host's networking`, n.span));
  }
  host.diagnostics.push(...diagnostics);
  return { ...base, notSimulated };
}
