// The connection-tracking table of Linux 2.6.32 (net/netfilter/nf_conntrack_core.c): a hash of both
// tuples of every confirmed entry; entries created by a packet stay unconfirmed (invisible to
// lookups) until the packet reaches POSTROUTING or INPUT, where __nf_conntrack_confirm inserts them
// and starts their timer; nf_ct_refresh only moves a timer when the new expiry is at least a second
// away from the old one; a full table evicts an unassured entry (early_drop) or refuses the packet.
// Expiry runs on simulator timers, one per entry, re-armed lazily when a refresh moved the deadline.
import type { Sim } from "../../engine/sim.ts";
import { SECOND } from "../../engine/sim.ts";
import { Conn, Status } from "./conn.ts";
import { formatTuple, invertKnown, tupleEqual, tupleKey, type Tuple } from "./tuple.ts";

/** nf_conntrack_max for a dom0 with more than 1 GiB (htable 16384 buckets × 8). */
export const DEFAULT_CONNTRACK_MAX = 65_536;

/** Why an entry went away. */
export type DestroyReason = "timeout" | "flush" | "delete" | "masquerade-down" | "icmp-replied" | "tcp-reset" | "tcp-reopen" | "out-of-sync" | "early-drop" | "unconfirmed";

/** A hash hit: the entry and which of its tuples matched (0 original, 1 reply). */
export interface Hit {
  readonly conn: Conn;
  readonly dir: 0 | 1;
}

/** Called when an entry is destroyed (NAT removes it from its by-source index). */
export type DestroyListener = (conn: Conn, reason: DestroyReason) => void;

/** The conntrack table of one node. */
export class ConnTrack {
  private readonly hash = new Map<string, Hit>();
  private readonly confirmedById = new Map<number, Conn>();
  private readonly unconfirmed = new Set<Conn>();
  private readonly listeners: DestroyListener[] = [];
  private serial = 0;

  constructor(
    private readonly sim: Sim,
    private readonly node: string,
    /** nf_conntrack_max. */
    readonly max = DEFAULT_CONNTRACK_MAX,
  ) {}

  /** Subscribes to destruction of entries. */
  onDestroy(listener: DestroyListener): void {
    this.listeners.push(listener);
  }

  /** Number of entries, confirmed or not (net->ct.count). */
  get count(): number {
    return this.confirmedById.size + this.unconfirmed.size;
  }

  /** nf_conntrack_find_get: the confirmed entry with this tuple in either direction, if not expired. */
  find(t: Tuple): Hit | undefined {
    const hit = this.hash.get(tupleKey(t));
    if (hit === undefined) return undefined;
    if (hit.conn.expires <= this.sim.now) {
      this.destroy(hit.conn, "timeout");
      return undefined;
    }
    return hit;
  }

  /** nf_conntrack_tuple_taken: some entry other than `ignored` uses `t` in either direction. */
  taken(t: Tuple, ignored: Conn): boolean {
    const hit = this.find(t);
    return hit !== undefined && hit.conn !== ignored;
  }

  /**
   * init_conntrack: a new unconfirmed entry for `original`, or "full" when the table is at its
   * limit and no unassured entry could be evicted ("nf_conntrack: table full, dropping packet.").
   */
  create(original: Tuple): Conn | "full" {
    if (this.count + 1 > this.max && !this.earlyDrop()) return "full";
    const conn = new Conn(++this.serial, this.sim.now, original, invertKnown(original));
    this.unconfirmed.add(conn);
    return conn;
  }

  /** early_drop: evicts the oldest entry that is not ASSURED; false when every entry is. */
  private earlyDrop(): boolean {
    for (const conn of this.confirmedById.values()) {
      if (!conn.has(Status.Assured)) {
        this.destroy(conn, "early-drop");
        return true;
      }
    }
    return false;
  }

