// Checks of xend-config.sxp's networking (xen-networking.md §2.3, §3, §4): a network script and a
// vif script that belong to different models, network-bridge re-enabled on top of a bridge from
// /etc/network/interfaces (Xen 4.0.1 has no guard and breaks dom0's network), and network-route's
// 4.0 default `netdev=eth${vifnum}` that sets proxy ARP on a device called `eth`.

import type { Span } from "../diagnostic.ts";
import type { HostConfig } from "../host-config.ts";
import { xenAtLeast } from "../host/xend.ts";
import { finding, type HostCheck } from "./facts.ts";

const PAIRS: Readonly<Record<string, string>> = { "network-bridge": "vif-bridge", "network-route": "vif-route", "network-nat": "vif-nat" };
const DOES: Readonly<Record<string, string>> = {
  "network-bridge": "turns the uplink into a bridge for bridged guests",
  "network-route": "turns on IP forwarding and proxy ARP for routed guests",
  "network-nat": "turns on IP forwarding and masquerading for NATed guests",
  "vif-bridge": "puts each vif into a bridge",
  "vif-route": "routes each guest's ip= through dom0",
  "vif-nat": "gives each vif a private address behind dom0",
};

function fileSpan(c: HostConfig): Span {
  return { file: c.xend.file, line: 1, column: 1 };
}

/** xend/script-mismatch: network-script and vif-script from different models. */
export const scriptMismatch: HostCheck = (c) => {
  if (!c.xend.present) return [];
  const net = c.xend.networkScript?.script;
  const vif = c.xend.vifScript.script;
  const span = c.xend.vifScript.span ?? c.xend.networkScript?.span ?? fileSpan(c);
  if (net !== undefined && PAIRS[net] !== undefined && Object.values(PAIRS).includes(vif) && PAIRS[net] !== vif) {
    const message = `(network-script ${net}) ${DOES[net]}, but (vif-script ${vif}) ${DOES[vif]}: the two belong to different models, so guests get neither set-up complete`;
    return [finding("xend/script-mismatch", "warning", message, span, `pair ${net} with ${PAIRS[net]}, or ${vif} with ${Object.keys(PAIRS).find((k) => PAIRS[k] === vif)}`)];
  }
  if ((net === undefined || net === "network-dummy") && (vif === "vif-route" || vif === "vif-nat")) {
    const pair = vif === "vif-route" ? "network-route" : "network-nat";
    const what = vif === "vif-nat" ? "IP forwarding and the MASQUERADE rule" : "IP forwarding";
    const message = `(vif-script ${vif}) without (network-script ${pair}): nothing at xend start sets up ${what}, so guests reach nothing beyond dom0 unless another script does it (e.g. net.ipv4.ip_forward=1 in /etc/sysctl.conf)`;
    return [finding("xend/script-mismatch", "warning", message, span, `add (network-script ${pair})`)];
  }
  return [];
};

/** xend/network-bridge-over-bridge: network-bridge enabled while /etc/network/interfaces already builds a bridge. */
export const networkBridgeOverBridge: HostCheck = (c) => {
  const net = c.xend.networkScript;
  const own = c.bridges.filter((b) => b.origin === "interfaces" && b.upAtBoot);
  if (net?.script !== "network-bridge" || own.length === 0) return [];
  const names = own.map((b) => b.name).join(", ");
  const span = net.span ?? fileSpan(c);
  if (xenAtLeast(c.release?.xen, 4, 1)) {
    return [finding("xend/network-bridge-over-bridge", "info", `(network-script network-bridge) does nothing on this Xen (4.1+ skips it when a bridge exists: ${names})`, span, "remove the line; the bridges come from /etc/network/interfaces")];
  }
  const netdev = c.xend.netdev?.value ?? "eth0";
  const message = `(network-script network-bridge) runs at xend start on top of ${names} from /etc/network/interfaces: Xen 4.0.1 has no guard, takes ${netdev} (the device of the default route) as the card to enslave, runs ifdown on it and renames it, and dom0 loses its network`;
  return [finding("xend/network-bridge-over-bridge", "error", message, span, "Debian's way is no network-script at all (or network-dummy): remove the line")];
};

/** xend/route-netdev: network-route without netdev= on Xen up to 4.0 sets proxy ARP on `eth`, which does not exist. */
export const routeNetdev: HostCheck = (c) => {
  const net = c.xend.networkScript;
  if (net?.script !== "network-route" || c.xend.netdev?.value !== "eth") return [];
  const message = "(network-script network-route) without netdev=: Xen 4.0's script defaults to eth${vifnum} with vifnum unset, writes to /proc/sys/net/ipv4/conf/eth/proxy_arp, which does not exist, and proxy ARP on the uplink stays off";
  return [finding("xend/route-netdev", "warning", message, net.span ?? fileSpan(c), "write (network-script 'network-route netdev=eth0')")];
};
