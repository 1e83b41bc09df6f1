// The 23 real domain configs of shared/corpus/xen-cfg: every one reads without errors, except
// 014, which really is broken (its first line is xen-tools.conf syntax, `install-method =
// debootstrap`, which Python and xl both reject as a syntax error).

import { describe, expect, it } from "vitest";
import { parseDomainConfig, type DomainConfig, type Toolstack } from "../../../topology/xen-cfg/index.ts";
import { corpusFiles, corpusPresent, diagnosticProblem, labels, rangeProblem, textAt } from "./helpers.ts";

const present = corpusPresent("xen-cfg");
const files = corpusFiles("xen-cfg");
const byName = new Map(files);
const text = (prefix: string) => [...byName].find(([n]) => n.startsWith(prefix))![1];
const parse = (prefix: string, toolstack?: Toolstack) => {
  const [name, t] = [...byName].find(([n]) => n.startsWith(prefix))!;
  return parseDomainConfig(t, name, toolstack ? { toolstack } : {});
};

/** The toolstack each file was written for (SOURCES.tsv): Trimet and Nesousx ran xm, the rest xl. */
const WRITTEN_FOR = (name: string): Toolstack => (/trimet|nesousx/.test(name) ? "xm" : "xl");

/** Every Range inside a typed config. */
function ranges(c: DomainConfig) {
  const out = c.assignments.flatMap((a) => [a.keyRange, a.value.range]);
  for (const v of c.vifs) out.push(v.range, ...v.options.flatMap((o) => [o.keyRange, o.valueRange]));
  for (const d of c.disks) out.push(d.range, ...[d.target, d.vdev, d.access, d.format].flatMap((l) => (l ? [l.range] : [])));
  return out;
}

describe.skipIf(!present)("xen-cfg corpus", () => {
  it("has the 23 files", () => expect(files).toHaveLength(23));

  it.each(files)("%s reads with located diagnostics and no errors (014 excepted)", (name, t) => {
    for (const toolstack of [undefined, WRITTEN_FOR(name)]) {
      const r = parseDomainConfig(t, name, toolstack ? { toolstack } : {});
      for (const d of r.diagnostics) expect(diagnosticProblem(d, t, name)).toBeUndefined();
      for (const range of ranges(r.value)) expect(rangeProblem(range, t)).toBeUndefined();
      const errors = r.diagnostics.filter((d) => d.severity === "error");
      expect(labels(errors)).toEqual(name.startsWith("014") ? ["cfg-syntax@1:8"] : []);
      expect(r.value.name).toBeDefined();
      expect(r.value.memory).toBeDefined();
    }
  });

  it("001 (xm, with Python code): code is located, never run, and the rest is typed", () => {
    const r = parse("001");
    expect(labels(r.diagnostics)).toEqual(["cfg-code@1:1", "cfg-code@2:8", "cfg-code@3:1", "cfg-code@22:24"]);
    expect(r.value.assignments.find((a) => a.key === "device_model")?.value.kind).toBe("code");
    expect([r.value.name?.value, r.value.builder?.value, r.value.memory?.value, r.value.vcpus?.value]).toEqual(["serverex", "hvm", 1024, 2]);
    expect(r.value.vifs.map((v) => v.model?.value)).toEqual(["e1000"]);
    expect(r.value.disks.map((d) => [d.attach, d.target?.value, d.vdev?.value, d.devtype, d.readOnly])).toEqual([
      ["phy", "/dev/xenvgvm/serverex", "hda", "disk", false],
      ["file", "/vdata/images/XenGPLpV.iso", "hdc", "cdrom", true],
    ]);
    expect(parse("001", "xl").diagnostics.every((d) => d.severity === "error")).toBe(true);
  });

  it("002 has two vifs, the first with every default", () => {
    const vifs = parse("002").value.vifs;
    expect(vifs.map((v) => [v.index, v.text, v.bridge?.value])).toEqual([[0, "", undefined], [1, "bridge=xenbr1", "xenbr1"]]);
  });

  it("008 (xen-tools 4.4) locates bridge=, ip= and mac= inside the vif line", () => {
    const t = text("008");
    const vif = parse("008").value.vifs[0]!;
    expect([vif.bridge, vif.mac].map((l) => textAt(t, l!.range))).toEqual(["xenbr0", "00:16:3E:76:47:D4"]);
    expect(vif.bridge!.range).toMatchObject({ line: 42, column: 25 });
    expect(vif.ip?.value).toEqual(["193.33.132.140"]);
    expect(parse("008").value.disks.map((d) => d.vdev?.value)).toEqual(["xvda2", "xvda1", "xvda3"]);
  });

  it("011 and 014 take `ip=` with a space before the comma, and 014 two addresses", () => {
    expect(parse("011").value.vifs[0]!.ip?.value).toEqual(["193.33.132.140"]);
    expect(parse("014").value.vifs[0]!.ip?.value).toEqual(["193.33.132.140", "193.33.132.140"]);
  });

  it("012 names its own vif script; 020 mixes spaces into a four-key spec", () => {
    expect(parse("012").value.vifs.map((v) => [v.script?.value, v.bridge?.value])).toEqual([["vif-openvswitch", "ovsbr0"]]);
    const vif = parse("020").value.vifs[0]!;
    expect([vif.type?.value, vif.mac?.value, vif.bridge?.value, vif.model?.value]).toEqual(["netfront", "00:16:3e:68:b2:12", "xenbr0", "e1000"]);
  });

  it("007 assigns extra twice and is non-ASCII without a coding line (xm would refuse it)", () => {
    const r = parse("007");
    expect(r.value.extra?.value).toBe("console=hvc0");
    expect(labels(parse("007", "xm").diagnostics)).toContain("cfg-non-ascii@13:3");
  });

  it("009 uses xl's positional disk syntax, which xm would refuse", () => {
    const r = parse("009");
    expect(r.value.disks.map((d) => [d.target?.value, d.format?.value, d.vdev?.value, d.access?.value])).toEqual([
      ["/dev/vg/pegas-disk", "raw", "xvda", "rw"],
      ["/dev/vg/pegas-swap", "raw", "xvdb", "rw"],
    ]);
    expect(parse("009", "xl").diagnostics).toEqual([]);
    expect(parse("009", "xm").diagnostics.map((d) => `${d.code}:${d.severity}`)).toEqual(["disk-xm-syntax:error", "disk-xm-syntax:error"]);
  });
});
