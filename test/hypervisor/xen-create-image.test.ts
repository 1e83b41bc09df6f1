// xen-create-image 4.2: Getopt::Long's prefix matching (the --debootstrap quirk), checkOption's and
// checkArguments' messages, static networking (warnings, MAC from MD5, the guest's interfaces file,
// the .cfg vif line), LVM volumes, refusals to overwrite, log rotation, passwords, --boot.
import { describe, expect, it } from "vitest";
import { isGuestImage } from "../../hypervisor/index.ts";
import { handbookHost, Session } from "./helpers.ts";

function run(line: string, session = new Session(handbookHost())): { out: string; s: Session } {
  const out = session.run(line);
  return { out, s: session };
}

describe("command line parsing", () => {
  it("--debootstrap alone is a prefix of --debootstrap-cmd, which needs an argument", () => {
    const { out, s } = run("xen-create-image --hostname=x --dhcp --dir=/srv --debootstrap");
    expect(out).toBe("Option debootstrap-cmd requires an argument\n");
    expect(s.last.status).toBe(0);
    expect(s.host.fs.exists("/srv/domains/x")).toBe(false);
  });

  it("--debootstrap followed by an option swallows it as the debootstrap command", () => {
    const { out, s } = run("xen-create-image --hostname=x --dhcp --dir=/srv --debootstrap --dist=sid");
    expect(out).toContain("Distribution   :  squeeze\n");
    expect(s.last.status).toBe(0);
  });

  it("unknown and ambiguous options", () => {
    expect(run("xen-create-image --frobnicate").out).toBe("Unknown option: frobnicate\n");
    expect(run("xen-create-image --n").out).toBe("Option n is ambiguous (nameserver, netmask, no-hosts, nohosts, noswap)\n");
    expect(run("xen-create-image --vcpus=two").out).toBe('Value "two" invalid for option vcpus (number expected)\n');
  });

  it("checkOption's messages", () => {
    expect(run("xen-create-image --hostname=x --dist=hurd").out).toBe("ERROR: 'dist' argument takes a distribution name (see /usr/lib/xen-tools for valid values).\n");
    expect(run("xen-create-image --hostname=x --size=2GiB").out).toBe("ERROR: 'size' argument takes a suffixed integer.\n");
    expect(run("xen-create-image --hostname=_bad").out).toBe("ERROR: 'hostname' argument must be a valid hostname.\n");
    expect(run("xen-create-image --hostname=x --ip=10.0.0.300").out).toBe("ERROR: 'ip' argument must be valid IPv4 or the keyword 'auto'.\n");
    expect(run("xen-create-image --hostname=x --kernel=/boot/nope").out).toBe("ERROR: 'kernel' argument must be an existing file.\n");
  });
});

describe("checkArguments", () => {
  it("requires a hostname", () => {
    const { out, s } = run("xen-create-image --dhcp --dir=/srv");
    expect(out).toContain("The '--hostname' argument is mandatory.\n");
    expect(s.last.status).toBe(127);
  });

  it("requires exactly one of DHCP and a static address", () => {
    expect(run("xen-create-image --hostname=x --dir=/srv").out).toContain("Please choose one of:\n --dhcp\n --ip xx.xx.xx.xx\n");
    expect(run("xen-create-image --hostname=x --dir=/srv --dhcp --ip=192.168.1.50").out).toContain("Please choose either DHCP or static usage, not both!\n");
    const partial = run("xen-create-image --hostname=x --dir=/srv --dhcp --ip=192.168.1.");
    expect(partial.out).toContain("ERROR: 'ip' argument must be valid IPv4");
  });

  it("requires a storage backend", () => {
    const { out, s } = run("xen-create-image --hostname=x --dhcp");
    expect(out).toContain("Error:  No recognised installation type.\nPlease specify a directory, lvm, or evms volume to use.\n");
    expect(s.last.status).toBe(127);
    expect(s.host.fs.exists("/etc/xen/x.cfg")).toBe(false);
  });
});

describe("a static guest", () => {
  it("warns about the missing gateway and netmask, and writes its interfaces file", () => {
    const { out, s } = run("xen-create-image --hostname=testxen --ip=192.168.1.50 --dir=/srv/testxen --dist=squeeze");
    expect(out).toContain("WARNING:  No gateway address specified!\nWARNING:  No netmask address specified!\n");
    expect(out).toContain("Networking Information\n----------------------\nIP Address 1   : 192.168.1.50 [MAC: 00:16:3E:F2:99:97]\n\n");
    expect(out).toContain("IP-Address(es)  :  192.168.1.50 \n");
    expect(s.host.fs.readFile("/etc/xen/testxen.cfg")).toContain("vif         = [ 'ip=192.168.1.50,mac=00:16:3E:F2:99:97' ]\n");
    expect(s.host.fs.readFile("/etc/xen/testxen.cfg")).not.toContain("dhcp");
    const image = s.host.fs.attachment("/srv/testxen/domains/testxen/disk.img");
    expect(isGuestImage(image)).toBe(true);
    if (!isGuestImage(image)) return;
    expect(image.files["/etc/network/interfaces"]).toContain("auto eth0\niface eth0 inet static\n address 192.168.1.50\n gateway \n netmask \n");
    expect(image.hostname).toBe("testxen");
  });

  it("with gateway, netmask and a bridge", () => {
    const { out, s } = run("xen-create-image --hostname=web --ip=10.0.0.5 --gateway=10.0.0.1 --netmask=255.255.255.0 --bridge=xenbr0 --dir=/srv");
    expect(out).not.toContain("WARNING:  No gateway");
    expect(out).toContain("Netmask        : 255.255.255.0\nGateway        : 10.0.0.1\n");
    expect(s.host.fs.readFile("/etc/xen/web.cfg")).toMatch(/vif {9}= \[ 'ip=10\.0\.0\.5,mac=00:16:3E:[0-9A-F:]{8},bridge=xenbr0' \]/);
  });
});

