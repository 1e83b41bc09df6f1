// Shared pieces of the bridge tests: raw Ethernet frames, hosts on veth pairs into a bridge, and
// trace recording as golden text.
import type { Sim } from "../../../../netsim/engine/sim.ts";
import type { TraceEvent } from "../../../../netsim/engine/trace.ts";
import { formatTraceEvent } from "../../../../netsim/engine/trace-format.ts";
import type { FrameSink, NetDev } from "../../../../netsim/l2/net-dev.ts";
import { Veth } from "../../../../netsim/l2/veth.ts";
import { writeMac } from "../../../../netsim/wire/address.ts";
import type { Mac } from "../../../../netsim/wire/address.ts";
import type { Bridge } from "../../../../netsim/l2/bridge/index.ts";

/** The local experimental EtherType (IEEE 802 "Local Experimental Ethertype 1") our test frames use. */
export const TEST_ETHERTYPE = 0x88b5;

/** A 60-byte Ethernet II frame carrying `id` in its first two payload bytes. */
export function testFrame(dst: Mac, src: Mac, id: number): Uint8Array {
  const frame = new Uint8Array(60);
  writeMac(frame, 0, dst);
  writeMac(frame, 6, src);
  frame[12] = TEST_ETHERTYPE >> 8;
  frame[13] = TEST_ETHERTYPE & 0xff;
  frame[14] = id >> 8;
  frame[15] = id & 0xff;
  return frame;
}

/** The id a test frame carries. */
export function frameId(frame: Uint8Array): number {
  return (frame[14]! << 8) | frame[15]!;
}

/** An upper layer that keeps what it receives. */
export class Inbox implements FrameSink {
  readonly frames: Uint8Array[] = [];
  receiveFrom(_dev: NetDev, frame: Uint8Array): void {
    this.frames.push(frame);
  }
  /** Ids of the test frames received. */
  ids(): number[] {
    return this.frames.filter((f) => ((f[12]! << 8) | f[13]!) === TEST_ETHERTYPE).map(frameId);
  }
}

/** A host: its `eth0` (one end of a veth pair) and what reached it. */
export interface Host {
  readonly name: string;
  readonly eth0: Veth;
  readonly inbox: Inbox;
  readonly port: Veth;
  send(dst: Mac, id: number): void;
}

/**
 * A host `name` with MAC `mac`, cabled by a veth pair to a new port device `portName` of `bridge`.
 * Everything is brought up at once, as `ifup` does.
 */
export function attachHost(sim: Sim, bridge: Bridge, name: string, mac: Mac, portName: string, portMac: Mac): Host {
  const [eth0, port] = Veth.pair(sim, { node: name, name: "eth0", mac }, { node: bridge.node, name: portName, mac: portMac });
  const inbox = new Inbox();
  eth0.attach(inbox);
  // Promiscuous like a capture: the inbox shows everything the bridge sent out of the port.
  eth0.promiscuous = true;
  const added = bridge.addPort(port);
  if (!added.ok) throw new Error(added.message);
  eth0.setUp(true);
  port.setUp(true);
  return { name, eth0, inbox, port, send: (dst, id) => void eth0.transmit(testFrame(dst, mac, id)) };
}

/** Joins two bridges with a veth pair whose ends become ports of each. */
export function link(sim: Sim, a: Bridge, aPort: string, aMac: Mac, b: Bridge, bPort: string, bMac: Mac): [Veth, Veth] {
  const [x, y] = Veth.pair(sim, { node: a.node, name: aPort, mac: aMac }, { node: b.node, name: bPort, mac: bMac });
  for (const [bridge, dev] of [[a, x], [b, y]] as const) {
    const added = bridge.addPort(dev);
    if (!added.ok) throw new Error(added.message);
  }
  x.setUp(true);
  y.setUp(true);
  return [x, y];
}

/** Records every trace event from now on. */
export function record(sim: Sim): TraceEvent[] {
  const events: TraceEvent[] = [];
  sim.trace.subscribe((e) => events.push(e));
  return events;
}

/** The events as golden text: one formatted line each, newline-terminated. */
export function traceText(events: readonly TraceEvent[]): string {
  return events.map((e) => `${formatTraceEvent(e)}\n`).join("");
}
