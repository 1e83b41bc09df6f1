// tcpdump sessions on the hand-built dom0: banner, lines as traffic flows, `-c N`, Ctrl-C, -w
// files, -p, filters, the loopback rule and the errors a user can hit, all in tcpdump 4.1.1's words.
import { describe, expect, it } from "vitest";
import { SECOND } from "../../../netsim/engine/sim.ts";
import { readCapture } from "../../../captures/index.ts";
import { startTcpdump, SQUEEZE_RELEASE_EPOCH, TcpdumpSession, type HostNode } from "../../../hypervisor/host-tools/index.ts";
import { ping, ip } from "../../netsim/l3/helpers.ts";
import { buildDom0, expectGolden, ok, type Dom0World } from "./dom0.ts";

function start(host: HostNode, line: string): TcpdumpSession {
  const s = startTcpdump(host, line.split(" ").slice(1));
  if (!(s instanceof TcpdumpSession)) throw new Error(`${line}: ${JSON.stringify(s)}`);
  return s;
}

/** The guest pings the router twice and dom0 pings the guest once. */
function traffic(w: Dom0World): void {
  ping(w.guest, ip("192.168.1.1"), { count: 2, start: w.sim.now + 1000 });
  ping(w.host.stack, ip("192.168.1.50"), { count: 1, start: w.sim.now + SECOND / 2 });
  w.sim.runFor(3 * SECOND);
}

