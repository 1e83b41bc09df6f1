// ifupdown 0.6.10 (Debian Squeeze) running on a simulated node — dom0 at boot, or a guest's
// `/etc/init.d/networking start` (ifupdown.md §2–5). `ifup -a` takes the `auto` interfaces in file
// order; for each, every inet stanza of that name runs: pre-up lines, the if-pre-up.d hooks (the
// bridge-utils one for `bridge_ports`), the method — loopback, static (`ifconfig IF A netmask M
// [broadcast B] up` then `route add default gw G IF`), dhcp (dhclient, which ifup waits for until
// it is bound or its 60 s run ends — then it goes to the background and ifup succeeds anyway),
// manual — then up/post-up lines. A failing step prints "Failed to bring up NAME." and leaves the
// interface out of the state file; an auto name without a stanza prints "Ignoring unknown
// interface". `ifdown` runs the reverse (dhclient -r releases its lease) and the bridge post-down
// hook. Each program ifup runs takes a few ms of simulated time.

import type { Sim } from "../../netsim/engine/index.ts";
import type { Ipv4Stack } from "../../netsim/l3/index.ts";
import type { DhcpClientLease } from "../../netsim/apps/index.ts";
import { maskToPrefix, parseIpv4, parseMac } from "../../netsim/wire/address.ts";
import { errnoText } from "../../netsim/l3/index.ts";
import { classMembers, optionValue, type IfaceStanza, type InterfacesFile } from "../../topology/index.ts";
import type { HostNode } from "../host-tools/index.ts";
import { bridgeDown, bridgeUp } from "./bridge-hook.ts";
import { DhclientRun, lastLeasedAddress, lastLeaseExpired } from "./dhclient-run.ts";
import type { LineResult } from "./shell-line.ts";

/** What ifupdown needs from the node it runs on. */
export interface IfupHost {
  readonly sim: Sim;
  readonly stack: Ipv4Stack;
  readonly node: HostNode;
  readonly hostname: string;
  /** Wall-clock seconds at virtual time 0. */
  readonly epochSeconds: number;
  /** ifup's standard output and error (the console at boot). */
  print(text: string): void;
  /** Runs a hook line (`/bin/sh -c`) with the stanza's environment. */
  runLine(line: string, env: Readonly<Record<string, string>>, done: (r: LineResult) => void): void;
  /** dhclient's lease file of a device (/var/lib/dhcp/dhclient.IF.leases). */
  readLeaseFile(dev: string): string | undefined;
  writeLeaseFile(dev: string, text: string): void;
  /** A DHCP lease was bound or renewed on `dev`. */
  leased?(dev: string, lease: DhcpClientLease): void;
}

/** Time ifup spends per program it runs (fork + exec of ifconfig, route…), µs. */
const EXEC_US = 4_000;

type Step = (next: (ok: boolean) => void) => void;

/** Runs steps one after another until one fails. */
function sequence(steps: readonly Step[], done: (ok: boolean) => void): void {
  const go = (i: number): void => {
    const step = steps[i];
    if (step === undefined) return done(true);
    step((ok) => (ok ? go(i + 1) : done(false)));
  };
  go(0);
}

/** ifupdown over one interfaces file (see the file header). */
export class Ifupdown {
  /** /etc/network/run/ifstate: physical name → logical name, in the order brought up. */
  readonly ifstate = new Map<string, string>();
  /** The dhclient of each interface that has one. */
  readonly dhcp = new Map<string, DhclientRun>();

  constructor(
    private readonly host: IfupHost,
    readonly file: InterfacesFile,
  ) {}

  /** `ifup -a`. */
  upAll(done: () => void): void {
    const names = classMembers(this.file, "auto");
    const go = (i: number): void => {
      const name = names[i];
      if (name === undefined) return done();
      if (this.ifstate.has(name)) return go(i + 1);
      this.up(name, () => go(i + 1));
    };
    go(0);
  }

  /** `ifup NAME`; `done(false)` when it failed. */
  up(name: string, done: (ok: boolean) => void): void {
    if (this.ifstate.has(name)) {
      this.host.print(`ifup: interface ${name} already configured\n`);
      return done(true);
    }
    const stanzas = this.file.stanzas.filter((s) => s.name === name && s.family === "inet");
    if (stanzas.length === 0) {
      this.host.print(`Ignoring unknown interface ${name}=${name}.\n`);
      return done(true);
    }
    sequence(stanzas.map((s) => (next) => this.upStanza(s, next)), (ok) => {
      if (ok) this.ifstate.set(name, name);
      else this.host.print(`Failed to bring up ${name}.\n`);
      done(ok);
    });
  }

