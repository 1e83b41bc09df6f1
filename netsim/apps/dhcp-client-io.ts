// What the DHCP clients put on the wire and what they do to the interface. Messages carry each
// real client's options in its order — busybox udhcpc (checked against a capture of 1.35.0):
// 53, [50], [54], 57 = 576, 55 = 1 3 6 12 15 28 42, [12], 60 "udhcp VERSION", 61 = 01+MAC;
// ISC dhclient 4.1 with Squeeze's /etc/dhcp/dhclient.conf: 53, [54], [50], [12], 55 = 1 28 2 3 15
// 6 119 12 44 47 26 121 42, no client id. Broadcasts before an address exists go out of a packet
// socket as whole frames (udhcpc: TOS 0, TTL 64; dhclient's LPF: TOS 0x10 low-delay, TTL 128; IP
// id 0, no DF, to ff:ff:ff:ff:ff:ff); a unicast renewal goes through the kernel's UDP socket.
// A lease is applied as the clients' scripts do (udhcpc's default.script, dhclient-script): the
// address with its prefix and broadcast, then a default route via the first router.
import type { Ipv4Stack } from "../l3/ipv4-stack.ts";
import { maskToPrefix, type Ipv4, type Mac } from "../wire/address.ts";
import { BROADCAST_MAC } from "../wire/address.ts";
import { buildDhcpFrame } from "../wire/build.ts";
import { BootpOp, dhcpRepr, type DhcpOptions, type DhcpRepr } from "../wire/dhcp.ts";

/** Which client's behaviour: busybox udhcpc (ifupdown's choice when installed) or ISC dhclient (Squeeze's default). */
export type DhcpClientFlavour = "udhcpc" | "dhclient";

/** A lease as the client holds it; times in virtual µs. */
export interface DhcpClientLease {
  readonly address: Ipv4;
  readonly prefix: number;
  readonly broadcast: Ipv4;
  readonly routers: readonly Ipv4[];
  readonly dnsServers: readonly Ipv4[];
  readonly domain?: string;
  /** Option 54: where renewals go. */
  readonly server: Ipv4;
  /** Seconds. */
  readonly leaseTime: number;
  readonly obtainedAt: number;
  readonly renewAt: number;
  readonly rebindAt: number;
  readonly expiresAt: number;
}

/** The client's state (RFC 2131 §4.4); each variant carries what that state needs. */
export type DhcpClientState =
  | { readonly name: "INIT" }
  | { readonly name: "SELECTING"; readonly xid: number }
  | { readonly name: "REQUESTING"; readonly xid: number; readonly offered: Ipv4; readonly server: Ipv4 }
  | { readonly name: "BOUND"; readonly lease: DhcpClientLease }
  | { readonly name: "RENEWING"; readonly lease: DhcpClientLease; readonly xid: number }
  | { readonly name: "REBINDING"; readonly lease: DhcpClientLease; readonly xid: number }
  | { readonly name: "INIT-REBOOT"; readonly requested: Ipv4 }
  | { readonly name: "REBOOTING"; readonly requested: Ipv4; readonly xid: number }
  | { readonly name: "STOPPED"; readonly why: "no-lease" | "released" | "closed" };

/** The state names, e.g. "BOUND". */
export type DhcpClientStateName = DhcpClientState["name"];

const UDHCPC_PRL = [1, 3, 6, 12, 15, 28, 42];
const DHCLIENT_PRL = [1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42];

/** What differs between the two clients' messages. */
export interface ClientIdentity {
  readonly flavour: DhcpClientFlavour;
  readonly mac: Mac;
  readonly hostname?: string;
  /** udhcpc -V (default "udhcp 1.17.1", Squeeze's busybox). */
  readonly vendor: string;
  /** udhcpc sends option 61 unless -C. */
  readonly clientId: boolean;
  /** udhcpc -B. */
  readonly broadcastFlag: boolean;
}

/** One message's varying fields. */
export interface MessageFields {
  readonly type: number;
  readonly xid: number;
  readonly secs: number;
  readonly ciaddr?: Ipv4;
  readonly requested?: Ipv4;
  readonly server?: Ipv4;
}

