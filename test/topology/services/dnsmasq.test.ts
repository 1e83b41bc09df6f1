// dnsmasq as dom0's DHCP server: a Debian dnsmasq.conf read into its typed form, the init script's
// drop-in directory (read before dnsmasq.conf, with dnsmasq's and Debian's skip rules), nested
// conf-file, a dnsmasq started from an interfaces hook with its own command line, and every error
// at its file:line:column with dnsmasq's own message — checked against `dnsmasq --test` on the same
// files when dnsmasq is installed.

import { describe, expect, it } from "vitest";
import { memoryReader, type Diagnostic } from "../../../topology/index.ts";
import { readDnsmasq, type DnsmasqFiles, type HookWord } from "../../../topology/services/index.ts";
import { dnsmasqTest, tool } from "./real-tools.ts";

const at = (d: Diagnostic): string => `${d.span.file}:${d.span.line}:${d.span.column}`;

function files(tree: Record<string, string>, dirs: string[] = [], modern = false): DnsmasqFiles {
  const r = memoryReader({ files: tree, dirs });
  return { ...r, exists: (p) => r.readFile(p) !== undefined || r.listDir(p) !== undefined, modern };
}

const SERVICE = { origin: "init-script" as const, argv: [], span: { file: "/etc/dnsmasq.conf", line: 1, column: 1 }, enabled: true };

/** Debian's dnsmasq.conf with the lines a NAT dom0's administrator takes into use. */
const CONF = [
  "# Configuration file for dnsmasq.",
  "#",
  "# Format is one option per line, legal options are the same",
  "# as the long options legal on the command line.",
  "domain-needed",
  "bogus-priv",
  "interface=br0",
  "except-interface = eth0",
  "bind-interfaces",
  "dhcp-range=guests,10.0.0.100, 10.0.0.200,255.255.255.0,12h # the guests",
  "dhcp-range=10.0.0.50,static",
  "dhcp-host=00:16:3E:00:0A:01,web,10.0.0.10,infinite",
  "dhcp-host=00:16:3e:00:0a:02,db,10.0.0.11",
  "dhcp-option=3,10.0.0.1",
  "dhcp-option=option:dns-server,10.0.0.1,192.0.2.53",
  'dhcp-option=15,"example.org,intranet"',
  "no-ping",
  "dhcp-authoritative",
  "dhcp-lease-max=150",
  "domain=example.org",
  "",
].join("\n");

