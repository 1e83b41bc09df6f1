// The ARP cache as Linux 2.6.32's generic neighbour code runs it (net/core/neighbour.c): NUD
// states with their timers, the queue of packets waiting for resolution, garbage collection and
// the neighbour states' timers. ARP itself (what a probe or reply looks like) lives in arp-handler.ts,
// the delayed proxy-ARP queue in proxy-queue.ts.
//
// The state machine, as in neigh_timer_handler / __neigh_event_send / neigh_update:
// - a packet to an unknown (or FAILED) neighbour makes it INCOMPLETE with probes = ucast_probes, so
//   it sends mcast_probes (3) broadcast requests one retrans_time (1 s) apart, the first at the
//   next tick; the 4th expiry finds the probes used up: FAILED, and every queued packet is
//   reported back (ICMP host unreachable). At most unres_qlen (3) packets wait; a 4th pushes out
//   the oldest.
// - a reply sent to us makes it REACHABLE for this device's reachable_time (15–45 s, drawn from the
//   seeded stream); the fast path does not touch it, so on expiry it goes STALE (or DELAY if it was
//   used through the slow path in the last delay_probe_time).
// - a packet through a STALE entry goes out at once and makes it DELAY; delay_probe_time (5 s)
//   later, unless something confirmed it, PROBE: ucast_probes (3) unicast requests, then FAILED.
// - requests for us create/refresh the sender as STALE; replies and requests from a known
//   neighbour refresh it (STALE unless a unicast reply), never changing the state of a valid entry
//   whose address did not change (neigh_update's rule).
// Simplification: Linux counts references from the route cache and garbage-collects only unused
// entries; here every entry is unreferenced, so a STALE or FAILED entry unused for gc_staletime
// (60 s) goes at the next periodic run. The gc_thresh limits are not modelled.
import type { EventHandle, Sim } from "../engine/sim.ts";
import type { RandomStream } from "../engine/random.ts";
import type { Ipv4, Mac } from "../wire/address.ts";
import type { Iface } from "./iface.ts";
import { ARP_DEFAULTS, HZ, jiffiesAt, NEIGH_GC_INTERVAL, NEIGH_RERANDOMISE, timerTime } from "./linux-params.ts";

/** NUD state bits (include/net/neighbour.h). */
export const NUD = {
  NONE: 0x00,
  INCOMPLETE: 0x01,
  REACHABLE: 0x02,
  STALE: 0x04,
  DELAY: 0x08,
  PROBE: 0x10,
  FAILED: 0x20,
  NOARP: 0x40,
  PERMANENT: 0x80,
} as const;
const IN_TIMER = NUD.INCOMPLETE | NUD.REACHABLE | NUD.DELAY | NUD.PROBE;
const VALID = NUD.PERMANENT | NUD.NOARP | NUD.REACHABLE | NUD.PROBE | NUD.STALE | NUD.DELAY;
/** States in which a packet goes straight out with the cached MAC. */
export const NUD_CONNECTED = NUD.PERMANENT | NUD.NOARP | NUD.REACHABLE;

/** neigh_update flags. */
export const UPDATE = { OVERRIDE: 1, WEAK_OVERRIDE: 2, ADMIN: 8 } as const;

/** A state as `ip neigh` prints it. */
export type NeighStateName = "NONE" | "INCOMPLETE" | "REACHABLE" | "STALE" | "DELAY" | "PROBE" | "FAILED" | "NOARP" | "PERMANENT";

/** The name of a single state bit. */
export function stateName(state: number): NeighStateName {
  const names = Object.entries(NUD) as [NeighStateName, number][];
  return names.find(([, bit]) => bit === state)?.[0] ?? "NONE";
}

/** One ARP cache entry (struct neighbour). Times are in jiffies. */
export class Neighbour {
  state: number = NUD.NONE;
  mac: Mac = 0;
  probes = 0;
  confirmed: number;
  updated: number;
  used: number;
  timer: EventHandle | null = null;
  /** Frames (Ethernet header still to be written) waiting for resolution, oldest first. */
  queue: Uint8Array[] = [];

