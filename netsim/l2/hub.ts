// A repeater hub for a shared LAN segment — the world outside the host, where no switch logic is
// wanted: every frame that comes in on one port goes out of every other port that has a link, in
// port order. It has no MAC, no learning and no filtering (its ports are promiscuous).
// Simplification: a real hub is half duplex and collides; this one repeats without collisions.
// A loop of hubs repeats forever, as a real one would storm: use a bridge with STP for loops.
import { Nic } from "./nic.ts";
import { Cable, type CableOptions } from "./cable.ts";
import type { FrameSink, NetDev } from "./net-dev.ts";
import type { Sim } from "../engine/sim.ts";

/** A repeater: ports are `Nic`s named port1, port2, … on node `node`. */
export class Hub implements FrameSink {
  private readonly portList: Nic[] = [];

  constructor(
    readonly sim: Sim,
    readonly node: string,
  ) {}

  /** The ports, in the order they were added. */
  get ports(): readonly Nic[] {
    return this.portList;
  }

  /** Adds a port, up and promiscuous, not yet cabled. */
  addPort(): Nic {
    const port = new Nic(this.sim, this.node, `port${this.portList.length + 1}`, 0);
    port.promiscuous = true;
    // A repeater repeats bits, whatever the frame's length: no MTU of its own.
    port.mtu = 65535;
    port.attach(this);
    port.setUp(true);
    this.portList.push(port);
    return port;
  }

  /** Adds a port and runs a cable from it to `nic`. */
  connect(nic: Nic, options?: CableOptions): Cable {
    return new Cable(this.addPort(), nic, options);
  }

  /** A frame came in on `dev`: repeat it out of every other port. */
  receiveFrom(dev: NetDev, frame: Uint8Array): void {
    const ports = this.portList;
    for (let i = 0; i < ports.length; i++) {
      const port = ports[i]!;
      if (port !== dev && port.hasCarrier) port.transmit(frame);
    }
  }
}
