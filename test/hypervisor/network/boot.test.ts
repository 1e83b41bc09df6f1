// The built-in handbook host booting in the standard world: `ifup -a` brings up lo, then xenbr0 by
// DHCP with eth0 as its port and bridge_maxwait 0 — so dhclient starts at once while the 2.6.32
// bridge keeps its new port in the learning state for the default 15 s forward delay, and the first
// DISCOVERs never leave the host; dhclient retries and gets its lease from the router once eth0
// forwards. Then xen-create-image and `xm create testxen`: vif-bridge puts vif1.0 on xenbr0 (learning
// again for 15 s), the guest's own dhclient gets its lease, and the guest reaches the router and
// the internet host.
import { describe, expect, it } from "vitest";
import { Bridge } from "../../../netsim/l2/index.ts";
import { ipv4ToString } from "../../../netsim/wire/address.ts";
import type { MachineEvent } from "../../../hypervisor/index.ts";
import { addresses, createGuest, describe as frameOf, machine, ping, Recorder, routes } from "./helpers.ts";

const SECOND = 1_000_000;

function bootHandbook() {
  const m = machine();
  const rec = new Recorder(m, (e) => ["dhcp", "flood", "port-state", "drop", "learn"].includes(e.kind));
  const events: MachineEvent[] = [];
  m.onEvent((e) => events.push(e));
  const console = m.boot();
  return { m, rec, events, console };
}

