// The guest OS model and its two seams: a paused or saved guest is frozen (nothing it schedules
// happens, its clock stops), the GuestHooks are called at the points the network side needs, the
// VifBackend sees each vif come online, connect, pause and go offline under the right vifD.N name,
// hotplug failures become xm's errors, and the console detaches on Ctrl+].
import { describe, expect, it } from "vitest";
import type { Netfront } from "../../netsim/l2/index.ts";
import type { GuestHooks, GuestOs, HotplugStatus, VifBackend, VifInfo } from "../../hypervisor/index.ts";
import { CONSOLE_ESCAPE } from "../../hypervisor/index.ts";
import { handbookHost, Session } from "./helpers.ts";

const CFG = "name = 'g'\nmemory = 64\nkernel = '/boot/vmlinuz-2.6.32-5-xen-amd64'\nramdisk = '/boot/initrd.img-2.6.32-5-xen-amd64'\nroot = '/dev/xvda1 ro'\ndisk = ['file:/srv/g.img,xvda1,w']\nvif = ['mac=00:16:3e:00:00:01']\n";

class RecordingHooks implements GuestHooks {
  calls: string[] = [];
  pendingStart: (() => void) | null = null;
  constructor(private readonly delayStart = false) {}
  networkStart(guest: GuestOs, done: () => void): void {
    this.calls.push(`networkStart ${guest.hostname} nics=${[...guest.nics.values()].map((n) => n.name).join(",")}`);
    if (this.delayStart) this.pendingStart = done;
    else done();
  }
  networkStop(): void {
    this.calls.push("networkStop");
  }
  frozen(_g: GuestOs, why: string): void {
    this.calls.push(`frozen ${why}`);
  }
  thawed(_g: GuestOs, why: string, missedUs: number): void {
    this.calls.push(`thawed ${why} ${Math.round(missedUs / 1e6)}s`);
  }
  halted(_g: GuestOs, why: string): void {
    this.calls.push(`halted ${why}`);
  }
}

class RecordingBackend implements VifBackend {
  calls: string[] = [];
  constructor(private readonly answer: HotplugStatus | "never" = { status: "connected" }) {}
  online(vif: VifInfo, report: (s: HotplugStatus) => void): void {
    this.calls.push(`online ${vif.name} ${vif.device.mac}`);
    if (this.answer !== "never") report(this.answer);
  }
  offline(vif: VifInfo): void {
    this.calls.push(`offline ${vif.name}`);
  }
  frontendConnected(vif: VifInfo, front: Netfront): void {
    this.calls.push(`connected ${vif.name} ${front.name}`);
  }
  paused(vif: VifInfo): void {
    this.calls.push(`paused ${vif.name}`);
  }
  unpaused(vif: VifInfo): void {
    this.calls.push(`unpaused ${vif.name}`);
  }
}

function session(hooks: GuestHooks, backend: VifBackend): Session {
  const host = handbookHost(1, { guestHooks: hooks, vifBackend: backend });
  host.fs.mkdir("/srv", { parents: true });
  host.fs.createSparse("/srv/g.img", 1024 ** 3);
  host.fs.writeFile("/etc/xen/g.cfg", CFG);
  host.fs.mkdir("/var/lib/xen/save", { parents: true });
  return new Session(host);
}

describe("a paused guest is frozen", () => {
  it("prints nothing and uses no CPU while paused, then carries on", () => {
    const s = session(new RecordingHooks(), new RecordingBackend());
    s.run("xm create -p g.cfg");
    const dom = s.host.hypervisor.lookup("g")!;
    expect(dom.stateString()).toBe("--p---");
    s.run("sleep 30");
    expect(dom.console.peek()).toBe("");
    expect(dom.cpu.seconds).toBe(0);
    s.run("xm unpause g");
    s.run("sleep 1");
    const partial = dom.console.peek();
    expect(partial).toContain("Linux version 2.6.32-5-xen-amd64");
    s.run("xm pause g");
    const cpu = dom.cpu.seconds;
    s.run("sleep 60");
    expect(dom.console.peek()).toBe(partial);
    expect(dom.cpu.seconds).toBe(cpu);
    s.run("xm unpause g");
    s.run("sleep 10");
    expect(dom.console.peek()).toMatch(/g login: $/);
    expect(dom.guest!.clock.now).toBeLessThan(12_000_000);
  });
});

describe("GuestHooks", () => {
  it("are called at network start, pause, save/restore and shutdown", () => {
    const hooks = new RecordingHooks();
    const s = session(hooks, new RecordingBackend());
    s.script(["xm create g.cfg", "sleep 10", "xm pause g", "sleep 7", "xm unpause g"]);
    s.script(["xm save g /var/lib/xen/save/g", "sleep 20", "xm restore /var/lib/xen/save/g", "sleep 70", "xm shutdown -w g"]);
    expect(hooks.calls).toEqual([
      "networkStart g nics=eth0",
      "frozen pause",
      "thawed unpause 7s",
      "frozen suspend",
      "thawed resume 22s",
      "networkStop",
      "halted poweroff",
    ]);
  });

  it("boot waits for the network start to finish", () => {
    const hooks = new RecordingHooks(true);
    const s = session(hooks, new RecordingBackend());
    s.script(["xm create g.cfg", "sleep 30"]);
    const dom = s.host.hypervisor.lookup("g")!;
    expect(dom.console.peek()).toMatch(/Configuring network interfaces\.\.\.$/);
    hooks.pendingStart!();
    s.run("sleep 5");
    expect(dom.console.peek()).toMatch(/Configuring network interfaces\.\.\.done\.\r\n[\s\S]*g login: $/);
  });
});

