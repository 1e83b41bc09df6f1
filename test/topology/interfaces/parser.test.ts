// The interfaces(5) grammar as ifupdown 0.8.41 reads it: stanzas, classes, mappings, the fatal
// errors that make ifupdown refuse a file (with their locations), and the warnings we add.

import { describe, expect, it } from "vitest";
import { parseInterfaces } from "../../../topology/interfaces/index.ts";

const parse = (text: string) => parseInterfaces(text, "interfaces");
const codes = (text: string) => parse(text).diagnostics.map((d) => d.code);

describe("stanzas", () => {
  it("reads iface lines and their options in order, with spans", () => {
    const { value, diagnostics } = parse("auto lo\niface lo inet loopback\n\niface eth0 inet static\n    address 192.0.2.10/24\n  gateway 192.0.2.1\n");
    expect(diagnostics).toEqual([]);
    expect(value.rejected).toBe(false);
    expect(value.stanzas.map((s) => [s.name, s.family, s.method])).toEqual([["lo", "inet", "loopback"], ["eth0", "inet", "static"]]);
    const [address, gateway] = value.stanzas[1]?.options ?? [];
    expect(address).toMatchObject({ name: "address", value: "192.0.2.10/24", span: { file: "interfaces", line: 5, column: 5 }, valueSpan: { line: 5, column: 13 } });
    expect(gateway).toMatchObject({ name: "gateway", value: "192.0.2.1", span: { line: 6, column: 3 } });
    expect(value.loopbackDefined).toBe(true);
  });

  it("keeps repeated options as separate lines and warns about the newline join", () => {
    const { value, diagnostics } = parse("iface br0 inet manual\n bridge_ports ens34\n bridge_ports ens35\n up a\n post-up b\n");
    expect(value.stanzas[0]?.options.map((o) => [o.name, o.value])).toEqual([["bridge_ports", "ens34"], ["bridge_ports", "ens35"], ["up", "a"], ["post-up", "b"]]);
    expect(value.stanzas[0]?.bridge?.ports).toEqual(["ens34", "ens35"]);
    expect(diagnostics.map((d) => [d.code, d.span.line])).toEqual([["interfaces/repeated-option", 3]]);
  });

  it("gives bridge_ports and bridge-ports the same key, and warns when both are used", () => {
    const { value, diagnostics } = parse("iface vmbr0 inet manual\n bridge-ports eno1\n bridge_ports eno2\n");
    expect(value.stanzas[0]?.options.map((o) => o.key)).toEqual(["bridge_ports", "bridge_ports"]);
    expect(value.stanzas[0]?.bridge).toMatchObject({ ports: ["eno1"], option: "bridge-ports" });
    expect(diagnostics.map((d) => d.code)).toContain("interfaces/bridge-ports-twice");
  });

  it("copies a template's options with inherits, and its family and method when not given", () => {
    const { value } = parse("iface ethernet inet static\n mtu 1500\niface eth0 inet static inherits ethernet\n address 10.0.0.2/24\niface eth1 inherits ethernet\n");
    const [, eth0, eth1] = value.stanzas;
    expect(eth0?.options.map((o) => [o.name, o.inheritedFrom])).toEqual([["mtu", "ethernet"], ["address", undefined]]);
    expect(eth1).toMatchObject({ family: "inet", method: "static", inherits: "ethernet" });
  });

  it("warns about an extra word on the iface line but keeps the stanza", () => {
    const { value, diagnostics } = parse("iface eth0 inet dhcp extra\n");
    expect(value.rejected).toBe(false);
    expect(value.stanzas).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: "interfaces/extra-parameter", severity: "warning", message: "extra parameter for the iface line not understood and ignored: extra" });
  });
});

