// `bridge fdb show` (iproute2's bridge/fdb.c, first released with iproute2 3.5 in 2012). Debian
// Squeeze has no /sbin/bridge — iproute 20100519 predates it — so on a Squeeze node (the default,
// HostNode.hasBridgeTool false) the command does not exist and bash answers `command not found`
// with status 127. A node that has the tool prints today's format, checked against iproute2 6.1:
//   00:16:3e:2a:4b:01 dev vif1.0 master xenbr0 
//   fe:ff:ff:ff:ff:ff dev vif1.0 master xenbr0 permanent
// (learned entries end with a blank). Only the bridges' own entries are listed: the simulated
// devices have no multicast address lists, which a kernel adds as `self permanent` lines. Entries
// come in MAC order (the kernel walks its hash table).
import { Bridge } from "../../netsim/l2/index.ts";
import { macToString } from "../../netsim/wire/address.ts";
import type { HostNode } from "./host.ts";
import type { Io } from "./io.ts";

const FDB_USAGE = `Usage: bridge fdb { add | append | del | replace } ADDR dev DEV
              [ self ] [ master ] [ use ] [ router ] [ extern_learn ]
              [ sticky ] [ local | static | dynamic ] [ vlan VID ]
              { [ dst IPADDR ] [ port PORT] [ vni VNI ] | [ nhid NHID ] }
              [ via DEV ] [ src_vni VNI ]
       bridge fdb [ show [ br BRDEV ] [ brport DEV ] [ vlan VID ]
              [ state STATE ] [ dynamic ] ]
       bridge fdb get [ to ] LLADDR [ br BRDEV ] { brport | dev } DEV
              [ vlan VID ] [ vni VNI ] [ self ] [ master ] [ dynamic ]
       bridge fdb flush dev DEV [ brport DEV ] [ vlan VID ] [ src_vni VNI ]
              [ nhid NHID ] [ vni VNI ] [ port PORT ] [ dst IPADDR ] [ self ]
              [ master ] [ [no]permanent | [no]static | [no]dynamic ]
              [ [no]added_by_user ] [ [no]extern_learn ] [ [no]sticky ]
              [ [no]offloaded ]
`;

/** Runs `bridge ARGS…`; only `bridge fdb [show] [br BR] [dev|brport DEV]` is simulated. */
export function runBridge(host: HostNode, io: Io, argv: readonly string[]): number {
  if (!host.hasBridgeTool) return io.fail("bash: bridge: command not found\n", 127);
  const [object = "", cmd = "show", ...rest] = argv;
  if (!"fdb".startsWith(object) || object === "") return io.fail(`xennet: only "bridge fdb show" is simulated\n`, 1);
  if (cmd === "help") return io.fail(FDB_USAGE);
  if (!"show".startsWith(cmd) && !"list".startsWith(cmd)) return io.fail(`xennet: only "bridge fdb show" is simulated\n`, 1);
  let br: string | undefined;
  let dev: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (w === "br") br = rest[++i];
    else if (w === "brport" || w === "dev") dev = rest[++i];
    else return io.fail(`Unknown command "${w}"?\n`);
  }
  for (const name of [br, dev]) if (name !== undefined && host.device(name) === undefined) return io.fail(`Cannot find device "${name}"\n`);
  for (const bridge of host.devices().filter((d): d is Bridge => d instanceof Bridge)) {
    if (br !== undefined && bridge.name !== br) continue;
    for (const row of bridge.showMacs()) {
      if (dev !== undefined && row.port !== dev) continue;
      io.out(`${macToString(row.mac)} dev ${row.port} master ${bridge.name} ${row.isLocal ? "permanent" : ""}\n`);
    }
  }
  return 0;
}
