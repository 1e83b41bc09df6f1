// A physical Ethernet NIC (an e1000 or tg3 as `ip link` shows it), carried by a `Cable`.
//
// The link follows the PHYs: it is up only while a cable is plugged in and both NICs are
// administratively up, since a Linux driver powers its PHY down in ndo_stop and the partner then
// loses link too (netif_carrier_off at both ends). A frame damaged on the wire reaches the
// receiver with a bad FCS and is counted as an rx error, never delivered.
import { BaseDev } from "./net-dev.ts";
import type { Cable } from "./cable.ts";

/** A physical network interface; plug it into a `Cable` to give it a link. */
export class Nic extends BaseDev {
  readonly kind = "nic";
  private wire: Cable | null = null;

  /** The cable plugged into this NIC, if any. */
  get cable(): Cable | null {
    return this.wire;
  }

  override setUp(up: boolean): void {
    super.setUp(up);
    this.wire?.endChanged();
  }

  /** For `Cable` only: the cable was plugged in (or pulled out, with null). */
  plugInto(cable: Cable | null): void {
    this.wire = cable;
  }

  /** For `Cable` only: the link came up or went down. */
  setLink(on: boolean): void {
    this.setCarrier(on);
  }

  /** For `Cable` only: a frame arrived with a bad FCS (the cable's random loss). */
  receiveDamaged(frame: Uint8Array): void {
    this.counters.rxErrors++;
    this.traceDrop(frame, "loss", "bad FCS");
  }

  /** For `Cable` only: a frame was on the wire toward us when the link went down. */
  loseInFlight(frame: Uint8Array): void {
    this.traceDrop(frame, "no-carrier", "in flight when the link went down");
  }

  protected sendToMedium(frame: Uint8Array): boolean {
    const wire = this.wire;
    return wire !== null ? wire.carry(this, frame) : this.dropTx(frame, "no-carrier");
  }
}
