// Property tests: whatever the service files hold — random text made of each grammar's own
// characters and words, and the two built-in NAT examples with characters inserted, deleted and
// repeated in every service file — the parsers, loadHost and the checks never throw, and every
// diagnostic is located inside the file it names (a real line, a column on it or just past it).

import fc from "fast-check";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE, checkHost, loadHost, memoryReader, type Diagnostic, type FileReader } from "../../../topology/index.ts";
import { parseDhcpdConf, parseRulesFile, parseSysctlConf, readDnsmasq, splitCommands } from "../../../topology/services/index.ts";
import { GRAMMAR_CHARS, mutate } from "../xen-cfg/helpers.ts";

function located(d: Diagnostic, read: (file: string) => string | undefined): void {
  const text = read(d.span.file);
  const where = `${d.code} at ${d.span.file}:${d.span.line}:${d.span.column}`;
  expect(text, where).toBeDefined();
  const lines = (text ?? "").split("\n");
  expect(d.span.line, where).toBeGreaterThanOrEqual(1);
  expect(d.span.line, where).toBeLessThanOrEqual(lines.length);
  expect(d.span.column, where).toBeGreaterThanOrEqual(1);
  expect(d.span.column, where).toBeLessThanOrEqual((lines[d.span.line - 1] ?? "").length + 1);
  expect(d.message.trim()).not.toBe("");
}

/** Text from the given words and characters, joined at random. */
const textOf = (words: readonly string[]) =>
  fc.array(fc.oneof(fc.constantFrom(...words), fc.string({ unit: fc.constantFrom(...GRAMMAR_CHARS), maxLength: 6 })), { maxLength: 60 }).map((parts) => parts.join(""));

const SYSCTL_WORDS = ["net.ipv4.ip_forward", "net/ipv4/conf/eth0.10/proxy_arp", " = ", "=", "1", "0", "yes", "\n", "#", ";", "-", "   "];
const DNSMASQ_WORDS = ["interface=", "dhcp-range=", "dhcp-host=", "dhcp-option=", "option:router", "conf-file=/etc/x", "conf-dir=/etc/d,.bak,*.conf", "no-ping", "port=", "10.0.0.1", ",", "12h", "static", "\"", "\n", "#", " "];
const DHCPD_WORDS = ["subnet", "netmask", "range", "host", "hardware", "ethernet", "fixed-address", "option", "routers", "authoritative", "not", "pool", "shared-network", "include", '"/etc/x"', "10.0.0.1", "255.255.255.0", "00:16:3e:00:00:01", "{", "}", ";", ",", "\n", " ", "#", "default-lease-time", "600"];
const RULES_WORDS = ["*nat", "*filter", "*mangle", ":POSTROUTING ACCEPT [0:0]", ":FOO - [0:0]", "-A POSTROUTING", "-o eth0", "-j MASQUERADE", "-j FOO", "-s 10.0.0.0/24", "COMMIT", "\n", " ", "\"", "[1:2]", "-t nat", "#"];

