// What both DHCP clients share: a packet socket on the interface (they listen before they have an
// address, and read every reply from it: dhclient's LPF, udhcpc's raw mode), a UDP socket on port
// 68 for unicast renewals, one pending timer, the state with its history, the lease applied to the
// stack, and trace events. The flavours (udhcpc.ts, dhclient.ts) supply `begin` and `process`.
//
// Giving the lease back (udhcpc's perform_release, dhclient's do_release): the RELEASE is handed to
// the kernel, which may first have to resolve the server's MAC (the client heard the server on its
// packet socket, so the ARP cache need not know it), then the client runs its script (deconfig,
// dhclient-script RELEASE), which takes the address away a few ms later — by then the ARP reply is
// normally back and the RELEASE out. A server that does not answer ARP in that time never gets it:
// removing the interface's last address flushes its ARP cache, queue and all, as Linux does.
import type { EventHandle } from "../engine/sim.ts";
import type { RandomStream } from "../engine/random.ts";
import type { DhcpTraceEvent } from "../engine/trace.ts";
import type { Ipv4Stack } from "../l3/ipv4-stack.ts";
import type { PacketSocket } from "../l3/packet-sockets.ts";
import type { UdpSocket } from "../l3/udp-sockets.ts";
import type { Ipv4 } from "../wire/address.ts";
import { decodeFrame } from "../wire/decode.ts";
import { BootpOp, encodeDhcp, type DhcpRepr } from "../wire/dhcp.ts";
import { applyLease, broadcastFrame, removeLease, type ClientIdentity, type DhcpClientLease, type DhcpClientState, type DhcpClientStateName } from "./dhcp-client-io.ts";

/** How long the client's script takes before it unconfigures the interface (fork and exec of /bin/sh, the hooks, ifconfig), µs. */
export const SCRIPT_US = 8_000;

/** One entry of a client's state history. */
export interface StateChange {
  readonly time: number;
  readonly state: DhcpClientStateName;
}

/** The common machinery of a DHCP client bound to one interface. */
export abstract class DhcpClientBase {
  /** The current state. */
  state: DhcpClientState = { name: "INIT" };
  /** Every state entered, with when. */
  readonly history: StateChange[] = [];
  /** The lease applied to the interface, if any. */
  lease: DhcpClientLease | undefined;
  /** When `start` ran (µs), and when the first lease was bound. */
  startedAt: number | undefined;
  boundAt: number | undefined;
  /** 1 once udhcpc -n gave up (its exit status), else undefined. */
  exitCode: number | undefined;
  protected readonly rng: RandomStream;
  private timer: EventHandle | null = null;
  private readonly raw: PacketSocket;
  private udp: UdpSocket | null = null;
  /** While a release's script runs: whoever waits for the client to have stopped. */
  private exiting: (() => void)[] | null = null;

  constructor(
    readonly stack: Ipv4Stack,
    readonly dev: string,
    protected readonly id: ClientIdentity,
  ) {
    this.rng = stack.sim.rng(`dhcp-client:${stack.node}/${dev}`);
    const raw = stack.openPacketSocket(dev);
    if (typeof raw === "string") throw new Error(`DHCP client on ${stack.node}: no device ${dev}`);
    this.raw = raw;
  }

  /** Starts the client (ifup running udhcpc or dhclient). */
  start(): void {
    if (this.startedAt !== undefined) throw new Error("DHCP client already started");
    this.startedAt = this.now;
    this.raw.onFrame((f) => this.frame(f));
    this.begin();
  }

  /** How long the first lease took to obtain (µs), once bound. */
  get acquisitionTime(): number | undefined {
    return this.boundAt === undefined || this.startedAt === undefined ? undefined : this.boundAt - this.startedAt;
  }

  /**
   * Stops the client; with `release`, sends a RELEASE and, once its script has run (SCRIPT_US
   * later), unconfigures (udhcpc -R, dhclient -r). `done` runs when it has stopped; a client already
   * stopping finishes what it was doing.
   */
  stop(release = false, done?: () => void): void {
    if (this.exiting !== null) return void (done && this.exiting.push(done));
    this.cancel();
    this.raw.close();
    const lease = this.lease;
    this.exiting = done ? [done] : [];
    const end = (): void => {
      this.setState({ name: "STOPPED", why: release ? "released" : "closed" });
      this.kernelSocket(false);
      const waiting = this.exiting ?? [];
      this.exiting = null;
      for (const fn of waiting) fn();
    };
    if (!release || lease === undefined) return end();
    this.sendUnicast(this.releaseMessage(lease), lease.server, lease.address);
    this.timer = this.stack.sim.schedule(SCRIPT_US, () => {
      this.timer = null;
      this.unbind("released");
      end();
    });
  }