  /** `ifdown -a`: every configured interface, in the state file's order. */
  downAll(done: () => void): void {
    const names = [...this.ifstate.keys()];
    const go = (i: number): void => (i >= names.length ? done() : this.down(names[i]!, () => go(i + 1)));
    go(0);
  }

  /** `ifdown NAME`. */
  down(name: string, done: (ok: boolean) => void): void {
    if (!this.ifstate.has(name)) {
      this.host.print(`ifdown: interface ${name} not configured\n`);
      return done(true);
    }
    const stanzas = this.file.stanzas.filter((s) => s.name === name && s.family === "inet");
    sequence(stanzas.map((s) => (next) => this.downStanza(s, next)), () => {
      this.ifstate.delete(name);
      done(true);
    });
  }

  /** Stops every dhclient without releasing (the machine lost power, or the guest was destroyed). */
  kill(): void {
    for (const c of this.dhcp.values()) c.stop(false);
    this.dhcp.clear();
  }

  private env(s: IfaceStanza, mode: "start" | "stop", phase: string): Record<string, string> {
    const env: Record<string, string> = {
      IFACE: s.name, LOGICAL: s.name, ADDRFAM: s.family, METHOD: s.method, MODE: mode, PHASE: phase, VERBOSITY: "0",
      PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    };
    for (const o of s.options) env[`IF_${o.key.toUpperCase()}`] = optionValue(s, o.key) ?? o.value;
    return env;
  }

  /** Runs the stanza's lines of option `key` (pre-up, up…); a failing one fails the step. */
  private hooks(s: IfaceStanza, keys: readonly string[], mode: "start" | "stop", phase: string): Step {
    const lines = s.options.filter((o) => keys.includes(o.name)).map((o) => o.value);
    return (next) => {
      const env = this.env(s, mode, phase);
      const go = (i: number): void => {
        const line = lines[i];
        if (line === undefined) return next(true);
        this.host.runLine(line, env, (r) => {
          this.host.print(r.stdout + r.stderr);
          if (r.status !== 0 && mode === "start") return next(false);
          go(i + 1);
        });
      };
      go(0);
    };
  }

  private upStanza(s: IfaceStanza, done: (ok: boolean) => void): void {
    sequence([
      this.hooks(s, ["pre-up"], "start", "pre-up"),
      (next) => bridgeUp(this.host, s, () => next(true)),
      (next) => this.method(s, next),
      this.hooks(s, ["up", "post-up"], "start", "post-up"),
    ], done);
  }

  private downStanza(s: IfaceStanza, done: (ok: boolean) => void): void {
    sequence([
      this.hooks(s, ["down", "pre-down"], "stop", "pre-down"),
      (next) => this.methodDown(s, next),
      this.hooks(s, ["post-down"], "stop", "post-down"),
      (next) => (bridgeDown(this.host, s), next(true)),
    ], done);
  }

  private later(ok: boolean, next: (ok: boolean) => void, programs = 1): void {
    this.host.sim.schedule(EXEC_US * programs, () => next(ok));
  }

  private method(s: IfaceStanza, next: (ok: boolean) => void): void {
    const stack = this.host.stack;
    if (s.method === "loopback") {
      stack.device(s.name)?.setUp(true);
      return this.later(true, next);
    }
    if (s.method === "static") return this.later(this.staticUp(s), next, 2);
    if (s.method === "dhcp") return this.dhcpUp(s, next);
    return this.later(true, next, 0);
  }

  /** The static method: `ifconfig IF ADDRESS netmask MASK [broadcast B] [mtu M] up`, then `route add default gw G IF`. */
  private staticUp(s: IfaceStanza): boolean {
    if (optionValue(s, "address") === undefined || optionValue(s, "netmask") === undefined) {
      this.host.print(`Don't seem to have all the variables for ${s.name}/inet.\n`);
      return false;
    }
    return this.ifconfig(s) && this.defaultRoute(s);
  }

