// The diff half against the simulation itself: a run compared with itself agrees; a copy with one
// frame changed, dropped, repeated or delayed disagrees at that frame of that interface, and says
// why; IPv6 on the real side and a lease of another value are tolerated, and the report says so.
import { beforeAll, describe, expect, it } from "vitest";
import { nodeFsReader } from "../../../topology/interfaces/index.ts";
import { worldOfRoot } from "../../../hypervisor/index.ts";
import { bootForFidelity, compareRuns, describe as describeFrame, diffScript, entriesOf, firstDifference, formatReport, rolesOf, simulateScript, splitPrelude, type Roles } from "../../../fidelity/diff/index.ts";
import type { ScriptRun, Seen } from "../../../fidelity/types.ts";
import { decodeFrame } from "../../../netsim/wire/decode.ts";

const root = nodeFsReader({ root: new URL("../../../examples/nat-dnsmasq", import.meta.url).pathname });
const host = { root, world: worldOfRoot(root).value, seed: 1 };
const SCRIPT = "on web ping -c 2 www\n";

let roles: Roles;
let run: ScriptRun;
beforeAll(() => {
  const { machine } = bootForFidelity(host);
  roles = rolesOf(machine);
  run = simulateScript(machine, SCRIPT);
});

/** A copy of `run` as the real side, with web:eth0's frames changed by `edit`. */
function realWith(edit: (seen: Seen[]) => Seen[], key = "web:eth0"): ScriptRun {
  const captures = new Map([...run.captures].map(([k, v]) => [k, k === key ? edit([...v]) : [...v]]));
  return { ...run, side: "real", captures };
}

function isReply(s: Seen): boolean {
  const d = decodeFrame(s.frame, { verifyChecksums: false });
  return d.ok && d.value.icmp?.kind === "echo-reply";
}

/** Index of the first frame at or after the script's start that is an ICMP echo reply. */
function firstReply(seen: readonly Seen[]): number {
  return seen.findIndex((s) => s.time >= 0 && isReply(s));
}

describe("xennet diff, simulation against itself", () => {
  it("agrees with an identical run (diffScript with the simulation as the realiser)", async () => {
    const report = await diffScript({ ...host, script: SCRIPT, scriptName: "t.sh" }, async (m, s) => ({ ...simulateScript(m, s), side: "real" }));
    expect(report.agree).toBe(true);
    expect(report.interfaces.find((i) => i.iface === "web:eth0")).toMatchObject({ status: "agree" });
    expect(formatReport(report)).toMatch(/all interfaces agree/);
  });

  it("reads web's ping as role lines", () => {
    const lines = entriesOf(roles, run.captures.get("web:eth0")!).map((e) => e.text);
    expect(lines).toContain("web>bcast arp request who-has dom0.br0 tell web");
    expect(lines).toContain("web>dom0 icmp echo-request web > www ttl 64");
    expect(lines).toContain("dom0>web icmp echo-reply www > web ttl 62");
  });

  it("disagrees at the first frame whose TTL was changed, with context from both sides", () => {
    const real = realWith((seen) => seen.map((s, k) => {
      if (k < firstReply(seen) || !isReply(s)) return s;
      const frame = s.frame.slice();
      frame[14 + 8] = 61; // the IPv4 TTL
      return { ...s, frame };
    }));
    const report = compareRuns("t.sh", roles, run, real);
    expect(report.agree).toBe(false);
    const web = report.interfaces.find((i) => i.iface === "web:eth0");
    expect(web).toMatchObject({ status: "differ", why: "only-sim" });
    if (web?.status !== "differ") throw new Error("no difference");
    expect(web.sim[web.simIndex - web.simFrom]).toMatch(/echo-reply www > web ttl 62/);
    expect(web.real[web.realIndex - web.realFrom]).toMatch(/echo-reply www > web ttl 61/);
    expect(report.interfaces.filter((i) => i.status === "differ").map((i) => i.iface)).toEqual(["web:eth0"]);
    expect(formatReport(report)).toMatch(/web:eth0: DIFFER \(a packet only the simulation has\)/);
  });

  it("disagrees when a frame is missing, repeated, more than a second late or out of order", () => {
    const dropped = compareRuns("t.sh", roles, run, realWith((seen) => seen.filter((_, k) => k !== firstReply(seen))));
    expect(dropped.interfaces.find((i) => i.iface === "web:eth0")).toMatchObject({ status: "differ", why: "count" });
    const repeated = compareRuns("t.sh", roles, run, realWith((seen) => {
      const i = firstReply(seen);
      return [...seen.slice(0, i + 1), { ...seen[i]!, time: seen[i]!.time + 10 }, ...seen.slice(i + 1)];
    }));
    expect(repeated.interfaces.find((i) => i.iface === "web:eth0")).toMatchObject({ status: "differ", why: "count" });
    const late = compareRuns("t.sh", roles, run, realWith((seen) => seen.map((s) => (s.time >= 0 ? { ...s, time: s.time + 2_500_000 } : s))));
    expect(late.interfaces.find((i) => i.iface === "web:eth0")).toMatchObject({ status: "differ", why: "time" });
    const littleLate = compareRuns("t.sh", roles, run, realWith((seen) => seen.map((s) => (s.time >= 0 ? { ...s, time: s.time + 600_000 } : s))));
    expect(littleLate.agree).toBe(true);
  });

  it("tells a reordering from a race", () => {
    const e = (text: string, ms: number) => ({ text, time: ms * 1000 });
    expect(firstDifference([e("a", 0), e("b", 100)], [e("b", 0), e("a", 100)])).toMatchObject({ why: "order", simIndex: 1 });
    expect(firstDifference([e("a", 0), e("b", 5)], [e("b", 0), e("a", 5)])).toBeUndefined();
    expect(firstDifference([e("a", 0), e("a", 1000)], [e("a", 0)])).toMatchObject({ why: "count", simIndex: 1 });
    expect(firstDifference([e("a", 0)], [e("a", 0), e("c", 7)])).toMatchObject({ why: "only-real", realIndex: 1 });
    const hello = "dom0>stp stp config root dom0 cost 0 tc";
    expect(firstDifference([e("a", 0), e(hello, 1366)], [e(hello, 130), e("a", 0)])).toBeUndefined();
    expect(firstDifference([e(hello, 1366)], [e(hello.replace(" tc", ""), 130)])).toMatchObject({ why: "only-sim" });
  });

  it("compares the set-up's frames by kind when asked to", () => {
    const shuffled = realWith((seen) => {
      const setup = seen.filter((s) => s.time < 0).reverse().map((s, k) => ({ ...s, time: -1 - k }));
      return [...setup.reverse(), ...seen.filter((s) => s.time >= 0)];
    });
    expect(compareRuns("t.sh", roles, run, shuffled, { setup: true }).agree).toBe(true);
    const first = run.captures.get("web:eth0")![0]!;
    const line = describeFrame(roles, first.frame);
    const without = realWith((seen) => seen.filter((s) => s.time >= 0 || describeFrame(roles, s.frame) !== line));
    expect(compareRuns("t.sh", roles, run, without).agree).toBe(true);
    expect(compareRuns("t.sh", roles, run, without, { setup: true }).interfaces.find((i) => i.iface === "web:eth0")).toMatchObject({ status: "differ" });
    const twice = realWith((seen) => [{ ...first, time: first.time - 1 }, ...seen]);
    expect(compareRuns("t.sh", roles, run, twice, { setup: true }).agree).toBe(true);
  });

  it("drops IPv6 and IGMP on the real side and ignores interfaces it did not capture", () => {
    const mld = new Uint8Array(90);
    mld.set([0x33, 0x33, 0, 0, 0, 0x16, 0x00, 0x16, 0x3e, 0, 0x0a, 0x01, 0x86, 0xdd, 0x60]);
    const igmp = new Uint8Array(60);
    igmp.set([0x01, 0x00, 0x5e, 0, 0, 0x16, 0x02, 0, 0, 0, 0xf0, 0x01, 0x08, 0x00, 0x46, 0xc0, 0, 40, 0, 0, 0x40, 0, 1, 2]);
    const real = realWith((seen) => [{ time: 100, frame: mld }, { time: 200, frame: igmp }, ...seen]);
    const partial = new Map(real.captures);
    partial.delete("lan:switch");
    const report = compareRuns("t.sh", roles, run, { ...real, captures: partial });
    expect(report.agree).toBe(true);
    expect(report.interfaces.find((i) => i.iface === "lan:switch")).toMatchObject({ status: "sim-only" });
    expect(report.notes.join("\n")).toMatch(/IPv6 .* IGMP/);
  });

  it("compares a lease of another value by its holder and notes it", () => {
    const report = compareRuns("t.sh", roles, run, run);
    expect(report.notes.join("\n")).not.toMatch(/web leased/);
    const other = new Map([...run.captures].map(([k, v]) => [k, v.map((s) => ({ ...s, frame: relabel(s.frame, [10, 0, 0, 184], [10, 0, 0, 150]) }))]));
    const moved = compareRuns("t.sh", roles, run, { ...run, side: "real", captures: other });
    expect(moved.notes.join("\n")).toMatch(/web leased 10\.0\.0\.150 for real and 10\.0\.0\.184 in simulation/);
    expect(moved.agree).toBe(true);
  });
});

