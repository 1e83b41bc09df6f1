// A stanza's variables as ifquery 0.8.41 prints them. Every expected value below was produced by
// the real ifquery 0.8.41 (Debian 12) on the same input, including its quirks: the amd64 shift
// behind /33 → 0.0.0.0 and /65 → 128.0.0.0, the 33-byte buffer that cuts long addresses, and
// the newline join of repeated options.

import { describe, expect, it } from "vitest";
import { computeV4Addr, computeV4Mask, foldOptions, prefixMask, resolveVariables } from "../../../topology/interfaces/variables.ts";
import { methodOf } from "../../../topology/interfaces/methods.ts";
import type { Family } from "../../../topology/interfaces/types.ts";

function query(family: Family, method: string, lines: [string, string][], phys = "x"): string[] {
  const spec = methodOf(family, method);
  if (spec === undefined) throw new Error(`no method ${family} ${method}`);
  const vars = resolveVariables(foldOptions(lines.map(([name, value]) => ({ name, value }))), spec, phys);
  return vars.map((v) => `${v.name}: ${v.value}`);
}

describe("inet static address conversions", () => {
  it.each([
    ["10.0.0.1", "10.0.0.1", "255.0.0.0"],
    ["150.1.1.1", "150.1.1.1", "255.255.0.0"],
    ["200.1.1.1", "200.1.1.1", "255.255.255.0"],
    ["240.1.1.1", "240.1.1.1", "255.255.255.255"],
    ["10.0.0.1/33", "10.0.0.1", "0.0.0.0"],
    ["10.0.0.1/64", "10.0.0.1", "0.0.0.0"],
    ["10.0.0.1/65", "10.0.0.1", "128.0.0.0"],
    ["10.0.0.1/-5", "10.0.0.1", "0.0.0.0"],
    ["10.0.0.1/99999999999", "10.0.0.1", "0.0.0.0"],
    ["10.0.0.1/24abc", "10.0.0.1", "255.255.255.0"],
    ["10.0.0.1/ 7", "10.0.0.1", "254.0.0.0"],
    ["10.0.0.1/0x10", "10.0.0.1", "0.0.0.0"],
    ["10.0.0.1/255.0.255.0", "10.0.0.1", "255.0.255.0"],
    ["10.0.0.1/24/8", "10.0.0.1", "255.255.255.0"],
    ["/10.0.0.1/8", "10.0.0.1", "255.0.0.0"],
    ["10.0.0.1/x", "10.0.0.1", "10.0.0.1/x"],
    ["10.0.0.1 /24", "10.0.0.1 ", "10.0.0.1 /24"],
    ["01.2.3.4/8", "01.2.3.4", "01.2.3.4/8"],
    ["x.x.x.x/24 # PVE's actual IP", "x.x.x.x", "x.x.x.x/24 # PVE's actual IP"],
    ["1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17/8", "1.2.3.4.5.6.7.8.9.10.11.12.13.14.", "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17/8"],
  ])("address %s → %s, netmask %s", (value, address, netmask) => {
    expect(computeV4Addr(value)).toBe(address);
    expect(computeV4Mask(value)).toBe(netmask);
  });

  it("computes the prefix mask as the amd64 shift does", () => {
    expect([0, 1, 8, 24, 31, 32, 33, 63, 64, 65].map((w) => prefixMask(w).toString(16))).toEqual(["0", "80000000", "ff000000", "ffffff00", "fffffffe", "ffffffff", "0", "0", "0", "80000000"]);
  });

  it("appends broadcast (from the default +) then netmask, after the file's options", () => {
    expect(query("inet", "static", [["address", "10.0.0.2/24"], ["post-up", "echo a"], ["up", "echo b"]])).toEqual([
      "address: 10.0.0.2", "up: echo a", "up: echo b", "broadcast: 10.0.0.255", "netmask: 255.255.255.0",
    ]);
  });

  it("computes - as the network address, and a /31 as all-ones", () => {
    expect(query("inet", "static", [["address", "10.1.2.3/16"], ["broadcast", "-"]])).toEqual(["address: 10.1.2.3", "broadcast: 10.1.0.0", "netmask: 255.255.0.0"]);
    expect(query("inet", "static", [["address", "10.0.0.1/31"]])).toContain("broadcast: 255.255.255.255");
  });

  it("leaves broadcast + when the netmask is a prefix length", () => {
    expect(query("inet", "static", [["address", "192.168.1.2"], ["netmask", "24"]])).toEqual(["address: 192.168.1.2", "netmask: 24", "broadcast: +"]);
  });

  it("keeps only the first of two joined addresses", () => {
    expect(query("inet", "static", [["address", "10.0.0.1/24"], ["address", "10.0.0.2/24"]])).toEqual(["address: 10.0.0.1", "broadcast: 10.0.0.255", "netmask: 255.255.255.0"]);
  });
});

