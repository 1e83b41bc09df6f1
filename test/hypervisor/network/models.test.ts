// The same guest, testxen, in each of Xen's three network models on one world (router 192.168.1.1
// with DHCP, www 203.0.113.80 behind it): which interfaces its DHCP, ARP and ping frames cross (from
// the tx/rx trace), and what `brctl show`, `ip route` and `iptables -t nat -L -n` print on dom0
// afterwards (run through the dom0 command table, so ip and brctl are host-tools' emulations).
//   bridge  the handbook host: xenbr0 from /etc/network/interfaces, vif-bridge, the guest on the LAN by DHCP
//   route   network-route netdev=eth0 + vif-route, the guest static on the LAN with ip= on its vif
//   nat     network-nat + vif-nat dhcp=yes (a Lenny-style dhcp3-server), the guest 10.0.1.1 by dom0's DHCP
import { describe, expect, it } from "vitest";
import { macToString } from "../../../netsim/wire/address.ts";
import type { Machine } from "../../../hypervisor/index.ts";
import { addresses, createGuest, machine, ping, Recorder, routes, STATIC_ETH0, xendConfig } from "./helpers.ts";

const SECOND = 1_000_000;
const DHCP3 = { "/etc/dhcp3/dhcpd.conf": "ddns-update-style none;\n", "/etc/init.d/dhcp3-server": "#!/bin/sh\n", "/etc/default/dhcp3-server": 'INTERFACES=""\n' };
const LAN = ["lan/port2", "lan/port1", "router/eth0"];
const INTERNET = ["router/eth1", "internet/port1", "internet/port2", "www/eth0"];
const EMPTY_NAT = [
  "Chain PREROUTING (policy ACCEPT)", "target     prot opt source               destination         ", "",
  "Chain POSTROUTING (policy ACCEPT)", "target     prot opt source               destination         ", "",
  "Chain OUTPUT (policy ACCEPT)", "target     prot opt source               destination         ", "",
].join("\n");

/** Boots, creates testxen, lets it boot, then pings www once; returns the traces of both stages. */
function scenario(files: Record<string, string>, args: readonly string[]) {
  const m = machine(files);
  m.boot();
  const boot = new Recorder(m, (e) => e.kind === "tx" || e.kind === "rx");
  createGuest(m, args);
  m.sim.runFor(60 * SECOND);
  boot.stop();
  const guestIp = m.stackOf("testxen")!.addresses("eth0")[0]!;
  const traffic = new Recorder(m, (e) => e.kind === "tx" || e.kind === "rx" || e.kind === "arp" || e.kind === "nat");
  const result = ping(m, "testxen", "www", 1);
  traffic.stop();
  const ip = `${guestIp.address >>> 24}.${(guestIp.address >>> 16) & 255}.${(guestIp.address >>> 8) & 255}.${guestIp.address & 255}`;
  const mac = m.stackOf("testxen")!.device("eth0")!.mac;
  const guestMac = [5, 4, 3, 2, 1, 0].map((i) => Math.floor(mac / 2 ** (8 * i)) % 256).map((b) => b.toString(16).padStart(2, "0")).join(":");
  return {
    m, ip, result,
    dhcp: boot.crossings((f) => f.kind === "dhcp" && f.src === "0.0.0.0"),
    /** ARP the guest itself sent. */
    arpFrom: traffic.crossings((f) => f.kind === "arp" && f.ethSrc === guestMac),
    /** ARP requests others sent for the guest's address. */
    arpFor: traffic.crossings((f) => f.kind === "arp" && f.arpOp === 1 && f.dst === ip && f.ethSrc !== guestMac),
    echo: traffic.crossings((f) => f.kind === "icmp" && f.icmp === "echo-request"),
    traffic,
  };
}

/** What a command prints on dom0 (through hypervisor/host-tools for ip and brctl). */
function sh(m: Machine, line: string): string {
  const r = m.run(line);
  return r.stdout + r.stderr;
}

