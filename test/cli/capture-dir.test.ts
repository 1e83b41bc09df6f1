// `xennet shell --capture-dir DIR`: every interface that saw a frame from boot on gets
// DIR/<node>_<iface>.pcap, and the whole host DIR/host.pcapng with its interfaces' real names;
// the files read back with our reader and, when it is installed, with tshark.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { xennet } from "./run-cli.ts";
import { readCapture } from "../../captures/read-capture.ts";
import { decodeFrame } from "../../netsim/wire/decode.ts";
import { run, shouldRun } from "../captures/tools.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs `xennet --root examples/nat shell --capture-dir DIR SCRIPT`; returns DIR. */
async function captureShell(lines: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "xennet-capture-"));
  dirs.push(dir);
  const script = join(dir, "script.sh");
  writeFileSync(script, lines);
  const out = join(dir, "pcaps");
  await xennet(["--root", "examples/nat", "shell", "--capture-dir", out, script]);
  return out;
}

describe("xennet shell --capture-dir", () => {
  it("writes <node>_<iface>.pcap for every interface that saw a frame, readable, with the ping in them", async () => {
    const dir = await captureShell("sleep 90\nping -c 1 192.168.1.1\n");
    const files = readdirSync(dir).sort();
    expect(files).toContain("host.pcapng");
    expect(files).toEqual(expect.arrayContaining(["dom0_eth0.pcap", "dom0_vif1.0.pcap", "web_eth0.pcap", "router_eth0.pcap", "lan_port1.pcap"]));
    for (const f of files.filter((f) => f !== "host.pcapng")) {
      expect(f).toMatch(/^[\w-]+_[\w.:-]+\.pcap$/);
      const capture = readCapture(readFileSync(join(dir, f)));
      expect(capture.ok, f).toBe(true);
      if (capture.ok) expect(capture.value.packets.length, f).toBeGreaterThan(0);
    }
    // dom0's own echo request to the router, on eth0, from the shell's ping.
    const eth0 = readCapture(readFileSync(join(dir, "dom0_eth0.pcap")));
    if (!eth0.ok) throw new Error(eth0.error.message);
    const echoes = eth0.value.packets.map((p) => decodeFrame(p.data)).filter((d) => d.ok && d.value.icmp?.kind === "echo-request");
    expect(echoes.length).toBeGreaterThanOrEqual(1);
  });

  it("writes host.pcapng with one interface per tapped device, dom0's by their bare names", async () => {
    const dir = await captureShell("sleep 90\n");
    const capture = readCapture(readFileSync(join(dir, "host.pcapng")));
    if (!capture.ok) throw new Error(capture.error.message);
    expect(capture.value.format).toBe("pcapng");
    const names = (capture.value.interfaces ?? []).map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(["eth0", "vif1.0", "vif2.0", "web:eth0", "router:eth0"]));
    const pcaps = readdirSync(dir).filter((f) => f.endsWith(".pcap"));
    expect(names.length).toBe(pcaps.length);
    // The boot's DHCP is in it: recording started before the machine booted.
    expect(capture.value.packets.some((p) => { const d = decodeFrame(p.data); return d.ok && d.value.dhcp !== undefined; })).toBe(true);
  });

  it.runIf(shouldRun("tshark", "tshark reading the capture-dir files"))("the files read in tshark", async () => {
    const dir = await captureShell("sleep 90\nping -c 1 192.168.1.1\n");
    const lines = run("tshark", ["-r", join(dir, "dom0_eth0.pcap"), "-Y", "icmp.type == 8", "-T", "fields", "-e", "ip.dst"]).trim().split("\n");
    expect(lines).toContain("192.168.1.1");
    const ifaces = run("tshark", ["-r", join(dir, "host.pcapng"), "-T", "fields", "-e", "frame.interface_name"]);
    expect(ifaces.split("\n")).toEqual(expect.arrayContaining(["eth0", "vif1.0"]));
  });
});
