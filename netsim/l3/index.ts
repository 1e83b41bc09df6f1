// The public surface of netsim/l3: one IPv4 stack per node, its sockets, the routing table, the
// netfilter hook interface and the netfilter implementation behind it.
export { Ipv4Stack, type IpPacketInfo, type ProtocolHandler } from "./ipv4-stack.ts";
export type { AddressInfo, NeighbourInfo, NeighbourNud, RouteGetResult, RouteSpec } from "./stack-api.ts";
export type { AddressSpec, AddrScope, IfAddress } from "./interface-addresses.ts";
export { RouteTable, route, formatDestination, type Route, type RouteError, type RouteProto, type RouteScope } from "./route-table.ts";
export { UdpSocket, type SocketError, type UdpDatagramInfo, type UdpSendTo } from "./udp-sockets.ts";
export { RawIcmpSocket, type RawIcmpPacket, type RawSendOptions } from "./raw-sockets.ts";
export { PacketSocket, type PacketInfo, type PacketType } from "./packet-sockets.ts";
export { Loopback } from "./loopback.ts";
export type { IcmpErrorReport } from "./icmp-handler.ts";
export type { IpSendOptions, IpWriter, PmtuDisc } from "./ip-output.ts";
export { errnoText, type Errno } from "./errno.ts";
export type { NeighStateName } from "./neighbour.ts";
export type { DevConf, NetConf } from "./linux-params.ts";
export type { HookContext, HookPoint, PacketHooks, RejectWith, StackView, Verdict } from "./hooks.ts";
export { Netfilter } from "./netfilter/index.ts";
export * from "./tcp/index.ts";
