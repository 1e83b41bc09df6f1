// The iptables 1.4.8 command line: what it accepts, and for what it refuses the exact text on
// stderr and the exit status (2 for a parameter problem, 1 when libiptc or the kernel says no,
// 3 when the table cannot be initialised).
import { describe, expect, it } from "vitest";
import { dom0, iptables } from "./helpers.ts";

const TRY = "Try `iptables -h' or 'iptables --help' for more information.\n";

function run(line: string, setup: string[] = []) {
  const { nf } = dom0();
  for (const s of setup) iptables(nf, s);
  return nf.iptables(line.split(" ").filter((s) => s !== ""));
}

describe("iptables errors", () => {
  const cases: [string, string, number, string[]?][] = [
    ["", `iptables v1.4.8: no command specified\n${TRY}`, 2],
    ["-A NOPE -j ACCEPT", "iptables: No chain/target/match by that name.\n", 1],
    ["-A INPUT -j NOPE", `iptables v1.4.8: Couldn't load target \`NOPE':/lib/xtables/libipt_NOPE.so: cannot open shared object file: No such file or directory\n\n${TRY}`, 2],
    ["-A INPUT -m nope -j ACCEPT", `iptables v1.4.8: Couldn't load match \`nope':/lib/xtables/libipt_nope.so: cannot open shared object file: No such file or directory\n\n${TRY}`, 2],
    ["-A INPUT --dport 22 -p tcp -j ACCEPT", `iptables v1.4.8: unknown option \`--dport'\n${TRY}`, 2],
    ["-A INPUT -p tcp --dport 22 --dport 23 -j ACCEPT", `iptables v1.4.8: Only one \`--destination-port' allowed\n${TRY}`, 2],
    ["-A INPUT -p tcp --dport nosuch -j ACCEPT", `iptables v1.4.8: invalid port/service \`nosuch' specified\n${TRY}`, 2],
    ["-A INPUT -p bogus -j ACCEPT", `iptables v1.4.8: unknown protocol \`bogus' specified\n${TRY}`, 2],
    ["-A INPUT -s 10.0.0.0/33 -j ACCEPT", `iptables v1.4.8: invalid mask \`33' specified\n${TRY}`, 2],
    ["-A INPUT -s nosuchhost -j ACCEPT", `iptables v1.4.8: host/network \`nosuchhost' not found\n${TRY}`, 2],
    ["-A INPUT -i averyveryverylongname -j ACCEPT", `iptables v1.4.8: interface name \`averyveryverylongname' must be shorter than IFNAMSIZ (15)\n${TRY}`, 2],
    ["-A INPUT -o eth0 -j ACCEPT", `iptables v1.4.8: Can't use -o with INPUT\n\n${TRY}`, 2],
    ["-t nat -A POSTROUTING -i eth0 -j MASQUERADE", `iptables v1.4.8: Can't use -i with POSTROUTING\n\n${TRY}`, 2],
    ["-t nat -A POSTROUTING -j DROP", `iptables v1.4.8: \nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n\n${TRY}`, 2],
    ["-t nat -A POSTROUTING -j SNAT", `iptables v1.4.8: You must specify --to-source\n${TRY}`, 2],
    ["-t nat -A POSTROUTING -j MASQUERADE --to-ports 1024", `iptables v1.4.8: Need TCP, UDP, SCTP or DCCP with port specification\n${TRY}`, 2],
    ["-A INPUT -m state -j ACCEPT", `iptables v1.4.8: You must specify "--state"\n${TRY}`, 2],
    ["-A INPUT -m state --state NEW,BOGUS -j ACCEPT", `iptables v1.4.8: Bad state "BOGUS"\n${TRY}`, 2],
    ["-A INPUT -m state --state NEW, -j ACCEPT", `iptables v1.4.8: "--state" requires a list of states with no spaces, e.g. ESTABLISHED,RELATED\n${TRY}`, 2],
    ["-A INPUT -j REJECT --reject-with bogus", `iptables v1.4.8: unknown reject type "bogus"\n${TRY}`, 2],
    ["-A INPUT -p icmp --icmp-type echo -j ACCEPT", `iptables v1.4.8: Ambiguous ICMP type \`echo': \`echo-reply' or \`echo-request'?\n${TRY}`, 2],
    ["-L -s 1.2.3.4", `iptables v1.4.8: Illegal option \`-s' with this command\n\n${TRY}`, 2],
    ["-A INPUT -A OUTPUT", `iptables v1.4.8: Cannot use -A with -A\n\n${TRY}`, 2],
    ["-N a -X b", `iptables v1.4.8: Cannot use -N with -Z\n\n${TRY}`, 2],
    ["-A INPUT ! -j ACCEPT", `iptables v1.4.8: cannot have ! before -j\n${TRY}`, 2],
    ["-A INPUT ! ! -s 1.2.3.4", `iptables v1.4.8: multiple consecutive ! not allowed\n${TRY}`, 2],
    ["-A INPUT -s 1.2.3.4 !", `iptables v1.4.8: nothing appropriate following !\n${TRY}`, 2],
    ["-A INPUT -s 1.1.1.1 -s 2.2.2.2", `iptables v1.4.8: multiple -s flags not allowed\n${TRY}`, 2],
    ["-A", `iptables v1.4.8: option \`-A' requires an argument\n${TRY}`, 2],
    ["-A INPUT --frobnicate", `iptables v1.4.8: unknown option \`--frobnicate'\n${TRY}`, 2],
    ["-A INPUT foo", `Bad argument \`foo'\n${TRY}`, 2],
    ["-b", `iptables v1.4.8: Unknown arg \`(null)'\n${TRY}`, 2],
    ["-A INPUT -ptcp --dport 22", `iptables v1.4.8: unknown protocol \`-ptcp' specified\n${TRY}`, 2],
    ["-R INPUT", `iptables v1.4.8: -R requires a rule number\n${TRY}`, 2],
    ["-D INPUT 0", `iptables v1.4.8: Invalid rule number \`0'\n${TRY}`, 2],
    ["-A INPUT -j ACCEPT -- extra", `iptables v1.4.8: unknown arguments found on commandline\n${TRY}`, 2],
    ["-N ACCEPT", `iptables v1.4.8: chain name may not clash with target name\n\n${TRY}`, 2],
    ["-N abcdefghijabcdefghijabcdefghijK", `iptables v1.4.8: chain name \`abcdefghijabcdefghijabcdefghijK' too long (must be under 30 chars)\n${TRY}`, 2],
    ["-P INPUT ACCEPT -c 0 0", `iptables v1.4.8: Illegal option \`-c' with this command\n\n${TRY}`, 2],
    ["-D INPUT 1", "iptables: Index of deletion too big.\n", 1],
    ["-I INPUT 3 -j ACCEPT", "iptables: Index of insertion too big.\n", 1],
    ["-R INPUT 1 -j ACCEPT", "iptables: Index of replacement too big.\n", 1],
    ["-D INPUT -s 1.2.3.4 -j DROP", "iptables: Bad rule (does a matching rule exist in that chain?).\n", 1],
    ["-L NOPE", "iptables: No chain/target/match by that name.\n", 1],
    ["-X INPUT", "iptables: Can't delete built-in chain. Run `dmesg' for more information.\n", 1],
    ["-X used", "iptables: Too many links.\n", 1, ["-N used", "-A INPUT -j used"]],
    ["-X full", "iptables: Directory not empty.\n", 1, ["-N full", "-A full -j ACCEPT"]],
    ["-N twice", "iptables: Chain already exists.\n", 1, ["-N twice"]],
    ["-E a b", "iptables: File exists.\n", 1, ["-N a", "-N b"]],
    ["-P INPUT REJECT", "iptables: Bad policy name. Run `dmesg' for more information.\n", 1],
    ["-P mine DROP", "iptables: Bad built-in chain name.\n", 1, ["-N mine"]],
    ["-A INPUT -j MASQUERADE", "iptables: Invalid argument. Run `dmesg' for more information.\n", 1],
    ["-t nat -A PREROUTING -j MASQUERADE", "iptables: Invalid argument. Run `dmesg' for more information.\n", 1],
    ["-A INPUT -j REJECT --reject-with tcp-reset", "iptables: Invalid argument. Run `dmesg' for more information.\n", 1],
    ["-A INPUT -m tcp --dport 22 -j ACCEPT", "iptables: Invalid argument. Run `dmesg' for more information.\n", 1],
    ["-A b -j a", "iptables: Too many levels of symbolic links.\n", 1, ["-N a", "-N b", "-A INPUT -j a", "-A a -j b"]],
    ["-t bogus -L", "iptables v1.4.8: can't initialize iptables table `bogus': Table does not exist (do you need to insmod?)\nPerhaps iptables or your kernel needs to be upgraded.\n", 3],
  ];
  it.each(cases)("iptables %s", (line, stderr, code, setup) => {
    const r = run(line, setup ?? []);
    expect(r.stderr).toBe(stderr);
    expect(r.exitCode).toBe(code);
    expect(r.stdout).toBe("");
  });

  it("warns about intrapositioned negation but accepts it", () => {
    const r = run("-A INPUT -s ! 10.0.0.1 -j DROP");
    expect(r.stderr).toBe("Using intrapositioned negation (`--option ! this`) is deprecated in favor of extrapositioned (`! --option this`).\n");
    expect(r.exitCode).toBe(0);
  });

  it("leaves the table untouched when the kernel refuses the ruleset", () => {
    const { nf } = dom0();
    iptables(nf, "-A INPUT -j ACCEPT");
    nf.iptables(["-A", "INPUT", "-j", "MASQUERADE"]);
    expect(nf.iptables(["-S", "INPUT"]).stdout).toBe("-P INPUT ACCEPT\n-A INPUT -j ACCEPT \n");
    expect(nf.kernelMessages()).toEqual(["ip_tables: MASQUERADE target: only valid in nat table, not filter"]);
  });

  it("refuses extensions the simulator does not model, in its own words", () => {
    expect(run("-A INPUT -m limit --limit 1/s -j ACCEPT")).toMatchObject({ stderr: "xennet: iptables match extension `limit' is not simulated\n", exitCode: 2 });
    expect(run("-t mangle -L")).toMatchObject({ stderr: "xennet: the iptables `mangle' table is not simulated\n", exitCode: 3 });
  });
});

