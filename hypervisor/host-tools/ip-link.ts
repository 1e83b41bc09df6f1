// `ip link` of iproute 20100519 (ip/iplink.c: do_iplink, iplink_parse, iplink_modify; ip/link_veth.c)
// and what a 2.6.32 kernel does with the request (net/core/rtnetlink.c do_setlink, in its order:
// address, mtu, name, flags, txqueuelen). Keyword order matters as in the C code: `ip link s` is
// `set`, not `show`. Kernel answers reproduced: renaming a running device is EBUSY; eth_mac_addr
// refuses a running device (veth, netback, netfront) with EBUSY and a multicast or zero MAC with
// EADDRNOTAVAIL; MTU limits per driver (68–1500 for netback without SG is not modelled: 65521 as
// with SG); `ip link add … type bridge` and deleting a bridge or a NIC are EOPNOTSUPP on 2.6.32
// (the bridge got rtnl_link_ops in 2.6.38).
import { Bridge, BridgePort, type NetDev } from "../../netsim/l2/index.ts";
import { isMulticastMac } from "../../netsim/wire/address.ts";
import { syncPromiscuity, validDevName } from "./host.ts";
import { Args, duparg, duparg2, getUnsigned, invarg, matches, parseLladdr, type IpEnv } from "./ip-args.ts";
import { listOrFlush } from "./ip-addr.ts";
import { rtnetlinkError, type MoreErrno } from "./io.ts";
import type { Errno } from "../../netsim/l3/index.ts";

const LINK_USAGE = `Usage: ip link add link DEV [ name ] NAME
                   [ txqueuelen PACKETS ]
                   [ address LLADDR ]
                   [ broadcast LLADDR ]
                   [ mtu MTU ]
                   type TYPE [ ARGS ]
       ip link delete DEV type TYPE [ ARGS ]

       ip link set DEVICE [ { up | down } ]
	                  [ arp { on | off } ]
	                  [ dynamic { on | off } ]
	                  [ multicast { on | off } ]
	                  [ allmulticast { on | off } ]
	                  [ promisc { on | off } ]
	                  [ trailers { on | off } ]
	                  [ txqueuelen PACKETS ]
	                  [ name NEWNAME ]
	                  [ address LLADDR ]
	                  [ broadcast LLADDR ]
	                  [ mtu MTU ]
	                  [ netns PID ]
			  [ alias NAME ]
	                  [ vf NUM [ mac LLADDR ]
				   [ vlan VLANID [ qos VLAN-QOS ] ]
				   [ rate TXRATE ] ] 
       ip link show [ DEVICE ]

TYPE := { vlan | veth | vcan | dummy | ifb | macvlan | can }
`;

/** What iplink_parse collected. */
interface LinkRequest {
  dev?: string;
  name?: string;
  type?: string;
  typeArgs: readonly string[];
  up?: boolean;
  mac?: number;
  mtu?: number;
  txqlen?: number;
  promisc?: boolean;
  noarp?: boolean;
  multicast?: boolean;
  allmulti?: boolean;
}

/** do_iplink. */
export function ipLink(env: IpEnv, argv: readonly string[]): number {
  const io = env.io;
  const [cmd = "", ...rest] = argv;
  if (argv.length === 0) return listOrFlush(env, [], false, true, LINK_USAGE);
  if (matches(cmd, "add")) return modify(env, rest, "add");
  if (matches(cmd, "set") || matches(cmd, "change")) return modify(env, rest, "set");
  if (matches(cmd, "replace")) return modify(env, rest, "replace");
  if (matches(cmd, "delete")) return modify(env, rest, "delete");
  if (matches(cmd, "show") || matches(cmd, "lst") || matches(cmd, "list")) return listOrFlush(env, rest, false, true, LINK_USAGE);
  if (matches(cmd, "help")) return io.fail(LINK_USAGE);
  return io.fail(`Command "${cmd}" is unknown, try "ip link help".\n`);
}

function onOff(env: IpEnv, a: Args, what: string): boolean {
  const v = a.next();
  if (v === "on") return true;
  if (v === "off") return false;
  return env.io.fail(`Error: argument of "${what}" must be "on" or "off"\n`);
}