describe("the service parsers never throw and locate every diagnostic", () => {
  it("sysctl.conf", () => {
    fc.assert(fc.property(textOf(SYSCTL_WORDS), fc.boolean(), (text, modern) => {
      const parsed = parseSysctlConf("/etc/sysctl.conf", text, modern);
      for (const d of parsed.diagnostics) located(d, () => text);
      for (const l of parsed.value) expect(l.path.startsWith("/proc/sys/")).toBe(true);
    }), { numRuns: 300 });
  });

  it("dnsmasq.conf, with what it includes", () => {
    fc.assert(fc.property(textOf(DNSMASQ_WORDS), textOf(DNSMASQ_WORDS), fc.boolean(), (main, more, modern) => {
      const tree = { "/etc/dnsmasq.conf": main, "/etc/x": more, "/etc/d/a.conf": more };
      const r = memoryReader({ files: tree });
      const parsed = readDnsmasq({ ...r, exists: (p) => r.readFile(p) !== undefined || r.listDir(p) !== undefined, modern }, { origin: "init-script", argv: [], span: { file: "/etc/dnsmasq.conf", line: 1, column: 1 }, enabled: true });
      for (const d of parsed.diagnostics) located(d, (f) => r.readFile(f));
      expect(parsed.value.accepted).toBe(!parsed.diagnostics.some((d) => d.severity === "error"));
    }), { numRuns: 300 });
  });

  it("dhcpd.conf, with what it includes", () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...DHCPD_WORDS), { maxLength: 80 }), textOf(DHCPD_WORDS), (tokens, more) => {
      const tree = { "/etc/dhcp/dhcpd.conf": tokens.join(" "), "/etc/x": more };
      const r = memoryReader({ files: tree });
      const parsed = parseDhcpdConf("/etc/dhcp/dhcpd.conf", r);
      for (const d of parsed.diagnostics) located(d, (f) => r.readFile(f));
    }), { numRuns: 300 });
  });

  it("rules.v4", () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.constantFrom(...RULES_WORDS), fc.string({ unit: fc.constantFrom(...GRAMMAR_CHARS), maxLength: 5 })), { maxLength: 40 }), fc.boolean(), (parts, test) => {
      const text = parts.join(" ");
      const parsed = parseRulesFile("/etc/iptables/rules.v4", text, { test });
      const failure = parsed.value.failure;
      const all = failure === undefined ? parsed.diagnostics : [...parsed.diagnostics, { code: "failure", severity: "error" as const, message: failure.stderr, span: failure.span }];
      for (const d of all) located(d, () => text);
      expect(parsed.value.accepted).toBe(failure === undefined);
    }), { numRuns: 300 });
  });

  it("hook lines", () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...GRAMMAR_CHARS), maxLength: 80 }), (line) => {
      for (const c of splitCommands(line)) for (const w of [...c.words, ...(c.redirect === undefined ? [] : [c.redirect])]) expect(w.offset).toBeLessThan(line.length);
    }), { numRuns: 300 });
  });
});

/** Every file of an example host, by its path on the host. */
function tree(root: string, dir = "/"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    out[path] = "";
    if (statSync(join(root, path)).isDirectory()) {
      delete out[path];
      Object.assign(out, tree(root, path));
    } else out[path] = readFileSync(join(root, path), "utf8");
  }
  return out;
}

const EXAMPLES = resolve(import.meta.dirname, "../../../examples");
const HOSTS = [tree(join(EXAMPLES, "nat-dnsmasq")), tree(join(EXAMPLES, "nat-dhcpd"))];
const SERVICE_FILES = /^\/etc\/(network\/interfaces|sysctl\.conf|dnsmasq\.conf|dhcp\/dhcpd\.conf|default\/isc-dhcp-server|iptables\/rules\.v4)$/;
const ops = fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 30 }), fc.string({ unit: fc.constantFrom(...GRAMMAR_CHARS), maxLength: 10 })), { maxLength: 4 });

describe("loadHost and the checks on the NAT examples with their service files mutated", () => {
  it("never throw, and locate every diagnostic", () => {
    const rules = "*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 10.0.0.0/24 -o eth0 -j MASQUERADE\nCOMMIT\n";
    fc.assert(fc.property(fc.nat({ max: 1 }), fc.array(ops, { minLength: 6, maxLength: 6 }), fc.boolean(), (which, edits, withRules) => {
      const files: Record<string, string> = { ...(HOSTS[which] ?? {}), ...(withRules ? { "/etc/iptables/rules.v4": rules, "/etc/debian_version": "7.11\n" } : {}) };
      let k = 0;
      for (const path of Object.keys(files).sort()) if (SERVICE_FILES.test(path)) files[path] = mutate(files[path] ?? "", edits[k++ % edits.length] ?? []);
      const reader: FileReader = memoryReader({ files });
      const loaded = loadHost(reader);
      const checks = checkHost(loaded.value);
      for (const d of [...loaded.diagnostics, ...checks]) located(d, (f) => reader.readFile(f));
      for (const d of checks) expect(Object.keys(CATALOGUE)).toContain(d.code);
      JSON.stringify(loaded.value);
    }), { numRuns: 200 });
  });
});