  /**
   * __nf_conntrack_confirm: inserts an unconfirmed entry into the hash and starts its timer. False
   * when either tuple is already taken (the packet is then dropped).
   */
  confirm(conn: Conn): boolean {
    if (conn.confirmed || conn.has(Status.Dying)) return true;
    this.unconfirmed.delete(conn);
    if (this.find(conn.original) !== undefined || this.find(conn.reply) !== undefined) return false;
    conn.status |= Status.Confirmed;
    conn.expires = this.sim.now + conn.pendingTimeout;
    this.hash.set(tupleKey(conn.original), { conn, dir: 0 });
    this.hash.set(tupleKey(conn.reply), { conn, dir: 1 });
    this.confirmedById.set(conn.id, conn);
    this.arm(conn);
    if (this.sim.trace.on) this.sim.trace.emit({ kind: "conntrack", time: this.sim.now, node: this.node, event: "new", tuple: describe(conn) });
    return true;
  }

  /** nf_ct_refresh: sets the timeout; a confirmed entry's deadline moves only if it changes by ≥ 1 s. */
  refresh(conn: Conn, timeout: number): void {
    if (!conn.confirmed) {
      conn.pendingTimeout = timeout;
      return;
    }
    const next = this.sim.now + timeout;
    const delta = next - conn.expires;
    if (delta >= 0 && delta < SECOND) return;
    conn.expires = next;
    if (conn.timer === undefined || conn.timer.time > next) this.arm(conn);
  }

  /** Starts (or restarts earlier) the entry's timer; a late timer re-arms itself for the real deadline. */
  private arm(conn: Conn): void {
    conn.timer?.cancel();
    conn.timer = this.sim.at(Math.max(conn.expires, this.sim.now), () => {
      conn.timer = undefined;
      if (conn.has(Status.Dying)) return;
      if (conn.expires > this.sim.now) this.arm(conn);
      else this.destroy(conn, "timeout");
    });
  }

  /** nf_ct_kill / death_by_timeout: removes the entry from the table. */
  destroy(conn: Conn, reason: DestroyReason): void {
    if (conn.has(Status.Dying)) return;
    conn.status |= Status.Dying;
    conn.timer?.cancel();
    conn.timer = undefined;
    const wasConfirmed = this.confirmedById.delete(conn.id);
    this.unconfirmed.delete(conn);
    if (wasConfirmed) {
      this.hash.delete(tupleKey(conn.original));
      this.hash.delete(tupleKey(conn.reply));
      if (this.sim.trace.on) this.sim.trace.emit({ kind: "conntrack", time: this.sim.now, node: this.node, event: "destroy", tuple: describe(conn), reason });
    }
    for (const listener of this.listeners) listener(conn, reason);
  }

  /**
   * Frees unconfirmed entries made before now: a packet's hooks all run at one instant, so an entry
   * still unconfirmed at a later instant belongs to a packet that never reached POSTROUTING or INPUT.
   */
  discardStale(): void {
    for (const conn of [...this.unconfirmed]) if (conn.bornAt < this.sim.now) this.destroy(conn, "unconfirmed");
  }

  /** An unconfirmed entry whose original tuple, before or after NAT, is `t`. */
  findUnconfirmed(t: Tuple): Conn | undefined {
    for (const conn of this.unconfirmed) {
      if (tupleEqual(conn.original, t) || tupleEqual(invertKnown(conn.reply), t)) return conn;
    }
    return undefined;
  }

  /** Confirmed, unexpired entries in creation order. */
  list(): readonly Conn[] {
    const now = this.sim.now;
    for (const conn of [...this.confirmedById.values()]) if (conn.expires <= now) this.destroy(conn, "timeout");
    return [...this.confirmedById.values()];
  }

  /** Destroys every entry for which `pick` is true; returns how many. */
  destroyWhere(pick: (conn: Conn) => boolean, reason: DestroyReason): number {
    const victims = this.list().filter(pick);
    for (const conn of victims) this.destroy(conn, reason);
    return victims.length;
  }

  /** Whole seconds left before an entry expires, as ctnetlink reports them. */
  secondsLeft(conn: Conn): number {
    return Math.max(0, Math.floor((conn.expires - this.sim.now) / SECOND));
  }
}

/** `udp 10.0.0.2:5000 > 192.0.2.1:53 / 192.0.2.1:53 > 192.0.2.10:5000` for traces. */
function describe(conn: Conn): string {
  return `${formatTuple(conn.original)} / ${formatTuple(conn.reply)}`;
}
