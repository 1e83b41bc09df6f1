// `xennet ifquery`: the commander wiring passes ifquery's own arguments through untouched, prints
// both streams and sets the exit code; absolute paths are read under --root when it is given.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { xennet } from "./run-cli.ts";

const root = mkdtempSync(join(tmpdir(), "xennet-cli-root-"));
mkdirSync(join(root, "etc/network/interfaces.d"), { recursive: true });
writeFileSync(join(root, "etc/network/interfaces"), "auto eth0\nallow-hotplug eth1\niface eth0 inet static\n address 10.0.0.2/24\nsource /etc/network/interfaces.d/*\n");
writeFileSync(join(root, "etc/network/interfaces.d/eth1"), "iface eth1 inet dhcp\n post-up echo up\n");

/** `xennet --root ROOT ifquery ARGS…`: each stream and the exit status. */
async function ifquery(...args: string[]): Promise<{ out: string; err: string; code: number | undefined }> {
  const { out, err, code } = await xennet(["--root", root, "ifquery", ...args]);
  return { out, err, code };
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("xennet ifquery", () => {
  it("reads an absolute -i path from the real filesystem when --root is not given", async () => {
    const r = await xennet(["ifquery", "-i", join(root, "etc/network/interfaces"), "--list"]);
    expect(r.err).toBe("");
    expect(r.out).toBe("lo\neth0\n");
  });

  it("lists auto and allow-hotplug interfaces of the file under --root", async () => {
    expect(await ifquery("-i", "/etc/network/interfaces", "--list")).toEqual({ out: "lo\neth0\n", err: "", code: 0 });
    expect(await ifquery("-i", "/etc/network/interfaces", "--list", "--allow=hotplug")).toEqual({ out: "eth1\n", err: "", code: 0 });
  });

  it("queries a sourced interface with -v, and fails on an unknown one", async () => {
    expect(await ifquery("-i", "/etc/network/interfaces", "-v", "eth1")).toEqual({
      out: "up: echo up\n",
      err: "ifquery: parsing file /etc/network/interfaces.d/eth1\nifquery: querying interface eth1=eth1 (inet)\n",
      code: 0,
    });
    expect(await ifquery("-i", "/etc/network/interfaces", "eth9")).toEqual({ out: "", err: "ifquery: unknown interface eth9\n", code: 1 });
  });

  it("leaves -h and unknown options to ifquery", async () => {
    expect((await ifquery("-h")).out.split("\n")[0]).toBe("Usage: ifquery <options> <ifaces...>");
    expect(await ifquery("--bogus")).toMatchObject({ err: "ifquery: unrecognized option '--bogus'\nifquery: Use --help for help\n", code: 1 });
  });
});
