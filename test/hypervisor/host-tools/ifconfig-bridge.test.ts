// net-tools' ifconfig (what Squeeze's ifupdown and bridge-utils hooks call) and the `bridge` tool
// (absent from Squeeze; today's format on a node that has it), on the hand-built dom0.
import { describe, expect, it } from "vitest";
import { SECOND } from "../../../netsim/engine/sim.ts";
import { stackHost } from "../../../hypervisor/host-tools/index.ts";
import { ping, ip } from "../../netsim/l3/helpers.ts";
import { buildDom0, expectGolden, ok, sh, transcript } from "./dom0.ts";

describe("ifconfig", () => {
  it("lists the up interfaces sorted by name, -a all of them, with net-tools 1.60's layout", () => {
    const w = buildDom0();
    ping(w.guest, ip("192.168.1.1"), { count: 1, start: w.sim.now + 1000 });
    w.sim.runFor(SECOND);
    ok(w.host, "ip link add dummy0 type dummy");
    ok(w.host, "ip addr add 10.0.0.1/8 label xenbr0:1 dev xenbr0");
    expectGolden("ifconfig.txt", transcript(w.host, ["ifconfig", "ifconfig -a dummy0", "ifconfig xenbr0:1", "ifconfig nosuch"]));
  });

  it("configures as ifupdown's hooks use it: 0.0.0.0 removes the address, classful masks, netmask and broadcast", () => {
    const { host } = buildDom0();
    ok(host, "ip link add dummy0 type dummy");
    ok(host, "ifconfig dummy0 10.1.2.3 up");
    expect(sh(host, "ip -o -4 addr show dev dummy0").stdout).toBe("5: dummy0    inet 10.1.2.3/8 brd 10.255.255.255 scope global dummy0\n");
    ok(host, "ifconfig dummy0 172.16.0.9 netmask 255.255.255.0");
    expect(sh(host, "ip -o -4 addr show dev dummy0").stdout).toBe("5: dummy0    inet 172.16.0.9/24 brd 172.16.0.255 scope global dummy0\n");
    ok(host, "ifconfig dummy0 broadcast 172.16.0.7");
    expect(sh(host, "ip -o -4 addr show dev dummy0").stdout).toBe("5: dummy0    inet 172.16.0.9/24 brd 172.16.0.7 scope global dummy0\n");
    ok(host, "ifconfig dummy0 0.0.0.0 down");
    expect(sh(host, "ip -o -4 addr show dev dummy0").stdout).toBe("");
    expect(sh(host, "ip link show dummy0").stdout).toContain("state DOWN");
    expect(sh(host, "ifconfig eth7 up")).toEqual({ stdout: "", stderr: "eth7: ERROR while getting interface flags: No such device\n", exitCode: 255 });
    expect(sh(host, "ifconfig eth7 10.0.0.1")).toEqual({ stdout: "", stderr: "SIOCSIFADDR: No such device\n", exitCode: 1 });
    ok(host, "ifconfig eth0 promisc");
    expect(sh(host, "ip link show eth0").stdout).toContain("<BROADCAST,MULTICAST,PROMISC,UP,LOWER_UP>");
  });
});

describe("bridge fdb", () => {
  it("does not exist on Squeeze", () => {
    const { host } = buildDom0();
    expect(sh(host, "bridge fdb show")).toEqual({ stdout: "", stderr: "bash: bridge: command not found\n", exitCode: 127 });
  });

  it("prints today's format on a node that has the tool", () => {
    const w = buildDom0();
    const modern = stackHost(w.sim, w.host.stack, { hasBridgeTool: true });
    ping(w.guest, ip("192.168.1.1"), { count: 1, start: w.sim.now + 1000 });
    w.sim.runFor(SECOND);
    expect(sh(modern, "bridge fdb show").stdout).toBe(
      "00:11:22:33:44:55 dev eth0 master xenbr0 \n00:16:3e:11:22:33 dev eth0 master xenbr0 permanent\n00:16:3e:2a:4b:01 dev vif1.0 master xenbr0 \nfe:ff:ff:ff:ff:ff dev vif1.0 master xenbr0 permanent\n",
    );
    expect(sh(modern, "bridge fdb show dev vif1.0").stdout).toBe("00:16:3e:2a:4b:01 dev vif1.0 master xenbr0 \nfe:ff:ff:ff:ff:ff dev vif1.0 master xenbr0 permanent\n");
    expect(sh(modern, "bridge fdb show br nosuch")).toEqual({ stdout: "", stderr: 'Cannot find device "nosuch"\n', exitCode: 255 });
  });
});
