// The iptables side of bridge netfilter (net/bridge/br_netfilter.c, Linux 2.6.32): what a bridge's
// BridgeNetfilterHook (netsim/l2/bridge/br-netfilter.ts) runs. The devices iptables sees are the
// bridge's, as br_netfilter passes them — PREROUTING: in = the bridge; FORWARD: in = out = the
// bridge (bridge_parent of both ports); POSTROUTING: out = the bridge — and `-m physdev` sees the
// ports (nf_bridge->physindev, ->physoutdev; --physdev-is-bridged once FORWARD set BRNF_BRIDGED).
// So `-o eth0 -j MASQUERADE` matches a bridged frame only where the bridge itself is called eth0.
//
// REJECT on a bridged packet drops it without an answer here (2.6.32 answers from the host through
// br_netfilter's fake route; not modelled). Creating the hook registers /proc/sys/net/bridge.
import { defaultBridgeNfSettings, type BridgeNetfilterHook, type BridgeNfCall, type BridgeNfPoint, type BridgeNfSettings } from "../../l2/bridge/br-netfilter.ts";
import { registerBridgeSysctls } from "../bridge-sysctl.ts";
import type { Ipv4Stack } from "../ipv4-stack.ts";
import type { BridgeHookContext, Netfilter } from "./netfilter.ts";

/** The hook a node's bridges call (Bridge.setNetfilterHook), over the node's netfilter and bridge-nf sysctls. */
export function bridgeNetfilter(stack: Ipv4Stack, nf: Netfilter, settings: BridgeNfSettings = defaultBridgeNfSettings()): BridgeNetfilterHook {
  registerBridgeSysctls(stack, settings);
  return {
    settings,
    active: () => nf.loaded,
    run(point, packet, call) {
      const v = nf.run(point, packet, bridgeContext(point, call));
      if (v.action === "accept") return v;
      return { action: "drop", reason: v.action === "reject" ? `${v.reason} (no answer on a bridge)` : v.reason };
    },
  };
}

/** What netfilter is told at each bridge hook point. */
function bridgeContext(point: BridgeNfPoint, c: BridgeNfCall): BridgeHookContext {
  const base = { skb: c.skb, bridged: true, physIn: c.physIn, shared: c.shared };
  if (point === "PREROUTING") return { ...base, inDev: c.bridge };
  const out = c.physOut !== undefined ? { physOut: c.physOut } : {};
  return point === "FORWARD" ? { ...base, ...out, inDev: c.bridge, outDev: c.bridge } : { ...base, ...out, outDev: c.bridge };
}
