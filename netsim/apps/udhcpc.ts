// busybox udhcpc's state machine (networking/udhcp/dhcpc.c, 1.17–1.2x main loop), as ifupdown
// runs it for `iface eth0 inet dhcp` (`udhcpc -n -p PIDFILE -i eth0`): up to 3 DISCOVERs 3 s apart
// with one xid, then fail (-n), go to the background (-b) or wait 20 s and start over; an OFFER
// is answered at once by a broadcast REQUEST (3 tries, 3 s apart); an ACK binds for lease/2, then
// unicast renewals halve the wait while it is above 60 s, then broadcast ones halve it to zero,
// and the lease is lost. A NAK: deconfigure, sleep 3 s, start over. Replies are read raw before
// the lease and while rebinding, through a UDP socket while renewing, not at all while bound.
import type { Ipv4 } from "../wire/address.ts";
import { DhcpMessageType as T, type DhcpRepr } from "../wire/dhcp.ts";
import { DhcpClientBase } from "./dhcp-client-base.ts";
import { clientMessage, leaseFromAck, type ClientIdentity, type DhcpClientLease } from "./dhcp-client-io.ts";
import { UDHCPC_DEFAULTS, udhcpcLeaseSeconds } from "./dhcp-client-timers.ts";
import type { Ipv4Stack } from "../l3/ipv4-stack.ts";

/** udhcpc's command-line settings. */
export interface UdhcpcSettings {
  /** -t */
  readonly retries: number;
  /** -T, seconds */
  readonly timeout: number;
  /** -A, seconds */
  readonly tryAgain: number;
  /** -n: exit (status 1) when no lease; -b: go to the background and keep trying; neither: keep trying. */
  readonly onFailure: "exit" | "background" | "retry";
  /** -r */
  readonly requestedIp?: Ipv4;
}

/** A busybox udhcpc process on one interface. */
export class UdhcpcClient extends DhcpClientBase {
  private packetNum = 0;
  /** The select() timeout in seconds, halved while renewing and rebinding. */
  private timeout = 0;
  private currentXid = 0;
  private server: Ipv4 = 0;
  private requested: Ipv4;
  private firstSecs: number | null = null;
  private failMode: UdhcpcSettings["onFailure"];
  /** True once -b sent it to the background. */
  backgrounded = false;

  constructor(
    stack: Ipv4Stack,
    dev: string,
    id: ClientIdentity,
    private readonly settings: UdhcpcSettings = { ...UDHCPC_DEFAULTS, onFailure: "exit" },
  ) {
    super(stack, dev, id);
    this.requested = settings.requestedIp ?? 0;
    this.failMode = settings.onFailure;
  }

  protected get xid(): number {
    return this.currentXid;
  }

  protected begin(): void {
    this.setState({ name: "SELECTING", xid: 0 });
    this.loop();
  }

  /** init_packet's secs: whole seconds since the first packet of this exchange. */
  private secs(): number {
    const now = Math.floor(this.now / 1_000_000);
    this.firstSecs ??= now;
    return now - this.firstSecs;
  }

  private message(type: number, extra: { ciaddr?: Ipv4; requested?: Ipv4; server?: Ipv4 }): DhcpRepr {
    return clientMessage(this.id, { type, xid: this.currentXid, secs: this.secs(), ...extra });
  }

