// fast-check generators of interfaces(5) files: every keyword, option lines with values that hit
// the address conversions, comments, continuation lines, odd whitespace, and plain mistakes
// (empty values, unknown methods, options before any stanza). Shared by the property tests and
// the optional differential test against a real ifquery binary.

import fc from "fast-check";

const NAMES = ["lo", "eth0", "eth1", "br0", "xenbr0", "eth0.10", "vlan5", "bond0", "eth0:1", "wlan0", "dsl-provider"];
const name = fc.constantFrom(...NAMES);
const family = fc.constantFrom("inet", "inet", "inet", "inet6", "ipx", "can", "meta", "inet4", "INET");
const method = fc.constantFrom(
  "static", "static", "dhcp", "manual", "loopback", "auto", "v4tunnel", "6to4", "tunnel", "ppp", "bootp",
  "wvdial", "ipv4ll", "dynamic", "none", "statc", "inherits",
);

const octet = fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), fc.constantFrom("01", "256", "x"));
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));
const prefix = fc.oneof(
  fc.integer({ min: 0, max: 34 }).map(String),
  fc.constantFrom("64", "65", "100", "-5", "24abc", " 24", "+8", "255.255.255.0", "255.0.255.0", "x", ""),
);
const address = fc.oneof(
  ipv4,
  fc.tuple(ipv4, prefix).map(([a, p]) => `${a}/${p}`),
  fc.constantFrom("2001:db8::1/64", "fe80::1", "/64", "a//b/c", "10.0.0.1 10.0.0.2", "x.x.x.x/24 # main IP"),
);
const word = fc.constantFrom("eth0", "eth1", "none", "all", "on", "off", "0", "15", "ether", "aa:bb:cc:dd:ee:ff", "#", "\\", "a=b");
const value = fc.oneof(
  address,
  fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(" ")),
  fc.constantFrom("echo hi # comment", "ether 00:16:3e:00:00:01", "Ether  aa", "ax25 x y", "10.1.2.3", "+", "-"),
  fc.constantFrom("1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17/8", "10.0.0.1\t/24", "é10.0.0.1/8", "a\0b", "y".repeat(100)),
);
const key = fc.constantFrom(
  "address", "address", "netmask", "gateway", "broadcast", "hwaddress", "bridge_ports", "bridge-ports", "bridge_fd",
  "bridge_fe", "up", "post-up", "pre-up", "down", "pre-down", "post-down", "mtu", "local", "preferred-lifetime",
  "mode", "endpoint", "accept_ra", "vlan-raw-device", "bond-slaves", "bond-mode", "dns-nameservers", "x?", "script", "map",
);
const indent = fc.constantFrom("", "  ", "\t", "    ", " \t");
const cls = fc.constantFrom("auto", "allow-hotplug", "allow-auto", "allow-ovs", "allow-");

const keywordLine = fc.oneof(
  fc.tuple(cls, fc.array(name, { maxLength: 3 })).map(([c, ns]) => [c, ...ns].join(" ")),
  fc.tuple(name, family, method).map(([n, f, m]) => `iface ${n} ${f} ${m}`),
  fc.tuple(name, method, name).map(([n, m, p]) => `iface ${n} inet ${m} inherits ${p}`),
  fc.tuple(name, name).map(([n, p]) => `iface ${n} inherits ${p}`),
  fc.constantFrom("iface", "iface eth0", "iface eth0 inet", "iface eth0 inet static extra words"),
  fc.constantFrom("mapping eth*", "mapping", "no-auto-down eth0", "no-scripts eth0 eth1", "rename eth0=lan"),
  fc.constantFrom("source d/*", "source d/a", "source-directory d", "source-dir d", "source nothing*", "source d/x.cfg d/a"),
  fc.constantFrom("auto", "allow-hotplug", "no-scripts", "no-auto-down", "rename", "source \"d/a\"", "source 'd/b-1' d/[ab]*"),
  fc.constantFrom("rename eth0=eth1", "rename eth1=eth0 eth0=br0", "rename br0=eth0", "rename lo", "rename wlan0=lo"),
  fc.constantFrom("source d/a;x", "source $(ls)", "source d/{a,b}", "source d/\\a", "source-directory d/sub", "source d"),
  fc.constantFrom(`iface ${"x".repeat(90)} inet dhcp`, "iface ethé0 inet static", "auto ethé0", "iface eth0\0junk inet dhcp"),
);
const optionLine = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(indent, key, value).map(([i, k, v]) => `${i}${k} ${v}`) },
  { weight: 1, arbitrary: fc.tuple(indent, key).map(([i, k]) => `${i}${k}`) },
);
const noise = fc.constantFrom("", "# a comment", "   # indented comment \\", "\t", "  \r", "up echo a \\");

/** Splits a line once with a backslash continuation, now and then. */
function maybeContinued(l: string, cut: number): string {
  return cut < 2 && l.includes(" ") ? l.replace(" ", cut === 0 ? " \\\n  " : "\\\n") : l;
}

