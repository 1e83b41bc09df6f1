// The address families and methods ifupdown 0.8.41 knows on Linux (its inet.defn, inet6.defn,
// ipx.defn, can.defn and meta.defn compiled in): for each method, the options interfaces(5)
// documents, the defaults it adds to a stanza, the "conversions" it applies before running
// commands (and before ifquery prints), and the variables its commands cannot do without.
// Defaults and conversions were checked one by one against the real ifquery 0.8.41.

import type { Family } from "./types.ts";

/** A conversion from a .defn file, applied in order to the stanza's variables. */
export type Conversion =
  /** `hwaddress cleanup_hwaddress`: drop a leading `ether`/`ax25`/`ARCnet`/`netrom` class word. */
  | { readonly kind: "cleanup-hwaddress"; readonly option: string }
  /** `address compute_v4_mask =netmask?`: a netmask from `A/N` or the address class, unless one is given. */
  | { readonly kind: "v4-mask"; readonly option: string; readonly target: string }
  /** `address compute_v4_addr`: keep the part before `/`. */
  | { readonly kind: "v4-addr"; readonly option: string }
  /** `broadcast compute_v4_broadcast`: `+`/`-` become the broadcast/network address. */
  | { readonly kind: "v4-broadcast"; readonly option: string }
  /** `preferred-lifetime set_preferred_lft`: 0 on alias interfaces (`eth0:1`). */
  | { readonly kind: "preferred-lft"; readonly option: string }
  /** `(get_token DELIMS N DEFAULT)`: the N-th strtok token, or DEFAULT. */
  | {
      readonly kind: "token";
      readonly option: string;
      readonly delims: string;
      readonly index: number;
      readonly fallback: string;
      readonly target?: string;
    }
  /** `(if_set VALUE)`: the target becomes VALUE when the option is present. */
  | { readonly kind: "set"; readonly option: string; readonly value: string; readonly target: string }
  /** `local make_hex_address =hexaddress`: 10.0.0.1 → 0a00:0001 for 6to4. */
  | { readonly kind: "hex-address"; readonly option: string; readonly target: string };

/** What ifupdown knows about one method of one family. */
export interface MethodSpec {
  /** Options interfaces(5) documents for the method (the generic hooks are valid everywhere). */
  readonly options: readonly string[];
  /** Options added, in this order, when the stanza lacks them. */
  readonly defaults: readonly (readonly [string, string])[];
  readonly conversions: readonly Conversion[];
  /** Variables its commands use unconditionally: without them ifup fails with "missing required configuration variables". */
  readonly required: readonly string[];
}

const HWADDRESS: Conversion = { kind: "cleanup-hwaddress", option: "hwaddress" };
const PREFERRED: Conversion = { kind: "preferred-lft", option: "preferred-lifetime" };

function method(
  options: readonly string[],
  extra: Partial<Omit<MethodSpec, "options">> = {},
): MethodSpec {
  return { options, defaults: extra.defaults ?? [], conversions: extra.conversions ?? [], required: extra.required ?? [] };
}

const INET: Readonly<Record<string, MethodSpec>> = {
  loopback: method([]),
  static: method(
    ["address", "netmask", "broadcast", "metric", "gateway", "pointopoint", "hwaddress", "mtu", "scope"],
    {
      defaults: [["broadcast", "+"]],
      conversions: [
        HWADDRESS,
        { kind: "v4-mask", option: "address", target: "netmask?" },
        { kind: "v4-addr", option: "address" },
        { kind: "v4-broadcast", option: "broadcast" },
      ],
      required: ["address"],
    },
  ),
  manual: method(["hwaddress", "mtu"], { conversions: [HWADDRESS] }),
  dhcp: method(["hostname", "metric", "leasetime", "vendor", "client", "hwaddress"], { conversions: [HWADDRESS] }),
  bootp: method(["bootfile", "server", "hwaddr"]),
  tunnel: method(["address", "mode", "endpoint", "dstaddr", "local", "metric", "gateway", "ttl", "mtu"], {
    required: ["mode", "endpoint", "address", "netmask"],
  }),
  ppp: method(["provider", "unit", "options"]),
  wvdial: method(["provider"]),
  ipv4ll: method([]),
};

