// What Linux keeps in skb->nfct: the connection a packet was found to belong to at PREROUTING or
// OUTPUT, carried to the packet's later hooks. The stack hands each hook a fresh view of the
// packet (and a fresh frame after NAT rewrote it), so a packet is recognised by the bytes it lives
// in — the same buffer and offset — or, after a rewrite, by carrying the bytes netfilter returned
// (only the TTL and header checksum may differ: forwarding decrements the TTL before FORWARD).
// Packets of one traversal are all handled at one simulated instant; older records are dropped.
import type { Tracking } from "./conntrack-in.ts";

/** How many traversals may be in flight at once (an ICMP error sent while forwarding, loopback). */
const SLOTS = 8;

interface Record {
  readonly ref: Uint8Array;
  readonly tracking: Tracking;
  readonly time: number;
}

/** True when `a` and `b` hold the same datagram apart from TTL and header checksum. */
function sameDatagram(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (i === 8 || i === 10 || i === 11) continue;
    if (a[i] !== b[i]) return false;
  }
  return true;
}

/** Recently tracked packets of the current instant. */
export class InflightPackets {
  private records: Record[] = [];

  /** Notes that `ref` (the packet a hook returned) belongs to `tracking`. */
  remember(ref: Uint8Array, tracking: Tracking, now: number): void {
    this.records = [{ ref, tracking, time: now }, ...this.records.filter((r) => r.time === now && r.ref !== ref)].slice(0, SLOTS);
  }

  /**
   * The tracking of a packet seen earlier in its traversal: by identity of the bytes it lives in,
   * or (unless `identityOnly`) by content.
   */
  recall(packet: Uint8Array, now: number, identityOnly: boolean): Tracking | undefined {
    for (const r of this.records) {
      if (r.time !== now) continue;
      if (r.ref.buffer === packet.buffer && r.ref.byteOffset === packet.byteOffset && r.ref.length === packet.length) return r.tracking;
    }
    if (identityOnly) return undefined;
    return this.records.find((r) => r.time === now && sameDatagram(r.ref, packet))?.tracking;
  }
}
