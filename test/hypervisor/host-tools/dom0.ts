// A small dom0 built by hand for the host-tools tests, the Debian Squeeze layout of
// xen-networking.md §2.3: a bridge xenbr0 with the NIC eth0 and the guest's vif1.0 as ports, dom0's
// address on the bridge, a default route to the LAN router and the router in the ARP cache. The
// router (a node on eth0's cable) and the guest testxen (behind vif1.0) have stacks of their own,
// so tcpdump has traffic to see. Every configuration step goes through the emulated commands.
import { expectGolden as expectSharedGolden } from "../../golden.ts";
import { Sim, SECOND } from "../../../netsim/engine/sim.ts";
import { Cable, Netback, Netfront, Nic } from "../../../netsim/l2/index.ts";
import { Ipv4Stack } from "../../../netsim/l3/index.ts";
import { runHostTool, stackHost, type HostNode, type ToolResult } from "../../../hypervisor/host-tools/index.ts";
import { DOM0, GUEST, ip, ROUTER } from "./frames.ts";

/** The test world. */
export interface Dom0World {
  readonly sim: Sim;
  readonly host: HostNode;
  readonly router: Ipv4Stack;
  readonly guest: Ipv4Stack;
  readonly guestHost: HostNode;
}

/** Runs one command line (split on blanks) on `host`; throws if it is not a host tool. */
export function sh(host: HostNode, line: string): ToolResult {
  const result = runHostTool(host, line.split(" ").filter((w) => w !== ""));
  if (result === undefined) throw new Error(`not a host tool: ${line}`);
  return result;
}

/** Runs a command that must succeed silently. */
export function ok(host: HostNode, line: string): void {
  const r = sh(host, line);
  if (r.stdout !== "" || r.stderr !== "" || r.exitCode !== 0) throw new Error(`${line}: ${JSON.stringify(r)}`);
}

/** Builds the dom0 of the file header; `settle` lets ARP and the bridge settle for a second. */
export function buildDom0(seed = 1): Dom0World {
  const sim = new Sim(seed);
  const stack = new Ipv4Stack(sim, "dom0");
  const host = stackHost(sim, stack);
  const eth0 = new Nic(sim, "dom0", "eth0", DOM0);
  stack.addDevice(eth0);
  const router = new Ipv4Stack(sim, "router");
  const rnic = new Nic(sim, "router", "eth0", ROUTER);
  router.addDevice(rnic);
  rnic.setUp(true);
  router.addAddress("eth0", { address: ip("192.168.1.1"), prefix: 24, broadcast: "auto" });
  new Cable(eth0, rnic);
  const vif = new Netback(sim, "dom0", "vif1.0");
  stack.addDevice(vif);
  const guest = new Ipv4Stack(sim, "testxen");
  const front = new Netfront(sim, "testxen", "eth0", GUEST);
  guest.addDevice(front);
  vif.connect(front);
  for (const line of [
    "brctl addbr xenbr0",
    "brctl stp xenbr0 off",
    "brctl setfd xenbr0 0",
    "ip link set eth0 up",
    "brctl addif xenbr0 eth0",
    "brctl addif xenbr0 vif1.0",
    "ip link set vif1.0 up",
    "ip link set lo up",
    "ip link set xenbr0 up",
    "ip addr add 192.168.1.10/24 brd + dev xenbr0",
    "ip route add default via 192.168.1.1",
    "ip neigh replace 192.168.1.1 lladdr 00:11:22:33:44:55 nud reachable dev xenbr0",
  ]) ok(host, line);
  const guestHost = stackHost(sim, guest);
  for (const line of ["ip link set eth0 up", "ip addr add 192.168.1.50/24 brd + dev eth0", "ip route add default via 192.168.1.1"]) ok(guestHost, line);
  sim.runFor(SECOND);
  return { sim, host, router, guest, guestHost };
}

/** Compares `text` with test/golden/host-tools/<name>; UPDATE_GOLDEN=1 rewrites it. */
export function expectGolden(name: string, text: string): void {
  expectSharedGolden(`host-tools/${name}`, text);
}

/** A transcript of command lines run on `host`: `# line`, stdout, stderr, and a non-zero status. */
export function transcript(host: HostNode, lines: readonly string[]): string {
  return lines
    .map((line) => {
      const r = sh(host, line);
      return `# ${line}\n${r.stdout}${r.stderr}${r.exitCode !== 0 ? `[exit ${r.exitCode}]\n` : ""}`;
    })
    .join("");
}
