// The iptables tables of Linux 2.6.32: `filter` (INPUT, FORWARD, OUTPUT) and `nat` (PREROUTING,
// POSTROUTING, OUTPUT — nat has no INPUT chain before 2.6.36), user chains kept in name order as
// libiptc keeps them, policies and packet/byte counters; ipt_do_table's traversal (jumps push a
// return point, gotos do not, RETURN pops, a built-in chain's end is its policy, a hotdrop ends the
// walk); and the checks translate_table makes when a ruleset is committed (loops → ELOOP, targets
// and matches used outside their table, hooks or protocol → EINVAL).
import type { HookPoint, RejectWith } from "../hooks.ts";
import { IpProtocol } from "../../wire/ipv4.ts";
import { PhysOpt, ruleMatches, type MatchEnv, type Rule, type Target } from "./rule.ts";

/** The tables this model has. */
export type TableName = "filter" | "nat";

/** Built-in chains of each table, in the order the kernel lays them out (and iptables lists them). */
export const BUILTIN_CHAINS: Readonly<Record<TableName, readonly HookPoint[]>> = {
  filter: ["INPUT", "FORWARD", "OUTPUT"],
  nat: ["PREROUTING", "POSTROUTING", "OUTPUT"],
};

/** A rule with its counters. */
export interface RuleEntry {
  readonly rule: Rule;
  packets: number;
  bytes: number;
}

/** A chain: built-in ones have a policy and policy counters. */
export interface Chain {
  name: string;
  readonly builtin: boolean;
  policy: "ACCEPT" | "DROP";
  policyPackets: number;
  policyBytes: number;
  rules: RuleEntry[];
}

/** One table of one node. */
export class Table {
  chains: Chain[];

  constructor(readonly name: TableName) {
    this.chains = BUILTIN_CHAINS[name].map((hook) => ({ name: hook, builtin: true, policy: "ACCEPT", policyPackets: 0, policyBytes: 0, rules: [] }));
  }

  /** The chain called `name`. */
  chain(name: string): Chain | undefined {
    return this.chains.find((c) => c.name === name);
  }

  /** A deep copy (rules are shared: they are immutable). */
  clone(): Table {
    const copy = new Table(this.name);
    copy.chains = this.chains.map((c) => ({ ...c, rules: c.rules.map((e) => ({ ...e })) }));
    return copy;
  }

  /** Adds a user chain, keeping user chains sorted by name (strcmp) after the built-ins. */
  addUserChain(name: string): void {
    const chain: Chain = { name, builtin: false, policy: "ACCEPT", policyPackets: 0, policyBytes: 0, rules: [] };
    const at = this.chains.findIndex((c) => !c.builtin && c.name > name);
    if (at < 0) this.chains.push(chain);
    else this.chains.splice(at, 0, chain);
  }

  /** Re-sorts user chains after a rename. */
  sortUserChains(): void {
    const builtins = this.chains.filter((c) => c.builtin);
    const users = this.chains.filter((c) => !c.builtin).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.chains = [...builtins, ...users];
  }

  /** How many rules jump or go to `name`. */
  references(name: string): number {
    let n = 0;
    for (const c of this.chains) for (const e of c.rules) if (e.rule.target.kind === "jump" && e.rule.target.chain === name) n++;
    return n;
  }
}

/** What a target tells the traversal. */
export type TargetAction = { readonly kind: "continue" } | { readonly kind: "accept" } | { readonly kind: "drop"; readonly why: string } | { readonly kind: "reject"; readonly with: RejectWith; readonly why: string };

/** Runs an extension target (REJECT, LOG, NAT targets); the table walk calls it with the rule's position. */
export type TargetRunner = (target: Target, where: string) => TargetAction;

/** The verdict of a table walk. */
export type WalkResult = { readonly kind: "accept" } | { readonly kind: "drop"; readonly why: string } | { readonly kind: "reject"; readonly with: RejectWith; readonly why: string };

/** ipt_do_table: walks the hook's chain and whatever it jumps to, counting matched rules. */
export function walk(table: Table, hook: HookPoint, env: MatchEnv, run: TargetRunner): WalkResult {
  const start = table.chain(hook);
  if (start === undefined || !start.builtin) return { kind: "accept" };
  const bytes = env.pkt.totalLength;
  const stack: { chain: Chain; index: number }[] = [];
  let chain = start;
  let index = 0;
  for (let steps = 0; steps < 1_000_000; steps++) {
    const entry = chain.rules[index];
    if (entry === undefined) {
      const back = stack.pop();
      if (back !== undefined) {
        chain = back.chain;
        index = back.index;
        continue;
      }
      start.policyPackets++;
      start.policyBytes += bytes;
      return start.policy === "ACCEPT" ? { kind: "accept" } : { kind: "drop", why: `${table.name} ${hook}: policy DROP` };
    }
    const m = ruleMatches(entry.rule, env);
    if (m === "hotdrop") return { kind: "drop", why: `${table.name} ${chain.name}: rule ${index + 1}: header too short (hotdrop)` };
    if (m === "nomatch") {
      index++;
      continue;
    }
    entry.packets++;
    entry.bytes += bytes;
    const where = `${table.name} ${chain.name}: rule ${index + 1}`;
    const t = entry.rule.target;
    if (t.kind === "jump") {
      const next = table.chain(t.chain);
      if (next === undefined) throw new Error(`netfilter: jump to missing chain ${t.chain}`);
      if (!t.goto) stack.push({ chain, index: index + 1 });
      chain = next;
      index = 0;
      continue;
    }
    if (t.kind === "standard" && t.verdict === "RETURN") {
      const back = stack.pop();
      if (back === undefined) {
        chain = start;
        index = start.rules.length;
      } else {
        chain = back.chain;
        index = back.index;
      }
      continue;
    }
    const action = standardAction(t, where) ?? run(t, where);
    if (action.kind !== "continue") return action;
    index++;
  }
  throw new Error("netfilter: table walk did not terminate");
}

