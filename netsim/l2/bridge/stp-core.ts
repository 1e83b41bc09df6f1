// The 802.1D-1998 spanning tree algorithm (clause 8.6) as Linux implements it in
// net/bridge/br_stp.c (2.6.32): root selection, designated port selection, port state selection,
// configuration and TCN BPDU handling, topology change detection and acknowledgement. Function
// names follow the kernel's (br_root_selection → rootSelection …) so the two can be read side by
// side; the control plane (enable/disable, brctl settings) and the timers are in stp.ts.
//
// Linux 2.6.32 specifics kept here: with STP off a port that comes up goes blocking → learning for
// one forward delay → forwarding (br_make_forwarding); no BPDU is sent while STP is off; the hold
// timer is round_jiffies(now + 1 s); the message age of a relayed BPDU adds one jiffy
// (MESSAGE_AGE_INCR, HZ=250).
import { SECOND } from "../../engine/sim.ts";
import type { EventHandle } from "../../engine/sim.ts";
import { bridgeIdToString, compareBridgeId, encodeBpduFrame, sameBridgeId } from "../../wire/stp.ts";
import type { BpduRepr, BridgeId, ConfigBpdu } from "../../wire/stp.ts";
import { JIFFY, roundJiffies } from "./jiffies.ts";
import type { BridgePort } from "./port.ts";
import type { Bridge } from "./bridge.ts";

/** BR_HOLD_TIME: at most one configuration BPDU per port per second. */
export const HOLD_TIME = SECOND;
/** MESSAGE_AGE_INCR: what one hop adds to a BPDU's message age (one jiffy). */
export const MESSAGE_AGE_INCR = JIFFY;

/** A port's role as `port-state` traces report it while STP runs. */
export type PortRole = "root" | "designated" | "blocked" | "disabled";

/** Bridge-wide 802.1D state and the algorithm over the bridge's ports. */
export class StpCore {
  /** stp_enabled == BR_KERNEL_STP. */
  enabled = false;
  bridgeId: BridgeId = { priority: 0x8000, mac: 0 };
  designatedRoot: BridgeId = this.bridgeId;
  rootPathCost = 0;
  rootPort: BridgePort | null = null;
  /** The bridge's own timer values (brctl setmaxage/sethello/setfd). */
  bridgeMaxAge = 20 * SECOND;
  bridgeHelloTime = 2 * SECOND;
  bridgeForwardDelay = 15 * SECOND;
  /** The values in force: the root's, learned from its BPDUs. */
  maxAge = 20 * SECOND;
  helloTime = 2 * SECOND;
  forwardDelay = 15 * SECOND;
  topologyChange = false;
  topologyChangeDetected = false;
  protected helloTimer: EventHandle | null = null;
  protected tcnTimer: EventHandle | null = null;
  protected topologyChangeTimer: EventHandle | null = null;

  constructor(protected readonly br: Bridge) {}

  /** br_is_root_bridge. */
  isRootBridge(): boolean {
    return sameBridgeId(this.bridgeId, this.designatedRoot);
  }

  /** br_is_designated_port. */
  isDesignatedPort(p: BridgePort): boolean {
    return sameBridgeId(p.designatedBridge, this.bridgeId) && p.designatedPort === p.portId;
  }

  /** br_is_designated_for_some_port. */
  isDesignatedForSomePort(): boolean {
    return this.br.ports.some((p) => p.state !== "disabled" && sameBridgeId(p.designatedBridge, this.bridgeId));
  }

  /** The port's role for traces, or undefined while STP is off. */
  roleOf(p: BridgePort): PortRole | undefined {
    if (!this.enabled) return undefined;
    if (p.state === "disabled") return "disabled";
    if (p === this.rootPort) return "root";
    return this.isDesignatedPort(p) ? "designated" : "blocked";
  }

  /** br_configuration_update. */
  configurationUpdate(): void {
    this.rootSelection();
    this.designatedPortSelection();
  }

