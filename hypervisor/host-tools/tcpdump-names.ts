// The port names tcpdump prints without -n: its servarray is filled from getservent(3), i.e. from
// /etc/services of Debian Squeeze's netbase 4.45, where port 80 is still `www` (http became the
// canonical name in netbase 5.0) and port 143 is `imap2`. Only the ports a Xen host and its guests
// commonly use are listed; any other port prints as its number, as it would for a port that
// /etc/services does not name.

const TCP: Readonly<Record<number, string>> = {
  20: "ftp-data",
  21: "ftp",
  22: "ssh",
  23: "telnet",
  25: "smtp",
  53: "domain",
  80: "www",
  110: "pop3",
  111: "sunrpc",
  113: "auth",
  119: "nntp",
  139: "netbios-ssn",
  143: "imap2",
  389: "ldap",
  443: "https",
  445: "microsoft-ds",
  873: "rsync",
  993: "imaps",
  995: "pop3s",
  2049: "nfs",
  3128: "squid",
  3306: "mysql",
  5432: "postgresql",
  6000: "x11",
  8080: "webcache",
};

const UDP: Readonly<Record<number, string>> = {
  53: "domain",
  67: "bootps",
  68: "bootpc",
  69: "tftp",
  111: "sunrpc",
  123: "ntp",
  137: "netbios-ns",
  138: "netbios-dgm",
  161: "snmp",
  162: "snmp-trap",
  514: "syslog",
  520: "route",
  2049: "nfs",
  5353: "mdns",
};

/** The /etc/services name of a port, if Squeeze's netbase has one. */
export function portName(port: number, proto: "tcp" | "udp"): string | undefined {
  return (proto === "tcp" ? TCP : UDP)[port];
}
