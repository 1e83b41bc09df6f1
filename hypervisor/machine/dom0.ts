// dom0's kernel and network programs for one boot of the host: its IPv4 stack (node `dom0`) with
// netfilter, the physical cards registered (down, as the kernel finds them), on Xen 3.0/3.1 the
// netloop pairs veth0…veth7 / vif0.0…vif0.7, ifupdown over the boot's /etc/network/interfaces, the
// dhcpd of the NAT model, and the command table hook lines and scripts run (iptables, sysctl,
// `echo > /proc/sys`, ifup/ifdown, dnsmasq, /etc/xen/scripts/network-bridge), and its own services
// (services.ts: procps, iptables-persistent, dnsmasq, ISC dhcpd). It is also the ScriptHost the
// Xen scripts act on; their output goes to /var/log/xen/xend-debug.log, as xend's does.

import type { Sim } from "../../netsim/engine/index.ts";
import { XEN_BACKEND_MAC, type Nic } from "../../netsim/l2/index.ts";
import { Ipv4Stack, Netfilter } from "../../netsim/l3/index.ts";
import { bridgeNetfilter } from "../../netsim/l3/netfilter/index.ts";
import type { DhcpClientLease } from "../../netsim/apps/index.ts";
import { xenAtLeast, type InterfacesFile } from "../../topology/index.ts";
import { stackHost, type HostNode } from "../host-tools/index.ts";
import { Dhcpd } from "../network-scripts/dhcpd.ts";
import { networkBridgeStart } from "../network-scripts/network-bridge.ts";
import { type ScriptHost } from "../network-scripts/script-host.ts";
import type { SimFs } from "../sim-fs.ts";
import { Ifupdown, type IfupHost } from "./ifupdown.ts";
import { nodeCommands } from "./node-commands.ts";
import { BootServices } from "./services.ts";
import { runLine, type LineCommand, type LineResult } from "./shell-line.ts";

/** How many netloop pairs Xen 3.0/3.1's loopback driver makes (nloopbacks). */
export const NLOOPBACKS = 8;

/** What one boot of dom0 is built from. */
export interface Dom0Options {
  readonly sim: Sim;
  readonly fs: SimFs;
  readonly hostname: string;
  readonly epochSeconds: number;
  /** The Xen series ("4.0"…). */
  readonly xen: string;
  /** The physical cards, in ifindex order. */
  readonly nics: readonly Nic[];
  /** A lease was bound on one of dom0's interfaces. */
  readonly leased?: (dev: string, lease: DhcpClientLease) => void;
  /** The release is later than Squeeze (for the services' option sets). */
  readonly modern?: boolean;
}

/** dom0 for one boot (see the file header). */
export class Dom0 implements ScriptHost {
  readonly sim: Sim;
  readonly fs: SimFs;
  readonly stack: Ipv4Stack;
  readonly node: HostNode;
  readonly netfilter: Netfilter;
  readonly dhcpd: Dhcpd;
  /** dom0's own services (sysctl, iptables-persistent, dnsmasq, ISC dhcpd). */
  readonly services: BootServices;
  readonly xen: string;
  readonly commands: Map<string, LineCommand>;
  ifupdown: Ifupdown | null = null;
  /** Where ifup's output goes: the console at boot, xend's log when a script runs it. */
  print: (text: string) => void = () => undefined;

  constructor(private readonly options: Dom0Options) {
    this.sim = options.sim;
    this.fs = options.fs;
    this.xen = options.xen;
    this.stack = new Ipv4Stack(options.sim, "dom0");
    // The kernel registers lo down and without an address; `ifup lo` brings it up (and 127.0.0.1 with it).
    this.stack.loopback.setUp(false);
    this.stack.flushAddresses("lo");
    this.netfilter = new Netfilter({ sim: options.sim, view: this.stack, epoch: options.epochSeconds });
    this.stack.hooks = this.netfilter;
    this.node = stackHost(options.sim, this.stack, { epochSeconds: options.epochSeconds, bridgeNetfilter: bridgeNetfilter(this.stack, this.netfilter) });
    for (const nic of options.nics) {
      nic.setUp(false);
      this.stack.addDevice(nic);
    }
    if (!xenAtLeast(options.xen, 3, 2)) this.netloop();
    this.dhcpd = new Dhcpd(this.stack, options.fs);
    this.services = new BootServices({ stack: this.stack, netfilter: this.netfilter, fs: options.fs, epochSeconds: options.epochSeconds, modern: options.modern ?? false });
    this.commands = this.commandTable();
  }

