// libxt_physdev as iptables 1.4.8 parses and prints it: the five options with `!`, the errors
// (and their exit status 2), the kernel's refusal of --physdev-out in OUTPUT for non-bridged
// traffic (xt_physdev checkentry), and `-L` / `-S` / iptables-save text.
import { describe, expect, it } from "vitest";
import { dom0 } from "./helpers.ts";

const TRY = "Try `iptables -h' or 'iptables --help' for more information.\n";

function run(line: string) {
  const { nf } = dom0();
  return { nf, r: nf.iptables(line.split(" ")) };
}

describe("-m physdev: parse errors like iptables 1.4.8", () => {
  it.each([
    ["-A FORWARD -m physdev -j ACCEPT", "PHYSDEV: no physdev option specified"],
    ["-A FORWARD -m physdev --physdev-in vif1.0 --physdev-in vif2.0 -j ACCEPT", "multiple use of the same physdev option is not allowed"],
    ["-A FORWARD -m physdev --physdev-is-bridged ! --physdev-is-bridged -j ACCEPT", "multiple use of the same physdev option is not allowed"],
    ["-A FORWARD -m physdev --physdev-in", "option `--physdev-in' requires an argument"],
    ["-A FORWARD -m physdev --physdev-out abcdefghijklmnopq -j ACCEPT", "interface name `abcdefghijklmnopq' must be shorter than IFNAMSIZ (15)"],
    ["-A FORWARD --physdev-in vif1.0 -j ACCEPT", "unknown option `--physdev-in'"],
  ])("%s", (line, message) => {
    const { r } = run(line);
    expect(r).toEqual({ stdout: "", stderr: `iptables v1.4.8: ${message}\n${TRY}`, exitCode: 2 });
  });

  it("refuses --physdev-out in OUTPUT without --physdev-is-bridged (the kernel's checkentry), and logs why", () => {
    const { nf, r } = run("-A OUTPUT -m physdev --physdev-out vif1.0 -j ACCEPT");
    expect(r).toEqual({ stdout: "", stderr: "iptables: Invalid argument. Run `dmesg' for more information.\n", exitCode: 1 });
    expect(nf.kernelMessages().at(-1)).toBe("physdev match: using --physdev-out in the OUTPUT, FORWARD and POSTROUTING chains for non-bridged traffic is not supported anymore.");
    expect(nf.iptables(["-A", "OUTPUT", "-m", "physdev", "--physdev-out", "vif1.0", "--physdev-is-bridged", "-j", "ACCEPT"]).exitCode).toBe(0);
  });

  it("takes the old intrapositioned `!` with the deprecation warning", () => {
    const { nf, r } = run("-A FORWARD -m physdev --physdev-in ! vif1.0 -j ACCEPT");
    expect(r).toEqual({ stdout: "", stderr: "Using intrapositioned negation (`--option ! this`) is deprecated in favor of extrapositioned (`! --option this`).\n", exitCode: 0 });
    expect(nf.iptables(["-S", "FORWARD"]).stdout).toBe("-P FORWARD ACCEPT\n-A FORWARD -m physdev ! --physdev-in vif1.0 -j ACCEPT \n");
  });
});

describe("-m physdev: listings", () => {
  const { nf } = dom0();
  nf.iptables("-A FORWARD -m physdev ! --physdev-is-in --physdev-in vif+ ! --physdev-is-out ! --physdev-out eth0 ! --physdev-is-bridged -j ACCEPT".split(" "));
  nf.iptables("-A FORWARD -m physdev --physdev-is-bridged -j ACCEPT".split(" "));

  it("-L -v -n: `PHYSDEV match` and the options in the kernel's order, `!` before each", () => {
    expect(nf.iptables(["-L", "FORWARD", "-v", "-n"]).stdout).toBe(
      [
        "Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)",
        " pkts bytes target     prot opt in     out     source               destination         ",
        "    0     0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0           PHYSDEV match ! --physdev-is-in --physdev-in vif+ ! --physdev-is-out ! --physdev-out eth0 ! --physdev-is-bridged ",
        "    0     0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0           PHYSDEV match --physdev-is-bridged ",
        "",
      ].join("\n"),
    );
  });

  it("-S and iptables-save: `-m physdev` with the options as given", () => {
    const rules = [
      "-A FORWARD -m physdev ! --physdev-is-in --physdev-in vif+ ! --physdev-is-out ! --physdev-out eth0 ! --physdev-is-bridged -j ACCEPT ",
      "-A FORWARD -m physdev --physdev-is-bridged -j ACCEPT ",
    ];
    expect(nf.iptables(["-S", "FORWARD"]).stdout).toBe(["-P FORWARD ACCEPT", ...rules, ""].join("\n"));
    expect(nf.iptablesSave([]).stdout).toContain([":OUTPUT ACCEPT [0:0]", ...rules, "COMMIT"].join("\n"));
  });
});
