// Scenario star-N: N hosts, each on its own cable to one port of one learning bridge, plus a gateway
// host on another port. Host i starts at t = 1 s + i ms: it broadcasts an ARP request for the
// gateway, the gateway answers with a unicast ARP reply, then the host sends 10 ICMP echo requests
// at 1 Hz and the gateway answers each. 12 simulated seconds. The frames are real (buildArp,
// buildIcmpEcho); the hosts are bare frame handlers, so this measures the engine, the devices and
// the bridge — the L2 half of the simulator.
import { Sim, SECOND, MILLISECOND } from "../netsim/engine/sim.ts";
import { Nic } from "../netsim/l2/nic.ts";
import { Cable } from "../netsim/l2/cable.ts";
import type { FrameSink, NetDev } from "../netsim/l2/net-dev.ts";
import { Bridge } from "../netsim/l2/bridge/bridge.ts";
import { ArpOp } from "../netsim/wire/arp.ts";
import { buildArp, buildIcmpEcho } from "../netsim/wire/build.ts";
import { BROADCAST_MAC, readIpv4, readMac, type Ipv4, type Mac } from "../netsim/wire/address.ts";
import { EtherType } from "../netsim/wire/ethernet.ts";

const GATEWAY_IP: Ipv4 = 0x0a00_0001; // 10.0.0.1
const GATEWAY_MAC: Mac = 0x0016_3e00_0001;
const ECHOES = 10;

/** A host that resolves the gateway once, then pings it ECHOES times at 1 Hz. */
class PingingHost implements FrameSink {
  private sent = 0;
  constructor(
    private readonly sim: Sim,
    private readonly nic: NetDev,
    private readonly ip: Ipv4,
  ) {}

  start(): void {
    const request = buildArp({ op: ArpOp.Request, senderMac: this.nic.mac, senderIp: this.ip, targetMac: 0, targetIp: GATEWAY_IP }, { dst: BROADCAST_MAC });
    this.nic.transmit(request);
  }

  receiveFrom(_dev: NetDev, frame: Uint8Array): void {
    const etherType = (frame[12]! << 8) | frame[13]!;
    if (etherType === EtherType.Arp && this.sent === 0) this.ping();
  }

  private ping(): void {
    const link = { src: this.nic.mac, dst: GATEWAY_MAC };
    this.nic.transmit(buildIcmpEcho(link, { src: this.ip, dst: GATEWAY_IP, ttl: 64 }, { ident: 1, seq: ++this.sent }));
    if (this.sent < ECHOES) this.sim.schedule(SECOND, () => this.ping());
  }
}

/** The gateway: answers ARP requests for its address and echo requests to it. */
class Gateway implements FrameSink {
  constructor(private readonly nic: NetDev) {}

  receiveFrom(_dev: NetDev, frame: Uint8Array): void {
    const etherType = (frame[12]! << 8) | frame[13]!;
    const peerMac = readMac(frame, 6);
    if (etherType === EtherType.Arp) {
      const senderIp = readIpv4(frame, 28);
      if (readIpv4(frame, 38) !== GATEWAY_IP) return;
      this.nic.transmit(buildArp({ op: ArpOp.Reply, senderMac: GATEWAY_MAC, senderIp: GATEWAY_IP, targetMac: peerMac, targetIp: senderIp }, { dst: peerMac }));
    } else if (etherType === EtherType.Ipv4 && frame[23] === 1 && frame[34] === 8) {
      const seq = (frame[40]! << 8) | frame[41]!;
      const link = { src: GATEWAY_MAC, dst: peerMac };
      this.nic.transmit(buildIcmpEcho(link, { src: GATEWAY_IP, dst: readIpv4(frame, 26), ttl: 64 }, { reply: true, ident: 1, seq }));
    }
  }
}

/** Builds star-N; returns the sim and a function counting every device transmit. */
export function buildStar(n: number, seed = 1): { sim: Sim; framesTransmitted: () => number } {
  const sim = new Sim(seed);
  const bridge = new Bridge(sim, "switch", "br0", { forwardDelay: 0, maxPorts: n + 2 });
  bridge.setUp(true);
  const devices: NetDev[] = [];
  const attach = (node: string, mac: Mac): Nic => {
    const nic = new Nic(sim, node, "eth0", mac);
    const port = new Nic(sim, "switch", `port${devices.length / 2 + 1}`, 0x0200_0000_0000 + devices.length);
    new Cable(nic, port);
    const added = bridge.addPort(port);
    if (!added.ok) throw new Error(added.message);
    nic.setUp(true);
    port.setUp(true);
    devices.push(nic, port);
    return nic;
  };
  const gatewayNic = attach("gateway", GATEWAY_MAC);
  gatewayNic.attach(new Gateway(gatewayNic));
  for (let i = 0; i < n; i++) {
    const nic = attach(`host${i}`, 0x0016_3e10_0000 + i);
    const host = new PingingHost(sim, nic, 0x0a01_0000 + i);
    nic.attach(host);
    sim.at(SECOND + i * MILLISECOND, () => host.start());
  }
  return { sim, framesTransmitted: () => devices.reduce((sum, d) => sum + d.counters.txPackets, 0) };
}