  /** ifupdown over `file` (the boot's /etc/network/interfaces). */
  startIfupdown(file: InterfacesFile): Ifupdown {
    this.ifupdown = new Ifupdown(this.ifupHost(), file);
    return this.ifupdown;
  }

  ifup(name: string, done: (ok: boolean) => void): void {
    if (this.ifupdown === null) return done(false);
    this.withOutput((t) => this.log(t), (restore) => this.ifupdown!.up(name, (ok) => (restore(), done(ok))));
  }

  ifdown(name: string, done: (ok: boolean) => void): void {
    if (this.ifupdown === null) return done(false);
    this.withOutput((t) => this.log(t), (restore) => this.ifupdown!.down(name, (ok) => (restore(), done(ok))));
  }

  log(text: string): void {
    this.fs.mkdir("/var/log/xen", { parents: true });
    this.fs.appendFile("/var/log/xen/xend-debug.log", text);
  }

  /** Runs a command line as root on dom0 (`/bin/sh -c`); `done` gets what it printed. */
  run(line: string, done: (r: LineResult) => void, env: Readonly<Record<string, string>> = {}): void {
    runLine(line, env, this.commands, done);
  }

  /** The power goes: every program stops, the cards go down and leave this kernel. */
  powerOff(): void {
    this.ifupdown?.kill();
    this.dhcpd.stop();
    this.services.stop();
    const devices = [...this.stack.devices()];
    const nics = devices.filter((d): d is Nic => this.options.nics.includes(d as Nic));
    for (const dev of devices) if (dev.kind !== "loopback" && !nics.includes(dev as Nic)) this.node.deleteDevice(dev);
    for (const nic of nics) {
      nic.setUp(false);
      this.stack.removeDevice(nic);
      nic.attach(null);
    }
    this.netfilter.dispose();
  }

  private withOutput(to: (t: string) => void, body: (restore: () => void) => void): void {
    const previous = this.print;
    this.print = to;
    body(() => (this.print = previous));
  }

  private ifupHost(): IfupHost {
    const leaseFile = (dev: string) => `/var/lib/dhcp/dhclient.${dev}.leases`;
    return {
      sim: this.sim, stack: this.stack, node: this.node, hostname: this.options.hostname, epochSeconds: this.options.epochSeconds,
      print: (text) => this.print(text),
      runLine: (line, env, done) => this.run(line, done, env),
      readLeaseFile: (dev) => this.fs.readFile(leaseFile(dev)),
      writeLeaseFile: (dev, text) => {
        this.fs.mkdir("/var/lib/dhcp", { parents: true });
        this.fs.appendFile(leaseFile(dev), text);
      },
      ...(this.options.leased ? { leased: this.options.leased } : {}),
    };
  }

  private commandTable(): Map<string, LineCommand> {
    const table = nodeCommands({ sim: this.sim, stack: this.stack, netfilter: this.netfilter, fs: this.fs, node: this.node });
    const iface = (argv: readonly string[]) => argv.find((a) => !a.startsWith("-"));
    const ifupdown = (down: boolean): LineCommand => (argv, io, done) => {
      const name = iface(argv);
      const runner = this.ifupdown;
      if (name === undefined || runner === null) return done(1);
      // What ifup prints goes to whoever ran it.
      this.withOutput((t) => io.out(t), (restore) => {
        const finish = (ok: boolean) => (restore(), done(ok ? 0 : 1));
        if (down) runner.down(name, finish);
        else runner.up(name, finish);
      });
    };
    table.set("ifup", ifupdown(false));
    table.set("ifdown", ifupdown(true));
    table.set("dnsmasq", this.services.command());
    table.set("network-bridge", (argv, io, done) => {
      if (argv[0] !== "start") return io.err(`Unknown command: ${argv[0] ?? ""}\n`), done(1);
      const vars = Object.fromEntries(argv.slice(1).filter((a) => a.includes("=")).map((a) => [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]));
      networkBridgeStart(this, vars, () => done(0));
    });
    return table;
  }

  /** Xen 3.0/3.1's netloop: veth<N> (dom0's future eth<N>) joined to vif0.<N>, all down. */
  private netloop(): void {
    for (let n = 0; n < NLOOPBACKS; n++) {
      const [, back] = this.node.createVethPair(`veth${n}`, `vif0.${n}`);
      back.mac = XEN_BACKEND_MAC;
    }
  }
}
