// The option and parameter names ISC DHCP 4.1.1 knows, with the format letters of common/tables.c
// and server/stables.c that decide how a value is parsed: `I` an IP address (or host name), `A`
// after a format "an array of", `L`/`l`/`T` 32-bit numbers (T also `infinite`), `S`/`s` 16-bit,
// `B`/`b` 8-bit, `f` a boolean, `t` a quoted string, `N` an enumeration, anything else (data, domain
// lists, encapsulations) taken leniently up to the `;`. Option names are those of the dhcp option
// space (`option NAME ...`); parameter names those of the server space, written without `option`.

/** dhcp option space: name → format. */
export const DHCP_OPTIONS: Readonly<Record<string, string>> = {
  "subnet-mask": "I", "time-offset": "l", routers: "IA", "time-servers": "IA", "ien116-name-servers": "IA", "domain-name-servers": "IA",
  "log-servers": "IA", "cookie-servers": "IA", "lpr-servers": "IA", "impress-servers": "IA", "resource-location-servers": "IA",
  "host-name": "t", "boot-size": "S", "merit-dump": "t", "domain-name": "t", "swap-server": "I", "root-path": "t", "extensions-path": "t",
  "ip-forwarding": "f", "non-local-source-routing": "f", "policy-filter": "IIA", "max-dgram-reassembly": "S", "default-ip-ttl": "B",
  "path-mtu-aging-timeout": "L", "path-mtu-plateau-table": "SA", "interface-mtu": "S", "all-subnets-local": "f", "broadcast-address": "I",
  "perform-mask-discovery": "f", "mask-supplier": "f", "router-discovery": "f", "router-solicitation-address": "I", "static-routes": "IIA",
  "trailer-encapsulation": "f", "arp-cache-timeout": "L", "ieee802-3-encapsulation": "f", "default-tcp-ttl": "B", "tcp-keepalive-interval": "L",
  "tcp-keepalive-garbage": "f", "nis-domain": "t", "nis-servers": "IA", "ntp-servers": "IA", "vendor-encapsulated-options": "E",
  "netbios-name-servers": "IA", "netbios-dd-server": "IA", "netbios-node-type": "B", "netbios-scope": "t", "font-servers": "IA",
  "x-display-manager": "IA", "dhcp-requested-address": "I", "dhcp-lease-time": "L", "dhcp-option-overload": "B", "dhcp-message-type": "B",
  "dhcp-server-identifier": "I", "dhcp-parameter-request-list": "BA", "dhcp-message": "t", "dhcp-max-message-size": "S",
  "dhcp-renewal-time": "L", "dhcp-rebinding-time": "L", "vendor-class-identifier": "X", "dhcp-client-identifier": "X", "nwip-domain": "t",
  "nwip-suboptions": "E", "nisplus-domain": "t", "nisplus-servers": "IA", "tftp-server-name": "t", "bootfile-name": "t",
  "mobile-ip-home-agent": "IA", "smtp-server": "IA", "pop-server": "IA", "nntp-server": "IA", "www-server": "IA", "finger-server": "IA",
  "irc-server": "IA", "streettalk-server": "IA", "streettalk-directory-assistance-server": "IA", "user-class": "t", "slp-directory-agent": "X",
  "slp-service-scope": "X", "fqdn": "E", "relay-agent-information": "E", "nds-servers": "IA", "nds-tree-name": "t", "nds-context": "t",
  "bcms-controller-names": "D", "bcms-controller-address": "IA", "client-last-transaction-time": "L", "associated-ip": "IA",
  "uap-servers": "t", "subnet-selection": "I", "authenticate": "X", "domain-search": "D", "vivco": "X", "vivso": "X", "pxe-system-type": "X",
  "pxe-interface-id": "X", "pxe-client-id": "X", "geoconf-civic": "X", "pcode": "t", "tcode": "t", "netinfo-server-address": "IA",
  "netinfo-server-tag": "t", "default-url": "t", "sip-server": "X", "classless-static-route": "X",
};

/** server option space (stables.c): parameters written bare, e.g. `default-lease-time 600;`. */
export const SERVER_PARAMETERS: Readonly<Record<string, string>> = {
  "default-lease-time": "T", "max-lease-time": "T", "min-lease-time": "T", "dynamic-bootp-lease-cutoff": "T", "dynamic-bootp-lease-length": "L",
  "boot-unknown-clients": "f", "dynamic-bootp": "f", "allow-bootp": "f", "allow-booting": "f", "one-lease-per-client": "f",
  "get-lease-hostnames": "f", "use-host-decl-names": "f", "use-lease-addr-for-default-route": "f", "min-secs": "B", "filename": "t",
  "server-name": "t", "next-server": "I", "vendor-option-space": "X", "site-option-space": "X", "always-reply-rfc1048": "f",
  "always-broadcast": "f", "ddns-domainname": "t", "ddns-hostname": "t", "ddns-rev-domainname": "t", "lease-file-name": "t",
  "pid-file-name": "t", "duplicates": "f", "declines": "f", "ddns-updates": "f", "omapi-port": "S", "local-port": "S",
  "limited-broadcast-address": "I", "remote-port": "S", "local-address": "I", "omapi-key": "d", "stash-agent-options": "f", "ddns-ttl": "T",
  "ddns-update-style": "N", "client-updates": "f", "update-optimization": "f", "ping-check": "f", "update-static-leases": "f",
  "log-facility": "N", "do-forward-updates": "f", "ping-timeout": "T", "infinite-is-reserved": "f", "update-conflict-detection": "f",
  "leasequery": "f", "adaptive-lease-time-threshold": "B", "do-reverse-updates": "f", "fqdn-reply": "f", "preferred-lifetime": "T",
  "dhcpv6-lease-file-name": "t", "dhcpv6-pid-file-name": "t", "limit-addrs-per-ia": "L", "limit-prefs-per-ia": "L", "delayed-ack": "S",
  "max-ack-delay": "L", "dhcp-cache-threshold": "B",
};

/** Values of the enumerations the server parameters use. */
export const ENUMERATIONS: Readonly<Record<string, readonly string[]>> = {
  "ddns-update-style": ["ad-hoc", "interim", "none"],
  "log-facility": ["kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"],
};

/** Statements dhcpd parses as executable statements or declarations xennet does not model; each is skipped whole. */
export const SKIPPED_STATEMENTS: readonly string[] = [
  "class", "subclass", "vendor-class", "user-class", "failover", "key", "zone", "if", "elsif", "else", "on", "set", "unset", "eval",
  "log", "execute", "switch", "case", "default", "return", "define", "ddns-update", "add", "break", "fetch", "billing", "lease",
];

/** Words a boolean (`f`) accepts. */
export const BOOLEANS: readonly string[] = ["true", "false", "on", "off", "ignore"];
