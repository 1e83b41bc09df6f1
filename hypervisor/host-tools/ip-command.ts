// The `ip` command of Debian Squeeze's iproute 20100519 (ip/ip.c): global options, then an object
// abbreviated to any prefix, tried in the order of ip.c's table (`ip a` is address, `ip r` route,
// `ip n` neighbour, `ip l` link, `ip m` maddress). Implemented objects: address, link, route,
// neighbour, and rule (the three default rules of a host with no policy routing). The others
// (addrlabel, maddress, ntable, tunnel, monitor, xfrm, mroute) are not simulated and say so.
import type { Io } from "./io.ts";
import { matches, type IpEnv } from "./ip-args.ts";
import type { HostNode } from "./host.ts";
import { ipAddr } from "./ip-addr.ts";
import { ipLink } from "./ip-link.ts";
import { ipNeigh } from "./ip-neigh.ts";
import { ipRoute } from "./ip-route.ts";

const IP_USAGE = `Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
       ip [ -force ] -batch filename
where  OBJECT := { link | addr | addrlabel | route | rule | neigh | ntable |
                   tunnel | maddr | mroute | monitor | xfrm }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |
                    -f[amily] { inet | inet6 | ipx | dnet | link } |
                    -o[neline] | -t[imestamp] | -b[atch] [filename] |
                    -rc[vbuf] [size]}
`;

type Family = IpEnv["family"];

/** ip.c's object table, in its order. */
const OBJECTS: readonly (readonly [string, ((env: IpEnv, argv: readonly string[]) => number) | null])[] = [
  ["address", ipAddr],
  ["addrlabel", null],
  ["maddress", null],
  ["route", ipRoute],
  ["rule", ipRule],
  ["neighbor", ipNeigh],
  ["neighbour", ipNeigh],
  ["ntable", null],
  ["ntbl", null],
  ["link", ipLink],
  ["tunnel", null],
  ["tunl", null],
  ["monitor", null],
  ["xfrm", null],
  ["mroute", null],
  ["help", null],
];

/** Runs `ip ARGS…` (argv without the program name). */
export function runIp(host: HostNode, io: Io, argv: readonly string[]): number {
  let stats = 0;
  let oneline = false;
  let family: Family = "any";
  let i = 0;
  for (; i < argv.length; i++) {
    let opt = argv[i]!;
    if (opt === "--") {
      i++;
      break;
    }
    if (!opt.startsWith("-")) break;
    if (opt[1] === "-") opt = opt.slice(1);
    if (matches(opt, "-family")) {
      const v = argv[++i];
      if (v === undefined || v === "help") return io.fail(IP_USAGE);
      const fam = ({ inet: "inet", inet6: "inet6", link: "link" } as Record<string, Family>)[v];
      if (fam === undefined && v !== "dnet" && v !== "ipx") return io.fail(`Error: argument "${v}" is wrong: invalid protocol family\n`);
      family = fam ?? family;
    } else if (opt === "-4" || opt === "-6" || opt === "-0") family = opt === "-4" ? "inet" : opt === "-6" ? "inet6" : "link";
    else if (opt === "-I" || opt === "-D") continue;
    else if (matches(opt, "-stats") || matches(opt, "-statistics")) stats++;
    else if (matches(opt, "-details") || matches(opt, "-resolve") || matches(opt, "-timestamp") || matches(opt, "-force")) continue;
    else if (matches(opt, "-oneline")) oneline = true;
    else if (matches(opt, "-Version")) {
      io.out("ip utility, iproute2-ss100519\n");
      return io.exit(0);
    } else if (matches(opt, "-batch")) return io.fail(`ip: -batch is not simulated by xennet\n`, 1);
    else if (matches(opt, "-rcvbuf")) {
      const v = argv[++i];
      if (v === undefined) return io.fail(IP_USAGE);
      if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(v)) return io.fail(`Invalid rcvbuf size '${v}'\n`);
    } else if (matches(opt, "-help")) return io.fail(IP_USAGE);
    else return io.fail(`Option "${opt}" is unknown, try "ip -help".\n`);
  }
  if (i >= argv.length) return io.fail(IP_USAGE);
  const object = argv[i]!;
  const env: IpEnv = { host, io, stats, oneline, family };
  for (const [name, fn] of OBJECTS) {
    if (!matches(object, name)) continue;
    if (name === "help") return io.fail(IP_USAGE);
    if (fn === null) return io.fail(`ip: object "${name}" is not simulated by xennet\n`, 1);
    return fn(env, argv.slice(i + 1));
  }
  return io.fail(`Object "${object}" is unknown, try "ip help".\n`);
}

/** `ip rule`: a host without policy routing has fib_rules' three defaults. */
function ipRule(env: IpEnv, argv: readonly string[]): number {
  const [cmd = "list"] = argv;
  if (!(matches(cmd, "list") || matches(cmd, "lst") || matches(cmd, "show"))) return env.io.fail(`ip: "ip rule ${cmd}" is not simulated by xennet\n`, 1);
  if (env.family === "inet6" || env.family === "link") return 0;
  env.io.out("0:\tfrom all lookup local \n32766:\tfrom all lookup main \n32767:\tfrom all lookup default \n");
  return 0;
}
