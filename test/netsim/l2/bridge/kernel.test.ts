// The simulated bridge against the kernel's: the same raw frames go into the same ports of a real
// Linux bridge (in network namespaces of our own, see netns.ts) and of the simulated one, and the
// same frames must come out of the same ports — flooding of unknown unicast, broadcast and
// multicast, forwarding once learned, what is never forwarded, ageing with a short ageing_time,
// the learning state, and forward_delay 0.
//
// What this machine's kernel does differently from Linux 2.6.32, and how the test deals with it:
// - With STP off, a port of a modern bridge forwards as soon as it is up (br_make_forwarding skips
//   listening/learning when STP is off or forward_delay is 0); 2.6.32 keeps it one forward delay in
//   learning. The flooding and ageing scenarios therefore use forward_delay 0 on both sides, and the
//   learning phase is compared by putting the kernel's ports in the learning state by hand
//   (`ip link set pN type bridge_slave state 2`, allowed while STP is off) for as long as the
//   simulated 2.6.32 bridge spends in learning, then forwarding (state 3).
// - A modern FDB lookup does not check an entry's age (br_fdb_find_rcu); the collector runs at the
//   expiry instead (delayed work, 10 ms at least). 2.6.32 checks the age on lookup, as we do. The
//   ageing scenario probes 1 s after the expiry, where both agree.
// - Modern bridges snoop IGMP/MLD by default; our frames are not IP, so multicast is flooded as
//   2.6.32 floods it.
// - With STP on, a modern kernel refuses a forward delay under 2 s and a max age under 6 s; the STP
//   comparison uses 2 s / 1 s hello / 6 s so that it converges in seconds. The 802.1D code itself
//   (br_stp.c) is the same algorithm as 2.6.32's: the same port must end up blocking.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sim, SECOND } from "../../../../netsim/engine/sim.ts";
import { Bridge } from "../../../../netsim/l2/bridge/index.ts";
import type { BridgeOptions } from "../../../../netsim/l2/bridge/index.ts";
import { BROADCAST_MAC } from "../../../../netsim/wire/address.ts";
import type { Mac } from "../../../../netsim/wire/address.ts";
import { attachHost, frameId, TEST_ETHERTYPE, testFrame } from "./helpers.ts";
import { KernelBridge, netnsUnavailable, removeLeftovers, stpTriangle } from "./netns.ts";
import { triangle } from "./scenarios.ts";
import type { Step } from "./netns.ts";

const HOSTS = 3;
const hostMac = (i: number): Mac => 0x02_00_00_00_00_00 + i;
const portMac = (i: number): Mac => 0xfe_ff_ff_ff_ff_00 + i;
const STRANGER = 0x02_00_00_00_00_0a; // a second station behind port 1

/** Host `from` (1-based) sends frame `id` to `dst` (from `src`, default its own MAC) at `at` s. */
interface Send {
  readonly at: number;
  readonly from: number;
  readonly dst: Mac;
  readonly id: number;
  readonly src?: Mac;
}

/** Port state changes of the kernel bridge at `at` s, by hand (2 = learning, 3 = forwarding). */
interface StateChange {
  readonly at: number;
  readonly state: 2 | 3;
}

interface Scenario {
  readonly kernelArgs: string[];
  readonly kernelStates: readonly StateChange[];
  readonly sim: BridgeOptions;
  readonly sends: readonly Send[];
  /** What each host must receive, h1..hN, ids in order. */
  readonly expected: Record<string, number[]>;
}

function frameOf(s: Send): Uint8Array {
  return testFrame(s.dst, s.src ?? hostMac(s.from), s.id);
}

/** The same scenario in the simulator: received ids per host. */
function simulate(scenario: Scenario): Record<string, number[]> {
  const sim = new Sim(1);
  const br = new Bridge(sim, "ns", "br0", scenario.sim);
  const hosts = Array.from({ length: HOSTS }, (_, k) => attachHost(sim, br, `h${k + 1}`, hostMac(k + 1), `p${k + 1}`, portMac(k + 1)));
  br.setUp(true);
  for (const s of scenario.sends) sim.at(Math.round(s.at * SECOND), () => void hosts[s.from - 1]!.eth0.transmit(frameOf(s)));
  sim.runUntil(Math.round((Math.max(...scenario.sends.map((s) => s.at)) + 2) * SECOND));
  return Object.fromEntries(hosts.map((h) => [h.name, h.inbox.ids()]));
}

/** The same scenario on the kernel's bridge: received ids per host. */
async function onKernel(scenario: Scenario): Promise<Record<string, number[]>> {
  const kernel = new KernelBridge(HOSTS, hostMac, portMac, scenario.kernelArgs);
  try {
    const ports = Array.from({ length: HOSTS }, (_, k) => `p${k + 1}`);
    const setState = (state: number) => ports.map((p) => kernel.ipInBridge("link", "set", "dev", p, "type", "bridge_slave", "state", String(state)));
    const first = scenario.kernelStates.find((c) => c.at === 0);
    if (first) for (const cmd of setState(first.state)) kernel.ip(...cmd.slice(3));
    await kernel.capture(TEST_ETHERTYPE);
    const steps: Step[] = [
      ...scenario.kernelStates.filter((c) => c.at > 0).flatMap((c) => setState(c.state).map((cmd) => ({ at: c.at, cmd }))),
      ...scenario.sends.map((s) => ({ at: s.at, iface: `h${s.from}`, frame: frameOf(s) })),
    ].sort((a, b) => a.at - b.at);
    kernel.send(steps);
    const captured = await kernel.collect();
    return Object.fromEntries([...captured].map(([iface, frames]) => [iface, frames.map(frameId)]));
  } finally {
    kernel.destroy();
  }
}

