// The retransmission timeout, as Linux 2.6.32 computes it (net/ipv4/tcp_input.c tcp_rtt_estimator,
// tcp_set_rto; RFC 6298 with Linux's refinements). Everything is in jiffies with the kernel's fixed
// point: srtt is kept ×8, mdev ×4. Differences from RFC 6298 that are observable: the variance term
// is at least TCP_RTO_MIN (rttvar ≥ 200 ms), so a LAN connection's RTO is srtt + 200 ms rather than
// 1 s; mdev decays only once per round trip (mdev_max, rtt_seq); a zero sample counts as 1 jiffy.
import { after } from "./seq.ts";
import { TCP_RTO_MAX, TCP_RTO_MIN, TCP_TIMEOUT_INIT } from "./params.ts";

/** RTT state and the RTO derived from it. */
export class RtoEstimator {
  /** Smoothed RTT ×8, 0 before the first sample. */
  srtt = 0;
  /** Mean deviation ×4. */
  mdev = 0;
  /** Largest mdev in the current round trip. */
  mdevMax = 0;
  /** The variance term added to srtt. */
  rttvar = 0;
  /** Sequence number that ends the current round trip (rtt_seq). */
  rttSeq = 0;
  /** The current RTO in jiffies, before backoff. */
  rto = TCP_TIMEOUT_INIT;

  /** tcp_rtt_estimator + tcp_set_rto for one sample `mrtt` (jiffies); `sndUna`/`sndNxt` mark round trips. */
  sample(mrtt: number, sndUna: number, sndNxt: number): void {
    let m = mrtt > 0 ? mrtt : 1;
    if (this.srtt !== 0) {
      m -= this.srtt >> 3;
      this.srtt += m;
      if (m < 0) {
        m = -m - (this.mdev >> 2);
        if (m > 0) m >>= 3;
      } else {
        m -= this.mdev >> 2;
      }
      this.mdev += m;
      if (this.mdev > this.mdevMax) {
        this.mdevMax = this.mdev;
        if (this.mdevMax > this.rttvar) this.rttvar = this.mdevMax;
      }
      if (after(sndUna, this.rttSeq)) {
        if (this.mdevMax < this.rttvar) this.rttvar -= (this.rttvar - this.mdevMax) >> 2;
        this.rttSeq = sndNxt;
        this.mdevMax = TCP_RTO_MIN;
      }
    } else {
      this.srtt = m << 3;
      this.mdev = m << 1;
      this.mdevMax = this.rttvar = Math.max(this.mdev, TCP_RTO_MIN);
      this.rttSeq = sndNxt;
    }
    this.rto = Math.min((this.srtt >> 3) + this.rttvar, TCP_RTO_MAX);
  }

  /** tcp_init_metrics' reset: without timestamps a handshake sample is not trusted; back to 3 s. */
  forget(): void {
    this.srtt = 0;
    this.mdev = this.mdevMax = this.rttvar = TCP_TIMEOUT_INIT;
    this.rto = TCP_TIMEOUT_INIT;
  }

  /** srtt in jiffies (0 when unknown). */
  get smoothed(): number {
    return this.srtt >> 3;
  }
}

/** The RTO after `backoff` doublings, capped at TCP_RTO_MAX (inet_csk_rto_backoff). */
export function backedOff(rto: number, backoff: number): number {
  let v = rto;
  for (let i = 0; i < backoff && v < TCP_RTO_MAX; i++) v <<= 1;
  return Math.min(v, TCP_RTO_MAX);
}
