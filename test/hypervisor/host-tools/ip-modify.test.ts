// `ip` commands that change the node, and the kernel's answers to them (2.6.32 semantics through
// the simulated stack): duplicates, missing devices, busy devices, unreachable gateways, and the
// exit codes iproute2 uses (2 after "RTNETLINK answers:", 255 for its own complaints, 1 for a bad
// address).
import { describe, expect, it } from "vitest";
import { Netfront } from "../../../netsim/l2/index.ts";
import { buildDom0, expectGolden, ok, sh, transcript } from "./dom0.ts";

const err = (stderr: string, exitCode: number) => ({ stdout: "", stderr, exitCode });

describe("ip addr changes", () => {
  it("refuses an address twice with RTNETLINK answers: File exists, exit 2 (change and replace too, on 2.6.32)", () => {
    const { host } = buildDom0();
    expect(sh(host, "ip addr add 192.168.1.10/24 dev xenbr0")).toEqual(err("RTNETLINK answers: File exists\n", 2));
    expect(sh(host, "ip addr change 192.168.1.10/24 dev xenbr0")).toEqual(err("RTNETLINK answers: File exists\n", 2));
    expect(sh(host, "ip addr replace 192.168.1.10/24 dev xenbr0")).toEqual(err("RTNETLINK answers: File exists\n", 2));
  });

  it("adds secondaries and aliases, deletes with the wildcard warning, flushes", () => {
    const { host } = buildDom0();
    ok(host, "ip addr add 192.168.1.11/24 dev xenbr0");
    ok(host, "ip addr add 10.1.0.1/16 brd + label xenbr0:1 dev xenbr0");
    expect(sh(host, "ip -4 addr show dev xenbr0").stdout).toBe(
      "4: xenbr0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UNKNOWN \n" +
        "    link/ether 00:16:3e:11:22:33 brd ff:ff:ff:ff:ff:ff\n" +
        "    inet 192.168.1.10/24 brd 192.168.1.255 scope global xenbr0\n" +
        "    inet 10.1.0.1/16 brd 10.1.255.255 scope global xenbr0:1\n" +
        "    inet 192.168.1.11/24 scope global secondary xenbr0\n",
    );
    const del = sh(host, "ip addr del 10.1.0.1 dev xenbr0");
    expect(del.exitCode).toBe(0);
    expect(del.stderr).toBe(
      "Warning: Executing wildcard deletion to stay compatible with old scripts.\n         Explicitly specify the prefix length (10.1.0.1/32) to avoid this warning.\n         This special behaviour is likely to disappear in further releases,\n         fix your scripts!\n",
    );
    expect(sh(host, "ip addr del 10.9.9.9/32 dev xenbr0")).toEqual(err("RTNETLINK answers: Cannot assign requested address\n", 2));
    expect(sh(host, "ip -s addr flush dev xenbr0").stdout).toBe("\n*** Round 1, deleting 2 addresses ***\n*** Flush is complete after 1 round ***\n");
    expect(sh(host, "ip -4 addr show dev xenbr0").stdout).not.toContain("inet ");
    expect(sh(host, "ip route").stdout).toBe("");
    expect(sh(host, "ip -s addr flush dev xenbr0").stdout).toBe("Nothing to flush.\n");
  });

  it("checks its arguments as ipaddr_modify does", () => {
    const { host } = buildDom0();
    expect(sh(host, "ip addr add 10.0.0.1/8 dev nosuch")).toEqual(err('Cannot find device "nosuch"\n', 255));
    expect(sh(host, "ip addr add 10.0.0.1/8")).toEqual(err('Not enough information: "dev" argument is required.\n', 255));
    expect(sh(host, "ip addr add 10.0.0.1/8 label eth1 dev eth0")).toEqual(err('"dev" (eth0) must match "label" (eth1).\n', 1));
    expect(sh(host, "ip addr add 10.0.0.1/33 dev eth0")).toEqual(err('Error: an inet prefix is expected rather than "10.0.0.1/33".\n', 1));
    expect(sh(host, "ip addr flush")).toEqual(err("Flush requires arguments.\n", 255));
    // get_addr_ipv4 reads each part with strtoul base 0: 010 is octal, missing parts are zero.
    ok(host, "ip addr add 10.010/16 dev eth0");
    expect(sh(host, "ip -4 -o addr show dev eth0").stdout).toBe("2: eth0    inet 10.8.0.0/16 scope global eth0\n");
  });
});

