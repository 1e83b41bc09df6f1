// The NetDev contract: what every network interface in the simulator is, whatever carries its frames
// (a cable, a veth peer, a Xen shared ring, a bridge). Modelled on Linux's net_device as `ip link`
// and `ip -s link` show it: a name, a MAC, an MTU, an administrative state (UP) and a carrier
// (LOWER_UP), a promiscuous flag, and the counters of `ip -s link`.
//
// An upper layer — an IPv4 stack, or a bridge that enslaves the device as a port (Linux's
// rx_handler) — attaches as the device's `FrameSink`. Transmit goes down through `transmit`, frames
// arriving from the medium come in through `receive`.
import type { Sim } from "../engine/sim.ts";
import type { DropReason } from "../engine/trace.ts";
import { BROADCAST_MAC, isMulticastMac, readMac, type Mac } from "../wire/address.ts";

/** The counters `ip -s link` prints. */
export interface DevCounters {
  rxPackets: number;
  rxBytes: number;
  rxErrors: number;
  rxDropped: number;
  rxMulticast: number;
  txPackets: number;
  txBytes: number;
  txErrors: number;
  txDropped: number;
}

/** What sits above a device and takes the frames it receives. */
export interface FrameSink {
  receiveFrom(dev: NetDev, frame: Uint8Array): void;
}

/** The kinds of device, as `ip -d link` would name their driver. */
export type DevKind = "nic" | "veth" | "netfront" | "netback" | "bridge" | "loopback" | "dummy";

/** A network interface. */
export interface NetDev {
  readonly sim: Sim;
  readonly kind: DevKind;
  /** The node (host, guest, router) the device belongs to, for traces. */
  readonly node: string;
  /** Interface name; Xen's scripts rename devices (`eth0` → `peth0`), so it can change. */
  readonly name: string;
  mac: Mac;
  mtu: number;
  /** Administratively up (`ip link set X up`). */
  readonly isUp: boolean;
  /** Physical/peer link present (LOWER_UP). */
  readonly hasCarrier: boolean;
  /** Accept frames for any destination MAC (set by bridges and packet capture). */
  promiscuous: boolean;
  readonly counters: Readonly<DevCounters>;
  /** Sends a frame out of this device; false when it was dropped here. */
  transmit(frame: Uint8Array): boolean;
  /** A frame arrives from the medium. */
  receive(frame: Uint8Array): void;
  setUp(up: boolean): void;
  rename(name: string): void;
  /** Attaches the upper layer (null detaches); a device has at most one. */
  attach(sink: FrameSink | null): void;
  readonly sink: FrameSink | null;
  /** Called whenever `isUp` or `hasCarrier` changes. Returns an unsubscribe function. */
  onLinkChange(listener: (dev: NetDev) => void): () => void;
}

/** Ethernet header length (without an 802.1Q tag). */
export const ETH_HEADER = 14;
const VLAN_TAG = 4;

function newCounters(): DevCounters {
  return { rxPackets: 0, rxBytes: 0, rxErrors: 0, rxDropped: 0, rxMulticast: 0, txPackets: 0, txBytes: 0, txErrors: 0, txDropped: 0 };
}

/**
 * The shared part of every device: state, counters, traces, the receive-side MAC filter.
 * Subclasses say how a frame reaches the medium (`sendToMedium`) and when the carrier changes.
 */
export abstract class BaseDev implements NetDev {
  abstract readonly kind: DevKind;
  mtu = 1500;
  promiscuous = false;
  readonly counters: DevCounters = newCounters();
  private up = false;
  private carrier = false;
  private upper: FrameSink | null = null;
  private linkListeners: ((dev: NetDev) => void)[] = [];

  constructor(
    readonly sim: Sim,
    readonly node: string,
    private devName: string,
    public mac: Mac,
  ) {}

  get name(): string {
    return this.devName;
  }
  get isUp(): boolean {
    return this.up;
  }
  get hasCarrier(): boolean {
    return this.carrier;
  }
  get sink(): FrameSink | null {
    return this.upper;
  }

