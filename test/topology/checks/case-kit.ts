// The shape of a static-check test case and the small builders the case tables use: a host tree in
// memory (interfaces file, xend-config.sxp, domain configs, release), where each finding is
// expected (`file:line:column`, the column found by searching the line for a needle so the tables
// stay readable), and the same host with the mistake fixed, which must not produce the code.

import type { Diagnostic, PhysicalNic, Severity } from "../../../topology/index.ts";
import { checkHost, loadHost, memoryReader } from "../../../topology/index.ts";

/** A host in memory. */
export type Files = Readonly<Record<string, string>>;

/** One code: a host that shows it, where, and a host that does not. */
export interface Case {
  readonly code: string;
  readonly title: string;
  readonly files: Files;
  /** Expected `file:line:column` of every finding with this code, in order. */
  readonly at: readonly string[];
  readonly severity: Severity;
  /** Something the first message must say (e.g. the bridge vif-bridge would pick). */
  readonly says?: RegExp;
  readonly fixed: Files;
  readonly nics?: readonly PhysicalNic[];
  readonly fixedNics?: readonly PhysicalNic[];
}

export const IFACES = "/etc/network/interfaces";
export const XEND = "/etc/xen/xend-config.sxp";

/** Lines joined into a file (with a final newline). */
export function lines(...l: string[]): string {
  return `${l.join("\n")}\n`;
}

/** A host with this interfaces file (plus any other files). */
export function net(text: string, more: Files = {}): Files {
  return { [IFACES]: text, ...more };
}

/** The same files declaring Debian 6.0 (Squeeze, ifupdown 0.6). */
export function squeeze(files: Files): Files {
  return { ...files, "/etc/debian_version": "6.0.10\n" };
}

/** A minimal dom0 network: lo and a DHCP bridge xenbr0 on eth0. */
export const XENBR0 = lines("auto lo", "iface lo inet loopback", "auto xenbr0", "iface xenbr0 inet dhcp", "  bridge_ports eth0", "  bridge_fd 0");

/** A domain config `/etc/xen/NAME.cfg` with the given vif list (a Python list literal), or none. */
export function cfg(name: string, vif: string | undefined, extra: readonly string[] = []): Files {
  const body = [`name = '${name}'`, "memory = 128", ...extra, ...(vif === undefined ? [] : [`vif = ${vif}`])];
  return { [`/etc/xen/${name}.cfg`]: lines(...body) };
}

/** `file:line:column` of the `nth` occurrence of `needle` on line `line` of `file` in `files`. */
export function pos(files: Files, file: string, line: number, needle: string, nth = 0): string {
  const text = (files[file] ?? "").split("\n")[line - 1] ?? "";
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`"${needle}" not on ${file}:${line}: ${text}`);
  return `${file}:${line}:${at + 1}`;
}

/** Everything loadHost and the checks say about a host. */
export function findings(files: Files, nics?: readonly PhysicalNic[]): { load: readonly Diagnostic[]; checks: Diagnostic[] } {
  const loaded = loadHost(memoryReader({ files }), nics === undefined ? {} : { nics });
  return { load: loaded.diagnostics, checks: checkHost(loaded.value) };
}

/** `file:line:column` of a diagnostic. */
export function where(d: Diagnostic): string {
  return `${d.span.file}:${d.span.line}:${d.span.column}`;
}
