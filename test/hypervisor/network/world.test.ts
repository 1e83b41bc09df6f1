// The world file: its JSON is read with positions (a syntax error at its line:column, duplicate keys
// warned), every value is checked where it was written, left-out parts take the standard LAN's
// values, and the world is built as netsim nodes: the router answers DHCP and forwards (masquerading)
// to the internet hosts.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Sim } from "../../../netsim/engine/index.ts";
import { Ipv4Stack } from "../../../netsim/l3/index.ts";
import { Nic } from "../../../netsim/l2/index.ts";
import { createDhcpClient, Ping } from "../../../netsim/apps/index.ts";
import { ipv4ToString, macToString } from "../../../netsim/wire/address.ts";
import { formatDiagnostic, memoryReader } from "../../../topology/index.ts";
import { DEFAULT_WORLD, Machine, parseJson, readWorld, World, worldOfRoot, worldUsable } from "../../../hypervisor/index.ts";

const FILE = "/xennet-world.json";
const located = (text: string) => readWorld(text, FILE).diagnostics.map(formatDiagnostic);

describe("world file", () => {
  it("reports a JSON syntax error at its line and column", () => {
    expect(located('{\n  "lan": { "subnet": "10.1.0.0/16" }\n  "router": {}\n}')).toEqual([
      "/xennet-world.json:3:3: error: expected ',' or '}' after a member, found character '\"'",
    ]);
    expect(located('{ "internet": [ { "name": "www", } ] }')).toEqual([
      "/xennet-world.json:1:34: error: expected a key in double quotes, found character '}'",
    ]);
    expect(located('{ "lan": ')).toEqual(["/xennet-world.json:1:10: error: expected a JSON value, found end of file"]);
  });

  it("locates bad values and warns about unknown or repeated keys", () => {
    const text = [
      "{",
      '  "lan": { "subnet": "192.168.7.0/24", "swich": "hub" },',
      '  "router": { "address": "192.168.8.1", "dhcp": { "start": "192.168.7.50", "end": "192.168.7.20", "lease": 60 } },',
      '  "internet": [ { "name": "www", "address": "192.168.7.9" }, { "name": "router", "address": "8.8.8.8" } ],',
      '  "lanHosts": [ { "name": "nas", "address": "192.168.7.300" } ],',
      '  "lan": { "subnet": "192.168.7.0/24" }',
      "}",
    ].join("\n");
    expect(located(text)).toEqual([
      "/xennet-world.json:6:3: warning: the key \"lan\" appears twice in this object; the last one is used",
      "/xennet-world.json:3:26: error: the router's address 192.168.8.1 is outside the LAN 192.168.7.0/24",
      "/xennet-world.json:3:83: error: the DHCP range ends (192.168.7.20) before it starts (192.168.7.50)",
      "/xennet-world.json:3:108: warning: dnsmasq raises a 60 s lease to its minimum of 120 s",
      "/xennet-world.json:4:45: error: 192.168.7.9 is inside the LAN 192.168.7.0/24: an internet host must be outside it",
      "/xennet-world.json:4:72: error: the name \"router\" is already taken",
      "/xennet-world.json:5:45: error: \"lanHosts[].address\" \"192.168.7.300\" is not an IPv4 address",
    ]);
    expect(located('{ "lan": { "subnet": "10.0.0.0/8", "swich": "hub" } }')).toEqual([
      "/xennet-world.json:1:36: warning: \"lan\" has no key \"swich\" (known: subnet, switch); it is ignored",
    ]);
  });

  it("fills what is left out from the standard LAN", () => {
    const w = readWorld('{ "router": { "dhcp": false, "masquerade": false }, "internet": [ { "name": "ftp", "address": "198.51.100.7" } ] }', FILE);
    expect(worldUsable(w.diagnostics)).toBe(true);
    expect(w.value.lan).toEqual(DEFAULT_WORLD.lan);
    expect(w.value.router.dhcp).toBeNull();
    expect(w.value.router.masquerade).toBe(false);
    expect(w.value.internet.map((h) => `${h.name} ${ipv4ToString(h.address)}`)).toEqual(["ftp 198.51.100.7"]);
    expect(worldOfRoot(memoryReader({ files: {} })).value).toBe(DEFAULT_WORLD);
    const nics = readWorld('{ "host": { "nics": [ { "name": "eth0", "mac": "00:1b:21:3a:4f:10" }, { "name": "eth1", "link": false } ] } }', FILE).value.dom0Nics;
    expect(nics?.map((n) => `${n.name} ${n.mac ?? "-"} ${n.link}`)).toEqual(["eth0 00:1b:21:3a:4f:10 true", "eth1 - false"]);
  });

  it("reads a __proto__ key as an ordinary member, as JSON.parse does", () => {
    const text = '{"__proto__":""}';
    expect(plain(parseJson(text, FILE).value)).toEqual(JSON.parse(text));
  });

  it("never throws on random text, and reads what JSON.parse reads", () => {
    fc.assert(fc.property(fc.string(), (s) => {
      readWorld(s, FILE);
    }));
    fc.assert(fc.property(fc.json(), (s) => {
      const ours = parseJson(s, FILE);
      expect(ours.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(plain(ours.value)).toEqual(JSON.parse(s));
    }));
  });

  it("builds a router that leases addresses and masquerades toward the internet", () => {
    for (const device of ["bridge", "hub"] as const) {
      const { nat, leased } = lanPc(new World(new Sim(3), { ...DEFAULT_WORLD, lan: { ...DEFAULT_WORLD.lan, device } }));
      expect(leased).toMatch(/^192\.168\.1\.(1[0-9][0-9]|200)$/);
      const re = new RegExp(`^icmp ${leased.replaceAll(".", "\\.")} > 203\\.0\\.113\\.80 type 8 code 0 id (\\d+) -> icmp 203\\.0\\.113\\.1 > 203\\.0\\.113\\.80 type 8 code 0 id \\1$`);
      expect(nat).toEqual([expect.stringMatching(re)]);
    }
  });

  it("gives the machine dom0's cards from the world file, plugged in or not", () => {
    const world = readWorld('{ "host": { "nics": [ { "name": "eth0" }, { "name": "eth1", "mac": "00:1b:21:00:00:02", "link": false } ] } }', FILE).value;
    const m = new Machine({ root: memoryReader({ files: {} }), world });
    expect(m.nics.map((n) => `${n.name} ${macToString(n.mac)} ${m.world.cableOf(n) ? "plugged" : "unplugged"}`)).toEqual([
      expect.stringMatching(/^eth0 00:1b:21:[0-9a-f:]{8} plugged$/),
      "eth1 00:1b:21:00:00:02 unplugged",
    ]);
  });
});

/** A PC on the world's LAN: DHCP, then one ping to www; the router's NAT bindings and the lease. */
function lanPc(world: World): { nat: string[]; leased: string } {
  const sim = world.sim;
  const pc = new Ipv4Stack(sim, "pc");
  const nic = new Nic(sim, "pc", "eth0", 0x02_00_00_00_00_99);
  pc.addDevice(nic);
  world.plug(nic);
  nic.setUp(true);
  const client = createDhcpClient(pc, { dev: "eth0" });
  client.start();
  sim.runFor(20_000_000);
  const nat: string[] = [];
  sim.trace.subscribe((e) => void (e.kind === "nat" && e.node === "router" && nat.push(`${e.before} -> ${e.after}`)));
  const ping = new Ping(pc, { dst: world.resolve("www")!, count: 1 });
  ping.start();
  sim.runFor(3_000_000);
  expect(ping.lines[1]).toMatch(/^64 bytes from 203\.0\.113\.80: icmp_req=1 ttl=63/);
  return { nat, leased: client.lease ? ipv4ToString(client.lease.address) : "" };
}

/** A JsonNode as the plain value JSON.parse gives. */
function plain(n: ReturnType<typeof parseJson>["value"]): unknown {
  if (n === undefined) return undefined;
  switch (n.kind) {
    case "object": {
      const o: Record<string, unknown> = {};
      // defineProperty, not assignment: a "__proto__" key is an own property for JSON.parse.
      for (const m of n.members) Object.defineProperty(o, m.key, { value: plain(m.value), enumerable: true, writable: true, configurable: true });
      return o;
    }
    case "array":
      return n.items.map(plain);
    case "null":
      return null;
    default:
      return n.value;
  }
}
