// Random command lines never throw: every host tool turns any argv into output and an exit status,
// whatever state earlier random commands left the node in. Words are drawn from the tools'
// vocabularies, device names, numbers, addresses and arbitrary strings, so that parsing gets deep.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runHostTool, startTcpdump, TcpdumpSession } from "../../../hypervisor/host-tools/index.ts";
import { buildDom0 } from "./dom0.ts";

const VOCABULARY = [
  "addr", "address", "a", "link", "l", "route", "r", "neigh", "n", "rule", "show", "sh", "list", "add", "del", "delete", "change",
  "replace", "append", "prepend", "test", "flush", "get", "set", "help", "dev", "label", "scope", "to", "via", "src", "from", "iif",
  "oif", "metric", "proto", "table", "type", "name", "up", "down", "mtu", "address", "promisc", "arp", "multicast", "on", "off",
  "peer", "veth", "dummy", "bridge", "lladdr", "nud", "permanent", "stale", "all", "brd", "+", "-", "default", "local", "main",
  "addbr", "delbr", "addif", "delif", "showmacs", "showstp", "stp", "setfd", "sethello", "setmaxage", "setageing", "setbridgeprio",
  "setpathcost", "setportprio", "fdb", "br", "-w", "-n", "-e", "-a", "-p", "-q", "-s", "-4", "-6", "-o", "-c", "-i", "-t", "-tttt",
  "netmask", "broadcast", "hw", "ether", "host", "net", "port", "and", "or", "not", "(", ")", "icmp", "tcp", "udp",
  "eth0", "xenbr0", "vif1.0", "lo", "br1", "dummy0", "nosuch", "0", "1", "68", "1500", "99999", "-1", "0x10", "010",
  "192.168.1.10", "192.168.1.0/24", "10.0.0.1/8", "0.0.0.0", "255.255.255.255", "1.2.3", "fe80::1", "00:16:3e:00:00:01",
  "net.ipv4.ip_forward", "net.ipv4.ip_forward=1", "net.ipv4.conf.all.proxy_arp=2", "kernel.x", "",
];

const word = fc.oneof(fc.constantFrom(...VOCABULARY), fc.string({ maxLength: 12 }));
const argv = fc.array(word, { maxLength: 9 });

describe("host tools on random command lines", () => {
  for (const program of ["ip", "brctl", "bridge", "sysctl", "ifconfig"]) {
    it(`${program} never throws and always exits 0–255`, () => {
      const { host } = buildDom0();
      fc.assert(
        fc.property(argv, (args) => {
          const r = runHostTool(host, [program, ...args], { readFile: () => "net.ipv4.ip_forward = 1\n" });
          expect(r).toBeDefined();
          expect(Number.isInteger(r!.exitCode) && r!.exitCode >= 0 && r!.exitCode <= 255).toBe(true);
        }),
        { numRuns: 400 },
      );
    });
  }

  it("tcpdump never throws, whether it starts, runs or refuses", () => {
    const w = buildDom0();
    fc.assert(
      fc.property(argv, (args) => {
        const s = startTcpdump(w.host, args);
        if (s instanceof TcpdumpSession) {
          w.sim.runFor(10_000);
          s.takeOutput();
          expect(s.stop().exitCode).toBe(0);
        } else expect(s.exitCode).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
});
