// `udp-echo`, xennet's own UDP probe: its arguments, its report, and what it is for — two guests of
// the NAT example sending from the same source port through dom0's MASQUERADE, the second remapped
// (2.6.32 takes the next free port from 1024 up for a source port ≥ 1024: dhcp-nat.md §6.2).
import { describe, expect, it } from "vitest";
import { nodeFsReader } from "../../../topology/interfaces/index.ts";
import { Machine } from "../../../hypervisor/machine/machine.ts";
import { Dom0Shell } from "../../../hypervisor/shell/index.ts";
import { parseUdpEcho } from "../../../hypervisor/shell/udp-command.ts";

const USAGE = "usage: udp-echo [-p SPORT] [-c COUNT] [-s SIZE] HOST [PORT]\n";

describe("udp-echo", () => {
  it("parses its options, with defaults, and refuses bad ones with its usage", () => {
    expect(parseUdpEcho(["www"])).toEqual({ host: "www", port: 7, count: 3, size: 32 });
    expect(parseUdpEcho(["-p", "5000", "-c", "2", "-s", "100", "www", "9"])).toEqual({ host: "www", port: 9, srcPort: 5000, count: 2, size: 100 });
    for (const bad of [[], ["-p"], ["-p", "x", "www"], ["-c", "0", "www"], ["-s", "2", "www"], ["www", "70000"], ["-q", "www"], ["a", "1", "b"]]) expect(parseUdpEcho(bad)).toBe(USAGE);
  });

  it("sends from the same port on two NAT guests; MASQUERADE keeps 5000 for the first and remaps the second", () => {
    const machine = new Machine({ root: nodeFsReader({ root: "examples/nat" }) });
    machine.boot();
    const shell = new Dom0Shell(machine);
    shell.run("sleep 30");
    const web = shell.run("on web udp-echo -p 5000 -c 2 www");
    expect(web.stdout).toBe("udp-echo: 2 datagrams of 32 bytes from port 5000 to 203.0.113.80:7\nseq 1: no answer\nseq 2: no answer\n2 sent, 0 echoed\n");
    expect(web.exitCode).toBe(1);
    shell.run("on db udp-echo -p 5000 -c 1 www 7");
    const flows = shell.run("conntrack -L").stdout;
    expect(flows).toMatch(/src=10\.0\.2\.1 dst=203\.0\.113\.80 sport=5000 dport=7 \[UNREPLIED\] src=203\.0\.113\.80 dst=192\.168\.1\.\d+ sport=7 dport=5000 /);
    expect(flows).toMatch(/src=10\.0\.1\.1 dst=203\.0\.113\.80 sport=5000 dport=7 \[UNREPLIED\] src=203\.0\.113\.80 dst=192\.168\.1\.\d+ sport=7 dport=1024 /);
    expect(shell.run("udp-echo").stderr).toBe(USAGE);
    expect(shell.run("udp-echo nosuchhost").stderr).toBe("udp-echo: unknown host nosuchhost\n");
  });
});
