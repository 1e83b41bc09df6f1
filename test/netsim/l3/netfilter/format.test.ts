// Golden text: `iptables -t nat -L -n -v` on a Xen NAT dom0, `iptables -L` with vif-common's
// rules, `iptables -S`, iptables-save and `conntrack -L`, character for character as iptables
// 1.4.8 and conntrack-tools 0.9.14 print them (trailing spaces included).
import { describe, expect, it } from "vitest";
import { SECOND } from "../../../../netsim/engine/sim.ts";
import { printNum } from "../../../../netsim/l3/netfilter/format.ts";
import { accepted, dom0, ip, iptables, traverse, udp } from "./helpers.ts";

describe("iptables -L", () => {
  it("lists the nat table of a network-nat dom0 with counters (-n -v)", () => {
    const { nf } = dom0();
    iptables(nf, "-t nat -A POSTROUTING -o eth0 -j MASQUERADE");
    accepted(traverse(nf, "forward", udp("10.0.0.2", 5000, "192.0.2.1", 53), { inDev: "vif1.0", outDev: "eth0", nextHop: ip("192.0.2.1") }));
    expect(nf.iptables(["-t", "nat", "-L", "-n", "-v"]).stdout).toBe(
      [
        "Chain PREROUTING (policy ACCEPT 1 packets, 32 bytes)",
        " pkts bytes target     prot opt in     out     source               destination         ",
        "",
        "Chain POSTROUTING (policy ACCEPT 0 packets, 0 bytes)",
        " pkts bytes target     prot opt in     out     source               destination         ",
        "    1    32 MASQUERADE  all  --  *      eth0    0.0.0.0/0            0.0.0.0/0           ",
        "",
        "Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)",
        " pkts bytes target     prot opt in     out     source               destination         ",
        "",
      ].join("\n"),
    );
  });

  it("lists vif-common's filter rules with names (no -n)", () => {
    const { nf } = dom0();
    iptables(nf, "-I FORWARD -m physdev --physdev-in vif1.0 -s 10.0.1.1 -j ACCEPT");
    iptables(nf, "-I FORWARD -m state --state RELATED,ESTABLISHED -m physdev --physdev-out vif1.0 -j ACCEPT");
    iptables(nf, "-A INPUT -p udp --sport 68 --dport 67 -j ACCEPT");
    expect(nf.iptables(["-L"]).stdout).toBe(
      [
        "Chain INPUT (policy ACCEPT)",
        "target     prot opt source               destination         ",
        "ACCEPT     udp  --  anywhere             anywhere            udp spt:bootpc dpt:bootps ",
        "",
        "Chain FORWARD (policy ACCEPT)",
        "target     prot opt source               destination         ",
        "ACCEPT     all  --  anywhere             anywhere            state RELATED,ESTABLISHED PHYSDEV match --physdev-out vif1.0 ",
        "ACCEPT     all  --  10.0.1.1             anywhere            PHYSDEV match --physdev-in vif1.0 ",
        "",
        "Chain OUTPUT (policy ACCEPT)",
        "target     prot opt source               destination         ",
        "",
      ].join("\n"),
    );
  });

  it("lists line numbers, user chains with their references and NAT targets", () => {
    const { nf } = dom0();
    iptables(nf, "-t nat -N portfw");
    iptables(nf, "-t nat -A PREROUTING -i eth0 -j portfw");
    iptables(nf, "-t nat -A portfw -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.1:80");
    iptables(nf, "-t nat -A POSTROUTING -s 10.0.0.0/16 -o eth0 -p udp -j SNAT --to-source 192.0.2.10:1024-2047");
    expect(nf.iptables(["-t", "nat", "-L", "-n", "--line-numbers"]).stdout).toBe(
      [
        "Chain PREROUTING (policy ACCEPT)",
        "num  target     prot opt source               destination         ",
        "1    portfw     all  --  0.0.0.0/0            0.0.0.0/0           ",
        "",
        "Chain POSTROUTING (policy ACCEPT)",
        "num  target     prot opt source               destination         ",
        "1    SNAT       udp  --  10.0.0.0/16          0.0.0.0/0           to:192.0.2.10:1024-2047 ",
        "",
        "Chain OUTPUT (policy ACCEPT)",
        "num  target     prot opt source               destination         ",
        "",
        "Chain portfw (1 references)",
        "num  target     prot opt source               destination         ",
        "1    DNAT       tcp  --  0.0.0.0/0            0.0.0.0/0           tcp dpt:8080 to:10.0.1.1:80 ",
        "",
      ].join("\n"),
    );
  });

  it("abbreviates large counters as iptables does (print_num)", () => {
    const f = { numeric: true, verbose: true, exact: false, lineNumbers: false };
    expect([99999, 100000, 9_999_499, 9_999_500, 123_456_789_012].map((n) => printNum(n, f))).toEqual(["99999 ", " 100K ", "9999K ", "  10M ", " 123G "]);
  });
});

