// A DHCP server behaving like dnsmasq (2.55 on Squeeze; message handling checked against 2.90's
// src/rfc2131.c `dhcp_reply` and src/dhcp.c `dhcp_packet`) on a node's IPv4 stack: one UDP socket
// on port 67 serves every interface the server is given (or all of them), each request from the
// ranges of the interface it came in on and answered out of that interface (dhcp-server-context.ts),
// with one lease table and one ping check at a time for all of them. DISCOVER: a static dhcp-host
// address, else the client's current lease, else the address it asks for, else one chosen from
// the SDBM hash of its MAC (dhcp-leases.ts) — new addresses are ping-checked first: one ICMP echo
// (id random, seq 0, 28 bytes), then dnsmasq waits up to 3 s, deaf to further DHCP packets, which
// queue in its socket until the check ends. REQUEST in its four flavours (RFC 2131 §4.3.2) is
// ACKed or NAKed as dnsmasq decides; without `authoritative`, requests about leases it does not
// know are ignored. Replies go out of the server's UDP socket (TOS 0xc0, no DF, as dnsmasq sets
// them): to the relay, to ciaddr, broadcast when the client set the broadcast flag (and always for
// a NAK), else unicast to yiaddr after writing the client's MAC into the ARP cache (SIOCSARP, an
// entry the kernel keeps as STALE).
import type { RandomStream } from "../engine/random.ts";
import type { DhcpTraceEvent } from "../engine/trace.ts";
import type { Ipv4Stack } from "../l3/ipv4-stack.ts";
import type { UdpDatagramInfo, UdpSocket } from "../l3/udp-sockets.ts";
import type { Ipv4, Mac } from "../wire/address.ts";
import { BootpOp, DhcpMessageType as T, dhcpRepr, encodeDhcp, parseDhcp, type DhcpRepr } from "../wire/dhcp.ts";
import { clientKey, LeaseTable, type DhcpLease } from "./dhcp-leases.ts";
import { AddressAllocator, type Range } from "./dhcp-server-alloc.ts";
import { calcLeaseTime, configuredLease, renewalTimes, replyOptions, type DhcpServerOptions } from "./dhcp-server-config.ts";
import { ServedInterfaces, type DhcpContext } from "./dhcp-server-context.ts";

export type { DhcpServerOptions, DhcpRangeConfig, DhcpHostConfig, DhcpInterfaceConfig } from "./dhcp-server-config.ts";

const BROADCAST = 0xffffffff;

/** An incoming request with what the socket told about it. */
interface Incoming {
  readonly m: DhcpRepr;
  readonly d: UdpDatagramInfo;
}

/** A dnsmasq-like DHCP server on one or more interfaces. */
export class DnsmasqServer {
  readonly leases: LeaseTable;
  private readonly socket: UdpSocket;
  private readonly rng: RandomStream;
  private readonly served: ServedInterfaces;
  private readonly alloc: AddressAllocator;
  private readonly queue: Incoming[] = [];
  /** dnsmasq is inside a ping check: deaf to DHCP until it ends. */
  private busy = false;
  /** The interface of the request being served (and of its ping check). */
  private current = "";
  private draining = false;
  private readonly declined = new Map<Ipv4, number>();

  constructor(
    readonly stack: Ipv4Stack,
    readonly options: DhcpServerOptions,
  ) {
    this.served = new ServedInterfaces(stack, options);
    this.rng = stack.sim.rng(`dnsmasq:${this.served.label}`);
    this.leases = new LeaseTable(options.leaseMax ?? 1000);
    this.socket = stack.openUdp();
    this.socket.broadcast = true;
    this.socket.tos = 0xc0;
    this.socket.pmtudisc = "dont";
    const err = this.socket.bind(0, 67);
    if (err !== undefined) throw new Error(`dnsmasq on ${stack.node}: bind port 67: ${err}`);
    this.socket.onMessage((d) => this.receive(d));
    this.alloc = new AddressAllocator(stack, this.rng, options.noPing === true, (e, ip) => this.trace(this.current, e, ip));
  }

  /** Stops serving (the process exits); leases are kept in `leases`. */
  close(): void {
    this.socket.close();
    this.alloc.close();
  }

