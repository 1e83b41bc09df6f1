// The public surface of netsim/l3/netfilter: the per-node Netfilter (the stack's PacketHooks, with
// the iptables, iptables-save and conntrack commands), and the pieces other code and tests use —
// conntrack listing lines, the iptables parser and listings, NAT ranges and the trace tuple text.
//
// For the stack: a drop or reject verdict's `reason` is a human-readable account (e.g.
// "filter FORWARD: policy DROP"); trace it as drop reason "filtered" with the reason as detail.
// Run a packet's hooks at one simulated instant, on views of the same bytes or of the bytes a hook
// returned (TTL and header checksum may change in between): that is how the connection found at
// PREROUTING/OUTPUT follows the packet to INPUT/FORWARD/POSTROUTING, as skb->nfct does in Linux.
export { Netfilter, type NetfilterOptions, type BridgeHookContext, type ConnectionInfo } from "./netfilter.ts";
export { bridgeNetfilter } from "./bridge-hook.ts";
export { ConnTrack, DEFAULT_CONNTRACK_MAX, type DestroyReason } from "./conntrack.ts";
export { Conn, Status } from "./conn.ts";
export { conntrackLine, runConntrack, type ToolResult } from "./conntrack-tool.ts";
export { type CommandResult } from "./iptables-command.ts";
export { parseIptables, type ParsedCommand, type ParseOutcome } from "./iptables-parse.ts";
export { listRules, listTable, ruleSpec, saveTable, type ListFormat } from "./format.ts";
export { Table, walk, checkTable, BUILTIN_CHAINS, type TableName, type Chain, type RuleEntry } from "./tables.ts";
export { type Rule, type Match, type Target } from "./rule.ts";
export { type NatRange } from "./nat.ts";
export { formatTuple, type Tuple } from "./tuple.ts";
export { TcpState, TCP_STATE_NAMES } from "./tcp-tracker.ts";
