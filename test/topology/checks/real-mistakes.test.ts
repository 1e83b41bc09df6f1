// The real mistakes the corpus keeps (shared/corpus/README.md), each loaded as a host's own
// /etc/network/interfaces and reported at the right place by the parser or the static checks:
// 034 `auto vmbr1` for `iface vmb1`, 042 the `bridge_fe` typo, 063 `bridge_ports` twice, 036 and
// 072 two stanzas for one interface, 001/060/067 `auto` without a stanza, 019 the rejected file.
// Every other corpus file goes through the same path without a throw, with located findings.

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkHost, loadHost, memoryReader, type Diagnostic } from "../../../topology/index.ts";
import { IFACES, pos, where } from "./case-kit.ts";
import { CORPUS, corpus, corpusPresent } from "../host-trees.ts";

function all(prefix: string): { files: Record<string, string>; found: Diagnostic[]; rejected: boolean } {
  const files = { [IFACES]: corpus("interfaces", prefix) };
  const loaded = loadHost(memoryReader({ files }));
  return { files, found: [...loaded.diagnostics, ...checkHost(loaded.value)], rejected: loaded.value.network.rejected };
}

const at = (found: readonly Diagnostic[], code: string) => found.filter((d) => d.code === code).map(where);

if (!corpusPresent) console.warn("SKIPPED: real-mistakes tests: ../shared/corpus is absent (see shared/corpus/README.md)");

describe.skipIf(!corpusPresent)("the corpus's real mistakes", () => {
  it("034: `auto vmbr1` names no stanza; the stanza is `iface vmb1`", () => {
    const { files, found } = all("034");
    expect(at(found, "iface/auto-without-stanza")).toEqual([pos(files, IFACES, 60, "vmbr1")]);
    expect(found.find((d) => d.code === "iface/auto-without-stanza")?.message).toMatch(/did you mean vmb1 \(stanza at line 61\)/);
    expect(at(found, "iface/never-up")).toContain(pos(files, IFACES, 61, "iface"));
  });

  it("042: the `bridge_fe` typo is an unknown option, ignored", () => {
    const { files, found } = all("042");
    expect(at(found, "interfaces/unknown-option")).toEqual([pos(files, IFACES, 10, "bridge_fe")]);
    expect(found.find((d) => d.code === "interfaces/unknown-option")?.message).toMatch(/did you mean bridge_fd/);
  });

  it("063: `bridge_ports` given twice", () => {
    const { files, found } = all("063");
    expect(at(found, "interfaces/repeated-option")).toEqual([pos(files, IFACES, 10, "bridge_ports")]);
  });

  it("036 and 072: the same interface defined twice", () => {
    const a = all("036");
    expect(at(a.found, "iface/duplicate-stanza")).toEqual([pos(a.files, IFACES, 21, "iface")]);
    const b = all("072");
    expect(at(b.found, "iface/duplicate-stanza")).toEqual([pos(b.files, IFACES, 35, "iface")]);
    expect(b.found.find((d) => d.code === "iface/duplicate-stanza")?.message).toMatch(/verbatim copy/);
  });

  it("001, 060 and 067: `auto` for an interface with no stanza", () => {
    for (const [prefix, line, name] of [["001", 23, "eth1"], ["060", 17, "eth1"], ["067", 6, "wlan0"]] as const) {
      const { files, found } = all(prefix);
      expect(at(found, "iface/auto-without-stanza"), prefix).toEqual([pos(files, IFACES, line, name)]);
    }
  });

  it("019: shell notes after the config make ifupdown reject the whole file", () => {
    const { files, found, rejected } = all("019");
    expect(rejected).toBe(true);
    expect(at(found, "interfaces/empty-value")[0]).toBe(pos(files, IFACES, 27, "net.ipv4"));
  });

  it("every corpus interfaces file loads and checks with located findings", () => {
    const names = readdirSync(join(CORPUS, "interfaces")).sort();
    expect(names).toHaveLength(82);
    for (const name of names) {
      const { files, found } = all(name.slice(0, 3));
      const lines = (files[IFACES] ?? "").split("\n");
      for (const d of found) {
        expect(d.span.file, `${name} ${d.code}`).toBe(IFACES);
        expect(lines[d.span.line - 1], `${name} ${d.code} line`).toBeDefined();
        expect(d.span.column, `${name} ${d.code} column`).toBeLessThanOrEqual((lines[d.span.line - 1] ?? "").length + 1);
      }
    }
  });
});
