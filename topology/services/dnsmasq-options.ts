// dnsmasq's option table: the long names, whether each takes an argument (getopt_long's has_arg:
// 0 none, 1 required, 2 optional), the short letter, and how often it may be given. This is the
// `opts[]` and `usage[]` of dnsmasq 2.55's src/option.c (Squeeze): an ARG_ONE option given twice
// in the files is "illegal repeated keyword" (and on the command line "illegal repeated flag"),
// flags may be repeated, everything else adds one more entry. Releases after Squeeze accept the
// options dnsmasq grew since (the list of dnsmasq 2.90's `--help`), read here without typing.

/** One option. */
export interface DnsmasqOptionSpec {
  readonly name: string;
  /** The short option letter, when there is one. */
  readonly short?: string;
  readonly arg: 0 | 1 | 2;
  /** ARG_ONE: may be given once. */
  readonly once?: boolean;
}

const ONE = true;

/** [name, has_arg, short letter or "", once] for dnsmasq 2.55. */
const TABLE: readonly (readonly [string, 0 | 1 | 2, string, boolean?])[] = [
  ["version", 0, "v"], ["no-hosts", 0, "h"], ["no-poll", 0, "n"], ["help", 0, "w"], ["no-daemon", 0, "d"], ["log-queries", 0, "q"],
  ["user", 2, "u", ONE], ["group", 2, "g", ONE], ["resolv-file", 2, "r"], ["mx-host", 1, "m"], ["mx-target", 1, "t", ONE],
  ["cache-size", 2, "c", ONE], ["port", 1, "p", ONE], ["dhcp-leasefile", 2, "l", ONE], ["dhcp-lease", 1, "l", ONE], ["dhcp-host", 1, "G"],
  ["dhcp-range", 1, "F"], ["dhcp-option", 1, "O"], ["dhcp-boot", 1, "M"], ["domain", 1, "s"], ["domain-suffix", 1, "s"], ["interface", 1, "i"],
  ["listen-address", 1, "a"], ["bogus-priv", 0, "b"], ["bogus-nxdomain", 1, "B"], ["selfmx", 0, "e"], ["filterwin2k", 0, "f"],
  ["pid-file", 2, "x", ONE], ["strict-order", 0, "o"], ["server", 1, "S"], ["local", 1, ""], ["address", 1, "A"], ["conf-file", 2, "C"],
  ["no-resolv", 0, "R"], ["expand-hosts", 0, "E"], ["localmx", 0, "L"], ["local-ttl", 1, "T", ONE], ["no-negcache", 0, "N"],
  ["addn-hosts", 1, "H"], ["query-port", 1, "Q", ONE], ["except-interface", 1, "I"], ["no-dhcp-interface", 1, "2"], ["domain-needed", 0, "D"],
  ["dhcp-lease-max", 1, "X", ONE], ["bind-interfaces", 0, "z"], ["read-ethers", 0, "Z"], ["alias", 1, "V"], ["dhcp-vendorclass", 1, "U"],
  ["dhcp-userclass", 1, "j"], ["dhcp-ignore", 1, "J"], ["edns-packet-max", 1, "P", ONE], ["keep-in-foreground", 0, "k"],
  ["dhcp-authoritative", 0, "K"], ["srv-host", 1, "W"], ["localise-queries", 0, "y"], ["txt-record", 1, "Y"], ["enable-dbus", 0, "1"],
  ["bootp-dynamic", 2, "3"], ["dhcp-mac", 1, "4"], ["no-ping", 0, "5"], ["dhcp-script", 1, "6", ONE], ["conf-dir", 1, "7"],
  ["log-facility", 1, "8", ONE], ["leasefile-ro", 0, "9"], ["dns-forward-max", 1, "0", ONE], ["clear-on-reload", 0, ""],
  ["dhcp-ignore-names", 2, ""], ["enable-tftp", 0, ""], ["tftp-secure", 0, ""], ["tftp-unique-root", 0, ""], ["tftp-root", 1, "", ONE],
  ["tftp-max", 1, "", ONE], ["ptr-record", 1, ""], ["naptr-record", 1, ""], ["bridge-interface", 1, ""], ["dhcp-option-force", 1, ""],
  ["tftp-no-blocksize", 0, ""], ["log-dhcp", 0, ""], ["log-async", 2, "", ONE], ["dhcp-circuitid", 1, ""], ["dhcp-remoteid", 1, ""],
  ["dhcp-subscrid", 1, ""], ["interface-name", 1, ""], ["dhcp-hostsfile", 1, "", ONE], ["dhcp-optsfile", 1, "", ONE],
  ["dhcp-no-override", 0, ""], ["tftp-port-range", 1, "", ONE], ["stop-dns-rebind", 0, ""], ["all-servers", 0, ""], ["dhcp-match", 1, ""],
  ["dhcp-broadcast", 1, ""], ["neg-ttl", 1, "", ONE], ["dhcp-alternate-port", 2, "", ONE], ["dhcp-scriptuser", 1, "", ONE],
  ["min-port", 1, "", ONE], ["dhcp-fqdn", 0, ""], ["cname", 1, ""], ["pxe-prompt", 1, ""], ["pxe-service", 1, ""], ["test", 0, ""],
  ["dhcp-proxy", 2, ""], ["dhcp-generate-names", 2, ""], ["rebind-localhost-ok", 0, ""], ["rebind-domain-ok", 1, ""],
  ["tftp-lowercase", 0, ""], ["dhcp-sequential-ip", 0, ""], ["tag-if", 1, ""], ["dhcp-client-update", 0, ""],
];

