// Xen's split network device: netfront in the guest (its `eth0`) and netback in dom0 (`vifD.N`),
// joined by a pair of shared-memory rings — Linux 2.6.32 drivers/xen/netback and netfront.
//
// - Each crossing of the rings costs `ringDelay` µs (grant copy + event channel), each way.
// - The backend's state is what netback knows of its frontend: `connected`; `paused` (the domain
//   is paused: its vCPUs stop, its memory stays, netback stays up); `disconnected` (not yet
//   connected, or the domain was saved or destroyed).
// - Toward the guest, netif_be_start_xmit drops a frame when the frontend posts no receive
//   buffers and counts it in tx_dropped: that is what a paused guest looks like (reason
//   `guest-paused`). Simplification: a real paused guest's rx ring still holds the buffers it
//   posted before the pause, which absorb the first few frames; here the drops start at once.
//   A frame already in the ring when the guest was paused waits and is seen on unpause.
// - Once disconnected, both carriers are down, frames toward the guest are dropped with
//   `no-frontend`, and frames still in the rings are lost.
// - The backend's MAC defaults to fe:ff:ff:ff:ff:ff, the largest unicast address, so that a Linux
//   bridge (which takes its lowest port MAC) never adopts it.
// - A restored guest comes back behind a new backend (`vif2.0` after `vif1.0`): connect the same
//   Netfront to the new Netback.
import { BaseDev } from "./net-dev.ts";
import type { Sim } from "../engine/sim.ts";
import type { Mac } from "../wire/address.ts";

/** What netback knows of its frontend. */
export type BackendState = "connected" | "paused" | "disconnected";

/** The MAC netback gives every `vifD.N`: fe:ff:ff:ff:ff:ff. */
export const XEN_BACKEND_MAC: Mac = 0xfe_ff_ff_ff_ff_ff;
/** Default one-way ring crossing time, µs. */
export const DEFAULT_RING_DELAY = 5;

/** The guest's side (`eth0` in the domU). Its carrier follows the backend's connection. */
export class Netfront extends BaseDev {
  readonly kind = "netfront";
  private back: Netback | null = null;

  /** The backend this frontend is connected to, if any. */
  get backend(): Netback | null {
    return this.back;
  }

  /** For `Netback` only: the rings were connected (or torn down, with null). */
  linkBackend(back: Netback | null): void {
    this.back = back;
    this.setCarrier(back !== null);
  }

  protected sendToMedium(frame: Uint8Array): boolean {
    const back = this.back;
    return back !== null ? back.carryFromFront(frame) : this.dropTx(frame, "no-carrier");
  }
}

/** How a backend behaves. */
export interface NetbackOptions {
  /** Default fe:ff:ff:ff:ff:ff. */
  readonly mac?: Mac;
  /** One-way ring crossing time in µs, default `DEFAULT_RING_DELAY`. */
  readonly ringDelay?: number;
}

/** Dom0's side (`vifD.N`). Holds the connection state. */
export class Netback extends BaseDev {
  readonly kind = "netback";
  readonly ringDelay: number;
  private front: Netfront | null = null;
  private connection: BackendState = "disconnected";
  /** Bumped on disconnect; a frame still in the rings from an older epoch is lost. */
  private epoch = 0;
  /** Frames that reached the rx ring after the guest was paused, seen when it runs again. */
  private parked: Uint8Array[] = [];

  constructor(sim: Sim, node: string, name: string, options: NetbackOptions = {}) {
    super(sim, node, name, options.mac ?? XEN_BACKEND_MAC);
    this.ringDelay = options.ringDelay ?? DEFAULT_RING_DELAY;
    if (!Number.isInteger(this.ringDelay) || this.ringDelay < 0) throw new Error(`Netback: bad ringDelay ${this.ringDelay}`);
  }

  /** connected, paused or disconnected. */
  get state(): BackendState {
    return this.connection;
  }

  /** The connected frontend, if any. */
  get frontend(): Netfront | null {
    return this.front;
  }

  /** The frontend connects its rings (xenbus state Connected): both carriers come up. */
  connect(front: Netfront): void {
    if (this.connection !== "disconnected") throw new Error(`${this.name}: already connected`);
    if (front.backend !== null) throw new Error(`${front.name}: already connected to ${front.backend.name}`);
    if (front.sim !== this.sim) throw new Error(`${this.name}: frontend belongs to another simulation`);
    this.front = front;
    this.connection = "connected";
    this.setCarrier(true);
    front.linkBackend(this);
  }

  /** The guest is paused (`xm pause`): frames toward it are dropped here until `unpause`. */
  pause(): void {
    if (this.connection !== "connected") throw new Error(`${this.name}: cannot pause a ${this.connection} frontend`);
    this.connection = "paused";
  }

  /** The guest runs again: it takes the frames that were already in its ring, then new ones. */
  unpause(): void {
    if (this.connection !== "paused") throw new Error(`${this.name}: cannot unpause a ${this.connection} frontend`);
    this.connection = "connected";
    const parked = this.parked;
    if (parked.length === 0) return;
    this.parked = [];
    const front = this.front!;
    const epoch = this.epoch;
    this.sim.post(0, () => {
      for (const frame of parked) this.intoRxRing(front, frame, epoch);
    });
  }

  /** The guest is gone (saved, destroyed, shut down): rings torn down, carriers off. */
  disconnect(): void {
    if (this.connection === "disconnected") return;
    const front = this.front!;
    this.connection = "disconnected";
    this.epoch++;
    for (const frame of this.parked) this.traceDrop(frame, "no-frontend", "in the rx ring when the guest went away");
    this.parked = [];
    this.front = null;
    this.setCarrier(false);
    front.linkBackend(null);
  }

  override transmit(frame: Uint8Array): boolean {
    // Without a frontend netback's carrier is off; say why more precisely than "no-carrier".
    if (this.isUp && this.connection === "disconnected") return this.dropTx(frame, "no-frontend");
    return super.transmit(frame);
  }

  /** For `Netfront` only: the guest put a frame on its tx ring. */
  carryFromFront(frame: Uint8Array): boolean {
    const epoch = this.epoch;
    this.sim.post(this.ringDelay, () => {
      if (epoch === this.epoch) this.receive(frame);
      else this.traceDrop(frame, "no-frontend", "in the tx ring when the guest went away");
    });
    return true;
  }

  protected sendToMedium(frame: Uint8Array): boolean {
    if (this.connection === "paused") return this.dropTx(frame, "guest-paused");
    const front = this.front!;
    const epoch = this.epoch;
    this.sim.post(this.ringDelay, () => this.intoRxRing(front, frame, epoch));
    return true;
  }

  private intoRxRing(front: Netfront, frame: Uint8Array, epoch: number): void {
    if (epoch !== this.epoch) this.traceDrop(frame, "no-frontend", "in the rx ring when the guest went away");
    else if (this.connection === "paused") this.parked.push(frame);
    else front.receive(frame);
  }
}