  /** The lease file's lines (`EXPIRY MAC IP HOSTNAME CLIENTID`), after pruning expired leases. */
  leaseFile(): string[] {
    this.prune();
    return this.leases.fileLines(this.options.epochSeconds ?? 0);
  }

  private receive(d: UdpDatagramInfo): void {
    if (this.served.contextOf(d.dev) === undefined) return;
    const parsed = parseDhcp(d.payload);
    if (!parsed.ok || parsed.value.op !== BootpOp.Request || parsed.value.messageType === undefined) return;
    this.queue.push({ m: parsed.value, d });
    this.drain();
  }

  /** Handles queued requests until one starts a ping check (dnsmasq is deaf while it waits). */
  private drain(): void {
    if (this.draining) return; // a check that ended at once: the loop below goes on
    this.draining = true;
    while (!this.busy && this.queue.length > 0) this.handle(this.queue.shift()!);
    this.draining = false;
  }

  private prune(): void {
    for (const l of this.leases.prune(this.stack.sim.now)) this.trace(l.dev ?? this.current, "lease-expired", l.ip, l.mac);
  }

  private handle({ m, d }: Incoming): void {
    this.prune();
    // The interface's addresses may have changed while the request waited out a ping check.
    const ctx = this.served.contextOf(d.dev);
    if (ctx === undefined) return;
    this.current = ctx.dev;
    switch (m.messageType) {
      case T.Discover:
        return this.discover(m, ctx);
      case T.Request:
        return this.request(m, d, ctx);
      case T.Release:
        return this.release(m, ctx);
      case T.Decline:
        return this.decline(m, ctx);
      case T.Inform:
        return this.inform(m, ctx);
    }
  }

  private host(mac: Mac) {
    return this.options.hosts?.find((h) => h.mac === mac);
  }

  /** address_available: in a dynamic range of the interface and not the server's own address there. */
  private available(ip: Ipv4, ctx: DhcpContext): Range | undefined {
    if (ip === ctx.net.local) return undefined;
    return ctx.ranges.find((r) => ip >= r.start && ip <= r.end);
  }

  /** config_find_by_address: reserved by a dhcp-host line (for anyone but `mac`). */
  private reserved(ip: Ipv4, mac?: Mac): boolean {
    return (this.options.hosts ?? []).some((h) => h.ip === ip && h.mac !== mac);
  }

  private discover(m: DhcpRepr, ctx: DhcpContext): void {
    const net = ctx.net;
    const lease = this.leases.byClient(m.chaddr, m.clientId);
    const conf = this.host(m.chaddr);
    const other = conf?.ip !== undefined ? this.leases.byAddress(conf.ip) : undefined;
    const declinedAt = conf?.ip !== undefined ? this.declined.get(conf.ip) : undefined;
    const confOk = conf?.ip !== undefined && conf.ip !== net.local && (other === undefined || other.mac === m.chaddr) && (declinedAt === undefined || this.stack.sim.now - declinedAt >= 600_000_000);
    const offer = (ip: Ipv4 | undefined): void => {
      if (ip !== undefined) this.offer(m, ctx, ip);
    };
    if (confOk) return offer(conf.ip);
    if (lease !== undefined && this.available(lease.ip, ctx) !== undefined && !this.reserved(lease.ip)) return offer(lease.ip);
    this.busy = true;
    const usable = (ip: Ipv4): boolean => ip !== net.local && this.leases.byAddress(ip) === undefined && !this.reserved(ip);
    const allocate = (): void => this.alloc.allocate(m.chaddr, ctx.ranges, usable, (ip) => this.finish(() => offer(ip)));
    const want = m.requestedIp;
    if (want !== undefined && this.available(want, ctx) !== undefined && this.leases.byAddress(want) === undefined && !this.reserved(want)) {
      return this.alloc.check(want, (free) => (free ? this.finish(() => offer(want)) : allocate()));
    }
    allocate();
  }

  /** Ends a ping-checked operation: runs `then`, and serves what queued up meanwhile. */
  private finish(then: () => void): void {
    then();
    this.busy = false;
    this.drain();
  }

  private leaseTimeFor(m: DhcpRepr, ctx: DhcpContext, ip: Ipv4): number {
    const conf = this.host(m.chaddr);
    const range = ctx.ranges.find((r) => ip >= r.start && ip <= r.end);
    const configured = conf?.leaseTime !== undefined ? configuredLease(conf.leaseTime) : (range?.lease ?? ctx.ranges[0]?.lease ?? 3600);
    return calcLeaseTime(configured, m.leaseTime);
  }