/** Options dnsmasq gained after 2.55 (from 2.90's `--help`), accepted with or without a value on newer releases. */
const LATER: readonly string[] = [
  "add-cpe-id", "add-mac", "add-subnet", "auth-peer", "auth-sec-servers", "auth-server", "auth-soa", "auth-ttl", "auth-zone", "bind-dynamic",
  "caa-record", "cache-rr", "conf-script", "connmark-allowlist", "connmark-allowlist-enable", "conntrack", "dhcp-duid", "dhcp-hostsdir",
  "dhcp-ignore-clid", "dhcp-luascript", "dhcp-name-match", "dhcp-optsdir", "dhcp-pxe-vendor", "dhcp-rapid-commit", "dhcp-relay",
  "dhcp-reply-delay", "dhcp-ttl", "dns-loop-detect", "dns-rr", "dnssec", "dnssec-check-unsigned", "dnssec-debug", "dnssec-limits",
  "dnssec-no-timecheck", "dnssec-timestamp", "dumpfile", "dumpmask", "dynamic-host", "enable-ra", "enable-ubus", "fast-dns-retry", "filter-A",
  "filter-AAAA", "filter-rr", "host-record", "hostsdir", "ignore-address", "ipset", "local-service", "log-debug", "max-cache-ttl", "max-port",
  "max-tcp-connections", "max-ttl", "min-cache-ttl", "nftset", "no-dhcpv4-interface", "no-dhcpv6-interface", "no-ident", "no-round-robin",
  "port-limit", "proxy-dnssec", "quiet-dhcp", "quiet-dhcp6", "quiet-ra", "quiet-tftp", "ra-param", "rev-server", "script-arp",
  "script-on-renewal", "servers-file", "shared-network", "strip-mac", "strip-subnet", "synth-domain", "tftp-mtu", "tftp-no-fail",
  "tftp-single-port", "trust-anchor", "umbrella", "use-stale-cache",
];

/** The options a dnsmasq of this age knows, by long name. */
export function dnsmasqOptions(modern: boolean): ReadonlyMap<string, DnsmasqOptionSpec> {
  const map = new Map<string, DnsmasqOptionSpec>();
  for (const [name, arg, short, once] of TABLE) {
    const spec: DnsmasqOptionSpec = { name, arg, ...(short === "" ? {} : { short }), ...(once === true ? { once } : {}) };
    map.set(name, spec);
  }
  if (modern) for (const name of LATER) map.set(name, { name, arg: 2 });
  return map;
}

/** getopt's short option string: letters followed by `:` take an argument. */
export function shortOptions(options: ReadonlyMap<string, DnsmasqOptionSpec>): string {
  let spec = "";
  for (const o of options.values()) if (o.short !== undefined && !spec.includes(o.short)) spec += o.arg === 0 ? o.short : `${o.short}:`;
  return spec;
}
