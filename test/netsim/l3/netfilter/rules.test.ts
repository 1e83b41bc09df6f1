// Rule matching and table walks as ipt_do_table does them: addresses with prefixes and `!`,
// interface wildcards, ports and ranges, TCP flags, ICMP types, fragments, conntrack states,
// physdev (bridge ports), user chains with jumps, gotos and RETURN, policies and counters, DROP
// and REJECT verdicts, and the hotdrop of a header too short to match.
import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../../../netsim/engine/trace.ts";
import type { Netfilter } from "../../../../netsim/l3/netfilter/index.ts";
import { buildIpv4 } from "../../../../netsim/wire/build.ts";
import { accepted, dom0, echo, ip, iptables, tcp, traverse, udp } from "./helpers.ts";

function input(nf: Netfilter, packet: Uint8Array, inDev = "eth0") {
  return traverse(nf, "input", packet, { inDev });
}

function counters(nf: Netfilter, chain: string): string {
  return nf.iptables(["-L", chain, "-v", "-x", "-n"]).stdout;
}

describe("matches", () => {
  it("compares addresses under their masks, with negation", () => {
    const { nf } = dom0();
    iptables(nf, "-A INPUT -s 10.0.0.0/8 -j DROP");
    iptables(nf, "-A INPUT ! -d 192.0.2.10 -j DROP");
    expect(input(nf, udp("10.9.9.9", 1, "192.0.2.10", 2)).action).toBe("drop");
    expect(input(nf, udp("11.0.0.1", 1, "192.0.2.10", 2)).action).toBe("accept");
    expect(input(nf, udp("11.0.0.1", 1, "192.0.2.11", 2)).action).toBe("drop");
  });

  it("matches interfaces exactly or by a `+` prefix", () => {
    const { nf } = dom0();
    iptables(nf, "-A FORWARD -i vif+ ! -o eth0 -j DROP");
    expect(traverse(nf, "forward", udp("10.0.1.1", 1, "10.0.2.1", 2), { inDev: "vif1.0", outDev: "vif2.0" }).action).toBe("drop");
    expect(traverse(nf, "forward", udp("10.0.1.1", 1, "8.8.8.8", 2), { inDev: "vif1.0", outDev: "eth0" }).action).toBe("accept");
    expect(traverse(nf, "forward", udp("10.0.1.1", 1, "10.0.2.1", 2), { inDev: "eth0", outDev: "vif2.0" }).action).toBe("accept");
  });

  it("matches ports, port ranges, inverted ports and protocols", () => {
    const { nf } = dom0();
    iptables(nf, "-A INPUT -p udp --dport 1000:2000 -j DROP");
    iptables(nf, "-A INPUT -p tcp ! --dport 22 -j DROP");
    expect(input(nf, udp("1.1.1.1", 5, "192.0.2.10", 1500)).action).toBe("drop");
    expect(input(nf, udp("1.1.1.1", 5, "192.0.2.10", 2001)).action).toBe("accept");
    expect(input(nf, tcp("1.1.1.1", 5, "192.0.2.10", 22, { flags: 0x02 })).action).toBe("accept");
    expect(input(nf, tcp("1.1.1.1", 5, "192.0.2.10", 80, { flags: 0x02 })).action).toBe("drop");
  });

  it("matches TCP flags (--syn) and ICMP types", () => {
    const { nf } = dom0();
    iptables(nf, "-A INPUT -p tcp --syn -j REJECT --reject-with tcp-reset");
    iptables(nf, "-A INPUT -p icmp --icmp-type echo-request -j DROP");
    expect(input(nf, tcp("1.1.1.1", 5, "192.0.2.10", 22, { flags: 0x02 }))).toMatchObject({ action: "reject", with: "tcp-reset" });
    expect(input(nf, tcp("1.1.1.1", 5, "192.0.2.10", 22, { flags: 0x10 })).action).toBe("accept");
    expect(input(nf, echo("1.1.1.1", "192.0.2.10", 1, 1)).action).toBe("drop");
    expect(input(nf, echo("1.1.1.1", "192.0.2.10", 1, 1, true)).action).toBe("accept");
  });

  it("matches second fragments with -f and drops a TCP header too short to examine", () => {
    const { nf } = dom0();
    iptables(nf, "-A INPUT -f -j DROP");
    iptables(nf, "-A INPUT -p tcp --dport 22 -j ACCEPT");
    const fragment = buildIpv4({ src: 1, dst: 2 }, { src: ip("1.1.1.1"), dst: ip("192.0.2.10") }, 17, new Uint8Array(16)).subarray(14).slice();
    fragment[6] = 0x00;
    fragment[7] = 0x02;
    fragment[10] = fragment[11] = 0;
    expect(input(nf, fragment).action).toBe("drop");
    const shortTcp = buildIpv4({ src: 1, dst: 2 }, { src: ip("1.1.1.1"), dst: ip("192.0.2.10") }, 6, new Uint8Array(10)).subarray(14);
    expect(input(nf, shortTcp)).toMatchObject({ action: "drop", reason: "filter INPUT: rule 2: header too short (hotdrop)" });
  });

  it("lets replies of outbound connections in through a DROP policy (-m state)", () => {
    const { nf } = dom0();
    iptables(nf, "-P INPUT DROP");
    iptables(nf, "-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT");
    expect(input(nf, udp("198.51.100.7", 53, "192.0.2.10", 5000))).toMatchObject({ action: "drop", reason: "filter INPUT: policy DROP" });
    accepted(traverse(nf, "output", udp("192.0.2.10", 5001, "198.51.100.7", 53), { outDev: "eth0", nextHop: ip("198.51.100.7") }));
    expect(input(nf, udp("198.51.100.7", 53, "192.0.2.10", 5001)).action).toBe("accept");
    expect(counters(nf, "INPUT")).toContain("Chain INPUT (policy DROP 1 packets, 32 bytes)");
  });

  it("sees the DNAT state through -m conntrack --ctstate", () => {
    const { nf } = dom0();
    iptables(nf, "-t nat -A PREROUTING -p udp --dport 5353 -j DNAT --to-destination 10.0.1.1");
    iptables(nf, "-A FORWARD -m conntrack --ctstate DNAT -j DROP");
    expect(traverse(nf, "forward", udp("1.1.1.1", 9, "192.0.2.10", 5353), { inDev: "eth0", outDev: "vif1.0" }).action).toBe("drop");
    expect(traverse(nf, "forward", udp("1.1.1.1", 9, "10.0.1.1", 5353), { inDev: "eth0", outDev: "vif1.0" }).action).toBe("accept");
  });

  it("matches bridge ports when the bridge says so, as vif-common's rules expect", () => {
    const { nf } = dom0();
    iptables(nf, "-P FORWARD DROP");
    iptables(nf, "-I FORWARD -m physdev --physdev-in vif1.0 -s 10.0.1.1 -j ACCEPT");
    iptables(nf, "-I FORWARD -m state --state RELATED,ESTABLISHED -m physdev --physdev-out vif1.0 -j ACCEPT");
    const bridged = { inDev: "xenbr0", outDev: "xenbr0", bridged: true, physIn: "vif1.0", physOut: "peth0" };
    expect(traverse(nf, "forward", udp("10.0.1.1", 1, "10.0.0.9", 2), bridged).action).toBe("accept");
    expect(traverse(nf, "forward", udp("10.0.1.9", 1, "10.0.0.9", 2), bridged).action).toBe("drop");
    const back = { ...bridged, physIn: "peth0", physOut: "vif1.0" };
    expect(traverse(nf, "forward", udp("10.0.0.9", 2, "10.0.1.1", 1), back).action).toBe("accept");
    expect(traverse(nf, "forward", udp("10.0.1.1", 1, "10.0.0.9", 2), { inDev: "vif1.0", outDev: "eth0" }).action).toBe("drop");
  });
});

