// The network outside the simulated host, as the world file `xennet-world.json` describes it:
//
//   {
//     "lan":      { "subnet": "192.168.1.0/24", "switch": "bridge" },
//     "router":   { "address": "192.168.1.1", "wan": "203.0.113.1/24", "masquerade": true,
//                   "dhcp": { "start": "192.168.1.100", "end": "192.168.1.200", "lease": 3600 } },
//     "internet": [ { "name": "www", "address": "203.0.113.80" } ],
//     "lanHosts": [ { "name": "nas", "address": "192.168.1.20" } ],
//     "host":     { "nics": [ { "name": "eth0", "mac": "00:1b:21:3a:4f:10", "link": true } ] }
//   }
//
// Every key is optional; what is left out takes the standard LAN's value (DEFAULT_WORLD: a home
// router at 192.168.1.1 running dnsmasq for .100–.200 with its default 1 h lease, masquerading the
// LAN to its WAN address, and one internet host `www`). `"dhcp": false` turns the router's DHCP off;
// `"lease"` is seconds or "infinite" (dnsmasq raises anything under 2 minutes to 2 minutes).
// `host.nics` are dom0's network cards (otherwise udev's rules, else one eth0); `"link": false`
// leaves a card unplugged. Bad values are diagnostics at their line:column; a world with errors is
// not built (the CLI exits 2).

import { diagnostic, type Diagnostic, type Parsed, type PhysicalNic, type Span } from "../../topology/index.ts";
import { ipv4ToString, macToString, parseIpv4, parseMac, prefixToMask, type Ipv4, type Mac } from "../../netsim/wire/address.ts";
import { member, parseJson, type JsonNode } from "./json-spans.ts";

/** A host outside dom0 (on the internet or on the LAN). */
export interface WorldHost {
  readonly name: string;
  readonly address: Ipv4;
  readonly mac: Mac;
}

/** The router's DHCP server (dnsmasq `dhcp-range=START,END,LEASE`). */
export interface WorldDhcp {
  readonly start: Ipv4;
  readonly end: Ipv4;
  readonly lease: number | "infinite";
}

/** The world outside the host (see the file header). */
export interface WorldSpec {
  /** The file it came from; absent for the standard LAN. */
  readonly file?: string;
  readonly lan: { readonly network: Ipv4; readonly prefix: number; readonly device: "bridge" | "hub" };
  readonly router: {
    readonly address: Ipv4;
    readonly mac: Mac;
    readonly wan: { readonly address: Ipv4; readonly prefix: number };
    readonly wanMac: Mac;
    readonly masquerade: boolean;
    readonly dhcp: WorldDhcp | null;
  };
  readonly internet: readonly WorldHost[];
  readonly lanHosts: readonly WorldHost[];
  /** dom0's network cards, when the world file names them. */
  readonly dom0Nics?: readonly PhysicalNic[];
}

/** Names the world's own nodes use; a world host may not take them. */
export const RESERVED_NAMES = ["dom0", "router", "lan", "internet"] as const;

/** A locally administered MAC derived from a name (FNV-1a), the same for every seed. */
export function stableMac(name: string): Mac {
  let h = 0x811c9dc5;
  let g = 0x01000193;
  for (let i = 0; i < name.length; i++) {
    h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
    g = Math.imul(g ^ name.charCodeAt(i), 0x811c9dc5) >>> 0;
  }
  return 0x02 * 2 ** 40 + (g & 0xff) * 2 ** 32 + h;
}

const ip = (text: string): Ipv4 => parseIpv4(text) ?? 0;

/** The standard LAN used when there is no world file. */
export const DEFAULT_WORLD: WorldSpec = {
  lan: { network: ip("192.168.1.0"), prefix: 24, device: "bridge" },
  router: {
    address: ip("192.168.1.1"), mac: stableMac("router/eth0"), wan: { address: ip("203.0.113.1"), prefix: 24 }, wanMac: stableMac("router/eth1"),
    masquerade: true, dhcp: { start: ip("192.168.1.100"), end: ip("192.168.1.200"), lease: 3600 },
  },
  internet: [{ name: "www", address: ip("203.0.113.80"), mac: stableMac("www/eth0") }],
  lanHosts: [],
};

/** True when `a` is inside network/prefix. */
export function inSubnet(a: Ipv4, network: Ipv4, prefix: number): boolean {
  const mask = prefixToMask(prefix);
  return ((a & mask) >>> 0) === ((network & mask) >>> 0);
}

