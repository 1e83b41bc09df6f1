// ISC dhcpd's dhcpd.conf: the built-in nat-dhcpd example and a larger file (shared network, pool,
// group, hosts, include, authority given per scope and copied into subnets when they are declared)
// read into their typed form, and every error at the line and column dhcpd's parse_warn() points
// its caret at, with dhcpd's message.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryReader } from "../../../topology/index.ts";
import { parseDhcpdConf } from "../../../topology/services/index.ts";

const CONF = "/etc/dhcp/dhcpd.conf";
const EXAMPLE = readFileSync(resolve(import.meta.dirname, "../../../examples/nat-dhcpd/etc/dhcp/dhcpd.conf"), "utf8");

function parse(text: string, more: Record<string, string> = {}) {
  return parseDhcpdConf(CONF, memoryReader({ files: { [CONF]: text, ...more } }));
}

describe("dhcpd.conf", () => {
  it("reads the nat-dhcpd example", () => {
    const { value, diagnostics } = parse(EXAMPLE);
    expect(diagnostics).toEqual([]);
    expect(value.accepted).toBe(true);
    expect(value.parameters.map((p) => `${p.name}=${p.value}@${p.span.line}`)).toEqual(["ddns-update-style=none@8", "default-lease-time=43200@10", "max-lease-time=86400@11", "log-facility=local7@18"]);
    expect(value.authoritative).toEqual({ value: true, span: { file: CONF, line: 14, column: 1 } });
    expect(value.subnets).toEqual([{
      network: "10.0.0.0", netmask: "255.255.255.0", prefix: 24, authoritative: true, span: { file: CONF, line: 22, column: 1 },
      ranges: [{ low: "10.0.0.100", high: "10.0.0.200", dynamicBootp: false, span: { file: CONF, line: 23, column: 3 } }],
      parameters: [
        { name: "routers", value: "10.0.0.1", addresses: ["10.0.0.1"], span: { file: CONF, line: 24, column: 3 } },
        { name: "domain-name-servers", value: "10.0.0.1", addresses: ["10.0.0.1"], span: { file: CONF, line: 25, column: 3 } },
        { name: "broadcast-address", value: "10.0.0.255", addresses: ["10.0.0.255"], span: { file: CONF, line: 26, column: 3 } },
      ],
    }]);
  });

  it("reads shared networks, pools, groups, hosts and includes, with authority copied at declaration", () => {
    const text = [
      'option domain-name "example.org";',
      "subnet 192.0.2.0 netmask 255.255.255.0 { }",
      "authoritative;",
      'shared-network "guests" {',
      "  option domain-name-servers 10.0.0.1, 10.0.1.1;",
      "  subnet 10.0.0.0 netmask 255.255.255.0 {",
      "    pool { range dynamic-bootp 10.0.0.100 10.0.0.150; }",
      "    range 10.0.0.200;",
      "  }",
      "  subnet 10.0.1.0 netmask 255.255.255.0 { not authoritative; max-lease-time infinite; }",
      "}",
      "group {",
      "  use-host-decl-names on;",
      "  host web.example.org { hardware ethernet 00:16:3E:00:0A:01; fixed-address 10.0.0.10, web.example.org; }",
      '  host "db" { hardware ethernet 0:16:3e:0:a:2; fixed-address 10.0.0.11; option host-name "db"; }',
      "}",
      'include "/etc/dhcp/more.conf";',
      "",
    ].join("\n");
    const { value, diagnostics } = parse(text, { "/etc/dhcp/more.conf": "host extra { hardware ethernet 00:16:3e:00:0a:03; }\n" });
    expect(diagnostics).toEqual([]);
    expect(value.files).toEqual([CONF, "/etc/dhcp/more.conf"]);
    expect(value.subnets.map((s) => [`${s.network}/${s.prefix}`, s.sharedNetwork ?? "-", s.authoritative, s.ranges.map((r) => `${r.low}-${r.high}${r.dynamicBootp ? "+bootp" : ""}`)])).toEqual([
      ["192.0.2.0/24", "-", false, []],
      ["10.0.0.0/24", "guests", true, ["10.0.0.100-10.0.0.150+bootp", "10.0.0.200-10.0.0.200"]],
      ["10.0.1.0/24", "guests", false, []],
    ]);
    expect(value.subnets[2]?.parameters.map((p) => [p.name, p.number])).toEqual([["max-lease-time", 0xffffffff]]);
    expect(value.hosts.map((h) => [h.name, h.mac?.value, h.fixedAddresses.map((f) => f.value), h.span.line])).toEqual([
      ["web.example.org", "00:16:3e:00:0a:01", ["10.0.0.10", "web.example.org"], 14],
      ["db", "00:16:3e:00:0a:02", ["10.0.0.11"], 15],
      ["extra", "00:16:3e:00:0a:03", [], 1],
    ]);
    expect(value.hosts[2]?.span.file).toBe("/etc/dhcp/more.conf");
  });
});