describe("iptables commands", () => {
  it("appends, inserts, replaces, deletes by number and by specification", () => {
    const { nf } = dom0();
    iptables(nf, "-A INPUT -s 10.0.0.1 -j ACCEPT");
    iptables(nf, "-A INPUT -s 10.0.0.2 -j DROP");
    iptables(nf, "-I INPUT -p udp --dport 67 -j ACCEPT");
    iptables(nf, "-I INPUT 2 -i vif+ -j RETURN");
    iptables(nf, "-R INPUT 3 -s 10.0.0.3/24 -j LOG --log-prefix guest:");
    iptables(nf, "-D INPUT -s 10.0.0.2 -j DROP");
    iptables(nf, "-D INPUT 1");
    expect(nf.iptables(["-S", "INPUT"]).stdout).toBe("-P INPUT ACCEPT\n-A INPUT -i vif+ -j RETURN \n-A INPUT -s 10.0.0.0/24 -j LOG --log-prefix \"guest:\" \n");
  });

  it("makes one rule per address of a comma list, and echoes them with -v", () => {
    const { nf } = dom0();
    const r = nf.iptables(["-v", "-A", "FORWARD", "-s", "10.0.0.1,10.0.0.2", "-o", "eth0", "-j", "ACCEPT"]);
    expect(r.stdout).toBe("ACCEPT  all opt -- in * out eth0  10.0.0.1  -> 0.0.0.0/0  \nACCEPT  all opt -- in * out eth0  10.0.0.2  -> 0.0.0.0/0  \n");
    expect(nf.iptables(["-S", "FORWARD"]).stdout.split("\n")).toHaveLength(4);
  });

  it("renames a chain and its jumps, flushes, zeroes and deletes chains", () => {
    const { nf } = dom0();
    iptables(nf, "-N guests");
    iptables(nf, "-A FORWARD -j guests");
    iptables(nf, "-E guests domus");
    expect(nf.iptables(["-S"]).stdout).toBe("-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n-N domus\n-A FORWARD -j domus \n");
    iptables(nf, "-F FORWARD");
    iptables(nf, "-X");
    iptables(nf, "-Z");
    expect(nf.iptables(["-S"]).stdout).toBe("-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n");
  });

  it("prints its version and help", () => {
    expect(run("-V")).toEqual({ stdout: "iptables v1.4.8\n", stderr: "", exitCode: 0 });
    expect(run("-h").stdout).toMatch(/^iptables v1\.4\.8\n\nUsage: iptables -\[AD\] chain rule-specification \[options\]\n/);
  });
});

describe("iptables extension loading", () => {
  it("gives options to the newest instance of a match named twice (a clone)", () => {
    const { nf } = dom0();
    iptables(nf, "-A INPUT -p tcp --dport 22 -m tcp --sport 1");
    expect(nf.iptables(["-S", "INPUT"]).stdout).toBe("-P INPUT ACCEPT\n-A INPUT -p tcp -m tcp --dport 22 -m tcp --sport 1 \n");
  });
});

describe("-m comment", () => {
  it("keeps a comment with the rule and prints it both ways", () => {
    const { nf } = dom0();
    iptables(nf, "-A INPUT -p udp -m comment --comment dhcp -j ACCEPT");
    expect(nf.iptables(["-S", "INPUT"]).stdout).toBe('-P INPUT ACCEPT\n-A INPUT -p udp -m comment --comment "dhcp" -j ACCEPT \n');
    expect(nf.iptables(["-L", "INPUT", "-n"]).stdout).toContain("ACCEPT     udp  --  0.0.0.0/0            0.0.0.0/0           /* dhcp */ \n");
  });
});
