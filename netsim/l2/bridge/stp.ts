// Spanning tree control and timers, after Linux net/bridge/br_stp_if.c and br_stp_timer.c (2.6.32):
// turning STP on and off (`brctl stp`, `bridge_stp`), the bridge and its ports going up and down,
// bridge id changes (priority, MAC), port priority and path cost, and the hello, message age, TCN,
// topology change and hold timers. BPDUs arriving on a port are parsed with wire/stp.ts and handed to
// the algorithm in stp-core.ts (br_stp_rcv).
//
// Differences from 2.6.32 that change nothing a frame or a BPDU shows: the hello timer runs only
// while STP is on (2.6.32 also runs it with STP off, to send nothing), so an idle STP-off bridge lets
// the simulation drain; turning STP on for a bridge already up starts it then.
import { macToString } from "../../wire/address.ts";
import type { Mac } from "../../wire/address.ts";
import { bridgeIdToString, parseBpduFrame, sameBridgeId } from "../../wire/stp.ts";
import { roundJiffies } from "./jiffies.ts";
import { makePortId } from "./port.ts";
import type { BridgePort } from "./port.ts";
import { StpCore } from "./stp-core.ts";

/** 802.1D on one bridge: the algorithm plus its control plane and timers. */
export class Stp extends StpCore {
  /** br_stp_enable_bridge: the bridge device came up. */
  enableBridge(): void {
    this.armHello(this.br.sim.now + this.helloTime);
    this.configBpduGeneration();
    for (const p of this.br.ports) if (p.dev.isUp && p.dev.hasCarrier) this.enablePort(p);
  }

  /** br_stp_disable_bridge: the bridge device went down. */
  disableBridge(): void {
    for (const p of this.br.ports) if (p.state !== "disabled") this.disablePort(p);
    this.setTopologyChange(false);
    this.topologyChangeDetected = false;
    for (const timer of [this.helloTimer, this.topologyChangeTimer, this.tcnTimer]) timer?.cancel();
    this.helloTimer = this.topologyChangeTimer = this.tcnTimer = null;
  }

  /** br_init_port + br_port_state_selection: a port came up. */
  enablePort(p: BridgePort): void {
    p.portId = makePortId(p.priority, p.portNo);
    this.becomeDesignatedPort(p);
    p.setState("blocking");
    p.topologyChangeAck = false;
    p.configPending = false;
    this.portStateSelection();
  }

  /** br_stp_disable_port: a port went down (or is being removed). */
  disablePort(p: BridgePort): void {
    const wasRoot = this.isRootBridge();
    this.becomeDesignatedPort(p);
    p.setState("disabled");
    p.topologyChangeAck = false;
    p.configPending = false;
    p.cancelTimers();
    this.br.fdb.deleteByPort(p, false, this.br.ports);
    this.configurationUpdate();
    this.portStateSelection();
    if (this.isRootBridge() && !wasRoot) this.becomeRootBridge();
  }

  /** br_stp_start (no /sbin/bridge-stp on the host, so the kernel runs STP) or br_stp_stop. */
  setEnabled(on: boolean): void {
    if (on === this.enabled) return;
    this.enabled = on;
    if (!on) {
      // br_stp_stop leaves every port in the state it is in: a blocked port stays blocked.
      this.helloTimer?.cancel();
      this.helloTimer = null;
      return;
    }
    this.note("starting userspace STP failed, starting kernel STP");
    if (this.br.isUp && this.isRootBridge()) this.armHello(roundJiffies(this.br.sim.now + this.helloTime, this.br.sim.now));
    this.portStateSelection();
  }

  /** br_stp_change_bridge_id: the bridge MAC changed. */
  changeBridgeId(mac: Mac): void {
    const wasRoot = this.isRootBridge();
    const old = this.bridgeId.mac;
    this.bridgeId = { priority: this.bridgeId.priority, mac };
    for (const p of this.br.ports) {
      if (p.designatedBridge.mac === old) p.designatedBridge = { priority: p.designatedBridge.priority, mac };
      if (p.designatedRoot.mac === old) p.designatedRoot = { priority: p.designatedRoot.priority, mac };
    }
    this.reselect(wasRoot);
  }

