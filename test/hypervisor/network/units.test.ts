// The small pieces on their own: the guest's freezable view of the simulator, the command lines of
// hooks and scripts, bridge_ports expansion, vif-nat's address arithmetic and dhcpd's files.
import { describe, expect, it } from "vitest";
import { Sim } from "../../../netsim/engine/index.ts";
import { Ipv4Stack } from "../../../netsim/l3/index.ts";
import { ipv4ToString } from "../../../netsim/wire/address.ts";
import {
  bridgePorts, dhcpdHosts, dhcpdInterfaces, editDhcpdArgs, GuestSim, nodeCommands, parseLine, runLine, vifNatAddresses, vifNatHostname, type LineResult, type VifInfo,
} from "../../../hypervisor/index.ts";

describe("GuestSim", () => {
  it("holds the guest's timers while frozen and fires the overdue ones at thaw, in due order", () => {
    const sim = new Sim();
    const g = new GuestSim(sim);
    const fired: string[] = [];
    g.schedule(1_000, () => fired.push(`a@${sim.now}`));
    g.schedule(3_000, () => fired.push(`b@${sim.now}`));
    g.schedule(10_000, () => fired.push(`c@${sim.now}`));
    sim.runFor(500);
    g.freeze();
    sim.runFor(4_500);
    expect(fired).toEqual([]);
    expect(g.thaw()).toBe(4_500);
    sim.runFor(10_000);
    expect(fired).toEqual(["a@5000", "b@5000", "c@10000"]);
  });

  it("keeps cancelled timers cancelled and runs nothing once disposed", () => {
    const sim = new Sim();
    const g = new GuestSim(sim);
    const fired: number[] = [];
    const h = g.schedule(1_000, () => fired.push(1));
    g.freeze();
    h.cancel();
    g.thaw();
    g.schedule(2_000, () => fired.push(2));
    g.dispose();
    g.schedule(0, () => fired.push(3));
    sim.runFor(5_000);
    expect(fired).toEqual([]);
    expect(g.now).toBe(sim.now);
    expect(g.rng("x")).toBe(sim.rng("x"));
    expect(() => g.runUntil()).toThrow(/cannot run/);
  });
});

describe("hook command lines", () => {
  const env = { IFACE: "eth0", IF_ADDRESS: "192.168.1.10" };
  it("splits words, quotes, variables, redirections and lists as sh does", () => {
    expect(parseLine(`echo "on $IFACE" '$IFACE' \${IF_ADDRESS} > /tmp/x && true || false; sleep 1`, env)).toEqual([
      { words: ["echo", "on eth0", "$IFACE", "192.168.1.10"], redirect: "/tmp/x", join: ";" },
      { words: ["true"], join: "&&" },
      { words: ["false"], join: "||" },
      { words: ["sleep", "1"], join: ";" },
    ]);
    expect(parseLine("ip link | grep eth0", env)).toBeUndefined();
    expect(parseLine("echo a # comment", env)).toEqual([{ words: ["echo", "a"], join: ";" }]);
  });

  it("writes /proc/sys through the stack and reports what does not exist as dash and procps do", () => {
    const sim = new Sim();
    const stack = new Ipv4Stack(sim, "n");
    const commands = nodeCommands({ sim, stack, netfilter: null });
    const run = (line: string): LineResult => {
      let r: LineResult | undefined;
      runLine(line, {}, commands, (x) => (r = x));
      sim.runFor(2_000_000);
      return r!;
    };
    expect(run("echo 1 > /proc/sys/net/ipv4/ip_forward").status).toBe(0);
    expect(stack.ipForward).toBe(true);
    expect(run("echo 1 > /proc/sys/net/ipv4/conf/eth/proxy_arp")).toEqual({ stdout: "", stderr: "sh: 1: cannot create /proc/sys/net/ipv4/conf/eth/proxy_arp: Directory nonexistent\n", status: 2 });
    expect(run("sysctl -w net.ipv4.ip_forward=0")).toEqual({ stdout: "net.ipv4.ip_forward = 0\n", stderr: "", status: 0 });
    expect(run("sysctl -w net.ipv4.conf.eth.proxy_arp=1").stderr).toBe('error: "net.ipv4.conf.eth.proxy_arp" is an unknown key\n');
    expect(run("brctl addbr br0 || echo no")).toEqual({ stdout: "no\n", stderr: "sh: 1: brctl: not found\n", status: 0 });
    expect(run("false && echo never")).toEqual({ stdout: "", stderr: "", status: 1 });
    expect(run("sleep 1; echo woke").stdout).toBe("woke\n");
  });
});

describe("bridge_ports", () => {
  const devices = ["lo", "eth0", "eth1", "wlan0", "br0", "eth1.10"];
  it("expands none, names, all and regex lists as bridge-utils 1.4 does", () => {
    expect(bridgePorts("none", devices, "br0")).toEqual([]);
    expect(bridgePorts("eth1 eth7", devices, "br0")).toEqual(["eth1", "eth7"]);
    expect(bridgePorts("all", devices, "br0")).toEqual(["eth0", "eth1", "eth1.10"]);
    expect(bridgePorts("regex eth[0-9] noregex wlan0", devices, "br0")).toEqual(["eth0", "eth1", "wlan0"]);
    expect(bridgePorts("regex (", devices, "br0")).toEqual([]);
  });
});

describe("vif-nat", () => {
  const vif = (domid: number, devid: number, domainName = "web.example_1"): VifInfo => ({
    domid, devid, domainName, name: `vif${domid}.${devid}`, device: { devid, mac: "00:16:3e:00:00:01", script: "/etc/xen/scripts/vif-nat", uuid: "" },
  });
  const text = (a: ReturnType<typeof vifNatAddresses>) => a && `${ipv4ToString(a.guest)}/${a.prefix} via ${ipv4ToString(a.router)}`;
  it("derives the guest's 10.x address from its domid and devid, and the router's by adding 127", () => {
    expect(text(vifNatAddresses(vif(5, 0), undefined))).toBe("10.0.5.1/16 via 10.0.5.128");
    expect(text(vifNatAddresses(vif(300, 1), undefined))).toBe("10.1.44.2/16 via 10.1.44.129");
    expect(text(vifNatAddresses(vif(5, 0), "10.0.0.5"))).toBe("10.0.0.5/32 via 10.0.0.132");
    expect(vifNatAddresses(vif(5, 0), "10.0.0.200")).toBeUndefined();
    expect(vifNatHostname(vif(5, 0))).toBe("web-example-1");
    expect(vifNatHostname(vif(5, 1))).toBe("web-example-1-2");
  });

  it("edits dhcpd's files the way vif-nat's sed and grep do", () => {
    const args = 'DHCPDARGS=""\nINTERFACES="vif1.0 "\n';
    const added = editDhcpdArgs(args, "vif2.0", true);
    expect(added).toBe('DHCPDARGS="vif2.0 "\nINTERFACES="vif1.0 vif2.0 "\n');
    expect(dhcpdInterfaces(added)).toEqual(["vif2.0"]);
    expect(editDhcpdArgs(added, "vif1.0", false)).toBe('DHCPDARGS="vif2.0 "\nINTERFACES="vif2.0 "\n');
    const hosts = dhcpdHosts('host g { hardware ethernet 00:16:3E:AA:BB:CC; fixed-address 10.0.1.1; option routers 10.0.1.128; option host-name "g"; }\nhost broken { }\n');
    expect(hosts.map((h) => `${h.name} ${ipv4ToString(h.ip)} ${ipv4ToString(h.router!)}`)).toEqual(["g 10.0.1.1 10.0.1.128"]);
  });
});
