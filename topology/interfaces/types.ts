// The parsed form of /etc/network/interfaces (interfaces(5), ifupdown 0.8.41): plain readonly data
// with a span on everything that came from a line, so later code (HostConfig, static diagnostics,
// the web view) can point back at the user's file.

import type { Span } from "../diagnostic.ts";

/** Address families ifupdown 0.8.41 knows on Linux. */
export type Family = "inet" | "inet6" | "ipx" | "can" | "meta";

/** One option line of a stanza, as written (names are case-sensitive and kept verbatim). */
export interface IfaceOption {
  /** The option name as written, e.g. `post-up`, `bridge-ports`, `bridge_ports`. */
  readonly name: string;
  /** Everything after the name, inner blanks kept, trailing blanks stripped; may contain `#`. */
  readonly value: string;
  /**
   * The name as hook scripts see it in their environment (`IF_<KEY>` upper-cased): lower case,
   * `-` turned into `_`, other non-alphanumerics dropped. `bridge_ports` and `bridge-ports`
   * share the key `bridge_ports`, which is how bridge-utils accepts both spellings.
   */
  readonly key: string;
  readonly span: Span;
  /** Where the value starts. */
  readonly valueSpan: Span;
  /** Set when the line was copied from another stanza by `inherits`. */
  readonly inheritedFrom?: string;
}

/** `address A/N` (plus `netmask`) as the method turns it into an address and a prefix. */
export interface AddressFact {
  readonly address: string;
  readonly prefixLength: number;
  /** Dotted netmask for IPv4. */
  readonly netmask?: string;
  readonly span: Span;
}

/** A bridge stanza: `bridge_ports` / `bridge-ports` (bridge-utils-interfaces(5)). */
export interface BridgeFact {
  /** Port names; empty for `none`. `all` and `regex ...` are kept as written, for the caller to expand. */
  readonly ports: readonly string[];
  /** The spelling used (the first one, if a stanza has both). */
  readonly option: string;
  readonly span: Span;
}

/** An 802.1Q VLAN interface: `eth0.10`, or `vlan10` with `vlan-raw-device eth0`. */
export interface VlanFact {
  readonly rawDevice: string;
  readonly id: number;
  readonly span: Span;
}

/** Linux bonding options (ifenslave's `bond-*` / `bond_*`). */
export interface BondFact {
  /** From `bond-slaves` on the master (empty for `none`). */
  readonly slaves: readonly string[];
  /** From `bond-master` on a slave stanza. */
  readonly master?: string;
  readonly mode?: string;
  readonly primary?: string;
  readonly span: Span;
}

/** One `iface NAME FAMILY METHOD` stanza with its options. */
export interface IfaceStanza {
  /** The logical interface name (without mappings it is the kernel name). */
  readonly name: string;
  readonly family: Family;
  /** A method the family knows (`loopback`, `static`, `dhcp`, `manual`, ...). */
  readonly method: string;
  /** `inherits TEMPLATE`: the name of the stanza whose options were copied first. */
  readonly inherits?: string;
  /** Options in file order (inherited ones first); repeated options stay separate lines. */
  readonly options: readonly IfaceOption[];
  readonly span: Span;
  readonly address?: AddressFact;
  readonly bridge?: BridgeFact;
  readonly vlan?: VlanFact;
  readonly bond?: BondFact;
}

/** A name on an `auto` / `allow-CLASS` line. */
export interface ClassEntry {
  readonly name: string;
  readonly span: Span;
}

/** All `auto` (class `auto`, also `allow-auto`) or `allow-CLASS` entries, deduplicated as ifupdown does. */
export interface AllowClass {
  readonly name: string;
  readonly entries: readonly ClassEntry[];
}

/** A `mapping GLOB...` stanza with its `script` and `map` lines. */
export interface MappingStanza {
  readonly patterns: readonly string[];
  readonly script?: string;
  readonly maps: readonly string[];
  readonly span: Span;
}

/** A word on a `no-auto-down`, `no-scripts` or `rename` line. */
export interface NamedEntry {
  readonly name: string;
  readonly span: Span;
}

/** A file read because of `source` / `source-directory`. */
export interface SourcedFile {
  readonly path: string;
  /** The `source` / `source-directory` line that pulled it in. */
  readonly by: Span;
  /** Set when a fatal error stopped ifupdown reading it: its stanzas after that line are not in this result. */
  readonly stoppedAt?: Span;
}

/** What ifupdown prints on stderr while reading, in order (ifquery replays it). */
export type ReadEvent =
  | { readonly kind: "parsing-file"; readonly path: string }
  | { readonly kind: "reading-directory"; readonly path: string }
  | { readonly kind: "message"; readonly text: string };

/** A whole interfaces file, with everything it sources merged in as ifupdown merges it. */
export interface InterfacesFile {
  readonly file: string;
  readonly stanzas: readonly IfaceStanza[];
  /** Classes in order of first appearance; `auto` holds `auto` and `allow-auto` lines. */
  readonly classes: readonly AllowClass[];
  readonly mappings: readonly MappingStanza[];
  readonly noAutoDown: readonly NamedEntry[];
  readonly noScripts: readonly NamedEntry[];
  readonly renames: readonly NamedEntry[];
  readonly sourced: readonly SourcedFile[];
  /**
   * A fatal error in the main file: ifupdown refuses the whole file ("couldn't read interfaces
   * file"), so at boot no interface comes up, not even lo. The stanzas before the error are
   * still listed here, for display.
   */
  readonly rejected: boolean;
  /** A `loopback` stanza exists, so ifupdown 0.8 adds no implicit `lo` stanza (it still lists `lo` as auto). */
  readonly loopbackDefined: boolean;
  readonly events: readonly ReadEvent[];
}
