// One node's IPv4 stack, behaving like Linux 2.6.32: it attaches to each device it is given as the
// device's upper layer and runs, for every frame, what netif_receive_skb and ip_rcv run — packet
// sockets first, then ARP or IPv4: header checks, PREROUTING, ip_route_input, then local delivery
// (INPUT; raw ICMP sockets, ICMP, UDP, registered protocols such as TCP) or forwarding.
//
// This file is the stack's public face and its receive path; the rest is split by subsystem:
// devices.ts (addresses and their routes), fib.ts (route resolution), neighbour.ts and
// arp-handler.ts (ARP), ip-output.ts, forwarding.ts, icmp-handler.ts, hook-points.ts (netfilter),
// udp-sockets.ts, raw-sockets.ts, packet-sockets.ts, sysctl.ts.
import type { Sim } from "../engine/sim.ts";
import type { RandomStream } from "../engine/random.ts";
import type { DropReason } from "../engine/trace.ts";
import type { FrameSink, NetDev } from "../l2/net-dev.ts";
import { readIpv4, type Ipv4 } from "../wire/address.ts";
import { readU16 } from "../wire/bytes.ts";
import { internetChecksum } from "../wire/checksum.ts";
import { ArpHandler } from "./arp-handler.ts";
import { DeviceTable } from "./devices.ts";
import { ETH_HLEN, ETH_P_ARP, ETH_P_IP, PKT, pktTypeOf, writeEthernetHeader } from "./ethernet-io.ts";
import { Fib, IN, RTN, type FibHost } from "./fib.ts";
import { Forwarder } from "./forwarding.ts";
import { carryPacketState, runHook } from "./hook-points.ts";
import type { HookPoint, PacketHooks, StackView } from "./hooks.ts";
import { IcmpHandler, ICMP, OFFENDER, type IcmpErrorReport } from "./icmp-handler.ts";
import type { Iface } from "./iface.ts";
import { IpOutput } from "./ip-output.ts";
import { DEFAULT_DEV_CONF, DEFAULT_NET_CONF, type DevConf, type NetConf } from "./linux-params.ts";
import { Loopback } from "./loopback.ts";
import { NeighbourTable, type Neighbour, type NeighbourHost } from "./neighbour.ts";
import { PacketSocket } from "./packet-sockets.ts";
import { ProxyQueue } from "./proxy-queue.ts";
import { RawIcmpTable } from "./raw-sockets.ts";
import { Reassembler } from "./reassembly.ts";
import { UdpTable } from "./udp-sockets.ts";
import { StackApi } from "./stack-api.ts";

/** A received packet as a registered protocol handler (TCP) gets it. */
export interface IpPacketInfo {
  /** The IP packet from its header on (a view of the received frame). */
  readonly packet: Uint8Array;
  readonly headerLen: number;
  readonly src: Ipv4;
  readonly dst: Ipv4;
  readonly protocol: number;
  readonly ttl: number;
  readonly tos: number;
  /** Device it came in on. */
  readonly dev: string;
  /** Sent to a broadcast or multicast address. */
  readonly broadcast: boolean;
}

/** An upper-layer protocol registered with `registerProtocol` (TCP registers 6). */
export interface ProtocolHandler {
  receive(packet: IpPacketInfo): void;
  /** An ICMP error quoting a packet of this protocol. */
  error?(report: IcmpErrorReport): void;
}

/** The IPv4 stack of one node (dom0, a guest, a router, an internet host). */
export class Ipv4Stack extends StackApi implements FrameSink, StackView, NeighbourHost, FibHost {
  hooks: PacketHooks | null = null;
  readonly netConf: NetConf = { ...DEFAULT_NET_CONF };
  /** conf/all: OR-ed (or max-ed) with each device's own settings. */
  readonly allConf: DevConf = { ...DEFAULT_DEV_CONF };
  /** conf/default: what a device added later starts with. */
  readonly defaultConf: DevConf = { ...DEFAULT_DEV_CONF };
  readonly fib: Fib;
  readonly neigh: NeighbourTable;
  readonly proxyQueue: ProxyQueue;
  readonly devs: DeviceTable;
  readonly arp: ArpHandler;
  readonly icmp: IcmpHandler;
  readonly udp: UdpTable;
  readonly raw: RawIcmpTable;
  readonly output: IpOutput;
  readonly forwarder: Forwarder;
  readonly reassembler: Reassembler;
  readonly portRng: RandomStream;
  /** Proxy ARP entries for any device (`ip neigh add proxy X`). */
  readonly proxyAnyDevice = new Set<Ipv4>();
  readonly protocols = new Map<number, ProtocolHandler>();
  readonly loopback: Loopback;
  readonly loopbackIface: Iface;