  /** br_become_designated_port. */
  becomeDesignatedPort(p: BridgePort): void {
    p.designatedRoot = this.designatedRoot;
    p.designatedCost = this.rootPathCost;
    p.designatedBridge = this.bridgeId;
    p.designatedPort = p.portId;
  }

  /** br_port_state_selection: root and designated ports head for forwarding, the rest block. */
  portStateSelection(): void {
    for (const p of this.br.ports) {
      if (p.state === "disabled") continue;
      if (p === this.rootPort) {
        p.configPending = false;
        p.topologyChangeAck = false;
        this.makeForwarding(p);
      } else if (this.isDesignatedPort(p)) {
        p.messageAgeTimer?.cancel();
        this.makeForwarding(p);
      } else {
        p.configPending = false;
        p.topologyChangeAck = false;
        this.makeBlocking(p);
      }
    }
  }

  /** br_become_root_bridge. */
  becomeRootBridge(): void {
    this.maxAge = this.bridgeMaxAge;
    this.helloTime = this.bridgeHelloTime;
    this.setForwardDelay(this.bridgeForwardDelay);
    this.topologyChangeDetection();
    this.tcnTimer?.cancel();
    if (this.br.isUp) {
      this.configBpduGeneration();
      this.armHello(this.br.sim.now + this.helloTime);
    }
  }

  /** br_topology_change_detection: the root starts a topology change, others tell the root. */
  topologyChangeDetection(): void {
    if (!this.enabled) return;
    const isRoot = this.isRootBridge();
    this.note(`topology change detected, ${isRoot ? "propagating" : "sending tcn bpdu"}`);
    if (isRoot) {
      this.setTopologyChange(true);
      this.topologyChangeTimer?.cancel();
      this.topologyChangeTimer = this.br.sim.schedule(this.bridgeForwardDelay + this.bridgeMaxAge, () => this.topologyChangeTimerExpired());
    } else if (!this.topologyChangeDetected) {
      this.transmitTcn();
      this.armTcn();
    }
    this.topologyChangeDetected = true;
  }

  /** br_config_bpdu_generation: a configuration BPDU on every designated port. */
  configBpduGeneration(): void {
    for (const p of this.br.ports) {
      if (p.state !== "disabled" && this.isDesignatedPort(p)) this.transmitConfig(p);
    }
  }

  /** br_transmit_config: sends (or, within the hold time, defers) a configuration BPDU. */
  transmitConfig(p: BridgePort): void {
    if (!this.enabled) return;
    if (p.holdTimer !== null && p.holdTimer.pending) {
      p.configPending = true;
      return;
    }
    const now = this.br.sim.now;
    const root = this.rootPort;
    const messageAge = root === null ? 0 : this.maxAge - (root.messageAgeExpires - now) + MESSAGE_AGE_INCR;
    if (messageAge >= this.maxAge) return;
    this.sendBpdu(p, {
      type: "config",
      topologyChange: this.topologyChange,
      topologyChangeAck: p.topologyChangeAck,
      root: this.designatedRoot,
      rootPathCost: this.rootPathCost,
      bridge: this.bridgeId,
      portId: p.portId,
      messageAge,
      maxAge: this.maxAge,
      helloTime: this.helloTime,
      forwardDelay: this.forwardDelay,
    });
    p.topologyChangeAck = false;
    p.configPending = false;
    p.holdTimer = this.br.sim.at(roundJiffies(now + HOLD_TIME, now), () => this.holdTimerExpired(p));
  }

  /** br_transmit_tcn: a TCN BPDU toward the root. */
  transmitTcn(): void {
    if (this.rootPort !== null) this.sendBpdu(this.rootPort, { type: "tcn" });
  }

