// Linux's `dummy` device (drivers/net/dummy.c): a network interface with nowhere to send to. Its
// transmit counts the frame and frees it; it never receives. Its carrier is always on. Xen's
// `network-dummy` script relies on exactly that: a bridge port that swallows what it is given.
import { BaseDev } from "./net-dev.ts";
import type { Sim } from "../engine/sim.ts";
import type { Mac } from "../wire/address.ts";

/** A `dummy` interface: transmitted frames are counted and discarded. */
export class Dummy extends BaseDev {
  readonly kind = "dummy";

  constructor(sim: Sim, node: string, name: string, mac: Mac) {
    super(sim, node, name, mac);
    this.setCarrier(true);
  }

  protected sendToMedium(_frame: Uint8Array): boolean {
    // dummy_xmit: tx_packets/tx_bytes go up (BaseDev counts them on `true`), the frame is freed.
    return true;
  }
}
