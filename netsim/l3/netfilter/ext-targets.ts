// The target extensions of iptables 1.4.8 this simulator models, with their options, parsing and
// error messages: libipt_REJECT.c, libipt_MASQUERADE.c, libipt_SNAT.c, libipt_DNAT.c, libipt_LOG.c.
import type { RejectWith } from "../hooks.ts";
import { refuseInverse, prefixOf, type ParseContext, type TargetExtension } from "./extension.ts";
import type { NatRange } from "./nat.ts";
import { LOG_LEVEL_NAMES, REJECT_NAMES } from "./names.ts";
import type { Target } from "./rule.ts";
import { atoi, numericToIpaddr, strtoui } from "./xt-parse.ts";

/** Protocols with which a NAT target accepts ports (TCP, UDP, SCTP, DCCP, ICMP). */
function portsAllowed(proto: number): boolean {
  return [6, 17, 132, 33, 1].includes(proto);
}

const NEED_PORT_PROTO = "Need TCP, UDP, SCTP or DCCP with port specification";

/** An empty NAT range. */
function noRange(): NatRange {
  return { mapIps: false, minIp: 0, maxIp: 0, protoSpecified: false, minPort: 0, maxPort: 0, random: false, persistent: false };
}

/** libipt_REJECT. */
function rejectTarget(): TargetExtension {
  let withType: RejectWith = "icmp-port-unreachable";
  return {
    name: "REJECT",
    options: [{ name: "reject-with", hasArg: 1 }],
    parse(_opt, arg, ctx) {
      const refused = refuseInverse(arg, ctx, "Unexpected `!' after --reject-with");
      if (refused !== undefined) return refused;
      const given = arg ?? "";
      const hit = REJECT_NAMES.find((r) => prefixOf(given, r.name) || prefixOf(given, r.alias));
      if (hit === undefined) {
        if (prefixOf(given, "echo-reply") || prefixOf(given, "echoreply")) ctx.warn("--reject-with echo-reply no longer supported\n");
        return `unknown reject type "${given}"`;
      }
      withType = hit.name;
      return undefined;
    },
    finalCheck: () => undefined,
    build: (): Target => ({ kind: "REJECT", with: withType }),
  };
}

/** MASQUERADE's parse_ports: `port` or `min-max` (atoi, as the real parser reads them). */
function parseToPorts(arg: string, range: NatRange): NatRange | string {
  const port = atoi(arg);
  if (port <= 0 || port > 65535) return `Port "${arg}" not valid\n`;
  const dash = arg.indexOf("-");
  if (dash < 0) return { ...range, protoSpecified: true, minPort: port, maxPort: port };
  const max = atoi(arg.slice(dash + 1));
  if (max === 0 || max > 65535) return `Port \`${arg.slice(dash + 1)}' not valid\n`;
  if (max < port) return `Port range \`${arg}' funky\n`;
  return { ...range, protoSpecified: true, minPort: port, maxPort: max };
}

/** libipt_MASQUERADE. */
function masqueradeTarget(): TargetExtension {
  let range = noRange();
  return {
    name: "MASQUERADE",
    options: [{ name: "to-ports", hasArg: 1 }, { name: "random", hasArg: 0 }],
    parse(opt, arg, ctx) {
      if (opt === "random") {
        range = { ...range, random: true };
        return undefined;
      }
      if (!portsAllowed(ctx.proto)) return NEED_PORT_PROTO;
      const refused = refuseInverse(arg, ctx, "Unexpected `!' after --to-ports");
      if (refused !== undefined) return refused;
      const next = parseToPorts(arg ?? "", range);
      if (typeof next === "string") return next;
      range = next;
      return undefined;
    },
    finalCheck: () => undefined,
    build: (): Target => ({ kind: "MASQUERADE", range }),
  };
}

/** parse_to of SNAT/DNAT: `ip[-ip][:port[-port]]`. */
function parseNatTo(arg: string, portok: boolean): NatRange | string {
  let range = noRange();
  let addrPart = arg;
  const colon = arg.indexOf(":");
  if (colon >= 0) {
    if (!portok) return NEED_PORT_PROTO;
    const portText = arg.slice(colon + 1);
    const port = atoi(portText);
    if (port <= 0 || port > 65535) return `Port \`${portText}' not valid\n`;
    if (portText.includes(":")) return "Invalid port:port syntax - use dash\n";
    const dash = portText.indexOf("-");
    let max = port;
    if (dash >= 0) {
      max = atoi(portText.slice(dash + 1));
      if (max <= 0 || max > 65535) return `Port \`${portText.slice(dash + 1)}' not valid\n`;
      if (max < port) return `Port range \`${portText}' funky\n`;
    }
    range = { ...range, protoSpecified: true, minPort: port, maxPort: max };
    if (colon === 0) return range;
    addrPart = arg.slice(0, colon);
  }
  const dash = addrPart.indexOf("-");
  const first = dash >= 0 ? addrPart.slice(0, dash) : addrPart;
  const min = numericToIpaddr(first);
  if (min === undefined) return `Bad IP address "${first}"\n`;
  let max = min;
  if (dash >= 0) {
    const second = numericToIpaddr(addrPart.slice(dash + 1));
    if (second === undefined) return `Bad IP address "${addrPart.slice(dash + 1)}"\n`;
    max = second;
  }
  return { ...range, mapIps: true, minIp: min, maxIp: max };
}