/** [file, where dhcpd reports (line:column), its message]. */
const ERRORS: readonly (readonly [string, string, string])[] = [
  ["subnet 10.0.0.0 netmask 255.255.255.0 {\n  range 10.0.0.100 10.0.0.200\n  option routers 10.0.0.1;\n}\n", "3:3", "semicolon expected."],
  ["subnet 10.0.0.0 network 255.255.255.0 { }\n", "1:17", "Expecting netmask"],
  ["subnet 10.0.0.1 netmask 255.255.255.0 { }\n", "1:25", "subnet 10.0.0.1 netmask 255.255.255.0: bad subnet number/mask combination."],
  ["subnet 10.0.0 netmask 255.255.255.0 { }\n", "1:15", "too few numbers."],
  ["option domain-name-server 10.0.0.1;\n", "1:8", "unknown option dhcp.domain-name-server"],
  ["range 10.0.0.100 10.0.0.200;\n", "1:1", "range declaration not allowed here."],
  ["host web {\n  hardware ethernt 00:16:3e:00:00:01;\n}\n", "2:12", "expecting a network hardware type"],
  ["fixed-address 10.0.0.10;\n", "1:1", "fixed-address parameter not allowed here."],
  ["default-lease-time ten;\n", "1:20", "expecting number."],
  ["ddns-update-style sometimes;\n", "1:19", "unknown value"],
  ["option routers 10.0.0.300;\n", "1:23", "300 exceeds max (255) for precision."],
  ["subnet 10.0.0.0 netmask 255.255.255.0 {\n  range 10.0.0.100 10.0.0.200;\n", "3:1", "unexpected end of file"],
  ["subnet6 2001:db8::/64 { }\n", "1:1", "subnet6 statement is only supported in DHCPv6 mode."],
  ["ddns-update-style none;\nfrobnicate yes;\n", "2:1", "expecting a parameter or declaration"],
  ['option domain-name example.org;\n', "1:27", "semicolon expected."],
];

describe("errors, where dhcpd reports them", () => {
  it.each(ERRORS.map((e) => [JSON.stringify(e[0]), e] as const))("%s", (_name, [text, where, message]) => {
    const { value, diagnostics } = parse(text);
    expect(value.accepted).toBe(false);
    const first = diagnostics[0];
    expect(first?.code).toBe("dhcpd/parse-error");
    expect(`${first?.span.line}:${first?.span.column}`).toBe(where);
    expect(first?.message.startsWith(`${CONF} line ${where.split(":")[0]}: ${message} — `)).toBe(true);
  });

  it("stops at once on a range outside its subnet (log_fatal)", () => {
    const { value, diagnostics } = parse("subnet 10.0.0.0 netmask 255.255.255.0 {\n  range 10.1.0.5 10.1.0.9;\n}\nbogus;\n");
    expect(value.accepted).toBe(false);
    expect(diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.code} ${d.message.split(" — ")[0]}`)).toEqual([
      "2:3 dhcpd/fatal Address range 10.1.0.5 to 10.1.0.9 not on net 10.0.0.0/255.255.255.0!",
    ]);
  });

  it("stops at once on an include that cannot be opened", () => {
    const { diagnostics } = parse('include "/etc/dhcp/missing.conf";\n');
    expect(diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.code} ${d.message.split(" — ")[0]}`)).toEqual(["1:1 dhcpd/fatal Can't open /etc/dhcp/missing.conf: No such file or directory"]);
  });

  it("keeps reading after an error, as dhcpd does, and reports each one", () => {
    const { diagnostics } = parse("default-lease-time ten;\nmax-lease-time x;\nauthoritative;\n");
    expect(diagnostics.map((d) => `${d.span.line}:${d.span.column}`)).toEqual(["1:20", "2:16"]);
  });
});
