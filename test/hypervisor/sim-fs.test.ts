// The simulated host's filesystem: reads fall through to the read-only root, writes stay in memory
// (the real directory is never touched), deletions hide the root's files, sparse files have a size
// but no allocation, attachments follow renames, symbolic links resolve, errors are errno names.
import { mkdtempSync, readdirSync, writeFileSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryReader, nodeFsReader } from "../../topology/interfaces/reader.ts";
import { SimFs } from "../../hypervisor/index.ts";

describe("SimFs", () => {
  it("overlays a read-only root and never writes to it", () => {
    const dir = mkdtempSync(join(tmpdir(), "simfs-"));
    mkdirSync(join(dir, "etc/xen"), { recursive: true });
    writeFileSync(join(dir, "etc/xen/a.cfg"), "name = 'a'\n");
    const fs = new SimFs(nodeFsReader({ root: dir }));
    expect(fs.readFile("/etc/xen/a.cfg")).toBe("name = 'a'\n");
    expect(fs.writeFile("/etc/xen/a.cfg", "changed")).toEqual({ ok: true });
    expect(fs.writeFile("/etc/xen/b.cfg", "new")).toEqual({ ok: true });
    expect(fs.listDir("/etc/xen")).toEqual(["a.cfg", "b.cfg"]);
    expect(fs.readFile("/etc/xen/a.cfg")).toBe("changed");
    expect(fs.unlink("/etc/xen/a.cfg")).toEqual({ ok: true });
    expect(fs.readFile("/etc/xen/a.cfg")).toBeUndefined();
    expect(fs.listDir("/etc/xen")).toEqual(["b.cfg"]);
    expect(readdirSync(join(dir, "etc/xen"))).toEqual(["a.cfg"]);
    expect(readFileSync(join(dir, "etc/xen/a.cfg"), "utf8")).toBe("name = 'a'\n");
  });

  it("reports errno-style failures", () => {
    const fs = new SimFs(memoryReader({ files: { "/etc/hosts": "x" } }));
    expect(fs.writeFile("/nowhere/f", "x")).toEqual({ ok: false, error: "ENOENT" });
    expect(fs.writeFile("/etc/hosts/f", "x")).toEqual({ ok: false, error: "ENOTDIR" });
    expect(fs.mkdir("/etc")).toEqual({ ok: false, error: "EEXIST" });
    expect(fs.mkdir("/a/b/c", { parents: true })).toEqual({ ok: true });
    expect(fs.unlink("/a")).toEqual({ ok: false, error: "EISDIR" });
    expect(fs.unlink("/zzz")).toEqual({ ok: false, error: "ENOENT" });
  });

  it("keeps sparse files small and reads their holes as zeros", () => {
    const fs = new SimFs();
    fs.createSparse("/disk.img", 2 * 1024 ** 3);
    expect(fs.stat("/disk.img")).toEqual({ kind: "file", size: 2 * 1024 ** 3, allocated: 0, mode: 0o644 });
    expect(fs.readBytes("/disk.img", 1024 ** 3, 4)).toEqual(new Uint8Array(4));
    expect(fs.readFile("/disk.img")).toBeUndefined();
    fs.writeFile("/save", new Uint8Array([76, 105]), { size: 100 });
    expect(fs.readBytes("/save", 0, 4)).toEqual(new Uint8Array([76, 105, 0, 0]));
    expect(fs.stat("/save")!.allocated).toBe(100);
  });

  it("moves attachments with renames and drops them on rewrite; follows symlinks", () => {
    const fs = new SimFs();
    const payload = { kind: "x" };
    fs.writeFile("/a", "data", { attachment: payload });
    fs.rename("/a", "/b");
    expect(fs.attachment("/b")).toBe(payload);
    expect(fs.exists("/a")).toBe(false);
    fs.mkdir("/auto");
    fs.symlink("/b", "/auto/link");
    expect(fs.readFile("/auto/link")).toBe("data");
    expect(fs.readlink("/auto/link")).toBe("/b");
    fs.writeFile("/b", "other");
    expect(fs.attachment("/auto/link")).toBeUndefined();
    fs.symlink("/loop", "/loop");
    expect(fs.readFile("/loop")).toBeUndefined();
  });
});
