// dom0 giving its lease back when network-bridge (Xen 3.2–4.0 layout) runs `ifdown eth0` right
// after boot's `ifup eth0` bound it: dom0 never spoke to the router over IP yet, so its ARP cache
// does not know the router. Read as a sequence diagram:
//
//   dom0 dhclient -r   RELEASE handed to the kernel → ARP who-has 192.168.1.1 → is-at → RELEASE out
//                      dhclient-script RELEASE takes the address away; then `ifconfig eth0 down`
//   router (dnsmasq)   forgets the lease
//   dom0 dhclient      (lease file: the released lease expires now) → no INIT-REBOOT: DISCOVER
//                      asking for the old address → OFFER → REQUEST → ACK, the same address
import { describe, expect, it } from "vitest";
import { ipv4ToString } from "../../../netsim/wire/address.ts";
import { decodeFrame } from "../../../netsim/wire/decode.ts";
import { DhcpMessageType } from "../../../netsim/wire/dhcp.ts";
import { machine, xendConfig } from "./helpers.ts";

const DHCP_ETH0 = "auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n";
const NAMES: Record<number, string> = { 1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 5: "ACK", 7: "RELEASE" };

function bootWithNetworkBridge() {
  const m = machine({ "/etc/network/interfaces": DHCP_ETH0, "/etc/xen/xend-config.sxp": xendConfig("network-bridge", "vif-bridge") });
  /** What reached the router from dom0, in order. */
  const seen: string[] = [];
  /** dom0's dhclient states. */
  const states: string[] = [];
  /** The router's lease file just after it took the RELEASE in. */
  let leasesAfterRelease: readonly string[] | undefined;
  m.sim.trace.subscribe((e) => {
    if (e.kind === "dhcp" && e.node === "dom0" && e.event === "state") states.push(e.detail ?? "");
    if (e.kind !== "rx" || e.node !== "router") return;
    const d = decodeFrame(e.frame);
    if (!d.ok) return;
    const dhcp = d.value.dhcp;
    if (dhcp?.messageType !== undefined) {
      const asked = dhcp.requestedIp !== undefined ? ` requested=${ipv4ToString(dhcp.requestedIp)}` : "";
      seen.push(`${NAMES[dhcp.messageType] ?? dhcp.messageType} ciaddr=${ipv4ToString(dhcp.ciaddr)}${asked}`);
    }
    if (dhcp?.messageType === DhcpMessageType.Release) m.sim.schedule(1, () => void (leasesAfterRelease = m.world.dhcp!.leaseFile()));
    if (d.value.arp?.op === 1 && d.value.arp.targetIp === m.world.spec.router.address) seen.push("arp who-has router");
  });
  m.boot();
  return { m, seen, states, leasesAfterRelease: () => leasesAfterRelease };
}

describe("network-bridge's ifdown eth0", () => {
  it("gets dom0's RELEASE to the router after resolving its MAC, and the router forgets the lease", () => {
    const { m, seen, leasesAfterRelease } = bootWithNetworkBridge();
    const address = ipv4ToString(m.stackOf("dom0")!.addresses("eth0")[0]!.address);
    const release = seen.indexOf(`RELEASE ciaddr=${address}`);
    expect(release).toBeGreaterThan(0);
    expect(seen[release - 1]).toBe("arp who-has router");
    expect(leasesAfterRelease()).toEqual([]);
    const log = m.xen.fs.readFile("/var/log/xen/xend-debug.log")!;
    expect(log).toContain("DHCPRELEASE on eth0 to 192.168.1.1 port 67\nWaiting for peth0 to negotiate link...\n");
  });

  it("leaves the released lease expired in dhclient's lease file, so ifup on the bridge starts with a DISCOVER for the same address", () => {
    const { m, seen, states } = bootWithNetworkBridge();
    const address = ipv4ToString(m.stackOf("dom0")!.addresses("eth0")[0]!.address);
    const leases = m.xen.fs.readFile("/var/lib/dhcp/dhclient.eth0.leases")!.split("lease {").slice(1);
    expect(leases).toHaveLength(3);
    const released = leases[1]!;
    const at = /renew (\d \S+ \S+);/.exec(released)![1];
    expect(released).toContain(`fixed-address ${address};`);
    expect(released).toContain(`rebind ${at};`);
    expect(released).toContain(`expire ${at};`);
    const afterRelease = seen.slice(seen.findIndex((s) => s.startsWith("RELEASE")) + 1).filter((s) => !s.startsWith("arp"));
    expect(afterRelease.slice(0, 2)).toEqual([`DISCOVER ciaddr=0.0.0.0 requested=${address}`, `REQUEST ciaddr=0.0.0.0 requested=${address}`]);
    // The new dhclient starts in INIT (no event for it) and goes straight to SELECTING.
    expect(states.slice(states.indexOf("STOPPED") + 1, states.indexOf("STOPPED") + 4)).toEqual(["SELECTING", "REQUESTING", "BOUND"]);
    expect(m.world.dhcp!.leaseFile()).toEqual([expect.stringContaining(` ${address} `)]);
  });
});
