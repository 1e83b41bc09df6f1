// The situations in which a check says something different, or nothing, for a reason: vif-bridge's
// xenbrN -> ethN rewrite, Xen 4.1's network-bridge guard, the default bridge_maxwait covering
// STP's 30 s, the multi-address stanzas ifupdown 0.7+ allows, a repeated `source` inside a stanza
// on 0.6, ports matched by `all` and `regex`, and cards named by udev's rules.

import { describe, expect, it } from "vitest";
import { IFACES, XEND, XENBR0, cfg, findings, lines, net, pos, squeeze, where } from "./case-kit.ts";

const codes = (files: Parameters<typeof findings>[0], nics?: Parameters<typeof findings>[1]) => findings(files, nics).checks.map((d) => `${d.code} ${where(d)} ${d.severity}`);
const LO = ["auto lo", "iface lo inet loopback"];

describe("check variants", () => {
  it("vif-bridge turns bridge=xenbr0 into eth0 when network-bridge (Xen 4.0) named the bridge eth0", () => {
    const files = { [XEND]: lines("(network-script network-bridge)"), ...cfg("a", "[ 'bridge=xenbr0' ]") };
    const found = findings(files);
    expect(found.checks.filter((d) => d.code.startsWith("vif/"))).toEqual([]);
    expect(codes({ ...files, "/etc/debian_version": "4.0\n" })).toEqual([]); // etch: network-bridge makes xenbr0 itself
  });

  it("a vif with no bridge= on a host with no bridge at all fails", () => {
    const files = net(lines(...LO, "auto eth0", "iface eth0 inet dhcp"), cfg("a", "[ '' ]"));
    expect(codes(files)).toEqual([`vif/default-bridge ${pos(files, "/etc/xen/a.cfg", 3, "''")} error`]);
  });

  it("network-bridge on top of an interfaces bridge is only a note on Xen 4.1 (wheezy), which skips it", () => {
    const files = net(XENBR0, { [XEND]: lines("(network-script network-bridge)"), "/etc/debian_version": "7.8\n" });
    expect(codes(files)).toEqual([`xend/network-bridge-over-bridge ${pos(files, XEND, 1, "network-bridge")} info`]);
  });

  it("STP with the default MAXWAIT (32 s) covers listening + learning: the boot waits 30 s instead of losing DISCOVERs", () => {
    const files = net(lines(...LO, "auto br0", "iface br0 inet dhcp", "  bridge_ports eth0", "  bridge_stp yes"));
    const d = findings(files).checks.find((x) => x.code === "bridge/stp-dhcp-delay");
    expect(d?.message).toMatch(/ifup waits 30 s at boot before dhclient can start/);
  });

  it("several stanzas for one interface with the same method are a note (0.7+ multi-address), a verbatim copy a warning", () => {
    const two = net(lines(...LO, "auto eth0", "iface eth0 inet6 static", "  address 2001:db8::1/64", "iface eth0 inet6 static", "  address 2001:db8::2/64"));
    expect(codes(two)).toEqual([`iface/duplicate-stanza ${pos(two, IFACES, 6, "iface")} info`]);
    const copy = net(lines(...LO, "auto eth0", "iface eth0 inet static", "  address 10.9.9.1/24", "iface eth0 inet static", "  address 10.9.9.1/24"));
    expect(findings(copy).checks.find((d) => d.code === "iface/duplicate-stanza")?.message).toMatch(/verbatim copy/);
  });

  it("ifupdown 0.6 refuses a `source` given twice inside one stanza", () => {
    const files = squeeze(net(lines(...LO, "auto eth0", "iface eth0 inet dhcp", "source a", "source b")));
    expect(codes(files)).toEqual([
      `squeeze/unknown-keyword ${pos(files, IFACES, 5, "source")} warning`,
      `squeeze/unknown-keyword ${pos(files, IFACES, 6, "source")} error`,
    ]);
  });

  it("`all` and `regex` ports are matched against the cards (bridge-utils 1.4: all = eth.*)", () => {
    const files = net(lines(...LO, "auto br0", "iface br0 inet manual", "  bridge_ports all", "auto br1", "iface br1 inet manual", "  bridge_ports regex wlan[0-9] noregex tap0"));
    const nics = [{ name: "eth0" }, { name: "eth1" }, { name: "wlan0" }];
    expect(codes(files, nics)).toEqual([`bridge/port-missing ${pos(files, IFACES, 8, "tap0")} error`]);
  });

  it("cards named in udev's persistent-net rules decide which ports exist; without them a stanza is evidence enough", () => {
    const udev = 'SUBSYSTEM=="net", ACTION=="add", ATTR{address}=="00:1e:c9:00:00:01", KERNEL=="eth*", NAME="eth1"\n';
    const text = lines(...LO, "iface eth0 inet manual", "auto xenbr0", "iface xenbr0 inet dhcp", "  bridge_ports eth0", "  bridge_fd 0");
    expect(codes(net(text))).toEqual([]);
    const files = net(text, { "/etc/udev/rules.d/70-persistent-net.rules": udev });
    expect(codes(files)).toEqual([`bridge/port-missing ${pos(files, IFACES, 6, "eth0")} error`]);
    expect(findings(files).checks[0]?.message).toMatch(/udev's rules name the cards eth1/);
  });

  it("nothing is reported for the Debian handbook's host", () => {
    const files = squeeze(net(lines("auto lo", "iface lo inet loopback", "auto xenbr0", "iface xenbr0 inet dhcp", "  bridge_ports eth0", "  bridge_maxwait 0"), {
      [XEND]: lines("(vif-script vif-bridge)", "(dom0-min-mem 196)"),
      ...cfg("testxen", "[ 'mac=00:16:3E:E8:F0:07' ]", ["disk = [ 'file:/srv/testxen/domains/testxen/disk.img,xvda2,w' ]"]),
    }));
    expect(codes(files)).toEqual([`bridge/dhcp-before-forwarding ${pos(files, IFACES, 6, "0")} info`]);
  });
});
