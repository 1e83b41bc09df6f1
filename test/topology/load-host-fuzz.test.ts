// Property tests: whatever a host's files hold — the corpus Xen hosts with characters inserted,
// deleted and repeated in every file, files removed or turned into directories, generated
// interfaces files, odd releases and card lists — loadHost, every static check and hostGraph never
// throw, every diagnostic is located inside the file it names (line and column on a real line), and
// every check's code is in the catalogue.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CATALOGUE, checkHost, hostGraph, loadHost, memoryReader, type Diagnostic, type FileReader } from "../../topology/index.ts";
import { interfacesFile } from "./interfaces/gen.ts";
import { GRAMMAR_CHARS, mutate } from "./xen-cfg/helpers.ts";
import { DEBIAN_XENDOMAINS, TWO_CARDS_UDEV, corpusPresent, xenHosts } from "./host-trees.ts";

const RELEASES = ["6.0.10\n", "squeeze/sid\n", "4.0\n", "7.11\n", "12.5\n", "\n", "x\n", "6"];
const ops = fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 40 }), fc.string({ unit: fc.constantFrom(...GRAMMAR_CHARS), maxLength: 12 })), { maxLength: 4 });

function located(d: Diagnostic, reader: FileReader, dirs: readonly string[]): void {
  expect(["error", "warning", "info"]).toContain(d.severity);
  expect(d.message.trim()).not.toBe("");
  const text = reader.readFile(d.span.file);
  if (text === undefined) {
    expect(d.code, `${d.code} names ${d.span.file}, which is no file`).toBe("host/unreadable-file");
    // A directory the test made, or one that holds files (a mutated setting such as DHCPD_CONF can
    // come to name /etc/default): either way a path that really is not a readable file.
    expect(dirs.includes(d.span.file) || reader.listDir(d.span.file) !== undefined, `${d.span.file} is a directory`).toBe(true);
    return;
  }
  const lines = text.split("\n");
  const where = `${d.code} at ${d.span.file}:${d.span.line}:${d.span.column}`;
  expect(d.span.line, where).toBeGreaterThanOrEqual(1);
  expect(d.span.line, where).toBeLessThanOrEqual(lines.length);
  expect(d.span.column, where).toBeGreaterThanOrEqual(1);
  expect(d.span.column, where).toBeLessThanOrEqual((lines[d.span.line - 1] ?? "").length + 1);
}

function exercise(files: Record<string, string>, dirs: string[], nics?: { name: string; link?: boolean }[]): void {
  const reader = memoryReader({ files, dirs });
  const loaded = loadHost(reader, nics === undefined ? {} : { nics });
  const checks = checkHost(loaded.value);
  const graph = hostGraph(loaded.value);
  for (const d of [...loaded.diagnostics, ...checks]) located(d, reader, dirs);
  for (const d of checks) expect(Object.keys(CATALOGUE)).toContain(d.code);
  const ids = new Set(graph.nodes.map((n) => n.id));
  for (const e of graph.edges) expect(ids.has(e.from) && ids.has(e.to)).toBe(true);
  JSON.stringify(loaded.value);
}

describe("loadHost, the checks and hostGraph never throw", () => {
  it.skipIf(!corpusPresent)("on the corpus Xen hosts with every file mutated, some removed or made directories", () => {
    const hosts = corpusPresent ? xenHosts() : [];
    const arb = fc.record({
      host: fc.nat({ max: Math.max(0, hosts.length - 1) }),
      edits: fc.array(ops, { minLength: 12, maxLength: 12 }),
      drop: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
      asDir: fc.nat({ max: 20 }),
      release: fc.constantFrom(...RELEASES),
    });
    fc.assert(fc.property(arb, ({ host, edits, drop, asDir, release }) => {
      const tree = hosts[host];
      if (tree === undefined) return;
      const files: Record<string, string> = { "/etc/debian_version": release, "/etc/default/xendomains": DEBIAN_XENDOMAINS };
      Object.entries(tree.files).forEach(([path, text], i) => {
        if (!drop[i % 12]) files[path] = mutate(text, edits[i % 12] ?? []);
      });
      const paths = Object.keys(files);
      const dir = paths[asDir];
      const dirs = dir === undefined ? [] : [dir];
      if (dir !== undefined) delete files[dir];
      exercise(files, dirs);
    }), { numRuns: 150 });
  });

  it("on generated interfaces files with guests, udev rules and given cards", () => {
    const vif = fc.constantFrom("[ '' ]", "[ 'bridge=xenbr0' ]", "[ 'bridge=br0,mac=00:16:3e:00:00:01' ]", "[ 'mac=01:00:5e:00:00:01', 'vifname=x' ]", "[ 'ip=10.0.0.5', 'script=vif-route' ]", "[ 'bridge=eth0.10' ]", "[ 'mac=zz' ]");
    const sxp = fc.constantFrom("", "(network-script network-bridge)\n", "(network-script 'network-bridge netdev=br0 bridge=null')\n", "(network-script network-route)\n(vif-script vif-route)\n", "(vif-script vif-nat)\n", "(network-script network-nat)\n(vif-script vif-bridge)\n", "(");
    const nics = fc.option(fc.array(fc.record({ name: fc.constantFrom("eth0", "eth1", "wlan0", "br0", "eth0.10"), link: fc.boolean() }), { maxLength: 3 }), { nil: undefined });
    const arb = fc.tuple(interfacesFile, vif, vif, sxp, fc.constantFrom(...RELEASES), fc.boolean(), nics);
    fc.assert(fc.property(arb, ([text, v1, v2, x, release, udev, cards]) => {
      const files: Record<string, string> = {
        "/etc/network/interfaces": text, "/etc/network/interfaces.d/eth9": text, "/etc/xen/xend-config.sxp": x, "/etc/debian_version": release,
        "/etc/xen/a.cfg": `name = 'a'\nvif = ${v1}\ndisk = [ 'phy:/dev/vg/a,xvda,w' ]\n`, "/etc/xen/auto/a.cfg": "", "/etc/xen/b.cfg": `name = 'a'\nvif = ${v2}\ndisk = [ 'phy:/dev/vg/a,xvda,w' ]\n`,
      };
      if (udev) files["/etc/udev/rules.d/70-persistent-net.rules"] = TWO_CARDS_UDEV;
      exercise(files, [], cards);
    }), { numRuns: 300 });
  });
});
