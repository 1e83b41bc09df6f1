// The guest's network across its lifecycle and the host's: `xm save` takes vif1.0 off xenbr0 (and
// its MAC out of the bridge's table), `xm restore` brings the guest back behind a new vif (vif2.0) —
// its netfront announces itself with a gratuitous ARP and the bridge relearns it there; `xm reboot`
// releases the guest's lease and its next boot asks for the same address (dhclient's lease file keeps
// it, marked expired by the release, so the DISCOVER asks for it rather than an INIT-REBOOT); a host
// reboot saves the guest (xendomains), releases dom0's lease, boots dom0 again from its files and
// restores the guest; and the same seed gives the same trace, event for event.
import { describe, expect, it } from "vitest";
import { formatTraceEvent } from "../../../netsim/engine/index.ts";
import { Bridge } from "../../../netsim/l2/index.ts";
import { ipv4ToString, macToString } from "../../../netsim/wire/address.ts";
import { runXm } from "../../../hypervisor/index.ts";
import { createGuest, describe as frameOf, machine, ping, Recorder } from "./helpers.ts";

const SECOND = 1_000_000;

function running(seed = 1) {
  const m = machine({}, { seed });
  m.boot();
  createGuest(m, ["--dhcp"]);
  m.sim.runFor(60 * SECOND);
  return m;
}

const portsOf = (m: ReturnType<typeof running>) => (m.dom0!.node.device("xenbr0") as Bridge).ports.map((p) => p.name);

describe("the guest's network across save, restore and reboot", () => {
  it("comes back behind vif2.0 after save and restore, and the bridge relearns it from its gratuitous ARP", () => {
    const m = running();
    const guestMac = m.stackOf("testxen")!.device("eth0")!.mac;
    const address = m.stackOf("testxen")!.addresses("eth0")[0]!.address;
    const xenbr0 = m.dom0!.node.device("xenbr0") as Bridge;
    expect(xenbr0.showMacs().some((r) => r.mac === guestMac && !r.isLocal)).toBe(true);
    m.xen.fs.mkdir("/var/lib/xen/save", { parents: true });
    const rec = new Recorder(m, (e) => e.kind === "learn" || e.kind === "tx" || e.kind === "port-state");

    expect(runXm(m.toolstack, ["save", "testxen", "/var/lib/xen/save/testxen"]).status).toBe(0);
    expect(portsOf(m)).toEqual(["eth0"]);
    expect(m.stackOf("dom0")!.device("vif1.0")).toBeUndefined();
    expect(xenbr0.showMacs().some((r) => r.mac === guestMac)).toBe(false);
    m.sim.runFor(10 * SECOND);

    const restored = runXm(m.toolstack, ["restore", "/var/lib/xen/save/testxen"]);
    expect(restored.status).toBe(0);
    expect(portsOf(m)).toEqual(["eth0", "vif2.0"]);
    m.sim.runFor(20 * SECOND);
    const garp = rec.events.find((e): e is Extract<typeof e, { kind: "tx" }> => e.kind === "tx" && e.node === "testxen" && frameOf(e.frame).kind === "arp");
    // A gratuitous ARP: the guest's own address as both sender and target, from its MAC.
    expect(frameOf(garp!.frame)).toMatchObject({ src: ipv4ToString(address), dst: ipv4ToString(address), ethSrc: macToString(guestMac) });
    const relearnt = rec.events.find((e) => e.kind === "learn" && e.node === "dom0" && e.mac === guestMac);
    expect(relearnt).toMatchObject({ bridge: "xenbr0", port: "vif2.0" });
    expect(relearnt!.time).toBe(garp!.time + 5);
    expect(m.stackOf("testxen")!.addresses("eth0")[0]!.address).toBe(address);
    expect(ping(m, "testxen", "router", 2).exitCode).toBe(0);
    expect(ping(m, "router", ipv4ToString(address), 2).exitCode).toBe(0);
  });

  it("xm reboot: the guest releases its lease going down and asks for it again in its DISCOVER coming up", () => {
    const m = running();
    const address = m.stackOf("testxen")!.addresses("eth0")[0]!.address;
    const rec = new Recorder(m, (e) => e.kind === "dhcp" && e.node === "testxen");
    expect(runXm(m.toolstack, ["reboot", "testxen"]).status).toBe(0);
    m.sim.runFor(60 * SECOND);
    const states = rec.events.map((e) => (e.kind === "dhcp" ? (e.event === "state" ? e.detail : e.event) : ""));
    // dhclient -r wrote the lease back with expire = now: no INIT-REBOOT for it (state_reboot).
    expect(states.slice(0, 4)).toEqual(["released", "STOPPED", "SELECTING", "REQUESTING"]);
    expect(states[states.length - 1]).toBe("BOUND");
    expect(m.xen.hypervisor.lookup("testxen")?.domid).toBe(2);
    expect(portsOf(m)).toEqual(["eth0", "vif2.0"]);
    expect(m.stackOf("testxen")!.addresses("eth0")[0]!.address).toBe(address);
    expect(m.world.dhcp!.leaseFile().filter((l) => l.includes(ipv4ToString(address)))).toHaveLength(1);
  });

  it("survives a host reboot: xendomains saves it, dom0 boots again from its files, the guest is restored", () => {
    const m = running();
    const address = m.stackOf("testxen")!.addresses("eth0")[0]!.address;
    const out = m.reboot();
    expect(out).toMatch(/^Shutting down Xen domains: testxen\(save\)\.*\n/);
    expect(out).toContain("Deconfiguring network interfaces...");
    expect(out).toMatch(/DHCPRELEASE on xenbr0 to 192\.168\.1\.1 port 67\n/);
    expect(out).toMatch(/Configuring network interfaces\.\.\.Internet Systems Consortium/);
    expect(out).toMatch(/DHCPREQUEST on xenbr0 to 255\.255\.255\.255 port 67\n/);
    expect(out).toMatch(/Restoring Xen domains: testxen\n$/);
    // A new hypervisor counts domains from 1 again.
    expect(m.xen.hypervisor.lookup("testxen")?.domid).toBe(1);
    expect(portsOf(m)).toEqual(["eth0", "vif1.0"]);
    expect(m.xen.fs.listDir("/var/lib/xen/save")).toEqual([]);
    m.sim.runFor(30 * SECOND);
    expect(m.stackOf("testxen")!.addresses("eth0")[0]!.address).toBe(address);
    expect(ping(m, "testxen", "www", 2).exitCode).toBe(0);
  });

  it("is deterministic: the same seed gives the same trace, another seed another", () => {
    const trace = (seed: number): string => {
      const m = machine({}, { seed });
      const lines: string[] = [];
      m.sim.trace.subscribe((e) => void lines.push(formatTraceEvent(e)));
      m.boot();
      createGuest(m, ["--dhcp"]);
      m.sim.runFor(60 * SECOND);
      ping(m, "testxen", "www", 2);
      return lines.join("\n");
    };
    const a = trace(7);
    expect(a.length).toBeGreaterThan(10_000);
    expect(trace(7)).toBe(a);
    expect(trace(8)).not.toBe(a);
  });
});