/** libipt_SNAT and libipt_DNAT. */
function natTarget(kind: "SNAT" | "DNAT"): TargetExtension {
  const option = kind === "SNAT" ? "to-source" : "to-destination";
  let range: NatRange | undefined;
  let random = false;
  let persistent = false;
  return {
    name: kind,
    options: [{ name: option, hasArg: 1 }, { name: "random", hasArg: 0 }, { name: "persistent", hasArg: 0 }],
    parse(opt, arg, ctx: ParseContext) {
      if (opt === "random") random = true;
      else if (opt === "persistent") persistent = true;
      else {
        const refused = refuseInverse(arg, ctx, `Unexpected \`!' after --${option}`);
        if (refused !== undefined) return refused;
        if (range !== undefined) return `Multiple --${option} not supported`;
        const parsed = parseNatTo(arg ?? "", portsAllowed(ctx.proto));
        if (typeof parsed === "string") return parsed;
        range = parsed;
      }
      return undefined;
    },
    finalCheck: () => (range === undefined ? `You must specify --${option}` : undefined),
    build: (): Target => ({ kind, range: { ...(range ?? noRange()), random, persistent } }),
  };
}

/** libipt_LOG's parse_level: 0–7 or an unambiguous prefix of a syslog level name. */
function parseLogLevel(level: string): number | string {
  const n = strtoui(level, 0, 7);
  if (n !== undefined) return n;
  const hits = LOG_LEVEL_NAMES.filter(([name]) => prefixOf(level, name));
  if (hits.length > 1) return `log-level \`${level}' ambiguous`;
  return hits.length === 1 ? hits[0]![1] : `log-level \`${level}' unknown`;
}

/** libipt_LOG (level 4 = warning by default; flags: tcp-sequence 1, tcp-options 2, ip-options 4, uid 8). */
function logTarget(): TargetExtension {
  let level: number | undefined;
  let prefix: string | undefined;
  let logFlags = 0;
  const flagBits: Record<string, number> = { "log-tcp-sequence": 1, "log-tcp-options": 2, "log-ip-options": 4, "log-uid": 8 };
  return {
    name: "LOG",
    options: [{ name: "log-level", hasArg: 1 }, { name: "log-prefix", hasArg: 1 }, ...Object.keys(flagBits).map((name) => ({ name, hasArg: 0 as const }))],
    parse(opt, arg, ctx) {
      if (opt === "log-level" || opt === "log-prefix") {
        const twice = opt === "log-level" ? level !== undefined : prefix !== undefined;
        if (twice) return `Can't specify --${opt} twice`;
        const refused = refuseInverse(arg, ctx, `Unexpected \`!' after --${opt}`);
        if (refused !== undefined) return refused;
        const value = arg ?? "";
        if (opt === "log-level") {
          const l = parseLogLevel(value);
          if (typeof l === "string") return l;
          level = l;
          return undefined;
        }
        if (value.length > 29) return "Maximum prefix length 29 for --log-prefix";
        if (value.length === 0) return "No prefix specified for --log-prefix";
        if (value.includes("\n")) return "Newlines not allowed in --log-prefix";
        prefix = value;
        return undefined;
      }
      const bit = flagBits[opt]!;
      if (logFlags & bit) return `Can't specify --${opt} twice`;
      logFlags |= bit;
      return undefined;
    },
    finalCheck: () => undefined,
    build: (): Target => ({ kind: "LOG", level: level ?? 4, prefix: prefix ?? "", logFlags }),
  };
}

/** A fresh instance of the named target extension, or undefined when it is not modelled. */
export function createTarget(name: string): TargetExtension | undefined {
  switch (name) {
    case "REJECT":
      return rejectTarget();
    case "MASQUERADE":
      return masqueradeTarget();
    case "SNAT":
    case "DNAT":
      return natTarget(name);
    case "LOG":
      return logTarget();
    default:
      return undefined;
  }
}