/** iplink_parse. */
function parse(env: IpEnv, argv: readonly string[]): LinkRequest {
  const io = env.io;
  const a = new Args(io, argv);
  const r: { -readonly [K in keyof LinkRequest]: LinkRequest[K] } = { typeArgs: [] };
  for (; a.left > 0; a.shift()) {
    const w = a.cur;
    if (w === "up" || w === "down") r.up = w === "up";
    else if (w === "name") r.name = a.next();
    else if (matches(w, "link")) a.next();
    else if (matches(w, "address")) r.mac = lladdr(env, a.next());
    else if (matches(w, "broadcast") || w === "brd") lladdr(env, a.next());
    else if (matches(w, "txqueuelen") || w === "qlen" || matches(w, "txqlen")) {
      const v = a.next();
      if (r.txqlen !== undefined) duparg(io, "txqueuelen", v);
      r.txqlen = getInt(v) ?? invarg(io, `Invalid "txqueuelen" value\n`, v);
    } else if (w === "mtu") {
      const v = a.next();
      if (r.mtu !== undefined) duparg(io, "mtu", v);
      r.mtu = getInt(v) ?? invarg(io, `Invalid "mtu" value\n`, v);
    } else if (w === "netns") invarg(io, `Invalid "netns" value\n`, a.next());
    else if (w === "multicast") r.multicast = onOff(env, a, "multicast");
    else if (w === "allmulticast") r.allmulti = onOff(env, a, "allmulticast");
    else if (w === "promisc") r.promisc = onOff(env, a, "promisc");
    else if (w === "trailers") onOff(env, a, "trailers");
    else if (w === "arp") r.noarp = !onOff(env, a, "noarp");
    else if (matches(w, "dynamic")) onOff(env, a, "dynamic");
    else if (matches(w, "type")) {
      r.type = a.next();
      a.shift();
      r.typeArgs = a.rest();
      break;
    } else if (matches(w, "alias")) {
      a.next();
      break;
    } else {
      const dev = w === "dev" ? a.next() : w;
      if (matches(dev, "help")) io.fail(LINK_USAGE);
      if (r.dev !== undefined) duparg2(io, "dev", dev);
      r.dev = dev;
    }
  }
  return r;
}

function lladdr(env: IpEnv, v: string): number {
  return parseLladdr(v) ?? env.io.fail(`"${v}" is invalid lladdr.\n`);
}

/** get_integer: strtol base 0 over the whole string. */
function getInt(v: string): number | undefined {
  const neg = v.startsWith("-");
  const n = getUnsigned(neg ? v.slice(1) : v);
  return n === undefined || n > 0x7fff_ffff ? undefined : neg ? -n : n;
}

/** iplink_modify. */
function modify(env: IpEnv, argv: readonly string[], cmd: "add" | "set" | "replace" | "delete"): number {
  const { host, io } = env;
  const r = parse(env, argv);
  const existing = r.dev !== undefined ? host.device(r.dev) : undefined;
  if (cmd === "set" || cmd === "delete" || (cmd === "replace" && existing !== undefined)) {
    if (r.dev === undefined) return io.fail(`Not enough information: "dev" argument is required.\n`);
    if (existing === undefined) return io.fail(`Cannot find device "${r.dev}"\n`);
  }
  const name = r.name ?? (cmd === "add" || cmd === "replace" ? r.dev : undefined);
  if (name !== undefined && name.length === 0) invarg(io, `"" is not a valid device identifier\n`, "name");
  if (name !== undefined && name.length + 1 > 16) invarg(io, `"name" too long\n`, name);
  if (cmd === "delete") return deleteLink(env, existing!);
  if (cmd === "add" || existing === undefined) return createLink(env, r, name);
  const err = setLink(env, existing, cmd === "set" ? r : { ...r, name: undefined });
  return err === undefined ? 0 : rtnetlinkError(io, err);
}

/** do_setlink, in the kernel's order. */
function setLink(env: IpEnv, dev: NetDev, r: LinkRequest): Errno | MoreErrno | undefined {
  const host = env.host;
  const flags = host.flags(dev);
  if (r.mac !== undefined) {
    const err = setMac(dev, r.mac);
    if (err !== undefined) return err;
  }
  if (r.mtu !== undefined) {
    const err = setMtu(dev, r.mtu);
    if (err !== undefined) return err;
  }
  if (r.name !== undefined && r.name !== dev.name) {
    if (dev.isUp) return "EBUSY";
    if (!validDevName(r.name)) return "EINVAL";
    if (host.device(r.name) !== undefined) return "EEXIST";
    dev.rename(r.name);
  }
  if (r.promisc !== undefined) flags.promisc = r.promisc;
  if (r.noarp !== undefined) flags.noarp = r.noarp;
  if (r.multicast !== undefined) flags.multicast = r.multicast;
  if (r.allmulti !== undefined) flags.allmulti = r.allmulti;
  syncPromiscuity(dev, flags);
  if (r.up !== undefined) dev.setUp(r.up);
  if (r.txqlen !== undefined) flags.txqlen = r.txqlen;
  return undefined;
}

