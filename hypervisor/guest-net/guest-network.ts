// The guest's own network, as a Debian Squeeze domU runs it (the GuestHooks of the domain engine):
// at boot, `/etc/init.d/networking start` runs ifupdown 0.6.10 over the /etc/network/interfaces
// xen-create-image wrote into its image (DHCP with ISC dhclient, or static) on an IPv4 stack whose
// devices are the guest's netfronts (eth0, eth1… with the vif MACs), with TCP and, when
// openssh-server is installed, sshd listening on port 22. A guest with no image to read configures
// eth0 from its vif's `ip=` (the kernel command line's netmask and gateway when given), else by DHCP.
// Everything the stack and its programs schedule runs on a GuestSim, frozen while the domain is
// paused or saved. After `xm restore` the netfront reconnects behind the new vif and, as classic
// netfront does, announces the guest's address with a gratuitous ARP. Shutdown runs `ifdown -a`
// (dhclient releases its lease); a halted guest's stack is disposed of. dhclient's lease file lives
// on the guest's disk, so it survives reboots and is asked for again (INIT-REBOOT).

import type { Sim } from "../../netsim/engine/index.ts";
import type { DhcpClientLease } from "../../netsim/apps/index.ts";
import type { Netfront } from "../../netsim/l2/index.ts";
import { Ipv4Stack, Netfilter } from "../../netsim/l3/index.ts";
import { TcpLayer, type TcpListener } from "../../netsim/l3/tcp/index.ts";
import { parseInterfaces, type InterfacesFile } from "../../topology/index.ts";
import type { DomainSpec } from "../domains/domain-spec.ts";
import type { GuestHooks, HaltReason } from "../guest/guest-hooks.ts";
import type { GuestOs } from "../guest/guest-os.ts";
import { stackHost, type HostNode } from "../host-tools/index.ts";
import { Ifupdown } from "../machine/ifupdown.ts";
import { nodeCommands } from "../machine/node-commands.ts";
import { runLine, type LineCommand } from "../machine/shell-line.ts";
import { GuestSim } from "./guest-sim.ts";

/** What Squeeze's openssh-server 1:5.5p1-6+squeeze1 says first on a connection. */
export const SSH_BANNER = "SSH-2.0-OpenSSH_5.5p1 Debian-6+squeeze1\r\n";

/** One running guest's network. */
export interface GuestNet {
  readonly name: string;
  readonly guest: GuestOs;
  readonly sim: GuestSim;
  readonly stack: Ipv4Stack;
  readonly netfilter: Netfilter;
  readonly tcp: TcpLayer;
  readonly node: HostNode;
  readonly ifupdown: Ifupdown;
  sshd: TcpListener | null;
  /** ifup's output goes to the console (during the boot and shutdown scripts), else nowhere simulated. */
  console: boolean;
}

/** What the guest network needs from the host. */
export interface GuestNetworkContext {
  /** The configuration of the domain a guest runs in. */
  specOf(guest: GuestOs): DomainSpec | undefined;
  /** Wall-clock seconds at virtual time 0. */
  readonly epochSeconds: number;
  /** A guest's DHCP lease was bound or renewed. */
  leased?(domain: string, dev: string, lease: DhcpClientLease): void;
}

/** The GuestHooks (see the file header). */
export class GuestNetwork implements GuestHooks {
  private readonly nets = new Map<GuestOs, GuestNet>();
  /** dhclient lease files, by `domain/dev` (they live on the guest's disk). */
  private readonly leaseFiles = new Map<string, string>();

  constructor(
    private readonly sim: Sim,
    private readonly ctx: GuestNetworkContext,
  ) {}

  /** The network of the running guest of domain `name`. */
  of(name: string): GuestNet | undefined {
    return [...this.nets.values()].find((n) => n.name === name);
  }

  /** Every running guest's network, in start order. */
  all(): GuestNet[] {
    return [...this.nets.values()];
  }

  /** A netfront hot-plugged into a running guest (`xm network-attach`): the guest kernel registers it, down. */
  adopt(front: Netfront): void {
    for (const net of this.nets.values()) {
      if (![...net.guest.nics.values()].includes(front) || net.stack.devices().includes(front)) continue;
      net.stack.addDevice(front);
    }
  }

  networkStart(guest: GuestOs, done: () => void): void {
    const text = guest.image?.files["/etc/network/interfaces"] ?? this.fallbackInterfaces(guest);
    const parsed = parseInterfaces(text, "/etc/network/interfaces");
    const net = this.create(guest, parsed.value);
    if (parsed.value.rejected) {
      guest.print(`ifup: couldn't read interfaces file "/etc/network/interfaces"\n`);
      return done();
    }
    net.ifupdown.upAll(() => {
      // From here on a backgrounded dhclient writes to syslog, not to the console.
      net.console = false;
      if (guest.image?.packages.includes("openssh-server")) this.startSshd(net);
      done();
    });
  }

