// What dom0's own services and kernel settings are, as their configuration files set them up at
// boot: plain readonly data with a Span on everything read from a line, in the shape HostConfig
// carries it (`services`). Boot order on a Squeeze dom0, which is the order these take effect:
// rcS runs procps (sysctl, `X-Start-Before: $network`) and iptables-persistent before
// `networking` (`ifup -a`, whose pre-up/up/post-up hooks run per interface); runlevel 2 then
// starts dnsmasq and isc-dhcp-server, and xend's network script last touches the same knobs.

import type { Span } from "../diagnostic.ts";
import type { Setting, Spanned } from "../host-config.ts";
import type { RangeValue } from "./dnsmasq-dhcp.ts";

/** When a setting takes effect: procps in rcS, or an interfaces hook while `ifup -a` runs. */
export type SettingStage = "procps" | "ifup";

/** A hook line of /etc/network/interfaces that ran a command. */
export interface HookOrigin {
  readonly iface: string;
  /** `pre-up`, `up` or `post-up`. */
  readonly option: string;
}

/** One write to /proc/sys, in the order boot performs them. */
export interface SysctlAssignment {
  /** The key as sysctl prints it (`net.ipv4.conf.eth0.proxy_arp`). */
  readonly key: string;
  /** The file written (`/proc/sys/net/ipv4/conf/eth0/proxy_arp`). */
  readonly path: string;
  readonly value: string;
  readonly span: Span;
  readonly valueSpan: Span;
  readonly stage: SettingStage;
  /** For `ifup` writes: the stanza and hook that made them. */
  readonly hook?: HookOrigin;
}

/** A per-device integer knob (`net.ipv4.conf.SCOPE.NAME`, `net.ipv4.neigh.SCOPE.NAME`) as last written. */
export interface DeviceSetting {
  /** `all`, `default` or a device name. */
  readonly scope: string;
  readonly name: string;
  readonly value: number;
  readonly text: string;
  readonly span: Span;
  readonly stage: SettingStage;
}

/** The kernel settings that matter to a Xen dom0's networking, after every boot-time write. */
export interface KernelSettings {
  /** net.ipv4.ip_forward (kernel default 0). */
  readonly ipForward: Setting<boolean>;
  /** net.ipv4.conf.*.{forwarding,proxy_arp,rp_filter,arp_ignore,arp_announce,send_redirects,...} that were written. */
  readonly conf: readonly DeviceSetting[];
  /** net.ipv4.neigh.*.{proxy_delay,base_reachable_time,retrans_time,...} that were written (raw units). */
  readonly neigh: readonly DeviceSetting[];
  /** net.bridge.bridge-nf-call-iptables (2.6.32 default 1: bridged IPv4 goes through iptables). */
  readonly bridgeNfCallIptables: Setting<boolean>;
  readonly bridgeNfCallArptables: Setting<boolean>;
  readonly bridgeNfCallIp6tables: Setting<boolean>;
}

/** /etc/sysctl.conf, /etc/sysctl.d and the /proc/sys writes of the interfaces hooks. */
export interface SysctlConfig {
  /** The files procps applies at boot, in order. */
  readonly files: readonly string[];
  /** Every write, in boot order (procps first, then the hooks of `ifup -a`). */
  readonly assignments: readonly SysctlAssignment[];
  readonly settings: KernelSettings;
}

/** `dhcp-range=[tag,]START,END|static|proxy[,NETMASK[,BROADCAST]][,LEASE]`, with where it was written. */
export interface DnsmasqRange extends RangeValue {
  readonly text: string;
  readonly span: Span;
}

/** `dhcp-host=[MAC...][,IP][,NAME][,LEASE][,ignore]`. */
export interface DnsmasqHost {
  readonly macs: readonly string[];
  readonly ip?: string;
  readonly hostname?: string;
  readonly leaseTime?: number | "infinite";
  readonly ignore: boolean;
  readonly text: string;
  readonly span: Span;
}

/** `dhcp-option=[tags,]CODE|option:NAME[,VALUE...]`. */
export interface DnsmasqOption {
  readonly code: number;
  /** The option's dnsmasq name (`router`), when it has one. */
  readonly name?: string;
  readonly tags: readonly string[];
  /** The value as written after the code (empty: the option is sent empty, e.g. no router). */
  readonly value: string;
  /** The value as addresses, for the options dnsmasq knows take an address list. */
  readonly addresses?: readonly string[];
  readonly force: boolean;
  readonly span: Span;
}

/** One dnsmasq process started at boot: by its init script, or by an interfaces hook. */
export interface DnsmasqConfig {
  readonly origin: "init-script" | "hook";
  /** Where it is started: the hook line, or the first configuration line read. */
  readonly span: Span;
  readonly hook?: HookOrigin;
  /** The configuration files read, in order. */
  readonly files: readonly string[];
  /** The configuration was accepted (`dnsmasq --test` says "syntax check OK"); when not, dnsmasq does not start at all. */
  readonly accepted: boolean;
  /** /etc/default/dnsmasq's ENABLED is not 0. */
  readonly enabled: boolean;
  readonly interfaces: readonly Spanned<string>[];
  readonly exceptInterfaces: readonly Spanned<string>[];
  readonly noDhcpInterfaces: readonly Spanned<string>[];
  readonly listenAddresses: readonly Spanned<string>[];
  readonly bindInterfaces: Setting<boolean>;
  readonly ranges: readonly DnsmasqRange[];
  readonly hosts: readonly DnsmasqHost[];
  readonly options: readonly DnsmasqOption[];
  readonly noPing: Setting<boolean>;
  readonly authoritative: Setting<boolean>;
  /** dhcp-lease-max (default 1000). */
  readonly leaseMax: Setting<number>;
  /** port= (default 53; 0 turns DNS off). */
  readonly port: Setting<number>;
  readonly domain?: Spanned<string>;
}

