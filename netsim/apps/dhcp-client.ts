// A DHCP client on one interface of a node, as ifupdown starts one for `iface IF inet dhcp`:
// busybox udhcpc (the default here, `udhcpc -n` as ifupdown calls it) or ISC dhclient (what a
// Squeeze guest runs). The state machines live in udhcpc.ts and dhclient.ts; the states, leases
// and messages in dhcp-client-io.ts; the timers in dhcp-client-timers.ts. `check` reads
// `acquisitionTime` to report how long DHCP took.
import type { Ipv4Stack } from "../l3/ipv4-stack.ts";
import type { Ipv4 } from "../wire/address.ts";
import { DhclientClient, type DhclientSettings } from "./dhclient.ts";
import type { DhcpClientBase } from "./dhcp-client-base.ts";
import type { DhcpClientFlavour } from "./dhcp-client-io.ts";
import { UDHCPC_DEFAULTS } from "./dhcp-client-timers.ts";
import { UdhcpcClient, type UdhcpcSettings } from "./udhcpc.ts";

export type { DhcpClientFlavour, DhcpClientLease, DhcpClientState, DhcpClientStateName } from "./dhcp-client-io.ts";
export type { StateChange } from "./dhcp-client-base.ts";
export { DhcpClientBase as DhcpClient } from "./dhcp-client-base.ts";
export { UdhcpcClient } from "./udhcpc.ts";
export { DhclientClient } from "./dhclient.ts";

/** How to run the client. */
export interface DhcpClientOptions {
  readonly dev: string;
  /** Default "udhcpc". */
  readonly flavour?: DhcpClientFlavour;
  /** Sent as option 12 (udhcpc -x hostname:NAME; dhclient.conf's `send host-name`). */
  readonly hostname?: string;
  /** udhcpc: -n ("exit", ifupdown's call and the default), -b ("background") or neither ("retry"). */
  readonly onFailure?: UdhcpcSettings["onFailure"];
  /** udhcpc -t / -T / -A. */
  readonly retries?: number;
  readonly timeout?: number;
  readonly tryAgain?: number;
  /** udhcpc -r; for dhclient, a remembered lease's address (INIT-REBOOT first). */
  readonly requestedIp?: Ipv4;
  /** udhcpc -B: ask for broadcast replies (neither client sets the flag by default on Linux). */
  readonly broadcastFlag?: boolean;
  /** udhcpc -V (default "udhcp 1.17.1", Squeeze's busybox). */
  readonly vendor?: string;
  /** udhcpc -C turns the client identifier off (default on; dhclient never sends one). */
  readonly clientId?: boolean;
  /** dhclient.conf timers and its start-up delay. */
  readonly dhclient?: Partial<Omit<DhclientSettings, "previousAddress" | "previousExpired">>;
}

/** Creates (but does not start) the client the options describe. */
export function createDhcpClient(stack: Ipv4Stack, options: DhcpClientOptions): DhcpClientBase {
  const dev = stack.device(options.dev);
  if (dev === undefined) throw new Error(`DHCP client on ${stack.node}: no device ${options.dev}`);
  const flavour = options.flavour ?? "udhcpc";
  const id = {
    flavour,
    mac: dev.mac,
    ...(options.hostname !== undefined ? { hostname: options.hostname } : {}),
    vendor: options.vendor ?? "udhcp 1.17.1",
    clientId: flavour === "udhcpc" && (options.clientId ?? true),
    broadcastFlag: options.broadcastFlag ?? false,
  };
  if (flavour === "dhclient") {
    const prev = options.requestedIp !== undefined ? { previousAddress: options.requestedIp } : {};
    return new DhclientClient(stack, options.dev, id, { ...options.dhclient, ...prev });
  }
  return new UdhcpcClient(stack, options.dev, id, {
    retries: options.retries ?? UDHCPC_DEFAULTS.retries,
    timeout: options.timeout ?? UDHCPC_DEFAULTS.timeout,
    tryAgain: options.tryAgain ?? UDHCPC_DEFAULTS.tryAgain,
    onFailure: options.onFailure ?? "exit",
    ...(options.requestedIp !== undefined ? { requestedIp: options.requestedIp } : {}),
  });
}