const SCENARIOS: Record<string, Scenario> = {
  "floods unknown unicast, broadcast and multicast, forwards once learned, keeps link-local and bad frames (forward_delay 0)": {
    kernelArgs: ["stp_state", "0", "forward_delay", "0"],
    kernelStates: [],
    sim: { forwardDelay: 0 },
    sends: [
      { at: 0.2, from: 1, dst: hostMac(2), id: 1 }, // unknown: flooded
      { at: 0.4, from: 1, dst: BROADCAST_MAC, id: 2 },
      { at: 0.6, from: 2, dst: hostMac(1), id: 3 }, // h1 learned: to p1 only
      { at: 0.8, from: 1, dst: hostMac(2), id: 4 }, // h2 learned: to p2 only
      { at: 1.0, from: 3, dst: 0x01_00_0c_cc_cc_cc, id: 5 }, // non-IP multicast: flooded
      { at: 1.2, from: 3, dst: 0x01_80_c2_00_00_0e, id: 6 }, // LLDP address: never forwarded
      { at: 1.4, from: 3, dst: 0x01_80_c2_00_00_00, id: 7 }, // bridge group address, STP off: forwarded
      { at: 1.6, from: 1, dst: BROADCAST_MAC, src: STRANGER, id: 8 }, // learns the stranger on p1
      { at: 1.8, from: 1, dst: STRANGER, id: 9 }, // behind the ingress port: dropped
      { at: 2.0, from: 2, dst: hostMac(3), src: 0x01_00_00_00_00_01, id: 10 }, // multicast source: dropped
      { at: 2.2, from: 2, dst: portMac(1), id: 11 }, // a port's own MAC: up to br0 only
      { at: 2.4, from: 3, dst: hostMac(1), id: 12 },
    ],
    expected: { h1: [3, 5, 7, 12], h2: [1, 2, 4, 5, 7, 8], h3: [1, 2, 8] },
  },
  "ages entries out after ageing_time (2 s) and floods again": {
    kernelArgs: ["stp_state", "0", "forward_delay", "0", "ageing_time", "200"],
    kernelStates: [],
    sim: { forwardDelay: 0, ageingTime: 2 * SECOND },
    sends: [
      { at: 0.5, from: 1, dst: BROADCAST_MAC, id: 1 },
      { at: 0.8, from: 2, dst: hostMac(1), id: 2 }, // known
      { at: 3.5, from: 2, dst: hostMac(1), id: 3 }, // h1 last seen at 0.5 s: aged out, flooded
      { at: 3.8, from: 1, dst: hostMac(2), id: 4 }, // h2 relearned at 3.5 s
      { at: 4.1, from: 2, dst: hostMac(1), id: 5 }, // h1 relearned at 3.8 s
    ],
    expected: { h1: [2, 3, 5], h2: [1, 4], h3: [1, 3] },
  },
  "learns but does not forward while ports are learning (2.6.32's forward delay with STP off)": {
    kernelArgs: ["stp_state", "0", "forward_delay", "200"],
    kernelStates: [
      { at: 0, state: 2 },
      { at: 2, state: 3 },
    ],
    sim: { forwardDelay: 2 * SECOND },
    sends: [
      { at: 0.5, from: 1, dst: BROADCAST_MAC, id: 1 }, // learned, dropped
      { at: 0.8, from: 2, dst: hostMac(1), id: 2 }, // learned, dropped
      { at: 2.5, from: 2, dst: hostMac(1), id: 3 }, // known from the learning phase: p1 only
      { at: 2.8, from: 1, dst: hostMac(2), id: 4 },
      { at: 3.1, from: 3, dst: BROADCAST_MAC, id: 5 },
    ],
    expected: { h1: [3, 5], h2: [4, 5], h3: [] },
  },
};

const unavailable = netnsUnavailable();
if (unavailable !== undefined) {
  if (process.env.CI) throw new Error(`kernel bridge comparison cannot run in CI: ${unavailable}`);
  console.warn(`skipping the kernel bridge comparison: ${unavailable}`);
}

describe.skipIf(unavailable !== undefined)("bridge vs the Linux kernel's bridge", () => {
  beforeAll(() => removeLeftovers());
  afterAll(() => removeLeftovers());

  it("blocks the same port of a triangle of bridges with STP on", async () => {
    const mac = (bridge: number, port: number): Mac => 0x02_00_00_00_00_00 + bridge * 0x10 + port;
    const fast = { stp: true, forwardDelay: 2 * SECOND, helloTime: SECOND, maxAge: 6 * SECOND };
    const run = triangle(fast, 7 * SECOND, 10 * SECOND);
    const simulated = Object.fromEntries(
      run.bridges.flatMap((b, i) => b.ports.filter((p) => p.name !== "eth0").map((p) => [`s${i + 1}e${p.name.slice(3)}`, p.state])),
    );
    const kernel = await stpTriangle(
      [1, 2, 3].map((i) => {
        const [first, second] = [((i + 1) % 3) + 1, (i % 3) + 1];
        return { name: `sw${i}`, ports: [first, second].map((j) => ({ name: `s${i}e${j}`, mac: mac(i, j) })) };
      }),
      ["stp_state", "1", "forward_delay", "200", "hello_time", "100", "max_age", "600"],
      7_000,
    );
    expect(Object.values(simulated).filter((s) => s === "blocking")).toHaveLength(1);
    expect(simulated.s3e2).toBe("blocking");
    expect(kernel).toEqual(simulated);
  });

  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(name, async () => {
      const simulated = simulate(scenario);
      expect(simulated).toEqual(scenario.expected);
      expect(await onKernel(scenario)).toEqual(simulated);
    });
  }
});