describe("ip link changes", () => {
  it("renames only a device that is down, sets flags, MTU and MAC as the drivers allow", () => {
    const { host } = buildDom0();
    expect(sh(host, "ip link set xenbr0 name br0")).toEqual(err("RTNETLINK answers: Device or resource busy\n", 2));
    expect(sh(host, "ip link set dev nosuch up")).toEqual(err('Cannot find device "nosuch"\n', 255));
    expect(sh(host, "ip link set eth0 promisc maybe")).toEqual(err('Error: argument of "promisc" must be "on" or "off"\n', 255));
    expect(sh(host, "ip link set vif1.0 mtu 40")).toEqual(err("RTNETLINK answers: Invalid argument\n", 2));
    expect(sh(host, "ip link set vif1.0 address 00:16:3e:00:00:01")).toEqual(err("RTNETLINK answers: Device or resource busy\n", 2));
    expect(sh(host, "ip link set eth0 address 01:00:5e:00:00:01")).toEqual(err("RTNETLINK answers: Cannot assign requested address\n", 2));
    expect(sh(host, "ip link set eth0 address 00:16:3e:zz:00:01")).toEqual(err('"00:16:3e:zz:00:01" is invalid lladdr.\n', 255));
    expect(sh(host, "ip link set eth0 name averyveryverylongname")).toEqual(err('Error: argument "averyveryverylongname" is wrong: "name" too long\n\n', 255));
    ok(host, "ip link set eth0 promisc on");
    ok(host, "ip link set eth0 mtu 1400");
    ok(host, "ip link set eth0 txqueuelen 100");
    expectGolden(
      "ip-link-set.txt",
      transcript(host, [
        "ip link show eth0",
        "ip link show xenbr0",
        "ip link set xenbr0 down",
        "ip link set xenbr0 name br0",
        "ip link show br0",
        "ip route",
        "ip link set br0 up",
        "ip link set eth0 promisc off",
        "ip link set eth0 arp off",
        "ip link show",
      ]),
    );
  });

  it("shows NO-CARRIER for a vif whose guest went away", () => {
    const { host } = buildDom0();
    const vif = host.device("vif1.0");
    (vif as unknown as { disconnect(): void }).disconnect();
    expect(sh(host, "ip link show vif1.0").stdout).toBe(
      "3: vif1.0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc pfifo_fast state DOWN qlen 32\n    link/ether fe:ff:ff:ff:ff:ff brd ff:ff:ff:ff:ff:ff\n",
    );
    expect(vif?.sink).not.toBeInstanceOf(Netfront);
  });

  it("creates and deletes dummy and veth devices; a bridge or a NIC cannot be made or deleted over rtnetlink on 2.6.32", () => {
    const { host } = buildDom0();
    ok(host, "ip link add dummy0 type dummy");
    ok(host, "ip link add type dummy");
    ok(host, "ip link add veth0 type veth peer name veth1");
    expect(sh(host, "ip link add dummy0 type dummy")).toEqual(err("RTNETLINK answers: File exists\n", 2));
    expect(sh(host, "ip link add br1 type bridge")).toEqual(err("RTNETLINK answers: Operation not supported\n", 2));
    expect(sh(host, "ip link add foo")).toEqual(err('Not enough information: "type" argument is required\n', 255));
    expect(sh(host, "ip link add d2 type dummy bogus")).toEqual(err('Garbage instead of arguments "bogus ...". Try "ip link help".\n', 255));
    expect(sh(host, "ip link delete eth0")).toEqual(err("RTNETLINK answers: Operation not supported\n", 2));
    expect(sh(host, "ip link delete xenbr0")).toEqual(err("RTNETLINK answers: Operation not supported\n", 2));
    expectGolden("ip-link-add.txt", transcript(host, ["ip link show dummy0", "ip link show dummy1", "ip link show veth0", "ip link show veth1", "ip link set veth0 up", "ip link show veth0", "ip link set veth1 up", "ip link show veth0", "ip link delete veth1", "ip link show veth0", "ip link delete dummy1", "ip link"]));
  });
});

