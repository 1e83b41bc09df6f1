// The typed domain config: name/memory/vcpus/kernel..., lifecycle actions, and the vif and disk
// specs with every key, each value located precisely inside its source line.

import { describe, expect, it } from "vitest";
import { parseDiskText, parseDomainConfig, parseVifText, type Toolstack } from "../../../topology/xen-cfg/index.ts";
import { diagnosticProblem, labels, rangeProblem, textAt } from "./helpers.ts";

const parse = (text: string, toolstack?: Toolstack) => {
  const r = parseDomainConfig(text, "d.cfg", toolstack ? { toolstack } : {});
  for (const d of r.diagnostics) expect(diagnosticProblem(d, text, "d.cfg")).toBeUndefined();
  return r;
};
const withName = (line: string) => `name = 'g'\n${line}\n`;

describe("typed settings", () => {
  const text = [
    "name        = 'testxen'",
    "memory      = '128'",
    "maxmem      = 512",
    "vcpus       = 2",
    "kernel      = '/boot/vmlinuz-2.6.32-5-xen-amd64'",
    "ramdisk     = '/boot/initrd.img-2.6.32-5-xen-amd64'",
    "root        = '/dev/xvda2 ro'",
    "extra       = 'console=hvc0'",
    "dhcp        = 'dhcp'",
    "on_poweroff = 'destroy'",
    "on_reboot   = 'restart'",
    "on_crash    = 'coredump-restart'",
    "shadow_memory = 8",
    "",
  ].join("\n");

  it("reads the handbook's xen-tools guest", () => {
    const { value: c, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    expect(c.name?.value).toBe("testxen");
    expect([c.memory?.value, c.maxmem?.value, c.vcpus?.value]).toEqual([128, 512, 2]);
    expect([c.kernel?.value, c.ramdisk?.value, c.root?.value, c.extra?.value, c.dhcp?.value]).toEqual([
      "/boot/vmlinuz-2.6.32-5-xen-amd64", "/boot/initrd.img-2.6.32-5-xen-amd64", "/dev/xvda2 ro", "console=hvc0", "dhcp",
    ]);
    expect([c.onPoweroff?.value, c.onReboot?.value, c.onCrash?.value]).toEqual(["destroy", "restart", "coredump-restart"]);
    expect(c.vifs).toEqual([]);
    expect(c.disks).toEqual([]);
  });

  it("locates each value, and keeps unknown keys raw", () => {
    const { value: c } = parse(text);
    expect(textAt(text, c.memory!.range)).toBe("'128'");
    expect(c.memory!.range).toMatchObject({ line: 2, column: 15 });
    expect(c.assignments.find((a) => a.key === "shadow_memory")?.value).toMatchObject({ kind: "int", value: 8 });
  });

  it("lets the last assignment win, noting it", () => {
    const r = parse("name = 'a'\nextra = 'root=/dev/xvda1'\nextra = 'console=hvc0'\n");
    expect(r.value.extra?.value).toBe("console=hvc0");
    expect(labels(r.diagnostics)).toEqual(["cfg-reassigned@3:1"]);
  });

  it.each([
    ["memory = 'lots'", "cfg-bad-number@2:10"],
    ["memory = '1.5'", "cfg-bad-number@2:10"],
    ["memory = 0", "cfg-bad-number@2:10"],
    ["vcpus = [2]", "cfg-bad-number@2:9"],
    ["on_crash = 'reboot'", "cfg-bad-action@2:12"],
    ["kernel = 5", "cfg-type@2:10"],
    ["vif = 'bridge=xenbr0'", "cfg-not-a-list@2:7"],
    ["disk = [ 1 ]", "disk-not-string@2:10"],
  ])("%s is a located diagnostic", (line, label) => {
    expect(labels(parse(withName(line)).diagnostics)).toEqual([label]);
  });

  it("grades toolstack-specific actions and a missing name", () => {
    expect(parse(withName("on_reboot = 'soft-reset'"), "xl").diagnostics).toEqual([]);
    expect(labels(parse(withName("on_reboot = 'soft-reset'"), "xm").diagnostics)).toEqual(["cfg-bad-action@2:13"]);
    expect(labels(parse("memory = 128\n").diagnostics)).toEqual(["cfg-missing-name@1:1"]);
  });

  it("leaves a value computed by code unevaluated rather than guessing", () => {
    const r = parse("name = 'a'\nmemory = 256\nmemory = 2 * 256\n");
    expect(r.value.memory).toBeUndefined();
    expect(labels(r.diagnostics)).toEqual(["cfg-code@3:12", "cfg-reassigned@3:1"]);
  });
});

describe("vif specs", () => {
  it("types every key and locates each value inside the line", () => {
    const line = "vif = [ 'mac=00:16:3E:E8:F0:07, ip=192.168.1.50 10.0.0.5,bridge=xenbr1,script=vif-bridge,vifname=web0,type=ioemu,model=e1000,rate=10Mb/s@20ms,backend=0,accel=x,policy=p,label=l' ]";
    const text = withName(line);
    const { value: c, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    const vif = c.vifs[0]!;
    expect(vif.index).toBe(0);
    expect(vif.mac?.value).toBe("00:16:3E:E8:F0:07");
    expect(vif.ip?.value).toEqual(["192.168.1.50", "10.0.0.5"]);
    expect([vif.bridge, vif.script, vif.vifname, vif.type, vif.model, vif.backend, vif.accel, vif.policy, vif.label].map((l) => l?.value)).toEqual([
      "xenbr1", "vif-bridge", "web0", "ioemu", "e1000", "0", "x", "p", "l",
    ]);
    expect(vif.rate?.value).toEqual({ bytesPerSecond: 1_250_000, intervalUs: 20_000, bytesPerInterval: 25_000 });
    expect(textAt(text, vif.bridge!.range)).toBe("xenbr1");
    expect(vif.bridge!.range).toMatchObject({ line: 2, column: line.indexOf("xenbr1") + 1 });
    expect(textAt(text, vif.options.find((o) => o.key === "ip")!.keyRange)).toBe("ip");
    for (const o of vif.options) expect(rangeProblem(o.valueRange, text)).toBeUndefined();
  });

  it("maps positions through escapes and across lines", () => {
    const text = "name = 'g'\nvif = [ '',\n        'bri\\x64ge=xenbr0,mac=00:16:3e:00:00:01' ]\n";
    const { value: c } = parse(text);
    expect(c.vifs.map((v) => v.bridge?.value)).toEqual([undefined, "xenbr0"]);
    expect(c.vifs[1]!.bridge!.range).toMatchObject({ line: 3, column: 20 });
    expect(textAt(text, c.vifs[1]!.mac!.range)).toBe("00:16:3e:00:00:01");
    expect(textAt(text, c.vifs[1]!.options[0]!.keyRange)).toBe("bri\\x64ge");
  });

  it("accepts the corpus' spaces around commas and an empty spec", () => {
    const { value: c, diagnostics } = parse(withName("vif = ['ip=193.33.132.140 ,mac=00:16:3E:76:47:D3', '', 'type=netfront, mac=00:16:3e:68:b2:12,bridge=xenbr0, model=e1000']"));
    expect(diagnostics).toEqual([]);
    expect(c.vifs.map((v) => [v.ip?.value, v.mac?.value, v.bridge?.value, v.model?.value])).toEqual([
      [["193.33.132.140"], "00:16:3E:76:47:D3", undefined, undefined],
      [undefined, undefined, undefined, undefined],
      [undefined, "00:16:3e:68:b2:12", "xenbr0", "e1000"],
    ]);
  });

  it.each([
    ["mac=00:16:3e:12:34", "vif-bad-mac@2:13"],
    ["mac=01:16:3e:12:34:56", "vif-bad-mac@2:13"],
    ["ip=192.168.1.300", "vif-bad-ip@2:12"],
    ["bridge=a-very-long-bridge0", "vif-bad-ifname@2:16"],
    ["vifname=vif:1", "vif-bad-ifname@2:17"],
    ["bridge", "vif-not-pair@2:9"],
    ["bridge=xenbr0,bridge=xenbr1", "vif-duplicate-key@2:23"],
    ["type=virtio", "vif-bad-type@2:14"],
    ["rate=fast", "vif-bad-rate@2:14"],
    ["rate=0Mb/s", "vif-bad-rate@2:14"],
  ])("'%s' is a located diagnostic", (spec, label) => {
    expect(labels(parse(withName(`vif = ['${spec}']`)).diagnostics)).toEqual([label]);
  });

  it("grades what only xm refuses: unknown keys and stray commas", () => {
    const text = withName("vif = ['brige=xenbr0,']");
    expect(labels(parse(text, "xm").diagnostics)).toEqual(["vif-unknown-key@2:9", "vif-empty-item@2:22"]);
    expect(parse(text, "xm").diagnostics.map((d) => d.severity)).toEqual(["error", "error"]);
    expect(parse(text, "xl").diagnostics).toEqual([]);
    expect(parse(text).diagnostics.map((d) => d.severity)).toEqual(["warning", "warning"]);
  });

  it("decodes rates as xend's parseRate (1000-based, bits divided by 8, 50 ms default)", () => {
    const rate = (r: string) => parse(withName(`vif = ['rate=${r}']`)).value.vifs[0]!.rate?.value;
    expect(rate("10Mb/s")).toEqual({ bytesPerSecond: 1_250_000, intervalUs: 50_000, bytesPerInterval: 62_500 });
    expect(rate("1GB/s@1s")).toEqual({ bytesPerSecond: 1e9, intervalUs: 1_000_000, bytesPerInterval: 1e9 });
    expect(rate("100KB/s@500us")).toEqual({ bytesPerSecond: 100_000, intervalUs: 500, bytesPerInterval: 50 });
  });
});

describe("disk specs", () => {
  const disks = (entries: string, toolstack?: Toolstack) => parse(withName(`disk = [ ${entries} ]`), toolstack);

  it("reads xm's TYPE:PATH,VDEV,MODE forms", () => {
    const { value: c, diagnostics } = disks("'phy:/dev/vg0/testxen-disk,xvda2,w', 'file:/srv/x/disk.img,xvda1,w!', 'tap:aio:/srv/y.img,hdc:cdrom,r', 'tap2:tapdisk:aio:/z.img,xvdb,w,backend-dom'", "xm");
    expect(diagnostics).toEqual([]);
    expect(c.disks.map((d) => [d.prefixes.join(":"), d.attach, d.target?.value, d.vdev?.value, d.devtype, d.access?.value, d.readOnly])).toEqual([
      ["phy", "phy", "/dev/vg0/testxen-disk", "xvda2", "disk", "w", false],
      ["file", "file", "/srv/x/disk.img", "xvda1", "disk", "w!", false],
      ["tap:aio", "tap", "/srv/y.img", "hdc", "cdrom", "r", true],
      ["tap2:tapdisk:aio", "tap", "/z.img", "xvdb", "disk", "w", false],
    ]);
    expect(c.disks[3]!.backendDomain?.value).toBe("backend-dom");
  });

  it("reads xl's positional and key=value forms", () => {
    const { value: c, diagnostics } = disks("'/dev/vg/guest-volume,raw,xvda,rw', 'format=qcow2, vdev=xvdb, access=ro, target=/images/a,b.qcow2', '/root/image.iso,,hdc,cdrom'", "xl");
    expect(diagnostics).toEqual([]);
    expect(c.disks.map((d) => [d.target?.value, d.format?.value, d.vdev?.value, d.devtype, d.readOnly])).toEqual([
      ["/dev/vg/guest-volume", "raw", "xvda", "disk", false],
      ["/images/a,b.qcow2", "qcow2", "xvdb", "disk", true],
      ["/root/image.iso", undefined, "hdc", "cdrom", true],
    ]);
  });

  it("locates the target, vdev and mode inside the line", () => {
    const text = withName("disk = [ 'phy:/dev/vg/a,xvda,w' ]");
    const d = parse(text).value.disks[0]!;
    expect([textAt(text, d.target!.range), textAt(text, d.vdev!.range), textAt(text, d.access!.range)]).toEqual(["/dev/vg/a", "xvda", "w"]);
  });

  it("says which toolstack refuses which form", () => {
    expect(labels(disks("'/dev/vg/a,raw,xvda,rw'", "xm").diagnostics)).toEqual(["disk-xm-syntax@2:11"]);
    expect(disks("'/dev/vg/a,raw,xvda,rw'").diagnostics.map((d) => d.severity)).toEqual(["info"]);
    expect(labels(disks("'file:/a.img,xvda,rw'", "xm").diagnostics)).toEqual(["disk-xm-syntax@2:28"]);
    expect(labels(disks("'phy:/dev/a,xvda,w,dom,proto'", "xl").diagnostics)).toEqual(["disk-xm-syntax@2:29", "disk-xm-syntax@2:33"]);
  });

  it.each([
    ["'/dev/vg/a,xvda,w'", ["disk-bad-format@2:21"]],
    ["'phy:/dev/a,xvda,x'", ["disk-bad-mode@2:27"]],
    ["'bogus:/dev/a,xvda,w'", ["disk-bad-prefix@2:11"]],
    ["'phy:/dev/a'", ["disk-no-vdev@2:10"]],
    ["'phy:/dev/a,vda,w'", ["disk-bad-vdev@2:22"]],
    ["'color=red,/x,raw,xvda'", ["disk-unknown-key@2:11"]],
  ])("%s is a located diagnostic", (entry, expected) => {
    expect(labels(disks(entry, "xl").diagnostics)).toEqual(expected);
  });
});

describe("specs given as plain text", () => {
  it("reads a vif or disk spec outside any file, located in that text", () => {
    const vif = parseVifText("bridge=xenbr0, mac=00:16:3e:00:00:09 ,rate=1MB/s", "xm network-attach", { toolstack: "xm" });
    expect(vif.diagnostics).toEqual([]);
    expect([vif.value.bridge?.value, vif.value.mac?.value, vif.value.mac?.range.column]).toEqual(["xenbr0", "00:16:3e:00:00:09", 20]);
    const disk = parseDiskText("phy:/dev/vg0/data,xvdb,w");
    expect([disk.value.attach, disk.value.target?.value, disk.value.vdev?.value]).toEqual(["phy", "/dev/vg0/data", "xvdb"]);
    expect(labels(parseVifText("mac=zz").diagnostics)).toEqual(["vif-bad-mac@1:5"]);
  });
});

describe("disk specs with control characters", () => {
  it("reads a vdev holding a carriage return instead of throwing", () => {
    const text = "disk = [ 'file:/x.iso,x\\r\\tvdb:cdrom,r' ]\n";
    const parsed = parseDomainConfig(text, "cr.cfg");
    expect(parsed.value.disks).toHaveLength(1);
    expect(parsed.value.disks[0]?.devtype).toBe("cdrom");
  });
});
