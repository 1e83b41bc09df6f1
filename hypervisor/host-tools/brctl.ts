// brctl of bridge-utils 1.4, as Debian Squeeze ships it (brctl/brctl.c, brctl/brctl_cmd.c,
// libbridge): the command table and its help, the argument-count check, each command's error
// messages and exit status (1 on any failure), applied to the simulated Linux 2.6.32 bridge.
// libbridge writes settings through sysfs and falls back to the old ioctls: a missing bridge is
// ENODEV ("No such device") and a device that is not a bridge EOPNOTSUPP. Values go through the
// same conversions: times are read with sscanf("%lf") and sent in 1/100 s, priorities and costs
// with sscanf("%i") (hex and octal accepted). A port setting written to /sys/class/net/PORT/brport
// reports no error even when the kernel refuses the value (libbridge ignores fclose's result), so
// `setportprio BR PORT 99` is silent and changes nothing, as on a real host.
import { SECOND } from "../../netsim/engine/sim.ts";
import { Bridge, BridgePort, Nic, type NetDev } from "../../netsim/l2/index.ts";
import { syncPromiscuity, validDevName, type HostNode } from "./host.ts";
import { strerror, type Io, type MoreErrno } from "./io.ts";
import { brctlShow, brctlShowMacs, brctlShowStp } from "./brctl-show.ts";
import type { Errno } from "../../netsim/l3/index.ts";

/** One brctl command: its minimum argument count and help text. */
interface Command {
  readonly name: string;
  readonly nargs: number;
  readonly help: string;
  readonly run: (host: HostNode, io: Io, args: readonly string[]) => number;
}

const COMMANDS: readonly Command[] = [
  { name: "addbr", nargs: 1, help: "<bridge>\t\tadd bridge", run: addbr },
  { name: "delbr", nargs: 1, help: "<bridge>\t\tdelete bridge", run: delbr },
  { name: "addif", nargs: 2, help: "<bridge> <device>\tadd interface to bridge", run: addif },
  { name: "delif", nargs: 2, help: "<bridge> <device>\tdelete interface from bridge", run: delif },
  { name: "setageing", nargs: 2, help: "<bridge> <time>\t\tset ageing time", run: timeSetter("bad ageing time value", "set ageing time failed", (b, t) => b.setAgeingTime(t)) },
  { name: "setbridgeprio", nargs: 2, help: "<bridge> <prio>\t\tset bridge priority", run: setbridgeprio },
  { name: "setfd", nargs: 2, help: "<bridge> <time>\t\tset bridge forward delay", run: timeSetter("bad forward delay value", "set forward delay failed", (b, t) => b.setForwardDelay(t)) },
  { name: "sethello", nargs: 2, help: "<bridge> <time>\t\tset hello time", run: timeSetter("bad hello timer value", "set hello timer failed", (b, t) => b.setHelloTime(t)) },
  { name: "setmaxage", nargs: 2, help: "<bridge> <time>\t\tset max message age", run: timeSetter("bad max age value", "set max age failed", (b, t) => b.setMaxAge(t)) },
  { name: "setpathcost", nargs: 3, help: "<bridge> <port> <cost>\tset path cost", run: portSetter("bad path cost value", "set path cost failed", (b, d, v) => b.setPathCost(d, v)) },
  { name: "setportprio", nargs: 3, help: "<bridge> <port> <prio>\tset port priority", run: portSetter("bad path priority value", "set port priority failed", (b, d, v) => b.setPortPriority(d, v)) },
  { name: "show", nargs: 0, help: "\t\t\tshow a list of bridges", run: (host, io) => brctlShow(host, io) },
  { name: "showmacs", nargs: 1, help: "<bridge>\t\tshow a list of mac addrs", run: showmacs },
  { name: "showstp", nargs: 1, help: "<bridge>\t\tshow bridge stp info", run: showstp },
  { name: "stp", nargs: 2, help: "<bridge> {on|off}\tturn stp on/off", run: stp },
];

function help(io: Io): void {
  io.out("Usage: brctl [commands]\ncommands:\n");
  for (const c of COMMANDS) io.out(`\t${c.name.padEnd(10)}\t${c.help}\n`);
}

