// Host memory as xend 4.0 manages it (balloon.py, XendDomainInfo.setMemoryTarget; domains.md §3):
// dom0 is ballooned down only by the shortfall and never below dom0-min-mem, it does not grow back
// when guests go away, and every refusal is xend's exact message.
import { describe, expect, it } from "vitest";
import { planBalloon } from "../../hypervisor/index.ts";
import { handbookHost, Session } from "./helpers.ts";

const GUEST = (name: string, memory: number) =>
  `name = '${name}'\nmemory = ${memory}\nkernel = '/boot/vmlinuz-2.6.32-5-xen-amd64'\nroot = '/dev/xvda1 ro'\ndisk = ['file:/srv/${name}.img,xvda1,w']\n`;

function withConfigs(configs: Record<string, string>, root = true): Session {
  const host = root ? handbookHost() : handbookHost(1, { root: undefined });
  host.fs.mkdir("/etc/xen", { parents: true });
  host.fs.mkdir("/srv", { parents: true });
  for (const [name, text] of Object.entries(configs)) {
    host.fs.writeFile(`/etc/xen/${name}`, text);
    host.fs.createSparse(`/srv/${name}.img`, 1024 ** 3);
  }
  return new Session(host);
}

describe("planBalloon (balloon.free)", () => {
  it("does nothing when the free pool is enough", () => {
    expect(planBalloon({ needKiB: 1024, freeKiB: 2048, dom0AllocKiB: 900 * 1024, dom0MinKiB: 196 * 1024, ballooning: true })).toEqual({ ok: true });
  });
  it("shrinks dom0 by the shortfall only, rounded down to a MiB", () => {
    expect(planBalloon({ needKiB: 131072, freeKiB: 62464, dom0AllocKiB: 962560, dom0MinKiB: 200704, ballooning: true })).toEqual({ ok: true, dom0TargetMiB: 873 });
    expect(planBalloon({ needKiB: 131072, freeKiB: 62465, dom0AllocKiB: 962560, dom0MinKiB: 200704, ballooning: true })).toEqual({ ok: true, dom0TargetMiB: 873 });
  });
  it("refuses without ballooning", () => {
    expect(planBalloon({ needKiB: 131072, freeKiB: 62464, dom0AllocKiB: 962560, dom0MinKiB: 0, ballooning: false })).toEqual({
      ok: false,
      message: "Not enough free memory and enable-dom0-ballooning is False, so I cannot release any more.  I need 131072 KiB but only have 62464.",
    });
  });
  it("refuses to cross dom0-min-mem", () => {
    expect(planBalloon({ needKiB: 900 * 1024, freeKiB: 62464, dom0AllocKiB: 962560, dom0MinKiB: 200704, ballooning: true })).toEqual({
      ok: false,
      message: "I need 921600 KiB, but dom0_min_mem is 200704 and shrinking to 200704 KiB would leave only 824320 KiB free.",
    });
  });
});

describe("memory through xm", () => {
  it("takes freed memory first and never grows dom0 back", () => {
    const s = withConfigs({ a: GUEST("a", 128), b: GUEST("b", 64) });
    s.script(["xm create a", "xm destroy a"]);
    expect(s.host.hypervisor.dom0.memory.targetMiB).toBe(873);
    expect(s.host.hypervisor.freeKiB()).toBe(128 * 1024);
    s.script(["xm create b"]);
    expect(s.host.hypervisor.dom0.memory.targetMiB).toBe(873);
    expect(s.host.hypervisor.freeKiB()).toBe(64 * 1024);
    s.script(["xm create a"]);
    expect(s.host.hypervisor.dom0.memory.targetMiB).toBe(809);
    expect(s.run("xm list")).toContain("Domain-0                                     0   809     1     r-----");
  });

  it("stops at dom0-min-mem with xend's message, and the failed build still used a domain id", () => {
    const s = withConfigs({ big: GUEST("big", 850), small: GUEST("small", 64) });
    const out = s.run("xm create big");
    expect(out).toBe('Using config file "/etc/xen/big".\nError: I need 870400 KiB, but dom0_min_mem is 200704 and shrinking to 200704 KiB would leave only 824320 KiB free.\n');
    expect(s.last.status).toBe(1);
    expect(s.run("xm list")).not.toContain("big");
    expect(s.run("xm create small")).toContain("Started domain small (id=2)");
  });

  it("refuses when ballooning is disabled (the code default when dom0-min-mem is absent)", () => {
    const s = withConfigs({ a: GUEST("a", 128) }, false);
    expect(s.host.xend.enableDom0Ballooning).toBe(false);
    expect(s.run("xm create a")).toContain(
      "Error: Not enough free memory and enable-dom0-ballooning is False, so I cannot release any more.  I need 131072 KiB but only have 62464.\n",
    );
  });

  it("mem-set: dom0 floor, the guest's maximum, and ballooning for growth", () => {
    const s = withConfigs({ a: GUEST("a", 128).replace("memory = 128", "memory = 64\nmaxmem = 256") });
    expect(s.run("xm mem-set Domain-0 100")).toMatch(/^Error: memory_dynamic_max too small\nUsage: xm mem-set <Domain> <Mem>\n\nSet the current memory usage for a domain.\n$/);
    expect(s.last.status).toBe(1);
    s.run("xm create a");
    expect(s.run("xm mem-set a 512")).toContain("Error: memory_dynamic_max must be less than or equal to memory_static_max\n");
    expect(s.run("xm mem-set a 256")).toBe("");
    expect(s.host.hypervisor.dom0.memory.targetMiB).toBe(745); // 940 - 3 for the guest's 64, then - 192 for its growth
    expect(s.host.hypervisor.lookup("a")!.memory.targetMiB).toBe(256);
    expect(s.run("xm mem-set a 1g")).toContain("memory_static_max");
    expect(s.run("xm mem-set a lots")).toBe("Error: Invalid argument.\nUsage: xm mem-set <Domain> <Mem>\n\nSet the current memory usage for a domain.\n\n");
  });

  it("a paused domain keeps its memory, a saved one gives it back", () => {
    const s = withConfigs({ a: GUEST("a", 128) });
    s.host.fs.mkdir("/var/lib/xen/save", { parents: true });
    s.script(["xm create a", "xm pause a"]);
    expect(s.host.hypervisor.freeKiB()).toBe(0);
    s.script(["xm unpause a", "sleep 30", "xm save a /var/lib/xen/save/a"]);
    expect(s.host.hypervisor.freeKiB()).toBe(128 * 1024);
    expect(s.host.fs.stat("/var/lib/xen/save/a")!.size).toBeGreaterThan(128 * 1024 * 1024);
  });
});