function setMac(dev: NetDev, mac: number): Errno | MoreErrno | undefined {
  if (dev instanceof Bridge) return dev.setMac(mac).ok ? undefined : "EINVAL";
  if (dev.kind === "loopback") return "EOPNOTSUPP";
  const ethMacAddr = dev.kind === "veth" || dev.kind === "netback" || dev.kind === "netfront";
  if (ethMacAddr && dev.isUp) return "EBUSY";
  if (mac === 0 || isMulticastMac(mac)) return "EADDRNOTAVAIL";
  dev.mac = mac;
  return undefined;
}

/** The largest MTU each driver's change_mtu accepts (dev_set_mtu with no change_mtu takes any). */
function maxMtu(dev: NetDev): number {
  switch (dev.kind) {
    case "nic":
      return 16110; // e1000: MAX_JUMBO_FRAME_SIZE minus headers
    case "bridge":
      return dev instanceof Bridge && dev.ports.length > 0 ? Math.min(...dev.ports.map((p) => p.dev.mtu)) : 1500;
    case "veth":
      return 65535;
    case "netback":
    case "netfront":
      return 65535 - 14;
    default:
      return Number.MAX_SAFE_INTEGER;
  }
}

function setMtu(dev: NetDev, mtu: number): Errno | undefined {
  const limited = dev.kind !== "loopback" && dev.kind !== "dummy";
  if (mtu < 0 || (limited && mtu < 68) || mtu > maxMtu(dev)) return "EINVAL";
  dev.mtu = mtu;
  // br_device_event NETDEV_CHANGEMTU: the bridge follows its smallest port.
  if (dev.sink instanceof BridgePort) {
    const br = dev.sink.bridge;
    br.mtu = Math.min(...br.ports.map((p) => p.dev.mtu));
  }
  return undefined;
}

/** RTM_NEWLINK with NLM_F_CREATE: dummy and veth; other kinds are EOPNOTSUPP here (see the header). */
function createLink(env: IpEnv, r: LinkRequest, name: string | undefined): number {
  const { host, io } = env;
  if (r.type === undefined) return io.fail(`Not enough information: "type" argument is required\n`);
  if (r.type !== "veth" && r.typeArgs.length > 0) {
    if (matches(r.typeArgs[0]!, "help")) io.fail(LINK_USAGE);
    return io.fail(`Garbage instead of arguments "${r.typeArgs[0]} ...". Try "ip link help".\n`);
  }
  if (r.type !== "dummy" && r.type !== "veth") return rtnetlinkError(io, "EOPNOTSUPP");
  let peerName: string | undefined;
  if (r.type === "veth" && r.typeArgs.length > 0) {
    if (r.typeArgs[0] !== "peer") return io.fail(`Usage: ip link <options> type veth [peer <options>]\nTo get <options> type 'ip link add help'\n`);
    peerName = parse(env, r.typeArgs.slice(1)).name;
  }
  const devName = name ?? freeName(env, `${r.type}%d`);
  const peer = r.type === "veth" ? (peerName ?? freeName(env, "veth%d", devName)) : undefined;
  for (const n of peer === undefined ? [devName] : [devName, peer]) {
    if (!validDevName(n)) return rtnetlinkError(io, "EINVAL");
    if (host.device(n) !== undefined || peer === devName) return rtnetlinkError(io, "EEXIST");
  }
  const made = peer !== undefined ? host.createVethPair(devName, peer) : [host.createDummy(devName)];
  const err = setLink(env, made[0]!, { ...r, name: undefined });
  return err === undefined ? 0 : rtnetlinkError(io, err);
}

/** dev_alloc_name: the first `NAME%d` not in use. */
function freeName(env: IpEnv, pattern: string, taken?: string): string {
  for (let i = 0; ; i++) {
    const n = pattern.replace("%d", String(i));
    if (env.host.device(n) === undefined && n !== taken) return n;
  }
}

/** RTM_DELLINK: only devices with rtnl_link_ops (dummy, veth) can be deleted. */
function deleteLink(env: IpEnv, dev: NetDev): number {
  if (dev.kind !== "dummy" && dev.kind !== "veth") return rtnetlinkError(env.io, "EOPNOTSUPP");
  env.host.deleteDevice(dev);
  return 0;
}
