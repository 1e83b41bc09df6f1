// Typed trace events: the simulator's one account of what happened. Devices, bridges and stacks emit
// them; tests, captures, the CLI and the web view subscribe. Emitting is guarded by `bus.on` so that a
// run nobody watches does not even build the event objects (the hot path stays allocation-free).
import type { Mac } from "../wire/address.ts";

/** Why a frame or packet was dropped. One word each, stable: tests and the web view match on them. */
export type DropReason =
  | "link-down" // the device is administratively down
  | "no-carrier" // cable unplugged / peer gone
  | "not-for-us" // destination MAC neither ours, broadcast, multicast, nor promiscuous
  | "guest-paused" // Xen netback: the frontend's domain is paused
  | "no-frontend" // Xen netback: the guest side is gone (saved, destroyed)
  | "port-disabled" // bridge port administratively down
  | "port-blocking" // bridge port in blocking or listening state (STP)
  | "port-learning" // bridge port learning: source learned, frame not forwarded
  | "same-port" // bridge: destination is behind the port the frame came in on
  | "invalid-source" // bridge: source MAC is multicast or all zeros (is_valid_ether_addr)
  | "link-local" // bridge: 01:80:c2:00:00:0X reserved group address, never forwarded (802.1D 7.12.6)
  | "storm" // the broadcast-storm budget was exhausted
  | "loss" // random loss on a cable
  | "malformed" // bytes that do not parse
  | "too-big" // frame larger than the MTU
  | "queue-full" // a bounded queue overflowed
  | "no-route" // IPv4: no route to the destination
  | "ttl-exceeded" // IPv4: TTL ran out while forwarding
  | "arp-failed" // IPv4: the next hop did not answer ARP; the packet waited and was given up
  | "no-forward" // IPv4: not for this host and ip_forward is off
  | "filtered" // IPv4: netfilter dropped or rejected it
  | "martian" // IPv4: impossible source or destination address (ip_route_input's martians)
  | "no-socket" // IPv4: no socket or protocol handler for it
  | "no-protocol"; // a frame type nobody above the device handles

