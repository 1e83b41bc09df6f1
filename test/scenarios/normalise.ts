// The scenario tests' view of captures: fidelity/diff's normaliser (one line per frame, MACs and
// addresses replaced by roles — `guest1`, `dom0`, `router`, `bcast` — ports by the script's number
// or their NAT class), with its types re-exported, plus what only these tests need: lines stamped
// with the whole second since the scenario's start, and a per-second order that ignores the
// microsecond races between independent hosts. Golden files read like sequence diagrams:
//
//   guest1>vif arp request who-has router tell guest1
//   dom0>router.eth0 icmp echo-request guest1 > inet ttl 63
import { describe as describeFrame, isIpv6, type Roles as FidelityRoles } from "../../fidelity/diff/index.ts";
import type { Seen } from "../../fidelity/types.ts";

export type { Seen };

/** Who owns which address and MAC; these scenarios hand out no DHCP pools of unknown holders. */
export type Roles = Omit<FidelityRoles, "pools">;

/** One frame as a line (`runt`, `ethertype …`, or the normalised packet); IPv6 and IGMP as `ipv6`/`igmp`. */
export function describe(r: Roles, frame: Uint8Array): string {
  return describeFrame({ ...r, pools: [] }, frame) ?? (isIpv6(frame) ? "ipv6" : "igmp");
}

/** `S description` per frame, S = whole seconds since `t0` (µs), rounded down; IPv6 and IGMP left out. */
export function secondLines(r: Roles, seen: readonly Seen[], t0: number): string[] {
  const roles = { ...r, pools: [] };
  return seen.flatMap((s) => {
    const line = describeFrame(roles, s.frame);
    return line === undefined ? [] : [`${Math.floor((s.time - t0) / 1_000_000)} ${line}`];
  });
}

/**
 * Lines sorted by second and, within a second, by text: which of two packets of the same second
 * an interface saw first is a race of microseconds between independent hosts.
 */
export function bySecond(lines: readonly string[]): string[] {
  const sec = (l: string) => Number(l.slice(0, l.indexOf(" ")));
  return [...lines].sort((a, b) => sec(a) - sec(b) || (a < b ? -1 : a > b ? 1 : 0));
}
