// `source` and `source-directory` as ifupdown 0.8.41 follows them (checked with the real ifquery),
// and the two file readers: in memory, and the real filesystem confined to a root.

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryReader, nodeFsReader, readInterfaces } from "../../../topology/interfaces/index.ts";
import { dirnameC, expandSource } from "../../../topology/interfaces/source.ts";

const tree = (files: Record<string, string>, dirs: string[] = []) => memoryReader({ files, dirs, cwd: "/w" });

describe("source-directory", () => {
  const reader = tree({
    "/etc/network/interfaces": "auto lo\niface lo inet loopback\nsource-directory /etc/network/interfaces.d\n",
    "/etc/network/interfaces.d/eth0": "auto eth0\niface eth0 inet dhcp\n",
    "/etc/network/interfaces.d/br-0_x": "iface br0 inet manual\n",
    "/etc/network/interfaces.d/eth1.cfg": "iface eth1 inet dhcp\n",
    "/etc/network/interfaces.d/.hidden": "iface hidden inet dhcp\n",
    "/etc/network/interfaces.d/backup~": "iface backup inet dhcp\n",
  }, ["/etc/network/interfaces.d/sub"]);

  it("reads only run-parts names ([A-Za-z0-9_-]), in strcmp order, and skips names with dots", () => {
    const { value } = readInterfaces("/etc/network/interfaces", reader);
    expect(value.stanzas.map((s) => s.name)).toEqual(["lo", "br0", "eth0"]);
    expect(value.sourced.map((s) => s.path)).toEqual(["/etc/network/interfaces.d/br-0_x", "/etc/network/interfaces.d/eth0"]);
    expect(value.sourced[0]?.by).toEqual({ file: "/etc/network/interfaces", line: 3, column: 1 });
  });

  it("warns about a subdirectory with a run-parts name, which ifupdown tries to read", () => {
    const { value, diagnostics } = readInterfaces("/etc/network/interfaces", reader);
    expect(value.events).toContainEqual({ kind: "message", text: "/etc/network/interfaces.d/sub: Is a directory" });
    expect(diagnostics.find((d) => d.code === "interfaces/unreadable")?.severity).toBe("warning");
    expect(value.rejected).toBe(false);
  });
});

