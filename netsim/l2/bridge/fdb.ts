// The bridge forwarding database, after Linux net/bridge/br_fdb.c (2.6.32): a table from MAC to
// port, learned from source addresses (br_fdb_update), with local entries for the ports' own
// addresses (fdb_insert: local and static) and optional static entries that never age.
//
// Ageing is lazy, as in ns-3's BridgeNetDevice and Linux's __br_fdb_get: an entry whose last refresh
// is `holdTime` or more in the past is dead; whoever meets it first (a lookup, a refresh, the
// garbage collector) removes it and reports `age-out`. The hold time is `ageing_time` (300 s), or
// the forward delay while a topology change is in progress (hold_time()); an ageing time of 0
// turns learning off ("some users want to always flood"). A periodic cleanup like br_fdb_cleanup
// runs while dynamic entries exist, at round_jiffies(next expiry + HZ/4).
import { SECOND } from "../../engine/sim.ts";
import type { EventHandle, Sim } from "../../engine/sim.ts";
import type { Mac } from "../../wire/address.ts";
import { roundJiffies } from "./jiffies.ts";
import type { BridgePort } from "./port.ts";

/** One FDB entry: a MAC and the port it is behind. */
export class FdbEntry {
  constructor(
    readonly mac: Mac,
    public port: BridgePort,
    readonly isLocal: boolean,
    readonly isStatic: boolean,
    /** Virtual time of the last refresh (ageing_timer). */
    public updated: number,
  ) {}
}

/** One line of `brctl showmacs`: port number, MAC, local or learned, seconds since last seen. */
export interface ShowMacsRow {
  readonly portNo: number;
  readonly port: string;
  readonly mac: Mac;
  readonly isLocal: boolean;
  /** µs since the entry was last refreshed; 0 for static and local entries. */
  readonly ageingTimer: number;
}

/** What the FDB needs from its bridge: the clock and the names it reports under. */
export interface FdbOwner {
  readonly sim: Sim;
  readonly node: string;
  readonly name: string;
  readonly isUp: boolean;
}

/** A learning bridge's MAC table. */
export class Fdb {
  private readonly table = new Map<Mac, FdbEntry>();
  private dynamic = 0;
  private gc: EventHandle | null = null;
  /** Dynamic entries live this long without traffic (µs); set by the bridge, see the header. */
  private hold = 300 * SECOND;

  constructor(private readonly owner: FdbOwner) {}

  /** Number of entries, dead ones not yet collected included. */
  get size(): number {
    return this.table.size;
  }

  /** The hold time in force (µs). */
  get holdTime(): number {
    return this.hold;
  }

  /** Changes the hold time (ageing time, or forward delay during a topology change). */
  setHoldTime(hold: number): void {
    if (hold === this.hold) return;
    this.hold = hold;
    this.rescheduleGc();
  }

  /** __br_fdb_get: the live entry for `mac`, or undefined (a dead one is removed). */
  lookup(mac: Mac): FdbEntry | undefined {
    const entry = this.table.get(mac);
    if (entry === undefined || entry.isStatic) return entry;
    if (entry.updated + this.hold > this.owner.sim.now) return entry;
    this.expire(entry);
    return undefined;
  }

  /** br_fdb_update: `mac` was seen as a source on `port`. */
  learn(port: BridgePort, mac: Mac): void {
    if (this.hold === 0) return;
    if (port.state !== "forwarding" && port.state !== "learning") return;
    const now = this.owner.sim.now;
    const entry = this.table.get(mac);
    if (entry !== undefined) {
      // A local entry is our own address seen as a source (Linux warns and keeps it); a static
      // one is pinned.
      if (entry.isStatic) return;
      if (entry.updated + this.hold > now) {
        entry.updated = now;
        if (entry.port !== port) this.move(entry, port);
        return;
      }
      this.expire(entry);
    }
    this.create(port, mac, false, false, now);
  }

  /** fdb_insert: a port's own address, local and static; the first port with an address keeps it. */
  insertLocal(port: BridgePort, mac: Mac): void {
    const entry = this.table.get(mac);
    if (entry !== undefined) {
      if (entry.isLocal) return;
      this.remove(mac);
    }
    this.create(port, mac, true, true, this.owner.sim.now);
  }

  /** A static (never ageing, never moving) entry for `mac` behind `port`, like `bridge fdb add … static`. */
  addStatic(port: BridgePort, mac: Mac): void {
    if (this.table.has(mac)) this.remove(mac);
    this.create(port, mac, false, true, this.owner.sim.now);
  }

