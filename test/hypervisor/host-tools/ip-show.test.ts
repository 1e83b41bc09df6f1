// `ip` listings on the hand-built dom0 (dom0.ts), compared with golden transcripts reviewed against
// iproute 20100519's print code (ip/ipaddress.c, iproute.c, ipneigh.c): two blanks before proto,
// scope, src and metric in `ip route`, `state UNKNOWN ` with its trailing blank for lo and bridges,
// the bridge port without PROMISC or `master`, and the keyword abbreviations ip accepts.
import { describe, expect, it } from "vitest";
import { buildDom0, expectGolden, sh, transcript } from "./dom0.ts";

describe("ip show commands on a Squeeze dom0", () => {
  it("prints addresses, links, routes, neighbours and rules as iproute 20100519 does", () => {
    const { host } = buildDom0();
    expectGolden(
      "ip-show.txt",
      transcript(host, [
        "ip addr",
        "ip link",
        "ip -s link show vif1.0",
        "ip -s -s link show eth0",
        "ip route",
        "ip route get 8.8.8.8",
        "ip route get 192.168.1.10",
        "ip route get 192.168.1.255",
        "ip route get 192.168.1.1 from 192.168.1.50 iif vif1.0",
        "ip route get 192.168.1.10 from 192.168.1.50 iif xenbr0",
        "ip route show table local",
        "ip route show table all",
        "ip -6 route",
        "ip neigh",
        "ip rule",
        "ip -o link",
        "ip -o -4 addr",
        "ip -4 addr show dev xenbr0",
        "ip addr show label lo",
        "ip addr show up scope link",
      ]),
    );
  });

  it("shows the kernel route text exactly, blanks included", () => {
    const { host } = buildDom0();
    expect(sh(host, "ip route").stdout).toBe("192.168.1.0/24 dev xenbr0  proto kernel  scope link  src 192.168.1.10 \ndefault via 192.168.1.1 dev xenbr0 \n");
    expect(sh(host, "ip link show lo").stdout).toBe("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 16436 qdisc noqueue state UNKNOWN \n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n");
    expect(sh(host, "ip addr show dev xenbr0").stdout).toContain("    inet 192.168.1.10/24 brd 192.168.1.255 scope global xenbr0\n");
  });

  it("accepts the abbreviations ip accepts, in ip.c's order", () => {
    const { host } = buildDom0();
    const same = (a: string, b: string) => expect(sh(host, a), a).toEqual(sh(host, b));
    same("ip a", "ip addr show");
    same("ip addr sh", "ip address list");
    same("ip a s dev lo", "ip addr show lo");
    same("ip r", "ip route list");
    same("ip ro sh", "ip route");
    same("ip n", "ip neighbour show");
    same("ip neigh", "ip neighbor lst");
    same("ip l", "ip link show");
    same("ip li sh eth0", "ip link show dev eth0");
    // `ip link s` is `set` (tried before `show`), which wants a device.
    expect(sh(host, "ip link s")).toEqual({ stdout: "", stderr: 'Not enough information: "dev" argument is required.\n', exitCode: 255 });
    // `ip m` is maddress, which xennet does not simulate.
    expect(sh(host, "ip m").exitCode).toBe(1);
  });

  it("lists every route for `ip route show default`, as 20100519's family-less prefix filter does", () => {
    const { host } = buildDom0();
    expect(sh(host, "ip route show default")).toEqual(sh(host, "ip route"));
    expect(sh(host, "ip -4 route show 0.0.0.0/0").stdout).toBe("default via 192.168.1.1 dev xenbr0 \n");
    expect(sh(host, "ip route list 0.0.0.0/0").stdout).toBe("default via 192.168.1.1 dev xenbr0 \n");
    expect(sh(host, "ip route show dev xenbr0").stdout).toBe("192.168.1.0/24  proto kernel  scope link  src 192.168.1.10 \ndefault via 192.168.1.1 \n");
    expect(sh(host, "ip route show proto kernel").stdout).toBe("192.168.1.0/24 dev xenbr0  scope link  src 192.168.1.10 \n");
    expect(sh(host, "ip route show root 192.168.0.0/16").stdout).toBe("192.168.1.0/24 dev xenbr0  proto kernel  scope link  src 192.168.1.10 \n");
    expect(sh(host, "ip route show match 192.168.1.7").stdout).toBe(sh(host, "ip route").stdout);
  });

  it("reports the global errors and usage as ip does", () => {
    const { host } = buildDom0();
    expect(sh(host, "ip -V")).toEqual({ stdout: "ip utility, iproute2-ss100519\n", stderr: "", exitCode: 0 });
    expect(sh(host, "ip")).toMatchObject({ stdout: "", exitCode: 255 });
    expect(sh(host, "ip").stderr).toMatch(/^Usage: ip \[ OPTIONS \] OBJECT \{ COMMAND \| help \}\n/);
    expect(sh(host, "ip foo")).toEqual({ stdout: "", stderr: 'Object "foo" is unknown, try "ip help".\n', exitCode: 255 });
    expect(sh(host, "ip -x link")).toEqual({ stdout: "", stderr: 'Option "-x" is unknown, try "ip -help".\n', exitCode: 255 });
    expect(sh(host, "ip addr frob")).toEqual({ stdout: "", stderr: 'Command "frob" is unknown, try "ip addr help".\n', exitCode: 255 });
    expect(sh(host, "ip addr show nosuch")).toEqual({ stdout: "", stderr: 'Device "nosuch" does not exist.\n', exitCode: 255 });
    expect(sh(host, "ip route show dev nosuch")).toEqual({ stdout: "", stderr: 'Cannot find device "nosuch"\n', exitCode: 255 });
    expect(sh(host, "ip route get")).toEqual({ stdout: "", stderr: "need at least destination address\n", exitCode: 1 });
    expect(sh(host, "ip route get 10.0.0.300")).toEqual({ stdout: "", stderr: 'Error: an inet prefix is expected rather than "10.0.0.300".\n', exitCode: 1 });
    expect(sh(host, "ip route add")).toEqual({ stdout: "", stderr: "RTNETLINK answers: No such device\n", exitCode: 2 });
    expect(sh(host, "ip addr add 10.0.0.1/8 dev")).toEqual({ stdout: "", stderr: 'Command line is not complete. Try option "help"\n', exitCode: 255 });
  });
});