describe("auto and allow- classes", () => {
  it("collects auto and allow-auto into class auto, deduplicated, in file order", () => {
    const { value, diagnostics } = parse("auto eth0 eth1\nallow-auto eth2\nauto eth0\nallow-hotplug wlan0\n");
    expect(value.classes.map((c) => [c.name, c.entries.map((e) => e.name)])).toEqual([["auto", ["eth0", "eth1", "eth2"]], ["hotplug", ["wlan0"]]]);
    expect(value.classes[0]?.entries[1]?.span).toEqual({ file: "interfaces", line: 1, column: 11 });
    expect(diagnostics.map((d) => [d.code, d.severity, d.span.line])).toEqual([["interfaces/duplicate-class-entry", "info", 3]]);
  });

  it("treats a bare auto inside a stanza as naming that stanza, which stays open", () => {
    const { value } = parse("iface abc inet dhcp\n auto\n mtu 4\n");
    expect(value.classes[0]?.entries.map((e) => e.name)).toEqual(["abc"]);
    expect(value.stanzas[0]?.options.map((o) => o.value)).toEqual(["4"]);
  });

  it("records no-auto-down, no-scripts and rename words", () => {
    const { value } = parse("no-auto-down eth0\nno-scripts eth1 eth2\nrename eth3=lan\n");
    expect([value.noAutoDown, value.noScripts, value.renames].map((l) => l.map((e) => e.name))).toEqual([["eth0"], ["eth1", "eth2"], ["eth3=lan"]]);
  });
});

describe("mapping stanzas", () => {
  it("reads patterns, one script and map lines", () => {
    const { value } = parse("mapping eth0 eth1\n  script /usr/local/sbin/map-scheme\n  map HOME eth0-home\n  map WORK eth0-work\n");
    expect(value.mappings).toEqual([{ patterns: ["eth0", "eth1"], script: "/usr/local/sbin/map-scheme", maps: ["HOME eth0-home", "WORK eth0-work"], span: { file: "interfaces", line: 1, column: 1 } }]);
  });

  it("refuses a second script and any other option", () => {
    expect(codes("mapping eth*\n script a\n script b\n")).toEqual(["interfaces/duplicate-mapping-script"]);
    expect(codes("mapping eth*\n mtu 3\n")).toEqual(["interfaces/misplaced-option"]);
  });
});

describe("fatal errors reject the whole file, as ifupdown does", () => {
  it.each([
    ["mtu 5\niface x inet manual\n", "interfaces/misplaced-option", 1, 1, "misplaced option"],
    ["auto a\n mtu 3\n", "interfaces/misplaced-option", 2, 2, "misplaced option"],
    ["iface a inet manual\nsource foo\n mtu 3\n", "interfaces/misplaced-option", 3, 2, "misplaced option"],
    ["iface x inet manual\n\n\tnet.ipv4.ip_forward=1\n", "interfaces/empty-value", 3, 2, "option with empty value"],
    ["iface br0 inet statc\n", "interfaces/unknown-method", 1, 1, "unknown or no method and no inherits keyword specified"],
    ["iface br0\n", "interfaces/unknown-family", 1, 1, "unknown or no address type and no inherits keyword specified"],
    ["iface\n", "interfaces/iface-too-few-parameters", 1, 1, "too few parameters for iface line"],
    ["iface x inet static inherits\n", "interfaces/inherits-missing-parameter", 1, 1, "'inherits' keyword is missing a parameter"],
    ["iface y inet6 manual\niface x inet inherits y\n", "interfaces/unknown-inherits", 2, 1, "unknown iface to inherit from: y (inet)"],
  ])("%j", (text, code, line, column, message) => {
    const { value, diagnostics } = parse(text);
    expect(value.rejected).toBe(true);
    const d = diagnostics.find((x) => x.code === code);
    expect(d).toMatchObject({ severity: "error", span: { file: "interfaces", line, column } });
    expect(d?.message).toContain(message);
    expect(d?.message).toContain("no interface in it comes up, not even lo");
    expect(value.events).toEqual([{ kind: "message", text: `interfaces:${line}: ${message}` }]);
  });

  it("points at the first line of a continued option but reports ifupdown's own (last) line number", () => {
    const { value, diagnostics } = parse("iface x inet manual\n mtu \\\n\n");
    expect(diagnostics[0]?.span.line).toBe(2);
    expect(value.events).toEqual([{ kind: "message", text: "interfaces:3: option with empty value" }]);
  });

  it("keeps reading after the first fatal line to report the others, adding nothing", () => {
    const { value, diagnostics } = parse("iface a inet manual\n bogus\niface b inet static\n address 10.0.0.1/24\n other\n");
    expect(value.stanzas.map((s) => s.name)).toEqual(["a"]);
    expect(diagnostics.map((d) => [d.code, d.span.line])).toEqual([["interfaces/empty-value", 2], ["interfaces/empty-value", 5]]);
    expect(diagnostics[1]?.message).toContain("already stopped reading this file at line 2");
  });
});