/** Reads and checks a world file; on errors the value is the standard LAN with what could be read. */
export function readWorld(text: string, file: string): Parsed<WorldSpec> {
  const parsed = parseJson(text, file);
  const diags: Diagnostic[] = [...parsed.diagnostics];
  const root = parsed.value;
  if (root === undefined) return { value: { ...DEFAULT_WORLD, file }, diagnostics: diags };
  const c = new Checker(diags);
  if (!c.expect(root, "object", "the world file")) return { value: { ...DEFAULT_WORLD, file }, diagnostics: diags };
  c.knownKeys(root, ["lan", "router", "internet", "lanHosts", "host"], "the world file");
  const lan = readLan(c, member(root, "lan"));
  const router = readRouter(c, member(root, "router"), lan);
  const names = new Set<string>(RESERVED_NAMES);
  const internet = readHosts(c, member(root, "internet"), "internet", names, (h, span) => {
    if (inSubnet(h.address, lan.network, lan.prefix)) c.error(span, "world/address", `${ipv4ToString(h.address)} is inside the LAN ${ipv4ToString(lan.network)}/${lan.prefix}: an internet host must be outside it`);
    if (h.address === router.wan.address) c.error(span, "world/address", `${ipv4ToString(h.address)} is the router's WAN address`);
  }) ?? DEFAULT_WORLD.internet;
  const lanHosts = readHosts(c, member(root, "lanHosts"), "lanHosts", names, (h, span) => lanHostCheck(c, h, span, lan, router)) ?? [];
  const dom0Nics = readNics(c, member(root, "host"));
  const value: WorldSpec = { file, lan, router, internet, lanHosts, ...(dom0Nics ? { dom0Nics } : {}) };
  return { value, diagnostics: diags };
}

function lanHostCheck(c: Checker, h: WorldHost, span: Span, lan: WorldSpec["lan"], router: WorldSpec["router"]): void {
  const where = `${ipv4ToString(h.address)}`;
  if (!inSubnet(h.address, lan.network, lan.prefix)) c.error(span, "world/address", `${where} is outside the LAN ${ipv4ToString(lan.network)}/${lan.prefix}`);
  if (h.address === router.address) c.error(span, "world/address", `${where} is the router's address`);
  const d = router.dhcp;
  if (d && h.address >= d.start && h.address <= d.end) {
    c.warn(span, "world/in-dhcp-range", `${where} is inside the router's DHCP range: dnsmasq's ping check will skip it, but a client asking for it by name may be refused`);
  }
}

function readLan(c: Checker, node: JsonNode | undefined): WorldSpec["lan"] {
  const d = DEFAULT_WORLD.lan;
  if (node === undefined || !c.expect(node, "object", "\"lan\"")) return d;
  c.knownKeys(node, ["subnet", "switch"], "\"lan\"");
  const subnet = c.cidr(member(node, "subnet"), "\"lan.subnet\"");
  const sw = member(node, "switch");
  let device = d.device;
  if (sw !== undefined && c.expect(sw, "string", "\"lan.switch\"")) {
    if (sw.value === "bridge" || sw.value === "hub") device = sw.value;
    else c.error(sw.span, "world/value", `"lan.switch" is "bridge" (a learning switch) or "hub", not "${sw.value}"`);
  }
  if (!subnet) return { ...d, device };
  const network = (subnet.address & prefixToMask(subnet.prefix)) >>> 0;
  if (subnet.prefix > 30) c.error(subnet.span, "world/value", `a /${subnet.prefix} LAN has no room for the router, dom0 and guests`);
  return { network, prefix: subnet.prefix, device };
}

function readRouter(c: Checker, node: JsonNode | undefined, lan: WorldSpec["lan"]): WorldSpec["router"] {
  const d = DEFAULT_WORLD.router;
  if (node === undefined || !c.expect(node, "object", "\"router\"")) return d;
  c.knownKeys(node, ["address", "mac", "wan", "masquerade", "dhcp"], "\"router\"");
  const address = c.address(member(node, "address"), "\"router.address\"") ?? d.address;
  const addrNode = member(node, "address");
  if (!inSubnet(address, lan.network, lan.prefix)) c.error(addrNode?.span ?? node.span, "world/address", `the router's address ${ipv4ToString(address)} is outside the LAN ${ipv4ToString(lan.network)}/${lan.prefix}`);
  const mac = c.mac(member(node, "mac"), "\"router.mac\"") ?? d.mac;
  const wanCidr = c.cidr(member(node, "wan"), "\"router.wan\"");
  const wan = wanCidr ? { address: wanCidr.address, prefix: wanCidr.prefix } : d.wan;
  if (wanCidr && inSubnet(wan.address, lan.network, lan.prefix)) c.error(wanCidr.span, "world/address", `the router's WAN address ${ipv4ToString(wan.address)} is inside its LAN`);
  const masq = member(node, "masquerade");
  const masquerade = masq !== undefined && c.expect(masq, "boolean", "\"router.masquerade\"") ? masq.value : d.masquerade;
  return { address, mac, wan, wanMac: d.wanMac, masquerade, dhcp: readDhcp(c, member(node, "dhcp"), lan, address) };
}

