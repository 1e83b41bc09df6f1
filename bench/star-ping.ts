// The star-N workload of `npm run bench`, ARP + ICMP version: N hosts, each on its own cable to a
// port of one learning bridge, and a gateway host on another port, all in 10.0.0.0/16. Host i starts
// at 1 s + i ms and pings the gateway `pings` times at 1 Hz (a raw ICMP socket, 56 data bytes, as
// iputils ping does); the caller runs it for 12 simulated seconds. Each host's first ping needs an ARP
// broadcast, which the bridge floods to every port, so the frame count grows as N².
//
// This module only builds and runs the scenario; bench/run.ts times it (wall clock, RSS).
import { Sim, SECOND, MILLISECOND } from "../netsim/engine/sim.ts";
import { Bridge } from "../netsim/l2/bridge/bridge.ts";
import { Cable } from "../netsim/l2/cable.ts";
import type { NetDev } from "../netsim/l2/net-dev.ts";
import { Nic } from "../netsim/l2/nic.ts";
import { encodeIcmp } from "../netsim/wire/icmp.ts";
import { Ipv4Stack } from "../netsim/l3/ipv4-stack.ts";

/** Knobs of the star (defaults: 10 pings per host, seed 1). */
export interface StarOptions {
  /** Echo requests per host. */
  readonly pings?: number;
  readonly seed?: number;
}

/** A built star: run `sim.runUntil(12 * SECOND)`. */
export interface StarRun {
  readonly sim: Sim;
  /** Frames transmitted by every device (hosts, gateway, bridge ports), as `ip -s link` counts them. */
  framesTransmitted(): number;
  /** Echo replies the hosts received. */
  replies(): number;
}

const GATEWAY = 0x0a000001; // 10.0.0.1
const DATA = new Uint8Array(56).map((_, i) => i);

/** Builds star-N with IPv4 stacks (setup cost, kept out of the timed run). */
export function buildStarPing(n: number, options: StarOptions = {}): StarRun {
  const { pings = 10, seed = 1 } = options;
  const sim = new Sim(seed);
  const bridge = new Bridge(sim, "switch", "br0", { forwardDelay: 0, stormBudget: Number.POSITIVE_INFINITY, maxPorts: n + 1 });
  bridge.setUp(true);
  const devices: NetDev[] = [bridge];
  const attach = (nic: Nic, i: number): void => {
    const port = new Nic(sim, "switch", `port${i}`, 0x02_10_00_00_00_00 + i);
    port.setUp(true);
    new Cable(nic, port);
    const added = bridge.addPort(port);
    if (!added.ok) throw new Error(added.message);
    devices.push(nic, port);
  };
  const gw = new Ipv4Stack(sim, "gw");
  const gwNic = new Nic(sim, "gw", "eth0", 0x02_00_00_00_00_01);
  gw.addDevice(gwNic);
  gwNic.setUp(true);
  gw.addAddress("eth0", { address: GATEWAY, prefix: 16, broadcast: "auto" });
  attach(gwNic, 0);
  let replies = 0;
  for (let i = 0; i < n; i++) {
    const name = `h${i}`;
    const stack = new Ipv4Stack(sim, name);
    const nic = new Nic(sim, name, "eth0", 0x02_00_00_00_00_02 + i);
    stack.addDevice(nic);
    nic.setUp(true);
    stack.addAddress("eth0", { address: GATEWAY + 1 + i, prefix: 16, broadcast: "auto" });
    attach(nic, i + 1);
    const sock = stack.openRawIcmp();
    sock.onMessage((p) => {
      if (p.icmp[0] === 0) replies++;
    });
    for (let seq = 1; seq <= pings; seq++) {
      sim.at(SECOND + i * MILLISECOND + (seq - 1) * SECOND, () => {
        sock.send(GATEWAY, encodeIcmp({ kind: "echo-request", ident: i & 0xffff, seq, data: DATA }));
      });
    }
  }
  return {
    sim,
    framesTransmitted: () => devices.reduce((sum, d) => sum + d.counters.txPackets, 0),
    replies: () => replies,
  };
}