  /** The body of the main loop after select() timed out. */
  private loop(): void {
    const s = this.state;
    switch (s.name) {
      case "SELECTING":
        if (this.packetNum < this.settings.retries) {
          if (this.packetNum === 0) this.currentXid = this.newXid();
          this.setState({ name: "SELECTING", xid: this.currentXid });
          this.sendBroadcast(this.message(T.Discover, this.requested !== 0 ? { requested: this.requested } : {}));
          this.packetNum++;
          return this.wait(this.settings.timeout, () => this.loop());
        }
        return this.leaseFail();
      case "REQUESTING":
        if (this.packetNum < this.settings.retries) {
          this.sendBroadcast(this.message(T.Request, { requested: this.requested, server: this.server }));
          this.packetNum++;
          return this.wait(this.settings.timeout, () => this.loop());
        }
        this.setState({ name: "SELECTING", xid: this.currentXid });
        return this.leaseFail();
      case "BOUND":
        this.firstSecs = null;
        this.kernelSocket(true);
        this.setState({ name: "RENEWING", lease: s.lease, xid: this.currentXid });
        return this.loop();
      case "RENEWING":
        if (this.timeout > 60) {
          this.sendUnicast(this.message(T.Request, { ciaddr: s.lease.address }), this.server, s.lease.address);
          this.timeout >>= 1;
          return this.wait(this.timeout, () => this.loop());
        }
        this.kernelSocket(false);
        this.setState({ name: "REBINDING", lease: s.lease, xid: this.currentXid });
        return this.loop();
      case "REBINDING":
        if (this.timeout > 0) {
          this.sendBroadcast(this.message(T.Request, { ciaddr: s.lease.address }), s.lease.address);
          this.timeout >>= 1;
          return this.wait(this.timeout, () => this.loop());
        }
        this.unbind("expired");
        this.firstSecs = null;
        this.packetNum = 0;
        this.setState({ name: "SELECTING", xid: this.currentXid });
        return this.loop();
      default:
        return;
    }
  }

  /** No lease this round: -n exits, -b backgrounds, otherwise wait -A seconds and start over. */
  private leaseFail(): void {
    if (this.failMode === "exit") {
      this.exitCode = 1;
      this.trace("failed", undefined, "No lease, failing");
      return this.stop();
    }
    if (this.failMode === "background") this.backgrounded = true;
    this.packetNum = 0;
    this.wait(this.settings.tryAgain, () => this.loop());
  }

  protected process(m: DhcpRepr): void {
    const s = this.state;
    if (s.name === "SELECTING") {
      if (m.messageType !== T.Offer || m.serverId === undefined) return;
      this.server = m.serverId;
      this.requested = m.yiaddr;
      this.packetNum = 0;
      this.setState({ name: "REQUESTING", xid: this.currentXid, offered: m.yiaddr, server: m.serverId });
      this.cancel();
      return this.loop();
    }
    if (s.name !== "REQUESTING" && s.name !== "RENEWING" && s.name !== "REBINDING") return;
    if (m.messageType === T.Ack) return this.acked(m, s.name === "REQUESTING");
    if (m.messageType === T.Nak) this.nakked(s.name === "REQUESTING");
  }

  private acked(m: DhcpRepr, first: boolean): void {
    const seconds = udhcpcLeaseSeconds(m.leaseTime);
    this.timeout = Math.floor(seconds / 2);
    let rebind = this.timeout;
    for (let t = this.timeout; t > 60; t >>= 1) rebind += t >> 1;
    const lease = leaseFromAck(m, this.now, seconds, this.timeout, rebind);
    this.requested = m.yiaddr;
    this.cancel();
    this.kernelSocket(false);
    this.bind(lease, first ? "bound" : "renewed");
    this.setState({ name: "BOUND", lease });
    if (this.failMode === "exit") this.failMode = "retry"; // "future renew failures should not exit"
    this.wait(this.timeout, () => this.loop());
  }

  private nakked(requesting: boolean): void {
    this.cancel();
    if (!requesting) this.unbind("expired");
    this.kernelSocket(false);
    this.requested = 0;
    this.packetNum = 0;
    this.firstSecs = null;
    this.setState({ name: "SELECTING", xid: this.currentXid });
    this.wait(3, () => this.loop()); // sleep(3): "avoid excessive network traffic"
  }

  protected releaseMessage(lease: DhcpClientLease): DhcpRepr {
    return clientMessage(this.id, { type: T.Release, xid: this.newXid(), secs: 0, ciaddr: lease.address, server: lease.server });
  }
}
