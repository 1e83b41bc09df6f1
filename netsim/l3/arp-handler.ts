// ARP for one stack, as Linux 2.6.32's net/ipv4/arp.c: arp_rcv/arp_process for what comes in,
// arp_solicit for the requests the neighbour table asks for, arp_send for the frames.
//
// arp_process, in order: refuse what is not Ethernet/IPv4 or not for this host; answer a duplicate
// address probe (sender 0.0.0.0) for one of our addresses; for a request, route the target as if
// it were a packet from the sender: one of our addresses (on any interface, arp_ignore=0) → reply
// and learn the sender as STALE; a unicast route out of another interface, with forwarding on
// and proxy_arp on the receiving interface (or a proxy entry) → proxy reply, right away if the
// request was unicast to us, else after a random delay below proxy_delay (0.8 s). Everything else
// only refreshes an entry that already exists: unicast replies make it REACHABLE, anything else
// STALE (new entries are not created: arp_accept is off).
import { BROADCAST_MAC, readIpv4, readMac, writeIpv4, writeMac, type Ipv4, type Mac } from "../wire/address.ts";
import { readU16, writeU16 } from "../wire/bytes.ts";
import { ArpOp, ARP_LEN } from "../wire/arp.ts";
import { ETH_HLEN, ETH_P_ARP, ETH_P_IP, PKT, writeEthernetHeader } from "./ethernet-io.ts";
import { IN, isLoopback, isMulticast, RTN } from "./fib.ts";
import { onLink, SCOPE } from "./interface-addresses.ts";
import type { Iface } from "./iface.ts";
import { NUD, UPDATE, type Neighbour } from "./neighbour.ts";
import { JIFFY, jiffiesAt } from "./linux-params.ts";
import type { Ipv4Stack } from "./ipv4-stack.ts";

type ArpEventOp = "request" | "probe" | "reply" | "proxy-reply" | "gratuitous";

/** The ARP protocol engine of one stack. */
export class ArpHandler {
  constructor(private readonly stack: Ipv4Stack) {}

  /** arp_rcv + arp_process for a received ARP frame; `redo` when replaying a delayed proxy request. */
  process(iface: Iface, frame: Uint8Array, pktType: number, redo = false): void {
    if (frame.length < ETH_HLEN + ARP_LEN) return this.stack.frameDrop(iface, frame, "malformed", "arp: truncated");
    const hrd = readU16(frame, ETH_HLEN);
    if (frame[ETH_HLEN + 4] !== 6 || frame[ETH_HLEN + 5] !== 4 || iface.isLoopback) return;
    if (pktType === PKT.OTHERHOST || pktType === PKT.LOOPBACK) return;
    if ((hrd !== 1 && hrd !== 6) || readU16(frame, ETH_HLEN + 2) !== ETH_P_IP) return;
    const op = readU16(frame, ETH_HLEN + 6);
    if (op !== ArpOp.Request && op !== ArpOp.Reply) return;
    const sha = readMac(frame, ETH_HLEN + 8);
    const sip = readIpv4(frame, ETH_HLEN + 14);
    const tip = readIpv4(frame, ETH_HLEN + 24);
    if (isLoopback(tip) || isMulticast(tip)) return;
    const fib = this.stack.fib;
    if (sip === 0) {
      if (op === ArpOp.Request && fib.addrType(tip) === RTN.LOCAL && !this.ignores(iface, sip, tip)) {
        this.send(ArpOp.Reply, sip, iface, tip, sha, sha, "reply");
      }
      return;
    }
    if (op === ArpOp.Request && this.answerRequest(iface, frame, pktType, redo, sha, sip, tip)) return;
    this.refresh(iface, op, pktType, sha, sip);
  }

  /** The request branch of arp_process; true when it was answered (or queued for a proxy answer). */
  private answerRequest(iface: Iface, frame: Uint8Array, pktType: number, redo: boolean, sha: Mac, sip: Ipv4, tip: Ipv4): boolean {
    const stack = this.stack;
    const verdict = stack.fib.routeInput(tip, sip, iface, false);
    if (verdict === IN.LOCAL) {
      const filtered = this.ignores(iface, sip, tip) || ((iface.conf.arpFilter || stack.allConf.arpFilter) && this.filters(sip, iface));
      if (!filtered) {
        stack.neigh.eventNs(iface, sip, sha);
        this.send(ArpOp.Reply, sip, iface, tip, sha, sha, "reply");
      }
      return true;
    }
    if (verdict !== IN.FORWARD) return false;
    const out = stack.fib.rIface!;
    if (out === iface || !(this.proxies(iface, out) || this.proxyEntry(iface, tip))) return false;
    stack.neigh.eventNs(iface, sip, sha);
    if (redo || pktType === PKT.HOST || iface.parms.proxyDelay === 0) {
      this.send(ArpOp.Reply, sip, iface, tip, sha, sha, "proxy-reply");
      return true;
    }
    const delay = stack.proxyQueue.enqueue(iface, frame);
    const sim = stack.sim;
    if (delay !== undefined && sim.trace.on) {
      sim.trace.emit({ kind: "arp", time: sim.now, node: stack.node, dev: iface.name, op: "proxy-delay", ip: tip, mac: sha, delay: delay * JIFFY });
    }
    return true;
  }