/** The message a client sends, options in its own order. */
export function clientMessage(id: ClientIdentity, f: MessageFields): DhcpRepr {
  const o: Record<string, unknown> = { messageType: f.type };
  const order: number[] = [53];
  const add = (code: number, field: string, value: unknown): void => {
    if (value === undefined) return;
    o[field] = value;
    order.push(code);
  };
  const request = f.type !== 7 && f.type !== 4;
  if (id.flavour === "udhcpc") {
    add(50, "requestedIp", f.requested);
    add(54, "serverId", f.server);
    if (request) {
      add(57, "maxMessageSize", 576);
      add(55, "parameterRequestList", UDHCPC_PRL);
      add(12, "hostName", id.hostname);
      add(60, "extraOptions", [{ code: 60, data: Uint8Array.from(id.vendor, (c) => c.charCodeAt(0) & 0xff) }]);
    }
    if (id.clientId) add(61, "clientId", clientIdBytes(id.mac));
  } else {
    add(54, "serverId", f.server);
    add(50, "requestedIp", f.requested);
    if (request) {
      add(12, "hostName", id.hostname);
      add(55, "parameterRequestList", DHCLIENT_PRL);
    }
  }
  const broadcast = id.flavour === "udhcpc" && id.broadcastFlag && (f.ciaddr ?? 0) === 0;
  return dhcpRepr({ op: BootpOp.Request, xid: f.xid, chaddr: id.mac, secs: Math.min(0xffff, f.secs), broadcast, ciaddr: f.ciaddr ?? 0, ...(o as DhcpOptions), optionOrder: order });
}

function clientIdBytes(mac: Mac): Uint8Array {
  const out = new Uint8Array(7);
  out[0] = 1;
  for (let i = 0; i < 6; i++) out[6 - i] = Math.floor(mac / 2 ** (8 * i)) % 256;
  return out;
}

/** A broadcast from the packet socket: a whole frame to ff:ff:ff:ff:ff:ff, 255.255.255.255:67. */
export function broadcastFrame(id: ClientIdentity, m: DhcpRepr, src: Ipv4): Uint8Array {
  const dhclient = id.flavour === "dhclient";
  return buildDhcpFrame({ src: id.mac, dst: BROADCAST_MAC }, { src, dst: 0xffffffff, ttl: dhclient ? 128 : 64, tos: dhclient ? 0x10 : 0 }, m);
}

/** The lease an ACK gives; `times` are the client's own T1/T2/expiry (seconds after `now`). */
export function leaseFromAck(m: DhcpRepr, now: number, leaseSeconds: number, renewal: number, rebind: number): DhcpClientLease {
  const mask = m.subnetMask ?? classfulMask(m.yiaddr);
  const prefix = maskToPrefix(mask) ?? 24;
  const broadcast = m.broadcastAddress ?? ((m.yiaddr & mask) | ~mask) >>> 0;
  const s = 1_000_000;
  return {
    address: m.yiaddr,
    prefix,
    broadcast,
    routers: m.routers ?? [],
    dnsServers: m.dnsServers ?? [],
    ...(m.domainName !== undefined ? { domain: m.domainName } : {}),
    server: m.serverId ?? 0,
    leaseTime: leaseSeconds,
    obtainedAt: now,
    renewAt: now + renewal * s,
    rebindAt: now + rebind * s,
    expiresAt: now + leaseSeconds * s,
  };
}

function classfulMask(ip: Ipv4): Ipv4 {
  const top = ip >>> 24;
  return top < 128 ? 0xff000000 : top < 192 ? 0xffff0000 : 0xffffff00;
}

/** Configures the interface from a lease (replacing `old` when the address changed). */
export function applyLease(stack: Ipv4Stack, dev: string, lease: DhcpClientLease, old: DhcpClientLease | undefined): void {
  const same = old !== undefined && old.address === lease.address && old.prefix === lease.prefix;
  if (old !== undefined && !same) removeLease(stack, dev, old);
  if (!same) stack.addAddress(dev, { address: lease.address, prefix: lease.prefix, broadcast: lease.broadcast });
  const router = lease.routers[0];
  if (router !== undefined && !stack.routes().some((r) => r.dst === 0 && r.prefix === 0 && r.gateway === router && r.dev === dev)) {
    stack.addRoute({ dst: 0, prefix: 0, gateway: router, dev });
  }
}

/** Unconfigures the interface (udhcpc's deconfig, dhclient-script's EXPIRE/RELEASE). */
export function removeLease(stack: Ipv4Stack, dev: string, lease: DhcpClientLease): void {
  const router = lease.routers[0];
  if (router !== undefined) stack.deleteRoute({ dst: 0, prefix: 0, gateway: router, dev });
  stack.removeAddress(dev, lease.address, lease.prefix);
}