describe("tcpdump sessions", () => {
  it("prints the banner, a line per packet on the vif, and the counters after Ctrl-C", () => {
    const w = buildDom0();
    const s = start(w.host, "tcpdump -i vif1.0");
    expect(s.banner).toBe("tcpdump: verbose output suppressed, use -v or -vv for full protocol decode\nlistening on vif1.0, link-type EN10MB (Ethernet), capture size 65535 bytes\n");
    traffic(w);
    const lines = s.takeOutput();
    const end = s.stop();
    expect(end.stderr).toBe("10 packets captured\n10 packets received by filter\n0 packets dropped by kernel\n");
    expect(end.stdout).toBe("\n");
    expect(s.stop()).toBe(end);
    expectGolden("tcpdump-vif.txt", lines);
  });

  it("stops by itself after -c N packets, without the interrupted newline", () => {
    const w = buildDom0();
    const s = start(w.host, "tcpdump -i eth0 -c 2 -n -e");
    let done = 0;
    s.onDone = () => done++;
    traffic(w);
    expect(s.done).toBe(true);
    expect(done).toBe(1);
    expect(s.takeOutput()).toBe(
      "00:00:01.004005 00:16:3e:2a:4b:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.168.1.1 tell 192.168.1.50, length 28\n" +
        "00:00:01.004007 00:11:22:33:44:55 > 00:16:3e:2a:4b:01, ethertype ARP (0x0806), length 42: Reply 192.168.1.1 is-at 00:11:22:33:44:55, length 28\n",
    );
    expect(s.stop()).toEqual({ stdout: "", stderr: "2 packets captured\n2 packets received by filter\n0 packets dropped by kernel\n", exitCode: 0 });
  });

  it("writes a pcap with -w, dated by the host's clock, and says only `listening on`", () => {
    const w = buildDom0();
    const s = start(w.host, "tcpdump -w /root/vif.pcap -i vif1.0");
    expect(s.banner).toBe("tcpdump: listening on vif1.0, link-type EN10MB (Ethernet), capture size 65535 bytes\n");
    expect(s.writeFile).toBe("/root/vif.pcap");
    traffic(w);
    expect(s.takeOutput()).toBe("");
    expect(s.stop()).toEqual({ stdout: "", stderr: "10 packets captured\n10 packets received by filter\n0 packets dropped by kernel\n", exitCode: 0 });
    const cap = readCapture(s.pcap()!);
    if (!cap.ok) throw new Error(cap.error.message);
    expect(cap.value.packets).toHaveLength(10);
    expect(cap.value.packets[0]!.timeMicros).toBe(SQUEEZE_RELEASE_EPOCH * 1_000_000 + 1_004_005);
    expect(cap.value.packets[0]!.data.length).toBe(42);
  });

  it("applies a filter expression", () => {
    const w = buildDom0();
    const s = start(w.host, "tcpdump -n -i vif1.0 icmp and host 192.168.1.10");
    traffic(w);
    expect(s.takeOutput()).toBe(
      "00:00:01.504010 IP 192.168.1.10 > 192.168.1.50: ICMP echo request, id 4660, seq 1, length 64\n00:00:01.504020 IP 192.168.1.50 > 192.168.1.10: ICMP echo reply, id 4660, seq 1, length 64\n",
    );
    expect(s.stop().stderr).toBe("2 packets captured\n2 packets received by filter\n0 packets dropped by kernel\n");
  });

  it("holds the device promiscuous unless -p, and with -p misses unicast frames for other hosts", () => {
    const w = buildDom0();
    ok(w.host, "ip neigh replace 192.168.1.77 lladdr 00:16:3e:77:77:77 nud permanent dev xenbr0");
    const guestEth0 = w.guestHost.device("eth0")!;
    const pingUnknown = () => {
      ping(w.host.stack, ip("192.168.1.77"), { count: 1, start: w.sim.now + 1000 });
      w.sim.runFor(SECOND);
    };
    const plain = start(w.guestHost, "tcpdump -n -p -i eth0 icmp");
    expect(guestEth0.promiscuous).toBe(false);
    pingUnknown();
    expect(plain.takeOutput()).toBe("");
    plain.stop();
    const promisc = start(w.guestHost, "tcpdump -n -i eth0 icmp");
    expect(guestEth0.promiscuous).toBe(true);
    pingUnknown();
    expect(promisc.takeOutput()).toBe("00:00:02.001005 IP 192.168.1.10 > 192.168.1.77: ICMP echo request, id 4660, seq 1, length 64\n");
    promisc.stop();
    expect(guestEth0.promiscuous).toBe(false);
  });

  it("sees each packet on lo once (libpcap skips outgoing copies on the loopback device)", () => {
    const w = buildDom0();
    const s = start(w.host, "tcpdump -n -i lo");
    ping(w.host.stack, ip("127.0.0.1"), { count: 1, start: w.sim.now + 1000 });
    w.sim.runFor(SECOND);
    expect(s.takeOutput()).toBe("00:00:01.001000 IP 127.0.0.1 > 127.0.0.1: ICMP echo request, id 4660, seq 1, length 64\n00:00:01.001000 IP 127.0.0.1 > 127.0.0.1: ICMP echo reply, id 4660, seq 1, length 64\n");
    s.stop();
  });

  it("answers bad options, devices and filters as tcpdump 4.1.1 does", () => {
    const w = buildDom0();
    const fail = (line: string) => startTcpdump(w.host, line.split(" ").slice(1));
    expect(fail("tcpdump -i nosuch")).toEqual({ stdout: "", stderr: "tcpdump: nosuch: No such device exists\n(SIOCGIFHWADDR: No such device)\n", exitCode: 1 });
    ok(w.host, "ip link add dummy0 type dummy");
    expect(fail("tcpdump -i dummy0")).toEqual({ stdout: "", stderr: "tcpdump: dummy0: That device is not up\n", exitCode: 1 });
    expect(fail("tcpdump -c 0")).toEqual({ stdout: "", stderr: "tcpdump: invalid packet count 0\n", exitCode: 1 });
    expect(fail("tcpdump -i vif1.0 port")).toEqual({ stdout: "", stderr: "tcpdump: syntax error\n", exitCode: 1 });
    expect(fail("tcpdump -i vif1.0 host foo")).toEqual({ stdout: "", stderr: "tcpdump: unknown host 'foo'\n", exitCode: 1 });
    const bad = fail("tcpdump -k");
    expect(bad).toMatchObject({ stdout: "", exitCode: 1 });
    expect((bad as { stderr: string }).stderr).toMatch(/^tcpdump: invalid option -- 'k'\ntcpdump version 4\.1\.1\nlibpcap version 1\.1\.1\nUsage: tcpdump /);
    expect(fail("tcpdump -D")).toEqual({ stdout: "1.eth0\n2.vif1.0\n3.xenbr0\n4.dummy0\n5.any (Pseudo-device that captures on all interfaces)\n6.lo\n", stderr: "", exitCode: 0 });
    const defaultDev = startTcpdump(w.host, []);
    expect(defaultDev instanceof TcpdumpSession && defaultDev.banner.endsWith("listening on eth0, link-type EN10MB (Ethernet), capture size 65535 bytes\n")).toBe(true);
  });
});
