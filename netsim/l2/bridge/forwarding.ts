// The bridge's data path, after Linux 2.6.32 net/bridge/br_input.c (br_handle_frame,
// br_handle_frame_finish), br_forward.c (br_forward, br_flood) and br_device.c (br_dev_xmit).
//
// Ingress on a port: a multicast or zero source is dropped; 01:80:c2:00:00:0X frames are never
// forwarded (BPDUs go to STP; with STP off a frame to 01:80:c2:00:00:00 is bridged like data); a
// port that is not learning or forwarding drops; the source is learned; a learning port drops; then
// multicast and broadcast go up and are flooded, frames for a local address (the bridge's MAC, a
// port's MAC) go up only, known unicast goes to its port (dropped if that is the ingress port) and
// unknown unicast is flooded. What dom0's stack sends on the bridge device is flooded or sent to the
// learned port, without learning. Flooding goes to every other forwarding port in insertion order
// (2.6.32 walks its port list newest first; only the order of simultaneous copies differs). A frame
// is forwarded as the same Uint8Array, never copied. Every drop is traced with its reason, on the
// device the frame came in on (the bridge device for frames from dom0's stack).
//
// With a netfilter hook set (br-netfilter.ts), frames forwarded or flooded from a port go through
// iptables first, per output port; frames dom0's stack sends do not.
//
// 2.6.32 has no FDB entry for a MAC set by hand on the bridge that is no port's, so frames to it
// were flooded and never delivered; here they are delivered up, as later kernels do.
import type { DropReason } from "../../engine/trace.ts";
import { BROADCAST_MAC, readMac } from "../../wire/address.ts";
import { BaseDev } from "../net-dev.ts";
import { checkedIpv4Length, frameWith, ipv4Offset, type BridgeNetfilterHook } from "./br-netfilter.ts";
import { Fdb } from "./fdb.ts";
import type { BridgePort, PortState } from "./port.ts";
import type { Stp } from "./stp.ts";
import { StormGuard } from "./storm.ts";

/** What a bridge does with frames; the control plane (ports, settings) is in bridge.ts. */
export abstract class BridgeDataPath extends BaseDev {
  readonly kind = "bridge";
  /** Ports in the order they were added. */
  readonly ports: BridgePort[] = [];
  readonly fdb: Fdb = new Fdb(this);
  /** The storm bound (see storm.ts). */
  readonly storm: StormGuard = new StormGuard(this);
  abstract readonly stp: Stp;
  private nf: BridgeNetfilterHook | null = null;

  /** Bridge netfilter: the node's iptables for bridged IPv4 frames; null (the default) bridges without it. */
  setNetfilterHook(hook: BridgeNetfilterHook | null): void {
    this.nf = hook;
  }

  /** The netfilter hook set, if any. */
  get netfilterHook(): BridgeNetfilterHook | null {
    return this.nf;
  }

  /** The rx_handler (br_handle_frame and br_handle_frame_finish): a frame arrived on `port`. */
  handleFrame(port: BridgePort, frame: Uint8Array): void {
    if ((frame[6]! & 1) !== 0 || isZeroMac(frame, 6)) return this.drop(port, frame, "invalid-source");
    if (frame[0] === 0x01 && frame[1] === 0x80 && frame[2] === 0xc2 && frame[3] === 0 && frame[4] === 0 && (frame[5]! & 0xf0) === 0) {
      if (this.handleLinkLocal(port, frame)) return;
    }
    const state = port.state;
    if (state === "forwarding") {
      this.fdb.learn(port, readMac(frame, 6));
      this.route(port, frame);
    } else if (state === "learning") {
      this.fdb.learn(port, readMac(frame, 6));
      this.drop(port, frame, "port-learning");
    } else {
      this.drop(port, frame, state === "disabled" ? "port-disabled" : "port-blocking");
    }
  }

  /** br_dev_xmit: dom0's stack sends through the bridge. */
  protected sendToMedium(frame: Uint8Array): boolean {
    if ((frame[0]! & 1) !== 0) {
      this.flood(null, frame, isBroadcast(frame) ? "broadcast" : "multicast");
      return true;
    }
    const entry = this.fdb.lookup(readMac(frame, 0));
    if (entry !== undefined) this.forward(null, entry.port, frame);
    else this.flood(null, frame, "unknown-unicast");
    return true;
  }

  /** 01:80:c2:00:00:0X on a port; true when consumed (everything but a BPDU-address frame with STP off). */
  private handleLinkLocal(port: BridgePort, frame: Uint8Array): boolean {
    if (frame[12] === 0x88 && frame[13] === 0x08) {
      this.drop(port, frame, "link-local", "pause frame");
      return true;
    }
    if (!this.stp.enabled && frame[5] === 0) return false;
    this.fdb.learn(port, readMac(frame, 6));
    if (frame[5] !== 0) {
      this.drop(port, frame, "link-local");
      return true;
    }
    const refused = this.stp.receiveBpduFrame(port, frame);
    if (refused !== undefined) this.drop(port, frame, "malformed", refused);
    return true;
  }

  /** br_handle_frame_finish after learning: up, out, or both. */
  private route(inPort: BridgePort, frame: Uint8Array): void {
    if ((frame[0]! & 1) !== 0) {
      this.deliverUp(inPort, frame);
      this.flood(inPort, frame, isBroadcast(frame) ? "broadcast" : "multicast");
      return;
    }
    const dst = readMac(frame, 0);
    if (dst === this.mac) return this.deliverUp(inPort, frame);
    const entry = this.fdb.lookup(dst);
    if (entry !== undefined && entry.isLocal) return this.deliverUp(inPort, frame);
    if (this.promiscuous) this.deliverUp(inPort, frame);
    if (entry !== undefined) this.forward(inPort, entry.port, frame);
    else this.flood(inPort, frame, "unknown-unicast");
  }