describe("VifBackend", () => {
  it("sees the vif online, connected, paused, offline, and again under a new name after restore", () => {
    const backend = new RecordingBackend();
    const s = session(new RecordingHooks(), backend);
    s.script(["xm create g.cfg", "sleep 10", "xm pause g", "xm unpause g", "xm save g /var/lib/xen/save/g", "xm restore /var/lib/xen/save/g", "sleep 1", "xm destroy g"]);
    expect(backend.calls).toEqual([
      "online vif1.0 00:16:3e:00:00:01",
      "connected vif1.0 eth0",
      "paused vif1.0",
      "unpaused vif1.0",
      "offline vif1.0",
      "online vif2.0 00:16:3e:00:00:01",
      "connected vif2.0 eth0",
      "offline vif2.0",
    ]);
  });

  it("a hotplug script that never answers fails xm create after 100 s", () => {
    const s = session(new RecordingHooks(), new RecordingBackend("never"));
    const start = s.host.sim.now;
    expect(s.run("xm create g.cfg")).toBe('Using config file "/etc/xen/g.cfg".\nError: Device 0 (vif) could not be connected. Hotplug scripts not working.\n');
    expect(s.host.sim.now - start).toBeGreaterThanOrEqual(100_000_000);
    expect(s.run("xm list")).not.toContain("\ng ");
    expect(s.host.hypervisor.freeKiB()).toBe(61 * 1024 + 3 * 1024);
  });

  it("a script's fatal message is reported after xend's words", () => {
    const s = session(new RecordingHooks(), new RecordingBackend({ status: "error", message: "Could not find bridge device xenbr0" }));
    expect(s.run("xm create g.cfg")).toContain("Error: Device 0 (vif) could not be connected. Could not find bridge device xenbr0\n");
    const s2 = session(new RecordingHooks(), new RecordingBackend({ status: "error" }));
    expect(s2.run("xm create g.cfg")).toContain("Error: Device 0 (vif) could not be connected. Backend device not found.\n");
  });

  it("network-attach and network-detach add and remove vifs and NICs", () => {
    const backend = new RecordingBackend();
    const s = session(new RecordingHooks(), backend);
    s.script(["xm create g.cfg", "sleep 10", "xm network-attach g mac=00:16:3e:00:00:02 bridge=xenbr0", "sleep 1"]);
    const dom = s.host.hypervisor.lookup("g")!;
    expect([...dom.guest!.nics.values()].map((n) => n.name)).toEqual(["eth0", "eth1"]);
    expect(backend.calls.slice(-2)).toEqual(["online vif1.1 00:16:3e:00:00:02", "connected vif1.1 eth1"]);
    expect(s.run("xm network-list g")).toBe(
      "Idx BE     MAC Addr.     handle state evt-ch tx-/rx-ring-ref BE-path\n" +
        "0   0  00:16:3e:00:00:01    0     4      4     768  /769     /local/domain/0/backend/vif/1/0  \n" +
        "1   0  00:16:3e:00:00:02    1     4      5     770  /771     /local/domain/0/backend/vif/1/1  \n",
    );
    expect(s.run("xm network-attach g colour=red")).toMatch(/^Error: Invalid argument: colour=red\nUsage: xm network-attach <Domain>/);
    expect(s.run("xm network-detach g 00:16:3E:00:00:02")).toBe("");
    expect(backend.calls.at(-1)).toBe("offline vif1.1");
    expect(s.run("xm network-detach g 7")).toMatch(/^Error: Device 7 not connected\nUsage: xm network-detach/);
    expect(s.run("xm network-detach g 00:11:22:33:44:55")).toMatch(/^Error: Cannot find device '00:11:22:33:44:55' in domain 'g'\n/);
  });
});

describe("the console", () => {
  it("detaches on Ctrl+] and keeps what arrives meanwhile for the next client", () => {
    const s = session(new RecordingHooks(), new RecordingBackend());
    s.script(["xm create g.cfg", "sleep 2"]);
    const first = s.host.toolstack.console("g");
    if (!first.ok) throw new Error("console");
    expect(first.value.backlog).toContain("[    0.000000] Initializing cgroup subsys cpuset");
    expect(first.value.type(`x${CONSOLE_ESCAPE}y`)).toBe(false);
    expect(first.value.attached).toBe(false);
    s.run("sleep 10");
    const second = s.host.toolstack.console("g");
    if (!second.ok) throw new Error("console");
    expect(second.value.backlog).not.toContain("Initializing cgroup");
    expect(second.value.backlog).toMatch(/g login: $/);
    expect(s.run("xm console g")).toBe("Error: Domain 1 console is in use\n");
    expect(s.run("xm console nothere")).toBe("Error: Domain 'nothere' does not exist.\n");
    expect(s.last.status).toBe(3);
  });

  it("a guest with no root device and no initramfs panics; on_crash applies", () => {
    const s = session(new RecordingHooks(), new RecordingBackend());
    s.host.fs.writeFile("/etc/xen/p.cfg", "name = 'p'\nmemory = 32\nkernel = '/boot/vmlinuz-2.6.32-5-xen-amd64'\nroot = '/dev/xvda9 ro'\non_crash = 'preserve'\n");
    s.script(["xm create p.cfg", "sleep 5"]);
    const dom = s.host.hypervisor.lookup("p")!;
    expect(dom.console.peek()).toContain('VFS: Cannot open root device "xvda9" or unknown-block(0,0)');
    expect(dom.console.peek()).toContain("Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)");
    expect(dom.stateString()).toBe("----c-");
  });
});