describe("dnsmasq.conf", () => {
  it("reads a Debian dnsmasq.conf into its typed form", () => {
    const parsed = readDnsmasq(files({ "/etc/dnsmasq.conf": CONF }), SERVICE);
    expect(parsed.diagnostics).toEqual([]);
    const d = parsed.value;
    expect(d.accepted).toBe(true);
    expect(d.files).toEqual(["/etc/dnsmasq.conf"]);
    expect(d.interfaces.map((i) => `${i.value}@${i.span.line}:${i.span.column}`)).toEqual(["br0@7:11"]);
    expect(d.exceptInterfaces.map((i) => `${i.value}@${i.span.line}:${i.span.column}`)).toEqual(["eth0@8:20"]);
    expect(d.bindInterfaces).toEqual({ value: true, span: { file: "/etc/dnsmasq.conf", line: 9, column: 1 } });
    expect(d.ranges.map((r) => ({ ...r, span: `${r.span.line}:${r.span.column}` }))).toEqual([
      { start: "10.0.0.100", end: "10.0.0.200", mode: "dynamic", netmask: "255.255.255.0", leaseTime: 43200, tags: ["guests"], text: "guests,10.0.0.100, 10.0.0.200,255.255.255.0,12h", span: "10:1" },
      { start: "10.0.0.50", end: "10.0.0.50", mode: "static", leaseTime: 3600, tags: [], text: "10.0.0.50,static", span: "11:1" },
    ]);
    expect(d.hosts.map((h) => [h.macs, h.hostname, h.ip, h.leaseTime ?? "default"])).toEqual([
      [["00:16:3e:00:0a:01"], "web", "10.0.0.10", "infinite"],
      [["00:16:3e:00:0a:02"], "db", "10.0.0.11", "default"],
    ]);
    expect(d.options.map((o) => [o.code, o.name, o.value, o.addresses])).toEqual([
      [3, "router", "10.0.0.1", ["10.0.0.1"]],
      [6, "dns-server", "10.0.0.1,192.0.2.53", ["10.0.0.1", "192.0.2.53"]],
      [15, "domain-name", "example.org,intranet", undefined],
    ]);
    expect([d.noPing.value, d.authoritative.value, d.leaseMax.value, d.port.value, d.domain?.value]).toEqual([true, true, 150, 53, "example.org"]);
  });

  it("reads the init script's drop-in directory first, skipping what dnsmasq and Debian skip", () => {
    const tree = {
      "/etc/dnsmasq.conf": "interface=br0\n",
      "/etc/dnsmasq.d/10-range": "dhcp-range=10.0.0.100,10.0.0.200\n",
      "/etc/dnsmasq.d/10-range~": "bogus-option\n",
      "/etc/dnsmasq.d/.hidden": "bogus-option\n",
      "/etc/dnsmasq.d/#scratch#": "bogus-option\n",
      "/etc/dnsmasq.d/20-old.dpkg-old": "bogus-option\n",
      "/etc/dnsmasq.d/30-range.bak": "dhcp-range=10.9.0.100,10.9.0.200\n",
    };
    const parsed = readDnsmasq(files(tree), { ...SERVICE, argv: words("/etc/default/dnsmasq", 3, "-7", "/etc/dnsmasq.d,.dpkg-dist,.dpkg-old,.dpkg-new") });
    expect(parsed.value.files).toEqual(["/etc/dnsmasq.d/10-range", "/etc/dnsmasq.d/30-range.bak", "/etc/dnsmasq.conf"]);
    expect(parsed.value.ranges.map((r) => r.start)).toEqual(["10.0.0.100", "10.9.0.100"]);
    expect(parsed.diagnostics.map((d) => `${at(d)} ${d.code}`)).toEqual(["/etc/dnsmasq.d/30-range.bak:1:1 dnsmasq/backup-read"]);
  });

  it("follows conf-file, and fails on a nested file that is missing", () => {
    const ok = readDnsmasq(files({ "/etc/dnsmasq.conf": "conf-file=/etc/dnsmasq.more\n", "/etc/dnsmasq.more": "interface=br0\n" }), SERVICE);
    expect(ok.value.interfaces.map((i) => `${i.value} ${at({ ...i, code: "", severity: "info", message: "" })}`)).toEqual(["br0 /etc/dnsmasq.more:1:11"]);
    const missing = readDnsmasq(files({ "/etc/dnsmasq.conf": "\nconf-file=/etc/dnsmasq.more\n" }), SERVICE);
    expect(missing.diagnostics.map((d) => `${at(d)} ${d.message.split(":").slice(0, 3).join(":")}`)).toEqual(["/etc/dnsmasq.conf:2:1 dnsmasq: cannot read /etc/dnsmasq.more: No such file or directory"]);
    expect(missing.value.accepted).toBe(false);
  });
});

/** Words of a command line, each located on `line` of `file` one after the other. */
function words(file: string, line: number, ...argv: string[]): HookWord[] {
  let column = 1;
  return argv.map((text) => {
    const w = { text, span: { file, line, column } };
    column += text.length + 1;
    return w;
  });
}

describe("a dnsmasq started from an interfaces hook", () => {
  it("takes its options from the command line, then reads /etc/dnsmasq.conf", () => {
    const argv = words("/etc/network/interfaces", 12, "--interface=br0", "-F", "10.0.0.100,10.0.0.200,1h", "--no-pi", "--dhcp-option=3,10.0.0.1");
    const parsed = readDnsmasq(files({ "/etc/dnsmasq.conf": "dhcp-authoritative\n" }), { origin: "hook", argv, span: argv[0]!.span, enabled: true });
    const d = parsed.value;
    expect(parsed.diagnostics).toEqual([]);
    expect(d.interfaces.map((i) => `${i.value}@${i.span.column}`)).toEqual(["br0@13"]);
    expect(d.ranges.map((r) => [r.start, r.end, r.leaseTime])).toEqual([["10.0.0.100", "10.0.0.200", 3600]]);
    expect([d.noPing.value, d.authoritative.value, d.files]).toEqual([true, true, ["/etc/dnsmasq.conf"]]);
  });

  it("reads only the -C file when given one, and locates a bad option at its word", () => {
    const argv = words("/etc/network/interfaces", 12, "-C", "/etc/br0.dnsmasq", "--bogus");
    const parsed = readDnsmasq(files({ "/etc/dnsmasq.conf": "interface=eth0\n", "/etc/br0.dnsmasq": "interface=br0\n" }), { origin: "hook", argv, span: argv[0]!.span, enabled: true });
    expect(parsed.value.interfaces.map((i) => i.value)).toEqual(["br0"]);
    expect(parsed.diagnostics.map((d) => `${at(d)} ${d.message.split(":").slice(0, 3).join(":")}`)).toEqual(["/etc/network/interfaces:12:21 dnsmasq: bad command line options: try --help"]);
  });
});

