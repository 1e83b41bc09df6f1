// Captures from the served host: the classic pcap of one interface (dom0's eth0, which carried the
// boot's DHCP exchange) and the whole-host pcapng, checked by their magic numbers and by tshark,
// which must read them with checksum validation on and find no malformed packet or expert warning.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../web/server/index.ts";
import { run, shouldRun } from "../../captures/tools.ts";
import { call, serve } from "./helpers.ts";

let server: RunningServer;
const dir = mkdtempSync(join(tmpdir(), "xennet-web-pcap-"));
beforeAll(async () => {
  server = await serve();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const CHECK = ["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-Y", "_ws.malformed || _ws.expert.severity >= warning"];

async function download(path: string): Promise<{ status: number; type: string | null; disposition: string | null; bytes: Uint8Array }> {
  const res = await fetch(server.url + path);
  return { status: res.status, type: res.headers.get("content-type"), disposition: res.headers.get("content-disposition"), bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe("captures", () => {
  it("downloads dom0 eth0's pcap: little-endian µs magic, named NODE_DEV.pcap", async () => {
    const pcap = await download("/api/pcap/dom0/eth0");
    expect(pcap.status).toBe(200);
    expect(pcap.type).toBe("application/vnd.tcpdump.pcap");
    expect(pcap.disposition).toBe('attachment; filename="dom0_eth0.pcap"');
    expect([...pcap.bytes.subarray(0, 4)]).toEqual([0xd4, 0xc3, 0xb2, 0xa1]);
    expect(pcap.bytes.length).toBeGreaterThan(24 + 300);
    writeFileSync(join(dir, "eth0.pcap"), pcap.bytes);
  });

  it("downloads the whole host as pcapng (Section Header Block first)", async () => {
    const pcapng = await download("/api/pcapng");
    expect(pcapng.type).toBe("application/x-pcapng");
    expect([...pcapng.bytes.subarray(0, 4)]).toEqual([0x0a, 0x0d, 0x0d, 0x0a]);
    writeFileSync(join(dir, "host.pcapng"), pcapng.bytes);
  });

  it("answers 404 for an interface that does not exist", async () => {
    expect((await call(server, "GET", "/api/pcap/dom0/eth7")).status).toBe(404);
    expect((await call(server, "GET", "/api/pcap/nosuch/eth0")).status).toBe(404);
  });

  it.skipIf(!shouldRun("tshark", "tshark reading the web view's captures"))("tshark opens both with no malformed packet or expert warning", () => {
    for (const file of ["eth0.pcap", "host.pcapng"]) {
      const path = join(dir, file);
      expect(run("tshark", ["-r", path, ...CHECK])).toBe("");
      expect(run("tshark", ["-r", path, "-Y", "dhcp"]).trim().split("\n").length).toBeGreaterThanOrEqual(4);
    }
    const comments = run("tshark", ["-r", join(dir, "host.pcapng"), "-T", "fields", "-e", "frame.comment"]);
    expect(comments).toMatch(/received on eth0; xenbr0: /);
  });
});
