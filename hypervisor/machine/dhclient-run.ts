// `dhclient -v -pf /var/run/dhclient.IF.pid -lf /var/lib/dhcp/dhclient.IF.leases IF` as ifupdown
// 0.6.10 runs it on Debian Squeeze (isc-dhcp-client 4.1.1-P1): the ISC state machine of
// netsim/apps with what it prints on the terminal (the banner, `Listening on LPF/…`, one line per
// DISCOVER with the interval it just drew, DHCPOFFER / DHCPREQUEST / DHCPACK, `bound to A --
// renewal in N seconds.`, and "No DHCPOFFERS received." when its 60 s run ends without a lease),
// the lease it writes to its lease file, and two notifications for ifup: bound (ifup returns) and
// gave up (dhclient forks into the background and ifup returns anyway, ifupdown.md §2). `-r`
// (send_release) first writes the lease it gives back with renew, rebind and expire set to now,
// "so that we don't accidentally reuse it if we restart before the old expiry time": the next
// dhclient reads it as expired and starts with a DISCOVER rather than INIT-REBOOT.

import type { Ipv4Stack } from "../../netsim/l3/index.ts";
import { DhclientClient } from "../../netsim/apps/index.ts";
import type { DhcpClientLease, DhcpClientState } from "../../netsim/apps/index.ts";
import type { ClientIdentity } from "../../netsim/apps/dhcp-client-io.ts";
import type { DhcpTraceEvent } from "../../netsim/engine/trace.ts";
import { ipv4ToString, macToString, prefixToMask, type Ipv4 } from "../../netsim/wire/address.ts";
import { DhcpMessageType, type DhcpRepr } from "../../netsim/wire/dhcp.ts";
import { civil } from "../domains/host-spec.ts";

/** What a dhclient run reports to whoever started it. */
export interface DhclientHooks {
  print(text: string): void;
  /** A lease was bound or renewed. */
  bound?(lease: DhcpClientLease, renewed: boolean): void;
  /** The first 60 s went by without a lease. */
  gaveUp?(): void;
  /** The lease file's new text. */
  saveLease?(text: string): void;
}

const BANNER = [
  "Internet Systems Consortium DHCP Client 4.1.1-P1",
  "Copyright 2004-2010 Internet Systems Consortium.",
  "All rights reserved.",
  "For info, please visit https://www.isc.org/software/dhcp/",
  "",
];

/** A dhclient process that prints like the real one (see the file header). */
export class DhclientRun extends DhclientClient {
  private discoverPending = false;

  constructor(
    stack: Ipv4Stack,
    dev: string,
    options: { readonly hostname?: string; readonly previousAddress?: Ipv4; readonly previousExpired?: boolean },
    private readonly hooks: DhclientHooks,
    /** Wall-clock seconds at virtual time 0, for the lease file's dates. */
    private readonly epochSeconds: number,
  ) {
    const mac = stack.device(dev)?.mac ?? 0;
    const id: ClientIdentity = { flavour: "dhclient", mac, vendor: "", clientId: false, broadcastFlag: false, ...(options.hostname ? { hostname: options.hostname } : {}) };
    super(stack, dev, id, options.previousAddress !== undefined ? { previousAddress: options.previousAddress, previousExpired: options.previousExpired === true } : {});
  }

  override start(): void {
    this.banner();
    super.start();
  }

  /**
   * `dhclient -v -r IF` (ifdown): the banner, then a DHCPRELEASE when it holds a lease and
   * dhclient-script RELEASE; `done` runs when the process has ended.
   */
  release(done?: () => void): void {
    this.banner();
    const lease = this.lease;
    if (lease !== undefined) {
      const now = Math.floor(this.stack.sim.now / 1_000_000) * 1_000_000;
      this.hooks.saveLease?.(this.leaseText({ ...lease, renewAt: now, rebindAt: now, expiresAt: now }));
    }
    this.stop(true, done);
  }

  private banner(): void {
    const mac = macToString(this.stack.device(this.dev)?.mac ?? 0);
    this.hooks.print([...BANNER, `Listening on LPF/${this.dev}/${mac}`, `Sending on   LPF/${this.dev}/${mac}`, "Sending on   Socket/fallback", ""].join("\n"));
  }

  protected override sendBroadcast(m: DhcpRepr, src?: Ipv4): void {
    if (m.messageType === DhcpMessageType.Discover) this.discoverPending = true;
    if (m.messageType === DhcpMessageType.Request) this.hooks.print(`DHCPREQUEST on ${this.dev} to 255.255.255.255 port 67\n`);
    super.sendBroadcast(m, src);
  }