  constructor(
    readonly sim: Sim,
    readonly node: string,
  ) {
    super();
    this.fib = new Fib(this);
    this.neigh = new NeighbourTable(this, sim.rng(`neigh:${node}`));
    this.proxyQueue = new ProxyQueue(sim, sim.rng(`proxy-arp:${node}`), (iface, frame) => this.arp.process(iface, frame, pktTypeOf(frame, iface.dev.mac), true));
    this.devs = new DeviceTable(this);
    this.arp = new ArpHandler(this);
    this.icmp = new IcmpHandler(this);
    this.udp = new UdpTable(this);
    this.raw = new RawIcmpTable(this);
    this.output = new IpOutput(this, sim.rng(`ip-id:${node}`));
    this.forwarder = new Forwarder(this);
    this.reassembler = new Reassembler(this);
    this.portRng = sim.rng(`udp-port:${node}`);
    this.loopback = new Loopback(sim, node);
    this.loopbackIface = this.devs.add(this.loopback);
    this.loopback.setUp(true);
  }

  protected get stack(): Ipv4Stack {
    return this;
  }

  // --- FibHost / NeighbourHost: what the subsystems ask of the stack --------------------------

  /** The devices, in the order they were added. */
  ifaces(): readonly Iface[] {
    return this.devs.all();
  }

  /** The device named `name`. */
  ifaceByName(name: string): Iface | undefined {
    return this.devs.named(name);
  }

  /** arp_solicit. */
  solicit(n: Neighbour, queued: Uint8Array | undefined): void {
    this.arp.solicit(n, queued);
  }

  /** A frame leaves for a resolved neighbour: its MAC goes in the header. */
  transmitTo(n: Neighbour, frame: Uint8Array): void {
    writeEthernetHeader(frame, n.mac, n.iface.dev.mac, ETH_P_IP);
    this.transmit(n.iface, frame);
  }

  /** arp_error_report: the waiting packet's sender hears "host unreachable". */
  errorReport(n: Neighbour, frame: Uint8Array): void {
    this.ipDrop("arp-failed", n.iface, frame, `no ARP reply from next hop`);
    this.icmp.sendError(frame, ICMP.DEST_UNREACH, 1, 0, 0, null);
  }

  /** unres_qlen overflow. */
  queueOverflow(n: Neighbour, frame: Uint8Array): void {
    this.ipDrop("queue-full", n.iface, frame, `unres_qlen ${n.iface.parms.queueLen} waiting for ARP`);
  }

  // --- Link layer ------------------------------------------------------------------------------

  /** dev_queue_xmit: outgoing packet-socket taps, then the device. */
  transmit(iface: Iface, frame: Uint8Array, from: PacketSocket | null = null): boolean {
    const taps = iface.packetSockets;
    for (let i = 0; i < taps.length; i++) {
      const s = taps[i]!;
      if (s.outgoing && s !== from) s.deliver(frame, PKT.OUTGOING);
    }
    return iface.dev.transmit(frame);
  }

  /** FrameSink: a frame from one of our devices. */
  receiveFrom(dev: NetDev, frame: Uint8Array): void {
    const iface = this.devs.of(dev);
    if (iface === undefined) return;
    const pktType = iface.isLoopback ? PKT.HOST : pktTypeOf(frame, dev.mac);
    const taps = iface.packetSockets;
    for (let i = 0; i < taps.length; i++) taps[i]!.deliver(frame, pktType);
    const type = (frame[12]! << 8) | frame[13]!;
    if (type === ETH_P_IP) this.processIpv4(iface, frame, pktType);
    else if (type === ETH_P_ARP) this.arp.process(iface, frame, pktType);
    else if (taps.length === 0) this.frameDrop(iface, frame, "no-protocol", `ethertype 0x${type.toString(16).padStart(4, "0")}`);
  }

