// The dynamic half of `xennet check`: boot the host in simulation exactly as it would boot (ifup -a,
// xend's network script, xendomains, each guest's own network start, DHCP), let it settle, then
// report what only a boot shows — an interface that got no DHCP lease, a lease that came late (and
// why: a bridge port still learning), an auto guest that did not start, a guest whose dhclient got
// no lease (a firewall or a bridge between it and the DHCP server) — and whether each path works:
// dom0 → router, each guest → its gateway, each guest → the internet host, guest → guest on a shared
// network.
// Reachability is proved with a real ping after the boot settled; `afterSeconds` is when the
// source got its address, from which the path could work.
import { SECOND } from "../../netsim/engine/sim.ts";
import { Ping } from "../../netsim/apps/index.ts";
import type { Ipv4Stack } from "../../netsim/l3/index.ts";
import { ipv4ToString, type Ipv4 } from "../../netsim/wire/address.ts";
import { diagnostic, type Diagnostic } from "../../topology/diagnostic.ts";
import type { FileReader } from "../../topology/interfaces/index.ts";
import type { HostConfig } from "../../topology/index.ts";
import { Machine } from "../machine/machine.ts";
import type { WorldSpec } from "../world/index.ts";
import { NO_ROUTE, type Reachability } from "./report.ts";

/** Simulated seconds the host gets after boot for guests to start and take their leases. */
export const SETTLE_S = 90;
/** A DHCP lease later than this after `ifup` is worth a warning. */
const SLOW_LEASE_S = 10;

/** What the boot showed. */
export interface BootFindings {
  readonly diagnostics: readonly Diagnostic[];
  readonly reachability: readonly Reachability[];
  readonly bootSeconds: number;
}

/** Boots the host under `root` with `seed` and measures it. */
export function bootCheck(root: FileReader, config: HostConfig, seed: number, world?: WorldSpec): BootFindings {
  const machine = new Machine({ seed, root, ...(world ? { world } : {}) });
  const leases = new Map<string, number>();
  let networkingAt = 0;
  machine.onEvent((e) => {
    if (e.kind === "lease" && !leases.has(`${e.node}/${e.dev}`)) leases.set(`${e.node}/${e.dev}`, e.time);
    if (e.kind === "phase" && e.phase === "networking") networkingAt = e.time;
  });
  machine.boot();
  const bootSeconds = Math.round(machine.sim.now / SECOND);
  machine.sim.runFor(SETTLE_S * SECOND);
  const diagnostics = [...dhcpFindings(config, leases, networkingAt), ...guestFindings(machine, config), ...guestLeaseFindings(machine, config, leases)];
  return { diagnostics, reachability: reachability(machine, leases), bootSeconds };
}

/** dom0's DHCP interfaces: no lease at all (error), or one that came late (warning, with the reason). */
function dhcpFindings(config: HostConfig, leases: ReadonlyMap<string, number>, networkingAt: number): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const iface of config.network.interfaces) {
    if (iface.family !== "inet" || iface.method !== "dhcp" || !iface.classes.includes("auto")) continue;
    const at = leases.get(`dom0/${iface.name}`);
    if (at === undefined) {
      found.push(diagnostic("boot/no-dhcp-lease", "error", `dom0 got no address on ${iface.name}: no DHCP server answered during the simulated boot`, iface.span, "check the cable and the LAN's DHCP server, or give the interface a static address"));
      continue;
    }
    const bridge = config.bridges.find((b) => b.name === iface.name);
    const waited = Math.round((at - networkingAt) / SECOND);
    if (waited > SLOW_LEASE_S) {
      const why = bridge ? `: the new port of ${iface.name} drops frames while it listens and learns, so dhclient's first DISCOVERs are lost` : "";
      found.push(diagnostic("boot/slow-dhcp", "warning", `dom0's DHCP lease on ${iface.name} came ${waited} s after ifup${why}`, iface.span, bridge ? "`bridge_fd 0` (and `bridge_stp off` with a single uplink) lets the port forward at once" : undefined));
    }
  }
  return found;
}