/** Everything the simulator reports. `time` is in virtual microseconds. */
export type TraceEvent =
  | { readonly kind: "tx"; readonly time: number; readonly node: string; readonly dev: string; readonly frame: Uint8Array }
  | { readonly kind: "rx"; readonly time: number; readonly node: string; readonly dev: string; readonly frame: Uint8Array }
  | {
      readonly kind: "drop";
      readonly time: number;
      readonly node: string;
      readonly dev: string;
      readonly reason: DropReason;
      readonly frame?: Uint8Array;
      readonly detail?: string;
    }
  | { readonly kind: "learn"; readonly time: number; readonly node: string; readonly bridge: string; readonly mac: Mac; readonly port: string; readonly moved: boolean }
  | { readonly kind: "age-out"; readonly time: number; readonly node: string; readonly bridge: string; readonly mac: Mac; readonly port: string }
  | {
      readonly kind: "forward";
      readonly time: number;
      readonly node: string;
      readonly bridge: string;
      readonly inPort: string;
      readonly outPort: string;
      readonly frame: Uint8Array;
    }
  | {
      readonly kind: "flood";
      readonly time: number;
      readonly node: string;
      readonly bridge: string;
      readonly inPort: string;
      readonly outPorts: readonly string[];
      readonly why: "broadcast" | "multicast" | "unknown-unicast";
      readonly frame: Uint8Array;
    }
  | { readonly kind: "local"; readonly time: number; readonly node: string; readonly bridge: string; readonly inPort: string; readonly frame: Uint8Array }
  | { readonly kind: "port-state"; readonly time: number; readonly node: string; readonly bridge: string; readonly port: string; readonly state: string; readonly role?: string }
  | { readonly kind: "stp"; readonly time: number; readonly node: string; readonly bridge: string; readonly detail: string }
  | { readonly kind: "storm"; readonly time: number; readonly node: string; readonly bridge: string; readonly frames: number }
  | { readonly kind: "link"; readonly time: number; readonly node: string; readonly dev: string; readonly up: boolean; readonly carrier: boolean }
  | { readonly kind: "note"; readonly time: number; readonly node: string; readonly text: string }
  // IPv4 stack (netsim/l3): the route a packet took, ARP and neighbour-state changes, ICMP it
  // generated, local delivery and drops. Addresses are numbers (ipv4ToString prints them).
  | {
      readonly kind: "route";
      readonly time: number;
      readonly node: string;
      readonly result: "output" | "forward" | "local" | "broadcast";
      readonly src: number;
      readonly dst: number;
      readonly dev: string;
      readonly via?: number;
    }
  | {
      readonly kind: "arp";
      readonly time: number;
      readonly node: string;
      readonly dev: string;
      readonly op: "request" | "probe" | "reply" | "proxy-reply" | "proxy-delay" | "gratuitous";
      readonly ip: number;
      readonly mac?: Mac;
      readonly delay?: number;
    }
  | { readonly kind: "neigh"; readonly time: number; readonly node: string; readonly dev: string; readonly ip: number; readonly state: string; readonly mac?: Mac }
  | { readonly kind: "icmp"; readonly time: number; readonly node: string; readonly type: number; readonly code: number; readonly src: number; readonly dst: number; readonly limited?: boolean }
  | { readonly kind: "deliver"; readonly time: number; readonly node: string; readonly proto: number; readonly src: number; readonly dst: number; readonly to: string }
  | {
      readonly kind: "ip-drop";
      readonly time: number;
      readonly node: string;
      readonly reason: DropReason;
      readonly dev?: string;
      readonly src?: number;
      readonly dst?: number;
      readonly detail?: string;
    }
  // Netfilter (netsim/l3/netfilter): a NAT binding made for a new connection (tuples as text, e.g.
  // `udp 10.0.0.2:5000 > 192.0.2.1:53`) and conntrack entries created or destroyed (with why).
  | { readonly kind: "nat"; readonly time: number; readonly node: string; readonly manip: "src" | "dst"; readonly before: string; readonly after: string }
  | { readonly kind: "conntrack"; readonly time: number; readonly node: string; readonly event: "new" | "destroy"; readonly tuple: string; readonly reason?: string }
  // DHCP (netsim/apps): a client's state changes and lease events, a server's offers, acks, naks
  // and ping checks. `ip` is the address concerned (a number), `mac` the client's hardware address.
  | {
      readonly kind: "dhcp";
      readonly time: number;
      readonly node: string;
      readonly dev: string;
      readonly role: "client" | "server";
      readonly event: DhcpTraceEvent;
      readonly ip?: number;
      readonly mac?: Mac;
      readonly detail?: string;
    }
  // TCP (netsim/l3/tcp): a connection (`10.0.0.1:33000>10.0.0.2:22`, local side first) changed
  // state, retransmitted, timed out, was reset, or sent a keepalive or window probe.
  | {
      readonly kind: "tcp";
      readonly time: number;
      readonly node: string;
      readonly conn: string;
      readonly event: TcpTraceEvent;
      readonly state?: string;
      readonly detail?: string;
    };

/** What a `tcp` trace event reports. */
export type TcpTraceEvent =
  | "state" // entered `state`
  | "retransmit" // a segment sent again (`detail`: seq, length, RTO)
  | "timeout" // gave up: retransmissions, keepalive or window probes ran out (`detail`: the errno)
  | "reset" // a reset was sent or received (`detail` says which)
  | "keepalive" // a keepalive probe sent
  | "probe"; // a zero-window probe sent

/** What a `dhcp` trace event reports. */
export type DhcpTraceEvent =
  | "state" // client: entered the state named in `detail`
  | "bound" // client: lease applied to the interface
  | "renewed" // client: lease extended
  | "expired" // client: lease ran out, address removed
  | "released" // client: address given back
  | "failed" // client: gave up (udhcpc -n)
  | "ping-check" // server: ICMP echo sent to a candidate address
  | "in-use" // server: the candidate answered the ping
  | "offer"
  | "ack"
  | "nak"
  | "lease-expired"; // server: a lease ran out and was pruned

/** The kinds of trace event, e.g. "tx". */
export type TraceKind = TraceEvent["kind"];

/** A subscriber; called synchronously, in subscription order. */
export type TraceListener = (event: TraceEvent) => void;

/** Fan-out of trace events to subscribers. */
export class TraceBus {
  private listeners: TraceListener[] = [];
  /** True when anyone listens; emitters check it before building an event. */
  on = false;

  /** Subscribes; returns the function that unsubscribes. */
  subscribe(listener: TraceListener): () => void {
    this.listeners = [...this.listeners, listener];
    this.on = true;
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
      this.on = this.listeners.length > 0;
    };
  }

  emit(event: TraceEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
