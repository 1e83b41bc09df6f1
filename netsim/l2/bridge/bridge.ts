// A Linux learning bridge (`brctl addbr br0`, Xen's `xenbr0`), after net/bridge in Linux 2.6.32.
// Like ns-3's BridgeNetDevice, the bridge is itself a device — `br0`, dom0's interface toward the
// bridged LAN — that owns its ports. This file is the control plane: br_if.c (adding and removing
// ports, the bridge MAC = the lowest port MAC unless set by hand, the MTU = the smallest port's),
// br_device.c (up/down), br_notify.c (a port's link changes) and br_ioctl.c (the brctl settings,
// which bridge-utils' `bridge_*` options in /etc/network/interfaces call). What happens to frames is
// in forwarding.ts, STP in stp.ts, the MAC table in fdb.ts.
import { SECOND } from "../../engine/sim.ts";
import type { Sim } from "../../engine/sim.ts";
import { isMulticastMac, readMac } from "../../wire/address.ts";
import type { Mac } from "../../wire/address.ts";
import type { FrameSink, NetDev } from "../net-dev.ts";
import type { ShowMacsRow } from "./fdb.ts";
import { BridgeDataPath } from "./forwarding.ts";
import { BridgePort, MAX_PORTS, MAX_PORT_PRIORITY, portCost } from "./port.ts";
import { Stp } from "./stp.ts";

/** Settings of a new bridge; times in µs. Defaults are Linux's. */
export interface BridgeOptions {
  /** A MAC set by hand (`ip link set br0 address`): kept instead of the lowest port MAC. */
  readonly mac?: Mac;
  /** `bridge_stp on` (default off). */
  readonly stp?: boolean;
  /** `bridge_ageing` (default 300 s). */
  readonly ageingTime?: number;
  /** `bridge_fd` (default 15 s). */
  readonly forwardDelay?: number;
  /** `bridge_hello` (default 2 s). */
  readonly helloTime?: number;
  /** `bridge_maxage` (default 20 s). */
  readonly maxAge?: number;
  /** `bridge_bridgeprio` (default 32768). */
  readonly priority?: number;
  /** Frames forwarded or flooded per virtual second before the storm bound drops (see storm.ts). */
  readonly stormBudget?: number;
  /**
   * Most ports the bridge takes (default 1023: port numbers have 10 bits, BR_MAX_PORTS). Raise it
   * only for scale experiments without STP: beyond 1023, port ids are no longer unique.
   */
  readonly maxPorts?: number;
}

/** Settings of a new port. */
export interface PortOptions {
  /** `bridge_pathcost` (default from the link speed, 100 when unknown). */
  readonly pathCost?: number;
  /** `bridge_portprio`, 0–63 (default 32). */
  readonly priority?: number;
  /** Link speed in Mbit/s for the default path cost (default: what the driver tells ethtool, see ethtoolSpeed). */
  readonly speedMbps?: number;
}

/** The errno a brctl operation fails with. */
export type BridgeErrno = "EBUSY" | "ELOOP" | "EINVAL" | "EXFULL" | "ERANGE" | "ENODEV";

/** Success (with a value), or the errno and a message like brctl's. */
export type BridgeResult<T = undefined> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errno: BridgeErrno; readonly message: string };

function failed(errno: BridgeErrno, message: string): BridgeResult<never> {
  return { ok: false, errno, message };
}
const done: BridgeResult = { ok: true, value: undefined };

/** A learning bridge with 802.1D STP; itself the bridge device (`br0`). */
export class Bridge extends BridgeDataPath {
  readonly stp: Stp = new Stp(this);
  /** `bridge_ageing` (µs). */
  private ageing = 300 * SECOND;
  /** `bridge_gcint` (µs): kept for `brctl showstp`; 2.6.32's collector runs on the next expiry instead. */
  gcInterval = 4 * SECOND;
  private macByHand = false;
  private readonly maxPorts: number;
  private readonly usedPortNos = new Set<number>();
  /** No port number below this one is free. */
  private lowestFreePortNo = 1;
  private readonly previousSinks = new Map<BridgePort, FrameSink | null>();

  constructor(sim: Sim, node: string, name: string, options: BridgeOptions = {}) {
    super(sim, node, name, randomEtherAddr(sim, `bridge-mac:${node}/${name}`));
    if (options.stormBudget !== undefined) this.storm.budget = options.stormBudget;
    this.maxPorts = options.maxPorts ?? MAX_PORTS - 1;
    this.setCarrier(true);
    if (options.mac !== undefined) this.setMac(options.mac);
    if (options.ageingTime !== undefined) this.setAgeingTime(options.ageingTime);
    if (options.forwardDelay !== undefined) this.setForwardDelay(options.forwardDelay);
    if (options.helloTime !== undefined) this.setHelloTime(options.helloTime);
    if (options.maxAge !== undefined) this.setMaxAge(options.maxAge);
    if (options.priority !== undefined) this.setBridgePriority(options.priority);
    if (options.stp) this.setStp(true);
  }

