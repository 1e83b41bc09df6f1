// `ip neigh` of iproute 20100519 (ip/ipneigh.c: do_ipneigh, do_show_or_flush, print_neigh,
// ipneigh_modify) over the simulated ARP cache. print_neigh writes `dev X ` and then either
// `lladdr MAC` or nothing before the state, so an unresolved entry shows two blanks:
//   192.168.1.1 dev xenbr0 lladdr 00:16:3e:00:00:01 REACHABLE
//   192.168.1.9 dev xenbr0  FAILED
// `show` hides NOARP entries unless asked (`nud all`); `flush` needs arguments and spares PERMANENT
// and NOARP entries; proxy entries are not part of the 2.6.32 neighbour dump. Without `lladdr`, an
// add only succeeds on an entry that already has an address (neigh_update's -EINVAL otherwise).
import type { NeighbourInfo, NeighbourNud } from "../../netsim/l3/index.ts";
import { ipv4ToString, macToString } from "../../netsim/wire/address.ts";
import { Args, duparg, duparg2, getAddr, getPrefix, inPrefix, invarg, matches, parseLladdr, type InetPrefix, type IpEnv } from "./ip-args.ts";
import { rtnetlinkError } from "./io.ts";

const NEIGH_USAGE = `Usage: ip neigh { add | del | change | replace } { ADDR [ lladdr LLADDR ]
          [ nud { permanent | noarp | stale | reachable } ]
          | proxy ADDR } [ dev DEV ]
       ip neigh {show|flush} [ to PREFIX ] [ dev DEV ] [ nud STATE ]
`;

/** NUD bits by state name, and the order print_neigh prints them in. */
const NUD: Readonly<Record<string, number>> = { INCOMPLETE: 0x01, REACHABLE: 0x02, STALE: 0x04, DELAY: 0x08, PROBE: 0x10, FAILED: 0x20, NOARP: 0x40, PERMANENT: 0x80 };

/** nud_state_a2n: a state name (some abbreviable) or a single NUD bit. */
function nudState(arg: string): number | undefined {
  if (matches(arg, "permanent")) return NUD.PERMANENT;
  if (matches(arg, "reachable")) return NUD.REACHABLE;
  const exact: Record<string, number> = { noarp: 0x40, none: 0, stale: 0x04, incomplete: 0x01, delay: 0x08, probe: 0x10 };
  if (arg in exact) return exact[arg];
  if (matches(arg, "failed")) return NUD.FAILED;
  const n = /^\d+$/.test(arg) ? Number(arg) : undefined;
  return n !== undefined && n < 0x100 && (n & (n - 1)) === 0 ? n : undefined;
}

/** do_ipneigh. */
export function ipNeigh(env: IpEnv, argv: readonly string[]): number {
  const io = env.io;
  const [cmd = "", ...rest] = argv;
  if (argv.length === 0) return showOrFlush(env, [], false);
  if (matches(cmd, "add")) return modify(env, rest, "add");
  if (matches(cmd, "change") || cmd === "chg") return modify(env, rest, "change");
  if (matches(cmd, "replace")) return modify(env, rest, "replace");
  if (matches(cmd, "delete")) return modify(env, rest, "del");
  if (matches(cmd, "get")) return io.fail(`Sorry, "neigh get" is not implemented :-(\n`);
  if (matches(cmd, "show") || matches(cmd, "lst") || matches(cmd, "list")) return showOrFlush(env, rest, false);
  if (matches(cmd, "flush")) return showOrFlush(env, rest, true);
  if (matches(cmd, "help")) return io.fail(NEIGH_USAGE);
  return io.fail(`Command "${cmd}" is unknown, try "ip neigh help".\n`);
}