/** The frame with every occurrence of the 4 bytes `from` replaced by `to` (checksums are not verified). */
function relabel(frame: Uint8Array, from: readonly number[], to: readonly number[]): Uint8Array {
  const out = frame.slice();
  for (let i = 0; i + 4 <= out.length; i++) if (from.every((b, k) => out[i + k] === b)) out.set(to, i);
  return out;
}

describe("a script's prelude", () => {
  it("is its leading toolstack lines (with the sleeps and comments among them), blanked in the body", () => {
    const script = "# make a guest\nxen-create-image --hostname testxen\nsleep 1\nxm create testxen.cfg\nsleep 5\non testxen ping -c 1 www\nxm list\n";
    const { prelude, body } = splitPrelude(script);
    expect(prelude).toEqual(["xen-create-image --hostname testxen", "sleep 1", "xm create testxen.cfg"]);
    expect(body).toBe("\n\n\n\nsleep 5\non testxen ping -c 1 www\nxm list\n");
    expect(splitPrelude("sleep 2\nping -c 1 www\n")).toEqual({ prelude: [], body: "sleep 2\nping -c 1 www\n" });
  });

  it("builds the handbook's testxen on both sides before the script, and says so", async () => {
    const handbook = { root: nodeFsReader({ root: "examples/handbook" }), world: worldOfRoot(undefined).value, seed: 1 };
    const script = "xen-create-image --hostname testxen --dhcp --dir /srv/testxen --size=2G --dist=squeeze --role=udev\nxm create testxen.cfg\non testxen ping -c 1 www\n";
    let planned: string[] = [];
    const report = await diffScript({ ...handbook, script, scriptName: "h.sh" }, async (m, s) => {
      planned = m.guests.all().map((g) => g.name);
      return { ...simulateScript(m, s), side: "real" };
    });
    expect(planned).toEqual(["testxen"]);
    expect(report.agree).toBe(true);
    expect(report.interfaces.find((i) => i.iface === "testxen:eth0")).toMatchObject({ status: "agree" });
    expect(report.notes[0]).toMatch(/^the script's first lines built the host in simulation on both sides/);
  });
});
