// The errno values the IPv4 stack reports to its callers (sockets, `ip addr|route|neigh`), with
// the text glibc's strerror gives them — what `ip` prints after "RTNETLINK answers: " and what
// ping/traceroute print for a socket error.

/** An error number, by its C name. */
export type Errno =
  | "EACCES"
  | "EADDRINUSE"
  | "EADDRNOTAVAIL"
  | "ECONNREFUSED"
  | "EDESTADDRREQ"
  | "EEXIST"
  | "EHOSTDOWN"
  | "EHOSTUNREACH"
  | "EINVAL"
  | "EMSGSIZE"
  | "ENETDOWN"
  | "ENETUNREACH"
  | "ENODEV"
  | "ENOENT"
  | "ENONET"
  | "ENOPROTOOPT"
  | "EOPNOTSUPP"
  | "EPERM"
  | "EPROTO"
  | "ESRCH";

const TEXT: Readonly<Record<Errno, string>> = {
  EACCES: "Permission denied",
  EADDRINUSE: "Address already in use",
  EADDRNOTAVAIL: "Cannot assign requested address",
  ECONNREFUSED: "Connection refused",
  EDESTADDRREQ: "Destination address required",
  EEXIST: "File exists",
  EHOSTDOWN: "Host is down",
  EHOSTUNREACH: "No route to host",
  EINVAL: "Invalid argument",
  EMSGSIZE: "Message too long",
  ENETDOWN: "Network is down",
  ENETUNREACH: "Network is unreachable",
  ENODEV: "No such device",
  ENOENT: "No such file or directory",
  ENONET: "Machine is not on the network",
  ENOPROTOOPT: "Protocol not available",
  EOPNOTSUPP: "Operation not supported",
  EPERM: "Operation not permitted",
  EPROTO: "Protocol error",
  ESRCH: "No such process",
};

/** strerror(errno), e.g. "Network is unreachable". */
export function errnoText(errno: Errno): string {
  return TEXT[errno];
}

/** What an ICMP destination-unreachable code means to a socket (icmp_err_convert in net/ipv4/icmp.c). */
export const ICMP_UNREACH_ERRNO: readonly { readonly errno: Errno; readonly fatal: boolean }[] = [
  { errno: "ENETUNREACH", fatal: false }, // net unreachable
  { errno: "EHOSTUNREACH", fatal: false }, // host unreachable
  { errno: "ENOPROTOOPT", fatal: true }, // protocol unreachable
  { errno: "ECONNREFUSED", fatal: true }, // port unreachable
  { errno: "EMSGSIZE", fatal: false }, // fragmentation needed
  { errno: "EOPNOTSUPP", fatal: false }, // source route failed
  { errno: "ENETUNREACH", fatal: true }, // net unknown
  { errno: "EHOSTDOWN", fatal: true }, // host unknown
  { errno: "ENONET", fatal: true }, // host isolated
  { errno: "ENETUNREACH", fatal: true }, // net prohibited
  { errno: "EHOSTUNREACH", fatal: true }, // host prohibited
  { errno: "ENETUNREACH", fatal: false }, // net unreachable for TOS
  { errno: "EHOSTUNREACH", fatal: false }, // host unreachable for TOS
  { errno: "EHOSTUNREACH", fatal: true }, // communication administratively prohibited
  { errno: "EHOSTUNREACH", fatal: true }, // host precedence violation
  { errno: "EHOSTUNREACH", fatal: true }, // precedence cut-off
];