/** `range [dynamic-bootp] LOW [HIGH];`. */
export interface DhcpdRange {
  readonly low: string;
  readonly high: string;
  readonly dynamicBootp: boolean;
  readonly span: Span;
}

/** An `option NAME VALUE;` (or a server parameter such as `default-lease-time 600;`) in a scope. */
export interface DhcpdParameter {
  readonly name: string;
  /** The value tokens as written, joined by single spaces (commas kept as their own tokens). */
  readonly value: string;
  /** IP addresses, for the options whose format is a list of addresses (routers, domain-name-servers...). */
  readonly addresses?: readonly string[];
  /** Numbers, for the parameters that take a number (lease times...). */
  readonly number?: number;
  readonly span: Span;
}

/** `subnet NET netmask MASK { ... }`. */
export interface DhcpdSubnet {
  readonly network: string;
  readonly netmask: string;
  readonly prefix: number;
  readonly sharedNetwork?: string;
  readonly ranges: readonly DhcpdRange[];
  readonly parameters: readonly DhcpdParameter[];
  /** The subnet's own `authoritative;` / `not authoritative;`, else the enclosing scope's. */
  readonly authoritative: boolean;
  readonly span: Span;
}

/** `host NAME { hardware ethernet MAC; fixed-address IP; ... }`. */
export interface DhcpdHost {
  readonly name: string;
  readonly mac?: Spanned<string>;
  readonly fixedAddresses: readonly Spanned<string>[];
  readonly parameters: readonly DhcpdParameter[];
  readonly span: Span;
}

/** ISC dhcpd (isc-dhcp-server on Squeeze, dhcp3-server before), as its init script starts it. */
export interface DhcpdConfig {
  readonly package: "isc-dhcp-server" | "dhcp3-server";
  readonly file: string;
  /** /etc/default/isc-dhcp-server (or dhcp3-server), when present. */
  readonly defaultsFile?: string;
  /** `dhcpd -t` passes; when it does not, the init script refuses to start dhcpd. */
  readonly accepted: boolean;
  /** INTERFACES= words; empty means every interface with a subnet declaration. */
  readonly interfaces: readonly Spanned<string>[];
  readonly interfacesSpan?: Span;
  readonly subnets: readonly DhcpdSubnet[];
  readonly hosts: readonly DhcpdHost[];
  /** Top-level parameters and options. */
  readonly parameters: readonly DhcpdParameter[];
  readonly authoritative: Setting<boolean>;
  /** Seconds (dhcpd's default 43200). */
  readonly defaultLeaseTime: Setting<number>;
  /** Seconds (dhcpd's default 86400). */
  readonly maxLeaseTime: Setting<number>;
}

/** A rule line (`-A ...`) or a hook's iptables command, reduced to the facts the checks need. */
export interface FirewallRule {
  readonly table: string;
  readonly chain: string;
  /** The arguments as iptables receives them (without `-t TABLE` for rules.v4 lines). */
  readonly argv: readonly string[];
  readonly span: Span;
  readonly target?: string;
  /** `-o IF` (and where its value is), when given. */
  readonly outIface?: Spanned<string>;
  readonly outInvert: boolean;
  /** `-s` as written. */
  readonly source?: string;
  readonly origin: "rules-file" | "hook";
  readonly hook?: HookOrigin;
}

/** A chain header `:NAME POLICY [p:b]`. */
export interface RulesChain {
  readonly name: string;
  readonly policy: string;
  readonly span: Span;
}

/** One `*table ... COMMIT` block. */
export interface RulesTable {
  readonly name: string;
  readonly span: Span;
  readonly chains: readonly RulesChain[];
  /** Reached its COMMIT line and the kernel would take it. */
  readonly committed: boolean;
}

/** Why iptables-restore stops: what it prints and the line it blames. */
export interface RestoreFailure {
  readonly line: number;
  readonly span: Span;
  /** iptables-restore's stderr, as 1.4.8 prints it. */
  readonly stderr: string;
  readonly exitCode: number;
}

/** /etc/iptables/rules.v4 (or Squeeze's /etc/iptables/rules), as iptables-persistent restores it. */
export interface RulesFile {
  readonly file: string;
  readonly accepted: boolean;
  readonly failure?: RestoreFailure;
  readonly tables: readonly RulesTable[];
  readonly rules: readonly FirewallRule[];
}

/** The firewall dom0 ends up with: the restored file, then the hooks' commands. */
export interface FirewallConfig {
  readonly rulesFile?: RulesFile;
  readonly hookRules: readonly FirewallRule[];
}

/** Something on the host that affects networking but that xennet does not simulate. */
export interface UnsimulatedService {
  readonly name: string;
  readonly what: string;
  readonly span: Span;
}

/** dom0's own services and kernel settings. */
export interface Dom0Services {
  readonly sysctl: SysctlConfig;
  /** The dnsmasq processes boot starts (the service, and any started from a hook). */
  readonly dnsmasq: readonly DnsmasqConfig[];
  readonly dhcpd?: DhcpdConfig;
  readonly firewall: FirewallConfig;
  readonly notSimulated: readonly UnsimulatedService[];
}
