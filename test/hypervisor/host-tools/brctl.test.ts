// brctl (bridge-utils 1.4) on the hand-built dom0: the listings against goldens reviewed with
// brctl_cmd.c/brctl_disp.c (and the real brctl's column layout), alphasorted bridges and ports,
// and every error message and exit status of the commands a Xen host's scripts run.
import { describe, expect, it } from "vitest";
import { SECOND } from "../../../netsim/engine/sim.ts";
import { ping, ip } from "../../netsim/l3/helpers.ts";
import { buildDom0, expectGolden, ok, sh, transcript } from "./dom0.ts";

const err = (stderr: string, exitCode = 1) => ({ stdout: "", stderr, exitCode });

describe("brctl listings", () => {
  it("shows the bridge, its MAC table after traffic, and its STP state", () => {
    const w = buildDom0();
    ping(w.guest, ip("192.168.1.1"), { count: 2, start: w.sim.now + 1000 });
    w.sim.runFor(5 * SECOND);
    expectGolden("brctl.txt", transcript(w.host, ["brctl show", "brctl showmacs xenbr0", "brctl showstp xenbr0"]));
  });

  it("prints the exact column layout: tabs, continuation lines, `%3i` port numbers, `%4i.%.2i` timers", () => {
    const w = buildDom0();
    expect(sh(w.host, "brctl show").stdout).toBe("bridge name\tbridge id\t\tSTP enabled\tinterfaces\nxenbr0\t\t8000.00163e112233\tno\t\teth0\n\t\t\t\t\t\t\tvif1.0\n");
    expect(sh(w.host, "brctl showmacs xenbr0").stdout).toBe("port no\tmac addr\t\tis local?\tageing timer\n  1\t00:16:3e:11:22:33\tyes\t\t   0.00\n  2\tfe:ff:ff:ff:ff:ff\tyes\t\t   0.00\n");
  });

  it("lists bridges and ports in alphasort order, an empty bridge with id 8000.000000000000", () => {
    const w = buildDom0();
    ok(w.host, "brctl addbr br1");
    ok(w.host, "ip link add zz0 type dummy");
    ok(w.host, "ip link add aa0 type dummy");
    ok(w.host, "brctl addif br1 zz0 aa0");
    ok(w.host, "brctl addbr abr");
    const lines = sh(w.host, "brctl show").stdout.split("\n");
    expect(lines[1]).toBe("abr\t\t8000.000000000000\tno\t\t");
    expect(lines[2]).toMatch(/^br1\t\t8000\.[0-9a-f]{12}\tno\t\taa0$/);
    expect(lines[3]).toBe("\t\t\t\t\t\t\tzz0");
    expect(lines[4]).toBe("xenbr0\t\t8000.00163e112233\tno\t\teth0");
  });

  it("turns STP on and shows the timers and the ports' states moving", () => {
    const w = buildDom0();
    ok(w.host, "brctl stp xenbr0 on");
    ok(w.host, "brctl setfd xenbr0 4");
    ok(w.host, "brctl sethello xenbr0 1");
    ok(w.host, "brctl setbridgeprio xenbr0 0x1000");
    ok(w.host, "brctl setpathcost xenbr0 vif1.0 50");
    ok(w.host, "brctl setageing xenbr0 120.5");
    w.sim.runFor(SECOND / 2);
    expectGolden("brctl-stp.txt", transcript(w.host, ["brctl show", "brctl showstp xenbr0"]));
  });
});

