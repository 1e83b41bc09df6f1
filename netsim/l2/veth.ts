// A virtual Ethernet pair, as Linux's drivers/net/veth.c (ip-link(8) `type veth peer name …`).
//
// What one end transmits the other end receives. Carrier follows veth_open/veth_close: an end has
// carrier only while both ends are administratively up, so taking one end down drops the carrier
// of both. A frame longer than the receiving end's MTU allows is refused as dev_forward_skb does
// (counted in the receiver's rx_dropped, not in the sender's tx_packets). Delivery is posted at
// +0 µs rather than called directly — Linux queues it on the backlog with netif_rx — so two stacks
// answering each other across a pair never recurse.
import { BaseDev, ETH_HEADER } from "./net-dev.ts";
import type { Sim } from "../engine/sim.ts";
import type { Mac } from "../wire/address.ts";

/** One end of a pair: the node it lives in, its name and MAC. */
export interface VethEnd {
  readonly node: string;
  readonly name: string;
  readonly mac: Mac;
}

/** The 802.1Q tag dev_forward_skb allows beyond MTU + Ethernet header. */
const VLAN_HLEN = 4;

/** One end of a veth pair; create both with `Veth.pair`. */
export class Veth extends BaseDev {
  readonly kind = "veth";
  private other: Veth | null = null;

  private constructor(sim: Sim, end: VethEnd) {
    super(sim, end.node, end.name, end.mac);
  }

  /** Creates two connected ends, both down (as `ip link add … type veth peer …` leaves them). */
  static pair(sim: Sim, a: VethEnd, b: VethEnd): [Veth, Veth] {
    const first = new Veth(sim, a);
    const second = new Veth(sim, b);
    first.other = second;
    second.other = first;
    return [first, second];
  }

  /** The other end. */
  get peer(): Veth {
    const other = this.other;
    if (other === null) throw new Error(`veth ${this.name}: no peer`);
    return other;
  }

  override setUp(up: boolean): void {
    super.setUp(up);
    const peer = this.peer;
    const carrier = this.isUp && peer.isUp;
    this.setCarrier(carrier);
    peer.setCarrier(carrier);
  }

  protected sendToMedium(frame: Uint8Array): boolean {
    const peer = this.peer;
    if (frame.length > peer.mtu + ETH_HEADER + VLAN_HLEN) {
      peer.counters.rxDropped++;
      peer.traceDrop(frame, "too-big", `larger than ${peer.name}'s MTU ${peer.mtu}`);
      return false;
    }
    this.sim.post(0, () => peer.receive(frame));
    return true;
  }
}
