// Xen 4.0's network scripts on the simulated dom0 (xen-networking.md §1–4): what xend runs once at
// start (network-bridge in its 3.0/3.1 and 3.2–4.0 layouts, network-route, network-nat,
// network-dummy) and the vif hotplug scripts udev runs per guest interface (vif-bridge, vif-route,
// vif-nat) behind the domain engine's VifBackend, with ISC dhcpd's files for the NAT model.

export { PROGRAM_US, defaultRouteDevice, scriptVars, type ScriptHost } from "./script-host.ts";
export { networkBridgeStart } from "./network-bridge.ts";
export { NETWORK_SCRIPTS, networkNat, networkRoute, runNetworkScript } from "./network-script.ts";
export { Dhcpd, dhcpdHosts, dhcpdInterfaces, editDhcpdArgs, findDhcpdFiles, type DhcpdFiles, type DhcpdHost } from "./dhcpd.ts";
export { vifBridgeTarget, vifNatAddresses, vifNatHostname, type VifRun } from "./vif-models.ts";
export { SCRIPT_US, UDEV_US, VifScripts, type VifScriptsContext } from "./vif-scripts.ts";
