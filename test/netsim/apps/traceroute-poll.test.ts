// traceroute reads its answers only after its send loop: 16 probes into a 3-hop path whose answers
// come back while the loop is still sending are all read in the one poll after it, the
// destination's among them, so no probe beyond the destination's hop is ever sent — as traceroute
// 2.1.2 did on a real kernel (fidelity/diff, examples/routed × traceroute-udp: 16 probes, no 17th).
import { describe, expect, it } from "vitest";
import { Ping } from "../../../netsim/apps/ping.ts";
import { Traceroute } from "../../../netsim/apps/traceroute.ts";
import { decodeFrame } from "../../../netsim/wire/decode.ts";
import { ip, routerChain, SECOND } from "./helpers.ts";

/** h1 ── r1 ── r2 ── h2 with 10 µs cables: every answer is back long before 16 × SEND_US. */
const shortChain = () => routerChain(10);

describe("traceroute's send loop and poll", () => {
  it("sends its 16 first probes and no more when the destination answered within the loop", () => {
    const { sim, h1 } = shortChain();
    const ping = new Ping(h1.stack, { dst: ip("10.0.3.30"), count: 1 });
    sim.at(SECOND, () => ping.start());
    sim.runUntil(3 * SECOND);
    const probes: number[] = [];
    sim.trace.subscribe((e) => {
      if (e.kind !== "tx" || e.node !== "h1") return;
      const d = decodeFrame(e.frame, { verifyChecksums: false });
      if (d.ok && d.value.udp !== undefined) probes.push(e.time);
    });
    const tr = new Traceroute(h1.stack, { dst: ip("10.0.3.30"), numeric: true });
    sim.at(4 * SECOND, () => tr.start());
    sim.runUntil(20 * SECOND);
    expect(probes).toHaveLength(16);
    expect(tr.text()).toMatch(/\n 3  10\.0\.3\.30 /);
  });
});
