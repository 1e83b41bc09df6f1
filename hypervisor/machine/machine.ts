// The running simulated host: the physical machine (its network cards, cabled to the world's LAN),
// its disks (the SimFs, kept across reboots), the world outside, the guests' networks and the vif
// scripts (which outlive a dom0 boot), and for each boot a dom0 (dom0.ts) and a hypervisor with its
// toolstack. `boot()` runs the real sequence in simulated time: the kernel (~4 s), rcS's procps and
// iptables-persistent (services.ts), `/etc/init.d/networking start` (ifup -a over a fresh read of
// /etc/network/interfaces — bridges, DHCP…), runlevel 2's dnsmasq and isc-dhcp-server, then xend
// with its network script, then xendomains (restore saved guests, start /etc/xen/auto).
// `shutdown()` runs xendomains stop (guests saved), `ifdown -a`, and cuts the power; `reboot()`
// adds the firmware's ~25 s. Each returns what the console showed. Events report the boot phases,
// DHCP leases and link changes for `check`.

import { Sim } from "../../netsim/engine/index.ts";
import { Nic } from "../../netsim/l2/index.ts";
import type { Ipv4Stack } from "../../netsim/l3/index.ts";
import type { DhcpClientLease } from "../../netsim/apps/index.ts";
import { parseIpv4, parseMac, type Ipv4 } from "../../netsim/wire/address.ts";
import { loadHost, type FileReader, type PhysicalNic } from "../../topology/index.ts";
import { createHost, xenCreateImage, type XenHost } from "../domains/host.ts";
import { ctime, HANDBOOK_HOST, type HostSpec } from "../domains/host-spec.ts";
import { xendomainsStart, xendomainsStop } from "../domains/xendomains.ts";
import { GuestNetwork } from "../guest-net/guest-network.ts";
import { stackHost, type HostNode } from "../host-tools/index.ts";
import { runNetworkScript } from "../network-scripts/network-script.ts";
import { VifScripts } from "../network-scripts/vif-scripts.ts";
import type { XciOutput } from "../xen-create-image/run-context.ts";
import type { Toolstack } from "../xm/toolstack.ts";
import { stableMac, World, worldOfRoot, type WorldSpec } from "../world/index.ts";
import { readBootFiles, rebootedHost, type BootFiles } from "./boot-files.ts";
import { Dom0 } from "./dom0.ts";
import type { LineResult } from "./shell-line.ts";

/** From power-on to init running /etc/init.d/networking (firmware excluded), µs. */
export const KERNEL_US = 4_000_000;
/** From the power going off to the kernel starting again (POST, GRUB, Xen), µs. */
export const FIRMWARE_US = 25_000_000;
/** The longest a boot step may take before the boot goes on without it, µs. */
const STEP_LIMIT_US = 30 * 60 * 1_000_000;

/** What `check` and the web view hear about. */
export type MachineEvent =
  | { readonly kind: "phase"; readonly time: number; readonly phase: "kernel" | "networking" | "xend" | "xendomains" | "up" | "shutdown" | "off" }
  | { readonly kind: "lease"; readonly time: number; readonly node: string; readonly dev: string; readonly lease: DhcpClientLease }
  | { readonly kind: "link"; readonly time: number; readonly node: string; readonly dev: string; readonly up: boolean; readonly carrier: boolean };

/** How a machine is made. */
export interface MachineOptions {
  /** Default: a new Sim with `seed` (default 1). */
  readonly sim?: Sim;
  readonly seed?: number;
  /** The host's files (`--root`). */
  readonly root?: FileReader;
  /** The world outside; default: the root's /xennet-world.json, else the standard LAN. */
  readonly world?: WorldSpec;
  readonly host?: HostSpec;
}

/** The running host (see the file header). */
export class Machine {
  readonly sim: Sim;
  readonly world: World;
  readonly guests: GuestNetwork;
  readonly vifs: VifScripts;
  /** The physical cards, in ifindex order. */
  readonly nics: Nic[] = [];
  readonly spec: HostSpec;
  xen: XenHost;
  dom0: Dom0 | null = null;
  /** What the boot read, for the current (or last) boot. */
  files: BootFiles | null = null;
  /** Everything the console has shown since power-on. */
  console = "";
  private boots = 0;
  private readonly worldNodes = new Map<string, HostNode>();
  private listeners: ((e: MachineEvent) => void)[] = [];

