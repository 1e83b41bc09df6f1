// Netfilter for one node, as a Linux 2.6.32 dom0 runs it: the hook functions in priority order —
// PREROUTING: conntrack (-200), nat DNAT (-100); INPUT: filter (0), nat SNAT (100), confirm;
// FORWARD: filter; OUTPUT: conntrack, nat DNAT, filter; POSTROUTING: nat SNAT, confirm
// (nf_conntrack_l3proto_ipv4.c, nf_nat_standalone.c, iptable_filter.c). Tables exist once an
// iptables command has loaded their module; loading nat, or a rule with -m state/conntrack, loads
// connection tracking. The `iptables`, `iptables-save` and `conntrack` commands run against it.
import type { Sim } from "../../engine/sim.ts";
import { SECOND } from "../../engine/sim.ts";
import type { HookContext, HookPoint, PacketHooks, StackView, Verdict } from "../hooks.ts";
import { ipv4ToString } from "../../wire/address.ts";
import { IpProtocol } from "../../wire/ipv4.ts";
import { Status, type Conn } from "./conn.ts";
import { ConnTrack, DEFAULT_CONNTRACK_MAX } from "./conntrack.ts";
import { conntrackIn, lookupTracking, type Tracking } from "./conntrack-in.ts";
import { runConntrack, type ToolResult } from "./conntrack-tool.ts";
import { saveTable } from "./format.ts";
import { applyCommand, iptcFailure, IptcError, type CommandResult } from "./iptables-command.ts";
import { parseIptables } from "./iptables-parse.ts";
import type { Manip } from "./mangle.ts";
import { Nat, type NatRange } from "./nat.ts";
import { readPacketInfo, type PacketInfo } from "./packet-info.ts";
import type { MatchEnv, Target } from "./rule.ts";
import { checkTable, Table, walk, type TableName, type TargetAction, type WalkResult } from "./tables.ts";
import type { Tuple } from "./tuple.ts";
import { ctime } from "./ctime.ts";
import { etcHostsResolver, type HostResolver } from "./xt-parse.ts";

/** How a node's netfilter is set up. */
export interface NetfilterOptions {
  readonly sim: Sim;
  readonly view: StackView;
  /** nf_conntrack_max (default 65536). */
  readonly conntrackMax?: number;
  /** Host name lookups for iptables arguments (default: /etc/hosts with localhost). */
  readonly resolve?: HostResolver;
  /** Unix time (s) at simulated time 0, for iptables-save's dates (default 2011-02-06 00:00 UTC, Squeeze's release). */
  readonly epoch?: number;
}

/** Hook context a bridge (bridge-netfilter) may pass: the bridge ports, for -m physdev. */
export interface BridgeHookContext extends HookContext {
  readonly physIn?: string;
  readonly physOut?: string;
  readonly bridged?: boolean;
  /** Another copy of the packet goes on (a bridge's flood): this copy's drop leaves an unconfirmed entry alive. */
  readonly shared?: boolean;
}

/** A snapshot of one conntrack entry (tests, web view). */
export interface ConnectionInfo {
  readonly original: Tuple;
  readonly reply: Tuple;
  readonly assured: boolean;
  readonly replied: boolean;
  readonly secondsLeft: number;
  /** The masquerade device, for entries MASQUERADE made. */
  readonly masqueradedVia?: string;
}

const accept = (packet: Uint8Array): Verdict => ({ action: "accept", packet });

/** The netfilter of one node; implements the stack's PacketHooks. */
export class Netfilter implements PacketHooks {
  private readonly tables = new Map<TableName, Table>();
  /** Loaded tables, newest first (the order of /proc/net/ip_tables_names). */
  private loadOrder: TableName[] = [];
  private tracking = false;
  private readonly ct: ConnTrack;
  private readonly nat: Nat;
  private readonly kernelLog: string[] = [];
  /** Stops listening to the stack's device-down notifications. */
  readonly dispose: () => void;

  constructor(private readonly options: NetfilterOptions) {
    const { sim, view } = options;
    this.ct = new ConnTrack(sim, view.node, options.conntrackMax ?? DEFAULT_CONNTRACK_MAX);
    this.nat = new Nat(this.ct, sim, view.node, sim.rng(`${view.node}/nat`));
    this.dispose = view.onDeviceDown((dev) => this.nat.flushMasqueraded(dev));
  }

  /** The conntrack table (read access for listings). */
  get conntrack(): ConnTrack {
    return this.ct;
  }

