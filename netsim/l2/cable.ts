// A full-duplex Ethernet cable between two NICs (IEEE 802.3 point-to-point link).
//
// Timing: a frame occupies the wire for its serialisation time — the frame padded to the 60-byte
// minimum, plus FCS (4), preamble and SFD (8) and the inter-frame gap (12), at the link speed — and
// arrives `latency` µs (propagation) after its last bit left. Each direction is one FIFO: a frame
// starts when the previous one has finished, so a burst queues up behind the first frame. Time on
// the wire is kept in nanoseconds so that sub-µs frames (84 bytes at 1 Gbit/s = 672 ns) add up
// exactly; arrivals are rounded up to the simulator's whole microseconds.
//
// Loss: each frame is damaged with probability `loss`, drawn at send time from the cable's own
// seeded stream, so the same seed loses the same frames. Unplugging (or either end going down)
// drops the carrier at both ends and loses every frame still in flight or queued.
import type { Sim, EventHandle } from "../engine/sim.ts";
import type { RandomStream } from "../engine/random.ts";
import type { Nic } from "./nic.ts";

/** How a cable behaves; every field has a default. */
export interface CableOptions {
  /** One-way propagation delay in µs (default 0; copper carries a signal about 5 ns per metre). */
  readonly latency?: number;
  /** Link speed in bit/s (default 1 Gbit/s); `Infinity` for no serialisation delay. */
  readonly bitsPerSecond?: number;
  /** Probability in [0, 1] that a frame is damaged on the wire (default 0). */
  readonly loss?: number;
  /** The `sim.rng` stream loss draws from (default `cable:<node>/<dev>-<node>/<dev>`). */
  readonly rngName?: string;
  /** Auto-negotiation time in µs before the carrier rises after plug-in or up (default 0). */
  readonly negotiation?: number;
}

/** Gigabit Ethernet, the default link speed. */
export const GIGABIT = 1_000_000_000;
/** Bytes a frame costs on the wire beyond its own: FCS 4 + preamble/SFD 8 + inter-frame gap 12. */
export const WIRE_OVERHEAD = 24;
/** Frames shorter than this (without FCS) are padded: the 64-byte Ethernet minimum. */
export const MIN_FRAME = 60;

/** A cable joining two NICs; plugged in when created. */
export class Cable {
  readonly sim: Sim;
  readonly latency: number;
  readonly bitsPerSecond: number;
  readonly loss: number;
  readonly negotiation: number;
  private readonly nsPerByte: number;
  private readonly rng: RandomStream | null;
  private plugged = false;
  private linked = false;
  /** Bumped whenever the link goes down; a frame still in flight from an older epoch is lost. */
  private epoch = 0;
  /** When each direction's transmitter is next free, in ns of virtual time. */
  private freeAtToB = 0;
  private freeAtToA = 0;
  private negotiating: EventHandle | null = null;

  constructor(
    readonly a: Nic,
    readonly b: Nic,
    options: CableOptions = {},
  ) {
    if (a === b) throw new Error("Cable: both ends are the same NIC");
    if (a.sim !== b.sim) throw new Error("Cable: the NICs belong to different simulations");
    this.sim = a.sim;
    this.latency = checkedTime(options.latency ?? 0, "latency");
    this.negotiation = checkedTime(options.negotiation ?? 0, "negotiation");
    this.bitsPerSecond = options.bitsPerSecond ?? GIGABIT;
    if (!(this.bitsPerSecond > 0)) throw new Error(`Cable: bad bitsPerSecond ${this.bitsPerSecond}`);
    this.nsPerByte = 8e9 / this.bitsPerSecond;
    this.loss = options.loss ?? 0;
    if (!(this.loss >= 0 && this.loss <= 1)) throw new Error(`Cable: bad loss ${this.loss}`);
    const rngName = options.rngName ?? `cable:${a.node}/${a.name}-${b.node}/${b.name}`;
    this.rng = this.loss > 0 ? this.sim.rng(rngName) : null;
    this.plug();
  }

  /** True while both ends are plugged in. */
  get isPlugged(): boolean {
    return this.plugged;
  }

  /** Plugs both ends in; the link comes up (after negotiation) if both NICs are up. */
  plug(): void {
    if (this.plugged) return;
    for (const end of [this.a, this.b]) {
      if (end.cable !== null) throw new Error(`Cable: ${end.node}/${end.name} already has a cable plugged in`);
    }
    this.a.plugInto(this);
    this.b.plugInto(this);
    this.plugged = true;
    this.endChanged();
  }

  /** Pulls the cable out: carrier drops at both ends, frames on the wire are lost, the NICs are free. */
  unplug(): void {
    if (!this.plugged) return;
    this.plugged = false;
    this.endChanged();
    this.a.plugInto(null);
    this.b.plugInto(null);
  }

  /** For `Nic` only: an end went up or down. */
  endChanged(): void {
    const shouldLink = this.plugged && this.a.isUp && this.b.isUp;
    if (!shouldLink) {
      this.negotiating?.cancel();
      this.negotiating = null;
      if (this.linked) this.linkDown();
    } else if (!this.linked && this.negotiating === null) {
      if (this.negotiation === 0) this.linkUp();
      else this.negotiating = this.sim.schedule(this.negotiation, () => this.linkUp());
    }
  }

  /** For `Nic` only: puts a frame on the wire toward the other end. Always accepted. */
  carry(from: Nic, frame: Uint8Array): boolean {
    const sim = this.sim;
    const toB = from === this.a;
    const to = toB ? this.b : this.a;
    const nowNs = sim.now * 1000;
    const freeAt = toB ? this.freeAtToB : this.freeAtToA;
    const start = freeAt > nowNs ? freeAt : nowNs;
    const wireBytes = (frame.length < MIN_FRAME ? MIN_FRAME : frame.length) + WIRE_OVERHEAD;
    const end = start + wireBytes * this.nsPerByte;
    if (toB) this.freeAtToB = end;
    else this.freeAtToA = end;
    const damaged = this.rng !== null && this.rng.chance(this.loss);
    const epoch = this.epoch;
    sim.post(Math.ceil(end / 1000) + this.latency - sim.now, () => {
      if (epoch !== this.epoch) to.loseInFlight(frame);
      else if (damaged) to.receiveDamaged(frame);
      else to.receive(frame);
    });
    return true;
  }

  private linkUp(): void {
    this.negotiating = null;
    this.linked = true;
    this.a.setLink(true);
    this.b.setLink(true);
  }

  private linkDown(): void {
    this.linked = false;
    this.epoch++;
    // The qdisc is flushed with the link: a new link starts with empty transmit queues.
    this.freeAtToB = 0;
    this.freeAtToA = 0;
    this.a.setLink(false);
    this.b.setLink(false);
  }
}

function checkedTime(us: number, what: string): number {
  if (!Number.isInteger(us) || us < 0) throw new Error(`Cable: ${what} must be a whole number of µs ≥ 0, got ${us}`);
  return us;
}
