// Xen's scripts on the booted dom0: network-bridge in both historical layouts (3.2–4.0: the bridge
// takes eth0's name and the card becomes peth0; 3.0/3.1: xenbr0 joins peth0 and the netloop vif0.0
// while dom0 lives on eth0, the renamed veth0), and 4.0.1's missing guard breaking a host whose
// interfaces file already made xenbr0; the vif hotplug errors xm reports; vifname=; and ifupdown's
// own failures at boot (a file 0.6 refuses, a stanza missing its netmask, the bridge wait).
import { describe, expect, it } from "vitest";
import { Bridge } from "../../../netsim/l2/index.ts";
import { macToString } from "../../../netsim/wire/address.ts";
import { runXm } from "../../../hypervisor/index.ts";
import { addresses, createGuest, machine, ping, STATIC_ETH0, xendConfig } from "./helpers.ts";

const SECOND = 1_000_000;
const DHCP_ETH0 = "auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n";
const devices = (m: ReturnType<typeof machine>) => m.dom0!.stack.devices().filter((d) => d.isUp).map((d) => `${d.name}:${d.kind}`);
const portsOf = (m: ReturnType<typeof machine>, name: string) => {
  const br = m.dom0!.node.device(name);
  return br instanceof Bridge ? br.ports.map((p) => p.name) : undefined;
};

describe("network-bridge", () => {
  it("Xen 3.2–4.0: the bridge takes the name eth0, the card becomes peth0, ifup eth0 runs DHCP on the bridge", () => {
    const m = machine({ "/etc/network/interfaces": DHCP_ETH0, "/etc/xen/xend-config.sxp": xendConfig("network-bridge", "vif-bridge") });
    m.boot();
    const card = macToString(m.nics[0]!.mac);
    expect(devices(m)).toEqual(["lo:loopback", "peth0:nic", "eth0:bridge"]);
    expect(portsOf(m, "eth0")).toEqual(["peth0"]);
    expect(macToString(m.dom0!.node.device("eth0")!.mac)).toBe(card);
    expect(addresses(m, "dom0")).toEqual(["lo 127.0.0.1/8", expect.stringMatching(/^eth0 192\.168\.1\.\d+\/24$/)]);
    const log = m.xen.fs.readFile("/var/log/xen/xend-debug.log")!;
    expect(log).toContain("DHCPRELEASE on eth0 to 192.168.1.1 port 67\nWaiting for peth0 to negotiate link...\n");
    expect(log).toMatch(/DHCPACK from 192\.168\.1\.1\nbound to 192\.168\.1\.\d+ -- renewal in \d+ seconds\.\n$/);
    createGuest(m, ["--dhcp"]);
    expect(portsOf(m, "eth0")).toEqual(["peth0", "vif1.0"]);
    // A vif asking for xenbr0 is given eth0 when eth0 is a bridge (the 3.2 renaming).
    expect(runXm(m.toolstack, ["network-attach", "testxen", "bridge=xenbr0"]).status).toBe(0);
    expect(portsOf(m, "eth0")).toEqual(["peth0", "vif1.0", "vif1.1"]);
    m.sim.runFor(30 * SECOND);
    expect(ping(m, "testxen", "www", 1).exitCode).toBe(0);
    // The guest kernel now has eth1, connected but not configured (its interfaces file only knows eth0).
    const eth1 = m.stackOf("testxen")!.device("eth1")!;
    expect([eth1.isUp, eth1.hasCarrier]).toEqual([false, true]);
  });

  it("Xen 3.0/3.1 (etch): xenbr0 holds peth0 and vif0.0, dom0 keeps the card's MAC on eth0 (the old veth0)", () => {
    const m = machine({ "/etc/debian_version": "4.0\n", "/etc/network/interfaces": DHCP_ETH0, "/etc/xen/xend-config.sxp": xendConfig("network-bridge", "vif-bridge") });
    const card = macToString(m.nics[0]!.mac);
    m.boot();
    const dev = (name: string) => m.dom0!.node.device(name)!;
    expect(devices(m)).toEqual(["lo:loopback", "peth0:nic", "eth0:veth", "vif0.0:veth", "xenbr0:bridge"]);
    expect(m.dom0!.node.devices().filter((d) => /^(veth|vif0\.)[1-7]$/.test(d.name)).length).toBe(14);
    expect(portsOf(m, "xenbr0")).toEqual(["vif0.0", "peth0"]);
    expect(macToString(dev("eth0").mac)).toBe(card);
    expect([dev("peth0"), dev("vif0.0")].map((d) => macToString(d.mac))).toEqual(["fe:ff:ff:ff:ff:ff", "fe:ff:ff:ff:ff:ff"]);
    expect(m.dom0!.node.flags(dev("peth0")).noarp).toBe(true);
    expect(addresses(m, "dom0")).toEqual(["lo 127.0.0.1/8", expect.stringMatching(/^eth0 192\.168\.1\.\d+\/24$/)]);
    expect(ping(m, "dom0", "www", 1).exitCode).toBe(0);
  });

  it("4.0.1 over a bridge from /etc/network/interfaces: it takes xenbr0 for the uplink and dom0 is cut off", () => {
    const m = machine({ "/etc/xen/xend-config.sxp": xendConfig("network-bridge", "vif-bridge") });
    m.boot();
    const log = m.xen.fs.readFile("/var/log/xen/xend-debug.log")!;
    expect(log).toContain("DHCPRELEASE on xenbr0 to 192.168.1.1 port 67\nCannot find device \"xenbr0\"\nWaiting for pxenbr0 to negotiate link...........(link isnt in running state)\n");
    expect(log).toContain("device xenbr0 already exists; can't create bridge with the same name\n");
    expect(log).toMatch(/No DHCPOFFERS received\.\nNo working leases in persistent database - sleeping\.\n$/);
    // The new xenbr0 is the renamed tmpbridge: it kept the address transfer_addrs gave it, but has no port.
    expect(portsOf(m, "xenbr0")).toEqual([]);
    expect(addresses(m, "dom0")).toEqual(["lo 127.0.0.1/8", expect.stringMatching(/^xenbr0 192\.168\.1\.\d+\/24$/)]);
    expect(m.nics[0]!.name).toBe("eth0");
    expect(m.nics[0]!.isUp).toBe(false);
    expect(ping(m, "dom0", "router", 1).exitCode).not.toBe(0);
  });
});

