// Public surface of topology/: reading a Xen host's own configuration files into a HostConfig
// (loadHost), the static diagnostics catalogue (checkHost), the host as a graph (hostGraph), and
// the parsers underneath for callers that need one file at a time (/etc/network/interfaces with
// ifquery, domain .cfg, xend-config.sxp, xen-tools.conf, and dom0's services: sysctl, dnsmasq, dhcpd,
// iptables-restore). Layers above import from here.

export { diagnostic, formatDiagnostic, type Diagnostic, type Parsed, type Severity, type Span } from "./diagnostic.ts";
export { lineIndex, rangeOf, spanAt, spanOf, type LineIndex, type Located, type Range } from "./source-text.ts";

export type {
  BridgeOrigin, BridgePort, BridgePortSetting, DebianRelease, Directive, Hardware, HostAddress, HostBond, HostBridge, HostConfig,
  HostDisk, HostDomain, HostFile, HostInterface, HostOption, HostVif, HostVlan, NetworkFile, NetworkModel, PhysicalNic, ScriptRef,
  Setting, Spanned, XendFacts, XendomainsSettings, XenToolsDefaults,
} from "./host-config.ts";
export { loadHost, type LoadOptions } from "./load-host.ts";
export { CATALOGUE, CHECKS, checkHost, bridgesAtBoot, deviceExists, vifScript, type CheckInfo, type HostCheck } from "./checks/index.ts";
export { hostGraph, type GraphEdge, type GraphEdgeKind, type GraphNode, type GraphNodeKind, type HostGraph } from "./graph.ts";
export { brctlBool, brctlInt, brctlSeconds } from "./host/bridges.ts";
export { networkModel, scriptName, xenAtLeast } from "./host/xend.ts";

export {
  classMembers, memoryReader, nodeFsReader, optionValue, parseInterfaces, readInterfaces,
  type AddressFact, type BondFact, type BridgeFact, type Family, type FileReader, type IfaceOption, type IfaceStanza,
  type InterfacesFile, type MemoryTree, type VlanFact,
} from "./interfaces/index.ts";
export { runIfquery, type IfqueryLine, type IfqueryResult } from "./ifquery.ts";
export {
  parseDiskText, parseDomainConfig, parseVifText, type DiskSpec, type DomainConfig, type LifecycleAction, type Toolstack,
  type VifOption, type VifRate, type VifSpec,
} from "./xen-cfg/index.ts";
export { parseXendConfig, xendSettings, type ScriptCall, type XendConfig, type XendSettings } from "./sxp/index.ts";
export {
  parseDhcpdConf, parseRulesFile, parseSysctlConf, readDnsmasq, readServices, type DeviceSetting, type DhcpdConfig, type DhcpdHost,
  type DhcpdParameter, type DhcpdRange, type DhcpdSubnet, type Dom0Services, type DnsmasqConfig, type DnsmasqHost, type DnsmasqOption,
  type DnsmasqRange, type FirewallConfig, type FirewallRule, type KernelSettings, type RulesFile, type SysctlAssignment, type SysctlConfig,
  type UnsimulatedService,
} from "./services/index.ts";
export { parseXenToolsConfig, xenToolsDiskSizeMb, xenToolsMemoryMb, type XenToolsConfig, type XtSize } from "./xen-tools/index.ts";
