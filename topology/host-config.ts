// HostConfig: one Xen host (dom0) as its own files describe it, the input of the simulator and of
// the static checks. It gathers /etc/network/interfaces (ifupdown, bridge-utils-interfaces(5)),
// /etc/xen/xend-config.sxp (xend 4.0), the domain configs of /etc/xen and XENDOMAINS_AUTO,
// /etc/default/xendomains, /etc/xen-tools/xen-tools.conf, /etc/hostname and /etc/debian_version
// (see shared/reference/ifupdown.md, xen-networking.md and domains.md). Plain readonly data: every
// element that came from a line carries the Span of that line, so a finding can point back at it.
// A `Setting` without a span holds the program's default (the kernel's, brctl's, xend's...).

import type { Span } from "./diagnostic.ts";
import type { Family } from "./interfaces/index.ts";
import type { Dom0Services } from "./services/types.ts";

/** A value read from a file, with where it was written. */
export interface Spanned<T> {
  readonly value: T;
  readonly span: Span;
}

/** An effective setting: from the file when `span` is set, else the default of the program that reads it. */
export interface Setting<T> {
  readonly value: T;
  /** The text as written, when it came from a file (kept so checks can say why a value was refused). */
  readonly text?: string;
  readonly span?: Span;
}

/** /etc/debian_version and what the release implies for the tools that read the other files. */
export interface DebianRelease {
  /** The first line, as written (e.g. `6.0.10`, `squeeze/sid`). */
  readonly text: string;
  readonly major?: number;
  /** e.g. `squeeze`; absent when the text names no release we know. */
  readonly codename?: string;
  /** The ifupdown series the release shipped (0.6 for etch to squeeze). */
  readonly ifupdown?: "0.6" | "0.7" | "0.8";
  /** The Xen series the release shipped (e.g. `4.0` for squeeze). */
  readonly xen?: string;
  readonly span: Span;
}

/** A network card the host has, whatever its configuration says. */
export interface PhysicalNic {
  readonly name: string;
  readonly mac?: string;
  /** Whether a cable with a live peer is plugged in; undefined when unknown. */
  readonly link?: boolean;
  /** The udev rule line naming it, when it came from 70-persistent-net.rules. */
  readonly span?: Span;
}

/**
 * The host's network cards. Configuration files cannot prove a card exists, so the list comes from
 * the caller (`given`), else from udev's /etc/udev/rules.d/70-persistent-net.rules (`udev-rules`),
 * else it is the single card `eth0` of a typical small host (`default`).
 */
export interface Hardware {
  readonly source: "given" | "udev-rules" | "default";
  readonly nics: readonly PhysicalNic[];
}

/** A file loadHost looked for. */
export interface HostFile {
  readonly path: string;
  readonly status: "read" | "missing" | "unreadable";
}

/** One option line of an iface stanza, as written. */
export interface HostOption {
  readonly name: string;
  readonly value: string;
  readonly span: Span;
}

/** A static address as the method applies it (`address A/N` split, `netmask` honoured). */
export interface HostAddress {
  readonly address: string;
  readonly prefixLength: number;
  readonly netmask?: string;
  readonly span: Span;
}

/** One `iface NAME FAMILY METHOD` stanza. */
export interface HostInterface {
  readonly name: string;
  readonly family: Family;
  readonly method: string;
  readonly span: Span;
  /** The `auto` / `allow-CLASS` classes naming it (`auto`, `hotplug`, ...), in order of first appearance. */
  readonly classes: readonly string[];
  readonly address?: HostAddress;
  readonly gateway?: Spanned<string>;
  readonly hwaddress?: Spanned<string>;
  readonly mtu?: Spanned<string>;
  readonly options: readonly HostOption[];
}

/** A keyword line of the main interfaces file (iface, mapping, auto, allow-*, source*, no-*, rename). */
export interface Directive {
  readonly keyword: string;
  readonly words: readonly string[];
  readonly span: Span;
}

/** /etc/network/interfaces with the files it sources, as ifupdown 0.8 reads them. */
export interface NetworkFile {
  readonly file: string;
  readonly present: boolean;
  /** A fatal error made ifupdown refuse the main file: nothing in it comes up at boot, not even lo. */
  readonly rejected: boolean;
  readonly interfaces: readonly HostInterface[];
  /** `auto` (with `allow-auto`), `hotplug` and other allow classes, each name with the line listing it. */
  readonly classes: readonly { readonly name: string; readonly entries: readonly Spanned<string>[] }[];
  /** Files read through `source` / `source-directory`. */
  readonly sourced: readonly string[];
  /** The main file's keyword lines in order: what an older ifupdown, which sources nothing, would see. */
  readonly directives: readonly Directive[];
}

