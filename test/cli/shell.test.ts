// `xennet shell SCRIPT` on the built-in handbook host: the Debian Administrator's Handbook session
// (xm list, xen-create-image, xm create, xm list, xm console, pause, save/restore, shutdown), run
// through the real command tree and compared with a golden transcript.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { xennet } from "./run-cli.ts";
import { expectGolden } from "../golden.ts";

const dir = mkdtempSync(join(tmpdir(), "xennet-shell-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


const HANDBOOK = `xm list
xen-create-image --hostname testxen --dhcp --dir /srv/testxen --size=2G --dist=squeeze --role=udev
xm create testxen.cfg
xm list
xm console testxen
xm pause testxen
xm list
xm unpause testxen
xm save testxen /root/testxen.save
xm list
xm restore /root/testxen.save
xm list
xm shutdown testxen
sleep 30
xm list
frobnicate
`;

describe("xennet shell", () => {
  it("replays the handbook's session as a terminal transcript", async () => {
    const script = join(dir, "handbook.sh");
    writeFileSync(script, HANDBOOK);
    const { all: out, code } = await xennet(["--root", "examples/handbook", "shell", script]);
    expect(out).toContain("root@debian:~# xm create testxen.cfg\nStarted domain testxen (id=1)\n".replace("\nStarted", '\nUsing config file "/etc/xen/testxen.cfg".\nStarted'));
    expect(out).toContain("testxen login: ");
    expect(out).toContain("bash: frobnicate: command not found\n");
    expect(code).toBe(127);
    expectGolden("cli/handbook-shell.transcript", out);
  });

  it("keeps a tcpdump without -c capturing through the next command, then stops it as Ctrl-C", async () => {
    const script = join(dir, "capture.sh");
    writeFileSync(script, "xen-create-image --hostname testxen --dhcp --dir /srv/testxen > /dev/null\nxm create testxen.cfg\nsleep 60\ntcpdump -i vif1.0 -n\non testxen ping -c 1 www\nxm list\n");
    const { all } = await xennet(["shell", script]);
    const after = all.slice(all.indexOf("root@debian:~# on testxen ping -c 1 www"));
    const pingDone = after.indexOf("rtt min/avg/max/mdev");
    const request = after.indexOf("IP 192.168.1.113 > 203.0.113.80: ICMP echo request");
    expect(pingDone).toBeGreaterThan(0);
    expect(request).toBeGreaterThan(pingDone);
    expect(after).toMatch(/ICMP echo reply, id \d+, seq 1, length 64\n\^C\n2 packets captured\n/);
    expect(after.indexOf("root@debian:~# xm list")).toBeGreaterThan(request);
  });

  it("gives the same transcript for the same seed", async () => {
    const script = join(dir, "short.sh");
    writeFileSync(script, "xen-create-image --hostname web --dhcp --dir /srv/web\n");
    const once = await xennet(["--seed", "5", "shell", script]);
    const again = await xennet(["--seed", "5", "shell", script]);
    const other = await xennet(["--seed", "6", "shell", script]);
    expect(again.out).toBe(once.out);
    expect(other.out).not.toBe(once.out);
  });

  it("refuses a missing root with exit status 2 and one line", async () => {
    await expect(xennet(["--root", join(dir, "nope"), "xm", "list"])).rejects.toThrow(/no such directory/);
  });
});