describe("other methods", () => {
  it("inet6 static adds its defaults, splits the prefix and turns a gateway into accept_ra 0", () => {
    expect(query("inet6", "static", [["hwaddress", "ether aa:bb"], ["address", "10.1.2.3/16"], ["gateway", "1.2.3.4"], ["preferred-lifetime", "5"]], "x:1")).toEqual([
      "hwaddress: aa:bb", "address: 10.1.2.3", "gateway: 1.2.3.4", "preferred-lifetime: 0", "autoconf: 0", "dad-attempts: 60", "dad-interval: 0.1", "netmask: 16", "accept_ra: 0",
    ]);
    expect(query("inet6", "static", [["address", "2001:db8::1"]])).toEqual(["address: 2001:db8::1", "autoconf: 0", "preferred-lifetime: ", "dad-attempts: 60", "dad-interval: 0.1", "netmask: "]);
    expect(query("inet6", "static", [["address", "/64"]])[0]).toBe("address: 64");
  });

  it("inet6 auto and dhcp add their router-advertisement defaults", () => {
    expect(query("inet6", "auto", [])).toEqual(["accept_ra: 2", "request_prefix: 0", "ll-attempts: 60", "ll-interval: 0.1"]);
    expect(query("inet6", "dhcp", [])).toEqual(["accept_ra: 1", "request_prefix: 0", "ll-attempts: 60", "ll-interval: 0.1"]);
  });

  it("6to4 derives hexaddress from local", () => {
    expect(query("inet6", "6to4", [["local", "10.0.0.1"]])).toEqual(["local: 10.0.0.1", "preferred-lifetime: ", "hexaddress: 0a00:0001"]);
  });

  it("drops the hardware class word for static, manual and dhcp only", () => {
    expect(query("inet", "dhcp", [["hwaddress", "ax25 aa bb"]])).toEqual(["hwaddress: aa bb"]);
    expect(query("inet", "static", [["hwaddress", "Ether  aa"]])[0]).toBe("hwaddress:  aa");
    expect(query("inet", "dhcp", [["hwaddress", "ether\taa"]])).toEqual(["hwaddress: ether\taa"]);
    expect(query("inet", "bootp", [["hwaddress", "ether aa"]])).toEqual(["hwaddress: ether aa"]);
  });

  it("gives hwaddress random a deterministic locally administered unicast MAC", () => {
    const [line] = query("inet", "dhcp", [["hwaddress", "random"]], "eth0");
    expect(line).toMatch(/^hwaddress: [0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    expect(Number.parseInt(line?.slice(11, 13) ?? "", 16) & 3).toBe(2);
    expect(query("inet", "dhcp", [["hwaddress", "random"]], "eth0")).toEqual([line]);
  });
});

describe("joining repeated options", () => {
  it("joins non-hook repeats with a newline, renames post-up/pre-down, keeps hooks apart", () => {
    const vars = foldOptions([
      { name: "bridge_ports", value: "ens34" }, { name: "pre-down", value: "a" }, { name: "bridge_ports", value: "ens35" }, { name: "down", value: "b" },
    ]);
    expect(vars).toEqual([{ name: "bridge_ports", value: "ens34\nens35" }, { name: "down", value: "a" }, { name: "down", value: "b" }]);
  });
});