  private offer(m: DhcpRepr, ctx: DhcpContext, ip: Ipv4): void {
    const time = this.leaseTimeFor(m, ctx, ip);
    const times = renewalTimes(time, this.options.version ?? "2.55", "offer", false, this.rng);
    const opts = replyOptions(this.options, ctx.net, T.Offer, time, times, m.parameterRequestList ?? [], undefined);
    this.reply(m, ctx, { yiaddr: ip, siaddr: ctx.net.local, ...opts }, false);
    this.trace(ctx.dev, "offer", ip, m.chaddr);
  }

  private request(m: DhcpRepr, d: UdpDatagramInfo, ctx: DhcpContext): void {
    const net = ctx.net;
    const auth = this.options.authoritative === true;
    const unicast = !d.broadcast;
    let lease = this.leases.byClient(m.chaddr, m.clientId);
    let yiaddr: Ipv4;
    let nak: string | undefined;
    let renewal = false;
    let broadcastNak = false;
    if (m.requestedIp !== undefined) {
      yiaddr = m.requestedIp;
      if (m.serverId !== undefined) {
        if (m.serverId !== net.local) {
          if (!auth) return;
          nak = "wrong server-ID";
        }
        if (lease !== undefined && lease.ip !== yiaddr) {
          this.leases.remove(lease.mac, lease.clientId);
          lease = undefined;
        }
      } else {
        if (lease === undefined && !auth) return;
        if (lease !== undefined && lease.ip !== yiaddr) nak = "wrong address";
      }
    } else {
      yiaddr = m.ciaddr;
      renewal = true;
      if ((lease !== undefined && m.ciaddr !== lease.ip) || (lease === undefined && !auth)) {
        if (!unicast) return;
        nak = "lease not found";
        broadcastNak = true;
      }
    }
    nak ??= this.checkRequest(m, ctx, yiaddr, lease);
    if (nak !== undefined) {
      // "This fixes a problem with the DHCP spec, broadcasting a NAK to a host on a distant subnet
      // which unicast a REQ to us won't work": only then is a NAK not broadcast.
      const distant = unicast && !broadcastNak && nak !== "wrong network" && m.giaddr === 0 && m.ciaddr !== 0 && ((m.ciaddr ^ net.local) & net.netmask) !== 0;
      return this.nak(m, ctx, yiaddr, nak, !distant);
    }
    this.ack(m, ctx, yiaddr, renewal);
  }

  /** The checks every REQUEST passes before an ACK; the NAK message, or undefined. */
  private checkRequest(m: DhcpRepr, ctx: DhcpContext, ip: Ipv4, lease: DhcpLease | undefined): string | undefined {
    const conf = this.host(m.chaddr);
    const sameNet = ctx.ranges.some((r) => ((ip ^ r.start) & (r.netmask ?? ctx.net.netmask)) === 0);
    if (!sameNet) return "wrong network";
    if (this.available(ip, ctx) === undefined && conf?.ip !== ip) return "address not available";
    if (conf?.ip !== undefined && conf.ip !== ip && m.serverId === undefined) {
      const holder = this.leases.byAddress(conf.ip);
      if (holder === undefined || holder === lease) return "static lease available";
    }
    if (this.reserved(ip, m.chaddr)) return "address reserved";
    const holder = this.leases.byAddress(ip);
    if (lease === undefined && holder !== undefined && clientKey(holder.mac, holder.clientId) !== clientKey(m.chaddr, m.clientId)) return "address in use";
    return undefined;
  }

