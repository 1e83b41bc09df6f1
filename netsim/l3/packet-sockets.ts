// AF_PACKET sockets bound to one device (socket(AF_PACKET, SOCK_RAW, ETH_P_ALL) + bind to an
// ifindex), what DHCP clients (dhclient's LPF, udhcpc) and servers use before the interface has an
// address, after net/packet/af_packet.c: every frame the device receives is queued on the socket
// before the IP stack looks at it, and read by the application after, whatever its type or
// destination (frames for other hosts arrive only when the device is promiscuous); with
// `outgoing`, frames the stack transmits on the device are seen too (dev_queue_xmit_nit), except
// the socket's own. Sending puts a whole frame on the device.
import type { NetDev } from "../l2/net-dev.ts";

/** How a frame reached the socket (sll_pkttype). */
export type PacketType = "host" | "broadcast" | "multicast" | "otherhost" | "outgoing";

/** What the socket learns with each frame. */
export interface PacketInfo {
  readonly dev: string;
  readonly pktType: PacketType;
}

const PKT_NAMES: readonly PacketType[] = ["host", "broadcast", "multicast", "otherhost", "outgoing"];

/** One packet socket bound to one device. */
export class PacketSocket {
  closed = false;
  private listener: ((frame: Uint8Array, info: PacketInfo) => void) | null = null;

  constructor(
    readonly dev: NetDev,
    /** Also see frames sent on the device. */
    readonly outgoing: boolean,
    private readonly owner: { transmitFrom(s: PacketSocket, frame: Uint8Array): boolean; detach(s: PacketSocket): void },
  ) {}

  /** Called with every frame (a shared view: copy it to keep it). */
  onFrame(listener: ((frame: Uint8Array, info: PacketInfo) => void) | null): void {
    this.listener = listener;
  }

  /** Transmits a whole Ethernet frame on the device; false when the device dropped it. */
  send(frame: Uint8Array): boolean {
    if (this.closed) return false;
    return this.owner.transmitFrom(this, frame);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.owner.detach(this);
  }

  /**
   * For the stack: a frame for this socket, `pktType` as in ethernet-io's PKT. packet_rcv only
   * queues the frame on the socket; the application reads it after the kernel has finished with the
   * frame, so it is handed over at +0 µs: a DHCP client that configures its address on reading an
   * ACK must not make the IP layer, which saw that ACK first, take it as addressed to us.
   */
  deliver(frame: Uint8Array, pktType: number): void {
    if (this.listener === null) return;
    const info: PacketInfo = { dev: this.dev.name, pktType: PKT_NAMES[pktType] ?? "otherhost" };
    this.dev.sim.post(0, () => {
      if (!this.closed) this.listener?.(frame, info);
    });
  }
}
