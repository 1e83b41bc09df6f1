// The Debian Administrator's Handbook Xen session (Squeeze: xm 4.0.1, xen-tools 4.2), as far as it
// is not about the network: an empty host, xen-create-image, xm create, xm list with Domain-0
// ballooned from 940 to 873 MiB and testxen at 128 MiB -b----, the console's login prompt, then
// pause/unpause, save/restore (new domid), reboot (new domid), shutdown and destroy. The whole
// transcript is a golden file; the handbook's own lines are also checked one by one.
import { describe, expect, it } from "vitest";
import { expectGolden, handbookHost, Session } from "./helpers.ts";

const CREATE = "xen-create-image --hostname=testxen --dhcp --dir=/srv/testxen --size=2G --dist=squeeze --role=udev";

function handbookSession(seed = 1): Session {
  const s = new Session(handbookHost(seed));
  s.script(["xm list", CREATE, "xm create testxen.cfg", "sleep 10", "xm list", "xm console testxen"]);
  return s;
}

describe("the handbook session", () => {
  it("lists Domain-0 alone at 940 MiB on the fresh host", () => {
    const s = new Session(handbookHost());
    expect(s.run("xm list")).toBe(
      "Name                                        ID   Mem VCPUs      State   Time(s)\n" +
        "Domain-0                                     0   940     1     r-----   3896.9\n",
    );
  });

  it("creates the image with the handbook's layout", () => {
    const s = new Session(handbookHost());
    const out = s.run(CREATE);
    expect(out).toContain(
      "General Information\n--------------------\nHostname       :  testxen\nDistribution   :  squeeze\nMirror         :  http://ftp.us.debian.org/debian/\n" +
        "Partitions     :  swap            128Mb (swap)\n                  /               2G    (ext3)\nImage type     :  sparse\nMemory size    :  128Mb\n" +
        "Kernel path    :  /boot/vmlinuz-2.6.32-5-xen-amd64\nInitrd path    :  /boot/initrd.img-2.6.32-5-xen-amd64\n",
    );
    expect(out).toContain("Networking Information\n----------------------\nIP Address     : DHCP [MAC: 00:16:3E:E8:F0:07]\n");
    expect(out).toContain("\n\nLogfile produced at:\n\t /var/log/xen-tools/testxen.log\n");
    expect(out).toMatch(/Installation Summary\n---------------------\nHostname        :  testxen\nDistribution    :  squeeze\nIP-Address\(es\)  :  dynamic\nRSA Fingerprint :  ([0-9a-f]{2}:){15}[0-9a-f]{2}\nRoot Password   :  [a-km-np-z2-9A-HJ-NP-Z]{8}\n\n$/);
    expect(s.last.status).toBe(0);
    const fs = s.host.fs;
    expect(fs.stat("/srv/testxen/domains/testxen/disk.img")).toMatchObject({ size: 2 * 1024 ** 3, mode: 0o600 });
    expect(fs.stat("/srv/testxen/domains/testxen/disk.img")!.allocated).toBeLessThan(2 * 1024 ** 3);
    expect(fs.stat("/srv/testxen/domains/testxen/swap.img")).toMatchObject({ size: 128 * 1024 ** 2, allocated: 0 });
    expect(fs.readFile("/etc/xen/testxen.cfg")).toContain("vif         = [ 'mac=00:16:3E:E8:F0:07' ]");
    expect(fs.stat("/var/log/xen-tools/testxen.log")!.mode).toBe(0o640);
  });

  it("starts the domain with xm's two lines, ballooning dom0 down by the shortfall only", () => {
    const s = handbookSession();
    expect(s.transcript).toContain('# xm create testxen.cfg\nUsing config file "/etc/xen/testxen.cfg".\nStarted domain testxen (id=1)\n');
    expect(s.transcript).toContain(
      "# xm list\nName                                        ID   Mem VCPUs      State   Time(s)\n" +
        "Domain-0                                     0   873     1     r-----   3917.1\n" +
        "testxen                                      1   128     1     -b----      3.7\n",
    );
    expect(s.host.hypervisor.freeKiB()).toBe(0);
  });

  it("shows the login prompt on the console", () => {
    const s = handbookSession();
    expect(s.transcript).toMatch(/Debian GNU\/Linux 6\.0 testxen hvc0\r\n\r\ntestxen login: $/);
    expect(s.transcript).toContain("[    0.000000] Linux version 2.6.32-5-xen-amd64 (Debian 2.6.32-30)");
  });

  it("reproduces the whole transcript (golden)", () => {
    const s = handbookSession();
    s.script([
      "xm pause testxen", "xm list", "sleep 5", "xm unpause testxen", "xm list",
      "xm save testxen /var/lib/xen/testxen.save", "xm list", "xm restore /var/lib/xen/testxen.save", "xm list",
      "sleep 60", "xm reboot testxen", "sleep 10", "xm list", "xm vcpu-list", "xm network-list testxen", "xm uptime",
      "xm shutdown -w testxen", "xm list", "xm create testxen.cfg", "xm destroy testxen", "xm list",
    ]);
    expectGolden("handbook.transcript", s.transcript);
    expect(s.transcript).toContain("testxen                                      1   128     1     --p---");
    expect(s.transcript).toContain("testxen                                      2   128     1     -b----");
    expect(s.transcript).toContain("testxen                                      3   128     1     -b----");
    expect(s.transcript).toContain("Domain testxen terminated\nAll domains terminated\n");
    expect(s.transcript).toContain("Started domain testxen (id=4)");
  });

  it("keeps the MAC and the memory across save and restore, with a new vif name", () => {
    const s = handbookSession();
    s.script(["xm save testxen /var/lib/xen/testxen.save"]);
    expect(s.host.hypervisor.freeKiB()).toBe(128 * 1024);
    expect(s.host.hypervisor.dom0.memory.targetMiB).toBe(873);
    s.script(["xm restore /var/lib/xen/testxen.save"]);
    const dom = s.host.hypervisor.lookup("testxen")!;
    expect(dom.domid).toBe(2);
    expect(dom.vifs.get(0)?.name).toBe("vif2.0");
    expect(dom.spec.vifs[0]?.mac).toBe("00:16:3E:E8:F0:07");
    expect(s.host.hypervisor.freeKiB()).toBe(0);
  });

  it("also works with xen-tools.conf supplying the storage and DHCP (`xen-create-image --hostname=testxen`)", () => {
    const host = handbookHost();
    const conf = host.fs.readFile("/etc/xen-tools/xen-tools.conf")!;
    host.fs.writeFile("/etc/xen-tools/xen-tools.conf", conf.replace("# dir = /home/xen", "dir = /srv/testxen").replace("# bridge     = xendmz", "dhcp = 1"));
    const s = new Session(host);
    const out = s.run("xen-create-image --hostname=testxen");
    expect(out).toContain("Partitions     :  swap            128Mb (swap)\n                  /               4Gb   (ext3)\n");
    expect(out).toContain("IP Address     : DHCP [MAC: 00:16:3E:E8:F0:07]");
    expect(host.fs.stat("/srv/testxen/domains/testxen/disk.img")!.size).toBe(4 * 1024 ** 3);
  });
});
