// What ifupdown 0.6 (Debian etch to squeeze) makes of a file written for a newer one, checked when
// /etc/debian_version declares such a release (ifupdown.md §1.2–1.3, §7; 0.6.10's config.c). 0.6
// knows only `iface`, `mapping`, `auto` and `allow-*` at top level: any other word there is a
// "misplaced option" and the whole file is refused — at boot nothing comes up, not even lo —
// while inside an open iface stanza (after `iface`, before the next `auto`/`allow-*`) an unknown
// word such as `source` is just one more option of that stanza, and its files are never read.
// The iface line takes exactly NAME FAMILY METHOD; a second stanza for the same name and family, an
// option given twice (hooks excepted), a name listed twice for a class, or a method it does not
// have (inet6 auto/dhcp, ipv4ll...) are fatal; `address A/N` without `netmask` leaves the
// interface down ("Don't seem to have all the variables").

import type { Diagnostic } from "../diagnostic.ts";
import type { Directive, HostConfig } from "../host-config.ts";
import { HOOKS } from "../interfaces/methods.ts";
import { finding, where, type HostCheck } from "./facts.ts";

const METHODS_06: Readonly<Record<string, readonly string[]>> = {
  inet: ["loopback", "static", "manual", "dhcp", "bootp", "ppp", "wvdial"],
  inet6: ["loopback", "static", "manual", "v4tunnel"],
  ipx: ["static", "dynamic"],
};
const REJECTS = "ifupdown 0.6 refuses the whole file, so at boot no interface comes up, not even lo";

function isSqueezeEra(c: HostConfig): boolean {
  return c.release?.ifupdown === "0.6";
}

function release(c: HostConfig): string {
  return c.release?.codename ?? "this release";
}

/** squeeze/unknown-keyword: `source`, `source-directory`, `no-auto-down`, `no-scripts`, `rename` read by 0.6. */
export const unknownKeyword: HostCheck = (c) => {
  if (!isSqueezeEra(c)) return [];
  const out: Diagnostic[] = [];
  let open: Directive | undefined;
  let seen = new Set<string>();
  for (const d of c.network.directives) {
    if (d.keyword === "iface" || d.keyword === "mapping") {
      open = d.keyword === "iface" ? d : undefined;
      seen = new Set();
    } else if (d.keyword === "auto" || d.keyword.startsWith("allow-")) {
      open = undefined;
    } else if (open === undefined) {
      const message = `\`${d.keyword}\` is not a keyword of ${release(c)}'s ifupdown 0.6: outside a stanza it is a "misplaced option" and ${REJECTS}`;
      out.push(finding("squeeze/unknown-keyword", "error", message, d.span, d.keyword.startsWith("source") ? "copy the sourced stanzas into /etc/network/interfaces" : "remove the line"));
    } else if (seen.has(d.keyword)) {
      out.push(finding("squeeze/unknown-keyword", "error", `\`${d.keyword}\` appears twice in the ${open.words[0] ?? ""} stanza: ifupdown 0.6 takes it as an option given twice ("duplicate option") and ${REJECTS}`, d.span, "remove the line"));
    } else {
      seen.add(d.keyword);
      const lost = d.keyword.startsWith("source") ? ": the files it names are never read, so their stanzas do not exist on this host" : ", which does nothing";
      out.push(finding("squeeze/unknown-keyword", "warning", `ifupdown 0.6 does not know \`${d.keyword}\`; inside the ${open.words[0] ?? ""} stanza it is taken as an option of that stanza${lost}`, d.span, d.keyword.startsWith("source") ? "copy the sourced stanzas into /etc/network/interfaces" : "remove the line"));
    }
  }
  return out;
};

/** squeeze/iface-line and squeeze/unknown-method: iface lines 0.6 cannot read. */
export const ifaceLine: HostCheck = (c) => {
  if (!isSqueezeEra(c)) return [];
  const out: Diagnostic[] = [];
  for (const d of c.network.directives.filter((x) => x.keyword === "iface")) {
    const [name = "", family = "", method = ""] = d.words;
    if (d.words.length !== 3) {
      const why = d.words.includes("inherits") ? "`inherits` is ifupdown 0.8's" : "it must be iface NAME FAMILY METHOD";
      out.push(finding("squeeze/iface-line", "error", `"too ${d.words.length > 3 ? "many" : "few"} parameters for iface line" (${why}): ${REJECTS}`, d.span, "write exactly `iface NAME FAMILY METHOD`"));
      continue;
    }
    const methods = METHODS_06[family];
    if (methods === undefined || methods.includes(method)) continue;
    out.push(finding("squeeze/unknown-method", "error", `iface ${name} ${family} ${method}: ifupdown 0.6 has no ${family} method ${method} ("unknown method"), so ${REJECTS}`, d.span, `0.6 knows ${methods.join(", ")}`));
  }
  return out;
};

