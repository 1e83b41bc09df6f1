// Domain ids and lifecycle: the rover that only moves forward (a reboot, a save/restore or a
// destroy+create gives a new id, hence a new vif name), and what xend does when a guest stops on its
// own: on_poweroff / on_reboot / on_crash with destroy, preserve, restart, rename-restart and the
// coredump actions, and the refusal to restart a domain that dies within 60 s.
import { describe, expect, it } from "vitest";
import { DomidRover, DOMID_FIRST_RESERVED } from "../../hypervisor/index.ts";
import { handbookHost, Session } from "./helpers.ts";

function guestHost(extra = ""): Session {
  const host = handbookHost();
  host.fs.mkdir("/srv", { parents: true });
  host.fs.createSparse("/srv/g.img", 1024 ** 3);
  host.fs.writeFile(
    "/etc/xen/g.cfg",
    `name = 'g'\nmemory = 64\nkernel = '/boot/vmlinuz-2.6.32-5-xen-amd64'\nroot = '/dev/xvda1 ro'\ndisk = ['file:/srv/g.img,xvda1,w']\nvif = ['mac=00:16:3e:00:00:01']\n${extra}`,
  );
  return new Session(host);
}

describe("DomidRover", () => {
  it("hands out ids after the last one, never reusing until it wraps", () => {
    const rover = new DomidRover();
    const used = new Set<number>();
    const next = () => {
      const id = rover.next((d) => used.has(d))!;
      used.add(id);
      return id;
    };
    expect([next(), next(), next()]).toEqual([1, 2, 3]);
    used.delete(1);
    expect(next()).toBe(4);
  });

  it("wraps below DOMID_FIRST_RESERVED back to 1, skipping ids in use", () => {
    const rover = new DomidRover();
    const used = new Set([1, 2]);
    for (let i = 3; i < DOMID_FIRST_RESERVED; i++) expect(rover.next((d) => used.has(d))).toBe(i);
    expect(rover.next((d) => used.has(d))).toBe(3);
    expect(rover.next(() => true)).toBeUndefined();
  });
});

describe("new domain ids", () => {
  it("reboot, save/restore and destroy+create each give a new id and vif name", () => {
    const s = guestHost();
    s.host.fs.mkdir("/var/lib/xen/save", { parents: true });
    const vif = () => s.host.hypervisor.lookup("g")!.vifs.get(0)!.name;
    s.script(["xm create g.cfg", "sleep 70"]);
    expect(vif()).toBe("vif1.0");
    s.script(["xm reboot g", "sleep 10"]);
    expect(vif()).toBe("vif2.0");
    s.script(["xm save g /var/lib/xen/save/g", "xm restore /var/lib/xen/save/g"]);
    expect(vif()).toBe("vif3.0");
    s.script(["xm destroy g", "xm create g.cfg"]);
    expect(vif()).toBe("vif4.0");
    expect(s.host.hypervisor.lookup("g")!.restartCount).toBe(0);
  });
});