  /** Removes the entry for `mac`; false when there was none. */
  remove(mac: Mac): boolean {
    const entry = this.table.get(mac);
    if (entry === undefined) return false;
    this.table.delete(mac);
    if (!entry.isStatic) this.dynamic--;
    return true;
  }

  /**
   * br_fdb_delete_by_port: forgets what was learned on `port` (and with `all`, its static and local
   * entries too). A local address shared with another port moves to that port.
   */
  deleteByPort(port: BridgePort, all: boolean, others: readonly BridgePort[]): void {
    for (const entry of this.table.values()) {
      if (entry.port !== port || (entry.isStatic && !all)) continue;
      const heir = entry.isLocal ? others.find((p) => p !== port && p.dev.mac === entry.mac) : undefined;
      if (heir !== undefined) entry.port = heir;
      else this.remove(entry.mac);
    }
  }

  /** br_fdb_flush: forgets every dynamic entry. */
  flush(): void {
    for (const entry of this.table.values()) if (!entry.isStatic) this.remove(entry.mac);
  }

  /** The rows `brctl showmacs` prints, sorted by MAC as brctl sorts them; dead entries skipped. */
  showMacs(): ShowMacsRow[] {
    const now = this.owner.sim.now;
    const rows: ShowMacsRow[] = [];
    for (const e of this.table.values()) {
      if (!e.isStatic && e.updated + this.hold <= now) continue;
      rows.push({ portNo: e.port.portNo, port: e.port.name, mac: e.mac, isLocal: e.isLocal, ageingTimer: e.isStatic ? 0 : now - e.updated });
    }
    return rows.sort((a, b) => a.mac - b.mac);
  }

  /** Bridge came up: collection resumes (br_stp_enable_bridge arms the gc timer at +HZ/10). */
  start(): void {
    if (this.dynamic > 0) this.armGc(this.owner.sim.now + SECOND / 10);
  }

  /** Bridge went down: collection stops (entries stay, as in Linux). */
  stop(): void {
    this.gc?.cancel();
    this.gc = null;
  }

  private create(port: BridgePort, mac: Mac, isLocal: boolean, isStatic: boolean, now: number): void {
    this.table.set(mac, new FdbEntry(mac, port, isLocal, isStatic, now));
    const sim = this.owner.sim;
    if (!isStatic) {
      this.dynamic++;
      if (this.gc === null && this.owner.isUp) this.armGc(roundJiffies(now + this.hold + SECOND / 4, now));
    }
    if (sim.trace.on && !isLocal) {
      sim.trace.emit({ kind: "learn", time: now, node: this.owner.node, bridge: this.owner.name, mac, port: port.name, moved: false });
    }
  }

  private move(entry: FdbEntry, port: BridgePort): void {
    entry.port = port;
    const sim = this.owner.sim;
    if (sim.trace.on) {
      sim.trace.emit({ kind: "learn", time: sim.now, node: this.owner.node, bridge: this.owner.name, mac: entry.mac, port: port.name, moved: true });
    }
  }

  private expire(entry: FdbEntry): void {
    this.remove(entry.mac);
    const sim = this.owner.sim;
    if (sim.trace.on) {
      sim.trace.emit({ kind: "age-out", time: sim.now, node: this.owner.node, bridge: this.owner.name, mac: entry.mac, port: entry.port.name });
    }
  }

  /** br_fdb_cleanup: removes dead entries, then sleeps until the next one is due. */
  private cleanup(): void {
    this.gc = null;
    const now = this.owner.sim.now;
    let next = Infinity;
    for (const entry of this.table.values()) {
      if (entry.isStatic) continue;
      const due = entry.updated + this.hold;
      if (due <= now) this.expire(entry);
      else if (due < next) next = due;
    }
    if (next !== Infinity) this.armGc(roundJiffies(next + SECOND / 4, now));
  }

  private rescheduleGc(): void {
    if (!this.owner.isUp || this.dynamic === 0) return;
    let next = Infinity;
    for (const entry of this.table.values()) if (!entry.isStatic) next = Math.min(next, entry.updated + this.hold);
    const now = this.owner.sim.now;
    this.armGc(roundJiffies(Math.max(next, now) + SECOND / 4, now));
  }

  private armGc(at: number): void {
    if (this.gc !== null && this.gc.pending && this.gc.time <= at) return;
    this.gc?.cancel();
    this.gc = this.owner.sim.at(at, () => this.cleanup());
  }
}
