// Comparing one interface's two captures after normalisation (normalise.ts). Rules, stated in every
// report (TOLERANCES, setupRule):
//  - IPv6 and IGMP frames are dropped on both sides: the simulator carries neither, and a real kernel
//    sends router/neighbour solicitations, MLD and IGMPv3 reports as soon as a link comes up.
//  - Every line of one side is matched with an equal line of the other: the earliest unmatched one
//    whose time is compatible. During the script, compatible means less than 0.9 s apart (real
//    processes start a few ms or tens of ms late; but ping's packets a second apart must not pair
//    with their neighbours); before it (the boot on the
//    simulated side, the build of the namespaces on the real side) any time, since the two set-ups
//    take different times. Retransmissions (ARP probes, DHCP DISCOVERs) thus compare as counts.
//  - The matched lines must come in the same order, except two lines less than RACE_US apart on both
//    sides: which of them an interface saw first is a race between independent senders.
//  - STP BPDUs compare by kind (PERIODIC_RULE): hellos every 2 s at a phase the set-up decided.
//  - Set-up frames are left out unless the script has a `# xennet-diff: setup` line; then its DHCP
//    frames compare by kind only (each distinct line on both sides, in any order, any number of
//    times): the simulated boot runs ISC dhclient with its own retransmission times, a realisation
//    busybox udhcpc with others, so how many DISCOVERs there were is the program's, not the model's.
//    The set-up's ARP is left out: a neighbour entry a lease created is probed 5 s later
//    (delay_first_probe_time) — inside a simulated boot that leased early, but after the script's
//    ARP flush in a realisation that leased just before it (observed on nat × dhcp: the router's
//    probe of dom0 8 s before the script in simulation, none for real).
import type { Seen } from "../types.ts";
import { describe } from "./normalise.ts";
import type { Roles } from "./roles.ts";

/** One normalised frame: its line and when it was seen, µs from the script's start (negative: set-up). */
export interface Entry {
  readonly text: string;
  readonly time: number;
}

/** Where and why two entry lists first differ. */
export interface FirstDifference {
  readonly simIndex: number;
  readonly realIndex: number;
  /**
   * `only-sim` / `only-real`: a packet the other side does not have at all; `count`: both have it,
   * a different number of times; `time`: too far apart; `order`: in another order.
   */
  readonly why: "only-sim" | "only-real" | "count" | "time" | "order";
}

/** Two lines closer than this on both sides may come in either order, µs. */
export const RACE_US = 10_000;
/** The most two matched lines of the script may be apart, µs. */
export const TIME_TOLERANCE_US = 900_000;

/** The rule for periodic packets, for the report. */
export const PERIODIC_RULE = "STP BPDUs compare by kind (each distinct one on both sides, its flags — tc, tca — and root included): the hello timer's phase is the set-up's";

/** The tolerance rules the comparison applies, for the report. */
export const TOLERANCES: readonly string[] = [
  "IPv6 frames (router/neighbour solicitations, MLD) and IGMP membership reports are dropped: the simulator carries neither",
  "MACs and addresses read as roles; a leased address reads as its holder (its value comes from the DHCP server's hash), ports outside the script's own as lo/mid/hi (NAT may remap them)",
  "DHCP messages compare by type, addresses and offered address, not TTL: the client program sets it (the simulated hosts run ISC dhclient, TTL 128; a realisation runs busybox udhcpc, TTL 64)",
  "each packet is matched with an equal one on the other side less than 0.9 s apart (during the script): retransmissions compare as counts, not times",
  "matched packets come in the same order, except packets less than 10 ms apart on both sides (a race between independent senders)",
  PERIODIC_RULE,
];

/** The rule for the frames before the script starts. */
export function setupRule(compared: boolean): string {
  return compared
    ? "DHCP frames before the script starts (boot / namespace set-up) compare by kind: each distinct line must be on both sides, in any order, any number of times (`# xennet-diff: setup`): the two set-ups run different DHCP clients (ISC dhclient in simulation, busybox udhcpc for real) with their own retransmission times and counts; the set-up's other frames (ARP) follow from when each side leased — over a simulated boot, or all at once just before a realisation's script — and are left out"
    : "frames before the script starts (boot / namespace set-up) are left out (a `# xennet-diff: setup` line compares them)";
}