describe("on_poweroff, on_reboot, on_crash", () => {
  it("preserve keeps a powered-off domain as ---s-- with its memory until destroyed", () => {
    const s = guestHost("on_poweroff = 'preserve'\n");
    s.script(["xm create g.cfg", "sleep 10", "xm shutdown g", "sleep 10"]);
    expect(s.run("xm list")).toContain("g                                            1    64     1     ---s--");
    expect(s.host.hypervisor.freeKiB()).toBe(0);
    s.run("xm destroy g");
    expect(s.host.hypervisor.freeKiB()).toBe(64 * 1024);
  });

  it("a crash is shown as ----c- when preserved", () => {
    const s = guestHost("on_crash = 'preserve'\n");
    s.script(["xm create g.cfg", "sleep 10"]);
    s.host.hypervisor.lookup("g")!.guest!.crash();
    s.run("sleep 1");
    expect(s.run("xm list")).toContain("     ----c-");
    expect(s.run("xm unpause g")).toContain("Error: Domain 'g' is not started");
  });

  it("refuses to restart a domain that crashed within 60 s, and notes it in xend.log", () => {
    const s = guestHost();
    s.script(["xm create g.cfg", "sleep 5"]);
    s.host.hypervisor.lookup("g")!.guest!.crash();
    s.run("sleep 1");
    expect(s.run("xm list")).not.toContain("g ");
    expect(s.host.fs.readFile("/var/log/xen/xend.log")).toMatch(/ERROR \(XendDomainInfo\) VM g restarting too fast \(Elapsed time: 5\.\d+ seconds\)\. Refusing to restart to avoid loops\./);
  });

  it("restarts a crashed domain after 60 s with a new id", () => {
    const s = guestHost();
    s.script(["xm create g.cfg", "sleep 70"]);
    s.host.hypervisor.lookup("g")!.guest!.crash();
    s.run("sleep 2");
    expect(s.host.hypervisor.lookup("g")!.domid).toBe(2);
    expect(s.host.hypervisor.lookup("g")!.restartCount).toBe(1);
  });

  it("rename-restart keeps the dead domain as Domain-<uuid>", () => {
    const s = guestHost("on_crash = 'rename-restart'\n");
    s.script(["xm create g.cfg", "sleep 70"]);
    s.host.hypervisor.lookup("g")!.guest!.crash();
    s.run("sleep 2");
    const list = s.run("xm list");
    expect(list).toMatch(/Domain-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\s+1\s+64\s+1\s+----c-/);
    expect(list).toMatch(/\ng\s+2\s+64\s+1\s+/);
  });

  it("coredump-destroy writes a core file the size of the memory", () => {
    const s = guestHost("on_crash = 'coredump-destroy'\n");
    s.script(["xm create g.cfg", "sleep 70"]);
    s.host.hypervisor.lookup("g")!.guest!.crash();
    s.run("sleep 1");
    const dumps = s.host.fs.listDir("/var/xen/dump")!;
    expect(dumps).toHaveLength(1);
    expect(dumps[0]).toMatch(/^2011-0215-12\d{2}\.\d{2}-g\.1\.core$/);
    expect(s.host.fs.stat(`/var/xen/dump/${dumps[0]}`)!.size).toBe(64 * 1024 * 1024);
    expect(s.host.hypervisor.lookup("g")).toBeUndefined();
  });

  it("halt typed at the root shell on the console powers the guest off (on_poweroff destroy)", () => {
    const s = guestHost();
    const image = { kind: "guest-image", hostname: "g", dist: "squeeze", arch: "amd64", fs: "ext3", rootPassword: "secret", serialDevice: "hvc0", files: {}, packages: ["udev"] };
    s.host.fs.createSparse("/srv/g.img", 1024 ** 3);
    s.host.fs.writeFile("/srv/g.img", new Uint8Array(0), { size: 1024 ** 3, allocated: false, attachment: image });
    s.script(["xm create g.cfg", "sleep 10"]);
    const session = s.host.toolstack.console("g");
    if (!session.ok) throw new Error("no console");
    expect(session.value.backlog).toMatch(/g login: $/);
    session.value.type("root\r");
    session.value.type("wrong\r");
    s.run("sleep 4");
    expect(session.value.take()).toBe("root\r\nPassword: \r\n\r\nLogin incorrect\r\ng login: ");
    session.value.type("root\rsecret\r");
    expect(session.value.take()).toContain("root@g:~# ");
    session.value.type("halt\r");
    s.run("sleep 10");
    const out = session.value.take();
    expect(out).toContain("The system is going down for system halt NOW!");
    expect(out).toContain("Will now halt.\r\n");
    expect(out).toMatch(/\[\s+\d+\.\d{6}\] System halted\.\r\n$/);
    expect(s.host.hypervisor.lookup("g")).toBeUndefined();
  });

  it("xm reboot shows the reboot sequence and the new domain boots again", () => {
    const s = guestHost();
    s.script(["xm create g.cfg", "sleep 70", "xm console g"]);
    s.script(["xm reboot g", "sleep 1"]);
    const old = s.host.hypervisor.lookup("g")!;
    const session = old.console.attach();
    s.run("sleep 10");
    expect(session.backlog + session.take()).toMatch(/The system is going down for reboot NOW![\s\S]*Will now restart\.\r\n\[\s+\d+\.\d{6}\] Restarting system\.\r\n$/);
    expect(s.host.hypervisor.lookup("g")!.console.peek()).toContain("g login: ");
  });
});