  constructor(options: MachineOptions = {}) {
    this.sim = options.sim ?? new Sim(options.seed ?? 1);
    this.spec = options.host ?? HANDBOOK_HOST;
    const worldSpec = options.world ?? worldOfRoot(options.root).value;
    this.world = new World(this.sim, worldSpec, { epochSeconds: this.spec.epochSeconds });
    this.guests = new GuestNetwork(this.sim, {
      epochSeconds: this.spec.epochSeconds,
      specOf: (guest) => this.xen.hypervisor.domains().find((d) => d.guest === guest)?.spec,
      leased: (node, dev, lease) => this.emit({ kind: "lease", time: this.sim.now, node, dev, lease }),
    });
    this.vifs = new VifScripts({ host: () => this.dom0, xend: () => this.xen.xend, dhcpd: () => this.dom0!.dhcpd, connected: (front) => this.guests.adopt(front) });
    this.xen = createHost({ sim: this.sim, ...(options.root ? { root: options.root } : {}), host: this.spec, vifBackend: this.vifs, guestHooks: this.guests });
    const hardware = loadHost(this.xen.fs, worldSpec.dom0Nics ? { nics: worldSpec.dom0Nics } : {}).value.hardware;
    for (const card of hardware.nics) this.addCard(card);
  }

  /** The toolstack of the running hypervisor. */
  get toolstack(): Toolstack {
    return this.xen.toolstack;
  }

  /** Subscribes to machine events; returns the unsubscribe function. */
  onEvent(listener: (e: MachineEvent) => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => void (this.listeners = this.listeners.filter((l) => l !== listener));
  }

  /** Powers on and boots; returns what the console showed. */
  boot(): string {
    if (this.dom0 !== null) throw new Error("Machine.boot: already running");
    const start = this.console.length;
    if (this.boots++ > 0) this.xen = rebootedHost(this.sim, this.xen, this.spec, this.vifs, this.guests);
    const files = readBootFiles(this.xen, this.world.spec.dom0Nics);
    this.files = files;
    const dom0 = new Dom0({
      sim: this.sim, fs: this.xen.fs, hostname: files.config.hostname?.value ?? this.spec.hostname, epochSeconds: this.spec.epochSeconds,
      xen: files.config.release?.xen ?? "4.0", nics: this.nics, modern: (files.config.release?.major ?? 6) > 6,
      leased: (dev, lease) => this.emit({ kind: "lease", time: this.sim.now, node: "dom0", dev, lease }),
    });
    this.dom0 = dom0;
    this.phase("kernel");
    this.sim.runFor(KERNEL_US);
    this.say(dom0.services.rcS(files.config.services));
    this.networking(dom0, files);
    this.say(dom0.services.rc2(files.config.services));
    this.phase("xend");
    dom0.print = (text) => dom0.log(text);
    this.until((done) => runNetworkScript(dom0, this.xen.xend.networkScript, dom0.dhcpd, done));
    this.phase("xendomains");
    this.say(xendomainsStart(this.xen.toolstack));
    // A dhclient left in the background now logs to syslog.
    dom0.print = (text) => this.syslog(dom0, "dhclient", text);
    this.phase("up");
    return this.console.slice(start);
  }

  /** /etc/init.d/networking start: `ifup -a`, its output on the console. */
  private networking(dom0: Dom0, files: BootFiles): void {
    this.phase("networking");
    dom0.print = (text) => this.say(text);
    this.say("Configuring network interfaces...");
    if (files.rejected) this.say(`ifup: couldn't read interfaces file "/etc/network/interfaces"\n`);
    else {
      const ifup = dom0.startIfupdown(files.interfaces);
      this.until((done) => ifup.upAll(done));
    }
    this.say("done.\n");
  }