describe("iptables -S and iptables-save", () => {
  it("prints rules as commands, with the trailing space of 1.4.8", () => {
    const { sim, nf } = dom0();
    iptables(nf, "-A FORWARD -s 10.0.1.1 -m physdev --physdev-in vif1.0 -j ACCEPT");
    iptables(nf, "-A FORWARD -p udp -m udp --sport 68 --dport 67 -m physdev --physdev-in vif1.0 -j ACCEPT");
    iptables(nf, "-t nat -A POSTROUTING -o eth0 -j MASQUERADE");
    expect(nf.iptables(["-S", "FORWARD"]).stdout).toBe(
      "-P FORWARD ACCEPT\n" +
        "-A FORWARD -s 10.0.1.1/32 -m physdev --physdev-in vif1.0 -j ACCEPT \n" +
        "-A FORWARD -p udp -m udp --sport 68 --dport 67 -m physdev --physdev-in vif1.0 -j ACCEPT \n",
    );
    sim.runUntil(3_723 * SECOND);
    expect(nf.iptablesSave(["-t", "nat"]).stdout).toBe(
      [
        "# Generated by iptables-save v1.4.8 on Sun Feb  6 01:02:03 2011",
        "*nat",
        ":PREROUTING ACCEPT [0:0]",
        ":POSTROUTING ACCEPT [0:0]",
        ":OUTPUT ACCEPT [0:0]",
        "-A POSTROUTING -o eth0 -j MASQUERADE ",
        "COMMIT",
        "# Completed on Sun Feb  6 01:02:03 2011",
        "",
      ].join("\n"),
    );
  });
});

describe("conntrack -L", () => {
  it("prints entries as conntrack-tools 0.9.14 and counts them on stderr", () => {
    const { sim, nf } = dom0();
    iptables(nf, "-t nat -A POSTROUTING -o eth0 -j MASQUERADE");
    accepted(traverse(nf, "forward", udp("10.0.0.2", 5000, "192.0.2.1", 53), { inDev: "vif1.0", outDev: "eth0", nextHop: ip("192.0.2.1") }));
    accepted(traverse(nf, "forward", udp("10.0.0.3", 5000, "192.0.2.1", 53), { inDev: "vif2.0", outDev: "eth0", nextHop: ip("192.0.2.1") }));
    sim.runUntil(SECOND / 4);
    expect(nf.conntrackCommand(["-L"])).toEqual({
      stdout:
        "udp      17 29 src=10.0.0.2 dst=192.0.2.1 sport=5000 dport=53 [UNREPLIED] src=192.0.2.1 dst=192.0.2.10 sport=53 dport=5000 mark=0 use=1\n" +
        "udp      17 29 src=10.0.0.3 dst=192.0.2.1 sport=5000 dport=53 [UNREPLIED] src=192.0.2.1 dst=192.0.2.10 sport=53 dport=1024 mark=0 use=1\n",
      stderr: "conntrack v0.9.14 (conntrack-tools): 2 flow entries have been shown.\n",
      exitCode: 0,
    });
    expect(nf.conntrackCommand(["-L", "-s", "10.0.0.3"]).stderr).toBe("conntrack v0.9.14 (conntrack-tools): 1 flow entries have been shown.\n");
    expect(nf.conntrackCommand(["-F"]).stderr).toBe("conntrack v0.9.14 (conntrack-tools): connection tracking table has been emptied.\n");
    expect(nf.conntrackCommand(["-L"]).stdout).toBe("");
  });
});