/** A keyword line and the lines under it (mostly options, some comments and noise). */
const block = fc
  .tuple(
    keywordLine,
    fc.array(fc.oneof({ weight: 6, arbitrary: optionLine }, { weight: 1, arbitrary: noise }), { maxLength: 5 }),
    fc.array(fc.nat(30), { minLength: 6, maxLength: 6 }),
  )
  .map(([k, opts, cuts]) => [k, ...opts].map((l, i) => maybeContinued(l, cuts[i] ?? 9)).join("\n"));

/** A whole interfaces file: blocks, sometimes with a stray line first. */
export const interfacesFile = fc
  .tuple(fc.option(fc.oneof(optionLine, noise), { freq: 6 }), fc.array(block, { maxLength: 8 }), fc.boolean())
  .map(([stray, blocks, crlf]) => {
    const ls = stray === null ? blocks : [stray, ...blocks];
    return ls.join(crlf ? "\r\n" : "\n") + (ls.length > 0 ? "\n" : "");
  });

/** A stanza-heavy file that usually parses (to exercise queries rather than fatal errors). */
export const validFile = fc
  .array(
    fc.tuple(name, fc.constantFrom("inet static", "inet dhcp", "inet manual", "inet6 static", "inet6 auto", "inet loopback"), fc.array(fc.tuple(key, value), { maxLength: 6 }), fc.boolean()),
    { maxLength: 6 },
  )
  .map((stanzas) =>
    stanzas
      .map(([n, fm, opts, auto]) => [auto ? `auto ${n}` : `allow-hotplug ${n}`, `iface ${n} ${fm}`, ...opts.map(([k, v]) => `    ${k} ${v}`)].join("\n"))
      .join("\n\n") + "\n",
  );

/** Argument lists to run ifquery with on a generated file. */
export const ifqueryArgs = fc.oneof(
  fc.constant(["--list"]),
  fc.constant(["--list", "--allow=hotplug"]),
  fc.constant(["--list", "--allow=ovs"]),
  fc.constant(["--list", "--no-loopback"]),
  fc.constant(["--list", "-X", "e*"]),
  name.map((n) => ["-v", n]),
  fc.tuple(name, name).map(([a, b]) => [a, b]),
  fc.tuple(name, name).map(([a, b]) => ["-v", `${a}=${b}`]),
  name.map((n) => ["-o", "mtu=9", "-o", "post-up=x", n]),
  name.map((n) => ["--allow", "hotplug", "-v", n]),
  name.map((n) => ["-o", "mtu=", "-v", n]),
  name.map((n) => ["--no-loopback", "-v", n, "lo"]),
  fc.constant(["--exclude=eth*", "--list"]),
  fc.constant(["--list", "eth0", "lo", "nope"]),
  fc.constant(["--list", "-a"]),
  fc.constant(["-a"]),
  fc.constant([]),
  fc.constant(["--sta", "eth0"]),
  fc.constant(["--no", "eth0"]),
  fc.constant(["-vl"]),
);

/** One edit of a text: characters or whole lines inserted, deleted, replaced or duplicated. */
export const mutation = fc.oneof(
  fc.tuple(fc.constant("insert-char" as const), fc.nat(), fc.constantFrom("\\", "#", " ", "\n", "\t", "\r", "\0", "=", "/", "x", "é")),
  fc.tuple(fc.constant("delete-char" as const), fc.nat(), fc.constant("")),
  fc.tuple(fc.constant("replace-char" as const), fc.nat(), fc.constantFrom("\\", "#", " ", "\n", "0", "a", "-", "_")),
  fc.tuple(fc.constant("insert-line" as const), fc.nat(), fc.constantFrom("iface", "auto", "mtu", "  bridge_ports", "source ./*", "source-directory /etc/network/interfaces.d", "mapping eth*", "\\", "iface x inet foo", "  address 1.2.3.4/40")),
  fc.tuple(fc.constant("delete-line" as const), fc.nat(), fc.constant("")),
  fc.tuple(fc.constant("duplicate-line" as const), fc.nat(), fc.constant("")),
);

export function mutate(text: string, edits: readonly (readonly [string, number, string])[]): string {
  let t = text;
  for (const [kind, n, s] of edits) {
    const lines = t.split("\n");
    const at = n % (kind.endsWith("char") ? t.length + 1 : lines.length + 1);
    if (kind === "insert-char") t = t.slice(0, at) + s + t.slice(at);
    else if (kind === "delete-char") t = t.slice(0, at) + t.slice(at + 1);
    else if (kind === "replace-char") t = t.slice(0, at) + s + t.slice(at + 1);
    else if (kind === "insert-line") t = [...lines.slice(0, at), s, ...lines.slice(at)].join("\n");
    else if (kind === "delete-line") t = [...lines.slice(0, at), ...lines.slice(at + 1)].join("\n");
    else t = [...lines.slice(0, at + 1), lines[at] ?? "", ...lines.slice(at + 1)].join("\n");
  }
  return t;
}
