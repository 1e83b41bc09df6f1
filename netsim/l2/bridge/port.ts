// A bridge port: a device enslaved to a bridge (`brctl addif`), after Linux struct net_bridge_port
// (net/bridge/br_if.c, br_stp_timer.c, 2.6.32). The port attaches itself as its device's upper
// layer, like Linux's rx_handler, and hands every received frame to its bridge.
//
// States (802.1D 8.4): disabled (device or bridge down, no carrier), blocking (STP chose not to use
// it), listening (STP only, one forward delay), learning (sources are learned, frames dropped, one
// forward delay), forwarding. The forward-delay timer walks listening → learning → forwarding;
// reaching forwarding on a bridge designated for some port is a topology change. Port id = priority
// (0–63, default 32) << 10 | port number (1–1023); path cost defaults from the link speed as
// port_cost() computes it, 100 when the speed is unknown (veth, vif).
import type { EventHandle } from "../../engine/sim.ts";
import type { FrameSink, NetDev } from "../net-dev.ts";
import type { BridgeId } from "../../wire/stp.ts";
import type { Bridge } from "./bridge.ts";

/** 802.1D port states, named as Linux logs them ("entering forwarding state"). */
export type PortState = "disabled" | "blocking" | "listening" | "learning" | "forwarding";

/** Bits of the port id that hold the port number (BR_PORT_BITS). */
export const BR_PORT_BITS = 10;
/** Port numbers run from 1 to MAX_PORTS - 1 (BR_MAX_PORTS). */
export const MAX_PORTS = 1 << BR_PORT_BITS;
/** Default port priority: 0x8000 >> BR_PORT_BITS = 32. */
export const DEFAULT_PORT_PRIORITY = 0x8000 >> BR_PORT_BITS;
/** Largest port priority `brctl setportprio` accepts. */
export const MAX_PORT_PRIORITY = (1 << (16 - BR_PORT_BITS)) - 1;

/** port_cost(): the default path cost for a link speed in Mbit/s (unknown → 100, "assume old 10Mbps"). */
export function portCost(speedMbps?: number): number {
  switch (speedMbps) {
    case 10_000:
      return 2;
    case 1_000:
      return 4;
    case 100:
      return 19;
    default:
      return 100;
  }
}

/** br_make_port_id: priority in the high 6 bits, port number in the low 10. */
export function makePortId(priority: number, portNo: number): number {
  return ((priority << BR_PORT_BITS) | (portNo & (MAX_PORTS - 1))) & 0xffff;
}

/** The bridge id of no bridge: priority 0, MAC 00:00:00:00:00:00. */
export const NO_BRIDGE: BridgeId = { priority: 0, mac: 0 };

/** One port of a bridge, with its 802.1D variables. */
export class BridgePort implements FrameSink {
  state: PortState = "disabled";
  priority = DEFAULT_PORT_PRIORITY;
  pathCost: number;
  portId: number;
  // 802.1D 8.5.5 port parameters, as the designated bridge on this segment announces them.
  designatedRoot: BridgeId = NO_BRIDGE;
  designatedCost = 0;
  designatedBridge: BridgeId = NO_BRIDGE;
  designatedPort = 0;
  topologyChangeAck = false;
  configPending = false;
  /** When the message age timer expires (kept after it fires, as timer->expires is). */
  messageAgeExpires = 0;
  forwardDelayTimer: EventHandle | null = null;
  messageAgeTimer: EventHandle | null = null;
  holdTimer: EventHandle | null = null;
  private readonly unwatch: () => void;

  constructor(
    readonly bridge: Bridge,
    readonly dev: NetDev,
    readonly portNo: number,
    pathCost: number,
  ) {
    this.pathCost = pathCost;
    this.portId = makePortId(this.priority, portNo);
    this.unwatch = dev.onLinkChange(() => bridge.portLinkChanged(this));
  }

  /** The port's device name, e.g. `vif1.0`. */
  get name(): string {
    return this.dev.name;
  }

  /** The rx_handler: every frame the device accepts goes to the bridge. */
  receiveFrom(_dev: NetDev, frame: Uint8Array): void {
    this.bridge.handleFrame(this, frame);
  }

  /** Changes state and reports it like br_log_state ("port 1(eth0) entering forwarding state"). */
  setState(state: PortState): void {
    this.state = state;
    const sim = this.bridge.sim;
    if (!sim.trace.on) return;
    const role = this.bridge.stp.roleOf(this);
    const base = { kind: "port-state" as const, time: sim.now, node: this.bridge.node, bridge: this.bridge.name, port: this.name, state };
    sim.trace.emit(role === undefined ? base : { ...base, role });
  }

  /** (Re)arms the forward-delay timer (mod_timer semantics: a pending expiry is replaced). */
  armForwardDelay(delay: number): void {
    this.forwardDelayTimer?.cancel();
    this.forwardDelayTimer = this.bridge.sim.schedule(delay, () => this.forwardDelayExpired());
  }

  /** Stops every timer of the port. */
  cancelTimers(): void {
    for (const timer of [this.forwardDelayTimer, this.messageAgeTimer, this.holdTimer]) timer?.cancel();
    this.forwardDelayTimer = this.messageAgeTimer = this.holdTimer = null;
  }

  /** For the bridge: the port is being removed; stop watching the device. */
  detach(): void {
    this.cancelTimers();
    this.unwatch();
  }

  /** br_forward_delay_timer_expired: listening → learning → forwarding. */
  private forwardDelayExpired(): void {
    this.forwardDelayTimer = null;
    const stp = this.bridge.stp;
    if (this.state === "listening") {
      this.setState("learning");
      this.armForwardDelay(stp.forwardDelay);
    } else if (this.state === "learning") {
      this.setState("forwarding");
      if (stp.isDesignatedForSomePort()) stp.topologyChangeDetection();
    }
  }
}
