// The name tables iptables 1.4.8 consults on a Debian Squeeze host: /etc/protocols and /etc/services
// from netbase (getprotobyname/getservbyport), libxtables' `xtables_chain_protos` fallback list,
// libipt_icmp.c's ICMP type names and libipt_REJECT.c's reject types. Only the entries a Xen host's
// rules plausibly use are carried; a name missing here behaves as an unknown name does on the host.
import type { RejectWith } from "../hooks.ts";

/** /etc/protocols (netbase 4.45): official name → number, in file order. */
const PROTOCOLS: readonly (readonly [string, number])[] = [
  ["ip", 0],
  ["icmp", 1],
  ["igmp", 2],
  ["ggp", 3],
  ["ipencap", 4],
  ["st", 5],
  ["tcp", 6],
  ["egp", 8],
  ["igp", 9],
  ["pup", 12],
  ["udp", 17],
  ["hmp", 20],
  ["xns-idp", 22],
  ["rdp", 27],
  ["iso-tp4", 29],
  ["xtp", 36],
  ["ddp", 37],
  ["idpr-cmtp", 38],
  ["ipv6", 41],
  ["ipv6-route", 43],
  ["ipv6-frag", 44],
  ["idrp", 45],
  ["rsvp", 46],
  ["gre", 47],
  ["esp", 50],
  ["ah", 51],
  ["skip", 57],
  ["ipv6-icmp", 58],
  ["ipv6-nonxt", 59],
  ["ipv6-opts", 60],
  ["rspf", 73],
  ["vmtp", 81],
  ["eigrp", 88],
  ["ospf", 89],
  ["ax.25", 93],
  ["ipip", 94],
  ["etherip", 97],
  ["encap", 98],
  ["pim", 103],
  ["ipcomp", 108],
  ["vrrp", 112],
  ["l2tp", 115],
  ["isis", 124],
  ["sctp", 132],
  ["fc", 133],
  ["udplite", 136],
];

/** libxtables' `xtables_chain_protos`: the names iptables knows without /etc/protocols. */
const CHAIN_PROTOS: readonly (readonly [string, number])[] = [
  ["tcp", 6],
  ["sctp", 132],
  ["udp", 17],
  ["udplite", 136],
  ["icmp", 1],
  ["icmpv6", 58],
  ["esp", 50],
  ["ah", 51],
  ["all", 0],
];

/** getprotobyname: the number of an /etc/protocols name. */
export function protocolByName(name: string): number | undefined {
  return PROTOCOLS.find(([n]) => n === name)?.[1];
}

/** getprotobynumber: the official /etc/protocols name of a number. */
export function protocolName(num: number): string | undefined {
  return PROTOCOLS.find(([, p]) => p === num)?.[0];
}

/** The `xtables_chain_protos` entry for a name, used when /etc/protocols has none. */
export function chainProtoByName(name: string): number | undefined {
  return CHAIN_PROTOS.find(([n]) => n === name)?.[1];
}

/** proto_to_name in iptables.c: /etc/protocols unless numeric, then `xtables_chain_protos`. */
export function protoToName(num: number, numeric: boolean): string | undefined {
  if (num !== 0 && !numeric) {
    const name = protocolName(num);
    if (name !== undefined) return name;
  }
  return CHAIN_PROTOS.find(([, p]) => p === num)?.[0];
}

/** /etc/services (netbase 4.45) entries for tcp and udp: official name, port, protocols. */
const SERVICES: readonly (readonly [string, number, "tcp" | "udp" | "both"])[] = [
  ["echo", 7, "both"],
  ["discard", 9, "both"],
  ["daytime", 13, "both"],
  ["ftp-data", 20, "tcp"],
  ["ftp", 21, "tcp"],
  ["ssh", 22, "both"],
  ["telnet", 23, "tcp"],
  ["smtp", 25, "tcp"],
  ["time", 37, "both"],
  ["whois", 43, "tcp"],
  ["domain", 53, "both"],
  ["bootps", 67, "both"],
  ["bootpc", 68, "both"],
  ["tftp", 69, "udp"],
  ["gopher", 70, "tcp"],
  ["finger", 79, "tcp"],
  ["www", 80, "both"],
  ["kerberos", 88, "both"],
  ["pop3", 110, "both"],
  ["sunrpc", 111, "both"],
  ["auth", 113, "tcp"],
  ["nntp", 119, "tcp"],
  ["ntp", 123, "both"],
  ["netbios-ns", 137, "both"],
  ["netbios-dgm", 138, "both"],
  ["netbios-ssn", 139, "both"],
  ["imap2", 143, "both"],
  ["snmp", 161, "both"],
  ["snmp-trap", 162, "both"],
  ["bgp", 179, "both"],
  ["ldap", 389, "both"],
  ["https", 443, "both"],
  ["microsoft-ds", 445, "both"],
  ["isakmp", 500, "both"],
  ["exec", 512, "tcp"],
  ["biff", 512, "udp"],
  ["login", 513, "tcp"],
  ["who", 513, "udp"],
  ["shell", 514, "tcp"],
  ["syslog", 514, "udp"],
  ["printer", 515, "tcp"],
  ["submission", 587, "both"],
  ["ldaps", 636, "both"],
  ["rsync", 873, "both"],
  ["imaps", 993, "both"],
  ["pop3s", 995, "both"],
  ["openvpn", 1194, "both"],
  ["nfs", 2049, "both"],
  ["mysql", 3306, "both"],
  ["postgresql", 5432, "both"],
  ["x11", 6000, "both"],
  ["http-alt", 8080, "both"],
];