describe("the same guest in the three network models", () => {
  it("bridge: its frames go through xenbr0 onto the LAN as if it were a machine there", () => {
    const s = scenario({}, ["--dhcp"]);
    expect(s.result.exitCode).toBe(0);
    expect(s.ip).toMatch(/^192\.168\.1\.1\d\d$/);
    expect(s.dhcp).toEqual(["testxen/eth0", "dom0/vif1.0", "dom0/xenbr0", "dom0/eth0", "lan/port2", "lan/switch", "lan/port1", "router/eth0"]);
    expect(s.arpFrom).toEqual(["testxen/eth0", "dom0/vif1.0", "dom0/eth0", ...LAN]);
    expect(s.arpFor).toEqual([]);
    expect(s.echo).toEqual(["testxen/eth0", "dom0/vif1.0", "dom0/eth0", ...LAN, ...INTERNET]);
    const id = macToString(s.m.nics[0]!.mac).replaceAll(":", "");
    expect(sh(s.m, "brctl show")).toBe(`bridge name\tbridge id\t\tSTP enabled\tinterfaces\nxenbr0\t\t8000.${id}\tno\t\teth0\n\t\t\t\t\t\t\tvif1.0\n`);
    const dom0 = addresses(s.m, "dom0")[1]!.split(/[ /]/)[1];
    expect(sh(s.m, "ip route")).toBe(`192.168.1.0/24 dev xenbr0  proto kernel  scope link  src ${dom0} \ndefault via 192.168.1.1 dev xenbr0 \n`);
    expect(sh(s.m, "iptables -t nat -L -n")).toBe(EMPTY_NAT);
  });

  it("route: dom0 routes the guest's own LAN address, answering ARP for both sides by proxy", () => {
    const files = { "/etc/network/interfaces": STATIC_ETH0, "/etc/xen/xend-config.sxp": xendConfig("'network-route netdev=eth0'", "vif-route") };
    const s = scenario(files, ["--ip=192.168.1.50", "--gateway=192.168.1.1", "--netmask=255.255.255.0"]);
    expect(s.result.exitCode).toBe(0);
    expect(s.ip).toBe("192.168.1.50");
    expect(s.dhcp).toEqual([]);
    // The guest's ARP for the router stops at vif1.0 (dom0 answers for the router, proxy_arp on the
    // vif); the router's ARP for the guest stops at eth0 (dom0 answers for the guest), and dom0 then
    // asks the guest itself through vif1.0.
    expect(s.arpFrom).toEqual(["testxen/eth0", "dom0/vif1.0"]);
    expect(s.arpFor).toEqual(["router/eth0", "lan/port1", "lan/switch", "lan/port2", "dom0/eth0", "dom0/vif1.0", "testxen/eth0"]);
    const proxied = s.traffic.events.flatMap((e) => (e.kind === "arp" && e.op === "proxy-reply" ? [`${e.node}/${e.dev}`] : []));
    expect(proxied).toEqual(["dom0/vif1.0", "dom0/eth0"]);
    expect(s.echo).toEqual(["testxen/eth0", "dom0/vif1.0", "dom0/eth0", ...LAN, ...INTERNET]);
    expect(sh(s.m, "brctl show")).toBe("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n");
    expect(sh(s.m, "ip route")).toBe([
      "192.168.1.50 dev vif1.0  scope link  src 192.168.1.10 ",
      "192.168.1.0/24 dev eth0  proto kernel  scope link  src 192.168.1.10 ",
      "default via 192.168.1.1 dev eth0 ",
      "",
    ].join("\n"));
    expect(addresses(s.m, "dom0")).toEqual(["lo 127.0.0.1/8", "eth0 192.168.1.10/24", "vif1.0 192.168.1.10/32"]);
    for (const path of ["ip_forward", "conf/eth0/proxy_arp", "conf/vif1.0/proxy_arp"]) expect(s.m.stackOf("dom0")!.readSysctl(`net/ipv4/${path}`)).toBe("1");
    expect(sh(s.m, "iptables -t nat -L -n")).toBe(EMPTY_NAT);
  });

  it("route, with Xen 4.0's default netdev: proxy ARP on the uplink stays off and the guest is cut off", () => {
    const files = { "/etc/network/interfaces": STATIC_ETH0, "/etc/xen/xend-config.sxp": xendConfig("network-route", "vif-route") };
    const m = machine(files);
    m.boot();
    expect(m.xen.fs.readFile("/var/log/xen/xend-debug.log")).toBe("/etc/xen/scripts/network-route: line 27: /proc/sys/net/ipv4/conf/eth/proxy_arp: No such file or directory\n");
    expect(m.stackOf("dom0")!.readSysctl("net/ipv4/conf/eth0/proxy_arp")).toBe("0");
    createGuest(m, ["--ip=192.168.1.50", "--gateway=192.168.1.1", "--netmask=255.255.255.0"]);
    m.sim.runFor(60 * SECOND);
    const r = ping(m, "testxen", "router", 2);
    expect(r.text).toContain("2 packets transmitted, 0 received, 100% packet loss");
  });

  it("nat: the guest's DHCP never leaves dom0, its traffic leaves masqueraded as dom0's address", () => {
    const files = { "/etc/network/interfaces": STATIC_ETH0, "/etc/xen/xend-config.sxp": xendConfig("network-nat", "'vif-nat dhcp=yes'"), ...DHCP3 };
    const s = scenario(files, ["--dhcp"]);
    expect(s.result.exitCode).toBe(0);
    expect(s.ip).toBe("10.0.1.1");
    expect(routes(s.m, "testxen")).toEqual(["10.0.0.0/16 dev eth0 src 10.0.1.1", "default via 10.0.1.128 dev eth0"]);
    expect(s.dhcp).toEqual(["testxen/eth0", "dom0/vif1.0"]);
    expect(s.arpFrom).toEqual(["testxen/eth0", "dom0/vif1.0"]);
    expect(s.arpFor).toEqual([]);
    expect(s.echo).toEqual(["testxen/eth0", "dom0/vif1.0", "dom0/eth0", ...LAN, ...INTERNET]);
    const nat = s.traffic.events.flatMap((e) => (e.kind === "nat" && e.node === "dom0" ? [`${e.before} -> ${e.after}`] : []));
    expect(nat).toEqual([expect.stringMatching(/^icmp 10\.0\.1\.1 > 203\.0\.113\.80 type 8 code 0 id (\d+) -> icmp 192\.168\.1\.10 > 203\.0\.113\.80 type 8 code 0 id \1$/)]);
    expect(sh(s.m, "ip route")).toBe([
      "10.0.1.1 dev vif1.0  scope link  src 10.0.1.128 ",
      "192.168.1.0/24 dev eth0  proto kernel  scope link  src 192.168.1.10 ",
      "default via 192.168.1.1 dev eth0 ",
      "",
    ].join("\n"));
    expect(sh(s.m, "brctl show")).toBe("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n");
    expect(addresses(s.m, "dom0")).toEqual(["lo 127.0.0.1/8", "eth0 192.168.1.10/24", "vif1.0 10.0.1.128/32"]);
    expect(sh(s.m, "iptables -t nat -L -n")).toBe(EMPTY_NAT.replace(
      "Chain POSTROUTING (policy ACCEPT)\ntarget     prot opt source               destination         \n",
      "Chain POSTROUTING (policy ACCEPT)\ntarget     prot opt source               destination         \nMASQUERADE  all  --  0.0.0.0/0            0.0.0.0/0           \n",
    ));
    const mac = s.m.xen.hypervisor.lookup("testxen")!.spec.vifs[0]!.mac;
    expect(s.m.xen.fs.readFile("/etc/dhcp3/dhcpd.conf")).toBe(`ddns-update-style none;\nhost testxen { hardware ethernet ${mac}; fixed-address 10.0.1.1; option routers 10.0.1.128; option host-name "testxen"; }\n`);
    expect(s.m.xen.fs.readFile("/etc/default/dhcp3-server")).toBe('INTERFACES="vif1.0 "\n');
  });

  it("nat without dhcpd's files: vif-nat with dhcp=yes fails and xm reports the hotplug error", () => {
    const files = { "/etc/network/interfaces": STATIC_ETH0, "/etc/xen/xend-config.sxp": xendConfig("network-nat", "'vif-nat dhcp=yes'") };
    const m = machine(files);
    m.boot();
    expect(createGuest(m, ["--dhcp"])).toBe('Using config file "/etc/xen/testxen.cfg".\nError: Device 0 (vif) could not be connected. Failed to find dhcpd configuration or init or args file.\n');
    expect(m.xen.hypervisor.lookup("testxen")).toBeUndefined();
    expect(m.stackOf("dom0")!.device("vif1.0")).toBeUndefined();
  });
});
