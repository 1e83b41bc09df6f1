// The public surface of netsim/l3/tcp: a TCP for an Ipv4Stack that behaves, on the wire and in its
// timers, like Linux 2.6.32's — `new TcpLayer(stack)` registers it as protocol 6; `listen` and
// `connect` give TcpListener and TcpConnection sockets.
export { TcpLayer, type ConnectOptions, type TcpSocketInfo } from "./tcp-layer.ts";
export { TcpListener } from "./listener.ts";
export { TcpConnection, type TcpState, type TcpStats } from "./connection.ts";
export { tcpErrnoText, type TcpErrno } from "./errors.ts";
export { DEFAULT_TCP_PARAMS, retransmitsTimedOut, TCP_RTO_MAX, TCP_RTO_MIN, TCP_TIMEOUT_INIT, TCP_TIMEWAIT_LEN, type TcpParams } from "./params.ts";
