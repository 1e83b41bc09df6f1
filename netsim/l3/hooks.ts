// The netfilter hook points an IPv4 stack calls, as in Linux 2.6.32 (net/ipv4/ip_input.c,
// ip_forward.c, ip_output.c): PREROUTING on every received packet before the routing decision,
// then INPUT for local delivery or FORWARD + POSTROUTING for forwarding; OUTPUT then POSTROUTING
// for locally generated packets. The stack knows only this interface; iptables rules, connection
// tracking and NAT live behind it (netsim/l3/netfilter/).
import type { Ipv4 } from "../wire/address.ts";

/** Where in the stack a packet is. */
export type HookPoint = "PREROUTING" | "INPUT" | "FORWARD" | "OUTPUT" | "POSTROUTING";

/** The ICMP error or TCP reset a REJECT answers with (iptables `--reject-with`). */
export type RejectWith =
  | "icmp-net-unreachable"
  | "icmp-host-unreachable"
  | "icmp-port-unreachable"
  | "icmp-proto-unreachable"
  | "icmp-net-prohibited"
  | "icmp-host-prohibited"
  | "icmp-admin-prohibited"
  | "tcp-reset";

/**
 * What the hooks decided. `accept` carries the packet to continue with — the same bytes, or a
 * rewritten copy (NAT) with valid checksums. After PREROUTING or OUTPUT the stack routes on the
 * packet's (possibly new) destination.
 */
export type Verdict =
  | { readonly action: "accept"; readonly packet: Uint8Array }
  | { readonly action: "drop"; readonly reason: string }
  | { readonly action: "reject"; readonly with: RejectWith; readonly reason: string };

/**
 * State that travels with one packet through all the hooks of its traversal, as Linux keeps it in
 * the sk_buff (skb->nfct): netfilter records there the connection it found the packet to belong
 * to, and finds it again at the packet's later hooks even after NAT rewrote the bytes. The stack
 * creates one per packet and hands the same object to every hook that packet passes.
 */
export interface PacketState {
  /** The connection-tracking state netfilter attached; opaque to the stack. */
  nfct?: unknown;
}

/** What the hook knows about the packet's path. */
export interface HookContext {
  /** The packet's own state across its hooks (absent when a caller runs a single hook). */
  readonly skb?: PacketState;
  /** Device the packet came in on (PREROUTING, INPUT, FORWARD). */
  readonly inDev?: string;
  /** Device the packet will leave by (FORWARD, OUTPUT, POSTROUTING). */
  readonly outDev?: string;
  /** Next hop chosen by routing (POSTROUTING): MASQUERADE picks the source address for it. */
  readonly nextHop?: Ipv4;
}

/** The netfilter side of a stack: called with an IPv4 packet (header + payload, no Ethernet). */
export interface PacketHooks {
  run(hook: HookPoint, packet: Uint8Array, ctx: HookContext): Verdict;
}

/** What netfilter may ask of the stack it is attached to (MASQUERADE needs the uplink's address). */
export interface StackView {
  readonly node: string;
  /** The primary address on `dev` that suits `nextHop` (inet_select_addr), if the device has one. */
  selectSourceAddress(dev: string, nextHop: Ipv4): Ipv4 | undefined;
  /** True when `address` is one of this node's own addresses. */
  isLocalAddress(address: Ipv4): boolean;
  /**
   * Calls `listener` when a device goes down or loses an address (MASQUERADE flushes the
   * connections it masqueraded through that device). Returns an unsubscribe function.
   */
  onDeviceDown(listener: (dev: string) => void): () => void;
}