function readDhcp(c: Checker, node: JsonNode | undefined, lan: WorldSpec["lan"], router: Ipv4): WorldDhcp | null {
  if (node === undefined || (node.kind === "boolean" && node.value)) return defaultRange(lan);
  if (node.kind === "boolean" || node.kind === "null") return null;
  if (!c.expect(node, "object", "\"router.dhcp\" (an object, or false)")) return null;
  c.knownKeys(node, ["start", "end", "lease"], "\"router.dhcp\"");
  const fallback = defaultRange(lan);
  const start = c.address(member(node, "start"), "\"router.dhcp.start\"") ?? fallback.start;
  const end = c.address(member(node, "end"), "\"router.dhcp.end\"") ?? fallback.end;
  for (const [key, a] of [["start", start], ["end", end]] as const) {
    if (!inSubnet(a, lan.network, lan.prefix)) c.error(member(node, key)?.span ?? node.span, "world/address", `the DHCP range ${key} ${ipv4ToString(a)} is outside the LAN`);
  }
  if (end < start) c.error(member(node, "end")?.span ?? node.span, "world/value", `the DHCP range ends (${ipv4ToString(end)}) before it starts (${ipv4ToString(start)})`);
  if (router >= start && router <= end) c.warn(node.span, "world/in-dhcp-range", `the DHCP range contains the router's own address ${ipv4ToString(router)}; dnsmasq never offers it`);
  const leaseNode = member(node, "lease");
  let lease: number | "infinite" = 3600;
  if (leaseNode?.kind === "string" && leaseNode.value === "infinite") lease = "infinite";
  else if (leaseNode !== undefined && c.expect(leaseNode, "number", "\"router.dhcp.lease\" (seconds, or \"infinite\")")) {
    if (!Number.isInteger(leaseNode.value) || leaseNode.value <= 0) c.error(leaseNode.span, "world/value", `a lease is a whole number of seconds, not ${leaseNode.value}`);
    else if (leaseNode.value < 120) c.warn(leaseNode.span, "world/short-lease", `dnsmasq raises a ${leaseNode.value} s lease to its minimum of 120 s`);
    lease = Math.max(120, Math.round(leaseNode.value));
  }
  return { start, end, lease };
}

/** .100–.200 of a /24 (the standard LAN's), else the upper half of the LAN. */
function defaultRange(lan: WorldSpec["lan"]): WorldDhcp {
  const size = 2 ** (32 - lan.prefix);
  if (lan.prefix === 24) return { start: lan.network + 100, end: lan.network + 200, lease: 3600 };
  return { start: lan.network + Math.floor(size / 2), end: lan.network + size - 2, lease: 3600 };
}

function readHosts(c: Checker, node: JsonNode | undefined, key: string, names: Set<string>, check: (h: WorldHost, span: Span) => void): WorldHost[] | undefined {
  if (node === undefined || !c.expect(node, "array", `"${key}"`)) return undefined;
  const out: WorldHost[] = [];
  for (const item of node.items) {
    if (!c.expect(item, "object", `an entry of "${key}"`)) continue;
    c.knownKeys(item, ["name", "address", "mac"], `an entry of "${key}"`);
    const nameNode = member(item, "name");
    const address = c.address(member(item, "address"), `"${key}[].address"`);
    if (nameNode === undefined || !c.expect(nameNode, "string", `"${key}[].name"`) || address === undefined) {
      if (nameNode === undefined) c.error(item.span, "world/missing", `an entry of "${key}" needs a "name"`);
      continue;
    }
    const name = nameNode.value;
    if (!/^[a-z][a-z0-9-]{0,62}$/i.test(name)) c.error(nameNode.span, "world/value", `"${name}" is not a host name (letters, digits and '-', starting with a letter)`);
    else if (names.has(name)) c.error(nameNode.span, "world/duplicate-name", `the name "${name}" is already taken`);
    names.add(name);
    const h = { name, address, mac: c.mac(member(item, "mac"), `"${key}[].mac"`) ?? stableMac(`${name}/eth0`) };
    check(h, member(item, "address")?.span ?? item.span);
    out.push(h);
  }
  return out;
}

