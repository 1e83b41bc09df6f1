// xm 4.0.1's command line: exit statuses, errors on stderr with the usage block on stdout where xm
// prints one, argument checks, prefix matching, config file lookup and xm's own config errors, the
// refusals xend gives (privileged domain, not running, name clash, bad save file) and the report
// layouts (list -l, info, uptime).
import { describe, expect, it } from "vitest";
import { handbookHost, Session } from "./helpers.ts";

const CFG = (extra = "") =>
  `name = 'g'\nmemory = 64\nkernel = '/boot/vmlinuz-2.6.32-5-xen-amd64'\nroot = '/dev/xvda2 ro'\ndisk = ['file:/srv/g.img,xvda2,w']\nvif = ['mac=00:16:3e:00:00:01']\n${extra}`;

function host(cfg = CFG()): Session {
  const h = handbookHost();
  h.fs.mkdir("/srv", { parents: true });
  h.fs.createSparse("/srv/g.img", 1024 ** 3);
  h.fs.writeFile("/etc/xen/g.cfg", cfg);
  return new Session(h);
}

describe("xm errors", () => {
  it("an unknown domain: xm's message, no usage, exit status 3", () => {
    const s = host();
    for (const cmd of ["xm destroy nope", "xm pause nope", "xm list nope", "xm shutdown nope", "xm network-list nope"]) {
      expect(s.run(cmd)).toBe("Error: Domain 'nope' does not exist.\n");
      expect(s.last.status).toBe(3);
    }
  });

  it("a wrong number of arguments prints the usage", () => {
    const s = host();
    expect(s.run("xm pause")).toBe("Error: 'xm pause' requires 1 argument.\n\nUsage: xm pause <Domain>\n\nPause execution of a domain.\n");
    expect(s.last.status).toBe(1);
    expect(s.run("xm mem-set g")).toBe("Error: 'xm mem-set' requires 2 arguments.\n\nUsage: xm mem-set <Domain> <Mem>\n\nSet the current memory usage for a domain.\n");
    expect(s.run("xm save a b c d")).toMatch(/^Error: 'xm save' requires between 2 and 3 arguments\.\n\nUsage: xm save \[-c\] <Domain> <CheckpointFile>\n\nSave a domain state to restore later\.\n  -c, --checkpoint {15}Leave domain running after creating {8}\n {33}snapshot\n\n$/);
  });

  it("unknown subcommands and options", () => {
    const s = host();
    const out = s.run("xm frobnicate");
    expect(out).toMatch(/^Error: Subcommand frobnicate not found!\nUsage: xm <subcommand> \[args\]\n\nControl, list, and manipulate Xen guest instances\.\n\nCommon 'xm' commands:\n\n console {14}Attach to <Domain>'s console\. {21}\n/);
    expect(out).toContain(" vcpu-set             Set the number of active VCPUs for allowed for    \n                      the domain.\n");
    expect(s.last.status).toBe(1);
    expect(s.run("xm list --frob")).toMatch(/^Error: option --frob not recognized\nUsage: xm list \[options\] \[Domain, \.\.\.\]/);
    expect(s.run("xm li")).toMatch(/^Name {40}ID/);
    expect(s.run("xm balloon Domain-0 900")).toBe("Command balloon is deprecated.  Please use xm mem-set instead.\n");
  });

  it("create: config lookup, xm's own errors and xend's refusals", () => {
    const s = host();
    expect(s.run("xm create nothere.cfg")).toBe("Error: Unable to open config file: nothere.cfg\nUsage: xm create <ConfigFile> [options] [vars]\n\nCreate a domain based on <ConfigFile>.\n\n");
    s.host.fs.mkdir("/root", { parents: true });
    s.host.fs.writeFile("/root/local.cfg", CFG().replace("name = 'g'", "name = 'l'"));
    expect(s.run("xm create -q local.cfg")).toBe("");
    expect(s.run("xm create g.cfg")).toBe('Using config file "/etc/xen/g.cfg".\nStarted domain g (id=2)\n');
    expect(s.run("xm create /etc/xen/g.cfg")).toBe('Using config file "/etc/xen/g.cfg".\nError: Domain \'g\' already exists with ID \'2\'\n');
    expect(s.run("xm create g.cfg name=g2 memory=32")).toContain("Started domain g2 (id=3)");
    expect(s.host.hypervisor.lookup("g2")!.memory.targetMiB).toBe(32);
  });

  it("create: bad files", () => {
    const cases: [string, string][] = [
      [CFG().replace("kernel = '/boot/vmlinuz-2.6.32-5-xen-amd64'", "kernel = '/boot/nope'"), "Error: Kernel image does not exist: /boot/nope\n"],
      [CFG().replace("/srv/g.img", "/srv/missing.img"), "Error: Device 51714 (vbd) could not be connected. /srv/missing.img does not exist.\n"],
      [CFG().replace("mac=00:16:3e:00:00:01", "mac=00:16:3e:00:00:01,colour=red"), "Error: Invalid vif option: colour\n"],
      [CFG().replace("memory = 64", "memory = 'lots'"), "Error: Invalid value: lots\n"],
      [CFG().replace("memory = 64", "memory = (64"), "Error: Errors were found at line 2 while processing /etc/xen/g.cfg:\n\tmemory = (64\n\n"],
    ];
    for (const [cfg, error] of cases) {
      const s = host(cfg);
      expect(s.run("xm create g.cfg")).toBe(`Using config file "/etc/xen/g.cfg".\n${error}`);
      expect(s.last.status).toBe(1);
      expect(s.host.hypervisor.domains()).toHaveLength(1);
    }
  });

  it("the name defaults to the config file's name", () => {
    const s = host(CFG().replace("name = 'g'\n", ""));
    expect(s.run("xm create g.cfg")).toContain("Started domain g.cfg (id=1)");
  });

  it("privileged domain and state refusals carry the usage", () => {
    const s = host();
    expect(s.run("xm pause Domain-0")).toBe("Error: Cannot pause privileged domain Domain-0\nUsage: xm pause <Domain>\n\nPause execution of a domain.\n");
    expect(s.run("xm destroy 0")).toBe("Error: Cannot destroy privileged domain 0\nUsage: xm destroy <Domain>\n\nTerminate a domain immediately.\n");
    expect(s.run("xm shutdown Domain-0")).toBe("Error: Domain 0 cannot be shutdown\nUsage: xm shutdown <Domain> [-waRH]\n\nShutdown a domain.\n");
    s.host.fs.mkdir("/var/lib/xen/save", { parents: true });
    expect(s.run("xm save Domain-0 /var/lib/xen/save/x")).toContain("Error: Cannot save privileged domain Domain-0\n");
    s.script(["xm create -p g.cfg"]);
    expect(s.run("xm save g /var/lib/xen/save/g")).toMatch(/^Error: Domain is not running\nUsage: xm save \[-c\] <Domain> <CheckpointFile>\n/);
    expect(s.run("xm save g /nowhere/g")).toBe("Error: xm save: Unable to create file /nowhere/g\n");
    expect(s.run("xm shutdown -H -R g")).toBe("Error: Can't specify halt and reboot\n");
    expect(s.run("xm shutdown")).toBe("Error: 'xm shutdown' requires between 1 and 4 arguments.\n\nUsage: xm shutdown <Domain> [-waRH]\n\nShutdown a domain.\n");
    expect(s.run("xm shutdown -w")).toBe("Error: No domain parameter given\n");
  });

  it("restore: missing files, wrong signatures, and a guest that was already resumed", () => {
    const s = host();
    expect(s.run("xm restore /nope")).toBe("Error: xm restore: Unable to read file /nope\n");
    s.host.fs.mkdir("/root", { parents: true });
    s.host.fs.writeFile("/root/bogus", "NotAGuestRecordXYZ");
    expect(s.run("xm restore /root/bogus")).toMatch(/^Error: not a valid guest state file: found 'NotAGuestRecordX'\nUsage: xm restore <CheckpointFile> \[-p\]\n/);
    s.host.fs.writeFile("/root/short", "Linux");
    expect(s.run("xm restore /root/short")).toContain("Error: not a valid guest state file: signature read\n");
    s.host.fs.mkdir("/var/lib/xen/save", { parents: true });
    s.script(["xm create g.cfg", "sleep 20", "xm save g /var/lib/xen/save/g", "xm restore /var/lib/xen/save/g"]);
    expect(s.run("xm restore /var/lib/xen/save/g")).toContain("Error: Domain 'g' already exists with ID '2'\n");
    s.run("xm destroy g");
    expect(s.run("xm restore /var/lib/xen/save/g")).toMatch(/^Error: \/usr\/lib\/xen-4\.0\/bin\/xc_restore 4 3 1 2 0 0 0 failed\n/);
    const header = s.host.fs.readBytes("/var/lib/xen/save/g", 0, 20)!;
    expect(new TextDecoder().decode(header.slice(0, 16))).toBe("LinuxGuestRecord");
    const length = new DataView(header.buffer, header.byteOffset).getInt32(16, false);
    expect(new TextDecoder().decode(s.host.fs.readBytes("/var/lib/xen/save/g", 20, length))).toMatch(/^\(domain \(domid 1\) \(on_crash restart\) .*\(name g\) .*\(device \(vif \(mac 00:16:3e:00:00:01\)/);
  });

  it("save renames the domain migrating-NAME while it runs", () => {
    const s = host();
    s.host.fs.mkdir("/var/lib/xen/save", { parents: true });
    s.script(["xm create g.cfg", "sleep 20"]);
    const names: string[] = [];
    s.host.hypervisor.onEvent((e) => names.push(`${e.kind} ${e.domain.name} ${e.domain.stateString()}`));
    s.run("xm save g /var/lib/xen/save/g");
    expect(names[0]).toBe("changed migrating-g -b----");
    expect(names).toContain("changed migrating-g ---s--");
    expect(names.at(-1)).toBe("destroyed g ---s-d");
  });
});

describe("xm reports", () => {
  it("list -l prints the SXP record", () => {
    const s = host();
    s.script(["xm create g.cfg", "sleep 20"]);
    const out = s.run("xm list -l g");
    expect(out).toMatch(/^\(domain\n {4}\(domid 1\)\n {4}\(on_crash restart\)\n {4}\(uuid [0-9a-f-]{36}\)\n {4}\(bootloader_args \)\n {4}\(vcpus 1\)\n {4}\(name g\)\n/);
    expect(out).toContain("    (image\n        (linux\n            (kernel /boot/vmlinuz-2.6.32-5-xen-amd64)\n            (args 'root=/dev/xvda2 ro ')\n");
    expect(out).toContain("    (state -b----)\n");
    expect(out).toMatch(/ {4}\(device\n {8}\(vif\n {12}\(mac 00:16:3e:00:00:01\)\n {12}\(script \/etc\/xen\/scripts\/vif-bridge\)\n/);
    expect(out.endsWith("\n)\n")).toBe(true);
  });

  it("info and uptime", () => {
    const s = host();
    const info = s.run("xm info");
    expect(info).toContain("total_memory           : 1023\nfree_memory            : 61\n");
    expect(info).toContain("xen_major              : 4\nxen_minor              : 0\nxen_extra              : .1\n");
    s.script(["xm create g.cfg", "sleep 3722"]);
    expect(s.run("xm uptime")).toMatch(/^Name {32}ID Uptime \nDomain-0 {29}0 3 days,  6:19:\d\d\ng {36}1  1:02:03\n$/);
    expect(s.run("xm uptime -s g")).toBe(" 13:02:02 up  1:02, g (1)\n");
  });
});