describe("brctl errors", () => {
  it("reports what bridge-utils 1.4 reports, with exit status 1", () => {
    const { host } = buildDom0();
    expect(sh(host, "brctl addif xenbr0 nosuch")).toEqual(err("interface nosuch does not exist!\n"));
    expect(sh(host, "brctl addif nobr eth0")).toEqual(err("bridge nobr does not exist!\n"));
    expect(sh(host, "brctl addbr xenbr0")).toEqual(err("device xenbr0 already exists; can't create bridge with the same name\n"));
    expect(sh(host, "brctl addbr eth0")).toEqual(err("device eth0 already exists; can't create bridge with the same name\n"));
    expect(sh(host, "brctl addbr bad/name")).toEqual(err("add bridge failed: Invalid argument\n"));
    expect(sh(host, "brctl delbr xenbr0")).toEqual(err("bridge xenbr0 is still up; can't delete it\n"));
    expect(sh(host, "brctl delbr nosuch")).toEqual(err("bridge nosuch doesn't exist; can't delete it\n"));
    expect(sh(host, "brctl delbr eth0")).toEqual(err("can't delete bridge eth0: Operation not permitted\n"));
    expect(sh(host, "brctl addif xenbr0 eth0")).toEqual(err("device eth0 is already a member of a bridge; can't enslave it to bridge xenbr0.\n"));
    expect(sh(host, "brctl addif xenbr0 lo")).toEqual(err("can't add lo to bridge xenbr0: Invalid argument\n"));
    expect(sh(host, "brctl addif eth0 vif1.0")).toEqual(err("can't add vif1.0 to bridge eth0: Operation not supported\n"));
    ok(host, "brctl addbr br1");
    expect(sh(host, "brctl addif xenbr0 br1")).toEqual(err("device br1 is a bridge device itself; can't enslave a bridge device to a bridge device.\n"));
    expect(sh(host, "brctl delif br1 eth0")).toEqual(err("device eth0 is not a slave of br1\n"));
    expect(sh(host, "brctl delif br1 nosuch")).toEqual(err("interface nosuch does not exist!\n"));
    expect(sh(host, "brctl setfd xenbr0 abc")).toEqual(err("bad forward delay value\n"));
    expect(sh(host, "brctl setfd nobr 2")).toEqual(err("set forward delay failed: No such device\n"));
    expect(sh(host, "brctl sethello xenbr0 0")).toEqual(err("set hello timer failed: Invalid argument\n"));
    expect(sh(host, "brctl setbridgeprio xenbr0 x")).toEqual(err("bad priority\n"));
    expect(sh(host, "brctl setpathcost xenbr0 eth0 many")).toEqual(err("bad path cost value\n"));
    expect(sh(host, "brctl setportprio xenbr0 eth0 high")).toEqual(err("bad path priority value\n"));
    expect(sh(host, "brctl stp xenbr0 maybe")).toEqual(err("expect on/off for argument\n"));
    expect(sh(host, "brctl stp nobr on")).toEqual(err("set stp status failed: No such device\n"));
    expect(sh(host, "brctl showmacs nobr")).toEqual(err("read of forward table failed: No such device\n"));
    expect(sh(host, "brctl showstp eth0")).toEqual(err("eth0: can't get info Operation not supported\n"));
  });

  it("ignores a port priority the kernel refuses, as libbridge ignores fclose's error", () => {
    const { host } = buildDom0();
    ok(host, "brctl setportprio xenbr0 eth0 99");
    expect(sh(host, "brctl showstp xenbr0").stdout).toContain(" port id\t\t8001\t\t\tstate");
    ok(host, "brctl setportprio xenbr0 eth0 3");
    expect(sh(host, "brctl showstp xenbr0").stdout).toContain(" port id\t\t0c01\t\t\tstate");
  });

  it("prints its help and usage as brctl.c does", () => {
    const { host } = buildDom0();
    const help = sh(host, "brctl");
    expect(help.exitCode).toBe(1);
    expect(help.stdout).toBe(
      "Usage: brctl [commands]\ncommands:\n" +
        "\taddbr     \t<bridge>\t\tadd bridge\n\tdelbr     \t<bridge>\t\tdelete bridge\n" +
        "\taddif     \t<bridge> <device>\tadd interface to bridge\n\tdelif     \t<bridge> <device>\tdelete interface from bridge\n" +
        "\tsetageing \t<bridge> <time>\t\tset ageing time\n\tsetbridgeprio\t<bridge> <prio>\t\tset bridge priority\n" +
        "\tsetfd     \t<bridge> <time>\t\tset bridge forward delay\n\tsethello  \t<bridge> <time>\t\tset hello time\n" +
        "\tsetmaxage \t<bridge> <time>\t\tset max message age\n\tsetpathcost\t<bridge> <port> <cost>\tset path cost\n" +
        "\tsetportprio\t<bridge> <port> <prio>\tset port priority\n\tshow      \t\t\t\tshow a list of bridges\n" +
        "\tshowmacs  \t<bridge>\t\tshow a list of mac addrs\n\tshowstp   \t<bridge>\t\tshow bridge stp info\n" +
        "\tstp       \t<bridge> {on|off}\tturn stp on/off\n",
    );
    expect(sh(host, "brctl -h").exitCode).toBe(0);
    expect(sh(host, "brctl -V")).toEqual({ stdout: "bridge-utils, 1.4\n", stderr: "", exitCode: 0 });
    expect(sh(host, "brctl addif xenbr0")).toEqual({ stdout: "Incorrect number of arguments for command\nUsage: brctl addif <bridge> <device>\tadd interface to bridge\n", stderr: "", exitCode: 1 });
    expect(sh(host, "brctl frob")).toMatchObject({ stderr: "never heard of command [frob]\n", exitCode: 1 });
  });

  it("releases the ports of a deleted bridge and the bridge of a deleted port", () => {
    const { host } = buildDom0();
    ok(host, "ip link set xenbr0 down");
    ok(host, "brctl delbr xenbr0");
    expect(sh(host, "brctl show").stdout).toBe("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n");
    ok(host, "brctl addbr br1");
    ok(host, "brctl addif br1 eth0");
    expect(sh(host, "brctl show br1").stdout).toContain("\teth0\n");
  });
});
