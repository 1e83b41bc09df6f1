// `ip addr` and `ip link show` of iproute 20100519 (ip/ipaddress.c: do_ipaddr, ipaddr_list_or_flush,
// ipaddr_modify) against the simulated stack. Listing walks the devices in ifindex order, printing
// each link and then its addresses (IPv4 first, then IPv6, as the two dumps arrive); the filters are
// the real ones, quirks included — a link hidden by `up` or `label` still has its matching address
// lines printed, as print_linkinfo returns 0 either way. On 2.6.32 `ip addr change` and `replace`
// behave as `add` (IPv4 ignored NLM_F_REPLACE until 3.x), so they fail with "File exists" too.
import type { NetDev } from "../../netsim/l2/index.ts";
import type { AddressInfo, AddrScope } from "../../netsim/l3/index.ts";
import { prefixToMask } from "../../netsim/wire/address.ts";
import { Args, duparg, duparg2, fnmatch, getPrefix, inPrefix, invarg, matches, type InetPrefix, type IpEnv } from "./ip-args.ts";
import { formatInet, formatInet6, formatLink, inet6Addresses, type Inet6Address } from "./ip-print.ts";
import { rtnetlinkError } from "./io.ts";

const ADDR_USAGE = `Usage: ip addr {add|change|replace} IFADDR dev STRING [ LIFETIME ]
                                                      [ CONFFLAG-LIST]
       ip addr del IFADDR dev STRING
       ip addr {show|flush} [ dev STRING ] [ scope SCOPE-ID ]
                            [ to PREFIX ] [ FLAG-LIST ] [ label PATTERN ]
IFADDR := PREFIX | ADDR peer PREFIX
          [ broadcast ADDR ] [ anycast ADDR ]
          [ label STRING ] [ scope SCOPE-ID ]
SCOPE-ID := [ host | link | global | NUMBER ]
FLAG-LIST := [ FLAG-LIST ] FLAG
FLAG  := [ permanent | dynamic | secondary | primary |
           tentative | deprecated | CONFFLAG-LIST ]
CONFFLAG-LIST := [ CONFFLAG-LIST ] CONFFLAG
CONFFLAG  := [ home | nodad ]
LIFETIME := [ valid_lft LFT ] [ preferred_lft LFT ]
LFT := forever | SECONDS
`;

/** rt_scopes: the names and numbers `scope` accepts. */
const SCOPES: Readonly<Record<string, number>> = { global: 0, universe: 0, site: 200, link: 253, host: 254, nowhere: 255 };
const SCOPE_OF: Readonly<Record<number, AddrScope>> = { 0: "global", 200: "site", 253: "link", 254: "host" };

/** rtnl_rtscope_a2n: a name or a number 0–255. */
export function scopeNumber(arg: string): number | undefined {
  if (arg in SCOPES) return SCOPES[arg];
  return /^\d+$/.test(arg) && Number(arg) <= 255 ? Number(arg) : undefined;
}

/** do_ipaddr. */
export function ipAddr(env: IpEnv, argv: readonly string[]): number {
  const io = env.io;
  const [cmd = "", ...rest] = argv;
  if (argv.length === 0) return listOrFlush(env, [], false, false);
  if (matches(cmd, "add")) return modify(env, rest, "add");
  if (matches(cmd, "change") || cmd === "chg") return modify(env, rest, "add");
  if (matches(cmd, "replace")) return modify(env, rest, "add");
  if (matches(cmd, "delete")) return modify(env, rest, "del");
  if (matches(cmd, "list") || matches(cmd, "show") || matches(cmd, "lst")) return listOrFlush(env, rest, false, false);
  if (matches(cmd, "flush")) return listOrFlush(env, rest, true, false);
  if (matches(cmd, "help")) return io.fail(ADDR_USAGE);
  return io.fail(`Command "${cmd}" is unknown, try "ip addr help".\n`);
}

/** The address filter of ipaddr_list_or_flush. */
interface AddrFilter {
  dev?: string;
  pfx?: InetPrefix;
  scope?: number;
  up: boolean;
  /** Wanted value of the secondary flag (undefined: either). */
  secondary?: boolean;
  /** `dynamic` or `tentative`/`deprecated`: no IPv4 address of 2.6.32 has those flags. */
  impossible: boolean;
  label?: string;
}

