// Decodes a whole Ethernet frame into its layer stack, the way tcpdump walks it: Ethernet (with an
// 802.1Q tag) → ARP, or IPv4 → ICMP | UDP (→ BOOTP/DHCP on port 67 or 68) | TCP. A fragment's data
// is not decoded further (only the first fragment would hold a transport header, and not a whole one).

import { parseArp } from "./arp.ts";
import type { ArpRepr } from "./arp.ts";
import { DHCP_CLIENT_PORT, DHCP_SERVER_PORT, parseDhcp } from "./dhcp.ts";
import type { DhcpRepr } from "./dhcp.ts";
import { ethernetHeaderLen, EtherType, parseEthernet } from "./ethernet.ts";
import type { EthernetRepr } from "./ethernet.ts";
import { parseIcmp } from "./icmp.ts";
import type { IcmpRepr } from "./icmp.ts";
import { IpProtocol, ipv4Payload, isFragment, parseIpv4Packet } from "./ipv4.ts";
import type { Ipv4Repr } from "./ipv4.ts";
import { ok } from "./result.ts";
import type { Result, WireError } from "./result.ts";
import { parseTcp } from "./tcp.ts";
import type { TcpRepr } from "./tcp.ts";
import { parseUdp } from "./udp.ts";
import type { UdpRepr } from "./udp.ts";

/** The decoded layers of a frame; a layer is present when it was decoded. */
export interface DecodedFrame {
  readonly eth: EthernetRepr;
  readonly arp?: ArpRepr;
  readonly ipv4?: Ipv4Repr;
  readonly icmp?: IcmpRepr;
  readonly udp?: UdpRepr;
  readonly tcp?: TcpRepr;
  readonly dhcp?: DhcpRepr;
  /** The bytes of the innermost decoded layer's payload (or of the layer that was refused). */
  readonly payload: Uint8Array;
  /** Why decoding stopped below the last present layer (bad checksum, truncated, …). */
  readonly error?: WireError;
}

/** Options for {@link decodeFrame}. */
export interface DecodeOptions {
  /** Verify IP, ICMP, UDP and TCP checksums (default true; tcpdump does not at default verbosity). */
  readonly verifyChecksums?: boolean;
}

type Layers = { -readonly [K in keyof DecodedFrame]: DecodedFrame[K] };

/** Decodes a frame; fails only when the Ethernet header itself is unusable, inner refusals go in `error`. */
export function decodeFrame(bytes: Uint8Array, options: DecodeOptions = {}): Result<DecodedFrame> {
  const eth = parseEthernet(bytes);
  if (!eth.ok) return eth;
  const layers: Layers = { eth: eth.value, payload: bytes.subarray(ethernetHeaderLen(eth.value)) };
  if (eth.value.etherType === EtherType.Arp) decodeArp(layers);
  else if (eth.value.etherType === EtherType.Ipv4) decodeIpv4(layers, options.verifyChecksums ?? true);
  return ok(layers);
}

function decodeArp(layers: Layers): void {
  const arp = parseArp(layers.payload);
  if (arp.ok) layers.arp = arp.value;
  else layers.error = arp.error;
}

function decodeIpv4(layers: Layers, verify: boolean): void {
  const ip = parseIpv4Packet(layers.payload, { verifyChecksum: verify });
  if (!ip.ok) {
    layers.error = ip.error;
    return;
  }
  layers.ipv4 = ip.value;
  layers.payload = ipv4Payload(layers.payload, ip.value);
  if (isFragment(ip.value)) return;
  const { src, dst } = ip.value;
  if (ip.value.protocol === IpProtocol.Icmp) {
    const icmp = parseIcmp(layers.payload, verify);
    if (icmp.ok) layers.icmp = icmp.value;
    else layers.error = icmp.error;
  } else if (ip.value.protocol === IpProtocol.Tcp) {
    const tcp = parseTcp(layers.payload, src, dst, verify);
    if (tcp.ok) [layers.tcp, layers.payload] = [tcp.value, tcp.value.payload];
    else layers.error = tcp.error;
  } else if (ip.value.protocol === IpProtocol.Udp) {
    decodeUdp(layers, src, dst, verify);
  }
}

function decodeUdp(layers: Layers, src: number, dst: number, verify: boolean): void {
  const udp = parseUdp(layers.payload, src, dst, verify);
  if (!udp.ok) {
    layers.error = udp.error;
    return;
  }
  layers.udp = udp.value;
  layers.payload = udp.value.payload;
  const { srcPort, dstPort } = udp.value;
  if (!isBootpPort(srcPort) && !isBootpPort(dstPort)) return;
  const dhcp = parseDhcp(udp.value.payload);
  if (dhcp.ok) layers.dhcp = dhcp.value;
  else layers.error = dhcp.error;
}

/** Ports 67 and 68 (a module-level function: a closure here would be re-created for every frame). */
function isBootpPort(port: number): boolean {
  return port === DHCP_SERVER_PORT || port === DHCP_CLIENT_PORT;
}
