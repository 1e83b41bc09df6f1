// bridge-utils 1.4's ifupdown hook (/etc/network/if-pre-up.d/bridge and if-post-down.d/bridge,
// bridge-utils-interfaces(5); ifupdown.md §5.1), for a stanza with `bridge_ports`: `brctl addbr`
// (an existing bridge makes the hook exit 1, which ifupdown 0.6 ignores), each port enslaved and
// brought up without an address (a missing one is reported by brctl and skipped — the bridge comes
// up without it), the bridge_* settings applied in the hook's order, the bridge brought up, then
// the wait: "Waiting for BR to get ready (MAXWAIT is N seconds)." polling once a second until every
// port forwards or blocks, at most bridge_maxwait seconds (default 2 × (forward delay + 1)).

import { Bridge, type NetDev } from "../../netsim/l2/index.ts";
import { parseMac } from "../../netsim/wire/address.ts";
import { brctlBool, brctlInt, brctlSeconds, optionValue, type IfaceStanza } from "../../topology/index.ts";
import type { IfupHost } from "./ifupdown.ts";

/** One second, µs. */
const SECOND = 1_000_000;
/** What brctl and ifconfig take per call, µs. */
const EXEC_US = 3_000;

/** The ports `bridge_ports` names: `none`, names, `all` (= `regex eth.*`), `regex RE… [noregex NAME…]`. */
export function bridgePorts(spec: string, devices: readonly string[], self: string): string[] {
  const words = spec.split(/\s+/).filter((w) => w !== "");
  if (words.length === 0 || words[0] === "none") return [];
  const expanded = words[0] === "all" ? ["regex", "eth.*", "noregex"] : words;
  const out: string[] = [];
  let regex = false;
  for (const w of expanded) {
    if (w === "regex" || w === "noregex") {
      regex = w === "regex";
      continue;
    }
    if (!regex) out.push(w);
    else {
      let re: RegExp | null = null;
      try {
        re = new RegExp(`^(?:${w})$`);
      } catch {
        re = null;
      }
      for (const d of devices) if (re?.test(d) && d !== self && !out.includes(d)) out.push(d);
    }
  }
  return out;
}

/** ifup's pre-up hook for a bridge stanza; `done` runs once the wait is over. */
export function bridgeUp(host: IfupHost, s: IfaceStanza, done: () => void): void {
  const spec = optionValue(s, "bridge_ports");
  if (spec === undefined) return done();
  const node = host.node;
  if (node.device(s.name) !== undefined) {
    host.print(`device ${s.name} already exists; can't create bridge with the same name\n`);
    return done();
  }
  const br = node.createBridge(s.name);
  const names = bridgePorts(spec, node.devices().map((d) => d.name), s.name);
  const hw = optionValue(s, "bridge_hw");
  for (const name of names) {
    const dev = node.device(name);
    if (dev === undefined) {
      host.print(`interface ${name} does not exist!\n`);
      continue;
    }
    const mac = hw !== undefined ? parseMac(hw) : undefined;
    if (mac !== undefined) {
      dev.setUp(false);
      dev.mac = mac;
    }
    const added = br.addPort(dev, dev.kind === "nic" ? { speedMbps: 1000 } : {});
    if (!added.ok) {
      host.print(`${added.message}\n`);
      continue;
    }
    host.stack.flushAddresses(name);
    dev.setUp(true);
  }
  applySettings(host, br, s);
  br.setUp(true);
  const maxWait = bridgeMaxWait(s, br);
  const started = host.sim.now;
  host.sim.schedule(EXEC_US * (2 + 2 * names.length), () => {
    if (maxWait <= 0) return done();
    host.print(`Waiting for ${s.name} to get ready (MAXWAIT is ${maxWait} seconds).\n`);
    let count = 0;
    const poll = () => {
      count++;
      const ready = br.ports.every((p) => p.state === "forwarding" || p.state === "blocking");
      if (ready || count >= maxWait || host.sim.now - started > (maxWait + 2) * SECOND) return done();
      host.sim.schedule(SECOND, poll);
    };
    host.sim.schedule(SECOND, poll);
  });
}

/** MAXWAIT: `bridge_maxwait` (an integer), else 2 × (the bridge's forward delay + 1) as brctl showstp reports it. */
export function bridgeMaxWait(s: IfaceStanza, br: Bridge): number {
  const given = optionValue(s, "bridge_maxwait");
  const n = given === undefined ? undefined : brctlInt(given);
  if (n !== undefined) return Math.max(0, n);
  return 2 * (Math.floor(br.stp.forwardDelay / SECOND) + 1);
}

/** The hook's brctl calls, in its order: ageing, bridgeprio, fd, gcint, hello, maxage, pathcost, portprio, stp. */
function applySettings(host: IfupHost, br: Bridge, s: IfaceStanza): void {
  const seconds = (key: string): number | undefined => {
    const v = optionValue(s, key);
    const n = v === undefined ? undefined : brctlSeconds(v);
    return n === undefined ? undefined : Math.round(n * SECOND);
  };
  const report = (r: { ok: boolean; message?: string }) => {
    if (!r.ok && r.message) host.print(`${r.message}\n`);
  };
  const ageing = seconds("bridge_ageing");
  if (ageing !== undefined) report(br.setAgeingTime(ageing));
  const prio = optionValue(s, "bridge_bridgeprio");
  if (prio !== undefined && brctlInt(prio) !== undefined) report(br.setBridgePriority(brctlInt(prio)!));
  const fd = seconds("bridge_fd");
  if (fd !== undefined) report(br.setForwardDelay(fd));
  const gc = seconds("bridge_gcint");
  if (gc !== undefined) br.gcInterval = gc;
  const hello = seconds("bridge_hello");
  if (hello !== undefined) report(br.setHelloTime(hello));
  const maxAge = seconds("bridge_maxage");
  if (maxAge !== undefined) report(br.setMaxAge(maxAge));
  for (const [key, set] of [["bridge_pathcost", (d: NetDev, v: number) => br.setPathCost(d, v)], ["bridge_portprio", (d: NetDev, v: number) => br.setPortPriority(d, v)]] as const) {
    for (const o of s.options.filter((x) => x.key === key)) {
      const [port, value] = o.value.split(/\s+/);
      const dev = port === undefined ? undefined : host.node.device(port);
      const n = value === undefined ? undefined : brctlInt(value);
      if (dev !== undefined && n !== undefined) report(set(dev, n));
    }
  }
  const stp = optionValue(s, "bridge_stp");
  if (stp !== undefined) br.setStp(brctlBool(stp) === true);
}

/** The post-down hook: the bridge down, each port down and released, the bridge deleted. */
export function bridgeDown(host: IfupHost, s: IfaceStanza): void {
  if (optionValue(s, "bridge_ports") === undefined) return;
  const br = host.node.device(s.name);
  if (!(br instanceof Bridge)) return;
  br.setUp(false);
  for (const p of [...br.ports]) {
    p.dev.setUp(false);
    br.removePort(p.dev);
  }
  host.node.deleteDevice(br);
}