function readNics(c: Checker, node: JsonNode | undefined): PhysicalNic[] | undefined {
  if (node === undefined || !c.expect(node, "object", "\"host\"")) return undefined;
  c.knownKeys(node, ["nics"], "\"host\"");
  const list = member(node, "nics");
  if (list === undefined || !c.expect(list, "array", "\"host.nics\"")) return undefined;
  const out: PhysicalNic[] = [];
  for (const item of list.items) {
    if (!c.expect(item, "object", "an entry of \"host.nics\"")) continue;
    c.knownKeys(item, ["name", "mac", "link"], "an entry of \"host.nics\"");
    const name = member(item, "name");
    if (name === undefined || !c.expect(name, "string", "\"host.nics[].name\"")) continue;
    if (!/^[a-zA-Z0-9_.-]{1,15}$/.test(name.value)) c.error(name.span, "world/value", `"${name.value}" is not an interface name (1–15 characters)`);
    if (out.some((n) => n.name === name.value)) c.error(name.span, "world/duplicate-name", `two cards are called ${name.value}`);
    const mac = c.mac(member(item, "mac"), "\"host.nics[].mac\"");
    const link = member(item, "link");
    const linked = link !== undefined && c.expect(link, "boolean", "\"host.nics[].link\"") ? link.value : true;
    out.push({ name: name.value, ...(mac !== undefined ? { mac: macToString(mac) } : {}), link: linked, span: name.span });
  }
  return out;
}

/** Typed reading of JSON nodes, recording what is wrong where. */
class Checker {
  constructor(private readonly diags: Diagnostic[]) {}

  error(span: Span, code: string, message: string): void {
    this.diags.push(diagnostic(code, "error", message, span));
  }

  warn(span: Span, code: string, message: string): void {
    this.diags.push(diagnostic(code, "warning", message, span));
  }

  expect<K extends JsonNode["kind"]>(node: JsonNode, kind: K, what: string): node is Extract<JsonNode, { kind: K }> {
    if (node.kind === kind) return true;
    this.error(node.span, "world/type", `${what} should be ${kind === "array" ? "an" : "a"} ${kind}, not ${node.kind === "array" || node.kind === "object" ? "an" : "a"} ${node.kind}`);
    return false;
  }

  knownKeys(node: JsonNode, keys: readonly string[], what: string): void {
    if (node.kind !== "object") return;
    for (const m of node.members) {
      if (!keys.includes(m.key)) this.warn(m.keySpan, "world/unknown-key", `${what} has no key "${m.key}" (known: ${keys.join(", ")}); it is ignored`);
    }
  }

  address(node: JsonNode | undefined, what: string): Ipv4 | undefined {
    if (node === undefined || !this.expect(node, "string", what)) return undefined;
    const a = parseIpv4(node.value);
    if (a === undefined) this.error(node.span, "world/address", `${what} "${node.value}" is not an IPv4 address`);
    return a;
  }

  cidr(node: JsonNode | undefined, what: string): { address: Ipv4; prefix: number; span: Span } | undefined {
    if (node === undefined || !this.expect(node, "string", what)) return undefined;
    const [a, p, ...rest] = node.value.split("/");
    const address = parseIpv4(a ?? "");
    const prefix = p !== undefined && /^[0-9]{1,2}$/.test(p) ? Number(p) : -1;
    if (address === undefined || prefix < 0 || prefix > 32 || rest.length > 0) {
      this.error(node.span, "world/address", `${what} "${node.value}" is not an ADDRESS/PREFIX such as 192.168.1.0/24`);
      return undefined;
    }
    return { address, prefix, span: node.span };
  }

  mac(node: JsonNode | undefined, what: string): Mac | undefined {
    if (node === undefined || !this.expect(node, "string", what)) return undefined;
    const m = parseMac(node.value);
    if (m === undefined) this.error(node.span, "world/mac", `${what} "${node.value}" is not a MAC address`);
    else if (Math.floor(m / 2 ** 40) % 2 === 1) this.error(node.span, "world/mac", `${what} ${node.value} is a multicast address`);
    return m;
  }
}
