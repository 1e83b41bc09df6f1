// The names `ip route` reads and prints (iproute 20100519's ip/iproute.c usage text and the
// /etc/iproute2/rt_protos, rt_tables and rt_scopes tables Debian ships), shared by the listing and
// the modifying halves of ip route.
import type { RouteProto, RouteScope } from "../../netsim/l3/index.ts";

/** iproute.c usage(). */
export const ROUTE_USAGE = `Usage: ip route { list | flush } SELECTOR
       ip route get ADDRESS [ from ADDRESS iif STRING ]
                            [ oif STRING ]  [ tos TOS ]
       ip route { add | del | change | append | replace | monitor } ROUTE
SELECTOR := [ root PREFIX ] [ match PREFIX ] [ exact PREFIX ]
            [ table TABLE_ID ] [ proto RTPROTO ]
            [ type TYPE ] [ scope SCOPE ]
ROUTE := NODE_SPEC [ INFO_SPEC ]
NODE_SPEC := [ TYPE ] PREFIX [ tos TOS ]
             [ table TABLE_ID ] [ proto RTPROTO ]
             [ scope SCOPE ] [ metric METRIC ]
INFO_SPEC := NH OPTIONS FLAGS [ nexthop NH ]...
NH := [ via ADDRESS ] [ dev STRING ] [ weight NUMBER ] NHFLAGS
OPTIONS := FLAGS [ mtu NUMBER ] [ advmss NUMBER ]
           [ rtt TIME ] [ rttvar TIME ] [reordering NUMBER ]
           [ window NUMBER] [ cwnd NUMBER ] [ initcwnd NUMBER ]
           [ ssthresh NUMBER ] [ realms REALM ] [ src ADDRESS ]
           [ rto_min TIME ] [ hoplimit NUMBER ] [ initrwnd NUMBER ]
TYPE := [ unicast | local | broadcast | multicast | throw |
          unreachable | prohibit | blackhole | nat ]
TABLE_ID := [ local | main | default | all | NUMBER ]
SCOPE := [ host | link | global | NUMBER ]
FLAGS := [ equalize ]
MP_ALGO := { rr | drr | random | wrandom }
NHFLAGS := [ onlink | pervasive ]
RTPROTO := [ kernel | boot | static | NUMBER ]
TIME := NUMBER[s|ms|us|ns|j]
`;

/** /etc/iproute2/rt_protos: RTPROT_* by name. */
export const PROTOS: Readonly<Record<string, number>> = { redirect: 1, kernel: 2, boot: 3, static: 4, gated: 8, ra: 9, mrt: 10, zebra: 11, bird: 12, dnrouted: 13, xorp: 14, ntk: 15, dhcp: 16 };
/** The protocols the simulated table keeps. */
export const PROTO_OF: Readonly<Record<number, RouteProto>> = { 2: "kernel", 3: "boot", 4: "static", 16: "dhcp" };
/** rt_scope_t of a route scope. */
export const SCOPE_NUM: Readonly<Record<RouteScope, number>> = { global: 0, link: 253, host: 254 };
/** rtnl_rtntype_a2n's route type names. */
export const TYPES = ["unicast", "local", "broadcast", "anycast", "multicast", "blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve"];
/** /etc/iproute2/rt_tables. */
export const TABLES: Readonly<Record<string, number>> = { local: 255, main: 254, default: 253, unspec: 0 };
