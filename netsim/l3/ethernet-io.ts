// How the IPv4 stack meets Ethernet: every frame it builds keeps the IPv4 header at offset 14 (the
// stack never tags VLANs), and a received frame is classified by its destination MAC the way
// eth_type_trans sets skb->pkt_type (include/linux/if_packet.h values).
import { BROADCAST_MAC, isMulticastMac, readMac, writeMac, type Mac } from "../wire/address.ts";

/** Where the network header starts in every frame the stack handles. */
export const ETH_HLEN = 14;
/** EtherType of IPv4. */
export const ETH_P_IP = 0x0800;
/** EtherType of ARP. */
export const ETH_P_ARP = 0x0806;

/** skb->pkt_type. */
export const PKT = {
  HOST: 0,
  BROADCAST: 1,
  MULTICAST: 2,
  OTHERHOST: 3,
  OUTGOING: 4,
  LOOPBACK: 5,
} as const;

/** The packet type of a frame received by a device with MAC `own`. */
export function pktTypeOf(frame: Uint8Array, own: Mac): number {
  const dst = readMac(frame, 0);
  if (dst === own) return PKT.HOST;
  if (dst === BROADCAST_MAC) return PKT.BROADCAST;
  return isMulticastMac(dst) ? PKT.MULTICAST : PKT.OTHERHOST;
}

/** Writes an Ethernet II header in place. */
export function writeEthernetHeader(frame: Uint8Array, dst: Mac, src: Mac, etherType: number): void {
  writeMac(frame, 0, dst);
  writeMac(frame, 6, src);
  frame[12] = etherType >>> 8;
  frame[13] = etherType & 0xff;
}

/** The MAC an IPv4 multicast group maps to (RFC 1112 §6.4): 01:00:5e plus the low 23 bits. */
export function multicastMac(group: number): Mac {
  return 0x01005e000000 + (group & 0x7fffff);
}