describe("source", () => {
  it("expands globs relative to the including file's directory, in order, hidden files excluded", () => {
    const reader = tree({ "/w/if": "source d/*\n", "/w/d/b": "iface b inet dhcp\n", "/w/d/a.cfg": "iface a inet dhcp\n", "/w/d/.h": "iface h inet dhcp\n" });
    expect(readInterfaces("if", reader).value.stanzas.map((s) => s.name)).toEqual(["a", "b"]);
    expect(expandSource("./d/*", reader)).toEqual(["./d/a.cfg", "./d/b"]);
  });

  it("splits words and removes quotes as wordexp does, without the directory on later words", () => {
    const reader = tree({ "/w/d/a": "", "/w/d/b": "" });
    expect(expandSource("./d/a 'd/b' \"d/[ab]\"", reader)).toEqual(["./d/a", "d/b", "d/[ab]"]);
    expect(expandSource("./d/a;x", reader)).toBeUndefined();
    expect(expandSource("./$(ls)", reader)).toBeUndefined();
  });

  it("skips a missing file silently, with an info diagnostic for the user", () => {
    const { value, diagnostics } = readInterfaces("/w/if", tree({ "/w/if": "source /etc/network/interfaces.d/*\niface a inet dhcp\n" }));
    expect(value.stanzas).toHaveLength(1);
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([["interfaces/source-not-found", "info"]]);
  });

  it("stops reading a sourced file at its fatal error but keeps the rest of the configuration", () => {
    const reader = tree({ "/w/m": "auto a b main\niface main inet manual\nsource d/bad\niface main2 inet manual\n", "/w/d/bad": "iface a inet manual\n mtu 1\niface q inet foo\niface b inet manual\n" });
    const { value, diagnostics } = readInterfaces("m", reader);
    expect(value.rejected).toBe(false);
    expect(value.stanzas.map((s) => s.name)).toEqual(["main", "a", "main2"]);
    expect(value.sourced[0]?.stoppedAt).toEqual({ file: "./d/bad", line: 3, column: 1 });
    expect(diagnostics[0]).toMatchObject({ code: "interfaces/unknown-method", span: { file: "./d/bad", line: 3 } });
    expect(diagnostics[0]?.message).toContain("ifupdown stops reading ./d/bad here");
  });

  it("reads a path once, but the same file again under another spelling (as ifupdown does)", () => {
    const reader = tree({ "/w/m": "source d/a\nsource d/a\nsource ./d/a\nsource d/a d/a\n", "/w/d/a": "iface a inet dhcp\n" });
    // ./d/a, ./d/a (skipped), ././d/a, then ./d/a (skipped) and d/a: three reads of one file.
    expect(readInterfaces("m", reader).value.sourced.map((s) => s.path)).toEqual(["./d/a", "././d/a", "d/a"]);
  });

  it("stops a file that sources itself under ever longer paths, with a diagnostic", () => {
    const { value, diagnostics } = readInterfaces("m", tree({ "/w/m": "iface a inet dhcp\nsource ./m\n" }));
    expect(value.stanzas.length).toBeGreaterThan(10);
    expect(diagnostics.some((d) => d.code === "interfaces/source-too-deep")).toBe(true);
  });

  it("rejects a main file that is a directory, and starts empty when it is missing", () => {
    const reader = tree({}, ["/w/d"]);
    expect(readInterfaces("d", reader).value.rejected).toBe(true);
    const missing = readInterfaces("nope", reader);
    expect(missing.value.rejected).toBe(false);
    expect(missing.value.events).toEqual([{ kind: "message", text: `couldn't open interfaces file "nope": No such file or directory` }]);
  });

  it("takes dirname(3) of the including file", () => {
    expect(["interfaces", "/etc/network/interfaces", "/interfaces", "a//b", "a/", "./x"].map(dirnameC)).toEqual([".", "/etc/network", "/", "a", ".", "."]);
  });
});

describe("nodeFsReader", () => {
  const root = mkdtempSync(join(tmpdir(), "xennet-root-"));
  const outside = mkdtempSync(join(tmpdir(), "xennet-outside-"));
  mkdirSync(join(root, "etc/network/interfaces.d"), { recursive: true });
  writeFileSync(join(root, "etc/network/interfaces"), "source /etc/network/interfaces.d/*\n");
  writeFileSync(join(root, "etc/network/interfaces.d/eth0"), "iface eth0 inet dhcp\n");
  writeFileSync(join(outside, "secret"), "iface stolen inet dhcp\n");
  symlinkSync(outside, join(root, "etc/network/interfaces.d/escape"));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it("resolves absolute paths under the root", () => {
    const reader = nodeFsReader({ root });
    expect(readInterfaces("/etc/network/interfaces", reader).value.stanzas.map((s) => s.name)).toEqual(["eth0"]);
    expect(reader.listDir("/etc/network")).toEqual(["interfaces", "interfaces.d"]);
  });

  it("cannot leave the root with .. or through a symbolic link", () => {
    const reader = nodeFsReader({ root });
    expect(reader.readFile("/../../../../etc/hostname")).toBeUndefined();
    expect(reader.readFile("/etc/network/interfaces.d/escape/secret")).toBeUndefined();
    expect(reader.listDir("/etc/network/interfaces.d/escape")).toBeUndefined();
  });

  it("reads relative paths from its working directory", () => {
    const reader = nodeFsReader({ root: "/nonexistent", cwd: join(root, "etc/network") });
    expect(reader.readFile("interfaces.d/eth0")).toBe("iface eth0 inet dhcp\n");
  });
});
