// A Linux bridge built for real, for the kernel comparison test: two network namespaces of our own
// (`xn-br-<pid>-b` holds br0 and its ports p1..pN, `xn-br-<pid>-h` the hosts' ends h1..hN of the veth
// pairs), raw frames sent with a small python3 AF_PACKET sender, and `tcpdump -p -Q in` on every
// host end writing what came out of each bridge port. Nothing is created in, moved into or linked
// to the root namespace: every `ip` command runs with `-n` inside one of our namespaces, and the veth
// peer is created directly in the other one. Every command has a time limit; `destroy` removes the
// namespaces (and with them the bridge and the veths) and stops the captures.
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { macToString } from "../../../../netsim/wire/address.ts";
import type { Mac } from "../../../../netsim/wire/address.ts";

import { netnsUnavailable as probeNetns, removeNetnsLeftovers } from "../../../netns-probe.ts";

const PREFIX = "xn-br-";

/** Why the kernel test cannot run here, or undefined when it can. */
export function netnsUnavailable(): string | undefined {
  return probeNetns(PREFIX, ["ip", "tcpdump", "python3"]);
}

/** Deletes namespaces a killed earlier run left behind (ours only: the xn-br- prefix). */
export function removeLeftovers(): void {
  removeNetnsLeftovers(PREFIX);
}

function run(args: string[]): void {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: "utf8", timeout: 10_000 });
  if (r.status !== 0) throw new Error(`${args.join(" ")}: ${r.stderr || r.error?.message || `exit ${r.status}`}`);
}

/** One frame to send, or one command to run, `at` seconds after the sender starts. */
export type Step = { readonly at: number; readonly iface: string; readonly frame: Uint8Array } | { readonly at: number; readonly cmd: string[] };

// Opens a raw socket per interface first, then keeps the schedule with a monotonic clock.
const SENDER = `
import json, socket, subprocess, sys, time
steps = json.loads(sys.argv[1])
socks = {}
for s in steps:
    if "iface" in s and s["iface"] not in socks:
        so = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        so.bind((s["iface"], 0))
        socks[s["iface"]] = so
start = time.monotonic()
for s in steps:
    delay = start + s["at"] - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    if "cmd" in s:
        subprocess.run(s["cmd"], check=True, timeout=10)
    else:
        socks[s["iface"]].send(bytes.fromhex(s["hex"]))
`;

/** A bridge `br0` with ports p1..pN in one namespace and hosts h1..hN in another. */
export class KernelBridge {
  readonly bridgeNs = `${PREFIX}${process.pid}-b`;
  readonly hostNs = `${PREFIX}${process.pid}-h`;
  private readonly dir = mkdtempSync(join(tmpdir(), "xennet-kernel-br-"));
  private captures: { iface: string; proc: ChildProcess; file: string }[] = [];