  constructor(
    readonly ip: Ipv4,
    readonly iface: Iface,
    now: number,
  ) {
    this.updated = now;
    this.used = now;
    this.confirmed = now - 2 * iface.parms.baseReachableTime;
  }
}

/** What the neighbour table needs from the stack it serves. */
export interface NeighbourHost {
  readonly sim: Sim;
  readonly node: string;
  /** Sends an ARP request for `n` (arp_solicit); `queued` is the oldest waiting packet, if any. */
  solicit(n: Neighbour, queued: Uint8Array | undefined): void;
  /** Writes `n`'s MAC into the frame and transmits it. */
  transmitTo(n: Neighbour, frame: Uint8Array): void;
  /** A waiting packet is given up (arp_error_report: ICMP host unreachable to its sender). */
  errorReport(n: Neighbour, frame: Uint8Array): void;
  /** The devices, for garbage collection and re-randomising reachable times. */
  ifaces(): readonly Iface[];
  /** A packet was pushed out of a full queue. */
  queueOverflow(n: Neighbour, frame: Uint8Array): void;
}

/** The stack's ARP cache (arp_tbl). */
export class NeighbourTable {
  private count = 0;
  private gcTimer: EventHandle | null = null;
  private readonly gcFirst: number;
  private lastRand: number;

  constructor(
    private readonly host: NeighbourHost,
    private readonly reachRng: RandomStream,
  ) {
    // neigh_table_init: the table's own parms draw a reachable time; gc first runs after it.
    const now = jiffiesAt(host.sim.now);
    const tableReach = this.drawReachableTime(ARP_DEFAULTS.baseReachableTime);
    this.gcFirst = now + tableReach;
    this.lastRand = now + tableReach * 20;
  }

  /** neigh_rand_reach_time: uniform in [base/2, 3·base/2) jiffies. */
  drawReachableTime(base: number): number {
    return base === 0 ? 0 : this.reachRng.int(0, base - 1) + (base >> 1);
  }

  private get now(): number {
    return jiffiesAt(this.host.sim.now);
  }

  /** The entry for `ip` on `iface`, if any. */
  lookup(iface: Iface, ip: Ipv4): Neighbour | undefined {
    return iface.neigh.get(ip);
  }

  /** The entry for `ip` on `iface`, created (NONE) if missing. */
  lookupOrCreate(iface: Iface, ip: Ipv4): Neighbour {
    let n = iface.neigh.get(ip);
    if (n === undefined) {
      n = new Neighbour(ip, iface, this.now);
      iface.neigh.set(ip, n);
      this.count++;
      this.ensureGc();
    }
    return n;
  }

  /** Sends `frame` to `nextHop` on `iface`, resolving it first if needed (neigh_resolve_output). */
  output(iface: Iface, nextHop: Ipv4, frame: Uint8Array): void {
    const n = iface.neigh.get(nextHop) ?? this.lookupOrCreate(iface, nextHop);
    if ((n.state & NUD_CONNECTED) !== 0 || !this.eventSend(n, frame)) this.host.transmitTo(n, frame);
  }

  /** neigh_event_send: true when the frame was queued (or dropped) rather than sendable now. */
  eventSend(n: Neighbour, frame: Uint8Array | null): boolean {
    const now = this.now;
    n.used = now;
    if ((n.state & (NUD_CONNECTED | NUD.DELAY | NUD.PROBE)) !== 0) return false;
    if ((n.state & (NUD.STALE | NUD.INCOMPLETE)) === 0) {
      const p = n.iface.parms;
      if (p.mcastProbes + p.appProbes === 0) {
        this.setState(n, NUD.FAILED);
        n.updated = now;
        return true;
      }
      n.probes = p.ucastProbes;
      this.setState(n, NUD.INCOMPLETE);
      n.updated = now;
      this.addTimer(n, now + 1);
    } else if ((n.state & NUD.STALE) !== 0) {
      this.setState(n, NUD.DELAY);
      n.updated = now;
      this.addTimer(n, now + n.iface.parms.delayProbeTime);
    }
    if (n.state !== NUD.INCOMPLETE) return false;
    if (frame !== null) {
      if (n.queue.length >= n.iface.parms.queueLen) {
        const dropped = n.queue.shift();
        if (dropped !== undefined) this.host.queueOverflow(n, dropped);
      }
      n.queue.push(frame);
    }
    return true;
  }

