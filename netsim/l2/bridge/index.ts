// The Linux learning bridge with 802.1D STP: public surface.
export { Bridge, type BridgeOptions, type PortOptions, type BridgeErrno, type BridgeResult } from "./bridge.ts";
export { BridgePort, portCost, makePortId, DEFAULT_PORT_PRIORITY, MAX_PORT_PRIORITY, MAX_PORTS, type PortState } from "./port.ts";
export { Fdb, FdbEntry, type ShowMacsRow } from "./fdb.ts";
export { Stp } from "./stp.ts";
export { HOLD_TIME, MESSAGE_AGE_INCR, type PortRole } from "./stp-core.ts";
export { StormGuard, DEFAULT_STORM_BUDGET } from "./storm.ts";
export { defaultBridgeNfSettings, ipv4Offset, checkedIpv4Length, type BridgeNfSettings, type BridgeNfPoint, type BridgeNfCall, type BridgeNfVerdict, type BridgeNetfilterHook } from "./br-netfilter.ts";
