// /etc/xen/scripts/network-bridge start (xen-networking.md §2.1–2.2), in the two historical layouts:
//
// Xen 3.2–4.0 (no netloop): `netdev` = the default route's device (else eth0), `bridge` = netdev.
// A bridge `tmpbridge` (STP off, forward delay 0) gets eth0's addresses; eth0 is taken down (ifdown,
// else down + flush) and renamed peth0, tmpbridge renamed eth0; peth0 is flushed, brought up, waited
// for ("Waiting for peth0 to negotiate link." and a dot a second), enslaved; then `ifup eth0` runs
// the eth0 stanza on the bridge — or, if ifup fails, the remembered address and default route are
// put back by hand. 4.0.1 has no "a bridge already exists" guard: on a host whose interfaces file
// already made xenbr0, xenbr0 holds the default route and is the one renamed (dom0 breaks).
//
// Xen 3.0/3.1 (netloop): `vifnum` = the default route device's digits, `bridge=xenbr0`,
// `netdev=eth0`; eth0's addresses move to veth0, eth0 is renamed peth0 and veth0 eth0 (with the
// card's MAC); peth0 and vif0.0 get MAC fe:ff:ff:ff:ff:ff and ARP off and join xenbr0 with the new
// eth0 being dom0's interface; then `ifup eth0`. Without any veth device ("old style") the
// addresses and routes move from eth0 to the bridge and eth0 is enslaved directly.
// `antispoof=yes` sets the FORWARD policy to DROP and accepts only what comes from the uplink.
// The script does nothing with `bridge=null`, or when p<netdev> already exists.

import { Bridge, XEN_BACKEND_MAC, type NetDev } from "../../netsim/l2/index.ts";
import { ipv4ToString, type Ipv4 } from "../../netsim/wire/address.ts";
import { xenAtLeast } from "../../topology/index.ts";
import { defaultRouteDevice, iptables, PROGRAM_US, renameLink, setupBridgePort, type ScriptHost } from "./script-host.ts";

type Step = (next: () => void) => void;

function run(h: ScriptHost, steps: readonly Step[], done: () => void): void {
  const go = (i: number): void => {
    const step = steps[i];
    if (step === undefined) return done();
    step(() => h.sim.schedule(PROGRAM_US, () => go(i + 1)));
  };
  go(0);
}

/** create_bridge: a new bridge with STP off and forward delay 0 (an existing one is left alone). */
function createBridge(h: ScriptHost, name: string): Bridge {
  const existing = h.node.device(name);
  if (existing instanceof Bridge) return existing;
  const br = h.node.createBridge(name);
  br.setStp(false);
  br.setForwardDelay(0);
  return br;
}

/** add_to_bridge2: brings DEV up, waits up to 10 s for it to be RUNNING, then enslaves it. */
function addToBridge2(h: ScriptHost, bridge: string, devName: string, next: () => void): void {
  const dev = h.node.device(devName);
  let line = `Waiting for ${devName} to negotiate link.`;
  dev?.setUp(true);
  let tries = 0;
  const poll = (): void => {
    tries++;
    if (dev !== undefined && dev.hasCarrier) return finish();
    line += ".";
    if (tries >= 10) {
      line += "(link isnt in running state)";
      return finish();
    }
    h.sim.schedule(1_000_000, poll);
  };
  const finish = (): void => {
    h.log(`${line}\n`);
    addToBridge(h, bridge, dev);
    next();
  };
  poll();
}

/** add_to_bridge: `brctl addif BR DEV` unless already a port, then `ip link set DEV up`. */
function addToBridge(h: ScriptHost, bridge: string, dev: NetDev | undefined): void {
  const br = h.node.device(bridge);
  if (dev === undefined || !(br instanceof Bridge)) return;
  if (br.portOf(dev) === undefined) {
    const r = br.addPort(dev, dev.kind === "nic" ? { speedMbps: 1000 } : {});
    if (!r.ok) h.log(`${r.message}\n`);
  }
  dev.setUp(true);
}