  /** `bridge_ageing` in µs. */
  get ageingTime(): number {
    return this.ageing;
  }

  /** The port a device is enslaved as, if it is one of ours. */
  portOf(dev: NetDev): BridgePort | undefined {
    return this.ports.find((p) => p.dev === dev);
  }

  /** `brctl addif`: enslaves `dev` (br_add_if). */
  addPort(dev: NetDev, options: PortOptions = {}): BridgeResult<BridgePort> {
    if (dev.kind === "bridge") return failed("ELOOP", `can't add ${dev.name} to bridge ${this.name}: Too many levels of symbolic links`);
    if (dev.kind === "loopback") return failed("EINVAL", `can't add ${dev.name} to bridge ${this.name}: Invalid argument`);
    if (dev.sink instanceof BridgePort) return failed("EBUSY", `device ${dev.name} is already a member of a bridge; can't enslave it to bridge ${this.name}.`);
    const portNo = this.freePortNo();
    if (portNo === undefined) return failed("EXFULL", `can't add ${dev.name} to bridge ${this.name}: Exchange full`);
    if (options.priority !== undefined && !(options.priority >= 0 && options.priority <= MAX_PORT_PRIORITY)) {
      return failed("ERANGE", `port priority ${options.priority} out of range 0-${MAX_PORT_PRIORITY}`);
    }
    const port = new BridgePort(this, dev, portNo, options.pathCost ?? portCost(options.speedMbps ?? ethtoolSpeed(dev)));
    this.stp.becomeDesignatedPort(port);
    if (options.priority !== undefined) this.stp.setPortPriority(port, options.priority);
    this.previousSinks.set(port, dev.sink);
    dev.promiscuous = true;
    dev.attach(port);
    this.fdb.insertLocal(port, dev.mac);
    this.ports.push(port);
    this.usePortNo(portNo, true);
    // br_stp_recalculate_bridge_id and br_min_mtu, incrementally: a new port can only lower them.
    const lowest = this.ports.length === 1 || dev.mac < this.stp.bridgeId.mac;
    if (!this.macByHand && lowest && dev.mac !== this.stp.bridgeId.mac) this.changeMac(dev.mac);
    this.mtu = this.ports.length === 1 ? dev.mtu : Math.min(this.mtu, dev.mtu);
    if (dev.isUp && dev.hasCarrier && this.isUp) this.stp.enablePort(port);
    return { ok: true, value: port };
  }

  /** `brctl delif`: releases `dev` (br_del_if / del_nbp). */
  removePort(dev: NetDev): BridgeResult {
    const port = this.portOf(dev);
    if (port === undefined) return failed("EINVAL", `device ${dev.name} is not a slave of ${this.name}`);
    dev.promiscuous = false;
    this.stp.disablePort(port);
    this.fdb.deleteByPort(port, true, this.ports);
    this.ports.splice(this.ports.indexOf(port), 1);
    this.usePortNo(port.portNo, false);
    dev.attach(this.previousSinks.get(port) ?? null);
    this.previousSinks.delete(port);
    port.detach();
    this.recalculateBridgeId();
    this.mtu = this.minPortMtu();
    return done;
  }

  /** `brctl stp br0 on|off`. */
  setStp(on: boolean): void {
    this.stp.setEnabled(on);
  }

  /** `brctl setageing` (µs); 0 disables learning. */
  setAgeingTime(time: number): BridgeResult {
    if (!(time >= 0)) return failed("EINVAL", `bad ageing time ${time}`);
    this.ageing = time;
    this.updateHoldTime();
    return done;
  }

  /** `brctl setfd` (µs). */
  setForwardDelay(time: number): BridgeResult {
    if (!(time >= 0)) return failed("EINVAL", `bad forward delay ${time}`);
    this.stp.setBridgeForwardDelay(time);
    return done;
  }

  /** `brctl sethello` (µs, at least 1 s). */
  setHelloTime(time: number): BridgeResult {
    if (!(time >= SECOND)) return failed("EINVAL", `set hello time failed: Invalid argument`);
    this.stp.setBridgeHelloTime(time);
    return done;
  }

  /** `brctl setmaxage` (µs). */
  setMaxAge(time: number): BridgeResult {
    if (!(time >= 0)) return failed("EINVAL", `bad max age ${time}`);
    this.stp.setBridgeMaxAge(time);
    return done;
  }

