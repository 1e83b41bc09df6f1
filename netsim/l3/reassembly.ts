// Reassembly of fragmented datagrams before local delivery, after Linux 2.6.32's ip_defrag
// (net/ipv4/ip_fragment.c): fragments with the same source, destination, identification and
// protocol are kept until the datagram is complete, then handed on as one packet with the first
// fragment's header (offset and MF cleared, length and checksum redone). Bytes already received
// win over a later overlapping fragment. A datagram still incomplete ipfrag_time (30 s) after its
// first fragment arrived is dropped, with ICMP time exceeded "fragment reassembly time exceeded"
// to its sender if the first fragment was among those received (ip_expire).
// Simplification: the memory thresholds (ipfrag_high_thresh) are not modelled.
import type { EventHandle } from "../engine/sim.ts";
import { readIpv4 } from "../wire/address.ts";
import { readU16, writeU16 } from "../wire/bytes.ts";
import { internetChecksum } from "../wire/checksum.ts";
import { ETH_HLEN } from "./ethernet-io.ts";
import type { Iface } from "./iface.ts";
import { ICMP, OFFENDER } from "./icmp-handler.ts";
import { HZ, jiffiesAt, timerTime } from "./linux-params.ts";
import type { Ipv4Stack } from "./ipv4-stack.ts";

/** ipfrag_time in jiffies. */
export const IPFRAG_TIME = 30 * HZ;

interface Piece {
  readonly offset: number;
  readonly data: Uint8Array;
}

interface FragQueue {
  readonly iface: Iface;
  pieces: Piece[];
  /** Payload length once the last fragment (MF clear) has arrived; -1 before. */
  length: number;
  /** The frame of the fragment at offset 0, once received. */
  first: Uint8Array | null;
  timer: EventHandle | null;
}

/** The reassembly queues of one stack. */
export class Reassembler {
  private readonly queues = new Map<string, FragQueue>();

  constructor(private readonly stack: Ipv4Stack) {}

  /** Takes a fragment (frame with IP at ETH_HLEN); returns the whole datagram's frame when complete. */
  add(iface: Iface, frame: Uint8Array): Uint8Array | null {
    const hlen = (frame[ETH_HLEN]! & 0x0f) * 4;
    const total = readU16(frame, ETH_HLEN + 2);
    const flags = readU16(frame, ETH_HLEN + 6);
    const offset = (flags & 0x1fff) * 8;
    const more = (flags & 0x2000) !== 0;
    const data = frame.subarray(ETH_HLEN + hlen, ETH_HLEN + total);
    const key = `${readIpv4(frame, ETH_HLEN + 12)}>${readIpv4(frame, ETH_HLEN + 16)}#${readU16(frame, ETH_HLEN + 4)}/${frame[ETH_HLEN + 9]}`;
    const q = this.queues.get(key) ?? this.open(key, iface);
    if ((more && data.length % 8 !== 0) || (!more && q.length >= 0 && offset + data.length !== q.length)) {
      this.stack.ipDrop("malformed", iface, frame, "fragment: bad length");
      return null;
    }
    if (!more) q.length = offset + data.length;
    if (offset === 0) q.first = frame;
    q.pieces.push({ offset, data });
    const whole = this.complete(q);
    if (whole === null) return null;
    q.timer?.cancel();
    this.queues.delete(key);
    return whole;
  }

  private open(key: string, iface: Iface): FragQueue {
    const q: FragQueue = { iface, pieces: [], length: -1, first: null, timer: null };
    const sim = this.stack.sim;
    q.timer = sim.at(timerTime(jiffiesAt(sim.now) + IPFRAG_TIME, sim.now), () => this.expire(key, q));
    this.queues.set(key, q);
    return q;
  }

  /** The datagram when every byte up to the last fragment's end is present. */
  private complete(q: FragQueue): Uint8Array | null {
    if (q.length < 0 || q.first === null) return null;
    const have = new Uint8Array(q.length);
    const payload = new Uint8Array(q.length);
    let missing = q.length;
    for (const p of q.pieces) {
      for (let i = 0; i < p.data.length && p.offset + i < q.length; i++) {
        if (have[p.offset + i] === 1) continue;
        have[p.offset + i] = 1;
        payload[p.offset + i] = p.data[i]!;
        missing--;
      }
    }
    if (missing > 0) return null;
    const hlen = (q.first[ETH_HLEN]! & 0x0f) * 4;
    const frame = new Uint8Array(ETH_HLEN + hlen + q.length);
    frame.set(q.first.subarray(0, ETH_HLEN + hlen));
    frame.set(payload, ETH_HLEN + hlen);
    writeU16(frame, ETH_HLEN + 2, hlen + q.length);
    writeU16(frame, ETH_HLEN + 6, readU16(frame, ETH_HLEN + 6) & 0x4000);
    writeU16(frame, ETH_HLEN + 10, 0);
    writeU16(frame, ETH_HLEN + 10, internetChecksum(frame, ETH_HLEN, ETH_HLEN + hlen));
    return frame;
  }

  /** ip_expire. */
  private expire(key: string, q: FragQueue): void {
    this.queues.delete(key);
    const stack = this.stack;
    stack.ipDrop("malformed", q.iface, q.first, "fragment reassembly time exceeded");
    if (q.first !== null) stack.icmp.sendError(q.first, ICMP.TIME_EXCEEDED, 1, 0, OFFENDER.LOCAL, q.iface);
  }

  /** Datagrams being reassembled (for tests and `netstat -s`-like accounting). */
  get pending(): number {
    return this.queues.size;
  }
}