  /** The confirmed entries, oldest first. */
  connections(): readonly ConnectionInfo[] {
    return this.ct.list().map((c) => ({
      original: c.original,
      reply: c.reply,
      assured: c.has(Status.Assured),
      replied: c.has(Status.SeenReply),
      secondsLeft: this.ct.secondsLeft(c),
      ...(c.masqDev !== undefined ? { masqueradedVia: c.masqDev } : {}),
    }));
  }

  /** True once a table or connection tracking is loaded: before, every hook accepts at once. */
  get loaded(): boolean {
    return this.loadOrder.length > 0 || this.tracking;
  }

  /** Lines the kernel would have logged (dmesg): commit refusals, MASQUERADE without an address. */
  kernelMessages(): readonly string[] {
    return this.kernelLog;
  }

  run(hook: HookPoint, packet: Uint8Array, ctx: HookContext): Verdict {
    if (this.loadOrder.length === 0 && !this.tracking) return accept(packet);
    const pkt = readPacketInfo(packet);
    if (pkt === undefined) return { action: "drop", reason: "malformed IPv4 header" };
    switch (hook) {
      case "PREROUTING":
      case "OUTPUT":
        return this.entryHook(hook, packet, pkt, ctx);
      case "INPUT":
        return this.inputHook(packet, pkt, ctx);
      case "FORWARD": {
        const t = this.continued(pkt, ctx);
        return this.finish(t, this.filter("FORWARD", t, pkt, ctx), packet, ctx);
      }
      case "POSTROUTING": {
        const t = this.continued(pkt, ctx);
        const nat = this.natHook("POSTROUTING", "src", t, packet, pkt, ctx);
        if (nat.action !== "accept") return this.dropped(t, nat, ctx);
        return this.confirmed(t, nat.packet);
      }
    }
  }

  /** PREROUTING and OUTPUT: a new traversal — track, then DNAT (then filter, for OUTPUT). */
  private entryHook(hook: "PREROUTING" | "OUTPUT", packet: Uint8Array, pkt: PacketInfo, ctx: HookContext): Verdict {
    // A packet looped back through lo arrives at PREROUTING already tracked at OUTPUT.
    const seen = hook === "PREROUTING" ? (ctx.skb?.nfct as Tracking | undefined) : undefined;
    let t: Tracking;
    if (seen !== undefined) t = seen;
    else if (!this.tracking) t = { kind: "untracked", why: "conntrack not loaded" };
    else {
      this.ct.discardStale();
      t = conntrackIn(this.ct, pkt, hook === "PREROUTING");
    }
    if (t.kind === "drop") return { action: "drop", reason: t.why };
    const nat = this.natHook(hook, "dst", t, packet, pkt, ctx);
    if (nat.action !== "accept") return this.dropped(t, nat);
    if (ctx.skb) ctx.skb.nfct = t;
    if (hook === "PREROUTING") return nat;
    const after = nat.packet === packet ? pkt : readPacketInfo(nat.packet)!;
    return this.finish(t, this.filter("OUTPUT", t, after, ctx), nat.packet);
  }

  private inputHook(packet: Uint8Array, pkt: PacketInfo, ctx: HookContext): Verdict {
    const t = this.continued(pkt, ctx);
    const filtered = this.finish(t, this.filter("INPUT", t, pkt, ctx), packet);
    if (filtered.action !== "accept") return filtered;
    const nat = this.natHook("INPUT", "src", t, packet, pkt, ctx);
    if (nat.action !== "accept") return this.dropped(t, nat);
    return this.confirmed(t, nat.packet);
  }

  /** The tracking of a packet already seen at PREROUTING/OUTPUT (skb->nfct), else found again from its headers. */
  private continued(pkt: PacketInfo, ctx: HookContext): Tracking {
    const known = ctx.skb?.nfct as Tracking | undefined;
    if (known !== undefined) return known;
    return this.tracking ? lookupTracking(this.ct, pkt) : { kind: "untracked", why: "conntrack not loaded" };
  }

  private confirmed(t: Tracking, packet: Uint8Array): Verdict {
    if (t.kind === "tracked" && !this.ct.confirm(t.conn)) return { action: "drop", reason: "nf_conntrack: tuple already in use (confirm clash)" };
    return accept(packet);
  }

  private finish(t: Tracking, result: WalkResult, packet: Uint8Array, ctx?: BridgeHookContext): Verdict {
    if (result.kind === "accept") return accept(packet);
    const verdict: Verdict = result.kind === "drop" ? { action: "drop", reason: result.why } : { action: "reject", with: result.with, reason: result.why };
    return this.dropped(t, verdict, ctx);
  }

  /** A packet that will not go on: its unconfirmed entry dies with it, unless a copy of it still goes on. */
  private dropped(t: Tracking, verdict: Verdict, ctx?: BridgeHookContext): Verdict {
    if (t.kind === "tracked" && !t.conn.confirmed && ctx?.shared !== true) this.ct.destroy(t.conn, "unconfirmed");
    return verdict;
  }

