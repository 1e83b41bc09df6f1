// One tracked connection (struct nf_conn in Linux 2.6.32): its ORIGINAL tuple (as the first packet
// had it) and REPLY tuple (what replies will carry, after NAT), the IPS_* status bits, the expiry
// time, the per-protocol state (TCP window tracking, the ICMP outstanding-request count) and the NAT
// extension's masquerade device. A class: it has identity and a lifetime.
import type { EventHandle } from "../../engine/sim.ts";
import type { TcpTrack } from "./tcp-tracker.ts";
import type { Tuple } from "./tuple.ts";

/** The IPS_* status bits (include/linux/netfilter/nf_conntrack_common.h). */
export const Status = {
  Expected: 1 << 0,
  SeenReply: 1 << 1,
  Assured: 1 << 2,
  Confirmed: 1 << 3,
  SrcNat: 1 << 4,
  DstNat: 1 << 5,
  SrcNatDone: 1 << 7,
  DstNatDone: 1 << 8,
  Dying: 1 << 9,
} as const;

/** Both NAT kinds (IPS_NAT_MASK). */
export const NAT_MASK = Status.SrcNat | Status.DstNat;
/** Both NAT-done bits (IPS_NAT_DONE_MASK). */
export const NAT_DONE_MASK = Status.SrcNatDone | Status.DstNatDone;

/** A connection-tracking entry. */
export class Conn {
  /** IPS_* bits. */
  status = 0;
  /** Absolute expiry time (µs) once confirmed. */
  expires = 0;
  /** The timeout (µs) to start from when the entry is confirmed. */
  pendingTimeout = 0;
  /** TCP window tracking, for TCP entries. */
  tcp: TcpTrack | undefined;
  /** ICMP: requests seen minus replies seen (2.6.32 deletes the entry when it reaches 0). */
  icmpOutstanding = 0;
  /** MASQUERADE: the device whose address the entry was masqueraded to (nat->masq_index). */
  masqDev: string | undefined;
  /** The pending expiry timer, while confirmed. */
  timer: EventHandle | undefined;

  constructor(
    /** A per-table serial number (creation order). */
    readonly id: number,
    /** Simulated time (µs) the entry was created. */
    readonly bornAt: number,
    /** The ORIGINAL direction tuple. */
    readonly original: Tuple,
    /** The REPLY direction tuple; NAT alters it before the entry is confirmed. */
    public reply: Tuple,
  ) {}

  /** True when every bit of `bits` is set. */
  has(bits: number): boolean {
    return (this.status & bits) === bits;
  }

  /** True once in the hash table (IPS_CONFIRMED). */
  get confirmed(): boolean {
    return this.has(Status.Confirmed);
  }

  /** The tuple of direction 0 (original) or 1 (reply). */
  tuple(dir: 0 | 1): Tuple {
    return dir === 0 ? this.original : this.reply;
  }
}
