// Checks of the bridges dom0 builds (ifupdown.md §5–7, bridge-utils-interfaces(5)): ports that do
// not exist (brctl: "interface X does not exist!", the bridge comes up without them), ports that
// keep their own address or DHCP client, a port in two bridges, settings brctl refuses, and the
// timing traps of STP and the forward delay for a dom0 that takes its address by DHCP on the bridge
// (Linux 2.6.32: a new port listens and learns for one forward delay each with STP on, and still
// learns for one forward delay with STP off; the hook waits MAXWAIT seconds at most).

import type { Diagnostic } from "../diagnostic.ts";
import type { HostBridge, HostConfig, HostInterface, Setting } from "../host-config.ts";
import { brctlBool, brctlInt, brctlSeconds } from "../host/bridges.ts";
import { deviceExists, finding, where, type HostCheck } from "./facts.ts";

function cards(c: HostConfig): string {
  const names = c.hardware.nics.map((n) => n.name).join(", ") || "none";
  if (c.hardware.source === "default") return `its network cards are taken to be ${names}, as none were given`;
  return c.hardware.source === "udev-rules" ? `udev's rules name the cards ${names}` : `its network cards are ${names}`;
}

/** bridge/port-missing: a `bridge_ports` name that no card or configured device provides. */
export const portMissing: HostCheck = (c) => {
  const out: Diagnostic[] = [];
  for (const b of c.bridges.filter((x) => x.origin === "interfaces")) {
    const present = b.ports.filter((p) => deviceExists(c, p.name));
    for (const p of b.ports.filter((x) => !deviceExists(c, x.name))) {
      const effect = present.length === 0 ? `${b.name} comes up with no port at all, so nothing it carries reaches the LAN` : `${b.name} comes up without it`;
      const message = `bridge port ${p.name} of ${b.name} does not exist on this host (${cards(c)}): brctl addif prints "interface ${p.name} does not exist!" and ${effect}`;
      out.push(finding("bridge/port-missing", "error", message, p.span, "use the card's real name (see `ip link`; udev's 70-persistent-net.rules renames cards after a swap)"));
    }
  }
  return out;
};

/** The bridge each port belongs to, first bridge first. */
function portsOf(c: HostConfig): Map<string, HostBridge> {
  const owner = new Map<string, HostBridge>();
  for (const b of c.bridges) for (const p of b.ports) if (!owner.has(p.name)) owner.set(p.name, b);
  return owner;
}

/** bridge/port-address and bridge/port-dhcp: a port whose own stanza still gives it an address. */
export const portConfigured: HostCheck = (c) => {
  const out: Diagnostic[] = [];
  const owner = portsOf(c);
  for (const i of c.network.interfaces.filter((x) => x.family === "inet")) {
    const b = owner.get(i.name);
    if (b === undefined) continue;
    if (i.method === "static" && i.address !== undefined) {
      out.push(finding("bridge/port-address", "warning", portAddressMessage(i, b), i.address.span, `move the address to the ${b.name} stanza and make it \`iface ${i.name} inet manual\``));
    } else if (i.method === "dhcp" && i.classes.length > 0) {
      const message = `${i.name} is a port of ${b.name} but its own stanza runs a DHCP client on it: two DHCP clients on one link, the same subnet routed via ${i.name} and ${b.name}, and the default route may land on the wrong device`;
      out.push(finding("bridge/port-dhcp", "warning", message, i.span, `make it \`iface ${i.name} inet manual\` (without auto) or remove the stanza`));
    }
  }
  return out;
};

/**
 * What a static address on a bridge port does depends on which stanza `ifup -a` brings up first
 * (file order of the stanzas, as the auto lines usually sit beside them): when the port comes first,
 * the bridge-utils hook's `ifconfig PORT 0.0.0.0 up` later takes its address away, and the routes
 * through it (the gateway too) go with it; when the bridge comes first, the port gets its address
 * back afterwards and dom0 has two connected routes for one subnet.
 */
function portAddressMessage(i: HostInterface, b: HostBridge): string {
  const address = i.address?.address ?? "";
  const portFirst = i.span.file === b.span.file && i.span.line < b.span.line;
  if (portFirst) {
    const gateway = i.gateway !== undefined ? ` and the default route via ${i.gateway.value}` : "";
    return `${i.name} is a port of ${b.name} but keeps its own address ${address}: ${i.name} comes up first, then the bridge hook's \`ifconfig ${i.name} 0.0.0.0 up\` removes the address${gateway}, so dom0 is no longer at ${address} after boot`;
  }
  return `${i.name} is a port of ${b.name} but keeps its own address ${address}: dom0 gets two connected routes for that subnet, and traffic for the address arrives on ${b.name}, not on ${i.name}`;
}

/** bridge/port-shared: a device listed as a port of two bridges. */
export const portShared: HostCheck = (c) => {
  const out: Diagnostic[] = [];
  const owner = portsOf(c);
  for (const b of c.bridges) {
    for (const p of b.ports) {
      const first = owner.get(p.name);
      if (first === undefined || first === b) continue;
      const message = `${p.name} is already a port of ${first.name} (${where(first.span, p.span)}): brctl refuses a second bridge ("device ${p.name} is already a member of a bridge; can't enslave it to bridge ${b.name}.")`;
      out.push(finding("bridge/port-shared", "error", message, p.span, "a device can be the port of one bridge only; use a VLAN or a second card"));
    }
  }
  return out;
};