  private env(t: Tracking, pkt: PacketInfo, ctx: BridgeHookContext): MatchEnv {
    return { pkt, inDev: ctx.inDev, outDev: ctx.outDev, physIn: ctx.physIn, physOut: ctx.physOut, bridged: ctx.bridged, tracking: t, secondsLeft: (c) => this.ct.secondsLeft(c) };
  }

  /** The filter table's chain for a hook, if the filter table is loaded. */
  private filter(hook: HookPoint, t: Tracking, pkt: PacketInfo, ctx: HookContext): WalkResult {
    const table = this.tables.get("filter");
    if (table === undefined) return { kind: "accept" };
    return walk(table, hook, this.env(t, pkt, ctx), (target, where) => this.filterTarget(target, where, pkt, ctx));
  }

  private filterTarget(target: Target, where: string, pkt: PacketInfo, ctx: HookContext): TargetAction {
    if (target.kind === "REJECT") return { kind: "reject", with: target.with, why: `${where}: REJECT --reject-with ${target.with}` };
    if (target.kind === "LOG") {
      this.log(target.prefix, pkt, ctx);
      return { kind: "continue" };
    }
    throw new Error(`netfilter: ${target.kind} in the filter table passed the commit checks`);
  }

  /** ipt_LOG: the kernel log line (IN= OUT= [PHYSIN= PHYSOUT=] SRC= DST= ... PROTO=), as a trace note. */
  private log(prefix: string, pkt: PacketInfo, ctx: HookContext): void {
    const { sim, view } = this.options;
    if (!sim.trace.on) return;
    const proto = pkt.protocol === IpProtocol.Tcp ? "TCP" : pkt.protocol === IpProtocol.Udp ? "UDP" : pkt.protocol === IpProtocol.Icmp ? "ICMP" : `${pkt.protocol}`;
    const br = ctx as BridgeHookContext;
    const phys = `${br.physIn !== undefined ? `PHYSIN=${br.physIn} ` : ""}${br.physOut !== undefined ? `PHYSOUT=${br.physOut} ` : ""}`;
    const text = `${prefix}IN=${ctx.inDev ?? ""} OUT=${ctx.outDev ?? ""} ${phys}SRC=${ipv4ToString(pkt.src)} DST=${ipv4ToString(pkt.dst)} LEN=${pkt.totalLength} PROTO=${proto}`;
    sim.trace.emit({ kind: "note", time: sim.now, node: view.node, text });
  }

  /**
   * nf_nat_fn for one hook: ICMP errors RELATED to a NATed connection are translated; the first
   * packet of a connection walks the nat chain (or gets a null binding at INPUT); then the entry's
   * mapping rewrites the packet (a copy; the original bytes are never changed).
   */
  private natHook(hook: HookPoint, manip: Manip, t: Tracking, packet: Uint8Array, pkt: PacketInfo, ctx: HookContext): Verdict {
    const table = this.tables.get("nat");
    if (table === undefined || t.kind !== "tracked") return accept(packet);
    const conn = t.conn;
    if (t.info === "related" && pkt.protocol === IpProtocol.Icmp) {
      const copy = packet.slice();
      if (!this.nat.icmpReply(conn, t.reply, manip, copy)) return { action: "drop", reason: "nat: ICMP error translation refused" };
      return accept(this.nat.needsRewrite(conn, t.reply, manip) ? copy : packet);
    }
    if (t.info !== "established" && !this.nat.initialized(conn, manip)) {
      if (hook === "INPUT") this.nat.nullBinding(conn, manip);
      else {
        const result = walk(table, hook, this.env(t, pkt, ctx), (target, where) => this.natTarget(target, where, conn, pkt, ctx));
        if (result.kind !== "accept") return result.kind === "drop" ? { action: "drop", reason: result.why } : { action: "reject", with: result.with, reason: result.why };
        if (!this.nat.initialized(conn, manip)) this.nat.nullBinding(conn, manip);
      }
    }
    if (!this.nat.needsRewrite(conn, t.reply, manip)) return accept(packet);
    const copy = packet.slice();
    return this.nat.packet(conn, t.reply, manip, copy) ? accept(copy) : { action: "drop", reason: "nat: transport header too short to rewrite" };
  }

