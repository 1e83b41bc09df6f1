// /etc/init.d/xendomains on host shutdown and boot (domains.md §5): stop saves every running guest
// into XENDOMAINS_SAVE with the script's lines and watchdog dots; start restores them (new domids,
// same MACs, save files deleted) and creates the /etc/xen/auto domains not already running.
import { describe, expect, it } from "vitest";
import { handbookHost, Session } from "./helpers.ts";

function twoGuests(): Session {
  const s = new Session(handbookHost());
  s.run("xen-create-image --hostname=testxen --dhcp --dir=/srv/testxen --size=2G --dist=squeeze --role=udev");
  s.run("xen-create-image --hostname=web --ip=192.168.1.60 --gateway=192.168.1.1 --netmask=255.255.255.0 --dir=/srv/web");
  s.script(["xm create testxen.cfg", "xm create web.cfg", "sleep 30"]);
  return s;
}

describe("xendomains", () => {
  it("stop saves each guest, start restores them with new ids", () => {
    const s = twoGuests();
    const hv = s.host.hypervisor;
    const macs = ["testxen", "web"].map((n) => hv.lookup(n)!.spec.vifs[0]!.mac);
    expect(s.run("/etc/init.d/xendomains stop")).toBe("Shutting down Xen domains: testxen(save).. web(save)..\n");
    expect(hv.domains().map((d) => d.name)).toEqual(["Domain-0"]);
    expect(s.host.fs.listDir("/var/lib/xen/save")).toEqual(["testxen", "web"]);
    expect(hv.freeKiB()).toBe(256 * 1024);
    expect(s.run("/etc/init.d/xendomains start")).toBe("Restoring Xen domains: testxen web\n");
    expect(s.host.fs.listDir("/var/lib/xen/save")).toEqual([]);
    expect(["testxen", "web"].map((n) => hv.lookup(n)!.domid)).toEqual([3, 4]);
    expect(["testxen", "web"].map((n) => hv.lookup(n)!.spec.vifs[0]!.mac)).toEqual(macs);
    expect(s.run("xm list")).toMatch(/testxen\s+3\s+128\s+1\s+-b----[\s\S]*web\s+4\s+128\s+1\s+-b----/);
    expect(s.run("/etc/init.d/xendomains start")).toBe("xendomains already running (lockfile exists)\n");
  });

  it("start creates the auto domains that were not restored, skipping running ones", () => {
    const s = twoGuests();
    s.host.fs.mkdir("/etc/xen/auto", { parents: true });
    s.host.fs.symlink("/etc/xen/testxen.cfg", "/etc/xen/auto/testxen.cfg");
    s.host.fs.symlink("/etc/xen/web.cfg", "/etc/xen/auto/web.cfg");
    s.run("xm destroy web");
    s.run("/etc/init.d/xendomains stop");
    const t0 = s.host.sim.now;
    expect(s.run("/etc/init.d/xendomains start")).toBe("Restoring Xen domains: testxen\nStarting auto Xen domains: testxen.cfg(skip) web.cfg\n");
    expect(s.host.sim.now - t0).toBeGreaterThanOrEqual(5_000_000);
    expect(s.host.hypervisor.lookup("web")!.domid).toBe(4);
  });

  it("without XENDOMAINS_SAVE, guests are shut down; the final sweep is what waits for them", () => {
    // `xm shutdown ID --halt --wait` waits by *name* (shutdown.py wait_shutdown compares with
    // xend's list of names), so given an id it returns at once; SHUTDOWN_ALL then waits.
    const s = twoGuests();
    s.host.fs.writeFile("/etc/default/xendomains", 'XENDOMAINS_SAVE=""\n');
    const out = s.run("/etc/init.d/xendomains stop");
    expect(out).toMatch(/^Shutting down Xen domains: testxen\(shut\) web\(shut\) SHUTDOWN_ALL \.{3,4}\n$/);
    expect(s.host.hypervisor.domains()).toHaveLength(1);
  });
});
