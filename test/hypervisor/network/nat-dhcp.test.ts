// Two guests behind network-nat + vif-nat dhcp=yes (a Lenny-style dhcp3-server, as in
// models.test.ts), created back to back so that both vifs are online before either guest asks for
// an address. Each vif-nat online adds its guest's `host` line, puts its vif in INTERFACES= and
// restarts dhcpd, which then serves every interface listed (xen-networking.md §4): both guests
// lease their 10.0.D.1 with their own vif's router_ip, both reach www masqueraded as dom0, and the
// first guest's renewal at T1, unicast to 10.0.1.128, is answered on vif1.0 by the dhcpd that the
// second vif-nat restarted.
import { describe, expect, it } from "vitest";
import { ipv4ToString } from "../../../netsim/wire/address.ts";
import { runXm } from "../../../hypervisor/index.ts";
import { machine, ping, Recorder, routes, STATIC_ETH0, xendConfig } from "./helpers.ts";

const SECOND = 1_000_000;
const DHCP3 = { "/etc/dhcp3/dhcpd.conf": "ddns-update-style none;\n", "/etc/init.d/dhcp3-server": "#!/bin/sh\n", "/etc/default/dhcp3-server": 'INTERFACES=""\n' };

function twoNatGuests() {
  const m = machine({ "/etc/network/interfaces": STATIC_ETH0, "/etc/xen/xend-config.sxp": xendConfig("network-nat", "'vif-nat dhcp=yes'"), ...DHCP3 });
  m.boot();
  const rec = new Recorder(m, (e) => e.kind === "dhcp" && e.node === "dom0");
  for (const name of ["web1", "web2"]) expect(m.xenCreateImage([`--hostname=${name}`, "--dir=/srv/xen", "--dhcp"]).status).toBe(0);
  for (const name of ["web1", "web2"]) expect(runXm(m.toolstack, ["create", `${name}.cfg`]).status).toBe(0);
  m.sim.runFor(60 * SECOND);
  return { m, rec };
}

describe("two guests behind vif-nat with dhcp=yes", () => {
  it("both lease their vif-nat address from dom0's dhcpd and ping out through the NAT", () => {
    const { m, rec } = twoNatGuests();
    expect(m.xen.fs.readFile("/etc/default/dhcp3-server")).toBe('INTERFACES="vif1.0 vif2.0 "\n');
    expect(routes(m, "web1")).toEqual(["10.0.0.0/16 dev eth0 src 10.0.1.1", "default via 10.0.1.128 dev eth0"]);
    expect(routes(m, "web2")).toEqual(["10.0.0.0/16 dev eth0 src 10.0.2.1", "default via 10.0.2.128 dev eth0"]);
    const acks = rec.events.flatMap((e) => (e.kind === "dhcp" && e.event === "ack" ? [`${e.dev} ${ipv4ToString(e.ip ?? 0)}`] : []));
    expect(acks).toEqual(expect.arrayContaining(["vif1.0 10.0.1.1", "vif2.0 10.0.2.1"]));
    expect(ping(m, "web1", "www", 1).exitCode).toBe(0);
    expect(ping(m, "web2", "www", 1).exitCode).toBe(0);
  });

  it("renews the first guest's lease on vif1.0 at T1, after the second vif-nat restarted dhcpd", () => {
    const { m } = twoNatGuests();
    const before = m.stackOf("web1")!.addresses("eth0")[0]!.address;
    const rec = new Recorder(m, (e) => e.kind === "dhcp" && (e.event === "ack" || e.event === "renewed" || e.event === "expired"));
    m.sim.runFor(43_200 * SECOND);
    const seen = rec.events.flatMap((e) => (e.kind === "dhcp" ? [`${e.node} ${e.dev} ${e.event}`] : []));
    expect(seen).toContain("dom0 vif1.0 ack");
    expect(seen).toContain("web1 eth0 renewed");
    expect(seen).not.toContain("web1 eth0 expired");
    expect(m.stackOf("web1")!.addresses("eth0")[0]!.address).toBe(before);
  });
});