  /**
   * neigh_update: a new link-layer address and/or state from ARP or from `ip neigh`. Long because
   * it follows the kernel function step by step; its rules are what makes ARP behave like Linux.
   */
  update(n: Neighbour, mac: Mac | null, target: number, flags: number): void {
    const old = n.state;
    const now = this.now;
    if ((flags & UPDATE.ADMIN) === 0 && (old & (NUD.NOARP | NUD.PERMANENT)) !== 0) return;
    if ((target & VALID) === 0) {
      this.delTimer(n);
      this.setState(n, target);
      if ((old & (NUD.INCOMPLETE | NUD.PROBE)) !== 0 && (target & NUD.FAILED) !== 0) this.invalidate(n);
      return;
    }
    let addr: Mac;
    let same: boolean;
    if (mac !== null) {
      addr = mac;
      same = (old & VALID) !== 0 && mac === n.mac;
    } else {
      if ((old & VALID) === 0) return;
      addr = n.mac;
      same = true;
    }
    let next = target;
    if ((next & NUD_CONNECTED) !== 0) n.confirmed = now;
    n.updated = now;
    if ((old & VALID) !== 0) {
      if (!same && (flags & UPDATE.OVERRIDE) === 0) {
        if ((flags & UPDATE.WEAK_OVERRIDE) === 0 || (old & NUD_CONNECTED) === 0) return;
        addr = n.mac;
        same = true;
        next = NUD.STALE;
      } else if (same && next === NUD.STALE && ((flags & UPDATE.WEAK_OVERRIDE) !== 0 || (old & NUD_CONNECTED) !== 0)) {
        next = old;
      }
    }
    // Linux changes the state, then the address; both are done before anyone can look.
    if (!same) {
      n.mac = addr;
      if ((next & NUD_CONNECTED) === 0) n.confirmed = now - 2 * n.iface.parms.baseReachableTime;
    }
    if (next !== old) {
      this.delTimer(n);
      if ((next & IN_TIMER) !== 0) this.addTimer(n, now + ((next & NUD.REACHABLE) !== 0 ? n.iface.parms.reachableTime : 0));
      this.setState(n, next);
    }
    if (next === old || (old & VALID) !== 0) return;
    while ((n.state & VALID) !== 0 && n.queue.length > 0) this.host.transmitTo(n, n.queue.shift()!);
    n.queue = [];
  }

  /** neigh_event_ns: someone asked us for our address — remember them as STALE. */
  eventNs(iface: Iface, ip: Ipv4, mac: Mac): Neighbour {
    const n = this.lookupOrCreate(iface, ip);
    this.update(n, mac, NUD.STALE, UPDATE.OVERRIDE);
    return n;
  }

  /** neigh_confirm (dst_confirm): an upper layer saw forward progress, e.g. TCP new data acked. */
  confirm(n: Neighbour): void {
    n.confirmed = this.now;
  }

  /** neigh_ifdown: the device went down; its entries and their queues go (without error reports). */
  flushDevice(iface: Iface): void {
    for (const n of iface.neigh.values()) {
      this.delTimer(n);
      n.queue = [];
      n.state = NUD.NONE;
    }
    this.count -= iface.neigh.size;
    iface.neigh.clear();
  }

  /** Removes one entry (after an administrative delete or garbage collection). */
  remove(n: Neighbour): void {
    if (n.iface.neigh.get(n.ip) !== n) return;
    this.delTimer(n);
    n.iface.neigh.delete(n.ip);
    this.count--;
  }

  private setState(n: Neighbour, state: number): void {
    if (n.state === state) return;
    n.state = state;
    const sim = this.host.sim;
    if (!sim.trace.on) return;
    const base = { kind: "neigh" as const, time: sim.now, node: this.host.node, dev: n.iface.name, ip: n.ip, state: stateName(state) };
    sim.trace.emit((state & VALID) !== 0 ? { ...base, mac: n.mac } : base);
  }

