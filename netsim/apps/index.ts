// The public surface of netsim/apps: the dnsmasq-like DHCP server, the udhcpc and dhclient DHCP
// clients, iputils ping, traceroute 2.0 and the UDP echo service.
export { DnsmasqServer, type DhcpServerOptions, type DhcpRangeConfig, type DhcpHostConfig, type DhcpInterfaceConfig } from "./dhcp-server.ts";
export { LeaseTable, sdbmHash, hashStart, type DhcpLease } from "./dhcp-leases.ts";
export {
  createDhcpClient,
  DhcpClient,
  UdhcpcClient,
  DhclientClient,
  type DhcpClientOptions,
  type DhcpClientFlavour,
  type DhcpClientLease,
  type DhcpClientState,
  type DhcpClientStateName,
  type StateChange,
} from "./dhcp-client.ts";
export { dhclientDiscoverInterval, dhclientRequestInterval, dhclientLeaseTimes, DHCLIENT_DEFAULTS, UDHCPC_DEFAULTS } from "./dhcp-client-timers.ts";
export { Ping, type PingOptions } from "./ping.ts";
export { Traceroute, type TracerouteOptions } from "./traceroute.ts";
export { UdpEchoServer, UdpEchoClient, type EchoResult, type EchoSeen } from "./udp-echo.ts";
export { TcpFlowServer, TcpFlowClient, type FlowEnd, type TcpFlowSession, type TcpFlowServerOptions, type TcpFlowOptions, type TcpFlowReport } from "./tcp-flow.ts";
