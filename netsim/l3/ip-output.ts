// The sending half of the stack, after Linux 2.6.32's ip_output.c: a locally generated packet is
// routed (ip_route_output), built with its header, passed through OUTPUT (and re-routed if NAT
// changed its destination, ip_route_me_harder), then POSTROUTING, then ip_finish_output: fragmented
// if larger than the device MTU and DF is clear, and handed to the link layer — the loopback
// device for our own addresses, a broadcast or multicast MAC, or the ARP neighbour of the next hop.
// A broadcast we send is also delivered to ourselves (ip_mc_output's loopback copy).
//
// Building a packet is split in `begin` (route, allocate, write the IPv4 header) and `commit`, so
// that callers write their payload straight into the frame: no closure, one allocation per packet.
// IP identification follows ip_select_ident: with DF set, 0 unless the socket is connected (then
// the socket's own counter, passed in `ident`); without DF, a per-destination counter (inet_peer)
// that starts at a seeded random value.
import type { RandomStream } from "../engine/random.ts";
import { BROADCAST_MAC, readIpv4, writeIpv4, type Ipv4 } from "../wire/address.ts";
import { readU16, writeU16 } from "../wire/bytes.ts";
import { internetChecksum } from "../wire/checksum.ts";
import { ETH_HLEN, ETH_P_IP, multicastMac, writeEthernetHeader } from "./ethernet-io.ts";
import { ALL_HOSTS, RTN } from "./fib.ts";
import type { Iface } from "./iface.ts";
import type { Errno } from "./errno.ts";
import type { Ipv4Stack } from "./ipv4-stack.ts";

/** IP_MTU_DISCOVER: `want` sets DF when the packet fits (the default), `do` always, `dont` never. */
export type PmtuDisc = "want" | "dont" | "do";

/** How a local sender wants its packet sent. */
export interface IpSendOptions {
  readonly dst: Ipv4;
  readonly protocol: number;
  /** A bound source address; 0 or absent: chosen by routing. */
  readonly src?: Ipv4;
  readonly ttl?: number;
  readonly tos?: number;
  readonly pmtudisc?: PmtuDisc;
  /** An IP id to use (a connected socket's counter) when DF is set. */
  readonly ident?: number;
  /** SO_BINDTODEVICE / IP_PKTINFO: leave by this device. */
  readonly dev?: string;
  /** SO_BROADCAST: sending to a broadcast address is allowed. */
  readonly allowBroadcast?: boolean;
}

/** Writes the payload of a packet whose source and destination routing chose. */
export type IpWriter = (frame: Uint8Array, offset: number, src: Ipv4, dst: Ipv4) => void;

/** Offset of the payload in a frame begun with a plain 20-byte header. */
export const PAYLOAD_AT = ETH_HLEN + 20;

/** The output path of one stack. */
export class IpOutput {
  // The route chosen by the last `begin`, used by `commit`.
  private pType = 0;
  private pOut: Iface | null = null;
  private pNextHop = 0;
  private readonly peerIds = new Map<Ipv4, number>();

  constructor(
    private readonly stack: Ipv4Stack,
    private readonly idRng: RandomStream,
  ) {}

  /** inet_getid: the next id toward `dst` for packets without DF. */
  peerIdent(dst: Ipv4): number {
    const next = this.peerIds.get(dst) ?? this.idRng.int(0, 0xffff);
    this.peerIds.set(dst, (next + 1) & 0xffff);
    return next;
  }

  /**
   * Routes a packet with `payloadLen` payload bytes and returns its frame with the IPv4 header
   * written (payload at PAYLOAD_AT, the chosen source at offset 26), or why it cannot be sent.
   */
  begin(opts: IpSendOptions, payloadLen: number): Uint8Array | Errno {
    const stack = this.stack;
    const fib = stack.fib;
    let oif: Iface | null = null;
    if (opts.dev !== undefined) {
      oif = stack.devs.named(opts.dev) ?? null;
      if (oif === null) return "ENODEV";
    }
    const err = fib.routeOutput(opts.dst, opts.src ?? 0, oif);
    if (err !== undefined) return err;
    if (fib.rType === RTN.BROADCAST && opts.allowBroadcast !== true) return "EACCES";
    const out = fib.rIface!;
    const total = 20 + payloadLen;
    if (total > 0xffff) return "EMSGSIZE";
    const pmtu = opts.pmtudisc ?? "want";
    const fits = total <= out.dev.mtu;
    if (pmtu === "do" && !fits) return "EMSGSIZE";
    const df = pmtu === "do" || (pmtu === "want" && fits);
    this.pType = fib.rType;
    this.pOut = out;
    this.pNextHop = fib.rNextHop;
    const frame = new Uint8Array(ETH_HLEN + total);
    const ident = df ? (opts.ident ?? 0) : (opts.ident ?? this.peerIdent(opts.dst));
    writeIpHeader(frame, total, ident, df, opts.ttl ?? stack.netConf.ipDefaultTtl, opts.tos ?? 0, opts.protocol, fib.rSrc, opts.dst);
    return frame;
  }

  /** Finishes the header checksum and sends a frame from `begin` on its way. */
  commit(frame: Uint8Array): void {
    writeU16(frame, ETH_HLEN + 10, 0);
    writeU16(frame, ETH_HLEN + 10, internetChecksum(frame, ETH_HLEN, ETH_HLEN + 20));
    this.localOut(frame, this.pType, this.pOut!, this.pNextHop);
  }

  /** begin + writer + commit, for protocols that compute a checksum over the pseudo-header (TCP). */
  send(opts: IpSendOptions, payloadLen: number, write: IpWriter): Errno | undefined {
    const frame = this.begin(opts, payloadLen);
    if (typeof frame === "string") return frame;
    write(frame, PAYLOAD_AT, readIpv4(frame, ETH_HLEN + 12), opts.dst);
    this.commit(frame);
    return undefined;
  }

