// xen-tools.conf: readConfigurationFile's line rules and quirks, the typed XenToolsConfig with
// xen-tools' size units, the five corpus files, and never-throw properties.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseXenToolsConfig, readXenToolsConf, xenToolsDiskSizeMb, xenToolsMemoryMb } from "../../../topology/xen-tools/index.ts";
import { corpusFiles, corpusPresent, diagnosticProblem, GRAMMAR_CHARS, labels, mutate, rangeProblem, textAt } from "../xen-cfg/helpers.ts";

const entries = (text: string) => readXenToolsConf(text, "x.conf").value.entries.map((e) => [e.key, e.value]);
const parse = (text: string) => {
  const r = parseXenToolsConfig(text, "x.conf");
  for (const d of r.diagnostics) expect(diagnosticProblem(d, text, "x.conf")).toBeUndefined();
  return r;
};

describe("readConfigurationFile's line rules", () => {
  it("reads key = value, skipping comments and blank lines, trimming both sides", () => {
    expect(entries("# comment\n   # indented comment\n\nsize   = 4Gb      # Disk image size.\nlvm=vg0\n\tfs\t=\text3 \r\nkey with space = v\n")).toEqual([
      ["size", "4Gb"], ["lvm", "vg0"], ["fs", "ext3"], ["key with space", "v"],
    ]);
  });

  it("cuts a line at its last `#` (a greedy match), keeping earlier ones in the value", () => {
    const r = parseXenToolsConfig("password = pa#ss # my password\n", "x.conf");
    expect(r.value.entries.map((e) => e.value)).toEqual(["pa#ss"]);
    expect(labels(r.diagnostics)).toEqual(["xt-hash-in-value@1:12"]);
  });

  it("splits at the first `=` and needs something after it", () => {
    const text = "role-args = --a=1 --b=2\nempty = \nnothing=\n=novalue\n";
    expect(entries(text)).toEqual([["role-args", "--a=1 --b=2"], ["empty", ""]]);
    expect(readXenToolsConf(text, "x.conf").value.entries[1]!.valueRange).toMatchObject({ line: 2, column: 9, endLine: 2, endColumn: 9 });
  });

  it("warns about lines xen-tools silently ignores", () => {
    const r = parseXenToolsConfig("install-method debootstrap\nsize = 4G\n", "x.conf");
    expect(labels(r.diagnostics)).toEqual(["xt-no-assignment@1:1"]);
    expect(r.value.size?.value).toEqual({ text: "4G", mb: 4096 });
  });

  it("joins backslash-continued lines, and warns when a comment swallows a setting", () => {
    const text = "mirror = http://deb.debian.org/\\\ndebian\n# old \\\nsize = 9G\nswap = 128M\n";
    const r = parseXenToolsConfig(text, "x.conf");
    expect(r.value.entries.map((e) => [e.key, e.value])).toEqual([["mirror", "http://deb.debian.org/debian"], ["swap", "128M"]]);
    expect(r.value.entries[0]!.valueRange).toMatchObject({ line: 1, column: 10, endLine: 2, endColumn: 7 });
    expect(labels(r.diagnostics)).toEqual(["xt-continued-comment@3:1"]);
  });

  it("records the last backquoted command without running it", () => {
    const text = "kernel = /boot/vmlinuz-`uname -r`\nx = `a` and `b`\ny = ``\n";
    const r = parseXenToolsConfig(text, "x.conf");
    expect(r.value.commands.map((c) => [c.key, c.pre, c.command, c.post])).toEqual([["kernel", "/boot/vmlinuz-", "uname -r", ""], ["x", "`a` and ", "b", ""]]);
    expect(textAt(text, r.value.commands[0]!.range)).toBe("`uname -r`");
    expect(r.value.kernel?.value).toBe("/boot/vmlinuz-`uname -r`");
  });

  it("lets a later setting replace an earlier one, noting it", () => {
    const r = parse("dist = lenny\ndist = squeeze\n");
    expect(r.value.dist?.value).toBe("squeeze");
    expect(labels(r.diagnostics)).toEqual(["xt-duplicate@2:1"]);
  });
});