  private addTimer(n: Neighbour, expires: number): void {
    this.delTimer(n);
    n.timer = this.host.sim.at(timerTime(expires, this.host.sim.now), () => this.timerHandler(n));
  }

  private delTimer(n: Neighbour): void {
    n.timer?.cancel();
    n.timer = null;
  }

  /** neigh_timer_handler. */
  private timerHandler(n: Neighbour): void {
    n.timer = null;
    const state = n.state;
    if ((state & IN_TIMER) === 0) return;
    const now = this.now;
    const p = n.iface.parms;
    let next = now + HZ;
    if ((state & NUD.REACHABLE) !== 0) {
      if (now <= n.confirmed + p.reachableTime) {
        next = n.confirmed + p.reachableTime;
      } else if (now <= n.used + p.delayProbeTime) {
        this.setState(n, NUD.DELAY);
        n.updated = now;
        next = now + p.delayProbeTime;
      } else {
        this.setState(n, NUD.STALE);
        n.updated = now;
      }
    } else if ((state & NUD.DELAY) !== 0) {
      if (now <= n.confirmed + p.delayProbeTime) {
        this.setState(n, NUD.REACHABLE);
        n.updated = now;
        next = n.confirmed + p.reachableTime;
      } else {
        this.setState(n, NUD.PROBE);
        n.updated = now;
        n.probes = 0;
        next = now + p.retransTime;
      }
    } else {
      next = now + p.retransTime;
    }
    const maxProbes = (n.state & NUD.PROBE) !== 0 ? p.ucastProbes : p.ucastProbes + p.appProbes + p.mcastProbes;
    if ((n.state & (NUD.INCOMPLETE | NUD.PROBE)) !== 0 && n.probes >= maxProbes) {
      this.setState(n, NUD.FAILED);
      this.invalidate(n);
    }
    if ((n.state & IN_TIMER) !== 0) this.addTimer(n, next < now + HZ / 2 ? now + HZ / 2 : next);
    if ((n.state & (NUD.INCOMPLETE | NUD.PROBE)) !== 0) {
      this.host.solicit(n, n.queue[0]);
      n.probes++;
    }
  }

  /** neigh_invalidate: every waiting packet is reported back, then the queue is emptied. */
  private invalidate(n: Neighbour): void {
    n.updated = this.now;
    while (n.state === NUD.FAILED && n.queue.length > 0) this.host.errorReport(n, n.queue.shift()!);
    n.queue = [];
  }

  /** Starts the periodic gc when the table gains entries, keeping its original phase. */
  private ensureGc(): void {
    if (this.gcTimer !== null) return;
    const now = this.now;
    const periods = now <= this.gcFirst ? 0 : Math.ceil((now - this.gcFirst) / NEIGH_GC_INTERVAL);
    this.scheduleGc(this.gcFirst + periods * NEIGH_GC_INTERVAL);
  }

  private scheduleGc(expires: number): void {
    this.gcTimer = this.host.sim.at(timerTime(expires, this.host.sim.now), () => this.periodicWork());
  }

  /** neigh_periodic_work: redraws reachable times every 300 s, frees stale and failed entries. */
  private periodicWork(): void {
    this.gcTimer = null;
    const now = this.now;
    if (now > this.lastRand + NEIGH_RERANDOMISE) {
      this.lastRand = now;
      this.drawReachableTime(ARP_DEFAULTS.baseReachableTime);
      const ifaces = this.host.ifaces();
      for (let i = ifaces.length - 1; i >= 0; i--) {
        const parms = ifaces[i]!.parms;
        parms.reachableTime = this.drawReachableTime(parms.baseReachableTime);
      }
    }
    for (const iface of this.host.ifaces()) {
      for (const n of [...iface.neigh.values()]) {
        if ((n.state & (NUD.PERMANENT | IN_TIMER)) !== 0) continue;
        if (n.used < n.confirmed) n.used = n.confirmed;
        if (n.state === NUD.FAILED || now > n.used + n.iface.parms.gcStaleTime) {
          this.setState(n, NUD.NONE);
          this.remove(n);
        }
      }
    }
    if (this.count > 0) this.scheduleGc(now + NEIGH_GC_INTERVAL);
  }
}
