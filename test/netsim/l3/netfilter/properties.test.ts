// Properties: NAT never gives two connections the same external tuple (and keeps a remapped port in
// its class), and neither random bytes at any hook nor random iptables/conntrack command lines make
// netfilter throw.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SECOND } from "../../../../netsim/engine/sim.ts";
import type { HookPoint } from "../../../../netsim/l3/hooks.ts";
import { tupleKey } from "../../../../netsim/l3/netfilter/tuple.ts";
import { buildIpv4 } from "../../../../netsim/wire/build.ts";
import { dom0, ip, iptables, tcp, traverse, udp } from "./helpers.ts";

/** Splits a line into words as a shell would for what iptables -S prints (double quotes, backslashes). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/"((?:\\.|[^"\\])*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2]!));
}

const portClass = (p: number): number => (p < 512 ? 0 : p < 1024 ? 1 : 2);

describe("NAT properties", () => {
  it("never maps two live connections to the same external tuple", () => {
    const flow = fc.record({
      guest: fc.constantFrom("10.0.1.1", "10.0.1.2", "10.0.2.1", "10.0.2.2"),
      sport: fc.constantFrom(1, 53, 511, 600, 700, 1023, 1024, 5000, 65535),
      dst: fc.constantFrom("198.51.100.7", "203.0.113.9"),
      dport: fc.constantFrom(53, 80),
      proto: fc.constantFrom("udp", "tcp"),
      wait: fc.integer({ min: 0, max: 40 }),
    });
    fc.assert(
      fc.property(fc.array(flow, { maxLength: 40 }), (flows) => {
        const { sim, nf } = dom0();
        iptables(nf, "-t nat -A POSTROUTING -o eth0 -j MASQUERADE");
        for (const f of flows) {
          sim.runFor(f.wait * SECOND);
          const packet = f.proto === "udp" ? udp(f.guest, f.sport, f.dst, f.dport) : tcp(f.guest, f.sport, f.dst, f.dport, { flags: 0x02, seq: 1 });
          const v = traverse(nf, "forward", packet, { inDev: "vif1.0", outDev: "eth0", nextHop: ip("192.0.2.1") });
          expect(v.action).toBe("accept");
        }
        const live = nf.connections();
        expect(new Set(live.map((c) => tupleKey(c.reply))).size).toBe(live.length);
        for (const c of live) expect(portClass(c.reply.dport)).toBe(portClass(c.original.sport));
      }),
      { numRuns: 150 },
    );
  });
});

describe("iptables -S round trip", () => {
  const opt = <T,>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | ""> => fc.option(arb, { nil: "" });
  const spec = fc.record({
    chain: fc.constantFrom("INPUT", "FORWARD", "OUTPUT"),
    src: opt(fc.constantFrom("-s 10.1.2.0/24", "! -s 10.0.0.1", "-s 0.0.0.0/0", "-s 192.0.2.0/255.255.255.128")),
    dst: opt(fc.constantFrom("-d 198.51.100.7", "! -d 203.0.113.0/28")),
    proto: opt(fc.constantFrom("-p tcp --dport 22", "-p tcp ! --sport 1024:65535 --syn", "-p udp --sport 68 --dport 67", "-p icmp --icmp-type echo-request", "-p icmp ! --icmp-type 3/4", "-p gre", "! -p udp", "-f")),
    match: opt(fc.constantFrom("-m state --state RELATED,ESTABLISHED", "-m state ! --state NEW", "-m conntrack ! --ctstate INVALID --ctproto 6", "-m physdev --physdev-in vif1.0", "-m physdev ! --physdev-is-bridged")),
    target: fc.constantFrom("-j ACCEPT", "-j DROP", "-j REJECT --reject-with icmp-host-prohibited", "-j LOG --log-prefix guest: --log-level 6", ""),
  });

  it("reads back every rule it prints, and deletes it by that text", () => {
    fc.assert(
      fc.property(spec, (s) => {
        const { nf } = dom0();
        const iface = s.chain === "INPUT" ? "-i vif+" : "-o eth0";
        const line = [s.src, s.dst, iface, s.proto, s.match, s.target].filter((x) => x !== "").join(" ");
        const added = nf.iptables(["-A", s.chain, ...line.split(" ")]);
        expect(added.stderr).toBe("");
        const printed = nf.iptables(["-S", s.chain, "1"]).stdout;
        const words = shellWords(printed.trim()).slice(2);
        expect(nf.iptables(["-D", s.chain, ...words])).toEqual({ stdout: "", stderr: "", exitCode: 0 });
        expect(nf.iptables(["-S", s.chain]).stdout).toBe(`-P ${s.chain} ACCEPT\n`);
      }),
      { numRuns: 300 },
    );
  });
});

describe("robustness", () => {
  const hooks: HookPoint[] = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"];

  function loaded() {
    const d = dom0();
    for (const line of [
      "-t nat -A POSTROUTING -o eth0 -j MASQUERADE",
      "-t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.1.1:8080",
      "-A INPUT -m state --state INVALID -j DROP",
      "-A FORWARD -p tcp --syn -m conntrack --ctstate NEW,DNAT -j LOG",
      "-A FORWARD -p icmp --icmp-type time-exceeded -j ACCEPT",
      "-A OUTPUT -p udp --dport 9 -j REJECT",
    ]) {
      iptables(d.nf, line);
    }
    return d;
  }

  it("never throws on random bytes at any hook", () => {
    const { nf } = loaded();
    fc.assert(
      fc.property(fc.constantFrom(...hooks), fc.uint8Array({ maxLength: 80 }), (hook, bytes) => {
        nf.run(hook, bytes, { inDev: "eth0", outDev: "eth0", nextHop: ip("192.0.2.1") });
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on well-formed IPv4 headers with random transport bytes, protocols and hook orders", () => {
    const { nf, sim } = loaded();
    fc.assert(
      fc.property(
        fc.constantFrom(1, 6, 17, 47),
        fc.uint8Array({ maxLength: 64 }),
        fc.array(fc.constantFrom(...hooks), { minLength: 1, maxLength: 4 }),
        fc.constantFrom("10.0.1.1", "192.0.2.10", "198.51.100.7"),
        (proto, payload, path, src) => {
          sim.runFor(SECOND);
          let packet = buildIpv4({ src: 1, dst: 2 }, { src: ip(src), dst: ip("198.51.100.7") }, proto, payload).subarray(14);
          for (const hook of path) {
            const v = nf.run(hook, packet, { inDev: "vif1.0", outDev: "eth0", nextHop: ip("192.0.2.1") });
            if (v.action === "accept") packet = v.packet;
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("never throws on random iptables and conntrack command lines", () => {
    const words = ["-A", "-D", "-I", "-R", "-L", "-S", "-F", "-Z", "-N", "-X", "-E", "-P", "-t", "nat", "filter", "INPUT", "FORWARD", "POSTROUTING", "PREROUTING",
      "OUTPUT", "x", "1", "2", "-s", "-d", "!", "10.0.0.0/8", "-p", "tcp", "udp", "icmp", "--dport", "--sport", "22", "1:2", "-i", "-o", "vif+", "eth0", "-j", "-g",
      "ACCEPT", "DROP", "RETURN", "REJECT", "MASQUERADE", "SNAT", "DNAT", "LOG", "--to-source", "--to-destination", "1.2.3.4:80", "--to-ports", "1024-2048",
      "-m", "state", "--state", "NEW,ESTABLISHED", "conntrack", "--ctstate", "physdev", "--physdev-in", "--icmp-type", "echo-request", "-n", "-v", "-x",
      "--line-numbers", "-c", "--reject-with", "tcp-reset", "--log-prefix", "-f", "--syn", "--tcp-flags", "SYN,ACK", "--", "-h", "-V", "--list", "--app"];
    const { nf } = loaded();
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { maxLength: 10 }), fc.boolean(), (argv, conntrack) => {
        const r = conntrack ? nf.conntrackCommand(argv) : nf.iptables(argv);
        expect([0, 1, 2, 3]).toContain(r.exitCode);
      }),
      { numRuns: 1000 },
    );
  });
});