describe("sizes in xen-tools' units", () => {
  it.each([
    ["4Gb", 4096], ["4G", 4096], ["4GB", 4096], ["1.5G", 1536], ["128Mb", 128], ["512M", 512], ["2048MB", 2048],
    ["2048", undefined], ["100k", undefined], ["1T", undefined],
  ])("disk %s is %s MiB", (text, mb) => expect(xenToolsDiskSizeMb(text)).toBe(mb));

  it.each([
    ["128Mb", 128], ["256M", 256], ["2G", 2048], ["2GiB", 2048], ["256", 256], ["1.5G", undefined], ["512k", undefined],
  ])("memory %s is %s MiB", (text, mb) => expect(xenToolsMemoryMb(text)).toBe(mb));

  it("types size, swap and memory, warning where xen-tools would pass the text on", () => {
    const r = parse("size = 4Gb\nswap = 2048\nmemory = 1.5G\nmaxmem = 1G\n");
    expect([r.value.size?.value, r.value.swap?.value, r.value.memory?.value, r.value.maxmem?.value]).toEqual([
      { text: "4Gb", mb: 4096 }, { text: "2048" }, { text: "1.5G" }, { text: "1G", mb: 1024 },
    ]);
    expect(labels(r.diagnostics)).toEqual(["xt-bad-size@2:8", "xt-bad-size@3:10"]);
  });
});