  /** Shuts the host down (xendomains saves the guests); returns what the console showed. */
  shutdown(): string {
    const dom0 = this.dom0;
    if (dom0 === null) throw new Error("Machine.shutdown: not running");
    const start = this.console.length;
    this.phase("shutdown");
    this.say(xendomainsStop(this.xen.toolstack));
    for (const d of this.xen.hypervisor.domains()) if (!d.privileged) this.xen.hypervisor.destroy(String(d.domid));
    this.say("Deconfiguring network interfaces...");
    dom0.print = (text) => this.say(text);
    this.until((done) => (dom0.ifupdown ? dom0.ifupdown.downAll(done) : done()));
    this.say("done.\n");
    this.vifs.reset();
    dom0.powerOff();
    this.dom0 = null;
    this.phase("off");
    return this.console.slice(start);
  }

  /** `reboot`: shutdown, the firmware, boot. */
  reboot(): string {
    const down = this.shutdown();
    this.sim.runFor(FIRMWARE_US);
    return down + this.boot();
  }

  /** Runs `xen-create-image ARGS` on dom0. */
  xenCreateImage(args: readonly string[]): XciOutput {
    return xenCreateImage(this.xen, args);
  }

  /** Runs a command line as root on dom0 and waits for it (iptables, sysctl, echo > /proc/sys…). */
  run(line: string): LineResult {
    const dom0 = this.dom0;
    if (dom0 === null) return { stdout: "", stderr: "the host is not running\n", status: 1 };
    let result: LineResult = { stdout: "", stderr: "", status: 0 };
    this.until((done) => dom0.run(line, (r) => ((result = r), done())));
    return result;
  }

  /** The IPv4 stack of a node by name: dom0, a running guest's domain name, or a world host. */
  stackOf(name: string): Ipv4Stack | undefined {
    if (name === "dom0") return this.dom0?.stack;
    return this.guests.of(name)?.stack ?? this.world.stacks.get(name);
  }

  /** The node host-tools run on: dom0, a running guest, or a world host. */
  hostNode(name: string): HostNode | undefined {
    if (name === "dom0") return this.dom0?.node;
    const guest = this.guests.of(name);
    if (guest) return guest.node;
    const stack = this.world.stacks.get(name);
    if (stack === undefined) return undefined;
    let node = this.worldNodes.get(name);
    if (node === undefined) this.worldNodes.set(name, (node = stackHost(this.sim, stack, { epochSeconds: this.spec.epochSeconds })));
    return node;
  }

  /** An address by name: a world host (`www`, `router`) or a dotted quad. */
  resolve(name: string): Ipv4 | undefined {
    return this.world.resolve(name) ?? parseIpv4(name);
  }

  private addCard(card: PhysicalNic): void {
    const mac = (card.mac !== undefined ? parseMac(card.mac) : undefined) ?? 0x00_1b_21_00_00_00 + (stableMac(`${this.spec.hostname}/${card.name}`) % 0x1000000);
    const nic = new Nic(this.sim, "dom0", card.name, mac);
    this.nics.push(nic);
    if (card.link !== false) this.world.plug(nic);
    nic.onLinkChange((d) => this.emit({ kind: "link", time: this.sim.now, node: "dom0", dev: d.name, up: d.isUp, carrier: d.hasCarrier }));
  }

  /** Runs the simulation until `start`'s callback fires (or the step limit passes). */
  private until(start: (done: () => void) => void): void {
    let finished = false;
    start(() => {
      finished = true;
      this.sim.stop();
    });
    if (!finished) this.sim.runUntil(this.sim.now + STEP_LIMIT_US);
  }

  /** Appends lines to /var/log/syslog as rsyslogd writes them (`Feb 15 12:00:00 debian prog: line`). */
  private syslog(dom0: Dom0, program: string, text: string): void {
    const stamp = ctime(this.xen.hypervisor.wallSeconds()).slice(4, 19);
    const host = this.files?.config.hostname?.value ?? this.spec.hostname;
    const lines = text.split("\n").filter((l) => l !== "").map((l) => `${stamp} ${host} ${program}: ${l}\n`);
    dom0.fs.mkdir("/var/log", { parents: true });
    dom0.fs.appendFile("/var/log/syslog", lines.join(""));
  }

  private say(text: string): void {
    this.console += text;
  }

  private phase(phase: Extract<MachineEvent, { kind: "phase" }>["phase"]): void {
    this.emit({ kind: "phase", time: this.sim.now, phase });
  }

  private emit(e: MachineEvent): void {
    for (const l of this.listeners) l(e);
  }
}