  /** br_pass_frame_up: the frame enters dom0's stack through the bridge device. */
  private deliverUp(inPort: BridgePort, frame: Uint8Array): void {
    const sim = this.sim;
    if (sim.trace.on) sim.trace.emit({ kind: "local", time: sim.now, node: this.node, bridge: this.name, inPort: inPort.name, frame });
    this.receive(frame);
  }

  /** br_forward / br_deliver: to one port, if it forwards and is not where the frame came from. */
  private forward(inPort: BridgePort | null, to: BridgePort, frame: Uint8Array): void {
    if (to === inPort) return this.drop(inPort, frame, "same-port");
    if (to.state !== "forwarding") return this.drop(inPort, frame, stateDrop(to.state), `to ${to.name}`);
    if (!this.storm.admit()) return this.drop(inPort, frame, "storm");
    const sim = this.sim;
    if (sim.trace.on) {
      sim.trace.emit({ kind: "forward", time: sim.now, node: this.node, bridge: this.name, inPort: inPort?.name ?? this.name, outPort: to.name, frame });
    }
    if (this.nf !== null && inPort !== null) return this.netfilter(this.nf, inPort, [to], frame);
    to.dev.transmit(frame);
  }

  /** br_flood_forward / br_flood_deliver: to every other forwarding port. */
  private flood(inPort: BridgePort | null, frame: Uint8Array, why: "broadcast" | "multicast" | "unknown-unicast"): void {
    if (!this.storm.admit()) return this.drop(inPort, frame, "storm");
    const ports = this.ports;
    const sim = this.sim;
    if (sim.trace.on) {
      const outPorts = ports.filter((p) => p !== inPort && p.state === "forwarding").map((p) => p.name);
      sim.trace.emit({ kind: "flood", time: sim.now, node: this.node, bridge: this.name, inPort: inPort?.name ?? this.name, outPorts, why, frame });
    }
    if (this.nf !== null && inPort !== null) return this.netfilter(this.nf, inPort, ports.filter((p) => p !== inPort && p.state === "forwarding"), frame);
    for (let i = 0; i < ports.length; i++) {
      const p = ports[i]!;
      if (p !== inPort && p.state === "forwarding") p.dev.transmit(frame);
    }
  }

  /**
   * br_nf_pre_routing, then br_nf_forward_ip and br_nf_post_routing for each output port (see
   * br-netfilter.ts). The copies share one sk_buff state, so conntrack finds at FORWARD what
   * PREROUTING made; an untouched packet leaves as the same frame.
   */
  private netfilter(nf: BridgeNetfilterHook, inPort: BridgePort, outs: readonly BridgePort[], frame: Uint8Array): void {
    const off = nf.settings.callIptables ? ipv4Offset(frame, nf.settings) : -1;
    const total = off < 0 ? 0 : checkedIpv4Length(frame, off);
    if (total < 0) return this.drop(inPort, frame, "malformed", "br_netfilter: bad IPv4 header");
    if (off < 0 || !nf.active()) {
      for (let i = 0; i < outs.length; i++) outs[i]!.dev.transmit(frame);
      return;
    }
    const skb = {};
    const pre = nf.run("PREROUTING", frame.subarray(off, off + total), { bridge: this.name, physIn: inPort.name, skb, shared: false });
    if (pre.action === "drop") return this.drop(inPort, frame, "filtered", `PREROUTING: ${pre.reason}`);
    let passed = 0;
    for (let i = 0; i < outs.length; i++) {
      const out = outs[i]!;
      const call = { bridge: this.name, physIn: inPort.name, physOut: out.name, skb, shared: passed > 0 || i < outs.length - 1 };
      const fwd = nf.run("FORWARD", pre.packet, call);
      const post = fwd.action === "drop" ? fwd : nf.run("POSTROUTING", fwd.packet, call);
      if (post.action === "drop") {
        this.drop(inPort, frame, "filtered", `${fwd.action === "drop" ? "FORWARD" : "POSTROUTING"}: ${post.reason} (to ${out.name})`);
        continue;
      }
      passed++;
      out.dev.transmit(frameWith(frame, off, post.packet));
    }
  }

  /** Traces a frame the bridge dropped, on the device it came in on. */
  protected drop(inPort: BridgePort | null, frame: Uint8Array, reason: DropReason, detail?: string): void {
    const sim = this.sim;
    if (!sim.trace.on) return;
    const base = { kind: "drop" as const, time: sim.now, node: this.node, dev: inPort?.name ?? this.name, reason, frame };
    sim.trace.emit(detail === undefined ? base : { ...base, detail });
  }
}

function stateDrop(state: PortState): DropReason {
  if (state === "learning") return "port-learning";
  return state === "disabled" ? "port-disabled" : "port-blocking";
}

function isZeroMac(frame: Uint8Array, offset: number): boolean {
  return (frame[offset]! | frame[offset + 1]! | frame[offset + 2]! | frame[offset + 3]! | frame[offset + 4]! | frame[offset + 5]!) === 0;
}

function isBroadcast(frame: Uint8Array): boolean {
  return readMac(frame, 0) === BROADCAST_MAC;
}