  protected override sendUnicast(m: DhcpRepr, server: Ipv4, from: Ipv4): void {
    const what = m.messageType === DhcpMessageType.Release ? "DHCPRELEASE" : "DHCPREQUEST";
    this.hooks.print(`${what} on ${this.dev} to ${ipv4ToString(server)} port 67\n`);
    super.sendUnicast(m, server, from);
  }

  protected override waitUntil(second: number, fn: () => void): void {
    if (this.discoverPending) {
      this.discoverPending = false;
      const interval = second - Math.floor(this.stack.sim.now / 1_000_000);
      this.hooks.print(`DHCPDISCOVER on ${this.dev} to 255.255.255.255 port 67 interval ${interval}\n`);
    }
    super.waitUntil(second, fn);
  }

  protected override process(m: DhcpRepr): void {
    if (m.messageType === DhcpMessageType.Nak) this.hooks.print(`DHCPNAK from ${ipv4ToString(m.serverId ?? 0)}\n`);
    super.process(m);
  }

  protected override setState(s: DhcpClientState): void {
    const before = this.state.name;
    super.setState(s);
    if (before === "SELECTING" && s.name === "REQUESTING") this.hooks.print(`DHCPOFFER from ${ipv4ToString(s.server)}\n`);
    if (s.name === "BOUND" && before !== "BOUND") {
      const renewal = Math.round((s.lease.renewAt - this.stack.sim.now) / 1_000_000);
      this.hooks.print(`DHCPACK from ${ipv4ToString(s.lease.server)}\nbound to ${ipv4ToString(s.lease.address)} -- renewal in ${renewal} seconds.\n`);
      this.hooks.saveLease?.(this.leaseText(s.lease));
      this.hooks.bound?.(s.lease, before === "RENEWING" || before === "REBINDING");
    }
  }

  protected override trace(event: DhcpTraceEvent, ip?: Ipv4, detail?: string): void {
    super.trace(event, ip, detail);
    if (event !== "failed") return;
    this.hooks.print("No DHCPOFFERS received.\nNo working leases in persistent database - sleeping.\n");
    this.hooks.gaveUp?.();
  }

  /** dhclient's lease declaration, as appended to /var/lib/dhcp/dhclient.IF.leases. */
  private leaseText(l: DhcpClientLease): string {
    const when = (us: number): string => {
      const seconds = this.epochSeconds + Math.floor(us / 1_000_000);
      return `${civil(seconds).weekday} ${leaseDate(seconds)}`;
    };
    const lines = [
      "lease {",
      `  interface "${this.dev}";`,
      `  fixed-address ${ipv4ToString(l.address)};`,
      `  option subnet-mask ${ipv4ToString(prefixToMask(l.prefix))};`,
      ...(l.routers.length > 0 ? [`  option routers ${l.routers.map(ipv4ToString).join(",")};`] : []),
      `  option dhcp-lease-time ${l.leaseTime};`,
      "  option dhcp-message-type 5;",
      ...(l.dnsServers.length > 0 ? [`  option domain-name-servers ${l.dnsServers.map(ipv4ToString).join(",")};`] : []),
      `  option dhcp-server-identifier ${ipv4ToString(l.server)};`,
      `  option broadcast-address ${ipv4ToString(l.broadcast)};`,
      `  renew ${when(l.renewAt)};`,
      `  rebind ${when(l.rebindAt)};`,
      `  expire ${when(l.expiresAt)};`,
      "}",
    ];
    return `${lines.join("\n")}\n`;
  }
}

/** The address of the last lease in a dhclient lease file (what dhclient asks for again at boot). */
export function lastLeasedAddress(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const all = [...text.matchAll(/fixed-address\s+([0-9.]+);/g)];
  return all[all.length - 1]?.[1];
}

/** Whether the last lease in a dhclient lease file has expired at `wallSeconds` (expiry <= cur_time). */
export function lastLeaseExpired(text: string | undefined, wallSeconds: number): boolean {
  const all = [...(text ?? "").matchAll(/expire \d (\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d);/g)];
  const expire = all[all.length - 1]?.[1];
  // The dates are UTC, zero-padded and of fixed width: in text order they are in time order.
  return expire !== undefined && expire <= leaseDate(wallSeconds);
}

/** `YYYY/MM/DD HH:MM:SS`, as dhclient writes a lease's dates (after the weekday). */
function leaseDate(wallSeconds: number): string {
  const c = civil(wallSeconds);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${c.year}/${two(c.month)}/${two(c.day)} ${two(c.hour)}:${two(c.minute)}:${two(c.second)}`;
}