  private ack(m: DhcpRepr, ctx: DhcpContext, ip: Ipv4, renewal: boolean): void {
    const time = this.leaseTimeFor(m, ctx, ip);
    const old = this.leases.byClient(m.chaddr, m.clientId);
    const hostname = this.host(m.chaddr)?.hostname ?? m.hostName ?? old?.hostname;
    const lease: DhcpLease = {
      mac: m.chaddr,
      ip,
      ...(m.clientId !== undefined ? { clientId: m.clientId } : {}),
      ...(hostname !== undefined ? { hostname } : {}),
      expires: time === 0xffffffff ? null : this.stack.sim.now + time * 1_000_000,
      dev: ctx.dev,
    };
    if (!this.leases.set(lease)) return this.nak(m, ctx, ip, "no leases left", true);
    const times = renewalTimes(time, this.options.version ?? "2.55", "ack", renewal, this.rng);
    const opts = replyOptions(this.options, ctx.net, T.Ack, time, times, m.parameterRequestList ?? [], hostname);
    this.reply(m, ctx, { yiaddr: ip, siaddr: ctx.net.local, ...opts }, false);
    this.trace(ctx.dev, "ack", ip, m.chaddr);
  }

  private nak(m: DhcpRepr, ctx: DhcpContext, ip: Ipv4, message: string, broadcast: boolean): void {
    const opts = { messageType: T.Nak, serverId: ctx.net.local, message, optionOrder: [53, 54, 56] };
    this.reply(m, ctx, { yiaddr: 0, siaddr: 0, ...opts }, broadcast);
    this.trace(ctx.dev, "nak", ip, m.chaddr, message);
  }

  private release(m: DhcpRepr, ctx: DhcpContext): void {
    if (m.serverId !== ctx.net.local) return;
    const lease = this.leases.byClient(m.chaddr, m.clientId);
    if (lease !== undefined && lease.ip === m.ciaddr) this.leases.remove(lease.mac, lease.clientId);
  }

  private decline(m: DhcpRepr, ctx: DhcpContext): void {
    if (m.serverId !== ctx.net.local || m.requestedIp === undefined) return;
    const lease = this.leases.byClient(m.chaddr, m.clientId);
    if (lease !== undefined && lease.ip === m.requestedIp) this.leases.remove(lease.mac, lease.clientId);
    const conf = this.host(m.chaddr);
    if (conf?.ip === m.requestedIp) this.declined.set(m.requestedIp, this.stack.sim.now);
    else for (const r of ctx.ranges) r.epoch++;
  }

  private inform(m: DhcpRepr, ctx: DhcpContext): void {
    if (m.ciaddr === 0) return;
    const opts = replyOptions(this.options, ctx.net, T.Ack, undefined, undefined, m.parameterRequestList ?? [], undefined);
    this.reply(m, ctx, { yiaddr: 0, siaddr: ctx.net.local, ...opts }, false);
  }

  /** dhcp_packet's send, out of the arrival interface: to the relay, to ciaddr, broadcast, or unicast to yiaddr via an injected ARP entry. */
  private reply(m: DhcpRepr, ctx: DhcpContext, fields: Partial<DhcpRepr>, forceBroadcast: boolean): void {
    const base = { xid: m.xid, secs: m.secs, broadcast: m.broadcast || forceBroadcast, ciaddr: forceBroadcast ? 0 : m.ciaddr, giaddr: m.giaddr, hops: m.hops };
    const out = dhcpRepr({ op: BootpOp.Reply, chaddr: m.chaddr, ...base, ...fields, sname: "", file: "" });
    const payload = encodeDhcp(out);
    const dev = ctx.dev;
    if (m.giaddr !== 0) return void this.socket.send(payload, { dst: m.giaddr, port: 67 });
    if (out.ciaddr !== 0) return void this.socket.send(payload, { dst: out.ciaddr, port: 68 });
    if (out.broadcast || out.yiaddr === 0) return void this.socket.send(payload, { dst: BROADCAST, port: 68, dev, src: ctx.net.local });
    this.stack.setNeighbour(dev, out.yiaddr, m.chaddr, "stale", "replace");
    this.socket.send(payload, { dst: out.yiaddr, port: 68, dev });
  }

  /** A DHCP trace event about a request that came in on `dev`. */
  private trace(dev: string, event: DhcpTraceEvent, ip?: Ipv4, mac?: Mac, detail?: string): void {
    const sim = this.stack.sim;
    if (!sim.trace.on) return;
    sim.trace.emit({
      kind: "dhcp",
      time: sim.now,
      node: this.stack.node,
      dev,
      role: "server",
      event,
      ...(ip !== undefined ? { ip } : {}),
      ...(mac !== undefined ? { mac } : {}),
      ...(detail !== undefined ? { detail } : {}),
    });
  }
}