/** getservbyname(name, proto). */
export function serviceByName(name: string, proto: "tcp" | "udp"): number | undefined {
  const hit = SERVICES.find(([n, , p]) => n === name && (p === "both" || p === proto));
  return hit?.[1];
}

/** getservbyport(port, proto): the official name. */
export function serviceName(port: number, proto: "tcp" | "udp"): string | undefined {
  const hit = SERVICES.find(([, n, p]) => n === port && (p === "both" || p === proto));
  return hit?.[0];
}

/** One row of libipt_icmp.c's `icmp_codes`: a name for a type and a code range. */
export interface IcmpTypeName {
  readonly name: string;
  readonly type: number;
  readonly codeMin: number;
  readonly codeMax: number;
}

/** libipt_icmp.c `icmp_codes`, in table order (aliases included, as parse sees them). */
export const ICMP_TYPE_NAMES: readonly IcmpTypeName[] = [
  ["any", 0xff, 0, 0xff],
  ["echo-reply", 0, 0, 0xff],
  ["pong", 0, 0, 0xff],
  ["destination-unreachable", 3, 0, 0xff],
  ["network-unreachable", 3, 0, 0],
  ["host-unreachable", 3, 1, 1],
  ["protocol-unreachable", 3, 2, 2],
  ["port-unreachable", 3, 3, 3],
  ["fragmentation-needed", 3, 4, 4],
  ["source-route-failed", 3, 5, 5],
  ["network-unknown", 3, 6, 6],
  ["host-unknown", 3, 7, 7],
  ["network-prohibited", 3, 9, 9],
  ["host-prohibited", 3, 10, 10],
  ["TOS-network-unreachable", 3, 11, 11],
  ["TOS-host-unreachable", 3, 12, 12],
  ["communication-prohibited", 3, 13, 13],
  ["host-precedence-violation", 3, 14, 14],
  ["precedence-cutoff", 3, 15, 15],
  ["source-quench", 4, 0, 0xff],
  ["redirect", 5, 0, 0xff],
  ["network-redirect", 5, 0, 0],
  ["host-redirect", 5, 1, 1],
  ["TOS-network-redirect", 5, 2, 2],
  ["TOS-host-redirect", 5, 3, 3],
  ["echo-request", 8, 0, 0xff],
  ["ping", 8, 0, 0xff],
  ["router-advertisement", 9, 0, 0xff],
  ["router-solicitation", 10, 0, 0xff],
  ["time-exceeded", 11, 0, 0xff],
  ["ttl-exceeded", 11, 0, 0xff],
  ["ttl-zero-during-transit", 11, 0, 0],
  ["ttl-zero-during-reassembly", 11, 1, 1],
  ["parameter-problem", 12, 0, 0xff],
  ["ip-header-bad", 12, 0, 0],
  ["required-option-missing", 12, 1, 1],
  ["timestamp-request", 13, 0, 0xff],
  ["timestamp-reply", 14, 0, 0xff],
  ["address-mask-request", 17, 0, 0xff],
  ["address-mask-reply", 18, 0, 0xff],
].map(([name, type, codeMin, codeMax]) => ({ name: name as string, type: type as number, codeMin: codeMin as number, codeMax: codeMax as number }));

/** libipt_REJECT.c `reject_table`: name, alias, kind, in table order (parse takes the first prefix hit). */
export const REJECT_NAMES: readonly { readonly name: RejectWith; readonly alias: string }[] = [
  { name: "icmp-net-unreachable", alias: "net-unreach" },
  { name: "icmp-host-unreachable", alias: "host-unreach" },
  { name: "icmp-proto-unreachable", alias: "proto-unreach" },
  { name: "icmp-port-unreachable", alias: "port-unreach" },
  { name: "icmp-net-prohibited", alias: "net-prohib" },
  { name: "icmp-host-prohibited", alias: "host-prohib" },
  { name: "tcp-reset", alias: "tcp-rst" },
  { name: "icmp-admin-prohibited", alias: "admin-prohib" },
];

/** syslog levels libipt_LOG.c accepts by name (`ipt_log_names`). */
export const LOG_LEVEL_NAMES: readonly (readonly [string, number])[] = [
  ["alert", 1],
  ["crit", 2],
  ["debug", 7],
  ["emerg", 0],
  ["error", 3],
  ["info", 6],
  ["notice", 5],
  ["panic", 0],
  ["warning", 4],
];

/**
 * Extensions iptables 1.4.8 ships that this simulator does not model. Naming one is refused with a
 * plain "not simulated" message rather than a fake "Couldn't load" (which the real host would not print).
 */
export const UNSIMULATED_TARGETS: readonly string[] = [
  "CLASSIFY", "CLUSTERIP", "CONNMARK", "CONNSECMARK", "CT", "DSCP", "ECN", "IDLETIMER", "MARK", "MIRROR",
  "NETMAP", "NFLOG", "NFQUEUE", "NOTRACK", "RATEEST", "REDIRECT", "SAME", "SECMARK", "SET", "TCPMSS",
  "TCPOPTSTRIP", "TEE", "TOS", "TPROXY", "TRACE", "TTL", "ULOG",
];

/** Match extensions of iptables 1.4.8 this simulator does not model. */
export const UNSIMULATED_MATCHES: readonly string[] = [
  "addrtype", "ah", "cluster", "connbytes", "connlimit", "connmark", "dccp", "dscp", "ecn",
  "esp", "hashlimit", "helper", "iprange", "length", "limit", "mac", "mark", "multiport", "owner",
  "pkttype", "policy", "quota", "rateest", "realm", "recent", "sctp", "set", "socket", "statistic",
  "string", "tcpmss", "time", "tos", "ttl", "u32", "udplite", "unclean",
];
