// Public surface of topology/services: dom0's own services and kernel settings read from their
// real configuration files (sysctl.conf and sysctl.d, dnsmasq.conf, dhcpd.conf, iptables-persistent's
// rules file, and the hooks of /etc/network/interfaces), each parser usable alone, and the typed
// summary loadHost puts in HostConfig.services.

export type {
  DeviceSetting, DhcpdConfig, DhcpdHost, DhcpdParameter, DhcpdRange, DhcpdSubnet, Dom0Services, DnsmasqConfig, DnsmasqHost,
  DnsmasqOption, DnsmasqRange, FirewallConfig, FirewallRule, HookOrigin, KernelSettings, RestoreFailure, RulesChain, RulesFile,
  RulesTable, SettingStage, SysctlAssignment, SysctlConfig, UnsimulatedService,
} from "./types.ts";
export { readServices, type ServicesContext } from "./services.ts";
export { keyOfPath, kernelInt, kernelSettings, knownKey, parseSysctlConf, procPath, type SysctlLine } from "./sysctl.ts";
export { bootSysctlFiles, readSysctl, SYSCTL_CONF, type SysctlHost } from "./sysctl-boot.ts";
export { DNSMASQ_CONF, readDnsmasq, type DnsmasqFiles, type DnsmasqRun } from "./dnsmasq.ts";
export { parseDhcpOption, parseHost as parseDhcpHost, parseRange as parseDhcpRange, splitFields } from "./dnsmasq-dhcp.ts";
export { parseDhcpdConf, type DhcpdDeclarations, type DhcpdFiles } from "./dhcpd.ts";
export { parseRulesFile, type RestoreOptions } from "./iptables-restore.ts";
export { runIptables, type CommandOutcome } from "./firewall-rules.ts";
export { bootHookCommands, programOf, splitCommands, type HookCommand, type HookWord } from "./hook-commands.ts";
export { inetAddr, inetAton } from "./inet-addr.ts";