/** The uplink's address and default gateway (get_ip_info), for do_ifup's fallback. */
function ipInfo(h: ScriptHost, dev: string): { address?: { address: Ipv4; prefix: number }; gateway?: Ipv4 } {
  const a = h.stack.addresses(dev).find((x) => !x.secondary);
  const gw = h.stack.routes().find((r) => r.dst === 0 && r.prefix === 0 && r.dev === dev)?.gateway;
  return { ...(a ? { address: { address: a.address, prefix: a.prefix } } : {}), ...(gw !== undefined ? { gateway: gw } : {}) };
}

/** transfer_addrs: every IPv4 address of FROM added to TO (labels kept, "secondary" dropped). */
function transferAddrs(h: ScriptHost, from: string, to: string): void {
  for (const a of h.stack.addresses(from)) {
    const label = a.label === from ? to : a.label.replace(from, to);
    h.stack.addAddress(to, { address: a.address, prefix: a.prefix, ...(a.broadcast !== 0 ? { broadcast: a.broadcast } : {}), label });
  }
}

/** do_ifup: `ifup DEV`, else the remembered address, link up and default route by hand. */
function doIfup(h: ScriptHost, dev: string, info: ReturnType<typeof ipInfo>, next: () => void): void {
  h.ifup(dev, (ok) => {
    if (!ok && info.address) {
      h.stack.flushAddresses(dev);
      h.stack.addAddress(dev, { address: info.address.address, prefix: info.address.prefix, broadcast: "auto" });
      h.node.device(dev)?.setUp(true);
      if (info.gateway !== undefined && h.stack.addRoute({ dst: 0, prefix: 0, gateway: info.gateway }) !== undefined) h.log("RTNETLINK answers: File exists\n");
      h.log(`network-bridge: ifup ${dev} failed; set ${ipv4ToString(info.address.address)}/${info.address.prefix} by hand\n`);
    }
    next();
  });
}

function antispoofing(h: ScriptHost, pdev: string, vif0?: string): void {
  iptables(h, ["-P", "FORWARD", "DROP"]);
  iptables(h, ["-F", "FORWARD"]);
  iptables(h, ["-A", "FORWARD", "-m", "physdev", "--physdev-in", pdev, "-j", "ACCEPT"]);
  if (vif0) iptables(h, ["-A", "FORWARD", "-m", "physdev", "--physdev-in", vif0, "-j", "ACCEPT"]);
}

/** `network-bridge start VAR=VAL…` (see the file header). */
export function networkBridgeStart(h: ScriptHost, vars: Readonly<Record<string, string>>, done: () => void): void {
  if (xenAtLeast(h.xen, 3, 2)) return startNoNetloop(h, vars, done);
  return startNetloop(h, vars, done);
}

function startNoNetloop(h: ScriptHost, vars: Readonly<Record<string, string>>, done: () => void): void {
  const netdev = vars["netdev"] ?? defaultRouteDevice(h.stack) ?? "eth0";
  const bridge = vars["bridge"] ?? netdev;
  const pdev = `p${netdev}`;
  if (bridge === "null" || h.node.device(pdev) !== undefined) return done();
  const info = ipInfo(h, netdev);
  const tdev = "tmpbridge";
  run(h, [
    (next) => (createBridge(h, tdev), next()),
    (next) => (transferAddrs(h, netdev, tdev), next()),
    (next) => h.ifdown(netdev, (ok) => {
      const dev = h.node.device(netdev);
      if (!ok && dev) setupBridgePort(h, dev);
      next();
    }),
    (next) => (renameLink(h, h.node.device(netdev), netdev, pdev), next()),
    (next) => (renameLink(h, h.node.device(tdev), tdev, bridge), next()),
    (next) => {
      const p = h.node.device(pdev);
      if (p) setupBridgePort(h, p);
      next();
    },
    (next) => addToBridge2(h, bridge, pdev, next),
    (next) => doIfup(h, bridge, info, next),
    (next) => (vars["antispoof"] === "yes" && antispoofing(h, pdev), next()),
  ], done);
}

