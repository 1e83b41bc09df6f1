// The loopback device `lo` (drivers/net/loopback.c): what the stack sends to one of its own
// addresses goes out here and comes straight back in. Its MAC is all zeros, so looped frames carry
// an Ethernet header of zeros, as `tcpdump -i lo` shows them; its MTU is 16436 (2.6.32); its carrier
// is always on. Delivery is posted at +0 µs (loopback_xmit calls netif_rx), so a packet a stack
// sends to itself is received after the current event, never recursively.
import { BaseDev } from "../l2/net-dev.ts";
import type { Sim } from "../engine/sim.ts";
import { LOOPBACK_MTU } from "./linux-params.ts";

/** The loopback interface of one node. */
export class Loopback extends BaseDev {
  readonly kind = "loopback";

  constructor(sim: Sim, node: string) {
    super(sim, node, "lo", 0);
    this.mtu = LOOPBACK_MTU;
    this.setCarrier(true);
  }

  protected sendToMedium(frame: Uint8Array): boolean {
    this.sim.post(0, () => this.receive(frame));
    return true;
  }
}