describe("storage", () => {
  it("LVM volumes: full images and phy: disks", () => {
    const { out, s } = run("xen-create-image --hostname=lv --dhcp --lvm=vg0 --size=3Gb");
    expect(out).toContain("Image type     :  full\n");
    expect(out).toContain("\nCreating swap on /dev/vg0/lv-swap\nDone\n\nCreating ext3 filesystem on /dev/vg0/lv-disk\nDone\n");
    expect(s.host.fs.stat("/dev/vg0/lv-disk")).toMatchObject({ size: 3 * 1024 ** 3, allocated: 3 * 1024 ** 3 });
    expect(s.host.fs.readFile("/etc/xen/lv.cfg")).toContain("                  'phy:/dev/vg0/lv-disk,xvda2,w',\n                  'phy:/dev/vg0/lv-swap,xvda1,w',\n");
    expect(s.run("xm create lv.cfg")).toContain("Started domain lv (id=1)");
  });

  it("an unknown volume group fails and the partial install is removed", () => {
    const { out, s } = run("xen-create-image --hostname=lv --dhcp --lvm=nosuch");
    expect(out).toContain("Running command 'lvcreate nosuch -L 128Mb -n lv-swap 2>&1' failed with exit code 1280.\nAborting\nSee /var/log/xen-tools/lv.log for details\n");
    expect(s.last.status).toBe(127);
    expect(s.host.fs.readFile("/var/log/xen-tools/lv.log")).toContain('  Volume group "nosuch" not found\n');
    expect(out).not.toContain("Installation Summary");
  });

  it("refuses to overwrite images or the .cfg without --force, and rotates the log", () => {
    const s = new Session(handbookHost());
    s.run("xen-create-image --hostname=t --dhcp --dir=/srv");
    const again = s.run("xen-create-image --hostname=t --dhcp --dir=/srv");
    expect(again).toContain("The partition image already exists.  Aborting.\nSpecify '--force' to overwrite, or remove the following file\n/srv/domains/t/swap.img\n");
    const other = s.run("xen-create-image --hostname=t --dhcp --dir=/srv2");
    expect(other).toContain("The Xen configuration file /etc/xen/t.cfg exists\nSpecify --force to force overwriting it.\nAborting\n");
    expect(s.last.status).toBe(127);
    expect(s.host.fs.exists("/srv2/domains/t/disk.img")).toBe(true);
    expect(s.host.fs.listDir("/var/log/xen-tools")).toEqual(["t.0.log", "t.1.log", "t.log"]);
    expect(s.run("xen-create-image --hostname=t --dhcp --dir=/srv --force")).toContain("All done\n");
  });
});

describe("passwords and --boot", () => {
  it("honours --password and --genpass_len", () => {
    expect(run("xen-create-image --hostname=p --dhcp --dir=/srv --password=s3cret").out).toContain("Root Password   :  s3cret\n");
    expect(run("xen-create-image --hostname=p --dhcp --dir=/srv --genpass_len=12").out).toMatch(/Root Password   :  [a-km-np-z2-9A-HJ-NP-Z]{12}\n/);
    expect(run("xen-create-image --hostname=p --dhcp --dir=/srv --genpass=0").out).toContain("Root Password   :  N/A\n");
  });

  it("--boot starts the guest and links it into /etc/xen/auto", () => {
    const s = new Session(handbookHost());
    s.host.fs.mkdir("/etc/xen/auto", { parents: true });
    const out = s.run("xen-create-image --hostname=b --dhcp --dir=/srv --boot");
    expect(out).toContain("All done\nCreating auto-start symlink to: /etc/xen/b.cfg\n\nInstallation Summary\n");
    expect(out).toContain("RSA Fingerprint :  \n");
    expect(out).toContain("Started new Xen guest: b [/etc/xen/b.cfg]\n\n\nLogfile produced at:\n");
    expect(s.host.fs.readlink("/etc/xen/auto/b.cfg")).toBe("/etc/xen/b.cfg");
    expect(s.run("xm list")).toMatch(/\nb\s+1\s+128\s+1\s+/);
  });
});
