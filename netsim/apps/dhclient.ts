// ISC dhclient 4.1's state machine (client/dhclient.c: state_reboot, state_init, send_discover,
// dhcpoffer/state_selecting, send_request, dhcpack/bind_lease, state_bound, dhcpnak, state_panic),
// what a Squeeze guest runs for `iface eth0 inet dhcp`. Its clock is time_t: every timeout lands
// on a whole second. It starts after random() % 5 s; with a remembered address it first tries
// INIT-REBOOT (for `reboot` = 10 s); DISCOVERs back off from 3 s (dhcp-client-timers.ts) until
// `timeout` = 60 s, then it sleeps 150–449 s and starts over; the first OFFER is taken at once
// (select-timeout 0). Renewal is unicast to the server from T1, broadcast past T2, and the
// address goes at expiry. A NAK while it holds no lease at all is ignored, as 4.1 does. A
// remembered lease that has expired — as `dhclient -r` leaves the one it gave back — gets no
// INIT-REBOOT (state_reboot): its address is only asked for in the DISCOVER.
import type { Ipv4Stack } from "../l3/ipv4-stack.ts";
import type { Ipv4 } from "../wire/address.ts";
import { DhcpMessageType as T, type DhcpRepr } from "../wire/dhcp.ts";
import { DhcpClientBase } from "./dhcp-client-base.ts";
import { clientMessage, leaseFromAck, type ClientIdentity, type DhcpClientLease } from "./dhcp-client-io.ts";
import {
  DHCLIENT_DEFAULTS,
  dhclientDiscoverInterval,
  dhclientInitialDelay,
  dhclientLeaseTimes,
  dhclientRequestInterval,
  dhclientRetryDelay,
  type DhclientConfig,
} from "./dhcp-client-timers.ts";

/** dhclient's settings beyond dhclient.conf's timers. */
export interface DhclientSettings extends DhclientConfig {
  /** A lease remembered from /var/lib/dhcp/dhclient.eth0.leases: try INIT-REBOOT for it first. */
  readonly previousAddress?: Ipv4;
  /** That lease had expired (or was released): straight to DISCOVER, asking for its address. */
  readonly previousExpired?: boolean;
  /** Seconds before the first packet (default random() % 5). */
  readonly initialDelay?: number;
}

/** An ISC dhclient process on one interface. */
export class DhclientClient extends DhcpClientBase {
  private interval = 0;
  private firstSending = 0;
  private currentXid = 0;
  private discoverSecs = 0;
  private offered: { ip: Ipv4; server: Ipv4 } | null = null;
  private readonly c: DhclientSettings;

  constructor(stack: Ipv4Stack, dev: string, id: ClientIdentity, settings: Partial<DhclientSettings> = {}) {
    super(stack, dev, id);
    this.c = { ...DHCLIENT_DEFAULTS, ...settings };
  }

  protected get xid(): number {
    return this.currentXid;
  }

  /** time_t now. */
  private get cur(): number {
    return Math.floor(this.now / 1_000_000);
  }

  protected begin(): void {
    const delay = this.c.initialDelay ?? dhclientInitialDelay(this.rng);
    this.waitUntil(this.cur + delay, () => this.stateReboot());
  }

  private stateReboot(): void {
    const old = this.c.previousAddress;
    if (old === undefined || this.c.previousExpired === true) return this.stateInit();
    this.currentXid = this.newXid();
    this.setState({ name: "INIT-REBOOT", requested: old });
    this.setState({ name: "REBOOTING", requested: old, xid: this.currentXid });
    this.firstSending = this.cur;
    this.interval = this.c.initialInterval;
    this.sendRequest();
  }

  private stateInit(): void {
    this.setState({ name: "INIT" });
    this.currentXid = this.newXid();
    this.setState({ name: "SELECTING", xid: this.currentXid });
    this.offered = null;
    this.firstSending = this.cur;
    this.interval = 0;
    this.sendDiscover();
  }

  private sendDiscover(): void {
    const elapsed = this.cur - this.firstSending;
    if (elapsed > this.c.timeout) return this.panic();
    this.interval = dhclientDiscoverInterval(this.interval, this.c, this.rng);
    if (this.cur + this.interval > this.firstSending + this.c.timeout) this.interval = this.firstSending + this.c.timeout - this.cur + 1;
    this.discoverSecs = Math.min(elapsed, 0xffff);
    const requested = this.lease?.address ?? this.c.previousAddress;
    this.sendBroadcast(clientMessage(this.id, { type: T.Discover, xid: this.currentXid, secs: this.discoverSecs, ...(requested !== undefined ? { requested } : {}) }));
    this.waitUntil(this.cur + this.interval, () => this.sendDiscover());
  }

