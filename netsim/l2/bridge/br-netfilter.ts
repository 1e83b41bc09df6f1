// Bridge netfilter, the bridge's half: after Linux 2.6.32 net/bridge/br_netfilter.c, built into
// Squeeze's bridge module. A bridged IPv4 frame (ethertype 0x0800; 802.1Q-tagged IPv4 only with
// bridge-nf-filter-vlan-tagged, PPPoE-session IPv4 only with bridge-nf-filter-pppoe-tagged) goes
// through iptables when bridge-nf-call-iptables is 1 (the default): br_nf_pre_routing checks the IP
// header (version, ihl, checksum, total length — a bad one is dropped) and calls PREROUTING with the
// bridge as in-device; br_nf_forward_ip calls FORWARD (in and out device: the bridge) once per port
// the frame leaves by; br_nf_post_routing calls POSTROUTING (out device: the bridge). The ports
// themselves are what `-m physdev` sees. Frames dom0's own stack sends through the bridge carry no
// bridge-netfilter state (br_nf_local_out): they met iptables in the stack already.
//
// The bridge knows nothing of iptables: a node that has both injects a BridgeNetfilterHook
// (Bridge.setNetfilterHook). This file finds the IP packet in the frame, runs the hook points and
// rebuilds the frame when NAT rewrote the packet. Simplifications, each visible only in corner
// cases: iptables PREROUTING runs once the bridge has chosen its ports (Linux runs it before the
// FDB lookup); the copy a bridge passes up to its own stack meets PREROUTING there (what
// ip_sabotage_in achieves by letting it through once); a DNAT in bridged PREROUTING rewrites the
// packet but does not re-route it (br_nf_pre_routing_finish's ip_route_input); arptables and
// ip6tables are not modelled (their sysctls exist but change nothing); a frame whose Ethernet
// padding follows the IP packet keeps it unless NAT rebuilt the frame.
import { internetChecksum } from "../../wire/checksum.ts";

/** The /proc/sys/net/bridge knobs of one host (br_netfilter.c's brnf_* globals). */
export interface BridgeNfSettings {
  /** bridge-nf-call-iptables (default 1). */
  callIptables: boolean;
  /** bridge-nf-call-arptables (default 1; arptables is not modelled). */
  callArptables: boolean;
  /** bridge-nf-call-ip6tables (default 1; IPv6 is not modelled). */
  callIp6tables: boolean;
  /** bridge-nf-filter-vlan-tagged (default 0): also filter 802.1Q-tagged IPv4. */
  filterVlanTagged: boolean;
  /** bridge-nf-filter-pppoe-tagged (default 0): also filter IPv4 in PPPoE sessions. */
  filterPppoeTagged: boolean;
}

/** Linux 2.6.32's defaults. */
export function defaultBridgeNfSettings(): BridgeNfSettings {
  return { callIptables: true, callArptables: true, callIp6tables: true, filterVlanTagged: false, filterPppoeTagged: false };
}

/** The iptables hook points a bridged frame passes. */
export type BridgeNfPoint = "PREROUTING" | "FORWARD" | "POSTROUTING";

/** What one hook call is told: the bridge device and the ports (nf_bridge->physindev/physoutdev). */
export interface BridgeNfCall {
  readonly bridge: string;
  readonly physIn: string;
  /** Absent at PREROUTING (no output port yet). */
  readonly physOut?: string;
  /** The frame's own state across its hooks (its sk_buff: the conntrack entry found at PREROUTING). */
  readonly skb: { nfct?: unknown };
  /** Another copy of the frame (a flood) still goes on: an entry this copy's drop leaves unconfirmed must stay. */
  readonly shared: boolean;
}

/** A hook's answer: the IP packet to go on with (the same bytes or a rewritten copy), or a drop. */
export type BridgeNfVerdict = { readonly action: "accept"; readonly packet: Uint8Array } | { readonly action: "drop"; readonly reason: string };

/** iptables as a bridge calls it; implemented by the node that has both (netsim/l3/netfilter). */
export interface BridgeNetfilterHook {
  /** The host's /proc/sys/net/bridge settings, read on every frame. */
  readonly settings: BridgeNfSettings;
  /** False while no table and no conntrack is loaded: then only the header check runs. */
  active(): boolean;
  /** One hook point for the IPv4 packet `packet` (header and payload, no Ethernet). */
  run(point: BridgeNfPoint, packet: Uint8Array, call: BridgeNfCall): BridgeNfVerdict;
}

/** Where the IPv4 header of a frame starts, if this frame is one iptables should see; else -1. */
export function ipv4Offset(frame: Uint8Array, s: BridgeNfSettings): number {
  const type = (frame[12]! << 8) | frame[13]!;
  if (type === 0x0800) return 14;
  if (type === 0x8100 && s.filterVlanTagged && frame[16] === 0x08 && frame[17] === 0x00) return 18;
  // PPPoE session (RFC 2516): 6-byte PPPoE header, then PPP protocol 0x0021 (IP).
  if (type === 0x8864 && s.filterPppoeTagged && frame[20] === 0x00 && frame[21] === 0x21) return 22;
  return -1;
}

/** br_nf_pre_routing's header check; the IP packet's total length, or -1 for a bad header (inhdr_error). */
export function checkedIpv4Length(frame: Uint8Array, off: number): number {
  const len = frame.length - off;
  if (len < 20) return -1;
  const b0 = frame[off]!;
  const hlen = (b0 & 0x0f) * 4;
  if (b0 >>> 4 !== 4 || hlen < 20 || len < hlen) return -1;
  if (internetChecksum(frame, off, off + hlen) !== 0) return -1;
  const total = (frame[off + 2]! << 8) | frame[off + 3]!;
  return total > len || total < hlen ? -1 : total;
}

/** The frame for a packet: `frame` itself when `packet` is still a view of it, else a new frame with its link header. */
export function frameWith(frame: Uint8Array, off: number, packet: Uint8Array): Uint8Array {
  if (packet.buffer === frame.buffer && packet.byteOffset === frame.byteOffset + off) return frame;
  const out = new Uint8Array(off + packet.length);
  out.set(frame.subarray(0, off));
  out.set(packet, off);
  if (off === 22) {
    // The PPPoE length field covers the PPP protocol and the packet (RFC 2516 §4).
    const pppoeLen = packet.length + 2;
    out[18] = pppoeLen >>> 8;
    out[19] = pppoeLen & 0xff;
  }
  return out;
}
