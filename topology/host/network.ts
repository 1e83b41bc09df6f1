// /etc/network/interfaces as HostConfig holds it: the parsed stanzas (interfaces(5), ifupdown
// 0.8.41, with everything sourced merged in) reduced to what the host will do with them — each
// stanza with its classes, address, gateway and options — plus the keyword lines of the main file
// in order, which is all an ifupdown 0.6 (Squeeze), which knows no `source`, ever reads.

import type { Parsed } from "../diagnostic.ts";
import type { Directive, HostInterface, HostOption, NetworkFile, Spanned } from "../host-config.ts";
import { lexLines, readInterfaces, type IfaceStanza, type InterfacesFile } from "../interfaces/index.ts";
import { noteRead, readHostFile, type HostFiles } from "./files.ts";

/** Where ifupdown reads its configuration. */
export const INTERFACES = "/etc/network/interfaces";

const KEYWORDS = /^(iface|mapping|auto|allow-.+|source|source-dir.*|no-auto-down|no-scripts|rename)$/;

/** The interfaces file read and reduced, with the parser's stanzas kept for the bridge/VLAN/bond facts. */
export interface NetworkRead {
  readonly network: NetworkFile;
  readonly stanzas: readonly IfaceStanza[];
}

/** Reads /etc/network/interfaces and what it sources; a missing file gives an empty, accepted network. */
export function readNetwork(host: HostFiles): NetworkRead {
  const text = readHostFile(host, INTERFACES, "ifupdown cannot read it, so no interface comes up at boot, not even lo", "error");
  if (text === undefined) {
    const network: NetworkFile = { file: INTERFACES, present: false, rejected: host.exists(INTERFACES), interfaces: [], classes: [], sourced: [], directives: [] };
    return { network, stanzas: [] };
  }
  const parsed: Parsed<InterfacesFile> = readInterfaces(INTERFACES, host.reader);
  host.diagnostics.push(...parsed.diagnostics);
  const file = parsed.value;
  for (const s of file.sourced) noteRead(host, s.path);
  const network: NetworkFile = {
    file: INTERFACES,
    present: true,
    rejected: file.rejected,
    interfaces: file.stanzas.map((s) => hostInterface(s, file)),
    classes: file.classes.map((c) => ({ name: c.name, entries: c.entries.map((e) => ({ value: e.name, span: e.span })) })),
    sourced: file.sourced.map((s) => s.path),
    directives: directives(text),
  };
  return { network, stanzas: file.stanzas };
}

function hostInterface(s: IfaceStanza, file: InterfacesFile): HostInterface {
  const options: HostOption[] = s.options.map((o) => ({ name: o.name, value: o.value, span: o.span }));
  const named = (name: string): Spanned<string> | undefined => {
    const o = s.options.find((x) => x.name === name);
    return o === undefined ? undefined : { value: o.value, span: o.valueSpan };
  };
  const classes = file.classes.filter((c) => c.entries.some((e) => e.name === s.name)).map((c) => c.name);
  const address = s.address === undefined ? undefined : { ...s.address };
  const gateway = named("gateway");
  const hwaddress = named("hwaddress");
  const mtu = named("mtu");
  return {
    name: s.name, family: s.family, method: s.method, span: s.span, classes,
    ...(address === undefined ? {} : { address }),
    ...(gateway === undefined ? {} : { gateway }),
    ...(hwaddress === undefined ? {} : { hwaddress }),
    ...(mtu === undefined ? {} : { mtu }),
    options,
  };
}

/** The keyword lines of one file, in order. */
function directives(text: string): Directive[] {
  const out: Directive[] = [];
  for (const line of lexLines(text)) {
    const [keyword = "", ...words] = line.text.split(/[ \t\n\r\v\f]+/).filter((w) => w !== "");
    if (KEYWORDS.test(keyword)) out.push({ keyword, words, span: { file: INTERFACES, line: line.line, column: line.column } });
  }
  return out;
}

/** Whether a stanza is brought up at boot: the file is accepted and `auto` (or `allow-auto`) names it. */
export function upAtBoot(network: NetworkFile, iface: { readonly classes: readonly string[] }): boolean {
  return !network.rejected && iface.classes.includes("auto");
}

/** The device dom0's default route will use: the first stanza up at boot with a static gateway, else the first DHCP one, else eth0. */
export function defaultRouteDevice(network: NetworkFile): string {
  const up = network.interfaces.filter((i) => i.family === "inet" && upAtBoot(network, i));
  const chosen = up.find((i) => i.method === "static" && i.gateway !== undefined) ?? up.find((i) => i.method === "dhcp");
  return chosen?.name ?? "eth0";
}