describe("vif hotplug", () => {
  const create = (files: Record<string, string>, args: string[], edit?: (cfg: string) => string) => {
    const m = machine(files);
    m.boot();
    m.xenCreateImage(["--hostname=testxen", "--dir=/srv/xen", "--dhcp", ...args]);
    if (edit) m.xen.fs.writeFile("/etc/xen/testxen.cfg", edit(m.xen.fs.readFile("/etc/xen/testxen.cfg")!));
    const started = m.sim.now;
    return { m, out: runXm(m.toolstack, ["create", "testxen.cfg"]).combined, took: m.sim.now - started };
  };
  const failure = (why: string) => `Using config file "/etc/xen/testxen.cfg".\nError: Device 0 (vif) could not be connected. ${why}\n`;

  it("reports vif-bridge's fatal errors", () => {
    expect(create({}, ["--bridge=xenbr1"]).out).toBe(failure("Could not find bridge device xenbr1"));
    expect(create({ "/etc/network/interfaces": STATIC_ETH0 }, []).out).toBe(failure("Could not find bridge, and none was specified"));
  });

  it("reports vif-route's when its uplink has no address", () => {
    const files = { "/etc/network/interfaces": "auto lo\niface lo inet loopback\nauto eth0\niface eth0 inet manual\n", "/etc/xen/xend-config.sxp": xendConfig(null, "vif-route") };
    expect(create(files, []).out).toBe(failure("eth0 is not up.  Bring it up or specify another interface with netdev=<if> as a parameter to vif-route."));
  });

  it("waits xend's 100 s for a script that does not exist", () => {
    const r = create({}, [], (cfg) => cfg.replace("vif         = [ 'mac=", "vif         = [ 'script=vif-missing,mac="));
    expect(r.out).toBe('Using config file "/etc/xen/testxen.cfg".\nError: Device 0 (vif) could not be connected. Hotplug scripts not working.\n');
    expect(r.took).toBeGreaterThanOrEqual(100 * SECOND);
  });

  it("renames the backend to vifname=", () => {
    const { m, out } = create({}, ["--vifname=web0"]);
    expect(out).toContain("Started domain testxen (id=1)");
    expect(portsOf(m, "xenbr0")).toEqual(["eth0", "web0"]);
    expect(m.stackOf("dom0")!.device("vif1.0")).toBeUndefined();
  });
});

describe("ifupdown at dom0's boot", () => {
  it("brings nothing up, not even lo, when ifupdown 0.6 refuses the file", () => {
    const m = machine({ "/etc/network/interfaces": "source /etc/network/interfaces.d/*\n\nauto lo\niface lo inet loopback\n" });
    expect(m.boot()).toBe('Configuring network interfaces...ifup: couldn\'t read interfaces file "/etc/network/interfaces"\ndone.\n');
    expect(m.stackOf("dom0")!.loopback.isUp).toBe(false);
    expect(addresses(m, "dom0")).toEqual([]);
  });

  it("leaves a static stanza without netmask down", () => {
    const m = machine({ "/etc/network/interfaces": "auto lo\niface lo inet loopback\nauto eth0\niface eth0 inet static\n    address 192.168.1.10\n" });
    expect(m.boot()).toBe("Configuring network interfaces...Don't seem to have all the variables for eth0/inet.\nFailed to bring up eth0.\ndone.\n");
    expect(m.dom0!.ifupdown!.ifstate.has("eth0")).toBe(false);
    expect(m.dom0!.ifupdown!.ifstate.has("lo")).toBe(true);
  });

  it("waits for the bridge's ports when bridge_maxwait is not given", () => {
    const m = machine({ "/etc/network/interfaces": "auto lo\niface lo inet loopback\n\nauto xenbr0\niface xenbr0 inet static\n    bridge_ports eth0\n    address 192.168.1.10\n    netmask 255.255.255.0\n    gateway 192.168.1.1\n" });
    const phases: [string, number][] = [];
    m.onEvent((e) => void (e.kind === "phase" && phases.push([e.phase, e.time])));
    expect(m.boot()).toBe("Configuring network interfaces...Waiting for xenbr0 to get ready (MAXWAIT is 32 seconds).\ndone.\n");
    const took = phases.find((p) => p[0] === "xend")![1] - phases.find((p) => p[0] === "networking")![1];
    // 2 s of autonegotiation, then 15 s of learning, seen by a poll once a second.
    expect(took).toBeGreaterThan(17 * SECOND);
    expect(took).toBeLessThan(19 * SECOND);
    expect(portsOf(m, "xenbr0")).toEqual(["eth0"]);
  });
});