  /** net-tools ifconfig: SIOCSIFADDR replaces the interface's (or alias's) address, then up. */
  private ifconfig(s: IfaceStanza): boolean {
    const stack = this.host.stack;
    const fail = (text: string) => (this.host.print(text), false);
    const devName = s.name.split(":")[0]!;
    const dev = stack.device(devName);
    if (dev === undefined) {
      const flags = `${s.name}: ERROR while getting interface flags: No such device\n`;
      return fail(`SIOCSIFADDR: No such device\n${flags}SIOCSIFNETMASK: No such device\n${flags}`);
    }
    const [addressText, maskText] = [optionValue(s, "address")!, optionValue(s, "netmask")!];
    const address = parseIpv4(addressText);
    if (address === undefined) return fail(`${addressText}: Unknown host\nifconfig: \`--help' gives usage information.\n`);
    const mask = parseIpv4(maskText);
    const prefix = mask === undefined ? undefined : maskToPrefix(mask);
    if (prefix === undefined) return fail(`${maskText}: Unknown host\nifconfig: \`--help' gives usage information.\n`);
    const hw = optionValue(s, "hwaddress")?.split(/\s+/);
    const mac = hw === undefined ? undefined : parseMac(hw[hw.length - 1] ?? "");
    if (mac !== undefined) dev.mac = mac;
    const mtu = Number(optionValue(s, "mtu"));
    if (Number.isInteger(mtu) && mtu >= 68) dev.mtu = mtu;
    for (const old of stack.addresses(devName).filter((a) => a.label === s.name)) stack.removeAddress(devName, old.address, old.prefix);
    const brd = parseIpv4(optionValue(s, "broadcast") ?? "");
    const err = stack.addAddress(devName, { address, prefix, broadcast: brd ?? "auto", ...(s.name !== devName ? { label: s.name } : {}) });
    if (err !== undefined) return fail(`SIOCSIFADDR: ${errnoText(err)}\n`);
    dev.setUp(true);
    return true;
  }

  /** `route add default gw GATEWAY [metric M] IF`, when the stanza has a gateway. */
  private defaultRoute(s: IfaceStanza): boolean {
    const text = optionValue(s, "gateway");
    if (text === undefined) return true;
    const gateway = parseIpv4(text);
    if (gateway === undefined) return this.host.print(`${text}: Unknown host\n`), false;
    const metric = Number(optionValue(s, "metric"));
    const err = this.host.stack.addRoute({ dst: 0, prefix: 0, gateway, dev: s.name.split(":")[0]!, ...(Number.isInteger(metric) && metric > 0 ? { metric } : {}) });
    if (err !== undefined) return this.host.print(`SIOCADDRT: ${errnoText(err)}\n`), false;
    return true;
  }

  /** dhclient in the foreground until bound, or until its first 60 s end (then it backgrounds). */
  private dhcpUp(s: IfaceStanza, next: (ok: boolean) => void): void {
    const host = this.host;
    const dev = host.stack.device(s.name);
    if (dev === undefined) {
      host.print(`Bind socket to interface: No such device\n`);
      return this.later(false, next);
    }
    this.dhcp.get(s.name)?.stop(false);
    dev.setUp(true);
    let waiting = true;
    const finish = () => {
      if (!waiting) return;
      waiting = false;
      this.later(true, next);
    };
    const leases = host.readLeaseFile(s.name);
    const previous = parseIpv4(lastLeasedAddress(leases) ?? "");
    const expired = lastLeaseExpired(leases, host.epochSeconds + Math.floor(host.sim.now / 1_000_000));
    const client = new DhclientRun(host.stack, s.name, {
      hostname: optionValue(s, "hostname") ?? host.hostname,
      ...(previous !== undefined ? { previousAddress: previous, previousExpired: expired } : {}),
    }, {
      print: (t) => host.print(t),
      bound: (lease) => {
        host.leased?.(s.name, lease);
        finish();
      },
      gaveUp: finish,
      saveLease: (text) => host.writeLeaseFile(s.name, text),
    }, host.epochSeconds);
    this.dhcp.set(s.name, client);
    client.start();
  }

  /**
   * The method's down commands: `dhclient -r`, whose RELEASE and dhclient-script ifdown waits for
   * (the process ends after its script), or `route del`; then `ifconfig IF down`.
   */
  private methodDown(s: IfaceStanza, next: (ok: boolean) => void): void {
    const stack = this.host.stack;
    const devName = s.name.split(":")[0]!;
    const ifconfigDown = (): void => {
      if (s.method !== "manual" && s.name === devName) stack.device(devName)?.setUp(false);
      this.later(true, next, s.method === "manual" ? 0 : 1);
    };
    if (s.method === "dhcp") {
      const client = this.dhcp.get(s.name);
      this.dhcp.delete(s.name);
      const exited = (): void => void this.host.sim.schedule(EXEC_US, ifconfigDown);
      // Without a dhclient running, `dhclient -r` finds no lease to give back and exits at once.
      return client === undefined ? exited() : client.release(exited);
    }
    if (s.method === "static") {
      const gw = parseIpv4(optionValue(s, "gateway") ?? "");
      if (gw !== undefined) stack.deleteRoute({ dst: 0, prefix: 0, gateway: gw, dev: devName });
      const a = parseIpv4(optionValue(s, "address") ?? "");
      if (s.name !== devName && a !== undefined) stack.removeAddress(devName, a);
    }
    this.host.sim.schedule(EXEC_US * (s.method === "static" ? 1 : 0), ifconfigDown);
  }

}
