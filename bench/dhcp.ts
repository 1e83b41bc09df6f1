// Scenario dhcp-N: N DHCP clients (udhcpc-like, staying in the background until served, as
// `udhcpc -b` does) start at t = 1 s + i ms against one dnsmasq-like server, all on one learning
// bridge (forward delay 0, no storm bound: N broadcasting clients are not a storm). Runs until
// every client is bound. dnsmasq's 3 s ping check per new address makes this slow in virtual time
// for large N — as it is for the real server.
import { Sim, SECOND, MILLISECOND } from "../netsim/engine/sim.ts";
import { Bridge } from "../netsim/l2/bridge/bridge.ts";
import { Cable } from "../netsim/l2/cable.ts";
import type { NetDev } from "../netsim/l2/net-dev.ts";
import { Nic } from "../netsim/l2/nic.ts";
import { Ipv4Stack } from "../netsim/l3/ipv4-stack.ts";
import { DnsmasqServer, createDhcpClient, type DhcpClient } from "../netsim/apps/index.ts";

const SERVER_IP = 0x0a00_0001; // 10.0.0.1/16

/** Builds dhcp-N; `allBound()` tells when every client holds a lease. */
export function buildDhcp(n: number, seed = 1): { sim: Sim; framesTransmitted: () => number; allBound: () => boolean } {
  const sim = new Sim(seed);
  const bridge = new Bridge(sim, "lan", "br0", { forwardDelay: 0, maxPorts: n + 2, stormBudget: Number.POSITIVE_INFINITY });
  bridge.setUp(true);
  const devices: NetDev[] = [];
  const attach = (node: string, mac: number): Ipv4Stack => {
    const stack = new Ipv4Stack(sim, node);
    const nic = new Nic(sim, node, "eth0", mac);
    const port = new Nic(sim, "lan", `p${devices.length / 2 + 1}`, 0x0200_0000_0000 + devices.length);
    new Cable(nic, port);
    const added = bridge.addPort(port);
    if (!added.ok) throw new Error(added.message);
    stack.addDevice(nic);
    nic.setUp(true);
    port.setUp(true);
    devices.push(nic, port);
    return stack;
  };
  const server = attach("dnsmasq", 0x0016_3e00_0001);
  server.addAddress("eth0", { address: SERVER_IP, prefix: 16, broadcast: "auto" });
  new DnsmasqServer(server, { dev: "eth0", ranges: [{ start: 0x0a00_0a00, end: 0x0a00_ffee }], dns: false });
  const clients: DhcpClient[] = [];
  for (let i = 0; i < n; i++) {
    const client = createDhcpClient(attach(`client${i}`, 0x0016_3e10_0000 + i), { dev: "eth0", onFailure: "background" });
    clients.push(client);
    sim.at(SECOND + i * MILLISECOND, () => client.start());
  }
  return {
    sim,
    framesTransmitted: () => devices.reduce((sum, d) => sum + d.counters.txPackets, 0),
    allBound: () => clients.every((c) => c.lease !== undefined),
  };
}
