// Ethernet II framing (IEEE 802.3 clause 3 with the DIX type field) and one IEEE 802.1Q VLAN tag.
// The FCS is not carried: like a frame handed to Linux by a NIC driver (and like a pcap of it), the
// bytes start at the destination MAC and end at the last payload byte. A type field below 0x0600
// (ETH_P_802_3_MIN) is an 802.3 length, as for the LLC frames that carry STP BPDUs; the payload is
// then left to the caller. Short frames are not padded here: virtual links (veth, vif, bridge ports)
// carry 42-byte ARP frames as they are; a device that models a real wire pads to 60 itself.

import { readMac, writeMac } from "./address.ts";
import type { Mac } from "./address.ts";
import { readU16, writeU16 } from "./bytes.ts";
import { fail, ok } from "./result.ts";
import type { Result } from "./result.ts";

/** EtherType values this simulator knows by name (IEEE registry). */
export const EtherType = {
  Ipv4: 0x0800,
  Arp: 0x0806,
  Vlan: 0x8100,
  Ipv6: 0x86dd,
} as const;

/** Length of an untagged Ethernet header. */
export const ETHERNET_HEADER_LEN = 14;
/** Length of one 802.1Q tag (TPID + TCI). */
export const VLAN_TAG_LEN = 4;
/** Smallest type-field value that is an EtherType rather than an 802.3 length. */
export const ETHERTYPE_MIN = 0x0600;

/** An 802.1Q tag control field: priority code point, drop eligible indicator, VLAN id. */
export interface VlanTag {
  readonly pcp: number;
  readonly dei: boolean;
  readonly vid: number;
}

/** The header of an Ethernet frame; `etherType` is the inner type when the frame is tagged. */
export interface EthernetRepr {
  readonly dst: Mac;
  readonly src: Mac;
  readonly etherType: number;
  readonly vlan?: VlanTag;
}

/** A checked view over an Ethernet frame: the header (and tag, if any) is known to be present. */
export class EthernetFrame {
  private constructor(
    readonly bytes: Uint8Array,
    /** 14, or 18 with an 802.1Q tag. */
    readonly headerLen: number,
  ) {}

  /** Checks that the header (and tag) fit; never throws. */
  static check(bytes: Uint8Array): Result<EthernetFrame> {
    if (bytes.length < ETHERNET_HEADER_LEN) return fail("truncated", "ethernet", `frame of ${bytes.length} bytes < 14`);
    if (readU16(bytes, 12) !== EtherType.Vlan) return ok(new EthernetFrame(bytes, ETHERNET_HEADER_LEN));
    if (bytes.length < ETHERNET_HEADER_LEN + VLAN_TAG_LEN) {
      return fail("truncated", "ethernet", `802.1Q frame of ${bytes.length} bytes < 18`);
    }
    return ok(new EthernetFrame(bytes, ETHERNET_HEADER_LEN + VLAN_TAG_LEN));
  }

  /** Destination MAC. */
  get dst(): Mac {
    return readMac(this.bytes, 0);
  }
  /** Source MAC. */
  get src(): Mac {
    return readMac(this.bytes, 6);
  }
  /** True when an 802.1Q tag follows the source MAC. */
  get tagged(): boolean {
    return this.headerLen !== ETHERNET_HEADER_LEN;
  }
  /** The type (or 802.3 length) field after any tag. */
  get etherType(): number {
    return readU16(this.bytes, this.headerLen - 2);
  }
  /** The 802.1Q tag, if any. */
  get vlan(): VlanTag | undefined {
    if (!this.tagged) return undefined;
    const tci = readU16(this.bytes, 14);
    return { pcp: tci >>> 13, dei: (tci & 0x1000) !== 0, vid: tci & 0x0fff };
  }
  /** The bytes after the header, as a view (no copy). */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.headerLen);
  }
}

/** Parses the header of an Ethernet frame. */
export function parseEthernet(bytes: Uint8Array): Result<EthernetRepr> {
  const checked = EthernetFrame.check(bytes);
  if (!checked.ok) return checked;
  const frame = checked.value;
  const vlan = frame.vlan;
  const repr: EthernetRepr = { dst: frame.dst, src: frame.src, etherType: frame.etherType };
  return ok(vlan ? { ...repr, vlan } : repr);
}

/** Header length of a repr: 14, or 18 when tagged. */
export function ethernetHeaderLen(repr: EthernetRepr): number {
  return repr.vlan ? ETHERNET_HEADER_LEN + VLAN_TAG_LEN : ETHERNET_HEADER_LEN;
}

/** Writes the header at `offset`; returns the header length. */
export function emitEthernet(repr: EthernetRepr, buf: Uint8Array, offset = 0): number {
  writeMac(buf, offset, repr.dst);
  writeMac(buf, offset + 6, repr.src);
  if (!repr.vlan) {
    writeU16(buf, offset + 12, repr.etherType);
    return ETHERNET_HEADER_LEN;
  }
  const { pcp, dei, vid } = repr.vlan;
  writeU16(buf, offset + 12, EtherType.Vlan);
  writeU16(buf, offset + 14, ((pcp & 7) << 13) | (dei ? 0x1000 : 0) | (vid & 0x0fff));
  writeU16(buf, offset + 16, repr.etherType);
  return ETHERNET_HEADER_LEN + VLAN_TAG_LEN;
}
