// Link-layer devices: the NetDev contract and its implementations.
export { BaseDev, ETH_HEADER, type NetDev, type DevCounters, type DevKind, type FrameSink } from "./net-dev.ts";
export { Nic } from "./nic.ts";
export { Cable, GIGABIT, WIRE_OVERHEAD, MIN_FRAME, type CableOptions } from "./cable.ts";
export { Veth, type VethEnd } from "./veth.ts";
export { Netfront, Netback, XEN_BACKEND_MAC, DEFAULT_RING_DELAY, type BackendState, type NetbackOptions } from "./xen-netif.ts";
export { Dummy } from "./dummy.ts";
export { Hub } from "./hub.ts";
export * from "./bridge/index.ts";