  /** Creates the namespaces, the veth pairs (host MACs `hostMac(i)`, port MACs `portMac(i)`) and br0. */
  constructor(
    readonly hosts: number,
    hostMac: (i: number) => Mac,
    portMac: (i: number) => Mac,
    bridgeArgs: string[],
  ) {
    try {
      for (const ns of [this.bridgeNs, this.hostNs]) {
        run(["ip", "netns", "add", ns]);
        // No IPv6 autoconfiguration: nothing but our frames crosses the bridge.
        run(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]);
      }
      run(["ip", "-n", this.bridgeNs, "link", "add", "br0", "type", "bridge", ...bridgeArgs]);
      for (let i = 1; i <= hosts; i++) {
        run(["ip", "-n", this.bridgeNs, "link", "add", `p${i}`, "type", "veth", "peer", "name", `h${i}`, "netns", this.hostNs]);
        run(["ip", "-n", this.bridgeNs, "link", "set", `p${i}`, "address", macToString(portMac(i)), "master", "br0", "up"]);
        run(["ip", "-n", this.hostNs, "link", "set", `h${i}`, "address", macToString(hostMac(i)), "up"]);
      }
      run(["ip", "-n", this.bridgeNs, "link", "set", "br0", "up"]);
    } catch (error) {
      this.destroy();
      throw error;
    }
  }

  /** An `ip` command run in the bridge's namespace, as a sender step. */
  ipInBridge(...args: string[]): string[] {
    return ["ip", "-n", this.bridgeNs, ...args];
  }

  /** Runs an `ip` command in the bridge's namespace now. */
  ip(...args: string[]): void {
    run(this.ipInBridge(...args));
  }

  /**
   * Starts `tcpdump -p -U --immediate-mode -Q in` on every host end for frames of `etherType`, and
   * waits until each listens. Immediate mode: no TPACKET_V3 block timeout, so no frame is still in
   * the ring when the capture is stopped.
   */
  async capture(etherType: number): Promise<void> {
    for (let i = 1; i <= this.hosts; i++) {
      const iface = `h${i}`;
      const file = join(this.dir, `${iface}.pcap`);
      const args = ["netns", "exec", this.hostNs, "tcpdump", "-p", "-U", "--immediate-mode", "-Q", "in", "-i", iface, "-w", file, "ether", "proto", `0x${etherType.toString(16)}`];
      const proc = spawn("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
      this.captures.push({ iface, proc, file });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`tcpdump on ${iface} did not start`)), 10_000);
        let err = "";
        proc.stderr!.on("data", (chunk: Buffer) => {
          err += chunk.toString();
          if (err.includes("listening on")) {
            clearTimeout(timer);
            resolve();
          }
        });
        proc.on("exit", (code) => {
          clearTimeout(timer);
          reject(new Error(`tcpdump on ${iface} exited (${code}): ${err}`));
        });
      });
    }
  }

  /** Runs the steps from the host namespace (frames leave from host end `iface`). */
  send(steps: readonly Step[]): void {
    const json = JSON.stringify(steps.map((s) => ("cmd" in s ? s : { at: s.at, iface: s.iface, hex: Buffer.from(s.frame).toString("hex") })));
    const last = Math.max(0, ...steps.map((s) => s.at));
    const r = spawnSync("ip", ["netns", "exec", this.hostNs, "python3", "-c", SENDER, json], { encoding: "utf8", timeout: (last + 20) * 1000 });
    if (r.status !== 0) throw new Error(`sender failed: ${r.stderr || r.error?.message}`);
  }

  /** Stops the captures and returns, per host end, the frames it received in order. */
  async collect(): Promise<Map<string, Uint8Array[]>> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const out = new Map<string, Uint8Array[]>();
    for (const { iface, proc, file } of this.captures) {
      await stop(proc);
      out.set(iface, readPcap(readFileSync(file)));
    }
    this.captures = [];
    return out;
  }

  /** Stops any capture still running and deletes the namespaces and the capture files. */
  destroy(): void {
    for (const { proc } of this.captures) if (proc.exitCode === null) proc.kill("SIGKILL");
    this.captures = [];
    for (const ns of [this.bridgeNs, this.hostNs]) spawnSync("ip", ["netns", "del", ns], { timeout: 10_000 });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** SIGINT makes tcpdump flush and close its file; SIGKILL after 5 s. */
function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
    proc.on("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill("SIGINT");
  });
}

/** The packets of a classic little-endian pcap file, as tcpdump writes them. */
export function readPcap(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length < 24 || view.getUint32(0, true) !== 0xa1b2c3d4) throw new Error("not a little-endian µs pcap");
  const frames: Uint8Array[] = [];
  for (let at = 24; at + 16 <= file.length; ) {
    const length = view.getUint32(at + 8, true);
    frames.push(file.subarray(at + 16, at + 16 + length));
    at += 16 + length;
  }
  return frames;
}

/** One bridge of `stpTriangle`: its name and its two ports toward the others, with their MACs. */
export interface TriangleBridge {
  readonly name: string;
  readonly ports: readonly { readonly name: string; readonly mac: Mac }[];
}

/**
 * Three kernel bridges with STP in one namespace of ours, joined in a triangle by veth pairs
 * (bridge i's second port to bridge i+1's first port), all brought up at once. After `settleMs`,
 * returns the state of every port (`ip -d -j link show type bridge_slave`) and deletes everything.
 */
export async function stpTriangle(bridges: readonly TriangleBridge[], bridgeArgs: string[], settleMs: number): Promise<Record<string, string>> {
  const ns = `${PREFIX}${process.pid}-stp`;
  try {
    run(["ip", "netns", "add", ns]);
    run(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]);
    for (const b of bridges) run(["ip", "-n", ns, "link", "add", b.name, "type", "bridge", ...bridgeArgs]);
    bridges.forEach((b, i) => {
      const next = bridges[(i + 1) % bridges.length]!;
      run(["ip", "-n", ns, "link", "add", b.ports[1]!.name, "type", "veth", "peer", "name", next.ports[0]!.name]);
    });
    for (const b of bridges) {
      for (const p of b.ports) run(["ip", "-n", ns, "link", "set", p.name, "address", macToString(p.mac), "master", b.name]);
    }
    for (const b of bridges) for (const p of b.ports) run(["ip", "-n", ns, "link", "set", p.name, "up"]);
    for (const b of bridges) run(["ip", "-n", ns, "link", "set", b.name, "up"]);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const shown = spawnSync("ip", ["-n", ns, "-d", "-j", "link", "show", "type", "bridge_slave"], { encoding: "utf8", timeout: 10_000 });
    // iproute2 prints an empty object for each link the type filter leaves out.
    const links = JSON.parse(shown.stdout) as { ifname?: string; linkinfo?: { info_slave_data?: { state?: string } } }[];
    return Object.fromEntries(links.flatMap((l) => (l.ifname === undefined ? [] : [[l.ifname, l.linkinfo?.info_slave_data?.state ?? "?"]])));
  } finally {
    spawnSync("ip", ["netns", "del", ns], { timeout: 10_000 });
  }
}
