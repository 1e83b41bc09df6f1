// Wiring for the application tests: hosts on NICs cabled to a learning bridge (forward delay 0, so
// that the DHCP exchange is not held up by the bridge's 15 s learning phase unless a test wants it),
// and one-line summaries of the DHCP messages and ICMP packets on the wire.
import { Sim, SECOND } from "../../../netsim/engine/sim.ts";
import type { TraceEvent } from "../../../netsim/engine/trace.ts";
import { Bridge, Cable, Nic } from "../../../netsim/l2/index.ts";
import { ipv4ToString } from "../../../netsim/wire/address.ts";
import { decodeFrame } from "../../../netsim/wire/decode.ts";
import { host, ip, mac, ofKind, recordTrace, wire, type Host } from "../l3/helpers.ts";

export { host, ip, mac, ofKind, recordTrace, Sim, SECOND, type Host };

/** A bridge `br0` on node `lan` with forward delay `fd` (default 0). */
export function lanBridge(sim: Sim, fd = 0): Bridge {
  const br = new Bridge(sim, "lan", "br0", { forwardDelay: fd });
  br.setUp(true);
  return br;
}

/** Plugs a host's NIC into a new bridge port. */
export function plug(sim: Sim, br: Bridge, h: Host, dev = "eth0"): Cable {
  const n = br.ports.length + 1;
  const port = new Nic(sim, "lan", `p${n}`, 0x0a_00_00_00_00_00 + n);
  port.setUp(true);
  const r = br.addPort(port);
  if (!r.ok) throw new Error(r.message);
  return new Cable(h.nics.get(dev)!, port);
}

const DHCP_NAMES = ["?", "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM"];

/** `time node type src > dst [yiaddr]` for every DHCP message a node transmitted, times in whole seconds. */
export function dhcpLines(events: readonly TraceEvent[], exact = false): string[] {
  return ofKind(events, "tx").flatMap((e) => {
    if (e.node === "lan") return [];
    const d = decodeFrame(e.frame);
    if (!d.ok || d.value.dhcp === undefined || d.value.ipv4 === undefined) return [];
    const m = d.value.dhcp;
    const t = exact ? String(e.time) : String(Math.round(e.time / SECOND));
    const y = m.yiaddr !== 0 ? ` ${ipv4ToString(m.yiaddr)}` : "";
    return [`${t} ${e.node} ${DHCP_NAMES[m.messageType ?? 0]} ${ipv4ToString(d.value.ipv4.src)} > ${ipv4ToString(d.value.ipv4.dst)}${y}`];
  });
}

/**
 * h1 10.0.1.10 ── eth0 10.0.1.1 [r1] eth1 10.0.2.1 ── eth0 10.0.2.2 [r2] eth1 10.0.3.1 ── 10.0.3.30 h2,
 * every cable `latency` µs each way, the routers forwarding and each host routed to the others.
 */
export function routerChain(latency: number): { sim: Sim; h1: Host; r1: Host; r2: Host; h2: Host } {
  const sim = new Sim(1);
  const h1 = host(sim, "h1", { eth0: "10.0.1.10/24" }, 0x10);
  const r1 = host(sim, "r1", { eth0: "10.0.1.1/24", eth1: "10.0.2.1/24" }, 0x30);
  const r2 = host(sim, "r2", { eth0: "10.0.2.2/24", eth1: "10.0.3.1/24" }, 0x40);
  const h2 = host(sim, "h2", { eth0: "10.0.3.30/24" }, 0x20);
  wire(h1, "eth0", r1, "eth0", { latency });
  wire(r1, "eth1", r2, "eth0", { latency });
  wire(r2, "eth1", h2, "eth0", { latency });
  r1.stack.ipForward = true;
  r2.stack.ipForward = true;
  h1.stack.addRoute({ dst: 0, prefix: 0, gateway: ip("10.0.1.1") });
  r1.stack.addRoute({ dst: ip("10.0.3.0"), prefix: 24, gateway: ip("10.0.2.2") });
  r2.stack.addRoute({ dst: 0, prefix: 0, gateway: ip("10.0.2.1") });
  h2.stack.addRoute({ dst: 0, prefix: 0, gateway: ip("10.0.3.1") });
  return { sim, h1, r1, r2, h2 };
}