/** bridge/bad-setting: a bridge_* value brctl or the hook cannot use (the kernel default stays). */
export const badSetting: HostCheck = (c) => {
  const out: Diagnostic[] = [];
  const bad = (s: Setting<unknown>, ok: (t: string) => boolean, message: string) => {
    if (s.text !== undefined && s.span !== undefined && !ok(s.text)) out.push(finding("bridge/bad-setting", "warning", message, s.span, "bridge_stp takes on or off, bridge_maxwait whole seconds, the others a number of seconds (bridge_bridgeprio 0-65535)"));
  };
  for (const b of c.bridges.filter((x) => x.origin === "interfaces")) {
    bad(b.stp, (t) => brctlBool(t) !== undefined, `bridge_stp ${b.stp.text}: brctl says "expect on/off for argument" and STP stays off on ${b.name}`);
    const numbers: [string, Setting<number>, number, (t: string) => number | undefined][] = [
      ["fd", b.forwardDelay, 15, brctlSeconds], ["hello", b.helloTime, 2, brctlSeconds], ["maxage", b.maxAge, 20, brctlSeconds],
      ["ageing", b.ageing, 300, brctlSeconds], ["gcint", b.gcInterval, 4, brctlSeconds], ["bridgeprio", b.priority, 32768, brctlInt],
    ];
    for (const [name, s, dflt, read] of numbers) bad(s, (t) => read(t) !== undefined, `bridge_${name} ${s.text}: brctl refuses a value that is not a number, so ${b.name} keeps the default ${dflt}`);
    bad(b.maxWait, (t) => /^[0-9]+$/.test(t), `bridge_maxwait ${b.maxWait.text}: the hook compares it as a shell integer, the test fails and ${b.name} is not waited for at all`);
  }
  return out;
};

/** Seconds until a fresh port forwards on 2.6.32: listening + learning with STP, learning alone without. */
function forwardingAfter(b: HostBridge): number {
  return b.stp.value ? 2 * b.forwardDelay.value : b.forwardDelay.value;
}

function dhcpBridges(c: HostConfig): HostBridge[] {
  return c.bridges.filter((b) => b.origin === "interfaces" && b.method === "dhcp" && b.upAtBoot && b.forwardDelay.value > 0 && b.ports.some((p) => deviceExists(c, p.name)));
}

/** bridge/stp-dhcp-delay: STP on with a forward delay while dom0 takes its address by DHCP on the bridge. */
export const stpDhcpDelay: HostCheck = (c) =>
  dhcpBridges(c).filter((b) => b.stp.value).map((b) => {
    const t = forwardingAfter(b);
    const wait = b.maxWait.value;
    const effect = wait < t
      ? `ifup stops waiting after ${wait} s and starts dhclient before the port forwards: the first DHCP DISCOVERs are lost and the lease comes late`
      : `ifup waits ${t} s at boot before dhclient can start (any shorter bridge_maxwait and the first DHCP DISCOVERs are lost)`;
    const message = `${b.name} runs STP with a forward delay of ${b.forwardDelay.value} s and gets dom0's address by DHCP: a new port listens and learns for ${t} s before it forwards; ${effect}`;
    return finding("bridge/stp-dhcp-delay", "warning", message, b.stp.span ?? b.span, "a bridge with one uplink needs no STP: `bridge_stp off` and `bridge_fd 0`");
  });

/** bridge/dhcp-before-forwarding: STP off, but 2.6.32 still makes a new port learn for one forward delay. */
export const dhcpBeforeForwarding: HostCheck = (c) => {
  const codename = c.release?.codename;
  if (codename !== undefined && !["etch", "lenny", "squeeze"].includes(codename)) return []; // later kernels forward at once without STP
  return dhcpBridges(c).filter((b) => !b.stp.value && b.maxWait.value < b.forwardDelay.value).map((b) => {
    const message = `${b.name} gets dom0's address by DHCP and the hook waits only ${b.maxWait.value} s, but on Linux 2.6.32 a new port learns for the forward delay (${b.forwardDelay.value} s) before it forwards, even with STP off: dhclient's first DISCOVERs are dropped and the lease comes about ${b.forwardDelay.value} s late`;
    return finding("bridge/dhcp-before-forwarding", "info", message, b.maxWait.span ?? b.span, "`bridge_fd 0` makes the port forward at once");
  });
};

/** bridge/port-no-link: a port on a card known to have no link: the hook waits MAXWAIT at boot for nothing. */
export const portNoLink: HostCheck = (c) => {
  const out: Diagnostic[] = [];
  for (const b of c.bridges.filter((x) => x.origin === "interfaces" && x.upAtBoot)) {
    for (const p of b.ports) {
      if (c.hardware.nics.find((n) => n.name === p.name)?.link !== false) continue;
      const wait = b.maxWait.value > 0 ? `the boot waits the full MAXWAIT (${b.maxWait.value} s) for it and ` : "";
      out.push(finding("bridge/port-no-link", "warning", `${p.name}, a port of ${b.name}, has no link: ${wait}${b.name} reaches nothing through it`, p.span, "plug the cable in, or remove the port"));
    }
  }
  return out;
};
