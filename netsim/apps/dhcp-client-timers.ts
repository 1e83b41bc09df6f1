// The retransmission and lease timers of the two DHCP clients a Debian guest runs, as pure
// arithmetic on whole seconds (both clients count in seconds: dhclient 4.1 in time_t, udhcpc in
// select() timeouts), so that tests can check a sequence from a seed.
//
// ISC dhclient 4.1 (client/dhclient.c, client/clparse.c defaults): `send_discover` and
// `send_request` start at initial-interval (3 s — the man page says 10), then add random() % (2 ×
// interval) each time; past backoff-cutoff (15) the interval becomes cutoff/2 + random() % cutoff
// (for a DISCOVER) or cutoff/2 + random() % interval (for a REQUEST); DISCOVERs stop after
// `timeout` (60 s), and the client sleeps (retry + 1)/2 + random() % retry (150–449 s) before
// starting again. Lease times (`dhcpack`): T1 = option 58 or lease/2, then moved to
// (T1 + 3)·3/4 + random() % ((T1 + 3)/4); T2 = option 59 or lease·7/8; T1 > T2 → T1 = T2·3/4.
//
// busybox udhcpc (networking/udhcp/dhcpc.c, 1.17–1.2x): `-t 3` DISCOVERs `-T 3` s apart, then
// `-A 20` s of waiting (or exit with -n); the same for REQUESTs. Bound for lease/2 (T1 and T2
// options ignored); then unicast renewals, the wait halved each time while above 60 s; then
// broadcast ones, halving down to zero — the lease is lost at lease/2 + lease/4 + … (3596 s of a
// 3600 s lease).
import type { RandomStream } from "../engine/random.ts";

/** dhclient.conf settings that drive the timers, in seconds (compiled-in defaults of 4.1). */
export interface DhclientConfig {
  readonly timeout: number;
  readonly retry: number;
  readonly reboot: number;
  readonly backoffCutoff: number;
  readonly initialInterval: number;
}

/** dhclient 4.1's defaults (clparse.c). */
export const DHCLIENT_DEFAULTS: DhclientConfig = { timeout: 60, retry: 300, reboot: 10, backoffCutoff: 15, initialInterval: 3 };

/** random() as dhclient uses it: a non-negative 31-bit integer. */
function random(rng: RandomStream): number {
  return rng.int(0, 0x7fffffff);
}

/** send_discover's next interval: initial, then + random % (2 × interval), capped by the cutoff rule. */
export function dhclientDiscoverInterval(interval: number, c: DhclientConfig, rng: RandomStream): number {
  let next = interval === 0 ? c.initialInterval : interval + (random(rng) % (2 * interval));
  if (next > c.backoffCutoff) next = Math.floor(c.backoffCutoff / 2) + (random(rng) % c.backoffCutoff);
  return next;
}

/** send_request's next interval (the cutoff rule draws modulo the interval, not the cutoff). */
export function dhclientRequestInterval(interval: number, c: DhclientConfig, rng: RandomStream): number {
  let next = interval === 0 ? c.initialInterval : interval + (random(rng) % (2 * interval));
  if (next > c.backoffCutoff) next = Math.floor(c.backoffCutoff / 2) + (random(rng) % next);
  return next;
}

/** state_panic's wait before trying again: (retry + 1)/2 + random % retry. */
export function dhclientRetryDelay(c: DhclientConfig, rng: RandomStream): number {
  return Math.floor((c.retry + 1) / 2) + (random(rng) % c.retry);
}

/** Older dhclients (and 4.1's main loop) start an interface after random() % 5 s. */
export function dhclientInitialDelay(rng: RandomStream): number {
  return random(rng) % 5;
}

/** dhcpack's renewal and rebind times, in seconds after the ACK. */
export function dhclientLeaseTimes(lease: number, t1Option: number | undefined, t2Option: number | undefined, rng: RandomStream): { renewal: number; rebind: number } {
  let renewal = t1Option !== undefined && t1Option > 0 ? t1Option : Math.floor(lease / 2);
  renewal = Math.floor(((renewal + 3) * 3) / 4) + (random(rng) % Math.max(1, Math.floor((renewal + 3) / 4)));
  const rebind = t2Option !== undefined && t2Option > 0 ? t2Option : Math.floor((lease * 7) / 8);
  if (renewal > rebind) renewal = Math.floor((rebind * 3) / 4);
  return { renewal, rebind };
}

/** udhcpc's defaults: -t, -T, -A. */
export const UDHCPC_DEFAULTS = { retries: 3, timeout: 3, tryAgain: 20 } as const;

/** The lease udhcpc keeps, from an ACK's option 51 (1 h when absent), clamped as dhcpc.c does. */
export function udhcpcLeaseSeconds(option51: number | undefined): number {
  if (option51 === undefined) return 3600;
  return Math.min(0x0fffffff, Math.max(0x10, option51));
}