describe("ip route changes", () => {
  it("answers as fib_hash does: one route per prefix and metric, next hop checked first", () => {
    const { host } = buildDom0();
    expect(sh(host, "ip route add default via 192.168.1.254")).toEqual(err("RTNETLINK answers: File exists\n", 2));
    expect(sh(host, "ip route add default via 10.9.9.9")).toEqual(err("RTNETLINK answers: Network is unreachable\n", 2));
    expect(sh(host, "ip route add 10.0.0.1/8 dev xenbr0")).toEqual(err("RTNETLINK answers: Invalid argument\n", 2));
    expect(sh(host, "ip route add 10.0.0.0/8 dev eth9")).toEqual(err('Cannot find device "eth9"\n', 255));
    expect(sh(host, "ip route add 10.0.0.0/8 dev eth0 mtu 1400")).toEqual(err("RTNETLINK answers: Operation not supported\n", 2));
    expect(sh(host, "ip route del 10.0.0.0/8")).toEqual(err("RTNETLINK answers: No such process\n", 2));
    expect(sh(host, "ip route change 10.0.0.0/8 dev xenbr0")).toEqual(err("RTNETLINK answers: No such file or directory\n", 2));
    expect(sh(host, "ip route flush")).toEqual(err('"ip route flush" requires arguments.\n', 255));
    ok(host, "ip route add default via 192.168.1.254 metric 10");
    ok(host, "ip route add 10.0.0.0/8 via 192.168.1.2 proto static");
    ok(host, "ip route add 172.16.1.5 dev xenbr0 src 192.168.1.10");
    ok(host, "ip route append 10.0.0.0/8 via 192.168.1.3");
    expectGolden(
      "ip-route-change.txt",
      transcript(host, [
        "ip route",
        "ip route get 10.1.2.3",
        "ip route replace 10.0.0.0/8 via 192.168.1.4",
        "ip route del default",
        "ip route",
        "ip -s route flush 10.0.0.0/8",
        "ip route",
        "ip route get 8.8.8.8 from 192.168.1.10",
        "ip route del default",
        "ip route get 8.8.8.8",
      ]),
    );
  });
});

describe("ip neigh changes", () => {
  it("adds, changes, deletes and flushes ARP entries with the kernel's errors", () => {
    const { host } = buildDom0();
    expect(sh(host, "ip neigh add 192.168.1.1 lladdr 00:11:22:33:44:55 dev xenbr0")).toEqual(err("RTNETLINK answers: File exists\n", 2));
    expect(sh(host, "ip neigh del 192.168.1.99 dev xenbr0")).toEqual(err("RTNETLINK answers: No such file or directory\n", 2));
    expect(sh(host, "ip neigh add 192.168.1.99 dev xenbr0")).toEqual(err("RTNETLINK answers: Invalid argument\n", 2));
    expect(sh(host, "ip neigh add 192.168.1.99")).toEqual(err("Device and destination are required arguments.\n", 255));
    expect(sh(host, "ip neigh flush")).toEqual(err("Flush requires arguments.\n", 255));
    expect(sh(host, "ip neigh get 192.168.1.1 dev xenbr0")).toEqual(err('Sorry, "neigh get" is not implemented :-(\n', 255));
    ok(host, "ip neigh add 192.168.1.7 lladdr 00:16:3e:00:00:07 dev xenbr0");
    ok(host, "ip neigh add 192.168.1.8 lladdr 00:16:3e:00:00:08 nud stale dev xenbr0");
    ok(host, "ip neigh add 192.168.1.9 lladdr 00:16:3e:00:00:09 nud noarp dev xenbr0");
    expectGolden(
      "ip-neigh-change.txt",
      transcript(host, ["ip neigh", "ip neigh show nud all", "ip neigh show dev xenbr0 nud permanent", "ip -s neigh flush dev xenbr0", "ip neigh show nud all", "ip neigh del 192.168.1.7 dev xenbr0", "ip neigh show nud all", "ip neigh show 192.168.1.0/24"]),
    );
  });
});