  /** ip_local_out for a packet built whole by the caller (a TCP reset from REJECT): routed on its header. */
  sendBuilt(frame: Uint8Array): Errno | undefined {
    const fib = this.stack.fib;
    const err = fib.routeOutput(readIpv4(frame, ETH_HLEN + 16), 0, null);
    if (err !== undefined) return err;
    this.localOut(frame, fib.rType, fib.rIface!, fib.rNextHop);
    return undefined;
  }

  /** OUTPUT, then POSTROUTING: the netfilter points of a locally generated packet. */
  private localOut(frame: Uint8Array, type: number, out: Iface, nextHop: Ipv4): void {
    const stack = this.stack;
    let pkt = frame;
    if (stack.hooks !== null) {
      const dst = readIpv4(pkt, ETH_HLEN + 16);
      const after = stack.runHook("OUTPUT", pkt, null, out, 0);
      if (after === null) return;
      pkt = after;
      const newDst = readIpv4(pkt, ETH_HLEN + 16);
      if (newDst !== dst) {
        const fib = stack.fib;
        if (fib.routeOutput(newDst, 0, null) !== undefined) return stack.ipDrop("no-route", null, pkt, "re-route after OUTPUT");
        type = fib.rType;
        out = fib.rIface!;
        nextHop = fib.rNextHop;
      }
    }
    stack.traceRoute("output", pkt, out, nextHop);
    this.postRouting(pkt, type, out, nextHop);
  }

  /** POSTROUTING then ip_finish_output; forwarded packets join here too. */
  postRouting(frame: Uint8Array, type: number, out: Iface, nextHop: Ipv4): void {
    const stack = this.stack;
    let pkt = frame;
    if (stack.hooks !== null) {
      const after = stack.runHook("POSTROUTING", pkt, null, out, nextHop);
      if (after === null) return;
      pkt = after;
    }
    const total = readU16(pkt, ETH_HLEN + 2);
    if (total > out.dev.mtu && (pkt[ETH_HLEN + 6]! & 0x40) === 0) {
      for (const piece of fragment(pkt, out.dev.mtu)) this.finish(piece, type, out, nextHop);
      return;
    }
    this.finish(pkt, type, out, nextHop);
  }

  /** ip_finish_output2: the link-layer header, from the neighbour or fixed for broadcast and loopback. */
  private finish(frame: Uint8Array, type: number, out: Iface, nextHop: Ipv4): void {
    const stack = this.stack;
    const mac = out.dev.mac;
    if (out.isLoopback) {
      writeEthernetHeader(frame, 0, 0, ETH_P_IP);
      stack.transmit(out, frame);
    } else if (type === RTN.BROADCAST || type === RTN.MULTICAST) {
      const dst = readIpv4(frame, ETH_HLEN + 16);
      writeEthernetHeader(frame, type === RTN.BROADCAST ? BROADCAST_MAC : multicastMac(dst), mac, ETH_P_IP);
      if (type === RTN.BROADCAST || dst === ALL_HOSTS) stack.loopbackCopy(out, frame);
      stack.transmit(out, frame);
    } else {
      stack.neigh.output(out, nextHop, frame);
    }
  }
}

/** Writes a 20-byte IPv4 header at ETH_HLEN (checksum left to `commit`). */
export function writeIpHeader(frame: Uint8Array, total: number, ident: number, df: boolean, ttl: number, tos: number, protocol: number, src: Ipv4, dst: Ipv4): void {
  const at = ETH_HLEN;
  frame[at] = 0x45;
  frame[at + 1] = tos;
  writeU16(frame, at + 2, total);
  writeU16(frame, at + 4, ident);
  frame[at + 6] = df ? 0x40 : 0;
  frame[at + 7] = 0;
  frame[at + 8] = ttl;
  frame[at + 9] = protocol;
  writeIpv4(frame, at + 12, src);
  writeIpv4(frame, at + 16, dst);
}

/** ip_fragment: pieces of at most `mtu` bytes, data in multiples of 8, header copied, MF and offsets set. */
export function fragment(frame: Uint8Array, mtu: number): Uint8Array[] {
  const hlen = (frame[ETH_HLEN]! & 0x0f) * 4;
  const total = readU16(frame, ETH_HLEN + 2);
  const flags = readU16(frame, ETH_HLEN + 6);
  const baseOffset = (flags & 0x1fff) * 8;
  const moreAfter = (flags & 0x2000) !== 0;
  const step = (mtu - hlen) & ~7;
  const pieces: Uint8Array[] = [];
  for (let off = 0; off < total - hlen; off += step) {
    const len = Math.min(step, total - hlen - off);
    const piece = new Uint8Array(ETH_HLEN + hlen + len);
    piece.set(frame.subarray(ETH_HLEN, ETH_HLEN + hlen), ETH_HLEN);
    piece.set(frame.subarray(ETH_HLEN + hlen + off, ETH_HLEN + hlen + off + len), ETH_HLEN + hlen);
    const last = off + len >= total - hlen;
    writeU16(piece, ETH_HLEN + 2, hlen + len);
    writeU16(piece, ETH_HLEN + 6, ((baseOffset + off) >>> 3) | (!last || moreAfter ? 0x2000 : 0));
    writeU16(piece, ETH_HLEN + 10, 0);
    writeU16(piece, ETH_HLEN + 10, internetChecksum(piece, ETH_HLEN, ETH_HLEN + hlen));
    pieces.push(piece);
  }
  return pieces;
}
