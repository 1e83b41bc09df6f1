// Validation against Wireshark and tcpdump: every frame the encoders build, written by both writers,
// must dissect in tshark with checksum checking on and no malformed packet or expert warning; the
// pcapng interface names and packet comments must survive; summarizeFrame must print what tcpdump
// prints. A deliberately corrupted frame shows the tshark check can fail.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writePcap, writePcapng } from "../../captures/index.ts";
import { summarizeFrame } from "../../netsim/wire/index.ts";
import { SAMPLE_FRAMES } from "../netsim/wire/sample-frames.ts";
import { run, shouldRun } from "./tools.ts";

const dir = mkdtempSync(join(tmpdir(), "xennet-tshark-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHECK = ["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-Y", "_ws.malformed || _ws.expert.severity >= warning"];
const records = SAMPLE_FRAMES.map((f, i) => ({ timeMicros: 1_000_000 + i * 1500, data: f.bytes }));
const interfaces = [{ name: "vif1.0" }, { name: "xenbr0", description: "bridge" }, { name: "peth0" }];
const packets = SAMPLE_FRAMES.map((f, i) => ({ timeMicros: 1_000_000 + i * 1500, ifIndex: i % 3, data: f.bytes, comment: `${interfaces[i % 3]!.name}: ${f.name} — forwarded` }));

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe.skipIf(!shouldRun("tshark", "tshark validation"))("tshark accepts what xennet writes", () => {
  it.each([
    ["µs pcap", () => write("frames.pcap", writePcap(records))],
    ["ns pcap", () => write("frames-ns.pcap", writePcap(records, { resolution: "ns" }))],
    ["pcapng", () => write("frames.pcapng", writePcapng({ interfaces, packets }))],
  ])("%s: no malformed packet, no checksum or expert warning", (_, make) => {
    const path = make();
    expect(run("tshark", ["-r", path, ...CHECK])).toBe("");
    expect(run("tshark", ["-r", path]).trim().split("\n")).toHaveLength(SAMPLE_FRAMES.length);
  });

  it("flags a frame whose IP header was corrupted (the check can fail)", () => {
    const bad = SAMPLE_FRAMES[2]!.bytes.slice();
    bad[14 + 8] = bad[14 + 8]! - 1; // TTL changed, header checksum left stale
    const path = write("bad.pcap", writePcap([{ timeMicros: 0, data: bad }]));
    expect(run("tshark", ["-r", path, ...CHECK])).toMatch(/ICMP/);
  });

  it("keeps pcapng interface names, descriptions, comments and µs timestamps", () => {
    const path = write("names.pcapng", writePcapng({ interfaces, packets }));
    const fields = run("tshark", ["-r", path, "-T", "fields", "-E", "separator=|", "-e", "frame.interface_name", "-e", "frame.comment", "-e", "frame.time_epoch", "-e", "frame.interface_description"]);
    const lines = fields.trim().split("\n");
    expect(lines).toHaveLength(packets.length);
    lines.forEach((line, i) => {
      const [name, comment, epoch, description] = line.split("|");
      expect(name).toBe(interfaces[i % 3]!.name);
      expect(description).toBe(interfaces[i % 3]!.description ?? "");
      expect(comment).toBe(packets[i]!.comment);
      expect(Number(epoch)).toBeCloseTo(1 + i * 0.0015, 6);
    });
  });
});

describe.skipIf(!shouldRun("tcpdump", "tcpdump comparison"))("summarizeFrame agrees with tcpdump", () => {
  it("prints the same line as `tcpdump -nn -t -S` for every sample frame", () => {
    const path = write("summary.pcap", writePcap(records));
    const lines = run("tcpdump", ["-nn", "-t", "-S", "-r", path]).trim().split("\n");
    expect(SAMPLE_FRAMES.map((f) => summarizeFrame(f.bytes))).toEqual(lines);
  });
});