/** Runs `brctl ARGS…` (argv without the program name). */
export function runBrctl(host: HostNode, io: Io, argv: readonly string[]): number {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === "--") {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (w === "-h" || w === "--help") return (help(io), 0);
    if (w === "-V" || w === "--version") return (io.out("bridge-utils, 1.4\n"), 0);
    if (w.startsWith("--")) return (io.err(`brctl: unrecognized option '${w}'\nUnknown option '?'\n`), help(io), 1);
    if (w.startsWith("-") && w.length > 1) return (io.err(`brctl: invalid option -- '${w[1]}'\nUnknown option '?'\n`), help(io), 1);
    words.push(w);
  }
  const [name, ...args] = words;
  if (name === undefined) return (help(io), 1);
  const cmd = COMMANDS.find((c) => c.name === name);
  if (cmd === undefined) return (io.err(`never heard of command [${name}]\n`), help(io), 1);
  if (args.length < cmd.nargs) return (io.out(`Incorrect number of arguments for command\nUsage: brctl ${cmd.name} ${cmd.help}\n`), 1);
  return cmd.run(host, io, args);
}

/** The bridge named `name`, or the errno libbridge reports (ENODEV missing, EOPNOTSUPP not a bridge). */
function bridgeNamed(host: HostNode, name: string): Bridge | "ENODEV" | "EOPNOTSUPP" {
  const dev = host.device(name);
  if (dev === undefined) return "ENODEV";
  return dev instanceof Bridge ? dev : "EOPNOTSUPP";
}

function addbr(host: HostNode, io: Io, [name]: readonly string[]): number {
  if (host.device(name!) !== undefined) return (io.err(`device ${name} already exists; can't create bridge with the same name\n`), 1);
  if (!validDevName(name!)) return (io.err(`add bridge failed: ${strerror("EINVAL")}\n`), 1);
  host.createBridge(name!);
  return 0;
}

function delbr(host: HostNode, io: Io, [name]: readonly string[]): number {
  const dev = host.device(name!);
  if (dev === undefined) return (io.err(`bridge ${name} doesn't exist; can't delete it\n`), 1);
  if (!(dev instanceof Bridge)) return (io.err(`can't delete bridge ${name}: ${strerror("EPERM")}\n`), 1);
  if (dev.isUp) return (io.err(`bridge ${name} is still up; can't delete it\n`), 1);
  host.deleteDevice(dev);
  return 0;
}

/**
 * brctl's loop over `addif BRIDGE IF...` / `delif BRIDGE IF...`: the lookups and failures both
 * share (`cant` is "can't add eth0 to bridge xenbr0"-style), then `change`, which returns brctl's
 * message when it fails; a changed port follows the bridge's promiscuity.
 */
function eachPort(
  host: HostNode, io: Io, [brname, ...ifnames]: readonly string[],
  cant: (ifname: string) => string,
  change: (br: Bridge, dev: NetDev, ifname: string) => string | undefined,
): number {
  const fail = (text: string) => (io.err(text), 1);
  for (const ifname of ifnames) {
    const dev = host.device(ifname);
    const br = bridgeNamed(host, brname!);
    if (dev === undefined) return fail(`interface ${ifname} does not exist!\n`);
    if (br === "ENODEV") return fail(`bridge ${brname} does not exist!\n`);
    if (br === "EOPNOTSUPP") return fail(`${cant(ifname)}: ${strerror(br)}\n`);
    const error = change(br, dev, ifname);
    if (error !== undefined) return fail(error);
    syncPromiscuity(dev, host.flags(dev));
  }
  return 0;
}

function addif(host: HostNode, io: Io, args: readonly string[]): number {
  const brname = args[0];
  const cant = (ifname: string) => `can't add ${ifname} to bridge ${brname}`;
  return eachPort(host, io, args, cant, (br, dev, ifname) => {
    if (dev.kind === "bridge") return `device ${ifname} is a bridge device itself; can't enslave a bridge device to a bridge device.\n`;
    if (dev.sink instanceof BridgePort) return `device ${ifname} is already a member of a bridge; can't enslave it to bridge ${brname}.\n`;
    const res = br.addPort(dev, linkSpeed(dev));
    return res.ok ? undefined : `${cant(ifname)}: ${strerror(res.errno as Errno | MoreErrno)}\n`;
  });
}

/** port_cost asks ethtool for the speed: a NIC with a link reports its cable's, the others nothing. */
function linkSpeed(dev: NetDev): { speedMbps?: number } {
  const cable = dev instanceof Nic ? dev.cable : null;
  return cable !== null && dev.hasCarrier ? { speedMbps: cable.bitsPerSecond / 1e6 } : {};
}