describe("what parses but breaks an interface", () => {
  it("splits address A/N as inet static does, a netmask line winning", () => {
    const { value } = parse("iface a inet static\n address 192.168.1.2/24\niface b inet static\n address 10.1.2.3/8\n netmask 255.255.0.0\n");
    expect(value.stanzas.map((s) => s.address)).toMatchObject([
      { address: "192.168.1.2", prefixLength: 24, netmask: "255.255.255.0", span: { line: 2, column: 10 } },
      { address: "10.1.2.3", prefixLength: 16, netmask: "255.255.0.0" },
    ]);
  });

  it("reads inet6 addresses with a prefix", () => {
    expect(parse("iface a inet6 static\n address 2001:db8::1/64\n").value.stanzas[0]?.address).toMatchObject({ address: "2001:db8::1", prefixLength: 64 });
  });

  it("flags an end-of-line comment that ends up inside the address", () => {
    const { value, diagnostics } = parse("iface a inet static\n address x.x.x.x/24 # actual IP\n");
    expect(value.stanzas[0]?.address).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(["interfaces/end-of-line-comment", "interfaces/invalid-address"]);
  });

  it("warns that address does nothing for manual and dhcp", () => {
    const { value, diagnostics } = parse("iface vmbr0 inet manual\n address 10.0.0.1/24\n");
    expect(value.stanzas[0]?.address).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(["interfaces/ignored-option"]);
  });

  it("reports a static stanza without an address as an interface that stays down", () => {
    expect(parse("iface a inet static\n netmask 255.0.0.0\n").diagnostics.map((d) => [d.code, d.severity])).toEqual([["interfaces/missing-option", "error"]]);
  });

  it("suggests the known bridge option for a typo", () => {
    expect(parse("iface br0 inet manual\n bridge_ports eth0\n bridge_fe 0\n").diagnostics[0]?.message).toBe("unknown option bridge_fe is ignored (did you mean bridge_fd?)");
  });

  it("recognises VLAN interfaces by name or vlan-raw-device", () => {
    const { value, diagnostics } = parse("iface eth0.10 inet manual\niface vlan5 inet manual\n vlan-raw-device bond0\niface br0.100 inet dhcp\niface eth1.5000 inet manual\n");
    expect(value.stanzas.map((s) => s.vlan && [s.vlan.rawDevice, s.vlan.id])).toEqual([["eth0", 10], ["bond0", 5], ["br0", 100], undefined]);
    expect(diagnostics.map((d) => d.code)).toEqual(["interfaces/invalid-vlan-id"]);
  });

  it("recognises bond masters and slaves in either spelling", () => {
    const { value } = parse("iface bond0 inet manual\n bond-slaves eno1 eno2\n bond_mode 802.3ad\niface eno1 inet manual\n bond-master bond0\n");
    expect(value.stanzas.map((s) => s.bond)).toMatchObject([{ slaves: ["eno1", "eno2"], mode: "802.3ad" }, { slaves: [], master: "bond0" }]);
  });
});
