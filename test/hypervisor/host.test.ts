// createHost over a filesystem and volume groups that already exist — what a reboot of the machine
// builds: a new hypervisor and toolstack, the same disk. Files deleted or edited since the first boot
// stay as they are (the package files are not put back), the logical volumes made are still there,
// and xend's settings are read again from the edited xend-config.sxp.
import { describe, expect, it } from "vitest";
import { Sim } from "../../netsim/engine/index.ts";
import { memoryReader } from "../../topology/index.ts";
import { createHost } from "../../hypervisor/index.ts";
import { machine, xendConfig } from "./network/helpers.ts";
import { handbookHost } from "./helpers.ts";

const PYGRUB = "/usr/lib/xen-4.0/bin/pygrub";

describe("createHost with an existing fs and lvm", () => {
  it("keeps the disk as it is and reads xend's settings from it again", () => {
    const first = handbookHost();
    expect(first.fs.exists(PYGRUB)).toBe(true);
    expect(first.lvm.lvcreate("vg0", "4G", "web-disk").status).toBe(0);
    first.fs.unlink(PYGRUB);
    first.fs.writeFile("/etc/xen/xend-config.sxp", "(network-script network-nat)\n(vif-script vif-nat)\n(dom0-min-mem 196)\n");
    const again = createHost({ sim: first.sim, fs: first.fs, lvm: first.lvm });
    expect(again.fs).toBe(first.fs);
    expect(again.lvm).toBe(first.lvm);
    expect(again.hypervisor).not.toBe(first.hypervisor);
    expect(again.fs.exists(PYGRUB)).toBe(false);
    expect(again.lvm.lvcreate("vg0", "4G", "web-disk").output).toBe('  Logical volume "web-disk" already exists in volume group "vg0"\n');
    expect([again.xend.networkScript?.script, again.xend.vifScript.script, again.xend.dom0MinMem]).toEqual(["network-nat", "vif-nat", 196]);
  });

  it("refuses a root and a filesystem together (which one would it read?)", () => {
    const first = handbookHost();
    expect(() => createHost({ sim: new Sim(1), fs: first.fs, root: memoryReader({ files: {} }) })).toThrow(/root/);
  });
});

describe("a machine's reboot", () => {
  it("runs on the same filesystem and volume groups, with the xend settings edited before it", () => {
    const m = machine();
    m.boot();
    const { fs, lvm } = m.xen;
    fs.writeFile("/etc/xen/xend-config.sxp", xendConfig("network-nat", "vif-nat"));
    m.reboot();
    expect(m.xen.fs).toBe(fs);
    expect(m.xen.lvm).toBe(lvm);
    expect(m.xen.xend.networkScript?.script).toBe("network-nat");
  });
});