/**
 * The entries of one interface from time `from` (µs; default the script's start), in time order,
 * IPv6 and IGMP dropped; a set-up line only the first time it appears (see setupRule).
 */
export function entriesOf(roles: Roles, seen: readonly Seen[], from = 0): Entry[] {
  const once = new Set<string>();
  return seen.filter((s) => s.time >= from).sort((a, b) => a.time - b.time).flatMap((s) => {
    const text = describe(roles, s.frame);
    if (text === undefined || (s.time < 0 && !SETUP_KIND.test(text))) return [];
    const key = `${s.time < 0}${text}`;
    if (s.time < 0 || periodic(text)) {
      if (once.has(key)) return [];
      once.add(key);
    }
    return [{ text, time: s.time }];
  });
}

/** The set-up frames compared (see setupRule): DHCP. */
const SETUP_KIND = / dhcp /;

/** An STP BPDU: sent every hello time, at a phase the set-up decided; compared by kind (see PERIODIC_RULE). */
export function periodic(text: string): boolean {
  return text.includes(">stp stp ");
}


/** Whether two equal lines' times allow them to be the same packet. */
function compatible(a: Entry, b: Entry): boolean {
  if (a.time < 0 !== b.time < 0) return false;
  return a.time < 0 || periodic(a.text) || Math.abs(a.time - b.time) <= TIME_TOLERANCE_US;
}

/** For each sim entry, the index of the real entry it matches (or -1): the earliest unmatched compatible one. */
export function match(sim: readonly Entry[], real: readonly Entry[]): number[] {
  const free = new Map<string, number[]>();
  real.forEach((e, j) => free.set(e.text, [...(free.get(e.text) ?? []), j]));
  return sim.map((e) => {
    const queue = free.get(e.text) ?? [];
    const k = queue.findIndex((j) => compatible(e, real[j]!));
    return k < 0 ? -1 : queue.splice(k, 1)[0]!;
  });
}

/** The first place two entry lists differ, or undefined when they agree (see the file header). */
export function firstDifference(sim: readonly Entry[], real: readonly Entry[]): FirstDifference | undefined {
  const m = match(sim, real);
  const matchedReal = new Set(m.filter((j) => j >= 0));
  let lastJ = -1;
  let lastI = -1;
  for (let i = 0; i < sim.length; i++) {
    const j = m[i]!;
    const nextReal = lastJ + 1;
    // A real packet before this point that nothing matched: the real side has it, the simulation not.
    const skipped = firstUnmatched(matchedReal, nextReal, j < 0 ? nextReal : j);
    if (skipped !== undefined) return { simIndex: i, realIndex: skipped, why: whyMissing(real[skipped]!, "real", sim, real) };
    if (j < 0) return { simIndex: i, realIndex: nextReal, why: whyMissing(sim[i]!, "sim", sim, real) };
    if (periodic(sim[i]!.text)) continue;
    if (j < lastJ && !raced(sim[i]!, sim[lastI]!, real[j]!, real[lastJ]!) && sim[i]!.time >= 0) return { simIndex: i, realIndex: j, why: "order" };
    if (j > lastJ) [lastJ, lastI] = [j, i];
  }
  const rest = firstUnmatched(matchedReal, 0, real.length);
  return rest === undefined ? undefined : { simIndex: sim.length, realIndex: rest, why: whyMissing(real[rest]!, "real", sim, real) };
}

function firstUnmatched(matched: ReadonlySet<number>, from: number, to: number): number | undefined {
  for (let j = from; j < to; j++) if (!matched.has(j)) return j;
  return undefined;
}

function raced(a: Entry, b: Entry, ra: Entry, rb: Entry): boolean {
  return Math.abs(a.time - b.time) < RACE_US && Math.abs(ra.time - rb.time) < RACE_US;
}

/** Why `e`, a packet of side `side`, has no partner on the other side: none there at all, another count, or another time. */
function whyMissing(e: Entry, side: "sim" | "real", sim: readonly Entry[], real: readonly Entry[]): FirstDifference["why"] {
  const [mine, other] = side === "sim" ? [sim, real] : [real, sim];
  const theirs = other.filter((o) => o.text === e.text).length;
  if (theirs === 0) return side === "sim" ? "only-sim" : "only-real";
  return theirs !== mine.filter((o) => o.text === e.text).length ? "count" : "time";
}