  /** `brctl setbridgeprio` (0–65535). */
  setBridgePriority(priority: number): BridgeResult {
    if (!(Number.isInteger(priority) && priority >= 0 && priority <= 0xffff)) return failed("EINVAL", `bad bridge priority ${priority}`);
    this.stp.setBridgePriority(priority);
    return done;
  }

  /** `brctl setpathcost` (1–65535). */
  setPathCost(dev: NetDev, cost: number): BridgeResult {
    const port = this.portOf(dev);
    if (port === undefined) return failed("ENODEV", `doesn't exist`);
    if (!(Number.isInteger(cost) && cost >= 0)) return failed("EINVAL", `bad path cost ${cost}`);
    this.stp.setPathCost(port, cost);
    return done;
  }

  /** `brctl setportprio` (0–63). */
  setPortPriority(dev: NetDev, priority: number): BridgeResult {
    const port = this.portOf(dev);
    if (port === undefined) return failed("ENODEV", `doesn't exist`);
    if (!(Number.isInteger(priority) && priority >= 0 && priority <= MAX_PORT_PRIORITY)) {
      return failed("ERANGE", `set port priority failed: Numerical result out of range`);
    }
    this.stp.setPortPriority(port, priority);
    return done;
  }

  /** `ip link set br0 address MAC` (br_set_mac_address): kept from now on. */
  setMac(mac: Mac): BridgeResult {
    if (mac === 0 || isMulticastMac(mac)) return failed("EINVAL", `invalid address`);
    this.macByHand = true;
    this.changeMac(mac);
    return done;
  }

  /** `brctl showmacs`. */
  showMacs(): ShowMacsRow[] {
    return this.fdb.showMacs();
  }

  /** `ip link set br0 up|down`: br_dev_open / br_dev_stop start and stop STP and ageing. */
  override setUp(up: boolean): void {
    if (up === this.isUp) return;
    super.setUp(up);
    if (up) {
      this.stp.enableBridge();
      this.fdb.start();
    } else {
      this.stp.disableBridge();
      this.fdb.stop();
    }
  }

  /** For ports: the device went up or down or changed carrier (br_device_event). */
  portLinkChanged(port: BridgePort): void {
    if (!this.isUp) return;
    const dev = port.dev;
    if (dev.isUp && dev.hasCarrier) {
      if (port.state === "disabled") this.stp.enablePort(port);
    } else if (port.state !== "disabled") {
      this.stp.disablePort(port);
    }
  }

  /** For STP and settings: the FDB ages after the forward delay during a topology change. */
  updateHoldTime(): void {
    this.fdb.setHoldTime(this.stp.topologyChange ? this.stp.forwardDelay : this.ageing);
  }

  /** br_stp_recalculate_bridge_id: the lowest port MAC, unless the MAC was set by hand. */
  private recalculateBridgeId(): void {
    if (this.macByHand) return;
    let lowest = 0;
    for (const p of this.ports) if (lowest === 0 || p.dev.mac < lowest) lowest = p.dev.mac;
    if (lowest !== this.stp.bridgeId.mac) this.changeMac(lowest);
  }

  private changeMac(mac: Mac): void {
    this.mac = mac;
    this.stp.changeBridgeId(mac);
  }

  /** find_portno: the lowest free port number. */
  private freePortNo(): number | undefined {
    for (let n = this.lowestFreePortNo; n <= this.maxPorts; n++) if (!this.usedPortNos.has(n)) return n;
    return undefined;
  }

  private usePortNo(portNo: number, used: boolean): void {
    if (used) {
      this.usedPortNos.add(portNo);
      if (portNo === this.lowestFreePortNo) this.lowestFreePortNo++;
    } else {
      this.usedPortNos.delete(portNo);
      this.lowestFreePortNo = Math.min(this.lowestFreePortNo, portNo);
    }
  }

  /** br_min_mtu: the bridge carries what its smallest port carries (1500 with no port). */
  private minPortMtu(): number {
    return this.ports.length === 0 ? 1500 : Math.min(...this.ports.map((p) => p.dev.mtu));
  }
}

/**
 * The speed the device's driver reports to ethtool, which port_cost() reads: veth says 10 Gbit/s
 * (veth_get_settings); netback and the others answer nothing, so the cost falls back to 100. A
 * physical NIC's speed depends on its link: pass it as `speedMbps`.
 */
function ethtoolSpeed(dev: NetDev): number | undefined {
  return dev.kind === "veth" ? 10_000 : undefined;
}

/** random_ether_addr: a random unicast, locally administered MAC from the named seeded stream. */
function randomEtherAddr(sim: Sim, stream: string): Mac {
  const bytes = sim.rng(stream).bytes(6);
  bytes[0] = (bytes[0]! & 0xfe) | 0x02;
  return readMac(bytes, 0);
}