  /** br_stp_set_bridge_priority (`brctl setbridgeprio`, `bridge_bridgeprio`). */
  setBridgePriority(priority: number): void {
    const wasRoot = this.isRootBridge();
    for (const p of this.br.ports) {
      if (p.state !== "disabled" && this.isDesignatedPort(p)) p.designatedBridge = { priority, mac: p.designatedBridge.mac };
    }
    this.bridgeId = { priority, mac: this.bridgeId.mac };
    this.reselect(wasRoot);
  }

  /** br_stp_set_port_priority (`brctl setportprio`, `bridge_portprio`). */
  setPortPriority(p: BridgePort, priority: number): void {
    const id = makePortId(priority, p.portNo);
    if (this.isDesignatedPort(p)) p.designatedPort = id;
    p.portId = id;
    p.priority = priority;
    if (sameBridgeId(this.bridgeId, p.designatedBridge) && p.portId < p.designatedPort) {
      this.becomeDesignatedPort(p);
      this.portStateSelection();
    }
  }

  /** br_stp_set_path_cost (`brctl setpathcost`, `bridge_pathcost`). */
  setPathCost(p: BridgePort, cost: number): void {
    p.pathCost = cost;
    this.configurationUpdate();
    this.portStateSelection();
  }

  /** brctl setfd: the bridge's forward delay, in force at once when this bridge is root. */
  setBridgeForwardDelay(delay: number): void {
    this.bridgeForwardDelay = delay;
    if (this.isRootBridge()) this.setForwardDelay(delay);
  }

  /** brctl sethello. */
  setBridgeHelloTime(time: number): void {
    this.bridgeHelloTime = time;
    if (this.isRootBridge()) this.helloTime = time;
  }

  /** brctl setmaxage. */
  setBridgeMaxAge(time: number): void {
    this.bridgeMaxAge = time;
    if (this.isRootBridge()) this.maxAge = time;
  }

  /**
   * br_stp_rcv: a frame to the bridge group address 01:80:c2:00:00:00 arrived on a port of a bridge running STP. Returns a
   * reason when it was not a BPDU this bridge takes (the caller traces the drop).
   */
  receiveBpduFrame(p: BridgePort, frame: Uint8Array): string | undefined {
    const parsed = parseBpduFrame(frame);
    if (!parsed.ok) return parsed.error.message;
    if (!this.enabled || !this.br.isUp || p.state === "disabled") return undefined;
    const bpdu = parsed.value.bpdu;
    if (bpdu.type === "config") this.receivedConfigBpdu(p, bpdu);
    else this.receivedTcnBpdu(p);
    return undefined;
  }

  /** br_hello_timer_expired. */
  protected override helloTimerExpired(): void {
    this.helloTimer = null;
    if (!this.br.isUp) return;
    this.configBpduGeneration();
    const now = this.br.sim.now;
    this.armHello(roundJiffies(now + this.helloTime, now));
  }

  /** br_message_age_timer_expired: the designated bridge on this segment went silent. */
  protected override messageAgeTimerExpired(p: BridgePort): void {
    p.messageAgeTimer = null;
    if (p.state === "disabled") return;
    const id = p.designatedBridge;
    this.note(`neighbor ${bridgeIdToString(id).slice(0, 5)}${macToString(id.mac)} lost on port ${p.portNo}(${p.name})`);
    const wasRoot = this.isRootBridge();
    this.becomeDesignatedPort(p);
    this.reselect(wasRoot);
  }

  /** br_tcn_timer_expired: repeat the TCN until the root acknowledges it. */
  protected override tcnTimerExpired(): void {
    this.tcnTimer = null;
    if (!this.br.isUp) return;
    this.transmitTcn();
    this.armTcn();
  }

  /** br_topology_change_timer_expired. */
  protected override topologyChangeTimerExpired(): void {
    this.topologyChangeTimer = null;
    this.topologyChangeDetected = false;
    this.setTopologyChange(false);
  }

  /** br_hold_timer_expired: send the configuration BPDU deferred by the hold time. */
  protected override holdTimerExpired(p: BridgePort): void {
    p.holdTimer = null;
    if (p.configPending) this.transmitConfig(p);
  }

  /** The tail shared by id changes and neighbour loss: reselect, and take over as root if due. */
  private reselect(wasRoot: boolean): void {
    this.configurationUpdate();
    this.portStateSelection();
    if (this.isRootBridge() && !wasRoot) this.becomeRootBridge();
  }
}