function startNetloop(h: ScriptHost, vars: Readonly<Record<string, string>>, done: () => void): void {
  const vifnum = vars["vifnum"] ?? (defaultRouteDevice(h.stack)?.replace(/[^0-9]/g, "") || "0");
  const bridge = vars["bridge"] ?? `xenbr${vifnum}`;
  const netdev = vars["netdev"] ?? `eth${vifnum}`;
  const pdev = `p${netdev}`;
  const vdev = `veth${vifnum}`;
  const vif0 = `vif0.${vifnum}`;
  if (bridge === "null" || h.node.device(pdev) !== undefined) return done();
  const anyVeth = h.node.devices().some((d) => /^veth[0-9]+$/.test(d.name));
  if (h.node.device(vdev) === undefined) {
    if (anyVeth) {
      h.log(`Link ${vdev} is missing.\nThis may be because you have reached the limit of the number of interfaces\nthat the loopback driver supports.  If the loopback driver is a module, you\nmay raise this limit by passing it as a parameter (nloopbacks=<N>); if the\ndriver is compiled statically into the kernel, then you may set the parameter\nusing loopback.nloopbacks=<N> on the domain 0 kernel command line.\n`);
      return done();
    }
    return startOldStyle(h, bridge, netdev, vars, done);
  }
  const mac = h.node.device(netdev)?.mac;
  const info = ipInfo(h, netdev);
  run(h, [
    (next) => (createBridge(h, bridge), next()),
    (next) => {
      if (h.stack.addresses(vdev).length === 0) transferAddrs(h, netdev, vdev);
      next();
    },
    (next) => h.ifdown(netdev, (ok) => {
      const dev = h.node.device(netdev);
      if (!ok && dev) setupBridgePort(h, dev);
      next();
    }),
    (next) => (renameLink(h, h.node.device(netdev), netdev, pdev), renameLink(h, h.node.device(vdev), vdev, netdev), next()),
    (next) => {
      for (const name of [pdev, vif0]) {
        const d = h.node.device(name);
        if (!d) continue;
        setupBridgePort(h, d);
        d.mac = XEN_BACKEND_MAC;
        h.node.flags(d).noarp = true;
        h.node.flags(d).multicast = false;
      }
      const eth = h.node.device(netdev);
      if (eth && mac !== undefined) eth.mac = mac;
      next();
    },
    (next) => {
      h.node.device(bridge)?.setUp(true);
      addToBridge(h, bridge, h.node.device(vif0));
      next();
    },
    (next) => addToBridge2(h, bridge, pdev, next),
    (next) => doIfup(h, netdev, info, next),
    (next) => (vars["antispoof"] === "yes" && antispoofing(h, pdev, vif0), next()),
  ], done);
}

/** op_start without netloop devices: addresses and routes move from eth0 to the bridge, eth0 is enslaved. */
function startOldStyle(h: ScriptHost, bridge: string, netdev: string, vars: Readonly<Record<string, string>>, done: () => void): void {
  const info = ipInfo(h, netdev);
  run(h, [
    (next) => (createBridge(h, bridge), next()),
    (next) => {
      transferAddrs(h, netdev, bridge);
      h.stack.flushAddresses(netdev);
      h.node.device(bridge)?.setUp(true);
      if (info.gateway !== undefined) h.stack.addRoute({ dst: 0, prefix: 0, gateway: info.gateway, dev: bridge });
      next();
    },
    (next) => addToBridge2(h, bridge, netdev, next),
    (next) => (vars["antispoof"] === "yes" && antispoofing(h, netdev), next()),
  ], done);
}
