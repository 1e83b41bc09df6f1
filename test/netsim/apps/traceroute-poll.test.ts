// traceroute reads its answers only after its send loop: 16 probes into a 3-hop path whose answers
// come back while the loop is still sending are all read in the one poll after it, the
// destination's among them, so no probe beyond the destination's hop is ever sent — as traceroute
// 2.1.2 did on a real kernel (fidelity/diff, examples/routed × traceroute-udp: 16 probes, no 17th).
import { describe, expect, it } from "vitest";
import { Ping } from "../../../netsim/apps/ping.ts";
import { Traceroute } from "../../../netsim/apps/traceroute.ts";
import { decodeFrame } from "../../../netsim/wire/decode.ts";
import { host, ip, Sim, SECOND } from "./helpers.ts";
import { wire } from "../l3/helpers.ts";

/** h1 ── r1 ── r2 ── h2 with 10 µs cables: every answer is back long before 16 × SEND_US. */
function shortChain() {
  const sim = new Sim(1);
  const h1 = host(sim, "h1", { eth0: "10.0.1.10/24" }, 0x10);
  const r1 = host(sim, "r1", { eth0: "10.0.1.1/24", eth1: "10.0.2.1/24" }, 0x30);
  const r2 = host(sim, "r2", { eth0: "10.0.2.2/24", eth1: "10.0.3.1/24" }, 0x40);
  const h2 = host(sim, "h2", { eth0: "10.0.3.30/24" }, 0x20);
  for (const [a, da, b, db] of [[h1, "eth0", r1, "eth0"], [r1, "eth1", r2, "eth0"], [r2, "eth1", h2, "eth0"]] as const) wire(a, da, b, db, { latency: 10 });
  r1.stack.ipForward = true;
  r2.stack.ipForward = true;
  h1.stack.addRoute({ dst: 0, prefix: 0, gateway: ip("10.0.1.1") });
  r1.stack.addRoute({ dst: ip("10.0.3.0"), prefix: 24, gateway: ip("10.0.2.2") });
  r2.stack.addRoute({ dst: 0, prefix: 0, gateway: ip("10.0.2.1") });
  h2.stack.addRoute({ dst: 0, prefix: 0, gateway: ip("10.0.3.1") });
  return { sim, h1 };
}

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