/** do_show_or_flush. */
function showOrFlush(env: IpEnv, argv: readonly string[], flush: boolean): number {
  const { host, io } = env;
  if (flush && argv.length === 0) return io.fail("Flush requires arguments.\n");
  let state = flush ? ~(NUD.PERMANENT! | NUD.NOARP!) : 0xff & ~NUD.NOARP!;
  let stateGiven = false;
  let dev: string | undefined;
  let pfx: InetPrefix | undefined;
  const a = new Args(io, argv);
  for (; a.left > 0; a.shift()) {
    const w = a.cur;
    if (w === "dev") {
      const v = a.next();
      if (dev !== undefined) duparg(io, "dev", v);
      dev = v;
    } else if (w === "unused") continue;
    else if (w === "nud") {
      const v = a.next();
      if (!stateGiven) [stateGiven, state] = [true, 0];
      let s = nudState(v);
      if (s === undefined) s = v === "all" ? (flush ? ~NUD.NOARP! : ~0) : invarg(io, "nud state is bad", v);
      state |= s === 0 ? 0x100 : s;
    } else {
      const v = w === "to" ? a.next() : w;
      if (matches(v, "help")) io.fail(NEIGH_USAGE);
      pfx = getPrefix(io, v);
    }
  }
  if (dev !== undefined && host.device(dev) === undefined) return io.fail(`Cannot find device "${dev}"\n`);
  if (flush) state &= ~NUD.FAILED!;
  const wanted = (n: NeighbourInfo) => (state & NUD[n.state]!) !== 0 && (pfx === undefined || pfx.family !== "inet" || inPrefix(n.ip, pfx));
  const list = env.family === "inet6" || env.family === "link" ? [] : host.stack.neighbours(dev).filter(wanted);
  if (!flush) {
    for (const n of list) io.out(formatNeigh(n, dev === undefined));
    return 0;
  }
  if (list.length === 0) {
    if (env.stats > 0) io.out("Nothing to flush.\n");
    return 0;
  }
  for (const n of list) host.stack.deleteNeighbour(n.dev, n.ip);
  if (env.stats > 0) io.out(`\n*** Round 1, deleting ${list.length} entries ***\n*** Flush is complete after 1 round ***\n`);
  return 0;
}

/** print_neigh. */
export function formatNeigh(n: NeighbourInfo, showDev: boolean): string {
  let s = `${ipv4ToString(n.ip)} `;
  if (showDev) s += `dev ${n.dev} `;
  if (n.mac !== undefined) s += `lladdr ${macToString(n.mac)}`;
  return `${s} ${n.state}\n`;
}

/** ipneigh_modify. */
function modify(env: IpEnv, argv: readonly string[], cmd: "add" | "change" | "replace" | "del"): number {
  const { host, io } = env;
  const a = new Args(io, argv);
  let dev: string | undefined;
  let dst: InetPrefix | undefined;
  let lladdr: string | undefined;
  let nud = NUD.PERMANENT!;
  let proxy = false;
  for (; a.left > 0; a.shift()) {
    const w = a.cur;
    if (matches(w, "lladdr")) {
      const v = a.next();
      if (lladdr !== undefined) duparg(io, "lladdr", v);
      lladdr = v;
    } else if (w === "nud") {
      const v = a.next();
      nud = nudState(v) ?? invarg(io, "nud state is bad", v);
    } else if (matches(w, "proxy")) {
      const v = a.next();
      if (matches(v, "help")) io.fail(NEIGH_USAGE);
      if (dst !== undefined) duparg(io, "address", v);
      dst = getAddr(io, v);
      proxy = true;
    } else if (w === "dev") dev = a.next();
    else {
      let v = w === "to" ? a.next() : w;
      if (matches(v, "help")) v = a.next();
      if (dst !== undefined) duparg2(io, "to", v);
      dst = getAddr(io, v);
    }
  }
  if (dev === undefined || dst === undefined || dst.family === "any") return io.fail("Device and destination are required arguments.\n");
  const mac = lladdr !== undefined && lladdr !== "null" ? parseLladdr(lladdr) : undefined;
  if (host.device(dev) === undefined) return io.fail(`Cannot find device "${dev}"\n`);
  if (dst.family === "inet6") return rtnetlinkError(io, "EAFNOSUPPORT");
  const stack = host.stack;
  if (proxy) {
    if (cmd === "del") return rtnetlinkError(io, "EOPNOTSUPP"); // removing proxy entries is not modelled
    const err = stack.addProxyEntry(dst.addr, dev);
    return err === undefined ? 0 : rtnetlinkError(io, err);
  }
  if (cmd === "del") {
    const err = stack.deleteNeighbour(dev, dst.addr);
    return err === undefined ? 0 : rtnetlinkError(io, err);
  }
  if (lladdr !== undefined && lladdr !== "null" && mac === undefined) return rtnetlinkError(io, "EINVAL");
  const name = (Object.keys(NUD) as string[]).find((k) => NUD[k] === nud)?.toLowerCase() as NeighbourNud | undefined;
  if (name === undefined || name === ("incomplete" as string) || name === ("failed" as string)) return rtnetlinkError(io, "EINVAL");
  const known = stack.neighbours(dev).find((n) => n.ip === dst.addr && n.mac !== undefined);
  const use = mac ?? known?.mac;
  if (use === undefined) return cmd === "change" && known === undefined ? rtnetlinkError(io, "ENOENT") : rtnetlinkError(io, "EINVAL");
  const err = stack.setNeighbour(dev, dst.addr, use, name, cmd);
  return err === undefined ? 0 : rtnetlinkError(io, err);
}