function delif(host: HostNode, io: Io, args: readonly string[]): number {
  const brname = args[0];
  return eachPort(host, io, args, (ifname) => `can't delete ${ifname} from ${brname}`, (br, dev, ifname) =>
    br.removePort(dev).ok ? undefined : `device ${ifname} is not a slave of ${brname}\n`);
}

/** strtotimeval: sscanf("%lf") reads a leading number; the kernel gets it in 1/100 s. */
function parseSeconds(text: string): number | undefined {
  const m = /^\s*[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|inf(inity)?|nan)/i.exec(text);
  if (m === null) return undefined;
  const secs = Number(m[0].trim().replace(/^([+-]?)inf(inity)?$/i, "$1Infinity"));
  return Number.isFinite(secs) ? Math.trunc(secs * 100) * (SECOND / 100) : Number.NaN;
}

/** sscanf("%i"): a leading decimal, 0x hex or 0 octal integer. */
function parseInt0(text: string): number | undefined {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)/.exec(text);
  if (m === null) return undefined;
  const d = m[2]!;
  const v = /^0[xX]/.test(d) ? parseInt(d.slice(2), 16) : d.length > 1 && d[0] === "0" ? parseInt(d, 8) : Number(d);
  return m[1] === "-" ? -v : v;
}

type BridgeSetter = (br: Bridge, value: number) => { readonly ok: boolean };

function timeSetter(bad: string, failed: string, set: BridgeSetter): Command["run"] {
  return (host, io, [brname, value]) => {
    const us = parseSeconds(value!);
    if (us === undefined) return (io.err(`${bad}\n`), 1);
    const br = bridgeNamed(host, brname!);
    if (typeof br === "string") return (io.err(`${failed}: ${strerror(br)}\n`), 1);
    if (!set(br, us).ok) return (io.err(`${failed}: ${strerror("EINVAL")}\n`), 1);
    return 0;
  };
}

function setbridgeprio(host: HostNode, io: Io, [brname, value]: readonly string[]): number {
  const prio = parseInt0(value!);
  if (prio === undefined) return (io.err("bad priority\n"), 1);
  const br = bridgeNamed(host, brname!);
  if (typeof br === "string") return (io.err(`set bridge priority failed: ${strerror(br)}\n`), 1);
  // sysfs store_bridge_parm reads the value with simple_strtoul: "-1" is no number at all.
  if (prio < 0) return (io.err(`set bridge priority failed: ${strerror("EINVAL")}\n`), 1);
  br.setBridgePriority(prio & 0xffff);
  return 0;
}

function portSetter(bad: string, failed: string, set: (br: Bridge, dev: NetDev, value: number) => { readonly ok: boolean }): Command["run"] {
  return (host, io, [, port, value]) => {
    const v = parseInt0(value!);
    if (v === undefined) return (io.err(`${bad}\n`), 1);
    const dev = host.device(port!);
    if (dev === undefined) return (io.err(`${failed}: ${strerror("ENODEV")}\n`), 1);
    // libbridge writes /sys/class/net/PORT/brport/…: the port's own bridge, whatever BRIDGE says.
    if (!(dev.sink instanceof BridgePort)) return (io.err(`${failed}: ${strerror("EINVAL")}\n`), 1);
    set(dev.sink.bridge, dev, v);
    return 0;
  };
}

function showmacs(host: HostNode, io: Io, [brname]: readonly string[]): number {
  const br = bridgeNamed(host, brname!);
  if (typeof br === "string") return (io.err(`read of forward table failed: ${strerror(br)}\n`), 1);
  return brctlShowMacs(br, io);
}

function showstp(host: HostNode, io: Io, [brname]: readonly string[]): number {
  const br = bridgeNamed(host, brname!);
  if (typeof br === "string") return (io.err(`${brname}: can't get info ${strerror(br)}\n`), 1);
  return brctlShowStp(br, io);
}

function stp(host: HostNode, io: Io, [brname, value]: readonly string[]): number {
  const on = ["on", "yes", "1"].includes(value!);
  if (!on && !["off", "no", "0"].includes(value!)) return (io.err("expect on/off for argument\n"), 1);
  const br = bridgeNamed(host, brname!);
  if (typeof br === "string") return (io.err(`set stp status failed: ${strerror(br)}\n`), 1);
  br.setStp(on);
  return 0;
}
