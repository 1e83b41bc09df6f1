// The listings of bridge-utils 1.4's brctl (brctl/brctl_cmd.c br_cmd_show, br_cmd_showmacs;
// brctl/brctl_disp.c br_dump_info) over the simulated Linux bridge. Bridges and ports come in
// alphasort order, as libbridge reads them with scandir(3) from /sys/class/net and
// /sys/class/net/BR/brif; a bridge id prints as `8000.0016…`; times go through the kernel's
// clock_t (1/100 s, jiffies_to_clock_t truncating at HZ=250) and br_show_timer's `%4i.%.2i`.
//
// The kernel's bridge timers that netsim keeps private (the STP hello, TCN and topology-change
// timers, the FDB garbage collector) are read through a narrow view below: showstp must print
// them, and the classes have no accessor for their remaining time.
import type { EventHandle } from "../../netsim/engine/sim.ts";
import { Bridge, type BridgePort } from "../../netsim/l2/index.ts";
import { macToString } from "../../netsim/wire/address.ts";
import type { BridgeId } from "../../netsim/wire/stp.ts";
import type { HostNode } from "./host.ts";
import type { Io } from "./io.ts";

/** Microseconds in one jiffy at HZ=250. */
const JIFFY = 4000;

/** jiffies_to_clock_t of a duration in µs (truncating to jiffies, then to 1/100 s). */
export function clockTicks(us: number): number {
  return Math.floor((Math.max(0, Math.floor(us / JIFFY)) * 2) / 5);
}

/** br_show_timer: `%4i.%.2i` of a clock_t value. */
export function showTimer(us: number): string {
  const cs = clockTicks(us);
  return `${String(Math.floor(cs / 100)).padStart(4)}.${String(cs % 100).padStart(2, "0")}`;
}

/** br_timer_value: the time left on a pending kernel timer, 0 otherwise. */
function timerLeft(handle: EventHandle | null | undefined, now: number): number {
  if (handle === null || handle === undefined || !handle.pending) return 0;
  return Math.max(0, Math.floor(handle.time / JIFFY) - Math.floor(now / JIFFY)) * JIFFY;
}

/** br_dump_bridge_id: priority then MAC, `8000.001122334455`. */
export function bridgeIdText(id: BridgeId): string {
  return `${id.priority.toString(16).padStart(4, "0")}.${macToString(id.mac).replaceAll(":", "")}`;
}

/** Byte-wise strcmp order, as alphasort in the C locale. */
export function alphasort(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The bridges of the node, alphasorted. */
export function bridgesOf(host: HostNode): Bridge[] {
  return host.devices().filter((d): d is Bridge => d instanceof Bridge).sort((a, b) => alphasort(a.name, b.name));
}

/** The ports of a bridge, alphasorted. */
function portsOf(br: Bridge): BridgePort[] {
  return [...br.ports].sort((a, b) => alphasort(a.name, b.name));
}

/** br_cmd_show (1.4): the header always, then a line per bridge with continuation lines for more ports. */
export function brctlShow(host: HostNode, io: Io): number {
  io.out("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n");
  for (const br of bridgesOf(host)) {
    io.out(`${br.name}\t\t${bridgeIdText(br.stp.bridgeId)}\t${br.stp.enabled ? "yes" : "no"}\t\t`);
    io.out(`${portsOf(br).map((p) => p.name).join("\n\t\t\t\t\t\t\t")}\n`);
  }
  return 0;
}

/** br_cmd_showmacs: the FDB sorted by MAC; a learned entry's age is the time since it was last seen. */
export function brctlShowMacs(br: Bridge, io: Io): number {
  io.out("port no\tmac addr\t\tis local?\tageing timer\n");
  const now = br.sim.now;
  for (const row of br.showMacs()) {
    const age = row.isLocal ? 0 : (Math.floor(now / JIFFY) - Math.floor((now - row.ageingTimer) / JIFFY)) * JIFFY;
    io.out(`${String(row.portNo).padStart(3)}\t${macToString(row.mac)}\t${row.isLocal ? "yes" : "no"}\t\t${showTimer(age)}\n`);
  }
  return 0;
}

/** The private timers showstp prints (see the file header). */
interface HiddenTimers {
  readonly helloTimer?: EventHandle | null;
  readonly tcnTimer?: EventHandle | null;
  readonly topologyChangeTimer?: EventHandle | null;
}

/** br_dump_info: the bridge's STP state, then each port's. */
export function brctlShowStp(br: Bridge, io: Io): number {
  const stp = br.stp;
  const now = br.sim.now;
  const hidden = stp as unknown as HiddenTimers;
  const gc = (br.fdb as unknown as { readonly gc?: EventHandle | null }).gc;
  const flags = `${stp.topologyChange ? "TOPOLOGY_CHANGE " : ""}${stp.topologyChangeDetected ? "TOPOLOGY_CHANGE_DETECTED " : ""}`;
  io.out(
    `${br.name}\n` +
      ` bridge id\t\t${bridgeIdText(stp.bridgeId)}\n` +
      ` designated root\t${bridgeIdText(stp.designatedRoot)}\n` +
      ` root port\t\t${String(stp.rootPort?.portNo ?? 0).padStart(4)}\t\t\tpath cost\t\t${String(stp.rootPathCost).padStart(4)}\n` +
      ` max age\t\t${showTimer(stp.maxAge)}\t\t\tbridge max age\t\t${showTimer(stp.bridgeMaxAge)}\n` +
      ` hello time\t\t${showTimer(stp.helloTime)}\t\t\tbridge hello time\t${showTimer(stp.bridgeHelloTime)}\n` +
      ` forward delay\t\t${showTimer(stp.forwardDelay)}\t\t\tbridge forward delay\t${showTimer(stp.bridgeForwardDelay)}\n` +
      ` ageing time\t\t${showTimer(br.ageingTime)}\n` +
      ` hello timer\t\t${showTimer(timerLeft(hidden.helloTimer, now))}\t\t\ttcn timer\t\t${showTimer(timerLeft(hidden.tcnTimer, now))}\n` +
      ` topology change timer\t${showTimer(timerLeft(hidden.topologyChangeTimer, now))}\t\t\tgc timer\t\t${showTimer(timerLeft(gc, now))}\n` +
      ` flags\t\t\t${flags}\n\n\n`,
  );
  for (const p of portsOf(br)) io.out(portInfo(p, now));
  return 0;
}

/** dump_port_info. */
function portInfo(p: BridgePort, now: number): string {
  const hex4 = (n: number) => n.toString(16).padStart(4, "0");
  const flags = `${p.configPending ? "CONFIG_PENDING " : ""}${p.topologyChangeAck ? "TOPOLOGY_CHANGE_ACK " : ""}`;
  return (
    `${p.name} (${p.portNo})\n` +
    ` port id\t\t${hex4(p.portId)}\t\t\tstate\t\t${p.state.padStart(15)}\n` +
    ` designated root\t${bridgeIdText(p.designatedRoot)}\tpath cost\t\t${String(p.pathCost).padStart(4)}\n` +
    ` designated bridge\t${bridgeIdText(p.designatedBridge)}\tmessage age timer\t${showTimer(timerLeft(p.messageAgeTimer, now))}\n` +
    ` designated port\t${hex4(p.designatedPort)}\t\t\tforward delay timer\t${showTimer(timerLeft(p.forwardDelayTimer, now))}\n` +
    ` designated cost\t${String(p.designatedCost).padStart(4)}\t\t\thold timer\t\t${showTimer(timerLeft(p.holdTimer, now))}\n` +
    ` flags\t\t\t${flags}\n\n`
  );
}