  /** ip_rcv + ip_rcv_finish. */
  private processIpv4(iface: Iface, frame: Uint8Array, pktType: number): void {
    if (pktType === PKT.OTHERHOST) return this.ipDrop("not-for-us", iface, null, "frame for another host");
    const len = frame.length - ETH_HLEN;
    const b0 = len >= 20 ? frame[ETH_HLEN]! : 0;
    const hlen = (b0 & 0x0f) * 4;
    if (b0 >>> 4 !== 4 || hlen < 20 || len < hlen) return this.ipDrop("malformed", iface, null, "ip: bad version or header length");
    if (internetChecksum(frame, ETH_HLEN, ETH_HLEN + hlen) !== 0) return this.ipDrop("malformed", iface, null, "ip: bad header checksum");
    const total = readU16(frame, ETH_HLEN + 2);
    if (total > len || total < hlen) return this.ipDrop("malformed", iface, null, "ip: bad total length");
    let pkt = frame;
    if (this.hooks !== null) {
      // Hooks may rewrite the packet in place: work on our own copy (a bridge may have handed the
      // same frame to other receivers), which forwarding then need not copy again.
      const after = runHook(this, "PREROUTING", frame.slice(0, ETH_HLEN + total), iface, null, 0);
      if (after === null) return;
      pkt = after;
    }
    const dst = readIpv4(pkt, ETH_HLEN + 16);
    if (iface.isLoopback) return this.localDeliver(iface, pkt, pktType, this.fib.addrType(dst) === RTN.BROADCAST ? OFFENDER.BROADCAST : 0);
    switch (this.fib.routeInput(dst, readIpv4(pkt, ETH_HLEN + 12), iface, true)) {
      case IN.LOCAL:
        this.traceRoute("local", pkt, iface, 0);
        return this.localDeliver(iface, pkt, pktType, 0);
      case IN.BROADCAST:
      case IN.MULTICAST:
        this.traceRoute("broadcast", pkt, iface, 0);
        return this.localDeliver(iface, pkt, pktType, OFFENDER.BROADCAST);
      case IN.FORWARD:
        return this.forwarder.forward(iface, pkt, pktType, this.fib.rIface!, this.fib.rNextHop, this.fib.rRedirect, pkt !== frame);
      case IN.NO_ROUTE:
        return this.forwarder.noRoute(iface, pkt);
      case IN.NOT_FORWARDING:
        return this.ipDrop("no-forward", iface, pkt);
      case IN.NOT_MEMBER:
        return this.ipDrop("not-for-us", iface, pkt, "multicast group not joined");
      default:
        return this.ipDrop("martian", iface, pkt);
    }
  }

  /** ip_local_deliver: INPUT, then raw sockets, then the protocol. `flags` are OFFENDER bits. */
  private localDeliver(iface: Iface, frame: Uint8Array, pktType: number, routeFlags: number): void {
    let pkt = frame;
    if ((readU16(frame, ETH_HLEN + 6) & 0x3fff) !== 0) {
      const whole = this.reassembler.add(iface, frame);
      if (whole === null) return;
      pkt = whole;
    }
    if (this.hooks !== null) {
      const after = runHook(this, "INPUT", pkt, iface, null, 0);
      if (after === null) return;
      pkt = after;
    }
    const hlen = (pkt[ETH_HLEN]! & 0x0f) * 4;
    const total = readU16(pkt, ETH_HLEN + 2);
    const protocol = pkt[ETH_HLEN + 9]!;
    const flags = OFFENDER.LOCAL | routeFlags | (pktType !== PKT.HOST && pktType !== PKT.LOOPBACK ? OFFENDER.NOT_HOST : 0);
    const raw = protocol === 1 && this.raw.active && this.raw.deliver(iface, pkt, hlen, total);
    if (protocol === 1) {
      if (this.sim.trace.on) this.traceDeliver(1, readIpv4(pkt, ETH_HLEN + 12), readIpv4(pkt, ETH_HLEN + 16), raw ? "icmp+raw" : "icmp");
      return this.icmp.receive(iface, pkt, hlen, total, (flags & OFFENDER.BROADCAST) !== 0 ? RTN.BROADCAST : RTN.LOCAL);
    }
    if (protocol === 17) return this.udp.receive(iface, pkt, hlen, total, flags);
    const handler = this.protocols.get(protocol);
    const src = readIpv4(pkt, ETH_HLEN + 12);
    const dst = readIpv4(pkt, ETH_HLEN + 16);
    if (handler !== undefined) {
      this.traceDeliver(protocol, src, dst, `proto:${protocol}`);
      const packet = pkt.subarray(ETH_HLEN, ETH_HLEN + total);
      return handler.receive({ packet, headerLen: hlen, src, dst, protocol, ttl: pkt[ETH_HLEN + 8]!, tos: pkt[ETH_HLEN + 1]!, dev: iface.name, broadcast: (flags & OFFENDER.BROADCAST) !== 0 });
    }
    if (!raw) this.icmp.sendError(pkt, ICMP.DEST_UNREACH, 2, 0, flags, iface);
    this.ipDrop("no-socket", iface, pkt, `protocol ${protocol}`);
  }

