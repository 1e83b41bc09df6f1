// The scenarios of the golden-trace tests, as plain functions so the determinism test can run them
// twice: two hosts on one bridge, and a triangle of three bridges with and without STP.
import { Sim, SECOND } from "../../../../netsim/engine/sim.ts";
import type { TraceEvent } from "../../../../netsim/engine/trace.ts";
import { Bridge } from "../../../../netsim/l2/bridge/index.ts";
import type { BridgeOptions } from "../../../../netsim/l2/bridge/index.ts";
import { BROADCAST_MAC } from "../../../../netsim/wire/address.ts";
import { attachHost, link, record } from "./helpers.ts";
import type { Host } from "./helpers.ts";

/** MACs of the hosts. */
export const H1 = 0x00_16_3e_00_00_01;
export const H2 = 0x00_16_3e_00_00_02;
export const H3 = 0x00_16_3e_00_00_03;

/** A run: the simulator, what it traced, and the things a test asserts on. */
export interface Run {
  readonly sim: Sim;
  readonly events: TraceEvent[];
  readonly bridges: Bridge[];
  readonly hosts: Host[];
}

/**
 * Two hosts and a bridge, 2.6.32 defaults but for `options`. The hosts talk at 1 s (during the
 * learning phase), once the ports forward (fd + 1 s), and again after the entries aged out.
 */
export function twoHosts(options: BridgeOptions, seed = 1): Run {
  const sim = new Sim(seed);
  const events = record(sim);
  const br = new Bridge(sim, "dom0", "br0", options);
  const h1 = attachHost(sim, br, "h1", H1, "veth1", 0xfe_ff_ff_ff_ff_01);
  const h2 = attachHost(sim, br, "h2", H2, "veth2", 0xfe_ff_ff_ff_ff_02);
  br.setUp(true);
  const fd = options.forwardDelay ?? 15 * SECOND;
  const ageing = options.ageingTime ?? 300 * SECOND;
  const at = (t: number, fn: () => void) => sim.at(t, fn);
  at(SECOND, () => h1.send(BROADCAST_MAC, 1));
  at(fd + SECOND, () => h1.send(H2, 2));
  at(fd + 2 * SECOND, () => h2.send(H1, 3));
  at(fd + 3 * SECOND, () => h1.send(H2, 4));
  at(fd + 4 * SECOND + ageing, () => h1.send(H2, 5));
  sim.runUntil(fd + 6 * SECOND + ageing);
  return { sim, events, bridges: [br], hosts: [h1, h2] };
}

/**
 * Three bridges in a triangle (sw1–sw2–sw3–sw1) with a host on sw2 and one on sw3. sw1 has the
 * lowest MACs, so with STP on it becomes root. The host on sw2 broadcasts at `talkAt`.
 */
export function triangle(options: BridgeOptions, until: number, talkAt: number, seed = 1): Run {
  const sim = new Sim(seed);
  const events = record(sim);
  const sw = [1, 2, 3].map((i) => new Bridge(sim, `sw${i}`, "br0", options));
  const [sw1, sw2, sw3] = sw as [Bridge, Bridge, Bridge];
  const mac = (bridge: number, port: number) => 0x02_00_00_00_00_00 + bridge * 0x10 + port;
  link(sim, sw1, "eth2", mac(1, 2), sw2, "eth1", mac(2, 1));
  link(sim, sw2, "eth3", mac(2, 3), sw3, "eth2", mac(3, 2));
  link(sim, sw3, "eth1", mac(3, 1), sw1, "eth3", mac(1, 3));
  const h2 = attachHost(sim, sw2, "h2", H2, "eth0", mac(2, 0xa));
  const h3 = attachHost(sim, sw3, "h3", H3, "eth0", mac(3, 0xa));
  for (const b of sw) b.setUp(true);
  sim.at(talkAt, () => h2.send(BROADCAST_MAC, 1));
  sim.runUntil(until);
  return { sim, events, bridges: sw, hosts: [h2, h3] };
}