  /** "Update our ARP tables": only an existing entry learns from a packet that is not an answer to us. */
  private refresh(iface: Iface, op: number, pktType: number, sha: Mac, sip: Ipv4): void {
    const stack = this.stack;
    let n = stack.neigh.lookup(iface, sip);
    const accept = iface.conf.arpAccept || stack.allConf.arpAccept;
    if (n === undefined && accept && op === ArpOp.Reply && stack.fib.addrType(sip) === RTN.UNICAST) n = stack.neigh.lookupOrCreate(iface, sip);
    if (n === undefined) return;
    const state = op === ArpOp.Reply && pktType === PKT.HOST ? NUD.REACHABLE : NUD.STALE;
    const override = jiffiesAt(stack.sim.now) > n.updated + n.iface.parms.locktime;
    stack.neigh.update(n, sha, state, override ? UPDATE.OVERRIDE : 0);
  }

  /** arp_fwd_proxy: proxy_arp on the receiving interface, with medium_id separating the two sides. */
  private proxies(inIface: Iface, out: Iface): boolean {
    if (!(inIface.conf.proxyArp || this.stack.allConf.proxyArp)) return false;
    const imi = inIface.conf.mediumId;
    if (imi === 0) return true;
    if (imi === -1) return false;
    const omi = out.conf.mediumId;
    return omi !== imi && omi !== -1;
  }

  private proxyEntry(iface: Iface, tip: Ipv4): boolean {
    return iface.proxyEntries.has(tip) || this.stack.proxyAnyDevice.has(tip);
  }

  /** arp_ignore: whether not to answer for `tip` on this interface (levels 0–3 and 8). */
  private ignores(iface: Iface, sip: Ipv4, tip: Ipv4): boolean {
    const level = Math.max(iface.conf.arpIgnore, this.stack.allConf.arpIgnore);
    if (level === 0 || (level >= 4 && level <= 7)) return false;
    if (level === 8) return true;
    const scope = level === 3 ? SCOPE.link : SCOPE.host;
    const own = iface.addrs.find((a) => a.address === tip && SCOPE[a.scope] <= scope);
    if (own === undefined) return true;
    return level === 2 && !onLink([own], sip, 0);
  }

  /** arp_filter: answer only if our route back to the sender leaves by this interface. */
  private filters(sip: Ipv4, iface: Iface): boolean {
    const back = this.stack.fib.lookup(sip);
    return back.type === RTN.NONE || (back.type === RTN.UNICAST && back.iface !== iface);
  }

  /** arp_solicit: a request for `n`, broadcast while resolving, unicast to the cached MAC when probing. */
  solicit(n: Neighbour, queued: Uint8Array | undefined): void {
    const stack = this.stack;
    const iface = n.iface;
    const announce = Math.max(iface.conf.arpAnnounce, stack.allConf.arpAnnounce);
    let saddr = 0;
    if (queued !== undefined && announce < 2) {
      const src = readIpv4(queued, ETH_HLEN + 12);
      if (stack.fib.isLocal(src) && (announce === 0 || onLink(iface.addrs, n.ip, src))) saddr = src;
    }
    if (saddr === 0) saddr = stack.fib.selectAddr(iface, n.ip, SCOPE.link);
    const p = iface.parms;
    const unicast = n.probes - p.ucastProbes < 0;
    if (!unicast && n.probes - p.ucastProbes - p.appProbes < 0) return;
    this.send(ArpOp.Request, n.ip, iface, saddr, unicast ? n.mac : null, null, unicast ? "probe" : "request");
  }

  /** A gratuitous ARP request for `address` (arp_notify on link up, `arping -U`, a resumed netfront). */
  gratuitous(iface: Iface, address: Ipv4): void {
    this.send(ArpOp.Request, address, iface, address, null, null, "gratuitous");
  }

  /** arp_send: builds the 42-byte frame (padding is the wire's business) and transmits it. */
  send(op: number, dstIp: Ipv4, iface: Iface, srcIp: Ipv4, dstHw: Mac | null, targetHw: Mac | null, what: ArpEventOp): void {
    const dev = iface.dev;
    const frame = new Uint8Array(ETH_HLEN + ARP_LEN);
    writeEthernetHeader(frame, dstHw ?? BROADCAST_MAC, dev.mac, ETH_P_ARP);
    writeU16(frame, ETH_HLEN, 1);
    writeU16(frame, ETH_HLEN + 2, ETH_P_IP);
    frame[ETH_HLEN + 4] = 6;
    frame[ETH_HLEN + 5] = 4;
    writeU16(frame, ETH_HLEN + 6, op);
    writeMac(frame, ETH_HLEN + 8, dev.mac);
    writeIpv4(frame, ETH_HLEN + 14, srcIp);
    writeMac(frame, ETH_HLEN + 18, targetHw ?? 0);
    writeIpv4(frame, ETH_HLEN + 24, dstIp);
    const sim = this.stack.sim;
    if (sim.trace.on) {
      const ip = what === "reply" || what === "proxy-reply" ? srcIp : dstIp;
      const base = { kind: "arp" as const, time: sim.now, node: this.stack.node, dev: dev.name, op: what, ip };
      sim.trace.emit(dstHw !== null ? { ...base, mac: dstHw } : base);
    }
    this.stack.transmit(iface, frame);
  }
}