function parseFilter(env: IpEnv, argv: readonly string[], usage: string): AddrFilter {
  const io = env.io;
  const a = new Args(io, argv);
  const f: AddrFilter = { up: false, impossible: false };
  for (; a.left > 0; a.shift()) {
    const w = a.cur;
    if (w === "to") f.pfx = getPrefix(io, a.next());
    else if (w === "scope") {
      const v = a.next();
      const n = scopeNumber(v);
      if (n === undefined && v !== "all") invarg(io, `invalid "scope"\n`, v);
      f.scope = n;
    } else if (w === "up") f.up = true;
    else if (w === "dynamic" || w === "tentative" || w === "deprecated" || w === "home" || w === "nodad") f.impossible = true;
    else if (w === "permanent") continue;
    else if (w === "secondary" || w === "primary") f.secondary = w === "secondary";
    else if (w === "label") f.label = a.next();
    else {
      const name = w === "dev" ? a.next() : w;
      if (matches(name, "help")) io.fail(usage);
      if (f.dev !== undefined) duparg2(io, "dev", name);
      f.dev = name;
    }
  }
  return f;
}

/** ipaddr_list_or_flush (with `doLink`, ipaddr_list_link: `ip link show`). */
export function listOrFlush(env: IpEnv, argv: readonly string[], flush: boolean, doLink: boolean, usage = ADDR_USAGE): number {
  const { host, io } = env;
  const family = doLink ? "link" : env.family;
  if (flush && argv.length === 0) return io.fail("Flush requires arguments.\n");
  if (flush && family === "link") return io.fail("Cannot flush link addresses.\n");
  const f = parseFilter(env, argv, usage);
  let only: NetDev | undefined;
  if (f.dev !== undefined) {
    only = host.device(f.dev);
    if (only === undefined) return io.fail(`Device "${f.dev}" does not exist.\n`);
  }
  const selected = (d: NetDev) => only === undefined || d === only;
  const inet = (d: NetDev) => (family === "link" || family === "inet6" ? [] : host.stack.addresses(d.name).filter((x) => inetMatches(x, f)));
  const inet6 = (d: NetDev) => (family === "link" || family === "inet" ? [] : inet6Addresses(host, d).filter((x) => inet6Matches(x, d.name, f)));
  if (flush) return flushAddresses(env, host.devices().filter(selected).flatMap(inet));
  const oneline = env.oneline;
  for (const d of host.devices().filter(selected)) {
    const v4 = inet(d);
    const v6 = inet6(d);
    if (family !== "any" && family !== "link" && v4.length + v6.length === 0) continue;
    const noLink = oneline && family !== "any" && family !== "link";
    const hidden = (f.up && !d.isUp) || (f.label !== undefined && (family === "any" || family === "link") && !fnmatch(f.label, d.name));
    if (!noLink && !hidden) io.out(formatLink(host, d, env, doLink));
    const prefix = oneline ? `${host.ifindex(d)}: ${d.name}` : "";
    for (const a of v4) io.out(formatInet(a, prefix));
    for (const a of v6) io.out(formatInet6(a, prefix, oneline));
  }
  return 0;
}

function inetMatches(a: AddressInfo, f: AddrFilter): boolean {
  if (f.impossible) return false;
  if (f.scope !== undefined && SCOPES[a.scope] !== f.scope) return false;
  if (f.secondary !== undefined && a.secondary !== f.secondary) return false;
  if (f.label !== undefined && !fnmatch(f.label, a.label)) return false;
  return f.pfx === undefined || f.pfx.family !== "inet" || inPrefix(a.address, f.pfx);
}

/** An IPv6 address has no IFA_LABEL: `label` filters match the device name. */
function inet6Matches(a: Inet6Address, dev: string, f: AddrFilter): boolean {
  if (f.impossible || f.secondary === true || f.pfx?.family === "inet") return false;
  if (f.label !== undefined && !fnmatch(f.label, dev)) return false;
  return f.scope === undefined || SCOPES[a.scope] === f.scope;
}