describe("typed settings", () => {
  it("types flags by Perl truth and warns when `no` means yes", () => {
    const r = parse("noswap = 1\ndhcp = 0\nboot = no\npasswd =\ngenpass = 0\naccounts = yes\n");
    expect([r.value.noswap?.value, r.value.dhcp?.value, r.value.boot?.value, r.value.passwd, r.value.genpass?.value, r.value.accounts?.value]).toEqual([true, false, true, undefined, false, true]);
    expect(labels(r.diagnostics)).toEqual(["xt-no-assignment@4:1", "xt-perl-truth@3:8"]);
  });

  it("types storage, networking and install settings", () => {
    const text = "dir = /srv/xen\ninstall-method = debootstrap\ngateway = 192.168.1.1\nnetmask = 255.255.255.0\nbroadcast = 192.168.1.255\nnameserver = 192.168.1.1 8.8.8.8\nbridge = xenbr0\nmirror = http://ftp.us.debian.org/debian/\nfs = ext3\nimage = sparse\narch = amd64\nserial_device = hvc0\ndisk_device = xvda\next3_options = noatime,nodiratime,errors=remount-ro\ngenpass_len = 12\n";
    const { value: c, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    expect([c.dir, c.installMethod, c.gateway, c.netmask, c.broadcast, c.bridge, c.mirror, c.fs, c.image, c.arch, c.serialDevice, c.diskDevice].map((l) => l?.value)).toEqual([
      "/srv/xen", "debootstrap", "192.168.1.1", "255.255.255.0", "192.168.1.255", "xenbr0", "http://ftp.us.debian.org/debian/", "ext3", "sparse", "amd64", "hvc0", "xvda",
    ]);
    expect(c.nameserver?.value).toEqual(["192.168.1.1", "8.8.8.8"]);
    expect(c.fsOptions.map((o) => [o.fs, o.options.value])).toEqual([["ext3", "noatime,nodiratime,errors=remount-ro"]]);
    expect(c.genpassLen?.value).toBe(12);
    expect(textAt(text, c.gateway!.range)).toBe("192.168.1.1");
  });

  it.each([
    ["install-method = apt-get", "xt-bad-value@1:18", "error"],
    ["install-method = tar", "xt-bad-value@1:18", "error"],
    ["fs = ntfs", "xt-bad-value@1:6", "error"],
    ["image = thin", "xt-bad-value@1:9", "error"],
    ["gateway = 192.168.1", "xt-bad-address@1:11", "error"],
    ["nameserver = 1.1.1.1 dns.example", "xt-bad-address@1:14", "error"],
    ["mac = 00:16:3e:zz:00:01", "xt-bad-value@1:7", "warning"],
    ["mirror = deb.debian.org", "xt-bad-value@1:10", "warning"],
    ["serial_device = console", "xt-bad-value@1:17", "warning"],
    ["genpass_len = many", "xt-bad-value@1:15", "warning"],
  ])("%s is a located diagnostic", (line, label, severity) => {
    const r = parse(line + "\n");
    expect(labels(r.diagnostics)).toEqual([label]);
    expect(r.diagnostics[0]!.severity).toBe(severity);
  });

  it("checks settings against each other as xen-create-image does", () => {
    expect(labels(parse("dir = /srv\nlvm = vg0\n").diagnostics)).toEqual(["xt-storage-conflict@2:7"]);
    expect(labels(parse("dhcp = 1\nip = 192.168.1.\n").diagnostics)).toEqual(["xt-dhcp-and-ip@2:6"]);
    expect(parse("dhcp = 1\nip = 192.168.1.\n").diagnostics[0]!.severity).toBe("info");
    expect(parse("dhcp = 1\nip = 192.168.1.5\n").diagnostics[0]!.severity).toBe("error");
  });

  it("does not judge values that a backquoted command computes", () => {
    expect(parse("dist = `xt-guess-suite-and-mirror --suite`\nmirror = `xt-guess-suite-and-mirror --mirror`\nsize = `echo 4G`\n").diagnostics).toEqual([]);
  });
});

const present = corpusPresent("xen-tools");
describe.skipIf(!present)("xen-tools corpus", () => {
  const files = corpusFiles("xen-tools");
  it.each(files)("%s reads without a single diagnostic", (name, text) => {
    const r = parseXenToolsConfig(text, name);
    expect(r.diagnostics).toEqual([]);
    for (const e of r.value.entries) expect(rangeProblem(e.valueRange, text)).toBeUndefined();
  });

  it("types each site's choices", () => {
    const get = (prefix: string) => {
      const [name, text] = files.find(([n]) => n.startsWith(prefix))!;
      return parseXenToolsConfig(text, name).value;
    };
    const upstream = get("001");
    expect([upstream.size?.value.mb, upstream.memory?.value.mb, upstream.swap?.value.mb, upstream.fs?.value]).toEqual([4096, 256, 512, "ext4"]);
    expect(upstream.commands.map((c) => c.command)).toEqual(["xt-guess-suite-and-mirror --suite", "uname -r", "uname -r"]);
    const gnulug = get("003");
    expect([gnulug.lvm?.value, gnulug.gateway?.value, gnulug.netmask?.value, gnulug.bridge?.value, gnulug.pygrub?.value, gnulug.genpassLen?.value]).toEqual(["XenVG", "192.17.239.1", "255.255.255.128", "xenbr0", true, 15]);
    expect(get("004").size?.value).toEqual({ text: "4Gb", mb: 4096 });
    const stusta = get("005");
    expect([stusta.nameserver?.value, stusta.nohosts?.value, stusta.genpass?.value, stusta.lvm?.value]).toEqual([["10.150.127.2", "10.150.125.2"], true, false, "vg-`hostname`-system"]);
    expect(get("002").installMethod?.value).toBe("tar");
  });
});

describe("xen-tools.conf properties", () => {
  const check = (text: string) => {
    const r = parseXenToolsConfig(text, "x.conf");
    for (const d of r.diagnostics) expect(diagnosticProblem(d, text, "x.conf")).toBeUndefined();
    for (const e of r.value.entries) {
      expect(rangeProblem(e.keyRange, text)).toBeUndefined();
      expect(rangeProblem(e.valueRange, text)).toBeUndefined();
    }
    for (const c of r.value.commands) expect(rangeProblem(c.range, text)).toBeUndefined();
  };
  const chars = [...GRAMMAR_CHARS, "=", " ", "`", "#", "\\", "\n"];

  it("never throws on arbitrary text or text of the format's characters", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), check), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...chars), maxLength: 300 }), check), { numRuns: 500 });
  });

  const corpus = corpusFiles("xen-tools").map(([, t]) => t);
  it.skipIf(corpus.length === 0)("never throws on random edits of the corpus files", () => {
    const op = fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 40 }), fc.string({ unit: fc.constantFrom(...chars), maxLength: 6 }));
    fc.assert(fc.property(fc.constantFrom(...corpus), fc.array(op, { minLength: 1, maxLength: 8 }), (t, ops) => check(mutate(t, ops))), { numRuns: 300 });
  });
});
