// Checks of /etc/network/interfaces as a whole (ifupdown.md §1, §4): two stanzas for the same
// interface and family, `auto` / `allow-hotplug` names without a stanza (ifup -a prints "Ignoring
// unknown interface NAME=NAME." and goes on), and stanzas nothing ever brings up.

import type { Diagnostic } from "../diagnostic.ts";
import type { HostConfig, HostInterface } from "../host-config.ts";
import { finding, where, type HostCheck } from "./facts.ts";

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** iface/duplicate-stanza: a second stanza for the same name and family. */
export const duplicateStanza: HostCheck = (c) => {
  const out: Diagnostic[] = [];
  const first = new Map<string, HostInterface>();
  for (const i of c.network.interfaces) {
    const key = `${i.name} ${i.family}`;
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, i);
      continue;
    }
    const same = earlier.method === i.method && JSON.stringify(earlier.options.map((o) => [o.name, o.value])) === JSON.stringify(i.options.map((o) => [o.name, o.value]));
    const how = same
      ? `a verbatim copy, so every command of the stanza runs twice${i.method === "static" ? " and the second `ip addr add` fails with \"File exists\"" : ""}`
      : earlier.method === i.method
        ? "ifupdown 0.7+ applies both in turn (e.g. a second address)"
        : `ifupdown 0.7+ applies the ${earlier.method} set-up and then the ${i.method} one on top of it`;
    const severity = earlier.method === i.method && !same ? "info" : "warning";
    const message = `${i.name} has a second ${i.family} stanza (the first is at ${where(earlier.span, i.span)}): ${how}; ifupdown 0.6 rejects the file ("duplicate interface")`;
    out.push(finding("iface/duplicate-stanza", severity, message, i.span, "keep one stanza per interface and family; add a second address with `up ip addr add ...`"));
  }
  return out;
};

/** The closest stanza name not already listed for the class, for a "did you mean" suggestion. */
function suggestion(c: HostConfig, name: string, listed: readonly string[]): string {
  const candidates = c.network.interfaces.filter((i) => !listed.includes(i.name) && editDistance(i.name, name) <= 2);
  const best = candidates.sort((a, b) => editDistance(a.name, name) - editDistance(b.name, name))[0];
  return best === undefined ? "" : `; did you mean ${best.name} (stanza at line ${best.span.line})?`;
}

function withoutStanza(c: HostConfig, cls: string, code: string, severity: "warning" | "info", when: string): Diagnostic[] {
  const entries = c.network.classes.find((k) => k.name === cls)?.entries ?? [];
  const listed = entries.map((e) => e.value);
  return entries
    .filter((e) => e.value !== "lo" && !c.network.interfaces.some((i) => i.name === e.value))
    .map((e) => {
      const message = `${cls === "auto" ? "auto" : `allow-${cls}`} ${e.value}: there is no iface ${e.value} stanza, so ${when} prints "Ignoring unknown interface ${e.value}=${e.value}." and ${e.value} is not configured${suggestion(c, e.value, listed)}`;
      return finding(code, severity, message, e.span, `add an \`iface ${e.value} inet ...\` stanza or remove the name`);
    });
}

/** iface/auto-without-stanza: `auto NAME` with no stanza for NAME. */
export const autoWithoutStanza: HostCheck = (c) => withoutStanza(c, "auto", "iface/auto-without-stanza", "warning", "`ifup -a` at boot");

/** iface/hotplug-without-stanza: `allow-hotplug NAME` with no stanza for NAME. */
export const hotplugWithoutStanza: HostCheck = (c) => withoutStanza(c, "hotplug", "iface/hotplug-without-stanza", "info", "udev's `ifup --allow=hotplug` when the card appears");

/** iface/never-up: a stanza no class names and no other stanza refers to (as a port, slave, raw device or in a hook). */
export const neverUp: HostCheck = (c) => {
  if (c.network.rejected) return [];
  const mentioned = (name: string) => {
    const word = new RegExp(`(^|[^A-Za-z0-9_.:-])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^A-Za-z0-9_:-])`);
    return c.network.interfaces.some((i) => i.name !== name && i.options.some((o) => word.test(o.value)));
  };
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const i of c.network.interfaces) {
    if (seen.has(i.name) || i.name === "lo") continue;
    seen.add(i.name);
    if (c.network.interfaces.some((j) => j.name === i.name && j.classes.length > 0) || mentioned(i.name)) continue;
    const message = `no auto or allow-hotplug line names ${i.name} and nothing refers to it: its stanza is never used at boot`;
    out.push(finding("iface/never-up", "info", message, i.span, `add \`auto ${i.name}\` if it should come up at boot`));
  }
  return out;
};