/** The flush rounds: secondaries go before their primaries; `-s` reports the rounds. */
function flushAddresses(env: IpEnv, victims: readonly AddressInfo[]): number {
  const { host, io } = env;
  if (victims.length === 0) {
    if (env.stats > 0) io.out("Nothing to flush.\n");
    return 0;
  }
  const ordered = [...victims.filter((a) => a.secondary), ...victims.filter((a) => !a.secondary)];
  for (const a of ordered) host.stack.removeAddress(a.dev, a.address, a.prefix);
  if (env.stats > 0) io.out(`\n*** Round 1, deleting ${victims.length} addresses ***\n*** Flush is complete after 1 round ***\n`);
  return 0;
}

/** ipaddr_modify for add (also change and replace, see the header) and del. */
function modify(env: IpEnv, argv: readonly string[], cmd: "add" | "del"): number {
  const { host, io } = env;
  const a = new Args(io, argv);
  let dev: string | undefined;
  let label: string | undefined;
  let local: InetPrefix | undefined;
  let localArg = "";
  let brd: "+" | "-" | InetPrefix | undefined;
  let scope: number | undefined;
  for (; a.left > 0; a.shift()) {
    const w = a.cur;
    // Point-to-point peers are not modelled by the simulated stack: refused as the kernel refuses an unsupported request.
    if (w === "peer" || w === "remote") return rtnetlinkError(io, "EOPNOTSUPP");
    if (matches(w, "broadcast") || w === "brd") {
      const v = a.next();
      if (brd !== undefined) duparg(io, "broadcast", v);
      brd = v === "+" || v === "-" ? v : getPrefix(io, v);
    } else if (w === "anycast") a.next();
    else if (w === "scope") {
      const v = a.next();
      scope = scopeNumber(v);
      if (scope === undefined) invarg(io, v, "invalid scope value.");
    } else if (w === "dev") dev = a.next();
    else if (w === "label") label = a.next();
    else if (matches(w, "valid_lft") || matches(w, "preferred_lft")) a.next();
    else if (w === "home" || w === "nodad") continue;
    else {
      const v = w === "local" ? a.next() : w;
      if (matches(v, "help")) io.fail(ADDR_USAGE);
      if (local !== undefined) duparg2(io, "local", v);
      local = getPrefix(io, v);
      localArg = v;
    }
  }
  if (dev === undefined) return io.fail(`Not enough information: "dev" argument is required.\n`);
  if (label !== undefined && !matches(dev, label)) return io.fail(`"dev" (${dev}) must match "label" (${label}).\n`, 1);
  if (cmd === "del" && local?.family === "inet" && !local.lenGiven) {
    io.err(`Warning: Executing wildcard deletion to stay compatible with old scripts.\n         Explicitly specify the prefix length (${localArg}/32) to avoid this warning.\n         This special behaviour is likely to disappear in further releases,\n         fix your scripts!\n`);
  }
  if (host.device(dev) === undefined) return io.fail(`Cannot find device "${dev}"\n`);
  if (local === undefined || local.family === "any") return rtnetlinkError(io, "EINVAL");
  if (local.family === "inet6") return rtnetlinkError(io, "EAFNOSUPPORT");
  if (cmd === "del") {
    const err = host.stack.removeAddress(dev, local.addr, local.lenGiven ? local.bitlen : undefined);
    return err === undefined ? 0 : rtnetlinkError(io, err);
  }
  const spec = {
    address: local.addr,
    prefix: local.bitlen,
    ...(label !== undefined ? { label } : {}),
    ...(scope !== undefined && SCOPE_OF[scope] !== undefined ? { scope: SCOPE_OF[scope] } : {}),
    ...broadcastOf(brd, local),
  };
  const err = host.stack.addAddress(dev, spec);
  return err === undefined ? 0 : rtnetlinkError(io, err);
}

/** `brd +` sets the host bits, `brd -` clears them (only for prefixes up to /30, as ipaddr_modify does). */
function broadcastOf(brd: "+" | "-" | InetPrefix | undefined, local: InetPrefix): { broadcast?: number } {
  if (brd === undefined) return {};
  if (typeof brd !== "string") return { broadcast: brd.addr };
  if (local.bitlen > 30) return {};
  const mask = prefixToMask(local.bitlen);
  return { broadcast: brd === "+" ? (local.addr | ~mask) >>> 0 : (local.addr & mask) >>> 0 };
}
