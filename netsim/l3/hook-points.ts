// The stack's side of the netfilter hooks (hooks.ts): calling `PacketHooks.run` at a hook point,
// continuing with the packet it returns (NAT may rewrite it), and acting on REJECT the way
// net/ipv4/netfilter/ipt_REJECT.c does — an ICMP destination unreachable with the chosen code
// (icmp_send, so the usual rules apply), or a TCP reset forged from the rejected segment
// (send_reset: from its destination to its source, seq from its ack or ack covering it, DF, TTL
// 64), sent through OUTPUT like any local packet. REJECT only exists in INPUT, FORWARD and OUTPUT.
import { readIpv4, writeIpv4 } from "../wire/address.ts";
import { readU16, readU32, writeU16, writeU32 } from "../wire/bytes.ts";
import { foldChecksum, internetChecksum, pseudoHeaderSum, sumWords } from "../wire/checksum.ts";
import { ETH_HLEN } from "./ethernet-io.ts";
import { RTN } from "./fib.ts";
import type { HookContext, HookPoint, PacketState, RejectWith } from "./hooks.ts";
import type { Iface } from "./iface.ts";
import { ICMP, OFFENDER } from "./icmp-handler.ts";
import type { Ipv4Stack } from "./ipv4-stack.ts";

const REJECT_CODES: Readonly<Record<Exclude<RejectWith, "tcp-reset">, number>> = {
  "icmp-net-unreachable": 0,
  "icmp-host-unreachable": 1,
  "icmp-proto-unreachable": 2,
  "icmp-port-unreachable": 3,
  "icmp-net-prohibited": 9,
  "icmp-host-prohibited": 10,
  "icmp-admin-prohibited": 13,
};

/** One view of the IP packet per frame, so every hook of a traversal sees the same Uint8Array. */
const views = new WeakMap<Uint8Array, Uint8Array>();

function viewOf(frame: Uint8Array): Uint8Array {
  const total = Math.min(readU16(frame, ETH_HLEN + 2), frame.length - ETH_HLEN);
  const cached = views.get(frame);
  if (cached !== undefined && cached.length === total) return cached;
  const view = frame.subarray(ETH_HLEN, ETH_HLEN + total);
  views.set(frame, view);
  return view;
}

/** Each frame's PacketState (its sk_buff): created at the first hook, carried to a rebuilt frame. */
const states = new WeakMap<Uint8Array, PacketState>();

function stateOf(frame: Uint8Array): PacketState {
  let state = states.get(frame);
  if (state === undefined) {
    state = {};
    states.set(frame, state);
  }
  return state;
}

/**
 * Gives `copy` the packet state of `frame`, for a packet that continues its traversal in new
 * bytes — looped back through `lo`, as Linux's loopback keeps skb->nfct.
 */
export function carryPacketState(frame: Uint8Array, copy: Uint8Array): void {
  const state = states.get(frame);
  if (state !== undefined) states.set(copy, state);
}

/**
 * Runs the hooks at `point` on the packet in `frame` (IP at ETH_HLEN; the frame must be the stack's
 * own, not shared with other receivers). Returns the frame to go on with or null when it was
 * dropped. A rewritten packet of the same length (NAT) is copied into the frame, so the next hook
 * sees the same view again; one of another length gets a new frame.
 */
export function runHook(stack: Ipv4Stack, point: HookPoint, frame: Uint8Array, inIface: Iface | null, outIface: Iface | null, nextHop: number): Uint8Array | null {
  const hooks = stack.hooks;
  if (hooks === null) return frame;
  const packet = viewOf(frame);
  const ctx: HookContext = {
    skb: stateOf(frame),
    ...(inIface !== null ? { inDev: inIface.name } : {}),
    ...(outIface !== null ? { outDev: outIface.name } : {}),
    ...(nextHop !== 0 ? { nextHop } : {}),
  };
  const verdict = hooks.run(point, packet, ctx);
  if (verdict.action === "accept") {
    if (verdict.packet === packet) return frame;
    if (verdict.packet.length === packet.length) {
      packet.set(verdict.packet);
      return frame;
    }
    const rebuilt = new Uint8Array(ETH_HLEN + verdict.packet.length);
    rebuilt.set(verdict.packet, ETH_HLEN);
    carryPacketState(frame, rebuilt);
    return rebuilt;
  }
  stack.ipDrop("filtered", inIface ?? outIface, frame, `${point}: ${verdict.reason}`);
  if (verdict.action === "reject" && (point === "INPUT" || point === "FORWARD" || point === "OUTPUT")) reject(stack, point, frame, verdict.with, inIface);
  return null;
}

function reject(stack: Ipv4Stack, point: HookPoint, frame: Uint8Array, how: RejectWith, inIface: Iface | null): void {
  if (how === "tcp-reset") return sendReset(stack, frame);
  let flags = 0;
  if (point === "INPUT") {
    flags = OFFENDER.LOCAL;
    if (stack.fib.addrType(readIpv4(frame, ETH_HLEN + 16)) !== RTN.LOCAL) flags |= OFFENDER.BROADCAST;
  }
  stack.icmp.sendError(frame, ICMP.DEST_UNREACH, REJECT_CODES[how], 0, flags, inIface);
}

/** ipt_REJECT's send_reset. */
function sendReset(stack: Ipv4Stack, frame: Uint8Array): void {
  const hlen = (frame[ETH_HLEN]! & 0x0f) * 4;
  const total = Math.min(readU16(frame, ETH_HLEN + 2), frame.length - ETH_HLEN);
  const t = ETH_HLEN + hlen;
  if (frame[ETH_HLEN + 9] !== 6 || (readU16(frame, ETH_HLEN + 6) & 0x1fff) !== 0 || total < hlen + 20) return;
  const flags = frame[t + 13]!;
  if ((flags & 0x04) !== 0) return;
  const src = readIpv4(frame, ETH_HLEN + 12);
  const dst = readIpv4(frame, ETH_HLEN + 16);
  const segLen = total - hlen;
  if (foldChecksum(sumWords(frame, t, t + segLen, pseudoHeaderSum(src, dst, 6, segLen))) !== 0) return;
  const rst = new Uint8Array(ETH_HLEN + 40);
  const ip = ETH_HLEN;
  rst[ip] = 0x45;
  writeU16(rst, ip + 2, 40);
  rst[ip + 6] = 0x40;
  rst[ip + 8] = stack.netConf.ipDefaultTtl;
  rst[ip + 9] = 6;
  writeIpv4(rst, ip + 12, dst);
  writeIpv4(rst, ip + 16, src);
  writeU16(rst, ip + 10, internetChecksum(rst, ip, ip + 20));
  const r = ip + 20;
  writeU16(rst, r, readU16(frame, t + 2));
  writeU16(rst, r + 2, readU16(frame, t));
  if ((flags & 0x10) !== 0) {
    writeU32(rst, r + 4, readU32(frame, t + 4 + 4));
    rst[r + 13] = 0x04;
  } else {
    const dataLen = segLen - (frame[t + 12]! >>> 4) * 4;
    const covered = (flags & 0x02 ? 1 : 0) + (flags & 0x01 ? 1 : 0) + dataLen;
    writeU32(rst, r + 8, (readU32(frame, t + 4) + covered) >>> 0);
    rst[r + 13] = 0x14;
  }
  rst[r + 12] = 0x50;
  writeU16(rst, r + 16, foldChecksum(sumWords(rst, r, r + 20, pseudoHeaderSum(dst, src, 6, 20))));
  stack.output.sendBuilt(rst);
}