function standardAction(t: Target, where: string): TargetAction | undefined {
  if (t.kind === "none") return { kind: "continue" };
  if (t.kind !== "standard") return undefined;
  if (t.verdict === "ACCEPT") return { kind: "accept" };
  if (t.verdict === "DROP") return { kind: "drop", why: `${where}: DROP` };
  return { kind: "drop", why: `${where}: QUEUE (no queue handler)` };
}

/** Why the kernel refused a ruleset: the errno and what it would have written to dmesg. */
export interface CommitError {
  readonly errno: "EINVAL" | "ELOOP";
  readonly dmesg: string;
}

/** Hooks from which each chain can be reached (translate_table's mark_source_chains). */
function hookMasks(table: Table): Map<string, Set<HookPoint>> | CommitError {
  const masks = new Map<string, Set<HookPoint>>(table.chains.map((c) => [c.name, new Set<HookPoint>()]));
  const visit = (chain: Chain, hook: HookPoint, path: Set<string>): CommitError | undefined => {
    if (path.has(chain.name)) return { errno: "ELOOP", dmesg: `ip_tables: loop hook ${hook} pos in chain ${chain.name}` };
    masks.get(chain.name)!.add(hook);
    path.add(chain.name);
    for (const e of chain.rules) {
      if (e.rule.target.kind !== "jump") continue;
      const next = table.chain(e.rule.target.chain);
      const err = next === undefined ? undefined : visit(next, hook, path);
      if (err !== undefined) return err;
    }
    path.delete(chain.name);
    return undefined;
  };
  for (const c of table.chains) {
    if (!c.builtin) continue;
    const err = visit(c, c.name as HookPoint, new Set());
    if (err !== undefined) return err;
  }
  return masks;
}

/** Table and hooks each extension target may be used from. */
const TARGET_PLACES: Readonly<Record<string, { table?: TableName; hooks?: readonly HookPoint[] }>> = {
  MASQUERADE: { table: "nat", hooks: ["POSTROUTING"] },
  SNAT: { table: "nat", hooks: ["POSTROUTING"] },
  DNAT: { table: "nat", hooks: ["PREROUTING", "OUTPUT"] },
  REJECT: { table: "filter", hooks: ["INPUT", "FORWARD", "OUTPUT"] },
  LOG: {},
};

/** translate_table's checks of a whole table; undefined when the kernel accepts it. */
export function checkTable(table: Table): CommitError | undefined {
  const masks = hookMasks(table);
  if (!(masks instanceof Map)) return masks;
  for (const chain of table.chains) {
    const hooks = [...masks.get(chain.name)!];
    for (const e of chain.rules) {
      const err = checkRule(table.name, e.rule, hooks);
      if (err !== undefined) return { errno: "EINVAL", dmesg: err };
    }
  }
  return undefined;
}

function checkRule(table: TableName, rule: Rule, hooks: readonly HookPoint[]): string | undefined {
  for (const m of rule.matches) {
    const proto = m.kind === "tcp" ? IpProtocol.Tcp : m.kind === "udp" ? IpProtocol.Udp : m.kind === "icmp" ? IpProtocol.Icmp : 0;
    if (proto !== 0 && (rule.proto !== proto || rule.protoInvert)) return `ip_tables: ${m.kind} match: only valid for protocol ${proto}`;
    if (m.kind === "physdev" && m.bitmask & PhysOpt.Out && (!(m.bitmask & PhysOpt.Bridged) || m.invert & PhysOpt.Bridged) && hooks.includes("OUTPUT")) {
      return "physdev match: using --physdev-out in the OUTPUT, FORWARD and POSTROUTING chains for non-bridged traffic is not supported anymore.";
    }
  }
  const t = rule.target;
  const place = TARGET_PLACES[t.kind];
  if (place === undefined) return undefined;
  if (place.table !== undefined && place.table !== table) return `ip_tables: ${t.kind} target: only valid in ${place.table} table, not ${table}`;
  const bad = hooks.filter((h) => place.hooks !== undefined && !place.hooks.includes(h));
  if (bad.length > 0) return `ip_tables: ${t.kind} target: used from hooks ${bad.join("/")}, but only usable from ${place.hooks!.join("/")}`;
  if (t.kind === "REJECT" && t.with === "tcp-reset" && (rule.proto !== IpProtocol.Tcp || rule.protoInvert)) return "ipt_REJECT: TCP_RESET invalid for non-tcp";
  return undefined;
}