  /** Delivers the frame to the medium; false when the medium dropped it (and counted and traced why, e.g. with `dropTx`). */
  protected abstract sendToMedium(frame: Uint8Array): boolean;

  transmit(frame: Uint8Array): boolean {
    if (!this.up) return this.dropTx(frame, "link-down");
    if (!this.carrier) return this.dropTx(frame, "no-carrier");
    if (frame.length > this.maxFrameLength(frame)) return this.dropTx(frame, "too-big");
    const sim = this.sim;
    // Traced before the driver sees it, as tcpdump taps dev_queue_xmit; counted only once the
    // driver took it, as Linux drivers count tx_packets (a driver drop counts tx_dropped instead).
    if (sim.trace.on) sim.trace.emit({ kind: "tx", time: sim.now, node: this.node, dev: this.devName, frame });
    if (!this.sendToMedium(frame)) return false;
    this.counters.txPackets++;
    this.counters.txBytes += frame.length;
    return true;
  }

  receive(frame: Uint8Array): void {
    const sim = this.sim;
    if (!this.up) {
      this.traceDrop(frame, "link-down");
      return;
    }
    this.counters.rxPackets++;
    this.counters.rxBytes += frame.length;
    const dst = frame.length >= 6 ? readMac(frame, 0) : BROADCAST_MAC;
    // `ip -s link` mcast counts multicast only: broadcast is its own class (e1000's MPRC vs BPRC).
    if (isMulticastMac(dst) && dst !== BROADCAST_MAC) this.counters.rxMulticast++;
    if (sim.trace.on) sim.trace.emit({ kind: "rx", time: sim.now, node: this.node, dev: this.devName, frame });
    if (frame.length < ETH_HEADER) {
      this.counters.rxErrors++;
      this.traceDrop(frame, "malformed");
      return;
    }
    if (!this.promiscuous && dst !== this.mac && !isMulticastMac(dst)) {
      this.traceDrop(frame, "not-for-us");
      return;
    }
    if (this.upper) this.upper.receiveFrom(this, frame);
  }

  setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    this.linkChanged();
  }

  rename(name: string): void {
    this.devName = name;
  }

  attach(sink: FrameSink | null): void {
    this.upper = sink;
  }

  onLinkChange(listener: (dev: NetDev) => void): () => void {
    this.linkListeners = [...this.linkListeners, listener];
    return () => {
      this.linkListeners = this.linkListeners.filter((l) => l !== listener);
    };
  }

  /** For subclasses: the medium gained or lost the link. */
  protected setCarrier(carrier: boolean): void {
    if (this.carrier === carrier) return;
    this.carrier = carrier;
    this.linkChanged();
  }

  /** Records a drop on this device with its reason. */
  protected traceDrop(frame: Uint8Array | undefined, reason: DropReason, detail?: string): void {
    const sim = this.sim;
    if (!sim.trace.on) return;
    const base = { kind: "drop" as const, time: sim.now, node: this.node, dev: this.devName, reason };
    sim.trace.emit({ ...base, ...(frame ? { frame } : {}), ...(detail ? { detail } : {}) });
  }

  protected dropTx(frame: Uint8Array, reason: DropReason): false {
    this.counters.txDropped++;
    this.traceDrop(frame, reason);
    return false;
  }

  /** Largest frame this device sends: MTU plus the Ethernet header, plus a VLAN tag if present. */
  private maxFrameLength(frame: Uint8Array): number {
    const tagged = frame.length >= 14 && frame[12] === 0x81 && frame[13] === 0x00;
    return this.mtu + ETH_HEADER + (tagged ? VLAN_TAG : 0);
  }

  private linkChanged(): void {
    const sim = this.sim;
    if (sim.trace.on) {
      sim.trace.emit({ kind: "link", time: sim.now, node: this.node, dev: this.devName, up: this.up, carrier: this.carrier });
    }
    for (const listener of this.linkListeners) listener(this);
  }
}