  /** br_received_config_bpdu. */
  receivedConfigBpdu(p: BridgePort, bpdu: ConfigBpdu): void {
    const wasRoot = this.isRootBridge();
    if (this.supersedesPortInfo(p, bpdu)) {
      this.recordConfigInformation(p, bpdu);
      this.configurationUpdate();
      this.portStateSelection();
      if (!this.isRootBridge() && wasRoot) {
        this.helloTimer?.cancel();
        if (this.topologyChangeDetected) {
          this.topologyChangeTimer?.cancel();
          this.transmitTcn();
          this.armTcn();
        }
      }
      if (p === this.rootPort) {
        this.recordConfigTimeoutValues(bpdu);
        this.configBpduGeneration();
        if (bpdu.topologyChangeAck) this.topologyChangeAcknowledged();
      }
    } else if (this.isDesignatedPort(p)) {
      this.transmitConfig(p);
    }
  }

  /** br_received_tcn_bpdu. */
  receivedTcnBpdu(p: BridgePort): void {
    if (!this.isDesignatedPort(p)) return;
    this.note(`received tcn bpdu on port ${p.portNo}(${p.name})`);
    this.topologyChangeDetection();
    p.topologyChangeAck = true;
    this.transmitConfig(p);
  }

  /** For subclasses: hello timer expiry. */
  protected helloTimerExpired(): void {}
  /** For subclasses: hold timer expiry. */
  protected holdTimerExpired(_p: BridgePort): void {}
  /** For subclasses: message age timer expiry. */
  protected messageAgeTimerExpired(_p: BridgePort): void {}
  /** For subclasses: TCN timer expiry. */
  protected tcnTimerExpired(): void {}
  /** For subclasses: topology change timer expiry. */
  protected topologyChangeTimerExpired(): void {}

  /** Sets the forward delay in force; it is also the FDB's short ageing during a topology change. */
  protected setForwardDelay(delay: number): void {
    this.forwardDelay = delay;
    this.br.updateHoldTime();
  }

  /** Sets the topology change flag; while set, the FDB ages entries after one forward delay. */
  protected setTopologyChange(on: boolean): void {
    this.topologyChange = on;
    this.br.updateHoldTime();
  }

  protected armHello(at: number): void {
    this.helloTimer?.cancel();
    this.helloTimer = this.enabled ? this.br.sim.at(at, () => this.helloTimerExpired()) : null;
  }

  protected armTcn(): void {
    this.tcnTimer?.cancel();
    this.tcnTimer = this.br.sim.schedule(this.bridgeHelloTime, () => this.tcnTimerExpired());
  }

  /** Reports an STP event the way the kernel logs it. */
  protected note(detail: string): void {
    const sim = this.br.sim;
    if (sim.trace.on) sim.trace.emit({ kind: "stp", time: sim.now, node: this.br.node, bridge: this.br.name, detail });
  }

  /** br_make_forwarding (2.6.32): blocking → listening with STP, → learning without. */
  protected makeForwarding(p: BridgePort): void {
    if (p.state !== "blocking") return;
    p.setState(this.enabled ? "listening" : "learning");
    p.armForwardDelay(this.forwardDelay);
  }

  /** br_make_blocking: leaving learning or forwarding is a topology change. */
  protected makeBlocking(p: BridgePort): void {
    if (p.state === "disabled" || p.state === "blocking") return;
    if (p.state === "forwarding" || p.state === "learning") this.topologyChangeDetection();
    p.setState("blocking");
    p.forwardDelayTimer?.cancel();
    p.forwardDelayTimer = null;
  }

  private sendBpdu(p: BridgePort, bpdu: BpduRepr): void {
    if (!this.enabled) return;
    p.dev.transmit(encodeBpduFrame(p.dev.mac, bpdu));
  }

  /** br_should_become_root_port. */
  private shouldBecomeRootPort(p: BridgePort, rp: BridgePort | null): boolean {
    if (p.state === "disabled" || this.isDesignatedPort(p)) return false;
    if (compareBridgeId(this.bridgeId, p.designatedRoot) <= 0) return false;
    if (rp === null) return true;
    const t = compareBridgeId(p.designatedRoot, rp.designatedRoot);
    if (t !== 0) return t < 0;
    const cost = p.designatedCost + p.pathCost;
    const rpCost = rp.designatedCost + rp.pathCost;
    if (cost !== rpCost) return cost < rpCost;
    const b = compareBridgeId(p.designatedBridge, rp.designatedBridge);
    if (b !== 0) return b < 0;
    if (p.designatedPort !== rp.designatedPort) return p.designatedPort < rp.designatedPort;
    return p.portId < rp.portId;
  }

