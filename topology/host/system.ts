// The host's identity and hardware as its own files give them: /etc/hostname (what hostname.sh
// sets at boot), /etc/debian_version (base-files: `6.0.10`, or `squeeze/sid` on testing) and the
// network cards udev has named in /etc/udev/rules.d/70-persistent-net.rules (Squeeze's
// persistent-net generator writes one `SUBSYSTEM=="net", ... ATTR{address}=="MAC", ... NAME="ethN"`
// rule per card it has seen). The release tells which ifupdown and Xen the host runs.

import { diagnostic, type Diagnostic } from "../diagnostic.ts";
import type { DebianRelease, Hardware, PhysicalNic, Spanned } from "../host-config.ts";
import { readHostFile, type HostFiles } from "./files.ts";

/** Debian releases by major version: codename, ifupdown series, Xen series (none packaged before etch). */
const RELEASES: readonly (readonly [number, string, "0.6" | "0.7" | "0.8", string | undefined])[] = [
  [3, "sarge", "0.6", undefined], [4, "etch", "0.6", "3.0"], [5, "lenny", "0.6", "3.2"], [6, "squeeze", "0.6", "4.0"],
  [7, "wheezy", "0.7", "4.1"], [8, "jessie", "0.7", "4.4"], [9, "stretch", "0.8", "4.8"], [10, "buster", "0.8", "4.11"],
  [11, "bullseye", "0.8", "4.14"], [12, "bookworm", "0.8", "4.17"], [13, "trixie", "0.8", "4.20"],
];

/** Where udev (Squeeze's persistent-net generator) names the network cards. */
export const UDEV_RULES = "/etc/udev/rules.d/70-persistent-net.rules";

/** /etc/hostname: its first line without surrounding blanks. */
export function readHostname(host: HostFiles): Spanned<string> | undefined {
  const text = readHostFile(host, "/etc/hostname", "the host name is not set from it at boot");
  const first = text?.split("\n")[0] ?? "";
  const name = first.trim();
  if (name === "") return undefined;
  return { value: name, span: { file: "/etc/hostname", line: 1, column: first.indexOf(name) + 1 } };
}

/** /etc/debian_version, with the codename, ifupdown and Xen series of the release it names. */
export function readRelease(host: HostFiles): DebianRelease | undefined {
  const text = readHostFile(host, "/etc/debian_version", "the release cannot be known");
  const first = (text?.split("\n")[0] ?? "").trim();
  if (first === "") return undefined;
  const span = { file: "/etc/debian_version", line: 1, column: 1 };
  const major = /^([0-9]+)/.exec(first)?.[1];
  const row = major !== undefined
    ? RELEASES.find((r) => r[0] === Number(major))
    : RELEASES.find((r) => r[1] === first.split("/")[0]);
  const base = major === undefined ? { text: first, span } : { text: first, major: Number(major), span };
  if (row === undefined) return base;
  const [, codename, ifupdown, xen] = row;
  return xen === undefined ? { ...base, codename, ifupdown } : { ...base, codename, ifupdown, xen };
}

/** The network cards: as given, else udev's persistent-net rules, else one `eth0`. */
export function readHardware(host: HostFiles, given: readonly PhysicalNic[] | undefined): { hardware: Hardware; diagnostics: Diagnostic[] } {
  if (given !== undefined) return { hardware: { source: "given", nics: given }, diagnostics: [] };
  const text = readHostFile(host, UDEV_RULES, "the network cards' names are not known");
  const diagnostics: Diagnostic[] = [];
  const nics: PhysicalNic[] = [];
  (text ?? "").split("\n").forEach((line, i) => {
    if (/^\s*(#|$)/.test(line)) return;
    const name = /\bNAME="([^"]*)"/.exec(line);
    if (name === null || !/SUBSYSTEM=="net"/.test(line)) return;
    const span = { file: UDEV_RULES, line: i + 1, column: (name.index ?? 0) + 1 };
    const mac = /ATTR\{address\}=="([^"]*)"/.exec(line)?.[1];
    const nic = mac === undefined ? { name: name[1] ?? "", span } : { name: name[1] ?? "", mac, span };
    if (nics.some((n) => n.name === nic.name)) {
      diagnostics.push(diagnostic("host/udev-duplicate-name", "warning", `two udev rules name a card ${nic.name}: udev cannot give the name to both, so one card comes up under another name`, span, "remove the rule of the card that is no longer there"));
      return;
    }
    nics.push(nic);
  });
  if (nics.length > 0) return { hardware: { source: "udev-rules", nics }, diagnostics };
  return { hardware: { source: "default", nics: [{ name: "eth0" }] }, diagnostics };
}