describe("chains", () => {
  it("jumps, returns, goes to, and counts every matching rule and the policy", () => {
    const { nf } = dom0();
    iptables(nf, "-N guests");
    iptables(nf, "-N strict");
    iptables(nf, "-A FORWARD -i vif+ -j guests");
    iptables(nf, "-A FORWARD -j DROP");
    iptables(nf, "-A guests -s 10.0.1.1 -j RETURN");
    iptables(nf, "-A guests -p udp -g strict");
    iptables(nf, "-A guests -j ACCEPT");
    iptables(nf, "-A strict -p udp --dport 53 -j ACCEPT");
    const fwd = (src: string, dport: number) => traverse(nf, "forward", udp(src, 1, "8.8.8.8", dport), { inDev: "vif1.0", outDev: "eth0" }).action;
    expect(fwd("10.0.1.1", 53)).toBe("drop");
    expect(fwd("10.0.1.2", 53)).toBe("accept");
    expect(fwd("10.0.1.2", 54)).toBe("drop");
    expect(counters(nf, "FORWARD")).toBe(
      "Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)\n" +
        "    pkts      bytes target     prot opt in     out     source               destination         \n" +
        "       3       96 guests     all  --  vif+   *       0.0.0.0/0            0.0.0.0/0           \n" +
        "       2       64 DROP       all  --  *      *       0.0.0.0/0            0.0.0.0/0           \n",
    );
    expect(counters(nf, "guests")).toContain("       2       64 strict     udp  --  *      *       0.0.0.0/0            0.0.0.0/0           [goto] \n");
  });

  it("continues after LOG and writes the kernel's line to the trace", () => {
    const { sim, nf } = dom0();
    const notes: string[] = [];
    sim.trace.subscribe((e: TraceEvent) => e.kind === "note" && notes.push(e.text));
    iptables(nf, "-A INPUT -p udp -j LOG --log-prefix dropped:");
    iptables(nf, "-A INPUT -p udp -j DROP");
    expect(input(nf, udp("1.2.3.4", 1, "192.0.2.10", 2)).action).toBe("drop");
    expect(notes).toEqual(["dropped:IN=eth0 OUT= SRC=1.2.3.4 DST=192.0.2.10 LEN=32 PROTO=UDP"]);
  });
});