describe("the handbook host boots", () => {
  it("gets dom0's address by DHCP on xenbr0 once the bridge port has done its 15 s of learning", () => {
    const { m, rec, events, console } = bootHandbook();
    const states = rec.events.flatMap((e) => (e.kind === "port-state" && e.node === "dom0" && e.port === "eth0" ? [{ state: e.state, t: e.time }] : []));
    expect(states.map((s) => s.state)).toEqual(["blocking", "learning", "forwarding"]);
    const learning = states[1]!.t;
    const forwarding = states[2]!.t;
    expect(forwarding - learning).toBe(15 * SECOND);
    // eth0's link needs its autonegotiation after ifup brought it up: the port is disabled till then.
    expect(learning).toBeGreaterThan(events.find((e) => e.kind === "phase" && e.phase === "networking")!.time);

    const discovers = rec.events.flatMap((e) => (e.kind === "flood" && e.node === "dom0" && frameOf(e.frame).kind === "dhcp" ? [e] : []));
    const lost = discovers.filter((e) => e.time < forwarding);
    expect(lost.length).toBeGreaterThanOrEqual(2);
    expect(lost.every((e) => e.outPorts.length === 0)).toBe(true);
    expect(discovers.filter((e) => e.time > forwarding).map((e) => e.outPorts)).toContainEqual(["eth0"]);

    const lease = events.find((e): e is Extract<MachineEvent, { kind: "lease" }> => e.kind === "lease");
    expect(lease?.node).toBe("dom0");
    expect(lease?.dev).toBe("xenbr0");
    expect(lease!.time).toBeGreaterThan(forwarding);
    const address = ipv4ToString(lease!.lease.address);
    expect(address).toMatch(/^192\.168\.1\.(1[0-9][0-9]|200)$/);
    expect(addresses(m, "dom0")).toEqual(["lo 127.0.0.1/8", `xenbr0 ${address}/24`]);
    expect(routes(m, "dom0")).toEqual([`192.168.1.0/24 dev xenbr0 src ${address}`, "default via 192.168.1.1 dev xenbr0"]);
    expect(m.world.dhcp!.leaseFile().join("\n")).toContain(` ${address} debian `);
    expect(m.xen.fs.readFile("/var/lib/dhcp/dhclient.xenbr0.leases")).toContain(`fixed-address ${address};`);

    expect(console).toMatch(/^Configuring network interfaces\.\.\.Internet Systems Consortium DHCP Client 4\.1\.1-P1\n/);
    expect(console).toContain("Listening on LPF/xenbr0/");
    expect(console).toMatch(/(DHCPDISCOVER on xenbr0 to 255\.255\.255\.255 port 67 interval \d+\n){3,}DHCPOFFER from 192\.168\.1\.1\nDHCPREQUEST on xenbr0 to 255\.255\.255\.255 port 67\nDHCPACK from 192\.168\.1\.1\n/);
    expect(console).toMatch(new RegExp(`bound to ${address.replaceAll(".", "\\.")} -- renewal in \\d+ seconds\\.\\ndone\\.\\n$`));
    const link = events.find((e) => e.kind === "link" && e.dev === "eth0" && e.carrier);
    expect(link?.time).toBe(learning);
    expect(events.filter((e) => e.kind === "phase").map((e) => (e.kind === "phase" ? e.phase : ""))).toEqual(["kernel", "networking", "xend", "xendomains", "up"]);
  });

  it("starts testxen on xenbr0: its DHCP waits out vif1.0's learning, then it reaches the router and www", () => {
    const { m } = bootHandbook();
    const rec = new Recorder(m, (e) => e.kind === "drop" || e.kind === "port-state" || e.kind === "dhcp");
    expect(createGuest(m, ["--dhcp"])).toBe('Using config file "/etc/xen/testxen.cfg".\nStarted domain testxen (id=1)\n');
    const xenbr0 = m.dom0!.node.device("xenbr0") as Bridge;
    expect(xenbr0.ports.map((p) => p.name)).toEqual(["eth0", "vif1.0"]);
    expect(m.vifs.netback("vif1.0")?.state).toBe("disconnected");
    m.sim.runFor(60 * SECOND);
    expect(m.vifs.netback("vif1.0")?.state).toBe("connected");

    const vifStates = rec.events.flatMap((e) => (e.kind === "port-state" && e.port === "vif1.0" ? [e] : []));
    const forwarding = vifStates.find((e) => e.state === "forwarding")!.time;
    expect(forwarding - vifStates.find((e) => e.state === "learning")!.time).toBe(15 * SECOND);
    const eaten = rec.events.filter((e) => e.kind === "drop" && e.reason === "port-learning" && e.dev === "vif1.0" && frameOf(e.frame!).kind === "dhcp");
    expect(eaten.length).toBeGreaterThanOrEqual(1);
    const bound = rec.events.find((e) => e.kind === "dhcp" && e.node === "testxen" && e.event === "bound");
    expect(bound!.time).toBeGreaterThan(forwarding);
    const address = ipv4ToString((bound as { ip: number }).ip);
    expect(addresses(m, "testxen")).toEqual(["lo 127.0.0.1/8", `eth0 ${address}/24`]);
    expect(routes(m, "testxen")).toContain("default via 192.168.1.1 dev eth0");

    const consoleText = m.xen.hypervisor.lookup("testxen")!.console.attach().backlog;
    // The console is a tty: its line discipline turns \n into \r\n.
    expect(consoleText).toMatch(/Configuring network interfaces\.\.\.Internet Systems Consortium DHCP Client 4\.1\.1-P1\r\n/);
    expect(consoleText).toMatch(new RegExp(`bound to ${address.replaceAll(".", "\\.")} -- renewal in \\d+ seconds\\.\\r\\ndone\\.\\r\\n`));
    expect(consoleText).toMatch(/testxen login: $/);

    expect(ping(m, "testxen", "router").text).toContain("3 packets transmitted, 3 received, 0% packet loss");
    const www = ping(m, "testxen", "www");
    expect(www.text).toMatch(/64 bytes from 203\.0\.113\.80: icmp_req=1 ttl=63 /);
    expect(www.exitCode).toBe(0);
    expect(m.run("iptables -L FORWARD -n").stdout).toBe([
      "Chain FORWARD (policy ACCEPT)",
      "target     prot opt source               destination         ",
      "ACCEPT     all  --  0.0.0.0/0            0.0.0.0/0           state RELATED,ESTABLISHED PHYSDEV match --physdev-out vif1.0 ",
      "ACCEPT     all  --  0.0.0.0/0            0.0.0.0/0           PHYSDEV match --physdev-in vif1.0 ",
      "",
    ].join("\n"));
  });

  it("answers on the guest's sshd, port 22, with OpenSSH's banner", async () => {
    const { m } = bootHandbook();
    createGuest(m, ["--dhcp"]);
    m.sim.runFor(60 * SECOND);
    const { TcpLayer } = await import("../../../netsim/l3/tcp/index.ts");
    const router = new TcpLayer(m.stackOf("router")!);
    const guest = m.guests.of("testxen")!;
    const conn = router.connect(guest.stack.addresses("eth0")[0]!.address, 22);
    if (typeof conn === "string") throw new Error(conn);
    let got = "";
    conn.onData((b) => (got += new TextDecoder().decode(b)));
    m.sim.runFor(2 * SECOND);
    expect(got).toBe("SSH-2.0-OpenSSH_5.5p1 Debian-6+squeeze1\r\n");
  });
});