  /** MASQUERADE, SNAT, DNAT (and LOG) in the nat table. */
  private natTarget(target: Target, where: string, conn: Conn, pkt: PacketInfo, ctx: HookContext): TargetAction {
    switch (target.kind) {
      case "SNAT":
      case "DNAT":
        this.nat.setup(conn, target.range, target.kind === "SNAT" ? "src" : "dst");
        return { kind: "accept" };
      case "MASQUERADE":
        return this.masquerade(target.range, where, conn, pkt, ctx);
      case "LOG":
        this.log(target.prefix, pkt, ctx);
        return { kind: "continue" };
      default:
        throw new Error(`netfilter: ${target.kind} in the nat table passed the commit checks`);
    }
  }

  /** masquerade_tg: the outgoing device's address for the next hop; no address, no packet. */
  private masquerade(range: NatRange, where: string, conn: Conn, pkt: PacketInfo, ctx: HookContext): TargetAction {
    if (conn.original.src === 0) return { kind: "accept" };
    const dev = ctx.outDev ?? "";
    const source = this.options.view.selectSourceAddress(dev, ctx.nextHop ?? pkt.dst);
    if (source === undefined) {
      this.kernelLog.push(`MASQUERADE: ${dev} ate my IP address`);
      return { kind: "drop", why: `${where}: MASQUERADE: ${dev} ate my IP address` };
    }
    conn.masqDev = dev;
    this.nat.setup(conn, { ...range, mapIps: true, minIp: source, maxIp: source }, "src");
    return { kind: "accept" };
  }

  /** iptc_init: loads a table's module (nat brings connection tracking with it). */
  private loadTable(name: TableName): Table {
    let table = this.tables.get(name);
    if (table === undefined) {
      table = new Table(name);
      this.tables.set(name, table);
      this.loadOrder = [name, ...this.loadOrder];
    }
    if (name === "nat") this.tracking = true;
    return table;
  }

  /** Runs `iptables ARGS` (argv without the program name). */
  iptables(argv: readonly string[]): CommandResult {
    const parsed = parseIptables(argv, this.options.resolve ?? etcHostsResolver);
    if (parsed.kind === "exit") return { stdout: parsed.stdout, stderr: parsed.stderr, exitCode: parsed.exitCode };
    const { cmd, warnings } = parsed;
    if (cmd.table !== "filter" && cmd.table !== "nat") return tableMissing(cmd.table, warnings);
    const table = this.loadTable(cmd.table);
    const copy = table.clone();
    const applied = applyCommand(cmd, copy, warnings);
    if (applied.result.exitCode !== 0 || !applied.changed) return applied.result;
    const refused = checkTable(copy);
    if (refused !== undefined) {
      this.kernelLog.push(refused.dmesg);
      return iptcFailure(refused.errno === "ELOOP" ? IptcError.Loop : IptcError.Invalid, applied.result.stdout, applied.result.stderr);
    }
    this.tables.set(cmd.table, copy);
    if (copy.chains.some((c) => c.rules.some((e) => e.rule.matches.some((m) => m.kind === "state" || m.kind === "conntrack")))) this.tracking = true;
    return applied.result;
  }

  /** Runs `iptables-save [-c] [-t table]`. */
  iptablesSave(argv: readonly string[]): CommandResult {
    let counters = false;
    let only: string | undefined;
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === "-c" || a === "--counters") counters = true;
      else if ((a === "-t" || a === "--table") && argv[i + 1] !== undefined) only = argv[++i];
      else return { stdout: "", stderr: `Unknown arg \`${a}'\n`, exitCode: 1 };
    }
    if (only !== undefined && only !== "filter" && only !== "nat") {
      return { stdout: "", stderr: "iptables-save v1.4.8: Cannot initialize: Table does not exist (do you need to insmod?)\n\n", exitCode: 1 };
    }
    const names = only !== undefined ? [only as TableName] : this.loadOrder;
    const when = ctime((this.options.epoch ?? 1_296_950_400) + Math.floor(this.options.sim.now / SECOND));
    return { stdout: names.map((n) => saveTable(this.loadTable(n), counters, when)).join(""), stderr: "", exitCode: 0 };
  }

  /** Runs `conntrack ARGS`. */
  conntrackCommand(argv: readonly string[]): ToolResult {
    return runConntrack(this.ct, argv);
  }
}

/** iptc_init failing: a table this kernel does not have, or one the simulator does not model. */
function tableMissing(name: string, warnings: string): CommandResult {
  if (["mangle", "raw", "security"].includes(name)) return { stdout: "", stderr: `${warnings}xennet: the iptables \`${name}' table is not simulated\n`, exitCode: 3 };
  return {
    stdout: "",
    stderr: `${warnings}iptables v1.4.8: can't initialize iptables table \`${name}': Table does not exist (do you need to insmod?)\nPerhaps iptables or your kernel needs to be upgraded.\n`,
    exitCode: 3,
  };
}
