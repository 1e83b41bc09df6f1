// loadHost: which files it reads, the defaults it applies when they are missing, what it makes of
// each file (release, host name, cards, bridges and their brctl settings, network-bridge from xend or
// an `up` hook, domains and XENDOMAINS_AUTO, xendomains' shell variables, xen-tools defaults), and
// that a file which exists but cannot be read is a located diagnostic.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadHost, memoryReader, type HostConfig } from "../../topology/index.ts";
import { XEND, XENBR0, cfg, lines, net, where } from "./checks/case-kit.ts";

const load = (files: Record<string, string>, dirs: string[] = []) => loadHost(memoryReader({ files, dirs }));
const host = (files: Record<string, string>): HostConfig => load(files).value;

describe("loadHost", () => {
  it("an empty root is a host with every default and nothing to report", () => {
    const r = load({});
    expect(r.diagnostics).toEqual([]);
    const h = r.value;
    expect([h.network.present, h.network.rejected, h.bridges, h.domains, h.toolstack]).toEqual([false, false, [], [], undefined]);
    expect(h.hardware).toEqual({ source: "default", nics: [{ name: "eth0" }] });
    expect([h.xend.model, h.xend.networkScript, h.xend.vifScript.script, h.xend.dom0MinMem.value, h.xend.enableDom0Ballooning.value]).toEqual(["debian-bridge", null, "vif-bridge", 0, false]);
    expect([h.xendomains.save.value, h.xendomains.restore.value, h.xendomains.auto.value, h.xendomains.stopMaxwait.value]).toEqual(["/var/lib/xen/save", true, "/etc/xen/auto", 300]);
    expect(h.files.every((f) => f.status === "missing")).toBe(true);
  });

  it("a directory where a file belongs is unreadable: a located error, and no interface comes up", () => {
    const r = load({}, ["/etc/network/interfaces"]);
    expect(r.diagnostics.map((d) => `${d.code} ${where(d)} ${d.severity}`)).toEqual(["host/unreadable-file /etc/network/interfaces:1:1 error"]);
    expect([r.value.network.present, r.value.network.rejected]).toEqual([false, true]);
    expect(r.value.files.find((f) => f.path === "/etc/network/interfaces")?.status).toBe("unreadable");
  });

  it("reads a real directory given as the root, confined to it", () => {
    const root = mkdtempSync(join(tmpdir(), "xennet-host-"));
    try {
      mkdirSync(join(root, "etc/network/interfaces.d"), { recursive: true });
      mkdirSync(join(root, "etc/xen/xend-config.sxp"), { recursive: true });
      writeFileSync(join(root, "etc/network/interfaces"), lines("source /etc/network/interfaces.d/*", "source ../../../../../etc/passwd"));
      writeFileSync(join(root, "etc/network/interfaces.d/br0"), XENBR0);
      const r = loadHost(root);
      expect(r.value.bridges.map((b) => [b.name, b.span.file, b.span.line])).toEqual([["xenbr0", "/etc/network/interfaces.d/br0", 4]]);
      expect(r.value.network.sourced).toEqual(["/etc/network/interfaces.d/br0"]);
      expect(r.diagnostics.filter((d) => d.code === "host/unreadable-file").map(where)).toEqual(["/etc/xen/xend-config.sxp:1:1"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("knows the release, its ifupdown and Xen, and the toolstack that goes with it", () => {
    const rel = (text: string) => host({ "/etc/debian_version": text }).release;
    expect(rel("6.0.10\n")).toMatchObject({ text: "6.0.10", major: 6, codename: "squeeze", ifupdown: "0.6", xen: "4.0" });
    expect(rel("squeeze/sid\n")).toMatchObject({ codename: "squeeze", ifupdown: "0.6" });
    expect(rel("12.5\n")).toMatchObject({ codename: "bookworm", ifupdown: "0.8" });
    expect(rel("unknown\n")).toEqual({ text: "unknown", span: { file: "/etc/debian_version", line: 1, column: 1 } });
    expect(host({ "/etc/debian_version": "6.0.1" }).toolstack).toBe("xm");
    expect(host({ "/etc/debian_version": "9.13" }).toolstack).toBe("xl");
    expect(host({ [XEND]: "(vif-script vif-bridge)\n" }).toolstack).toBe("xm");
    expect(host({ "/etc/hostname": "  dom0-a  \n" }).hostname).toEqual({ value: "dom0-a", span: { file: "/etc/hostname", line: 1, column: 3 } });
  });

  it("takes the cards from the caller, else udev's rules, reporting a name given twice", () => {
    const udev = ['SUBSYSTEM=="net", ATTR{address}=="00:1e:c9:00:00:01", NAME="eth0"', "# comment", 'SUBSYSTEM=="net", ATTR{address}=="00:1e:c9:00:00:02", NAME="eth0"'].join("\n");
    const r = load({ "/etc/udev/rules.d/70-persistent-net.rules": udev });
    expect(r.value.hardware).toEqual({ source: "udev-rules", nics: [{ name: "eth0", mac: "00:1e:c9:00:00:01", span: { file: "/etc/udev/rules.d/70-persistent-net.rules", line: 1, column: 55 } }] });
    expect(r.diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual(["host/udev-duplicate-name /etc/udev/rules.d/70-persistent-net.rules:3:55"]);
    expect(loadHost(memoryReader({ files: {} }), { nics: [{ name: "em1" }] }).value.hardware).toEqual({ source: "given", nics: [{ name: "em1" }] });
  });

  it("reads brctl settings as brctl does, with the kernel's defaults and the hook's MAXWAIT", () => {
    const b = host(net(lines("auto br0", "iface br0 inet static", "  address 192.0.2.1/24", "  bridge_ports eth0 eth1", "  bridge_stp yes", "  bridge_fd 4.5", "  bridge_hello 1", "  bridge_pathcost eth1 100", "  bridge_hw 00:16:3e:00:00:01"))).bridges[0];
    expect(b).toMatchObject({ name: "br0", origin: "interfaces", method: "static", upAtBoot: true, portSpec: "eth0 eth1" });
    expect(b?.ports.map((p) => `${p.name}@${p.span.line}:${p.span.column}`)).toEqual(["eth0@4:16", "eth1@4:21"]);
    expect([b?.stp.value, b?.forwardDelay.value, b?.helloTime.value, b?.maxAge.value, b?.ageing.value, b?.priority.value, b?.maxWait.value]).toEqual([true, 4.5, 1, 20, 300, 32768, 10]);
    expect([b?.stp.span, b?.maxAge.span]).toEqual([{ file: "/etc/network/interfaces", line: 5, column: 14 }, undefined]);
    expect(b?.pathCosts).toEqual([{ port: "eth1", value: 100, span: { file: "/etc/network/interfaces", line: 8, column: 19 } }]);
    expect(b?.hw?.value).toBe("00:16:3e:00:00:01");
    const none = host(net(lines("auto br9", "iface br9 inet manual", "  bridge-ports none", "  bridge-maxwait 0"))).bridges[0];
    expect([none?.ports, none?.maxWait.value, none?.forwardDelay.value]).toEqual([[], 0, 15]);
  });

  it("adds the bridge network-bridge makes: named after its netdev on Xen 3.2-4.x, xenbrN before, none with bridge=null", () => {
    const nb = (sxp: string, more: Record<string, string> = {}) => host({ [XEND]: sxp, ...more }).bridges.map((b) => `${b.name}:${b.ports.map((p) => p.name).join(",")}:${b.origin}`);
    expect(nb("(network-script network-bridge)\n")).toEqual(["eth0:peth0:network-bridge"]);
    expect(nb("(network-script 'network-bridge netdev=eth1 bridge=xenbr1')\n")).toEqual(["xenbr1:peth1:network-bridge"]);
    expect(nb("(network-script network-bridge)\n", { "/etc/debian_version": "4.0\n" })).toEqual(["xenbr0:peth0:network-bridge"]);
    expect(nb("(network-script 'network-bridge bridge=null')\n")).toEqual([]);
    expect(nb("(network-script network-bridge)\n", { ...net(XENBR0), "/etc/debian_version": "7.1\n" })).toEqual(["xenbr0:eth0:interfaces"]);
    const h = host({ [XEND]: "(network-script 'network-bridge netdev=eth1')\n(vif-script vif-bridge)\n(dom0-min-mem 196)\n" });
    expect([h.xend.model, h.xend.netdev?.value, h.xend.bridge?.value, h.xend.dom0MinMem.value, h.xend.enableDom0Ballooning.value]).toEqual(["bridge", "eth1", "eth1", 196, true]);
  });

  it("sees network-bridge run from an `up` hook (corpus 001) as a bridge made when that stanza comes up", () => {
    const h = host(net(lines("auto eth0", "iface eth0 inet static", "  address 192.168.194.3/24", "  up /etc/xen/scripts/network-bridge start bridge=xenbr0 netdev=eth0")));
    expect(h.bridges.map((b) => [b.name, b.origin, b.upAtBoot, b.ports[0]?.name, b.span.line])).toEqual([["xenbr0", "network-bridge", true, "peth0", 4]]);
  });

  it("reads domains from /etc/xen/*.cfg and XENDOMAINS_AUTO, matching auto entries by name or text", () => {
    const a = cfg("a", "[ 'bridge=xenbr0' ]", ["disk = [ 'phy:/dev/vg0/a,xvda,w' ]"]);
    const b = cfg("b", undefined);
    const files = { ...a, ...b, "/srv/auto/alias": a["/etc/xen/a.cfg"] ?? "", "/srv/auto/c": lines("name = 'c'"), "/etc/xen/notes.txt": "x",
      "/etc/default/xendomains": lines("# settings", 'export XENDOMAINS_AUTO="/srv/auto"', "XENDOMAINS_RESTORE=false # no", "XENDOMAINS_SAVE=''", "XENDOMAINS_SYSRQ=$SYSRQ", "if true; then :; fi", "XENDOMAINS_MIGRATE='-l") };
    const r = load(files);
    const h = r.value;
    expect(h.domains.map((d) => [d.name?.value, d.file, d.autostart ?? null])).toEqual([["a", "/etc/xen/a.cfg", "/srv/auto/alias"], ["b", "/etc/xen/b.cfg", null], ["c", "/srv/auto/c", "/srv/auto/c"]]);
    expect(h.domains[0]?.vifs[0]).toMatchObject({ index: 0, text: "bridge=xenbr0", bridge: { value: "xenbr0" } });
    expect(h.domains[0]?.disks[0]).toMatchObject({ target: "/dev/vg0/a", attach: "phy", vdev: "xvda", readOnly: false });
    expect([h.xendomains.auto.value, h.xendomains.restore.value, h.xendomains.save.value, h.xendomains.sysrq.value]).toEqual(["/srv/auto", false, "", "$SYSRQ"]);
    expect(r.diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual([
      "xendomains/expansion /etc/default/xendomains:5:18", "xendomains/not-assignment /etc/default/xendomains:6:1", "xendomains/unterminated-quote /etc/default/xendomains:7:20",
    ]);
  });

  it("keeps xen-tools defaults that need no command, with their lines", () => {
    const x = host({ "/etc/xen-tools/xen-tools.conf": lines("lvm = vg0", "size = 4Gb", "memory = 256Mb", "dhcp = 1", "dist = `xt-guess-suite-and-mirror --suite`", "bridge = xenbr0") }).xenTools;
    expect(x).toMatchObject({ lvm: { value: "vg0" }, sizeMb: { value: 4096 }, memoryMb: { value: 256 }, dhcp: { value: true }, bridge: { value: "xenbr0", span: { line: 6 } } });
    expect(x?.dist).toBeUndefined();
  });

  it("collects VLANs and bonds, Squeeze's `slaves` included", () => {
    const h = host(net(lines("auto bond0", "iface bond0 inet manual", "  slaves eth0 eth1", "  bond-mode active-backup", "auto eth0.10", "iface eth0.10 inet manual", "auto vlan20", "iface vlan20 inet manual", "  vlan-raw-device bond0")));
    expect(h.bonds.map((b) => [b.name, b.slaves, b.mode])).toEqual([["bond0", ["eth0", "eth1"], "active-backup"]]);
    expect(h.vlans.map((v) => [v.name, v.rawDevice, v.id])).toEqual([["eth0.10", "eth0", 10], ["vlan20", "bond0", 20]]);
  });
});