/** A port of a bridge, located in the `bridge_ports` value (or the line that made the bridge). */
export interface BridgePort {
  readonly name: string;
  readonly span: Span;
}

/** `bridge_pathcost PORT COST` / `bridge_portprio PORT PRIO`. */
export interface BridgePortSetting {
  readonly port: string;
  readonly value: number;
  readonly span: Span;
}

/** Who makes the bridge: ifupdown's bridge-utils hook, or xend's network-bridge script (from xend-config.sxp or an `up` hook). */
export type BridgeOrigin = "interfaces" | "network-bridge";

/** A Linux bridge dom0 will have, with the settings brctl gives it. */
export interface HostBridge {
  readonly name: string;
  readonly origin: BridgeOrigin;
  /** The iface stanza, or the line that runs network-bridge. */
  readonly span: Span;
  /** The stanza's method (`dhcp`, `static`, `manual`); absent for network-bridge. */
  readonly method?: string;
  /** Brought up at boot: an `auto` stanza of an accepted file, or made by network-bridge. */
  readonly upAtBoot: boolean;
  /** `bridge_ports` as written (`eth0`, `none`, `all`, `regex eth.*`). */
  readonly portSpec: string;
  /** The ports, with `all` and `regex` matched against the devices the host will have. */
  readonly ports: readonly BridgePort[];
  readonly stp: Setting<boolean>;
  /** Seconds. */
  readonly forwardDelay: Setting<number>;
  readonly helloTime: Setting<number>;
  readonly maxAge: Setting<number>;
  readonly ageing: Setting<number>;
  readonly gcInterval: Setting<number>;
  readonly priority: Setting<number>;
  /** Seconds the bridge-utils hook waits for the ports (`bridge_maxwait`, else 2 × (forward delay + 1)); 0 = no wait. */
  readonly maxWait: Setting<number>;
  readonly waitPort?: Spanned<string>;
  readonly hw?: Spanned<string>;
  readonly pathCosts: readonly BridgePortSetting[];
  readonly portPriorities: readonly BridgePortSetting[];
}

/** An 802.1Q interface. */
export interface HostVlan {
  readonly name: string;
  readonly rawDevice: string;
  readonly id: number;
  readonly span: Span;
}

/** A bonding master and its slaves (from `bond-slaves`, or `bond-master` on the slaves). */
export interface HostBond {
  readonly name: string;
  readonly slaves: readonly string[];
  readonly mode?: string;
  readonly span: Span;
}

/** How guests reach the network (xen-networking.md §2–4). */
export type NetworkModel = "bridge" | "debian-bridge" | "route" | "nat" | "custom";

/** A script xend runs, with its `VAR=VALUE` arguments. */
export interface ScriptRef {
  /** The script's file name (`network-bridge`), whatever directory was written. */
  readonly script: string;
  /** As written (may be a path). */
  readonly path: string;
  readonly args: readonly string[];
  readonly vars: readonly { readonly name: string; readonly value: string }[];
  /** Absent: xend's default. */
  readonly span?: Span;
}

/** What xend-config.sxp decides for networking and dom0 memory, defaults applied. */
export interface XendFacts {
  readonly file: string;
  readonly present: boolean;
  /** The script run once when xend starts; null when none runs (no line, or an empty one). */
  readonly networkScript: ScriptRef | null;
  readonly vifScript: ScriptRef;
  readonly model: NetworkModel;
  /** The uplink the network script works on: its `netdev=` argument, else the script's default. */
  readonly netdev?: Setting<string>;
  /** The bridge network-bridge creates: its `bridge=` argument, else the script's default. */
  readonly bridge?: Setting<string>;
  /** MiB. */
  readonly dom0MinMem: Setting<number>;
  readonly enableDom0Ballooning: Setting<boolean>;
  readonly dom0Cpus: Setting<number>;
  readonly relocationServer: Setting<boolean>;
  readonly relocationPort: Setting<number>;
}