function guestFindings(machine: Machine, config: HostConfig): Diagnostic[] {
  const running = new Set(machine.xen.hypervisor.domains().map((d) => d.name));
  return config.domains
    .filter((d) => d.autostart !== undefined && d.name !== undefined && !running.has(d.name.value))
    .map((d) => diagnostic("boot/guest-not-started", "error", `${d.name!.value} is in /etc/xen/auto but was not running after the boot`, d.span, "run `xm create` on it by hand to see xm's error"));
}

/** Running guests whose dhclient got no lease in the settle time: anchored at the guest's vif line. */
function guestLeaseFindings(machine: Machine, config: HostConfig, leases: ReadonlyMap<string, number>): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const dom of config.domains) {
    const name = dom.name?.value;
    const net = name === undefined ? undefined : machine.guests.of(name);
    if (net === undefined) continue;
    for (const dev of net.ifupdown.dhcp.keys()) {
      if (leases.has(`${name}/${dev}`)) continue;
      const vif = dom.vifs.find((v) => `eth${v.index}` === dev);
      const message = `${name} got no DHCP lease on ${dev} within ${SETTLE_S} s of the boot: no DHCP server answered it on the network its vif joins${vif?.bridge ? ` (${vif.bridge.value})` : ""}, so it has no address and nobody can reach it`;
      found.push(diagnostic("boot/guest-no-lease", "error", message, vif?.span ?? dom.span, "check the path from the vif to the DHCP server (bridge, firewall), or give the guest a static address"));
    }
  }
  return found;
}

function reachability(machine: Machine, leases: ReadonlyMap<string, number>): Reachability[] {
  const rows: Reachability[] = [];
  const router = machine.world.spec.router.address;
  const internet = machine.world.spec.internet[0];
  const dom0 = machine.stackOf("dom0");
  if (dom0) rows.push(probe(machine, "dom0", dom0, "router", router, leases.get("dom0/" + (routeDev(dom0, router) ?? "")) ?? 0));
  const guests = machine.xen.hypervisor.domains().filter((d) => d.domid !== 0).map((d) => d.name);
  for (const name of guests) {
    const stack = machine.stackOf(name);
    if (!stack) continue;
    const since = leases.get(`${name}/eth0`) ?? 0;
    const gateway = stack.routes().find((r) => r.prefix === 0)?.gateway;
    if (gateway !== undefined) rows.push(probe(machine, name, stack, `gateway ${ipv4ToString(gateway)}`, gateway, since));
    if (internet) rows.push(probe(machine, name, stack, internet.name, internet.address, since));
    // Guest to guest where they share a network: guests on separate networks (a back-end bridge)
    // are not meant to reach each other, and the internet rows already test routed paths.
    for (const other of guests.filter((g) => g !== name)) {
      const address = machine.stackOf(other)?.addresses("eth0")[0]?.address;
      if (address !== undefined && onLink(stack, address)) rows.push(probe(machine, name, stack, other, address, since));
    }
  }
  return rows;
}

/** True when `dst` is on a network directly connected to the stack (no gateway in between). */
function onLink(stack: Ipv4Stack, dst: Ipv4): boolean {
  const r = stack.routeGet(dst);
  return typeof r !== "string" && r.gateway === undefined;
}

function routeDev(stack: Ipv4Stack, dst: Ipv4): string | undefined {
  const r = stack.routeGet(dst);
  return typeof r === "string" ? undefined : r.dev;
}

/** Pings `dst` three times from `stack`; the path works when any reply came back. */
function probe(machine: Machine, from: string, stack: Ipv4Stack, to: string, dst: Ipv4, since: number): Reachability {
  const route = stack.routeGet(dst);
  const via = typeof route === "string" ? NO_ROUTE : `${route.dev}${route.gateway !== undefined ? ` via ${ipv4ToString(route.gateway)}` : ""}`;
  const ping = new Ping(stack, { dst, count: 3, interval: 0.2, linger: 2 });
  let done = false;
  ping.start(() => (done = true));
  const deadline = machine.sim.now + 10 * SECOND;
  while (!done && machine.sim.now < deadline) machine.sim.runFor(SECOND / 5);
  const ok = ping.exitCode === 0;
  return { from, to, ok, afterSeconds: ok ? Math.round(since / SECOND) : null, via };
}