  protected abstract begin(): void;
  /** A reply for this client (xid and chaddr already matched). */
  protected abstract process(m: DhcpRepr): void;
  protected abstract releaseMessage(lease: DhcpClientLease): DhcpRepr;
  /** The transaction id replies must carry. */
  protected abstract get xid(): number;

  protected get now(): number {
    return this.stack.sim.now;
  }

  protected newXid(): number {
    return this.rng.int(0, 0xffffffff);
  }

  protected setState(s: DhcpClientState): void {
    const changed = s.name !== this.state.name;
    this.state = s;
    if (!changed) return;
    this.history.push({ time: this.now, state: s.name });
    this.trace("state", undefined, s.name);
  }

  /** Runs `fn` after `seconds` (replacing any pending timer). */
  protected wait(seconds: number, fn: () => void): void {
    this.cancel();
    this.timer = this.stack.sim.schedule(Math.max(0, seconds) * 1_000_000, () => {
      this.timer = null;
      fn();
    });
  }

  /** Runs `fn` at whole second `second` of virtual time (dhclient's add_timeout on time_t), or now if past. */
  protected waitUntil(second: number, fn: () => void): void {
    this.wait(Math.max(0, second * 1_000_000 - this.now) / 1_000_000, fn);
  }

  protected cancel(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  protected sendBroadcast(m: DhcpRepr, src: Ipv4 = 0): void {
    this.raw.send(broadcastFrame(this.id, m, src));
  }

  protected sendUnicast(m: DhcpRepr, server: Ipv4, from: Ipv4): void {
    const open = this.udp !== null;
    this.kernelSocket(true);
    this.udp?.send(encodeDhcp(m), { dst: server, port: 67, src: from });
    if (!open && this.id.flavour === "udhcpc" && this.state.name !== "RENEWING") this.kernelSocket(false);
  }

  /** Opens or closes the UDP socket bound to port 68 on the interface (udhcpc's LISTEN_KERNEL, dhclient's fallback). */
  protected kernelSocket(open: boolean): void {
    if (!open) {
      this.udp?.close();
      this.udp = null;
      return;
    }
    if (this.udp !== null) return;
    const s = this.stack.openUdp();
    s.boundDev = this.dev;
    s.reuseAddr = true;
    s.broadcast = true;
    if (s.bind(0, 68) !== undefined) return s.close();
    this.udp = s;
  }

  /** Applies a lease to the interface (the script's bound/renew). */
  protected bind(lease: DhcpClientLease, event: "bound" | "renewed"): void {
    applyLease(this.stack, this.dev, lease, this.lease);
    this.lease = lease;
    this.boundAt ??= this.now;
    this.trace(event, lease.address);
  }

  /** Removes the lease from the interface (deconfig, expiry, release). */
  protected unbind(event: "expired" | "released"): void {
    const lease = this.lease;
    if (lease === undefined) return;
    removeLease(this.stack, this.dev, lease);
    this.lease = undefined;
    this.trace(event, lease.address);
  }

  private frame(f: Uint8Array): void {
    // The socket filter both clients install (UDP to port 68), plus op = BOOTREPLY and our xid:
    // every other broadcast on the LAN (others' DISCOVERs, ARP) is refused before decoding.
    if (f.length < 14 + 20 + 8 + 240 || f[12] !== 0x08 || f[13] !== 0x00 || f[23] !== 17) return;
    const at = 14 + (f[14]! & 0x0f) * 4;
    if (f.length < at + 8 + 240 || f[at + 2] !== 0 || f[at + 3] !== 68 || f[at + 8] !== BootpOp.Reply) return;
    if (((f[at + 12]! << 24) | (f[at + 13]! << 16) | (f[at + 14]! << 8) | f[at + 15]!) >>> 0 !== this.xid) return;
    const d = decodeFrame(f);
    if (!d.ok) return;
    const { udp, dhcp } = d.value;
    if (udp === undefined || dhcp === undefined || udp.dstPort !== 68) return;
    if (dhcp.op !== BootpOp.Reply || dhcp.xid !== this.xid || dhcp.chaddr !== this.id.mac || dhcp.messageType === undefined) return;
    this.process(dhcp);
  }

  protected trace(event: DhcpTraceEvent, ip?: Ipv4, detail?: string): void {
    const sim = this.stack.sim;
    if (!sim.trace.on) return;
    sim.trace.emit({
      kind: "dhcp",
      time: sim.now,
      node: this.stack.node,
      dev: this.dev,
      role: "client",
      event,
      mac: this.id.mac,
      ...(ip !== undefined ? { ip } : {}),
      ...(detail !== undefined ? { detail } : {}),
    });
  }
}