  /** No DHCPOFFERS received; no working leases in persistent database — sleeping. */
  private panic(): void {
    this.trace("failed", undefined, "No DHCPOFFERS received.");
    this.setState({ name: "INIT" });
    this.waitUntil(this.cur + dhclientRetryDelay(this.c, this.rng), () => this.stateInit());
  }

  private sendRequest(): void {
    const s = this.state;
    const elapsed = this.cur - this.firstSending;
    if ((s.name === "REBOOTING" || s.name === "REQUESTING") && elapsed > this.c.reboot) return this.stateInit();
    const lease = this.lease;
    if (s.name !== "REQUESTING" && lease !== undefined && this.now > lease.expiresAt) {
      this.unbind("expired");
      return this.stateInit();
    }
    this.interval = dhclientRequestInterval(this.interval, this.c, this.rng);
    const expiry = lease === undefined ? undefined : Math.floor(lease.expiresAt / 1_000_000);
    if (s.name !== "REQUESTING" && expiry !== undefined && this.cur + this.interval > expiry) this.interval = expiry - this.cur + 1;
    if (s.name === "RENEWING" && lease !== undefined && this.now > lease.rebindAt) this.setState({ name: "REBINDING", lease, xid: this.currentXid });
    const now = this.state;
    const m = this.requestMessage(elapsed);
    if (now.name === "RENEWING") this.sendUnicast(m, now.lease.server, now.lease.address);
    else this.sendBroadcast(m, now.name === "REBINDING" ? now.lease.address : 0);
    this.waitUntil(this.cur + this.interval, () => this.sendRequest());
  }

  private requestMessage(elapsed: number): DhcpRepr {
    const s = this.state;
    const base = { type: T.Request, xid: this.currentXid };
    if (s.name === "REQUESTING") return clientMessage(this.id, { ...base, secs: this.discoverSecs, requested: s.offered, server: s.server });
    const secs = Math.min(elapsed, 0xffff);
    if (s.name === "REBOOTING") return clientMessage(this.id, { ...base, secs, requested: s.requested });
    if (s.name === "RENEWING" || s.name === "REBINDING") return clientMessage(this.id, { ...base, secs, ciaddr: s.lease.address });
    throw new Error(`dhclient: no REQUEST in state ${s.name}`);
  }

  protected process(m: DhcpRepr): void {
    const s = this.state;
    if (m.messageType === T.Offer) {
      if (s.name !== "SELECTING" || m.serverId === undefined || this.offered !== null) return;
      this.offered = { ip: m.yiaddr, server: m.serverId };
      this.setState({ name: "REQUESTING", xid: this.currentXid, offered: m.yiaddr, server: m.serverId });
      this.firstSending = this.cur;
      this.interval = this.c.initialInterval;
      return this.sendRequest();
    }
    const active = s.name === "REQUESTING" || s.name === "REBOOTING" || s.name === "RENEWING" || s.name === "REBINDING";
    if (!active) return;
    if (m.messageType === T.Ack) return this.acked(m, s.name === "REQUESTING" || s.name === "REBOOTING");
    if (m.messageType === T.Nak && (this.lease !== undefined || s.name === "REBOOTING")) {
      this.cancel();
      this.unbind("expired");
      this.stateInit();
    }
  }

  private acked(m: DhcpRepr, fresh: boolean): void {
    const seconds = m.leaseTime;
    if (seconds === undefined || seconds === 0) return; // "no expiry time on offered lease."
    const { renewal, rebind } = dhclientLeaseTimes(seconds, m.renewalTime, m.rebindingTime, this.rng);
    // dhclient adds its times to time_t now: renewal and rebind land on whole seconds.
    const cur = this.cur * 1_000_000;
    const lease = { ...leaseFromAck(m, this.now, seconds, renewal, rebind), renewAt: cur + renewal * 1_000_000, rebindAt: cur + rebind * 1_000_000, expiresAt: cur + seconds * 1_000_000 };
    this.cancel();
    this.kernelSocket(true);
    this.bind(lease, fresh ? "bound" : "renewed");
    this.setState({ name: "BOUND", lease });
    this.waitUntil(this.cur + renewal, () => this.stateBound());
  }

  /** T1: unicast REQUESTs to the server that gave the lease. */
  private stateBound(): void {
    const lease = this.lease;
    if (lease === undefined) return;
    this.setState({ name: "RENEWING", lease, xid: this.currentXid });
    this.firstSending = this.cur;
    this.interval = this.c.initialInterval;
    this.sendRequest();
  }

  protected releaseMessage(lease: DhcpClientLease): DhcpRepr {
    return clientMessage(this.id, { type: T.Release, xid: this.currentXid, secs: 0, ciaddr: lease.address, server: lease.server });
  }
}
