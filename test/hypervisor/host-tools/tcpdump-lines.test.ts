// tcpdump's line format checked against the real program: the sample frames (frames.ts) are
// written to a pcap with captures/, dated with xennet's default epoch (2011-02-06 00:00:00 UTC),
// read back by tcpdump 4.99 (`tcpdump -r F OPTIONS`, TZ=UTC; the runs without -n inside an empty
// network namespace so that reverse lookups fail at once), and the output kept in test/golden/host-tools/
// tcpdump-4.99-*.txt. LinePrinter must print the same, after the documented differences of 4.1.1:
// - 4.1.1 hands an 802.3 frame to the LLC printer with its padding: a BPDU in a 60-byte frame is
//   `802.3, length 60` with -e and `length 43` (4.99: 38 and 35, from the 802.3 length field);
// - 4.1.1's -ttt delta has no sign column (4.99 prints a leading blank).
// When tcpdump is installed, the numeric runs are repeated live to show the stored text is its.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { writePcap } from "../../../captures/pcap-writer.ts";
import { LinePrinter, SQUEEZE_RELEASE_EPOCH, type LineOptions } from "../../../hypervisor/host-tools/index.ts";
import { SAMPLE_FRAMES } from "./frames.ts";

const GOLDEN = resolve(import.meta.dirname, "../../golden/host-tools");
const TCPDUMP = "/usr/bin/tcpdump";

/** Option sets: the golden file suffix, tcpdump's arguments, and LinePrinter's options. */
const RUNS: readonly (readonly [string, readonly string[], Partial<LineOptions>])[] = [
  ["n", ["-n"], { numeric: true }],
  ["n-e", ["-n", "-e"], { numeric: true, link: true }],
  ["nn-tttt", ["-nn", "-tttt"], { numeric: true, tflag: 4 }],
  ["n-S", ["-n", "-S"], { numeric: true, absoluteSeq: true }],
  ["n-t", ["-n", "-t"], { numeric: true, tflag: 1 }],
  ["n-tt", ["-n", "-tt"], { numeric: true, tflag: 2 }],
  ["n-ttt", ["-n", "-ttt"], { numeric: true, tflag: 3 }],
  ["e", ["-e"], { link: true }],
  ["plain", [], {}],
];

/** tcpdump 4.99's text turned into 4.1.1's (see the file header). */
function as411(text: string): string {
  return text
    .replace(/802\.3, length (38|7):/g, "802.3, length 60:")
    .replace(/(bridge-id [0-9a-f.:]+), length 35/g, "$1, length 43")
    .replace(/^ (\d\d:\d\d:\d\d\.\d{6} )/gm, "$1");
}

function printAll(opts: Partial<LineOptions>): string {
  const printer = new LinePrinter({ numeric: false, link: false, absoluteSeq: false, tflag: 0, ...opts }, SQUEEZE_RELEASE_EPOCH);
  return SAMPLE_FRAMES.map(([t, frame]) => printer.line(t, frame)).join("");
}

describe("tcpdump lines", () => {
  for (const [name, args, opts] of RUNS) {
    it(`prints what tcpdump ${args.join(" ") || "(no options)"} prints, as 4.1.1`, () => {
      const real = readFileSync(join(GOLDEN, `tcpdump-4.99-${name}.txt`), "utf8");
      expect(printAll(opts)).toBe(as411(real));
    });
  }

  it.runIf(existsSync(TCPDUMP))("the stored outputs are the real tcpdump's (numeric runs repeated live)", () => {
    const dir = mkdtempSync(join(tmpdir(), "xn-tcpdump-"));
    try {
      const file = join(dir, "sample.pcap");
      const records = SAMPLE_FRAMES.map(([t, data]) => ({ timeMicros: t, data }));
      writeFileSync(file, writePcap(records, { epochMicros: SQUEEZE_RELEASE_EPOCH * 1_000_000, snapLen: 65535 }));
      for (const [name, args] of RUNS.filter(([, a]) => a.some((x) => x.startsWith("-n")))) {
        const out = execFileSync(TCPDUMP, ["-r", file, ...args], { env: { TZ: "UTC", PATH: "/usr/bin:/bin" }, stdio: ["ignore", "pipe", "ignore"] }).toString();
        expect(out, name).toBe(readFileSync(join(GOLDEN, `tcpdump-4.99-${name}.txt`), "utf8"));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints unpadded BPDUs (as a Linux bridge sends them) with the 802.3 length of the frame", () => {
    const printer = new LinePrinter({ numeric: true, link: true, absoluteSeq: false, tflag: 1 }, 0);
    const [, bpdu] = SAMPLE_FRAMES.find(([, , what]) => what === "stp config")!;
    expect(printer.line(0, bpdu.subarray(0, 52))).toBe(
      "00:16:3e:11:22:33 > 01:80:c2:00:00:00, 802.3, length 52: LLC, dsap STP (0x42) Individual, ssap STP (0x42) Command, ctrl 0x03: STP 802.1d, Config, Flags [none], bridge-id 8000.00:16:3e:11:22:33.8001, length 35\n",
    );
  });

  it("never throws on cut or random bytes", () => {
    const printer = new LinePrinter({ numeric: false, link: true, absoluteSeq: false, tflag: 0 }, SQUEEZE_RELEASE_EPOCH);
    for (const [, frame] of SAMPLE_FRAMES) for (let n = 0; n <= frame.length; n++) expect(typeof printer.line(1, frame.subarray(0, n))).toBe("string");
  });
});