const INET6_LL: readonly (readonly [string, string])[] = [
  ["request_prefix", "0"],
  ["ll-attempts", "60"],
  ["ll-interval", "0.1"],
];

const INET6: Readonly<Record<string, MethodSpec>> = {
  auto: method(["privext", "accept_ra", "dhcp", "request_prefix", "ll-attempts", "ll-interval"], {
    defaults: [["accept_ra", "2"], ...INET6_LL],
  }),
  loopback: method([]),
  static: method(
    [
      "address", "netmask", "metric", "gateway", "media", "hwaddress", "mtu", "accept_ra", "autoconf",
      "privext", "scope", "preferred-lifetime", "dad-attempts", "dad-interval",
    ],
    {
      defaults: [["autoconf", "0"], ["preferred-lifetime", ""], ["dad-attempts", "60"], ["dad-interval", "0.1"]],
      conversions: [
        HWADDRESS,
        PREFERRED,
        { kind: "token", option: "address", delims: "/", index: 1, fallback: "", target: "netmask?" },
        { kind: "token", option: "address", delims: "/", index: 0, fallback: "" },
        { kind: "set", option: "gateway", value: "0", target: "accept_ra?" },
      ],
      required: ["address"],
    },
  ),
  manual: method(["hwaddress", "mtu"], { conversions: [HWADDRESS] }),
  dhcp: method(["hwaddress", "accept_ra", "autoconf", "request_prefix", "ll-attempts", "ll-interval"], {
    defaults: [["accept_ra", "1"], ...INET6_LL],
    conversions: [HWADDRESS],
  }),
  tunnel: method(
    ["address", "netmask", "mode", "endpoint", "dstaddr", "local", "metric", "gateway", "ttl", "mtu", "encaplimit"],
    { required: ["mode", "endpoint"] },
  ),
  v4tunnel: method(
    ["address", "netmask", "endpoint", "local", "metric", "gateway", "ttl", "mtu", "preferred-lifetime"],
    { defaults: [["preferred-lifetime", ""]], conversions: [PREFERRED], required: ["endpoint"] },
  ),
  "6to4": method(["local", "metric", "ttl", "mtu", "preferred-lifetime"], {
    defaults: [["preferred-lifetime", ""]],
    conversions: [{ kind: "hex-address", option: "local", target: "hexaddress" }, PREFERRED],
    required: ["local"],
  }),
};

/** Every family and its methods, as ifupdown 0.8.41 on Linux accepts them in `iface` lines. */
export const FAMILIES: Readonly<Record<Family, Readonly<Record<string, MethodSpec>>>> = {
  inet: INET,
  inet6: INET6,
  ipx: {
    static: method(["frame", "netnum"], { required: ["frame"] }),
    dynamic: method(["frame"], { required: ["frame"] }),
  },
  can: {
    static: method(
      ["bitrate", "samplepoint", "loopback", "listenonly", "triple", "oneshot", "berr", "restart-ms"],
      { required: ["bitrate"] },
    ),
  },
  meta: { none: method([]) },
};

/** The family named by an `iface` line's third word, if ifupdown knows it. */
export function familyOf(word: string): Family | undefined {
  return Object.hasOwn(FAMILIES, word) ? (word as Family) : undefined;
}

/** The method spec, if the family knows the method. */
export function methodOf(family: Family, name: string): MethodSpec | undefined {
  const methods = FAMILIES[family];
  return Object.hasOwn(methods, name) ? methods[name] : undefined;
}

/** Hook options, valid in every stanza and the only ones that may repeat without being joined. */
export const HOOKS: readonly string[] = ["pre-up", "up", "post-up", "down", "pre-down", "post-down"];

/** The name ifupdown stores an option under: `post-up` is `up`, `pre-down` is `down`. */
export function storedName(name: string): string {
  return name === "post-up" ? "up" : name === "pre-down" ? "down" : name;
}

/** True for the four multi-valued command options (after `storedName`). */
export function isHook(stored: string): boolean {
  return stored === "pre-up" || stored === "up" || stored === "down" || stored === "post-down";
}