/** One entry of a domain's `vif` list. */
export interface HostVif {
  /** Position in the list: the device id N of the backend `vif<domid>.N` and the guest's `ethN`. */
  readonly index: number;
  readonly text: string;
  readonly span: Span;
  readonly mac?: Spanned<string>;
  readonly ip?: Spanned<readonly string[]>;
  readonly bridge?: Spanned<string>;
  readonly script?: Spanned<string>;
  readonly vifname?: Spanned<string>;
  readonly type?: Spanned<string>;
  readonly model?: Spanned<string>;
  readonly rate?: Spanned<string>;
}

/** One entry of a domain's `disk` list. */
export interface HostDisk {
  readonly index: number;
  readonly text: string;
  readonly span: Span;
  readonly target?: string;
  readonly attach?: "phy" | "file" | "tap";
  readonly vdev?: string;
  readonly devtype: "disk" | "cdrom";
  readonly readOnly: boolean;
}

/** A guest configuration file. */
export interface HostDomain {
  readonly file: string;
  /** Where to point at the file as a whole (its `name =` line, else line 1). */
  readonly span: Span;
  readonly name?: Spanned<string>;
  /** MiB. */
  readonly memory?: Spanned<number>;
  readonly maxmem?: Spanned<number>;
  readonly vcpus?: Spanned<number>;
  readonly kernel?: Spanned<string>;
  readonly ramdisk?: Spanned<string>;
  readonly bootloader?: Spanned<string>;
  /** Fully virtualised (xm `builder = 'hvm'`, xl `type = 'hvm'`). */
  readonly hvm: boolean;
  /** The XENDOMAINS_AUTO entry that starts it at boot, when there is one. */
  readonly autostart?: string;
  /** The `vif =` line, when there is one. */
  readonly vifLine?: Span;
  readonly onPoweroff?: Spanned<string>;
  readonly onReboot?: Spanned<string>;
  readonly onCrash?: Spanned<string>;
  readonly vifs: readonly HostVif[];
  readonly disks: readonly HostDisk[];
}

/** /etc/default/xendomains, defaults applied (domains.md §5). */
export interface XendomainsSettings {
  readonly file: string;
  readonly present: boolean;
  readonly save: Setting<string>;
  readonly restore: Setting<boolean>;
  readonly auto: Setting<string>;
  /** Seconds. */
  readonly stopMaxwait: Setting<number>;
  readonly migrate: Setting<string>;
  readonly shutdown: Setting<string>;
  readonly shutdownAll: Setting<string>;
  readonly sysrq: Setting<string>;
  readonly autoOnly: Setting<boolean>;
  /** Microseconds. */
  readonly createUsleep: Setting<number>;
}

/** The defaults xen-create-image takes from /etc/xen-tools/xen-tools.conf. */
export interface XenToolsDefaults {
  readonly file: string;
  readonly dist?: Spanned<string>;
  readonly installMethod?: Spanned<string>;
  readonly dir?: Spanned<string>;
  readonly lvm?: Spanned<string>;
  readonly sizeMb?: Spanned<number>;
  readonly memoryMb?: Spanned<number>;
  readonly swapMb?: Spanned<number>;
  readonly fs?: Spanned<string>;
  readonly image?: Spanned<string>;
  readonly dhcp?: Spanned<boolean>;
  readonly gateway?: Spanned<string>;
  readonly netmask?: Spanned<string>;
  readonly bridge?: Spanned<string>;
  readonly mirror?: Spanned<string>;
  readonly kernel?: Spanned<string>;
  readonly initrd?: Spanned<string>;
}

/** Everything loadHost learnt about one host. */
export interface HostConfig {
  readonly hostname?: Spanned<string>;
  readonly release?: DebianRelease;
  /** Which program will read the domain configs: xm (xend, up to wheezy) or xl; absent when unknown. */
  readonly toolstack?: "xm" | "xl";
  readonly hardware: Hardware;
  readonly files: readonly HostFile[];
  readonly network: NetworkFile;
  readonly bridges: readonly HostBridge[];
  readonly vlans: readonly HostVlan[];
  readonly bonds: readonly HostBond[];
  readonly xend: XendFacts;
  readonly domains: readonly HostDomain[];
  readonly xendomains: XendomainsSettings;
  readonly xenTools?: XenToolsDefaults;
  /** dom0's own services and kernel settings (sysctl, dnsmasq, ISC dhcpd, iptables-persistent, interfaces hooks). */
  readonly services: Dom0Services;
}