  networkStop(guest: GuestOs): void {
    const net = this.nets.get(guest);
    if (net === undefined) return;
    net.sshd?.close();
    net.sshd = null;
    net.console = true;
    net.ifupdown.downAll(() => undefined);
  }

  frozen(guest: GuestOs): void {
    this.nets.get(guest)?.sim.freeze();
  }

  thawed(guest: GuestOs, why: "unpause" | "resume"): void {
    const net = this.nets.get(guest);
    if (net === undefined) return;
    net.sim.thaw();
    if (why === "resume") this.announce(net);
  }

  halted(guest: GuestOs, _why: HaltReason): void {
    const net = this.nets.get(guest);
    if (net === undefined) return;
    net.ifupdown.kill();
    net.netfilter.dispose();
    net.sim.dispose();
    this.nets.delete(guest);
  }

  private create(guest: GuestOs, file: InterfacesFile): GuestNet {
    const sim = new GuestSim(this.sim);
    const name = guest.setup.name;
    const stack = new Ipv4Stack(sim, name);
    stack.loopback.setUp(false);
    stack.flushAddresses("lo");
    for (const devid of [...guest.nics.keys()].sort((a, b) => a - b)) stack.addDevice(guest.nics.get(devid)!);
    const netfilter = new Netfilter({ sim, view: stack, epoch: this.ctx.epochSeconds });
    stack.hooks = netfilter;
    const node = stackHost(sim, stack, { epochSeconds: this.ctx.epochSeconds });
    const commands = nodeCommands({ sim, stack, netfilter, node });
    const key = (dev: string) => `${name}/${dev}`;
    const ifupdown = new Ifupdown({
      sim, stack, node, hostname: guest.hostname, epochSeconds: this.ctx.epochSeconds,
      print: (text) => void (net.console && guest.print(text)),
      runLine: (line, env, done) => runLine(line, env, commands, done),
      readLeaseFile: (dev) => this.leaseFiles.get(key(dev)),
      writeLeaseFile: (dev, text) => void this.leaseFiles.set(key(dev), text),
      leased: (dev, lease) => this.ctx.leased?.(name, dev, lease),
    }, file);
    const ifupCmd = (down: boolean): LineCommand => (argv, _io, done) => {
      const iface = argv.find((a) => !a.startsWith("-"));
      if (iface === undefined) return done(1);
      if (down) ifupdown.down(iface, (ok) => done(ok ? 0 : 1));
      else ifupdown.up(iface, (ok) => done(ok ? 0 : 1));
    };
    commands.set("ifup", ifupCmd(false));
    commands.set("ifdown", ifupCmd(true));
    const net: GuestNet = { name, guest, sim, stack, netfilter, tcp: new TcpLayer(stack), node, ifupdown, sshd: null, console: true };
    this.nets.set(guest, net);
    return net;
  }

  /** No image to read: eth0 from the vif's ip= (netmask and gateway from the kernel's ip=), else DHCP. */
  private fallbackInterfaces(guest: GuestOs): string {
    const spec = this.ctx.specOf(guest);
    const head = "auto lo\niface lo inet loopback\n\nauto eth0\n";
    const address = spec?.vifs[0]?.ip?.[0]?.split(/\s+/)[0]?.split("/")[0];
    if (address === undefined) return `${head}iface eth0 inet dhcp\n`;
    const fields = (spec?.ip ?? "").split(":");
    const gateway = fields[2] ?? "";
    const netmask = fields[3] || "255.255.255.0";
    return `${head}iface eth0 inet static\n address ${address}\n netmask ${netmask}\n${gateway !== "" ? ` gateway ${gateway}\n` : ""}`;
  }

  private startSshd(net: GuestNet): void {
    const l = net.tcp.listen(22, (conn) => void conn.send(new TextEncoder().encode(SSH_BANNER)));
    net.sshd = typeof l === "string" ? null : l;
  }

  /** netfront's announcement after a restore: a gratuitous ARP per configured interface once its backend is back. */
  private announce(net: GuestNet): void {
    for (const nic of net.guest.nics.values()) {
      const send = () => void net.stack.sendGratuitousArp(nic.name);
      if (net.stack.addresses(nic.name).length === 0) continue;
      if (nic.hasCarrier) {
        send();
        continue;
      }
      const stop = nic.onLinkChange((d) => {
        if (!d.hasCarrier) return;
        stop();
        send();
      });
    }
  }
}