/** Configuration files and what dnsmasq makes of them; the first line of each with an error is where it says. */
const VERDICTS: readonly (readonly [string, string | undefined, string?])[] = [
  ["interface=br0\ndhcp-range=10.0.0.100,10.0.0.200,12h\n", undefined],
  ["interface = br0\n  dhcp-range = 10.0.0.100, 10.0.0.200 , 255.255.255.0, 12h # leases\n", undefined],
  ["dhcp-range=10.0.0.100\n", "bad dhcp-range at line 1", "1:1"],
  ["dhcp-range=10.0.0.100,10.0.0.300\n", "bad dhcp-range at line 1", "1:1"],
  ["dhcp-range=10.0.0.200,10.0.0.100,1h\n", undefined],
  ["# leases\ndhcp-range=10.0.0.100,10.0.0.200,255.255.255.128\n", "inconsistent DHCP range at line 2", "2:1"],
  ["dhcp-option=option:router,foo\n", "bad IP address at line 1", "1:1"],
  ["dhcp-option=option:routerx,10.0.0.1\n", "bad dhcp-option at line 1", "1:1"],
  ["dhcp-option=3,10.0.0.1\ndhcp-option=3\ndhcp-option=6,10.0.0.1,8.8.8.8\n", undefined],
  ["dhcp-host=00:16:3e:00:00:01,web,10.0.0.10,infinite\n", undefined],
  ["dhcp-host=00:16:3e:00:00:01,web!,10.0.0.10\n", "bad DHCP host name at line 1", "1:1"],
  ["bind-interfaces\nno-ping\ndhcp-authoritative\n", undefined],
  ["  no-ping=yes\n", "extraneous parameter at line 1", "1:3"],
  ["interface\n", "missing parameter at line 1", "1:1"],
  ["port=53\nport=54\n", "illegal repeated keyword at line 2", "2:1"],
  ["port=abc\n", "error at line 1", "1:1"],
  ["dhcp-lease-max=x\n", "error at line 1", "1:1"],
  ['interface="br0\n', 'missing " at line 1', "1:11"],
  ["# comment\n\n   \nexcept-interface=eth0\nlisten-address=10.0.0.1\n", undefined],
  ["dhcp-range=net:guests,10.0.0.100,10.0.0.200,12h\ndhcp-range=10.0.0.100,static\ndomain=example.org\n", undefined],
  ["dhcp-range=10.0.0.1,10.0.0.5,255.255.255.0,10.0.0.255,30m\n", undefined],
  ["dhcp-rangex=1\n", "bad option at line 1", "1:1"],
  ["conf-dir=/nonexistent\n", "cannot access directory /nonexistent: No such file or directory", "1:1"],
  ["conf-file=/nonexistent/x.conf\n", "cannot read /nonexistent/x.conf: No such file or directory", "1:1"],
];

const FILE = "/etc/test.conf";

function ours(text: string): { accepted: boolean; first?: Diagnostic } {
  const argv = words("/etc/init.d/test", 1, `--conf-file=${FILE}`);
  const parsed = readDnsmasq(files({ [FILE]: text }), { origin: "hook", argv, span: argv[0]!.span, enabled: true });
  const first = parsed.diagnostics.find((d) => d.severity === "error");
  return first === undefined ? { accepted: parsed.value.accepted } : { accepted: parsed.value.accepted, first };
}

describe("errors, located, with dnsmasq's messages", () => {
  it.each(VERDICTS.map((v) => [JSON.stringify(v[0]), v] as const))("%s", (_name, [text, message, where]) => {
    const r = ours(text);
    expect(r.accepted).toBe(message === undefined);
    if (message === undefined) return;
    const suffix = message.includes("at line") ? ` of ${FILE}` : "";
    expect(r.first?.message.startsWith(`dnsmasq: ${message}${suffix}: dnsmasq refuses to start`)).toBe(true);
    expect(r.first === undefined ? "" : `${r.first.span.line}:${r.first.span.column}`).toBe(where);
  });
});

const dnsmasq = tool("dnsmasq");
if ("missing" in dnsmasq) console.warn(`SKIPPED: comparison with dnsmasq --test: ${dnsmasq.missing}`);

describe.skipIf("missing" in dnsmasq)("the real dnsmasq --test", () => {
  it.each(VERDICTS.map((v) => [JSON.stringify(v[0]), v[0]] as const))("gives the same verdict and message for %s", (_name, text) => {
    const real = dnsmasqTest("path" in dnsmasq ? dnsmasq.path : "", FILE, text);
    const r = ours(text);
    expect(r.accepted).toBe(real.status === 0);
    if (real.status !== 0) expect(r.first?.message.startsWith(real.stderr.trim())).toBe(true);
  });
});