  /** br_root_selection; a change of root, root port or cost is reported. */
  private rootSelection(): void {
    let root: BridgePort | null = null;
    for (const p of this.br.ports) if (this.shouldBecomeRootPort(p, root)) root = p;
    const before = { port: this.rootPort, root: this.designatedRoot, cost: this.rootPathCost };
    this.rootPort = root;
    if (root === null) {
      this.designatedRoot = this.bridgeId;
      this.rootPathCost = 0;
    } else {
      this.designatedRoot = root.designatedRoot;
      this.rootPathCost = root.designatedCost + root.pathCost;
    }
    if (before.port === root && sameBridgeId(before.root, this.designatedRoot) && before.cost === this.rootPathCost) return;
    const where = root === null ? "this bridge is root" : `root port ${root.portNo}(${root.name})`;
    this.note(`root ${bridgeIdToString(this.designatedRoot)} cost ${this.rootPathCost}, ${where}`);
  }

  /** br_should_become_designated_port. */
  private shouldBecomeDesignatedPort(p: BridgePort): boolean {
    if (this.isDesignatedPort(p)) return true;
    if (!sameBridgeId(p.designatedRoot, this.designatedRoot)) return true;
    if (this.rootPathCost !== p.designatedCost) return this.rootPathCost < p.designatedCost;
    const t = compareBridgeId(this.bridgeId, p.designatedBridge);
    if (t !== 0) return t < 0;
    return p.portId < p.designatedPort;
  }

  /** br_designated_port_selection. */
  private designatedPortSelection(): void {
    for (const p of this.br.ports) {
      if (p.state !== "disabled" && this.shouldBecomeDesignatedPort(p)) this.becomeDesignatedPort(p);
    }
  }

  /** br_supersedes_port_info: is the BPDU better than what the port holds? */
  private supersedesPortInfo(p: BridgePort, bpdu: ConfigBpdu): boolean {
    const t = compareBridgeId(bpdu.root, p.designatedRoot);
    if (t !== 0) return t < 0;
    if (bpdu.rootPathCost !== p.designatedCost) return bpdu.rootPathCost < p.designatedCost;
    const b = compareBridgeId(bpdu.bridge, p.designatedBridge);
    if (b !== 0) return b < 0;
    if (!sameBridgeId(bpdu.bridge, this.bridgeId)) return true;
    return bpdu.portId <= p.designatedPort;
  }

  /** br_record_config_information: remember the designated bridge's view and start aging it. */
  private recordConfigInformation(p: BridgePort, bpdu: ConfigBpdu): void {
    p.designatedRoot = bpdu.root;
    p.designatedCost = bpdu.rootPathCost;
    p.designatedBridge = bpdu.bridge;
    p.designatedPort = bpdu.portId;
    const sim = this.br.sim;
    p.messageAgeExpires = sim.now + Math.max(0, this.maxAge - bpdu.messageAge);
    p.messageAgeTimer?.cancel();
    p.messageAgeTimer = sim.at(p.messageAgeExpires, () => this.messageAgeTimerExpired(p));
  }

  /** br_record_config_timeout_values: the root's timers and topology change flag rule. */
  private recordConfigTimeoutValues(bpdu: ConfigBpdu): void {
    this.maxAge = bpdu.maxAge;
    this.helloTime = bpdu.helloTime;
    this.setForwardDelay(bpdu.forwardDelay);
    this.setTopologyChange(bpdu.topologyChange);
  }

  /** br_topology_change_acknowledged. */
  private topologyChangeAcknowledged(): void {
    this.topologyChangeDetected = false;
    this.tcnTimer?.cancel();
  }
}