  /** ip_mc_output's copy of a broadcast we send, delivered to ourselves after the current event. */
  loopbackCopy(out: Iface, frame: Uint8Array): void {
    const copy = frame.slice();
    carryPacketState(frame, copy);
    this.sim.post(0, () => {
      let pkt: Uint8Array | null = copy;
      if (this.hooks !== null) pkt = runHook(this, "PREROUTING", copy, out, null, 0);
      if (pkt !== null) this.localDeliver(out, pkt, PKT.LOOPBACK, OFFENDER.BROADCAST);
    });
  }

  /** Hands an ICMP error to the protocol of the datagram it quotes. */
  deliverError(protocol: number, report: IcmpErrorReport): void {
    if (protocol === 17) return this.udp.error(report);
    if (protocol === 1) return this.raw.error(report);
    this.protocols.get(protocol)?.error?.(report);
  }

  /** Netfilter at `point` (see hook-points.ts). */
  runHook(point: HookPoint, frame: Uint8Array, inIface: Iface | null, outIface: Iface | null, nextHop: number): Uint8Array | null {
    return runHook(this, point, frame, inIface, outIface, nextHop);
  }

  // --- Trace helpers ---------------------------------------------------------------------------

  /** A packet dropped at the IP layer (`frame` null when its header cannot be trusted). */
  ipDrop(reason: DropReason, iface: Iface | null, frame: Uint8Array | null, detail?: string): void {
    const sim = this.sim;
    if (!sim.trace.on) return;
    const addrs = frame !== null && frame.length >= ETH_HLEN + 20 ? { src: readIpv4(frame, ETH_HLEN + 12), dst: readIpv4(frame, ETH_HLEN + 16) } : {};
    sim.trace.emit({
      kind: "ip-drop",
      time: sim.now,
      node: this.node,
      reason,
      ...(iface !== null ? { dev: iface.name } : {}),
      ...addrs,
      ...(detail !== undefined ? { detail } : {}),
    });
  }

  /** A frame refused below IP (ARP, unknown EtherType). */
  frameDrop(iface: Iface, frame: Uint8Array, reason: DropReason, detail: string): void {
    const sim = this.sim;
    if (sim.trace.on) sim.trace.emit({ kind: "drop", time: sim.now, node: this.node, dev: iface.name, reason, frame, detail });
  }

  /** The route a packet took. */
  traceRoute(result: "output" | "forward" | "local" | "broadcast", frame: Uint8Array, out: Iface, nextHop: Ipv4): void {
    const sim = this.sim;
    if (!sim.trace.on) return;
    const dst = readIpv4(frame, ETH_HLEN + 16);
    const base = { kind: "route" as const, time: sim.now, node: this.node, result, src: readIpv4(frame, ETH_HLEN + 12), dst, dev: out.name };
    sim.trace.emit(nextHop !== dst && nextHop !== 0 ? { ...base, via: nextHop } : base);
  }

  /** A packet handed to a socket or protocol. */
  traceDeliver(proto: number, src: Ipv4, dst: Ipv4, to: string): void {
    const sim = this.sim;
    if (sim.trace.on) sim.trace.emit({ kind: "deliver", time: sim.now, node: this.node, proto, src, dst, to });
  }

  // --- StackView (netfilter's questions) --------------------------------------------------------

  /** inet_select_addr on `dev` for `nextHop` (MASQUERADE's choice of source). */
  selectSourceAddress(dev: string, nextHop: Ipv4): Ipv4 | undefined {
    const iface = this.devs.named(dev);
    if (iface === undefined) return undefined;
    const addr = this.fib.selectAddr(iface, nextHop, 0);
    return addr === 0 || !iface.addrs.some((a) => a.address === addr) ? undefined : addr;
  }

  /** True when `address` is one of this node's addresses. */
  isLocalAddress(address: Ipv4): boolean {
    return this.fib.isLocal(address);
  }

  /** Calls `listener` when a device goes down or loses an address. */
  onDeviceDown(listener: (dev: string) => void): () => void {
    return this.devs.onDeviceDown(listener);
  }

  /** For packet sockets. */
  transmitFrom(s: PacketSocket, frame: Uint8Array): boolean {
    const iface = this.devs.of(s.dev);
    return iface === undefined ? false : this.transmit(iface, frame, s);
  }

  /** For packet sockets. */
  detach(s: PacketSocket): void {
    const iface = this.devs.of(s.dev);
    if (iface !== undefined) iface.packetSockets = iface.packetSockets.filter((x) => x !== s);
  }
}