/** squeeze/duplicate-interface: a second stanza for the same name and family in the main file. */
export const duplicateInterface: HostCheck = (c) => {
  if (!isSqueezeEra(c)) return [];
  const out: Diagnostic[] = [];
  const main = c.network.interfaces.filter((i) => i.span.file === c.network.file);
  main.forEach((i, n) => {
    const first = main.slice(0, n).find((j) => j.name === i.name && j.family === i.family);
    if (first !== undefined) out.push(finding("squeeze/duplicate-interface", "error", `${i.name} ${i.family} is defined again (${where(first.span, i.span)}): ifupdown 0.6 says "duplicate interface" and ${REJECTS}`, i.span, "merge the two stanzas; add more addresses with `up ip addr add ...`"));
  });
  return out;
};

/** squeeze/duplicate-option: a non-hook option given twice in one stanza. */
export const duplicateOption: HostCheck = (c) => {
  if (!isSqueezeEra(c)) return [];
  const out: Diagnostic[] = [];
  for (const i of c.network.interfaces.filter((x) => x.span.file === c.network.file)) {
    const seen = new Map<string, (typeof i.options)[number]>();
    for (const o of i.options) {
      const first = seen.get(o.name);
      if (first !== undefined && !HOOKS.includes(o.name)) {
        out.push(finding("squeeze/duplicate-option", "error", `${o.name} is given again in the ${i.name} stanza (first at ${where(first.span, o.span)}): ifupdown 0.6 says "duplicate option" and ${REJECTS}`, o.span, "give each option once"));
      }
      if (first === undefined) seen.set(o.name, o);
    }
  }
  return out;
};

/** squeeze/class-twice: a name listed twice for `auto` or an `allow-` class. */
export const classTwice: HostCheck = (c) => {
  if (!isSqueezeEra(c)) return [];
  const out: Diagnostic[] = [];
  const seen = new Map<string, Directive>();
  for (const d of c.network.directives.filter((x) => x.keyword === "auto" || x.keyword.startsWith("allow-"))) {
    const cls = d.keyword === "auto" || d.keyword === "allow-auto" ? "auto" : d.keyword.slice(6);
    for (const w of d.words) {
      const first = seen.get(`${cls} ${w}`);
      if (first === undefined) seen.set(`${cls} ${w}`, d);
      else out.push(finding("squeeze/class-twice", "error", `${w} is listed for ${cls} again (first at ${where(first.span, d.span)}): ifupdown 0.6 says "interface ${w} declared allow-${cls} twice" and ${REJECTS}`, d.span, "list each interface once"));
    }
  }
  return out;
};

/** squeeze/cidr-address: `address A/N` without `netmask`, which 0.6 needs. */
export const cidrAddress: HostCheck = (c) => {
  if (!isSqueezeEra(c)) return [];
  return c.network.interfaces
    .filter((i) => i.span.file === c.network.file && i.family === "inet" && i.method === "static")
    .flatMap((i) => {
      const address = i.options.find((o) => o.name === "address");
      if (address === undefined || !address.value.includes("/") || i.options.some((o) => o.name === "netmask")) return [];
      const message = `address ${address.value} in CIDR form without a netmask line: ifupdown 0.6 needs netmask and says "Don't seem to have all the variables for ${i.name}/inet.", so ${i.name} stays down`;
      return [finding("squeeze/cidr-address", "error", message, address.span, "write the address without /N and add a netmask line")];
    });
};

/** squeeze/no-loopback: lo without an auto loopback stanza: 0.6 has no implicit loopback, so lo stays down. */
export const noLoopback: HostCheck = (c) => {
  if (!isSqueezeEra(c) || !c.network.present || c.network.rejected) return [];
  const lo = c.network.interfaces.find((i) => i.name === "lo" && i.method === "loopback" && i.span.file === c.network.file);
  if (lo?.classes.includes("auto")) return [];
  const span = lo?.span ?? c.network.directives[0]?.span ?? { file: c.network.file, line: 1, column: 1 };
  const what = lo === undefined ? "no `iface lo inet loopback` stanza: ifupdown 0.6 has no implicit loopback" : "`iface lo inet loopback` without `auto lo`";
  return [finding("squeeze/no-loopback", "warning", `${what}, so lo stays down at boot and programs talking to 127.0.0.1 fail`, span, "add `auto lo` and `iface lo inet loopback`")];
};
